for i in 1 2 3; do if [ $i -eq 2 ]; then continue; fi; echo i=$i; done
n=0; while [ $n -lt 3 ]; do n=$((n+1)); echo n=$n; done
until [ $n -eq 0 ]; do n=$((n-1)); done; echo done $n
for i in a b c; do for j in 1 2; do [ $j = 2 ] && break 2; echo $i$j; done; done
case "hello.txt" in *.sh) echo shell;; *.txt|*.md) echo text;; *) echo other;; esac
case x in y) echo no;; esac; echo status=$?
if false; then echo a; elif true; then echo b; else echo c; fi
{ echo grouped; echo lines; }
( echo subshell; exit 3 ); echo sub=$?
true && echo and1; false && echo and2; false || echo or1; true || echo or2
! false; echo bang=$?
f() { echo "in f: $1"; return 4; }; f arg; echo ret=$?
function g { local v=local; echo $v; }; v=global; g; echo $v

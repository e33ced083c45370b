IFS=: read a b c <<EOF
x:y:z
EOF
echo $a-$b-$c
echo "a b c" | { read first rest; echo "$first|$rest"; }
type cd echo | head -2
command -v cd
X=1 sh -c 'echo $X'; echo "[${X-unset}]"
export Y=2; sh -c 'echo $Y'
readonly R=1; R=2; echo R=$R
v=$(printf '%s' "a'b"); echo "$v"
echo ~ | grep -c /
cd /tmp && pwd; cd - >/dev/null; echo back
unset v; echo "${v:-gone}"
eval 'e=evaled; echo $e'
[ -d / ] && echo dir; [ ! -f /nonexist ] && echo nofile; test 1 -lt 2 && echo lt
[ "a" = "b" ]; echo $?; [ -z "" ]; echo $?; [ ]; echo $?

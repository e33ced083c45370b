//! The shell: scripts run through /bin/bash and through nsh must give the
//! same stdout, stderr and exit status; syntax errors are reported with the
//! line, column and a caret, and nothing runs.

use crate::common::{assert_same_as_bash, need_root, nsh_bin, run_script_with};

/// One differential test per snippet.
macro_rules! same_as_bash {
    ($($name:ident: $script:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_same_as_bash($script);
            }
        )*
    };
}

same_as_bash! {
    regex_groups_are_not_extended_globs: r#"
s="  hello world  "; [[ "$s" =~ ^[[:space:]]*(.*)[[:space:]]*$ ]] && echo "[${BASH_REMATCH[1]}]"
[[ abab =~ ^(ab)+$ ]] && echo plus; [[ x =~ ^?(x)$ ]]; echo "st=$?"; [[ aXb =~ a@(X)b ]]; echo "st=$?"; [[ "a b" =~ ^a!(.)b$ ]]; echo "st=$?"
f() { [[ $1 =~ ^[0-9]*(\.[0-9]+)?$ ]] && echo num; }; f 12.5
"#;
    case_modification_with_a_pattern: r#"
x=hello; echo ${x^^[le]} ${x^[h]} ${x^[e]} ${x,,[L]} ${x~~[lo]}; X=HELLO; echo ${X,,[LO]} ${X,[H]}
a=(ab cd); echo ${a[@]^^[ac]} ${x^^?} ${x^^*} ${x^^} ${X,,} ${x~}; p="[hl]"; echo ${x^^$p} "${x^^"[hl]"}"
f(){ echo ${x^^[le]} ${x~~}; }; type f; f
"#;
    killed_jobs_are_reported: r#"
{ sleep 2 & kill -9 $!; wait $!; echo "st=$?"; } 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
{ sleep 2 & p=$!; kill $p; wait $p; echo "st=$?"; } 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
{ sleep 2 & kill -INT $!; wait; echo "st=$?"; } 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
{ sleep 2 & kill -PIPE $!; wait; echo "st=$?"; } 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
{ (sleep 2; echo x) & kill -9 $!; wait; echo "st=$?"; } 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
{ sleep 2 & kill -9 $!; sleep 1; echo between; wait; echo "st=$?"; } 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
{ sleep 2 & kill -USR1 $!; wait -n; echo "st=$?"; } 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
{
(sleep 1; echo x) & { sleep 1; echo y; } & sleep 1 | cat & sleep 1 && true & if true; then sleep 1; fi & f() { sleep 1; } ; f >/dev/null 2>&1 & for i in 1; do sleep 1; done &
jobs; kill $(jobs -p); wait
} 2>&1 | sed 's/ *[0-9]\{3,\}/ PID/'
(echo $BASH_SUBSHELL) & wait; (echo $BASH_SUBSHELL) | cat; (exit 3) | cat; echo ${PIPESTATUS[@]}; (exit 4) & wait $!; echo $?
"#;
    functions_from_a_sourced_file_report_its_lines: r#"
D=$(mktemp -d); cd "$D"
cat > lib2.sh <<'EOF'
# lib
x=1
libf() {
  echo "in-libf $LINENO"
  nocmd_zz
  echo "$LINENO ${BASH_SOURCE[0]##*/}"
}
EOF
. ./lib2.sh; libf
g() { echo "g $LINENO"; libf; }
g
eval 'h() { echo "h $LINENO"; nocmd_h; }'
h
unset -f libf; libf 2>&1 | sed 's/^.*line/line/'
cd /; rm -rf "$D"
"#;
    read_and_mapfile_from_a_descriptor: r#"
T=$(mktemp); printf 'l1\nl2 x\nl3\n' > "$T"
exec {rd}<"$T"; read -r -u $rd a; read -u "$rd" b c; echo "[$a][$b][$c]"; mapfile -t -u $rd rest; echo "${#rest[@]} ${rest[0]}"; exec {rd}<&-
exec 3<"$T"; mapfile -u 3 -t all; echo "${all[*]}"; exec 3<&-
read -u 99 x; echo "st=$?"; read -u x y; echo "st=$?"; mapfile -u 98 m; echo "st=$?"; read -u; echo "st=$?"
exec 4<"$T"; while read -r -u 4 line; do echo "got $line"; done; exec 4<&-
echo in | read -e -i def z; echo "st=$?"; rm -f "$T"
"#;
    descriptors_above_2_reach_programs: r#"
cat /dev/fd/3 3</etc/hostname | wc -c; { cat /dev/fd/3; } 3<<<x; cat /dev/fd/4 4<<EOF2
heredoc
EOF2
exec 5</etc/hostname; cat /dev/fd/5 | wc -c; exec 5<&-
ls -l /proc/self/fd/6 6>/dev/null | grep -c null
"#;
    ps4_is_expanded: r#"
PS4='+ ${FUNCNAME[0]:-main}:$LINENO: '; set -x; f() { echo in; }; f 1
PS4='+$(echo sub) \u '; echo x
PS4='[$((1+1))] '; x=$(echo y)
set +x
"#;
    break_and_continue_leave_status_0: r#"
for x in a; do false; continue; done; echo "1:$?"
for x in a b; do false; continue; done; echo "2:$?"
for x in a b; do if [ $x = a ]; then false; continue; fi; true; done; echo "3:$?"
for x in a b; do if [ $x = b ]; then false; continue; fi; true; done; echo "4:$?"
for x in a b; do [ $x = b ] && break; false; done; echo "5:$?"
for x in a b; do false; break; done; echo "6:$?"
i=0; while [ $i -lt 2 ]; do i=$((i+1)); false; continue; done; echo "7:$?"
for ((i=0;i<2;i++)); do false; continue; done; echo "8:$?"
for x in a b; do for y in c; do false; continue 2; done; done; echo "9:$?"
for x in a b; do for y in c; do false; break 2; done; done; echo "10:$?"
f() { for x in a; do false; return; done; }; f; echo "11:$?"
for x in a; do (exit 3); continue; done; echo "12:$?"
i=0; while [ $i -lt 2 ]; do i=$((i+1)); false; [ $i = 2 ] && break; done; echo "13:$?"
while break; do :; done; echo "14:$?"
select x in a; do false; break; done <<< 1 2>/dev/null; echo "15:$?"
"#;
    xtrace_and_debug_trap_order: r#"
set -- a; f(){ for x; do :; done; }; type f
set -x; for x; do :; done; trap "echo \$BASH_COMMAND" DEBUG; for y; do :; done; trap - DEBUG
trap "echo D" DEBUG; case a in a) ;; esac; [[ a ]]; (( 1 )); x=1; for ((i=0;i<1;i++)); do :; done; trap - DEBUG
trap "echo err" ERR; false; trap "echo ex" EXIT; g(){ :; }; trap "echo ret" RETURN; set -T; g
"#;
    dynamic_variables: r#"
echo $BASH_SUBSHELL; (echo $BASH_SUBSHELL; (echo $BASH_SUBSHELL)); echo $(echo $BASH_SUBSHELL); echo $BASH_SUBSHELL | cat; { echo $BASH_SUBSHELL; } | cat; f(){ echo $BASH_SUBSHELL; }; f & wait
echo "$SHELLOPTS"; echo "$BASHOPTS"; set -e -o pipefail; echo "$SHELLOPTS"; set +e +o pipefail; echo $OPTERR $HISTCMD; echo ${#EPOCHREALTIME} ${#EPOCHSECONDS}; [[ $SRANDOM =~ ^[0-9]+$ ]] && echo srandom
echo "[$COMP_WORDBREAKS]"; echo "${BASH_ARGV0##*/}"; BASH_ARGV0=foo; echo $0; echo "${#GROUPS[@]}" "${GROUPS[0]}"; cd /; pushd /tmp >/dev/null; echo "${DIRSTACK[@]}"; popd >/dev/null; echo "${DIRSTACK[@]}"
SECONDS=5; sleep 1.1; s=$SECONDS; [ "$s" -ge 6 ] && [ "$s" -le 7 ] && echo seconds-ok
declare -p BASH_ARGC BASH_ARGV; f() { declare -p BASH_ARGC BASH_ARGV; }; f x y
"#;
    jobs_options_and_subshells: r#"
sleep 1 & sleep 1.2 & jobs -p | wc -l; jobs -l | sed "s/ *[0-9]\{3,\}/ PID/"; jobs -r; jobs -s; echo "st=$?"; jobs -x echo %1 | sed "s/ *[0-9]\{3,\}/ PID/"; jobs %2; jobs %5; echo "st=$?"; jobs -z; echo "st=$?"
x=$(jobs -p | wc -l); echo "sub=$x"; kill $(jobs -p); wait; echo end
(exit 3) & wait; sleep 0.1; jobs; echo "st=$?"
"#;
    cat_file_substitution: r#"
x=$(< /nonexist); echo "st=$? [$x]"; f=/etc/hostname; y=$(< $f); echo "st=$? ${#y}"; z=$(< /etc/hostname 2>/dev/null); echo "[$z]"
w=$(<"/etc/host"*e); echo "${#w}"; v=$(< $nope); echo "st=$?"; echo "$(</etc/hostname)" | wc -c; false; u=$(< /etc/hostname); echo $?
T=$(mktemp); printf 'a\nb\n\n\n' > "$T"; echo "[$(< "$T")]" "[`< $T`]"; a=( $(< "$T") ); echo "${#a[@]}"; echo "$(0< "$T")"; rm -f "$T"
"#;
    noclobber_export_unset_trap_reset_umask: r#"
T=$(mktemp -d); cd "$T"; echo orig > nc1; set -C; echo new > nc1; echo "rc=$?"; cat nc1; echo new2 >| nc1; cat nc1; echo x &> nc1; echo "rc=$?"; echo y >> nc1; cat nc1
echo z > /dev/null; echo "rc=$?"; echo fresh > nc2; cat nc2; { echo in; } > nc2; echo "rc=$?"; set +C; echo over > nc1; cat nc1; cd /; rm -rf "$T"
export E; [[ -v E ]] && echo set || echo unset; env | grep -c '^E='; readonly R; echo "${R-unsetR}"; declare -p E R
declare u; declare -p u; f(){ local w; declare -p w; }; f; typeset t; typeset -p t
trap "echo int" INT; trap -- - INT; trap -p INT; trap "echo t" TERM; trap - TERM; trap -p
umask -S; umask 027; umask -S; umask; umask -p; umask -S 022; umask
umask -S 0077; umask; umask u=rwx,g=rx,o=; umask; umask a+w; umask; umask -p -S; umask g-w,o-rwx; umask; umask 999; echo $?; umask x=r; echo $?; umask u+y; echo $?; umask -x; umask 8; umask -- 022; umask
"#;
    // bash reads a reserved word right after `}`, `)`, `fi`, `done`,
    // `esac`, `]]`, `))` (shellspec's main script relies on it).
    reserved_word_right_after_a_compound_command: r#"
if { true; } then echo brace; fi; if ( true ) then echo paren; fi
if [[ 1 ]] then echo cond; fi; if (( 1 )) then echo arith; fi
while { false; } do :; done; until { true; } do :; done; echo loops
i=; while [[ $i != xx ]] do i=x$i; done; echo "$i"
if true; then { echo x; } fi; if true; then (echo y) fi; if true; then if true; then echo a; fi fi
for i in 1; do { echo $i; } done; for i in 1; do case $i in 1) echo c;; esac done
for i in 1; do for j in 2; do echo $j; done done; case x in x) { echo y; } esac
if false; then :; elif { true; } then { echo a; } else { echo b; } fi
if ! { false; } then echo not; fi; if true | { true; } then echo pipe; fi; if { false; } || (true) then echo or; fi
if f() { echo fn; } then f; fi; x=$(if { true; } then echo sub; fi); echo "$x"
echo } then; echo { fi
"#;
    // `for NAME in WORDS; { …; }`, `for NAME; { …; }`, after a newline too;
    // bash prints the body as `do … done`.
    for_with_a_brace_group_body: r#"
for i in 1 2; { echo $i; }
set -- a b; for i; { echo "[$i]"; }
for i in x y
{ echo $i; } | tr xy XY
for i
{ echo "<$i>"; }
for i in a; do { echo $i; } done; for i in b; { echo $i; }
if for i in c; { echo $i; } then echo t; fi
f() { for i in a; { echo $i; }; for j; { :; }; for k
do :; done; }; type f
"#;
    // `${X~~}`, `${X~}`: bash toggles the case one character to one.
    case_toggle_expansions: r#"
x=HeLLo; echo "${x~}" "${x~~}"; a=(aB Cd ""); printf "[%s]" "${a[@]~~}" "${a[@]~}" "${a[1]~~}"; echo
x=aBc1-ß; echo "${x~~}" "${x~}"; e=; echo "[${e~~}]"; unset u; echo "[${u~}]"
set -- aB c; echo ${@~~} "${*~}"; f() { echo ${x~~} ${x~}; }; type f
set -u; (echo "${nope~~}"); echo "st=$?"
"#;
    // Several here-documents on a line: the bodies follow it in the order
    // of the operators (`<<-` and quoting apply to each).
    here_documents_several_on_a_line: r#"
cat <<A; cat <<B
a
A
b
B
read -r x <<A; read -r y 3<<B <&3; echo "$x $y"
x1
A
y1
B
while read -r l; do read -r m <&3; echo "$l/$m"; done <<A 3<<-B
1
2
A
	one
	two
	B
cat <<A | cat - <<B
x
A
y
B
x=X; cat <<-A; cat <<"B"; cat <<-\C; cat <<'D'
		t1 $x
	A
	b $x
B
	c $x
	C
d $x
D
cat <<A <<B <<C <<D <<E <<F
1
A
2
B
3
C
4
D
5
E
6
F
if true; then cat <<A; fi; cat <<B
in
A
out
B
f() { cat <<A; cat <<B; }
fa
A
fb
B
f; type f
echo "$(cat <<A; cat <<B
ca
A
cb
B
)"
echo end
"#;
    enable_builtin: r#"
enable | head -3; enable -n echo test; enable -n; type echo; type -t echo; command -v echo; echo hi; builtin echo x; echo "st=$?"; enable echo; type echo; enable nosuch; echo "st=$?"
enable -s | tr "\n" " "; echo; enable -a | head -3; enable -n -a 2>&1 | head -2; enable -p | head -2; enable -f /nonexistent-x y; echo "st=$?"; enable -x; echo "st=$?"; enable -ns; enable -d foo; echo "st=$?"; enable -d echo; echo "st=$?"
enable -n [; [ 1 = 1 ] && echo ext-test; enable [; type [
"#;
    parameter_transformations_a_k_p: r#"
declare -A m=([k]=v [x y]=z); printf "[%s]" "${m[@]@K}"; echo
a=(1 "2 3"); printf "[%s]" "${a[@]@K}" "${a[@]@k}" "${m[@]@k}" "${a[1]@K}" "${a@K}" "${m[k]@K}"; echo
x=s; printf "[%s]" "${x@K}" "${x@k}" "${x@A}" "${a[1]@A}" "${m[@]@A}" "${@@A}"; echo
set -- a "b c"; printf "[%s]" "${@@A}" "${1@A}" "${*@K}"; echo; unset u; printf "[%s]" "${u@A}" "${u@K}"; echo
declare -r r=1; export e=2; printf "[%s]" "${r@A}" "${e@A}"; f() { local l=3; printf "[%s]" "${l@A}"; }; f; echo
declare -a em=(); printf "[%s]" "${em[@]@A}" "${em@A}"; echo; echo ${a[@]@A}; declare -i n=5; echo "${n@A}" "${a@A}"
declare -A e2; declare -a e3; printf "[%s]" "${e2@A}" "${e3@A}" "${e2[@]@A}" "${e3[@]@K}"; echo
PS='\u@\h \w \W \$ \v \V [\a] \e \\ \101 \q \j x\[y\]z'; HOME=/tmp; cd /tmp; echo "${PS@P}" | od -c
y=$HOME; P2="\$y \$(echo cs) \$((1+2)) \`echo bq\` \"q\""; echo "${P2@P}"
cd /; P3='\w|\W'; echo "${P3@P}"; cd /usr/lib; echo "${P3@P}"; HOME=/usr; echo "${P3@P}"; HOME=/usr/lib; echo "${P3@P}"
"#;
    compgen_builtin: r#"
zf() { :; }; af() { :; }; test_b() { :; }; test_a() { :; }
compgen -A function; compgen -A function test_; echo "st=$?"; compgen -A function nope; echo "st=$?"
for t in $(compgen -A function test_); do echo "run $t"; done
compgen -W "b a  c ab" a; compgen -W "x y" -P "<" -S ">"; compgen -W "a1 a2 b1" -X "a*"; compgen -W "a1 a2 b1" -X "!a*"
compgen -W '$HOME ~ "q r" "s'; compgen -W 'a\ b c"d e"'; compgen -W "a b" -X "&" a; compgen -W "aa ab" -- a
compgen -v BASH_V; compgen -A arrayvar BASH_V; compgen -A variable -P x -S y HOM; export CG_X=1; compgen -e CG_
compgen -k | tr "\n" " "; echo; alias ll=ls lx=x; compgen -a; compgen -a lx
compgen -A signal | head -3; compgen -A shopt | head -2; compgen -A setopt | head -2; compgen -A user roo; compgen -A group roo
compgen -d /us; compgen -f /etc/host | sort; compgen -G "/etc/host*" | sort; compgen -o dirnames /us
D=$(mktemp -d); touch "$D/ecx" "$D/ecy"; chmod +x "$D/ecx"; PATH=$D compgen -c ec | sort; rm -r "$D"
sleep 1 & compgen -j; compgen -A running; kill %1; wait
compgen; echo "st=$?"; compgen -z; echo "st=$?"; compgen -A nope; echo "st=$?"; compgen -A; echo "st=$?"
"#;
    debug_trap_and_bash_command: r#"
trap 'echo "D: $BASH_COMMAND"' DEBUG
x=1
if [ $x = 1 ]; then echo y; fi
for i in a b; do :; done
for ((j=0;j<2;j++)); do :; done
for (( j = 0 ; j < 1 ; j++ )); do :; done
case "x y" in x*) echo c;; esac
f(){ echo inf; }
f
set -T
f
set +T
(( x = 1 + 2 ))
[[ $x == 3 && -n a ]]
echo $(echo sub) | cat
{ echo brace; }
(echo sub2)
while false; do :; done
! true
true && false || echo or
trap - DEBUG
echo "last: $BASH_COMMAND"
"#;
    err_trap_inheritance_and_errtrace: r#"
trap 'echo "err $? [$BASH_COMMAND] line $LINENO"' ERR
f() { false 1  2; echo "in f"; }
f; echo after
g() { trap -p; false; }
g; echo "g=$?"
h() { trap 'echo h-err' ERR; false; }
h; false; trap -p ERR
trap 'echo e1' ERR
k() { trap - ERR; }; k; false; trap -p ERR
(false; echo sub); x=$(false; echo c); echo "$x"
{ false; echo piped; } | cat
set -E; echo "$-"; shopt -o errtrace
f2() { false; echo in-f2; }; f2; (false); y=$(false); echo "y=[$y]"
set +E; set -o errtrace; set -o | grep -E 'errtrace|functrace'; set +o | grep trace
set -eE; trap 'echo "fatal $? $BASH_COMMAND"' ERR
f3() { ls /nonexistent-nsh-dir 2>/dev/null; echo not-reached; }
f3
"#;
    return_trap: r#"
f() { trap 'echo "ret $FUNCNAME $?"' RETURN; echo in f; }
g() { echo in g; }
f; g; trap -p RETURN; trap - RETURN
trap 'echo ret' RETURN; f1() { :; }; f1; set -T; f1; set +T
trap - RETURN
p() { trap 'echo "p-ret $?"' RETURN; q; echo p-end; false; }; q() { echo q; }; p; echo "p=$?"
r() { trap 'echo "r-ret $?"' RETURN; false; return 5; }; r; echo "r=$?"
trap - RETURN
s() { trap 'echo fret' RETURN; }; trap 'echo topret' RETURN; s; trap -p RETURN; trap - RETURN
T=$(mktemp); echo 'echo in-src; return 3' > "$T"
trap 'echo "src-ret $?"' RETURN; . "$T"; echo "src=$?"; trap - RETURN; rm -f "$T"
"#;
    trap_and_kill_signal_names: r#"
trap -l; kill -l; kill -l 15 143 TERM sigint 34 50 64; kill -l 99; echo "st=$?"
trap 'echo d' debug; trap -p; trap - DEBUG
trap 'echo r' RETURN ERR EXIT INT USR1 sigwinch; trap -p; trap -p DEBUG INT; trap -p NOPE; echo "st=$?"
trap - RETURN ERR EXIT INT USR1 WINCH; trap -p
kill -s ERR $$; echo "st=$?"; kill -DEBUG $$; echo "st=$?"; kill -0 $$; echo "st=$?"
trap 'echo got-usr2' USR2; kill -s USR2 $$; kill -RTMIN+1 2>/dev/null; echo "st=$?"
set -o; set +o; set -C; echo "$-"; set -T; echo "$-"
"#;
    wait_n_and_times: r#"
wait -n; echo "none=$?"
(sleep 1; exit 6) & r=$!; (exit 5) & q=$!
wait -n "$r"; echo "r=$?"
wait -p w "$q"; echo "q=$? $((w == q))"
(sleep 0.2; exit 7) & a=$!; wait -n -p v; echo "any=$? $((v == a))"
wait -n; echo "none=$?"
wait -x; echo "st=$?"; wait -p; echo "st=$?"; wait -p 1x; echo "st=$?"; wait -n x; echo "st=$?"
times | sed 's/[0-9]/N/g'; times x | wc -l; type times
"#;
    alias_unalias: r#"
alias; echo "st=$?"; alias ll="ls -l" la='ls -a'; alias; alias ll; alias nope; echo "st=$?"
unalias ll; alias; unalias nope; echo "st=$?"; unalias -a; alias; echo end
alias -p x=1; alias -x; echo "st=$?"; alias a=1 b; echo "st=$?"; alias "x y=1"; echo "st=$?"
alias q="it's"; alias q; alias =x; echo "st=$?"; unalias; echo "st=$?"; alias -- r=2; alias r
alias e='echo aliased'; e 2>/dev/null; echo "st=$?"; type alias unalias
shopt expand_aliases
"#;
    caller_builtin: r#"
caller; echo "st=$?"
f() { caller; caller 0; caller 1; echo "st=$?"; caller x; echo "st=$?"; }
g() { f; }
g
h() { caller 0; }
h
"#;
    seconds_assigned: r#"
SECONDS=5; echo "$SECONDS"; sleep 1.1; s=$SECONDS; [ "$s" -ge 6 ] && [ "$s" -le 7 ] && echo ok; SECONDS=abc; echo "$SECONDS"
unset SECONDS; echo "[$SECONDS]"; SECONDS=7; echo "$SECONDS $((SECONDS))"
"#;
    builtin_disown_ulimit: r#"
builtin; echo "st=$?"; builtin nosuch x; echo "st=$?"; builtin ls; echo "st=$?"
cd() { builtin cd "$@" && echo "in $PWD"; }; cd /tmp; builtin type builtin; builtin echo hi
disown; echo "st=$?"; sleep 1 & sleep 1 & disown; jobs; disown %1; jobs; echo "st=$?"; disown %5; echo "st=$?"; sleep 1 & disown -a; jobs; echo end
ulimit -a
ulimit -n; ulimit -c; ulimit -s; ulimit -n 1000; ulimit -n; ulimit -Sn; ulimit -Hn; ulimit -c unlimited; ulimit -c; ulimit -x
ulimit -n abc; echo "st=$?"; ulimit -n -5; echo "st=$?"; ulimit -n -c; ulimit -H -n; ulimit -n 99999999; echo "st=$?"
ulimit -c 10; ulimit -c; ulimit -f; ulimit -s 4096; ulimit -s; ulimit -Sn 500; ulimit -Sn; ulimit -Hn; ulimit -n hard; ulimit -n
ulimit -p; ulimit -p 1; echo "st=$?"; ulimit; ulimit -H -a | head -3; type ulimit disown
"#;
    parameter_transformations: r#"
x="a b'c"; echo "${x@Q}" "${x@U}" "${x@u}" "${x@L}" "${x@a}"
y=$'t\tx'; echo "${y@Q}" "${y@E}"; z='a\nb'; echo "${z@E}"
declare -r r=1; echo "${r@a}" "${r@Q}"; export ex=v; echo "${ex@a}"
set -- "a b" c ""; echo "${@@Q}"; echo ${*@Q}
a=(1 "2 3"); echo "${a[@]@Q}" "${a[@]@a}" "${a[1]@Q}" "${a@a}"
declare -A m=([k]=v); echo "${m[@]@Q}" "${m@a}"
echo "[${unset@Q}]" "[${unset@a}]" "[${e@Q}]"; e=; echo "[${e@Q}]"
f() { echo "${x@Q}" "${1@Q}"; }; f "q r"; type f
set -u; (echo "${nope@Q}"); echo "st=$?"
"#;
    pipe_with_stderr: r#"
ls /nonexistent-nsh |& tr a-z A-Z
{ echo a; echo b >&2; } |& cat
f() { ls /nonexistent-nsh 2>/dev/null |& cat; { echo x; } |& cat; }; type f; f
echo one |&
  cat
"#;
    job_specs: r#"
sleep 5 & sleep 6 & kill %%; wait %%; echo "w=$?"
kill %-; wait; echo done
kill %%; echo "st=$?"
sleep 7 & kill %-; echo "st=$?"; wait
kill %sle; echo "st=$?"
sleep 8 & sleep 9 & kill %sle; echo "st=$?"; kill %?8; echo "st=$?"; kill %?9; wait
kill %zz; echo "st=$?"; kill %?zz; echo "st=$?"
sleep 3 & kill %; echo "st=$?"; wait
sleep 4 & sleep 4 & wait %sle; echo "st=$?"; kill %1 %2; wait
"#;
    variable_fd_redirections: r#"
f=$(mktemp); exec {fd}>"$f"; echo "fd=$fd"; echo hello >&$fd; exec {fd}>&-; cat "$f"; rm -f "$f"
echo x {a}>/dev/null; echo "a=$a"; [ -e /proc/$$/fd/$a ] && echo open
exec {b}<<<"here"; read -r l <&$b; echo "$l b=$b"
exec {c}>&1; echo "c=$c"; echo via >&$c; exec {c}>&-
exec {d}>&-; echo "st=$?"
/bin/true {e}>/dev/null; echo "e=$e"
shopt -s varredir_close; echo y {g}>/dev/null; echo "g=$g"; [ -e /proc/$$/fd/$g ] || echo closed
f() { echo in {h}>/dev/null; cat <&0 {i}<&0; }; type f
{ echo grp; } {j}>/dev/null; echo "j=$j"
echo {k}x {l} >/dev/null; echo "k=$k"
"#;
    process_substitution: r#"
cat <(echo a) <(echo b)
while read -r l; do echo "got $l"; done < <(printf '1\n2\n')
read -r v < <(echo rv); echo "$v"
f() { cat "$1"; }; f <(echo fn)
diff <(echo a) <(echo b); echo "st=$?"
echo "x" > >(cat); wait
echo <(true) | sed 's/[0-9][0-9]*/N/'
echo "$(cat <(echo nested))" '<(q)' \<\(z\)
cat <(echo one; exit 3) <(false); echo "st=$?"
exec 3< <(echo via3); cat <&3; exec 3<&-
g() { cat <(echo a; ls) > >(cat); x=$(echo a; echo b &); }; type g | tail -n +2
"#;
    function_body_on_the_next_line: r#"
f()
{
    x=`echo abcdef`
    echo "${x:2} ${x/b/B}"
}
function g

{ echo g; }
f; g
"#;
    comments_after_assignments: r#"
Y=1 # it's a comment, not a command
echo "$Y"
{ Z=2 #c
}
echo "$Z"
W=3 2>/dev/null # redirected
echo "$W"
"#;
    shell_variables: r#"
echo "${#HOSTNAME}" "$HOSTNAME" "$OSTYPE" "$HOSTTYPE" "$MACHTYPE"
echo $((SECONDS < 2))
echo $((BASHPID == $$)); (echo $((BASHPID == $$)))
echo "$-"; set -eu; echo "$-"; set +eu
echo "$BASH_VERSION"; declare -p BASH_VERSINFO; [ -x "$BASH" ] && echo "BASH runs"
(BASH_VERSINFO[0]=4); echo "st=$?"
"#;
    words_and_quotes: r#"
# a comment
echo hello   world   # trailing comment
X=1; Y="a b"
echo "$X" $Y "${Y}" '$X' \$X "\$X \" \\ x" 'it'\''s'
echo $'tab\there' $'nl\\n' "a"'b'c\ d
echo a\
b
"#;
    parameters: r#"
Y="a b.tar.gz"; E=""
echo ${#Y} "${Y#a}" "${Y##*.}" "${Y%.*}" "${Y%%.*}" ${Z:-def} ${Z-def2} ${E:-empty} "${E-set}"
echo "${Y:+alt}" "${Z:+alt}x" ${Z:=assigned} $Z
set -- one "two three" four
echo $# "$1" "$2" ${3} "$@" "$*"
for a in "$@"; do echo "<$a>"; done
for a in $@; do echo "[$a]"; done
for a in "$*"; do echo "{$a}"; done
for a in "x$@y"; do echo "($a)"; done
set --
for a in "$@"; do echo never; done
echo "$#" "${10:-none}"
"#;
    param_error_exits: r#"
echo before
echo ${NOPE:?is required}
echo never
"#;
    param_error_default_message: r#"
E=
echo ${E:?}
"#;
    field_splitting: r#"
x="  a  b  "; for i in $x; do echo "<$i>"; done; echo "<$x>"
IFS=:; y="a::b:"; for i in $y; do echo "<$i>"; done
IFS=' :'; z=" a : b :: c"; for i in $z; do echo "<$i>"; done
unset IFS; w="p q"; for i in $w; do echo "<$i>"; done
e=""; for i in $e "" "$e"; do echo "<$i>"; done
"#;
    command_substitution: r#"
x=$(echo hi; echo there); echo "$x"
y=`echo back tick`; echo $y
echo "$(echo "nested $(echo deep)")"
z=$(printf 'trail\n\n\n'); echo "[$z]"
v=$(false); echo "status $?"
echo $(echo a b   c)
"#;
    arithmetic: r#"
x=5; echo $((x*2)) $(( (1+2)*3 )) $((x > 3 && x < 10)) $((7 % 3)) $((x ? 1 : 2))
echo $((y=4+1)) $y $((x+=1)) $x
echo $(( $x - 1 ))
"#;
    arithmetic_error_aborts_line: r#"
echo $((1/0)); echo not-run
echo next line
"#;
    globbing: r#"
d=$(mktemp -d); cd "$d"; touch b.txt a.txt c.log
echo *.txt; echo "*.txt"; echo nomatch*; echo [ab].txt ?.log
set -f; echo *.txt; set +f
cd /; rm -r "$d"
"#;
    tilde: r#"
HOME=/home/someone; echo ~ ~/x "~" x~
"#;
    pipelines: r#"
echo one | cat
printf 'b\na\n' | sort | head -1
! false; echo "bang $?"
! true; echo "bang $?"
false | true; echo "last $?"
true | false; echo "last $?"
set -o pipefail; false | true; echo "pipefail $?"
set +o pipefail; false | true; echo "no pipefail $?"
echo x | { read v; echo "got $v"; }
"#;
    and_or_lists: r#"
false || echo or; true && echo and; false && echo no; true || echo no
false || false || echo third
true && false || echo recovered
"#;
    parameter_substitution_slices_case: r#"
v=hello-world-x; echo "${v/-/_}" "${v//-/_}" "${v/#hel/J}" "${v/%x/Y}" "${v/o*/0}" "${v//[lo]/}" "${v/zz/q}" "${v/-}"
v=abcdef; echo "${v:1}" "${v:1:3}" "${v: -2}" "${v:(-3):2}" "${v:10}" "${v:2:-1}" "${v:0:0}|"
i=2; n=3; echo "${v:i:n}" "${v:$i:$n}" "${v:i+1}"
v="Hello World"; echo "${v^^}" "${v,,}" "${v^}" "${v,}"
u=; echo "[${u/x/y}] [${u:1}] [${u^^}]"
IFACE=veth-a.1; echo ${IFACE//[-.]/_}; p=/a/b/c; echo "${p//\//:}"
v=abc; echo "${v/b/"x y"}" ${v/b/ sp }; v=aaa; echo "${v//a/b}" "${v/a*/z}" "${v//}"
f() { echo "${1/x/y}" "${2:1}"; }; f axb 1234
"#;
    declarations: r#"
y="a  b"; sub() { echo "p  q"; }
f() { local x=$y l=$(sub); echo "[$x] [$l]"; declare d=$y; echo "[$d]"; declare -g gl=$y; }
f; echo "[${d-unset}] [$gl]"
export E=$y; echo "[$E]"; readonly R=$(sub); echo "[$R]"
declare v=1 w="two words"; echo "$v $w"; typeset t=$y; echo "[$t]"
declare -x DX=$y; env | grep '^DX='
declare -r DR=1; (DR=2) 2>/dev/null || echo "readonly kept"
p='*'; export G=$p; echo "$G"
export H=~/x; case $H in "$HOME/x") echo tilde;; esac
"#;
    if_elif_else: r#"
for x in 1 2 3; do
  if [ "$x" = 1 ]; then echo one
  elif [ "$x" = 2 ]; then
    echo two
  else
    echo other
  fi
done
if false; then :; fi; echo "if status $?"
"#;
    loops: r#"
for i in 1 2 3 4 5; do
  [ $i = 2 ] && continue
  [ $i = 4 ] && break
  echo "i=$i"
done
for i in a b; do for j in 1 2 3; do [ $j = 2 ] && continue 2; echo $i$j; done; done
for i in a b; do for j in 1 2; do echo $i$j; break 2; done; done
n=0; while [ $n -lt 3 ]; do n=$((n+1)); echo "n=$n"; done
until [ $n -eq 0 ]; do n=$((n-1)); done; echo "n=$n"
set -- p q; for a; do echo "arg $a"; done
for a in; do echo never; done
"#;
    case_statement: r#"
for w in apple banana cherry "x y" 10; do
  case "$w" in
    a*) echo "a-word $w" ;;
    banana|cherry) echo "fruit $w";;
    "x y") echo quoted ;;
    [0-9]*) echo number ;;
  esac
done
case x in (x) echo paren;; esac
case "*" in \*) echo star;; *) echo other;; esac
case b in a) echo A;; b) echo B;& c) echo fell-through;; esac
case a in a) echo A ;&
b) echo B;; esac
case ab in a*) echo 1;;& *b) echo 2;& x) echo 3;;& y) echo 4;; esac; echo "st $?"
case c in a) echo A;;& c) echo C;;& *) echo star;; esac
g() { case x in x) echo X;;& *) echo any;; esac; }; type g
p='b*'; case bob in $p) echo pat-var;; esac; case bob in "$p") echo no;; *) echo quoted-pat;; esac
"#;
    functions: r#"
f() { echo "f: $# $1 $2"; return 3; }
f one two; echo "status $?"
function g { echo "g $1"; }
g x
h() {
  local v=inner
  echo "h: $v"
  k
}
k() { echo "k sees $v"; }
v=outer; h; echo "after $v"
rec() { if [ $1 -gt 0 ]; then echo "rec $1"; rec $(( $1 - 1 )); fi; }
rec 3
echo "positional kept: $#"
"#;
    function_redirections: r#"
d=$(mktemp -d)
f() { echo to-file; echo to-err >&2; } > "$d/out" 2>&1
f; cat "$d/out"; rm -r "$d"
"#;
    brace_groups_and_subshells: r#"
{ echo g1; echo g2; } | cat
x=1; ( x=2; echo "sub $x"; exit 3 ); echo "after sub $? $x"
(cd /; pwd); pwd >/dev/null
{ echo err >&2; } 2>&1
"#;
    redirections: r#"
d=$(mktemp -d); cd "$d"
echo a > f; echo b >> f; cat f
cat < f | wc -l
echo err 2> e >&2; cat e
ls nonexistent 2>/dev/null; echo "ls $?"
ls nonexistent > both 2>&1; echo "both $?"; wc -l < both
ls nonexistent &> amp; echo "amp $?"; wc -l < amp
exec 3> fd3; echo via3 >&3; exec 3>&-; cat fd3
echo rw 1<> rw; cat rw
cat < nofile; echo "missing $?"
echo x > /nonexistent/dir/f; echo "bad dir $?"
cd /; rm -r "$d"
"#;
    here_documents: r#"
X=val
cat <<EOF
expanded $X $(echo cmd) $((1+1))
  "quotes" and 'single' \$X \\
EOF
cat <<'EOF'
literal $X $(echo no)
EOF
cat <<"EOF"
also literal $X
EOF
	cat <<-EOF
	tabs stripped $X
	EOF
cat <<EOF | tr a-z A-Z
piped $X
EOF
while read l; do echo "line: $l"; done <<EOF
one
two
EOF
cat <<< "here string $X"
"#;
    assignments_and_env: r#"
X=1 sh -c 'echo "child sees $X"'; echo "shell has [$X]"
export Y=exported; sh -c 'echo "child sees $Y"'
Z=notexported; sh -c 'echo "child sees [$Z]"'
export Z; sh -c 'echo "now [$Z]"'
export -n Z; sh -c 'echo "unexported [$Z]"'
A=1 B=2; echo $A $B
unset A; echo "[${A-unset}]"
readonly R=1; R=2; echo "R=$R"
"#;
    readonly_unset: r#"
readonly R=1
unset R
echo "R=$R"
"#;
    errexit_basic: r#"
set -e
echo start
false
echo never
"#;
    errexit_exceptions: r#"
set -e
if false; then echo no; fi
while false; do :; done
false && echo no
false || echo "or rescues"
! true
{ false && true; }
f() { false; echo "in f after false (errexit ignored in condition)"; }
if f; then echo "f ok"; fi
f || echo "f failed"
echo "still running"
(false && true)
echo never
"#;
    errexit_last_of_and_list: r#"
set -e
true && false
echo never
"#;
    errexit_pipeline: r#"
set -e
false | true
echo "pipeline ok"
true | false
echo never
"#;
    errexit_subshell_and_function: r#"
set -e
f() { echo in-f; false; echo never; }
f
echo never
"#;
    nounset: r#"
set -u
echo "${UNSET_VAR:-default}"
echo "$#"
echo $UNSET_VAR
echo never
"#;
    xtrace: r#"
set -x
X=1
echo "a b" $X 'q'"'"
f() { echo in-f; }
f arg
true && echo ok
set +x
echo quiet
"#;
    xtrace_quoting: r##"
set -x
: a=b =x x= a^b a%b a,b a@b "a{b" "a}" "#x" "x#" "~x" "x~" "a:b" "a+b" "!x" "a!" "a*" "a?" "a[1]" "\$x" "a\\b" "a
b" "it's"
"##;
    xtrace_ps4: r#"
PS4='>> '
set -x
echo custom
"#;
    traps_exit: r#"
trap 'echo "exit trap, status $?"' EXIT
echo body
exit 3
"#;
    traps_exit_on_error: r#"
set -e
trap 'echo cleanup' EXIT
echo working
false
"#;
    traps_signal: r#"
trap 'echo got TERM' TERM
kill -TERM $$
echo after
trap - TERM
trap 'echo int' INT
trap
"#;
    background_jobs: r#"
sleep 10 &
pid=$!
[ -n "$pid" ] && echo "have pid"
kill $pid
wait $pid
echo "killed status $?"
(exit 7) &
wait $!
echo "bg status $?"
true &
wait
echo "waited all $?"
"#;
    background_server_then_kill: r#"
d=$(mktemp -d)
sleep 30 &
server=$!
echo "server started"
kill $server
wait $server 2>/dev/null
echo "server stopped: $?"
rm -r "$d"
"#;
    command_not_found: r#"
nosuchcommand_xyz arg
echo "status $?"
nosuchcommand_xyz 2>/dev/null
echo "status $?"
/nonexistent/path
echo "status $?"
d=$(mktemp -d); cd "$d"; touch noexec; ./noexec; echo "status $?"; /tmp; echo "dir $?"; cd /; rm -r "$d"
"#;
    exit_status_of_signal: r#"
sh -c 'kill -INT $$'
echo "status $?"
"#;
    builtins_misc: r#"
cd /tmp && pwd
cd / ; cd - ; cd /nonexistent_dir; echo "cd $?"
echo -n no-newline; echo
echo -e 'a\tb' -n
echo -E 'a\tb'
printf '%s-%d\n' a 1 b 2
printf -v V '%05d' 42; echo $V
umask 027; umask
type echo cd; type -t ls; type nosuch_cmd; echo "type $?"
command -v echo; command -v nosuch_cmd; echo "cv $?"
command echo via-command
true; echo $?; false; echo $?; :; echo $?
eval 'echo evaluated; E=2'; echo $E
shift 5; echo "shift $?"
"#;
    read_builtin: r#"
printf 'a b c\n' | { read x y; echo "[$x] [$y]"; }
printf 'one\\\ntwo\n' | { read l; echo "[$l]"; }
printf 'raw\\n\n' | { read -r l; echo "[$l]"; }
printf '  lead  \n' | { read l; echo "[$l]"; }
printf 'x' | { read l; echo "[$l] $?"; }
printf 'r1\n' | { read; echo "[$REPLY]"; }
IFS=: read a b <<EOF
p:q:r
EOF
echo "$a|$b"
"#;
    test_builtin: r#"
[ 1 -eq 1 ] && echo eq
[ a = b ] || echo ne
test -n "x" && echo nonempty
[ -z "" ] && echo empty
[ -d / ] && echo dir
[ ! -f /nonexistent ] && echo nofile
[ 1 -lt 2 -a 3 -gt 2 ] && echo both
[ 1 = 1; echo "status $?"
"#;
    source_and_dot: r#"
d=$(mktemp -d)
echo 'LIBVAR=from-lib; libf() { echo "libf $1"; }' > "$d/lib.sh"
. "$d/lib.sh"; echo $LIBVAR; libf x
echo 'return 5; echo never' > "$d/ret.sh"
source "$d/ret.sh"; echo "source status $?"
rm -r "$d"
"#;
    return_outside_function: r#"
return 1
echo "after $?"
"#;
    exit_in_subshell_and_function: r#"
(exit 4); echo "sub $?"
f() { exit 5; }
f
echo never
"#;
    tutorial_style: r#"
OUTPUT_IFACE=eth0
NS="red blue"
for ns in $NS; do
  echo "ip netns add $ns"
done
for addr in 10.0.0.1 10.0.0.2 192.168.1.1; do
  echo "ping -c 1 $addr via $OUTPUT_IFACE"
done
if [ "$(id -u)" -ne 0 ] && false; then
  echo "need root"
fi
cleanup() { echo "cleanup $1"; }
trap 'cleanup done' EXIT
echo end
"#;
    getopts_builtin: r#"
echo "OPTIND starts at $OPTIND"
f() {
  OPTIND=1
  while getopts "ab:c" opt; do
    echo "opt=$opt OPTARG=${OPTARG-unset} OPTIND=$OPTIND"
  done
  echo "end $? OPTIND=$OPTIND opt=$opt"
  shift $((OPTIND-1)); echo "rest: $*"
}
f -a -b val -ca rest1 rest2
f -x -b
f -bfoo -- -a
OPTIND=1; while getopts ":b:" o -z -b; do echo "silent o=$o OPTARG=$OPTARG"; done
"#;
    sigpipe_default_in_pipelines: r#"
yes | head -1
for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; done | head -2
seq 1 100000 | while read l; do echo "$l"; done | head -1
"#;
    funcname_and_param_count: r#"
f() { echo "$0 $FUNCNAME"; g; }; g() { echo $FUNCNAME; }; f; echo "[$FUNCNAME]"
set -- a b c d e f g h i j k; echo ${10} $10 ${#@} ${#*}
"#;
    type_prints_functions_as_bash: r#"
f() { echo hi; x=1; if true; then echo a; elif false; then :; else echo b; fi; for i in 1 2; do echo $i; done; while false; do :; done; case $x in a|b) echo c;; *) ;; esac; { echo g; } > /dev/null; (echo s); echo a | cat && true || false; local y="q r"; echo "$y" >&2; cat <<EOF
doc $x
EOF
}
type f
g() { sleep 1 & wait; }
type g
h() {
  for a in x; do
    case $a in
      x) echo "$a" 2>&1 ;;
    esac
  done
  until true; do :; done
  ! false
}
type h
"#;
    write_errors_and_os_messages: r#"
echo hi >&-; echo $?; printf x >&-; echo $?
cd /nonexist; cat < /nonexist; kill 999999; . /nonexist
echo "status $?"
"#;
    read_options: r#"
printf "a:b;c" | { read -d ";" x; echo "[$x] $?"; }
printf "abcdef" | { read -n 3 x; echo "[$x]"; read y; echo "[$y] $?"; }
read -t 0.1 z < /dev/null; echo "t $?"
printf "ab\ncd" | { read -N 4 q; echo "[$q]"; }
read -q 2>&1; echo $?
"#;
    trap_interrupts_wait: r#"
trap "echo got TERM" TERM
sleep 1 &
spid=$!
( sleep 0.3; kill -TERM $$ ) &
wait $spid
echo "wait status $?"
wait $spid
echo "second wait $?"
"#;
    let_builtin: r#"
let x=3+4 "y=x*2"; echo $x $y
let 0; echo "let zero $?"
let 'z = 5 % 3'; echo $z
"#;
    let_error_goes_on: r#"
let 1/0; echo "same line $?"
let x=2 '1 +' y=3; echo "$? $x ${y-unset}"
readonly r=1; let r=2; echo "readonly $?"
"#;
    positional_parameters_in_one_string: r#"
set -- "a b" c
x=$@; echo "[$x]"; x="$@"; echo "[$x]"; x=$*; echo "[$x]"
IFS=:; x=$*; echo "[$x]"; x=$@; echo "[$x]"; case $@ in "a b c") echo case;; esac
IFS=; x=$*; echo "[$x]"; unset IFS
set --; x=$@; echo "[$x]"; x="$*"; echo "[$x]"
"#;
    arith_command: r#"
((i++)); echo "i=$i st=$?"
((i++)); echo "i=$i st=$?"
(( x = i * 2 )); echo "x=$x"
(( 0 )) && echo yes || echo no
(( x > 3 )) && echo big
if (( i > 1 )); then echo "i>1"; fi
n=0; while (( n < 3 )); do echo "n=$n"; (( n++ )); done
(( )); echo "empty $?"
(( "$x" + 1 > 4 )) && echo quoted
(( $(echo 2) * 3 == 6 )) && echo cmdsub
(( $((1 + 2)) == 3 )) && echo nested
(( y = 7, y *= 2, y <<= 1 )); echo "y=$y"
((echo sub) | cat)
(( i++ )) > /dev/null; echo "redirected $i"
((
  z = 3
)); echo "z=$z"
echo "$LINENO"
"#;
    arith_command_errors_go_on: r#"
(( 1/0 )); echo "same line $?"
(( 1 + )); echo "operand $?"
(( a b )); echo "syntax $?"
((x = 1/0)); echo "x=${x-unset} $?"
(( '1' + 2 )); echo "single quotes $?"
readonly ro=1; (( ro = 2 )); echo "readonly $?"
echo end
"#;
    arith_for: r#"
for ((i=0; i<3; i++)); do echo "i=$i"; done
for ((i=0; i<10; i++)); do if ((i==2)); then continue; fi; if ((i==5)); then break; fi; echo "$i"; done
for ((i=0; i<3; i++)); do for ((j=0; j<3; j++)); do if ((j==1)); then continue 2; fi; if ((i==2)); then break 2; fi; echo "$i$j"; done; done
for ((;;)); do echo once; break; done
k=3; for ((; k > 0; k--)); do echo "k=$k"; done
for ((a=0, b=5; a < b; a += 2, b--)); do echo "$a $b"; done
for (( i = 0 ; i < 2 ; i++ ))
do
  echo "nl $i"
done
for ((i=0;i<2;i++)) do echo "no semicolon $i"; done
for ((i=0; i<2; i++)); { echo "brace $i"; }
for ((i=0; i<2; i++)) {
  echo "brace nl $i"
}
for ((i = 0 ;
  i < 2; i++)); do echo "split $i"; done
for ((i=0; i<3; i++)); do echo "r$i"; done | cat
f() { local i; for ((i=0; i<2; i++)); do echo "f$i"; done; }; i=9; f; echo "i=$i"
false; for ((i=0; i<0; i++)); do :; done; echo "no iteration $?"
for ((i=0; i<2; i++)); do false; done; echo "last body $?"
"#;
    arith_for_errors: r#"
for ((i=1/0; i<3; i++)); do echo never; done; echo "init $?"
for ((i=0; i<1/0; i++)); do echo never; done; echo "cond $?"
for ((i=0; i<3; i+)); do echo "body $i"; done; echo "step $?"
echo end
"#;
    arith_xtrace: r#"
set -x
((i++))
(( i = $i + 1, 2 ))
(( "1" + 2 ))
for ((j=0; j<2; j++)); do :; done
for ((  k=0 ;  k<1 ; k++ )); do :; done
for (( ; ; )); do break; done
(( 1/0 ))
"#;
    arith_and_cond_errexit: r#"
set -e
if (( 0 )); then :; fi; (( 0 )) || echo "or"; ! (( 1 )); (( 0 )) && echo never
if [[ a == b ]]; then :; fi; [[ a == b ]] || echo "or2"; ! [[ a == a ]]
while [[ x == y ]]; do :; done; until (( 1 )); do :; done
g() { (( 0 )); echo never; }; g || echo "g failed"
for ((i=1/0; i<2; i++)); do :; done; echo "arith for is not a simple command"
(( 0 ))
echo not-reached
"#;
    cond_errexit: r#"
set -e
[[ -n x ]]
[[ a == b ]]
echo not-reached
"#;
    cond_strings_and_patterns: r#"
x="a b"; e=; star='*'
[[ $x == "a b" ]]; echo "1 $?"
[[ $x == a* ]]; echo "2 $?"
[[ $x == "a*" ]]; echo "3 $?"
p='a*'; [[ $x == $p ]]; echo "4 $?"; [[ $x == "$p" ]]; echo "5 $?"
[[ $x = a\ ? ]]; echo "6 $?"
[[ $x != a* ]]; echo "7 $?"
[[ abc == [a-c]bc && abc != 'a[b]c' && 'a[b]c' == 'a[b]c' ]]; echo "8 $?"
[[ $star == "*" && $star == \* && x != $star ]]; echo "9 $?"
[[ -n $e ]]; echo "10 $?"; [[ -z $e ]]; echo "11 $?"; [[ $e ]]; echo "12 $?"; [[ $x ]]; echo "13 $?"
[[ -n $x && -z $e ]]; echo "14 $?"
unset u; [[ $u == "" ]]; echo "15 $?"
[[ a < b && b > a && ! a < a ]]; echo "16 $?"
[[ 2 < 10 ]]; echo "17 $?"
[[ "" || b ]]; echo "18 $?"
[[ ! ( -n "" || $x != "a b" ) ]]; echo "19 $?"
[[ ! ! a ]]; echo "20 $?"
[[ (a) && ( b || "" ) ]]; echo "21 $?"
[[ -n a &&
   -z ""
]]; echo "22 $?"
[[ = ]]; echo "23 $?"; [[ -eq ]]; echo "24 $?"; [[ -e -e ]]; echo "25 $?"
HOME=/home/u; [[ ~ == /home/u && /home/u/x == ~/* ]]; echo "26 $?"
set -- "a b" c; [[ $@ == "a b c" && $* == "a b c" ]]; echo "27 $?"
[[ $(echo hi there) == "hi there" ]]; echo "28 $?"
y=$'l1\nl2'; [[ $y == *l2 ]]; echo "29 $?"
[[ a == a ]] && [[ b != a ]] || echo never
! [[ a == a ]]; echo "bang $?"
[[ a == a ]] | cat; echo "pipe $?"
[[ a == b ]] > /dev/null; echo "redirect $?"
f() { [[ $1 == y ]]; }; f y && echo fy; f n || echo fn
v=1; [[ -v v ]]; echo "v $?"; [[ -v nope ]]; echo "nov $?"
[[ -o errexit ]]; echo "o1 $?"; set -o pipefail; [[ -o pipefail ]]; echo "o2 $?"
"#;
    cond_arithmetic: r#"
[[ 2 -lt 10 ]]; echo "1 $?"
[[ 1+1 -eq 2 && 3 -ne 4 && 2 -le 2 && 3 -ge 2 && 3 -gt 2 ]]; echo "2 $?"
[[ 010 -eq 8 && 0x10 -eq 16 && " 3 " -eq 3 && "" -eq 0 ]]; echo "3 $?"
n=5; [[ n -gt 4 && n*2 -eq 10 ]]; echo "4 $?"
x="a b"; [[ x -eq 0 ]]; echo "5 $?"
[[ 1/0 -eq 0 ]]; echo "6 $?" same line
[[ 1 -eq 1/0 || 1 -eq 1 ]]; echo "7 $?"
"#;
    cond_files: r#"
d=$(mktemp -d); cd "$d"; touch f; echo x > s; mkdir dir; ln -s f l; ln -s nope dangling; chmod +x s
touch -d 2020-01-01 old
for p in f s dir l dangling nope ""; do
  r=
  [[ -e $p ]]; r+=$?; [[ -f $p ]]; r+=$?; [[ -d $p ]]; r+=$?; [[ -r $p ]]; r+=$?
  [[ -w $p ]]; r+=$?; [[ -x $p ]]; r+=$?; [[ -s $p ]]; r+=$?; [[ -L $p ]]; r+=$?
  [[ -h $p ]]; r+=$?; [[ -a $p ]]; r+=$?; [[ -p $p ]]; r+=$?; [[ -S $p ]]; r+=$?
  echo "$p $r"
done
[[ s -nt old && old -ot s && ! old -nt s && s -nt nope && nope -ot s ]]; echo "nt $?"
[[ f -ef l && ! f -ef s ]]; echo "ef $?"
f=*; [[ -e $f ]]; echo "no glob $?"
cd /; rm -r "$d"
"#;
    cond_regex: r#"
[[ abc =~ ^a(b)c$ ]]; echo "1 $?"
[[ abc =~ "^a" ]]; echo "2 $?"
[[ '^abc' =~ "^a" ]]; echo "3 $?"
re='b+'; [[ abbb =~ $re ]]; echo "4 $?"; [[ 'b+' =~ "$re" ]]; echo "5 $?"
[[ a.c =~ a.c && abc =~ a.c ]]; echo "6 $?"
[[ abc =~ a\.c ]]; echo "7 $?"; [[ abc =~ 'a.c' ]]; echo "8 $?"; [[ "a.c" =~ a'.'c ]]; echo "9 $?"
[[ foo =~ ^(f|g)o+$ && goo =~ ^(f|g)o+$ && ! hoo =~ ^(f|g)o+$ ]]; echo "10 $?"
[[ "a b" =~ ^(a b)$ ]]; echo "11 $?"
[[ x =~ a|x ]]; echo "12 $?"
[[ x1 =~ [[:digit:]] ]]; echo "13 $?"
y=$'l1\nl2'; [[ $y =~ ^l1 ]]; echo "14 $?"; [[ $y =~ l1$ ]]; echo "15 $?"
[[ a =~ '' ]]; echo "16 $?"
bad='('; [[ abc =~ $bad ]]; echo "bad $?"
bad='a{1'; [[ abc =~ $bad ]]; echo "bad2 $?"
[[ ! a =~ $bad ]]; echo "not bad $?"
[[ a =~ $bad || b ]]; echo "bad or $?"
"#;
    cond_xtrace: r#"
x="a b"; e=
set -x
[[ $x ]]
[[ ! $x ]]
[[ ! -n $x ]]
[[ $x == "a*" ]]
[[ $x == a* ]]
[[ $e == '' ]]
[[ ! ( -n $e || $x != 1 ) ]]
[[ 1+1 -eq 2 ]]
[[ $x =~ "a." ]]
[[ x =~ "a]b}c" ]]
[[ $x =~ ^a.(b|c)$ ]]
[[ $x < b ]]
[[ -e /etc/passwd ]]
[[ "a b" == 'a b' ]]
[[ $x == a\ ? ]]
"#;
    type_shows_arith_and_cond: r#"
f() {
  (( i++ ))
  ((x=$y+"1"))
  for ((i=0; i<3; i++)); do echo $i; done
  for ((;;)); do break; done
  for (( j = $(( 1 + 1 )) ;j>0;j-- )); do
    if [[ -n $x && ( $y == a* || ! -d /tmp ) ]]; then (( j )); fi
  done
  [[ $x ]] || [[ ! ! $x ]]
  [[ $x =~ ^(a|b)+[0-9]$ ]] && echo m
  [[ "$x" != "y" && $x < b && a > $x ]]
  [[ 1 -eq 2 || -e /x || -L "$f" ]]
  while (( n < 3 )); do (( n++ )); done
  [[ a == b ]] > /dev/null
  ! [[ a == b ]]
  for ((k=0; k<2; k++)) { echo $k; }
}
type f
g() { [[ -z $1 ]]; }
type g
"#;
    last_status_is_exit_status: r#"
echo hi
false
"#;
    noexec_style_comments_and_blank_lines: r#"

   # only comments

echo ok  ;  echo two;
"#;
}

#[test]
fn syntax_error_reports_line_column_and_caret() {
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let r = run_script_with(
        &[&nsh],
        "echo never\nif true; then\n  echo x\nfi fi\n",
        &[],
        false,
    );
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "", "nothing of the script may run");
    let mut lines = r.stderr.lines();
    assert_eq!(
        lines.next(),
        Some("t.sh: line 4: syntax error near unexpected token `fi'")
    );
    assert_eq!(lines.next(), Some("t.sh: line 4: `fi fi'"));
    assert!(r.stderr.contains("[t.sh:4:4]"), "{}", r.stderr);
    assert!(r.stderr.contains(" 4 | fi fi"), "{}", r.stderr);
    // The caret sits under column 4.
    let caret = r
        .stderr
        .lines()
        .find(|l| l.contains('^'))
        .expect("a caret line");
    let bar = r
        .stderr
        .lines()
        .find(|l| l.contains(" 4 | "))
        .expect("source line");
    assert_eq!(caret.find('^'), bar.find("| ").map(|i| i + 2 + 3));
}

#[test]
fn syntax_error_unexpected_end_of_file() {
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let r = run_script_with(&[&nsh], "echo a\nwhile true; do\n  echo x\n", &[], false);
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .starts_with("t.sh: line 4: syntax error: unexpected end of file\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn unsupported_syntax_is_an_error_not_a_misparse() {
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let script =
        "echo x; cat <<A <<B <<C <<D <<E <<F <<G\n1\nA\n2\nB\n3\nC\n4\nD\n5\nE\n6\nF\n7\nG\n";
    let r = run_script_with(&[&nsh], script, &[], false);
    assert_eq!(r.status, 2, "{script}: {}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("not supported"), "{script}: {}", r.stderr);
    assert!(
        r.stderr.contains("more than six here-documents"),
        "{script}: {}",
        r.stderr
    );
}

/// Syntax errors bash reports around compound commands: an empty list
/// (`if then`, `while do`, `{ }`), a word that is not reserved after a
/// redirection or a simple command, a brace group right after `for NAME`.
/// bash's first line, status 2, nothing run.
#[test]
fn compound_command_syntax_errors_say_what_bash_says() {
    syntax_errors_say_what_bash_says(&[
        "echo ran\nif then echo X; fi\n",
        "while do echo X; break; done\n",
        "until do echo X; break; done\n",
        "if\nthen :; fi\n",
        "while\ndo :; done\n",
        "if true; then fi\n",
        "if true; then :; else fi\n",
        "if true; then :; elif then :; fi\n",
        "for i in 1; do done\n",
        "{ }\n",
        "( )\n",
        "f() { # c\n}\n",
        "for ((;;)) { }\n",
        "{ true; } echo\n",
        "{ true; } then\n",
        "if { true; } >/dev/null then echo a; fi\n",
        "if true; then echo; fi fi\n",
        "for i in 1; do { :; } done done\n",
        "if true; then f() { :; } >/dev/null fi\n",
        "for i { echo $i; }\n",
        "for i in a; { echo $i; } done\n",
        "for i in 1; { }\n",
    ]);
}

/// Each script, run by bash and by nsh: nsh exits 2 having run nothing,
/// and its first line on stderr is bash's (the message and the line).
fn syntax_errors_say_what_bash_says(scripts: &[&str]) {
    let nsh = nsh_bin().to_str().expect("path").to_string();
    for script in scripts {
        let bash = run_script_with(&["bash"], script, &[], false);
        let ours = run_script_with(&[&nsh], script, &[], false);
        assert_eq!(ours.status, 2, "{script}: {}", ours.stderr);
        assert_eq!(ours.stdout, "", "{script}");
        assert_eq!(
            ours.stderr.lines().next(),
            bash.stderr.lines().next(),
            "{script}"
        );
    }
}

/// A syntax error inside `[[ … ]]` or `for ((…))`: bash's first line (its
/// own message), status 2, nothing run. (bash 5.2 then gives up on the
/// script with status 0 or 2; nsh has parsed it all first.)
#[test]
fn cond_and_arith_for_syntax_errors_say_what_bash_says() {
    syntax_errors_say_what_bash_says(&[
        "echo ran\n[[ a b ]]\n",
        "[[ -n ]]\n",
        "[[ a =~ ]]\n",
        "[[ ( a ]]\n",
        "[[ a == b c ]]\n",
        "[[ ( a ) ) ]]\n",
        "[[ ) ]]\n",
        "[[ a ; ]]\n",
        "[[ a < ]]\n",
        "[[ a -zz b ]]\n",
        "[[ a\n",
        "[[ a == b\n",
        "[[ a &&\n",
        "[[ a !~ b ]]\n",
        "for ((i=0; i<3)); do :; done\n",
        "for ((i=0; i<3; i++; j)); do :; done\n",
    ]);
}

/// An opener left unclosed at the end of the script: bash's message and
/// line (the opener's line for quotes, `${`, `$((`, `a=(`; one past the
/// end for `$(`), and nothing run. `${` is never text.
#[test]
fn unclosed_openers_are_reported_at_bash_lines() {
    syntax_errors_say_what_bash_says(&[
        "echo a\nx=$(( 1 +\necho b\n",
        "echo a\nx=$( echo\necho b\necho c\n",
        "echo a\nx=$( echo\necho b\necho c",
        "echo a\necho \"abc\necho b\n",
        "echo a\necho 'abc\necho b\n\n\n",
        "echo a\necho `x\necho b\necho c\n",
        "echo a\necho ${x\necho b\n",
        "echo a\necho $'x\necho b\n",
        "echo a\na=(1 2\necho b\necho c\n",
        "echo a\necho \"x $(echo\necho b\necho c\n",
        "echo \"abc",
        // An error inside a compound command never closed comes first.
        "echo before\nif then\necho after\n",
        "while do\necho after\n",
        "echo a\nif true; then\n  while do :; done\necho b\n",
        "f() {\n if then\n",
        "for i in 1; do\n{ }\n",
        "case x in\nx) if then\n",
        "echo a\nif true; then echo x\n",
        "echo a\n(( 1 +\necho b\n",
    ]);
}

#[test]
fn parse_only_flag() {
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let ok = run_script_with(&[&nsh, "-n"], "echo should-not-run\n", &[], false);
    assert_eq!((ok.status, ok.stdout.as_str()), (0, ""));
    let bad = run_script_with(&[&nsh, "-n"], "fi\n", &[], false);
    assert_eq!(bad.status, 2);
}

#[test]
fn dash_c_with_name_and_args() {
    let nsh = nsh_bin().to_str().expect("path");
    let out = crate::common::run(&[nsh, "-c", "echo $0 $1 $#; foo", "myname", "a", "b"], "");
    let bash = crate::common::run(
        &["bash", "-c", "echo $0 $1 $#; foo", "myname", "a", "b"],
        "",
    );
    assert_eq!(out, bash);
}

/// A fatal expansion error (`${X:?}`, `set -u`) ends `-c` with status
/// 127 in bash 5.2 (1 in a subshell, and 1 in a script file).
#[test]
fn dash_c_expansion_errors_exit_127() {
    let nsh = nsh_bin().to_str().expect("path");
    for c in [
        "unset x; echo ${x:?gone}; echo after",
        "set -u; echo $nope; echo after",
        "(echo ${x:?no}); echo \"sub $?\"",
        "x=$(echo ${y:?no}); echo \"cs $?\"",
        "echo $(( 1/0 )); echo after",
    ] {
        let ours = crate::common::run(&[nsh, "-c", c], "");
        let bash = crate::common::run(&["bash", "-c", c], "");
        assert_eq!(
            (ours.stdout, ours.status),
            (bash.stdout, bash.status),
            "{c}"
        );
    }
}

#[test]
fn script_from_stdin() {
    let nsh = nsh_bin().to_str().expect("path");
    let out = crate::common::run(&[nsh], "echo from-stdin\nexit 3\n");
    assert_eq!((out.stdout.as_str(), out.status), ("from-stdin\n", 3));
}

#[test]
fn script_args_and_set_options_on_command_line() {
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let script = "echo \"$0\" \"$@\"\nfalse\necho never\n";
    let bash = run_script_with(&["bash", "-e"], script, &["x", "y z"], false);
    let ours = run_script_with(&[&nsh, "-e"], script, &["x", "y z"], false);
    assert_eq!(ours, bash);
}

#[test]
fn version_and_help() {
    let nsh = nsh_bin().to_str().expect("path");
    let v = crate::common::run(&[nsh, "--version"], "");
    assert!(v.stdout.starts_with("nsh "), "{}", v.stdout);
    let h = crate::common::run(&[nsh, "--help"], "");
    assert!(h.stdout.contains("Usage"), "{}", h.stdout);
}

#[test]
fn install_links_points_at_nsh() {
    let nsh = nsh_bin().to_str().expect("path");
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().to_str().expect("utf-8");
    let r = crate::common::run(&[nsh, "--install-links", dir], "");
    assert_eq!(r.status, 0, "{}", r.stderr);
    for n in nsh::native::NATIVE_NAMES {
        let t = std::fs::read_link(d.path().join(n)).expect("a symlink");
        assert_eq!(
            std::fs::canonicalize(t).ok(),
            std::fs::canonicalize(nsh).ok()
        );
    }
}

#[test]
fn proc_sys_write_in_sandbox() {
    if !need_root("proc_sys_write_in_sandbox") {
        return;
    }
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let script = "echo 1 > /proc/sys/net/ipv4/ip_forward\ncat /proc/sys/net/ipv4/ip_forward\n";
    let r = run_script_with(&[&nsh], script, &[], true);
    assert_eq!((r.stdout.as_str(), r.status), ("1\n", 0), "{}", r.stderr);
}

#[test]
fn sandbox_flag_runs_in_fresh_namespace() {
    if !need_root("sandbox_flag_runs_in_fresh_namespace") {
        return;
    }
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let r = run_script_with(&[&nsh, "--sandbox"], "ls /run/netns | wc -l\n", &[], false);
    assert_eq!((r.stdout.trim(), r.status), ("0", 0), "{}", r.stderr);
}

/// A long script: thousands of lines the hand-written reader reads
/// (src/syntax/fast.rs) around a construct that spans lines, some of which
/// it hands to pest (here-documents, an open one at the end), compared
/// with bash.
fn straddling(middle: &str) -> String {
    let filler = "x=$((x+1))\n".repeat(4000);
    format!("x=0\n{filler}{middle}\n{filler}echo \"x=$x\"\n")
}

#[test]
fn long_script_mixed_constructs_match_bash() {
    let body: String = (0..200).map(|i| format!("body line {i} $x\n")).collect();
    let items: String = (0..200).map(|i| format!("  echo item {i}\n")).collect();
    let words: String = (0..200).map(|i| format!("w{i} \\\n")).collect();
    let quoted: String = (0..200).map(|i| format!("q{i}\n")).collect();
    let heredoc_at_end = format!("cat <<EOF\n{body}");
    for middle in [
        "echo middle".to_string(),
        format!("cat <<EOF\n{body}EOF"),
        format!("cat <<'EOF'\n{body}EOF"),
        format!("if true; then\n{items}fi"),
        format!("for i in 1; do\n{items}done"),
        format!("echo {words}end"),
        format!("echo \"{quoted}\""),
        format!("f() {{\n{items}}}\nf | tail -1"),
    ] {
        let script = straddling(&middle);
        let bash = run_script_with(&["bash"], &script, &[], false);
        let nsh = run_script_with(&[nsh_bin().to_str().expect("path")], &script, &[], false);
        assert_eq!(nsh, bash, "middle:\n{middle}");
    }
    // A here-document left open to the end of the file: the body is the
    // rest of the file. (bash also warns on stderr; nsh does not.)
    let script = straddling(&heredoc_at_end);
    let bash = run_script_with(&["bash"], &script, &[], false);
    let nsh = run_script_with(&[nsh_bin().to_str().expect("path")], &script, &[], false);
    assert_eq!((nsh.stdout, nsh.status), (bash.stdout, bash.status));
}

#[test]
fn long_script_syntax_error_in_second_half_names_its_line() {
    // nsh parses the whole file first, so nothing runs; the error must name
    // the same line as a whole-file parse would.
    let script = straddling("echo ok") + &"y=1\n".repeat(100) + "fi\n";
    let line = script.lines().count();
    let r = run_script_with(&[nsh_bin().to_str().expect("path")], &script, &[], false);
    assert_eq!(r.status, 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "line {line}: syntax error near unexpected token `fi'"
        )),
        "{}",
        r.stderr
    );
}

/// Signals ignored when the shell starts (as under `nohup`) are listed by
/// `trap` and cannot be trapped, as in bash.
#[test]
fn traps_of_signals_ignored_on_entry() {
    let script =
        "trap 'echo t' TERM\ntrap '' USR1\ntrap 'echo h' HUP\ntrap\nkill -HUP $$\necho alive\n";
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let run = |shell: &str| {
        std::process::Command::new("sh")
            .args(["-c", "trap '' HUP; exec \"$0\" -c \"$1\"", shell, script])
            .output()
            .expect("run")
    };
    let (b, n) = (run("bash"), run(&nsh));
    assert_eq!(
        String::from_utf8_lossy(&n.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    assert_eq!(n.status.code(), b.status.code());
    assert!(String::from_utf8_lossy(&b.stdout).starts_with("trap -- '' SIGHUP\n"));
}

// The `time` keyword, `hash`, `shopt`, `pushd` / `popd` / `dirs`.
same_as_bash! {
    time_keyword_formats: r#"
TIMEFORMAT='x%0Ry %0U|%0lS %% %'; time true
time false; echo "st=$?"
time ! false; echo "st=$?"
! time true; echo "st=$?"
time (exit 3); echo "st=$?"
time echo piped | cat
time; echo "null st=$?"
time x=4; echo "x=$x"
TIMEFORMAT='a%Zb'; time true; echo "bad st=$?"
TIMEFORMAT='%lx'; time true
TIMEFORMAT=; time true
{ time echo quiet; } 2>/dev/null
unset TIMEFORMAT
{ time true; } 2>&1 | sed 's/[0-9]/N/g'
{ time -p true; } 2>&1 | sed 's/[0-9]/N/g'
{ time -- true; } 2>&1 | sed 's/[0-9]/N/g'
{ time -p; } 2>&1 | sed 's/[0-9]/N/g'
{ time -p -x true 2>/dev/null; } 2>&1 | sed 's/[0-9]/N/g'
echo time; time=3; echo $time
"#;
    time_keyword_printed_by_type: r#"
f() { ! time true; time ! true; time -p true; time -- true; time; time true | cat; time -p; time time true; time -p time ! true; }
type f
g() { time; }
type g
"#;
    time_keyword_and_control_flow: r#"
TIMEFORMAT=T
f() { time return 4; echo no; }; f; echo "st=$?"
for i in 1 2; do time break; done; echo "st=$?"
trap 'echo err' ERR; time false; trap - ERR
time echo $((1/0)); echo same line
(time exit 3); echo "st=$?"
time exit 5
"#;
    time_keyword_and_errexit: r#"
set -e
TIMEFORMAT='[%0R]'
time true
time false
echo never
"#;
}

same_as_bash! {
    hash_table_counts_and_lists: r#"
hash; echo "st=$?"
ls >/dev/null; ls >/dev/null; cat </dev/null
hash
type ls; command -v cat; command -V cat
hash -t ls cat; hash -t ls
hash -l
ls | cat >/dev/null; (sed q </dev/null); x=$(tr a b </dev/null)
hash
hash -d ls; hash; hash -d ls; echo "st=$?"
hash -p /bin/echo myecho; myecho hi; hash -t myecho
PATH=$PATH; hash
hash ls cat sed awk grep sort head tail tr wc env id; hash; hash -l
hash -r; hash; hash -l; echo "st=$?"
"#;
    hash_errors_and_options: r#"
hash nope; echo "st=$?"
hash nope1 nope2; echo "st=$?"
hash -t nope; echo "st=$?"
hash -x; echo "st=$?"
hash -t; echo "st=$?"
hash -d; echo "st=$?"
hash -p; echo "st=$?"
hash -p /tmp ls; echo "st=$?"
hash echo cd; f() { :; }; hash f; echo "st=$?"
hash /bin/ls x/y; echo "st=$?"; hash
hash -- -x; hash -; hash ""; echo "st=$?"
hash -p "/a b" "x y"; hash -l; hash -t "x y"
hash -rp /nonexistent foo; foo; echo "st=$?"
hash ls; PATH=/x /bin/true; hash
hash ls; PATH=/x true; hash
hash ls; export PATH; hash -t ls; unset PATH; hash
"#;
    hash_checkhash: r#"
shopt -s checkhash
hash -p /nonexistent ls
ls / >/dev/null
hash
"#;
    shopt_lists_and_errors: r#"
shopt; shopt -p; shopt -s; shopt -u; shopt -o; shopt -po
shopt nullglob extglob; echo "st=$?"
shopt -q nullglob; echo "st=$?"
shopt foo; echo "st=$?"
shopt -s foo; echo "st=$?"
shopt -x; echo "st=$?"
shopt -su; echo "st=$?"
shopt -s -u nullglob; echo "st=$?"
shopt -p foo nullglob; echo "st=$?"
shopt -o foo; echo "st=$?"
shopt -so foo; echo "st=$?"
shopt -pu nullglob dotglob; echo "st=$?"
shopt -qs nullglob; shopt -p nullglob dotglob; echo "st=$?"
shopt -os pipefail; set -o | grep pipefail; shopt -p -o pipefail; shopt -qo pipefail; echo "st=$?"
shopt -u pipefail; echo "st=$?"
shopt -- nullglob; shopt - nullglob; echo "st=$?"
shopt -s login_shell; echo "st=$?"; shopt login_shell
shopt -u extglob; shopt -s globasciiranges; echo "st=$?"
shopt -s autocd histappend checkwinsize; shopt autocd
"#;
    shopt_options_act: r#"
shopt -s shift_verbose; set -- a; shift 3; echo "st=$?"; shift; shift; echo "st=$?"
shopt -s xpg_echo; echo "a\tb"; echo -E "a\tb"; shopt -u xpg_echo
shopt -s nocasematch
case ABC in a*) echo case;; esac
[[ ABC == a?c ]] && echo y1; [[ B == [a-c] ]] && echo y2; [[ ABC =~ ^abc$ ]] && echo y3
[[ ABC != abc ]] || echo y4
x=ABCabc; echo ${x#a} ${x%c} ${x/a/z} ${x//b/y} ${x/#a/q} ${x/%C/w}
shopt -u nocasematch; [[ ABC == abc ]] || echo no
d=$(mktemp -d); cd "$d"; touch .h A b C
echo *; echo .*
shopt -s dotglob; echo *; echo .*
shopt -s nocaseglob; echo [a]*; echo c*
shopt -u dotglob; shopt -u globskipdots; echo .*
shopt -s globskipdots
shopt -s nullglob; echo none* x; for f in none*; do echo "$f"; done; echo "none*"
shopt -u nullglob; echo none*
cd /; rm -r "$d"
"#;
    shopt_lastpipe: r#"
shopt -s lastpipe
echo hi | read x; echo "x=$x"
printf 'a\nb\n' | while read l; do last=$l; done; echo "last=$last"
x=0; seq 3 | while read n; do x=$((x+n)); done; echo "sum=$x"
false | true; echo "st=$?"; true | false; echo "st=$?"
echo a | echo b; echo c | ls /nonexistent 2>/dev/null; echo "st=$?"
read y <<< "stdin is back"; echo "$y"
f() { echo in | read v; echo "v=$v"; return 2; }; f; echo "st=$?"; echo x | f | cat
echo a | read x | cat; echo "x=$x"
set -o pipefail; false | true; echo "st=$?"; set +o pipefail
echo b | { cat; exit 4; }
echo never
"#;
    shopt_inherit_errexit: r#"
set -e
x=$(false; echo yes); echo "[$x]"
shopt -s inherit_errexit
x=$(false; echo no); echo "[$x]"
echo never
"#;
    exec_failures_and_execfail: r#"
(exec nosuch; echo no); echo "st=$?"
(exec /tmp; echo no); echo "st=$?"
(exec /etc/passwd; echo no); echo "st=$?"
(exec /nonexistent; echo no); echo "st=$?"
shopt -s execfail
exec /nonexistent; echo "st=$?"
exec /tmp; echo "st=$?"
exec nosuch; echo "st=$?"
(exec /nonexistent); echo "st=$?"
exec 3>/dev/null; echo ok
exec echo done
echo never
"#;
    shopt_localvar_inherit: r#"
x=1; export y=5; readonly r=1
shopt -s localvar_inherit
f() { local x; echo "[$x]"; x=2; }; f; echo "x=$x"
g() { local y; env | grep ^y=; y=6; }; g; echo "y=$y"
h() { local x=9; k; }; k() { local x; echo "k[$x]"; }; h
m() { local r; echo "m $?"; }; m
shopt -u localvar_inherit; f; echo "x=$x"
"#;
    shopt_cdable_vars: r#"
d=$(mktemp -d); mkdir "$d/sub"; HOME=$d; cd
shopt -s cdable_vars
v=$d; cd /; cd v | sed "s|$d|D|"; cd v >/dev/null; echo "st=$?"; dirs
s=sub; cd s; echo "st=$?"; dirs
cd nonexistent; echo "st=$?"
w=/nonexistent; cd w; echo "st=$?"
cd; pushd s; popd >/dev/null
shopt -u cdable_vars; cd s; echo "st=$?"
cd /; rm -r "$d"
"#;
    shopt_failglob: r#"
shopt -s failglob
echo before
echo /nonexistent* ; echo same line
echo "st=$?"
for f in /nonexistent*; do echo "$f"; done; echo same line
x=$(echo /nonexistent*); echo "st=$? [$x]"
shopt -s nullglob; echo /nonexistent* a
echo "a b"*x
echo end
"#;
}

same_as_bash! {
    pushd_popd_dirs: r#"
d=$(mktemp -d); HOME=$d; cd; mkdir a b c
dirs; pushd a; pushd ../b; pushd ~/c
dirs; dirs -v; dirs -p; dirs -l | sed "s|$d|D|g"; dirs -v -l | sed "s|$d|D|g"
dirs +1; dirs -1; dirs +0; dirs -0; dirs +1 +0; dirs -v +2; dirs -v -p +1
pushd; pushd +1; pushd -1; pushd -0
popd; popd +1; popd -0; dirs
echo "$PWD $OLDPWD" | sed "s|$d|D|g"
pushd -n ~/a; popd -n; pushd -n +0; pushd -n +1; dirs; pushd +0
pushd -- b; pushd - >/dev/null; popd --; dirs -c; dirs
for x in a b c a b c a b c a b; do pushd $x >/dev/null; cd ..; done; dirs -v; popd -n +10; dirs -v +10
HOME=/; dirs | sed "s|$d|D|g"; HOME=$d/; dirs -c; dirs | sed "s|$d|D|g"
cd /; rm -r "$d"
"#;
    pushd_popd_dirs_errors: r#"
d=$(mktemp -d); HOME=$d; cd; mkdir a
popd; echo "st=$?"
pushd; echo "st=$?"
pushd ~/nonexistent 2>&1 | sed "s|$d|D|g"; echo "st=$?"
pushd +3; echo "st=$?"
popd +3; echo "st=$?"
pushd a >/dev/null
pushd +3; echo "st=$?"; popd +3; echo "st=$?"; popd -3; dirs -3; dirs +2; pushd -2; popd -5
dirs -x; echo "st=$?"
pushd -x; echo "st=$?"
popd -x; echo "st=$?"
popd foo; echo "st=$?"
pushd a b; echo "st=$?"
dirs a; echo "st=$?"
dirs -c a; echo "st=$?"
pushd +x; popd "" a; echo "st=$?"
mkdir ~/e; pushd ~/e >/dev/null; pushd ~ >/dev/null; rmdir ~/e
{ popd; echo "st=$?"; } 2>&1 | sed "s|$d|D|g"; dirs
cd /; rm -r "$d"
"#;
}

same_as_bash! {
    patsub_replacement_ampersand: r#"
x=abc; r="&"; y="a\&"; v="a\b"; w="a\\"; u="\&x"; z='a*b'
echo ${x/b/$r} "${x/b/$r}" ${x/b/"$r"} ${x/b/"&"} ${x/b/'&'} ${x/b/\\&} ${x/b/\\\&} "${x/b/\\&}"
echo ${x/b/&&} ${x/b} ${x/b/} "${x/b/\&}" "${x/b/x\y}" ${x/b/x\y} ${x/b/$y}
echo ${x/b/[&]} "${x/b/[&]}" ${x//[ac]/<&>} ${x/#a/&&} ${x/%c/-&-} ${x//?/&.} "${x/b/$'&'}" ${x/b/"x"&} "${x/b/'&'}"
echo ${z/\*/&} "${z/'*'/[&]}" ${x/b/$z} ${x/b/$v} "${x/b/$v}" ${x/b/$w} ${x/b/\\} "${x/b/\\}"
echo ${x/b/$u} "${x/b/$u}" ${x/b/\\\\} ${x/b/"\\"} ${x/b/"\&"} ${x/b/$(echo "&")}
shopt -s nocasematch; echo ${x/B/<&>}; shopt -u nocasematch
shopt -u patsub_replacement; echo ${x/b/[&]} ${x/b/\&} "${x/b/$r}"
"#;
}

// Indexed arrays and the parameter forms that go with them.
same_as_bash! {
    array_assignments_and_elements: r#"
y="s t"
a=(1 "2 3" [5]=x $y '' "")
declare -p a
a[1+2]=v; a+=(q "r s"); a[0]+=z; a[-1]+=!
declare -p a
echo "${a[@]}" ${#a[@]} ${#a[1]} "${!a[@]}" $a ${a[-1]} "${a[5]}" ${a[4]-unset}
for w in "${a[@]}"; do echo "<$w>"; done
for w in ${a[@]}; do echo "[$w]"; done
b=(
  one   # a comment
  two
  *.nomatch
)
declare -p b
i=2; c[i*2]=four; c[i]=two; declare -p c
s=hello; echo "${s[0]}" "x${s[1]}y" "${#s[@]}" "${s[@]}"; s[2]=w; declare -p s
e=(); declare -p e; echo "${#e[@]}" "[${e[@]}]" "[${e[*]}]"
set -- "p 1" q; f=("$@" end); declare -p f
"#;
    array_expansions_quoted_and_unquoted: r#"
a=(a "b c" "" d)
printf '<%s>' "${a[@]}"; echo
printf '<%s>' ${a[@]}; echo
printf '<%s>' "${a[*]}"; echo
printf '<%s>' ${a[*]}; echo
IFS=-; printf '<%s>' "${a[*]}" ${a[*]}; echo; IFS=' '
v="${a[@]}"; w=${a[*]}; echo "$v|$w"
printf '<%s>' "x${a[@]}y"; echo
e=(); printf '<%s>' "${e[@]}" "x${e[@]}"; echo
set -- a "b c" "" d
IFS=-; printf '<%s>' ${a[@]} $@ $* x$@y; echo
IFS=; printf '<%s>' ${a[@]} $@ $* ${a[*]}; echo
unset IFS; printf '<%s>' ${a[@]} $@ $*; echo
IFS=' -'; printf '<%s>' ${a[*]} $@; echo
case "${a[1]}" in "b c") echo case ok ;; esac
"#;
    array_operators: r#"
a=(apple banana cherry date elder)
echo "${a[@]#?}" "${a[@]%a*}" "${a[@]/a/A}" "${a[@]//a/_}" "${a[@]^}" "${a[*]^^}"
echo "${a[@]:1:2}|${a[@]: -2}|${a[*]:3}|${a[@]:7}|${a[@]:0:1}"
b=([2]=x [5]=y [9]=z); echo "${b[@]:3}|${b[@]:0:1}|${b[@]: -1}|${!b[*]}"
echo "${a[0]:-d}" "${a[9]:-d}" "${a[1]:+alt}" "${a[0]:1:3}" "${#a[0]}" "${a[2]#ch}"
echo "${a[@]:-def}" "${e[@]:-def}" "${e[@]-def2}" "${e[@]:+alt}x"
echo "${z[3]:=set}"; declare -p z
"#;
    positional_slices_and_indirection: r#"
set -- p q r s
echo "${@:2}|${*:1:2}|${@: -2}|${@:0:2}|${@:3:1}|${@:9}"
printf '<%s>' "${@:2:2}"; echo
x=b; b=hello; echo "${!x}" "${!x:-d}" "${!x/l/L}"
a=(a b c d e); i='a[2]'; echo "${!i}"; j='a[@]'; echo "${!j}"
n=3; echo "${!n}"
abc1=1 abc2=2 abd=3; echo "${!abc@}" "${!ab*}"
printf '<%s>' "${!abc@}"; echo
f() { local k='2'; echo "${!k}"; }; f one two
"#;
    indirection_errors: r#"
x='bad name'; echo "${!x}"; echo not reached
echo next
unset z; echo "[${!z}]"; echo not reached
echo next
set -- a b; echo "${@:1:-1}"; echo not reached
echo end
"#;
    array_arithmetic: r#"
a=(5 6 7); i=1
echo $(( a[i] + a[2] )) $((a[-1])) $((a)) $(( b[1] ))
(( a[3] = 10, a[0]++ )); declare -p a
let 'a[4]=a[3]*2' 'a[i+4]+=3'; declare -p a
[[ ${a[1]} -eq 6 && a[1] -eq 6 ]] && echo yes
n=0; (( n[2] = 3 )); declare -p n
for ((k=0; k<3; k++)); do sq[k]=$((k*k)); done; echo "${sq[@]}"
"#;
    unset_and_subscript_errors: r#"
a=(1 2 3 4)
unset 'a[1]'; declare -p a
unset 'a[-1]'; declare -p a
unset 'a[-7]'; echo st=$?
unset a[9]; declare -p a
unset 'a[@]'; declare -p a 2>&1
b=(1 2); unset b; echo "${#b[@]}" "[${b[0]}]"
c=(1 2 3); echo "${c[-4]}x"; c[-5]=z; echo st=$?
echo "${c[x y]}"; echo not reached
echo next
d[]=1; echo not reached
echo end
"#;
    declare_local_readonly_arrays: r#"
declare -a x=1; declare -p x
declare -a y=(1 "2 3"); declare -p y
declare "z=(1 2)"; declare -p z
declare -ar r=(a b); declare -p r
r[0]=c; echo not reached
echo st=$?
r=(d); echo not reached
unset r; echo st=$?
readonly -a ro=(p q); declare -p ro
f() {
  local -a l=(in "side"); local m=(1 2); declare -p l m
  declare -a g=(x); declare -p g
  l+=(more); echo "${l[@]}"
}
f; declare -p l g m 2>&1
declare -p FUNCNAME
"#;
    nounset_with_arrays: r#"
set -u
a=(1 2); e=()
echo "${a[1]}" "${#e[@]}" "${e[@]}" "${a[@]}"
echo "${a[5]-dflt}"
echo "${a[5]}"
echo not reached
"#;
    nounset_with_unset_array: r#"
set -u
echo "${nosuch[@]}" "${#nosuch[@]}"
echo "${nosuch[0]}"
echo not reached
"#;
    read_a_and_mapfile: r#"
read -a arr <<< "  r1 r2  r3 "; declare -p arr
IFS=, read -ra arr2 <<< "a,b,,c"; declare -p arr2
read -r -a arr3 <<< ''; declare -p arr3
printf 'l1
l2

l4
' > /tmp/nsh_mapfile_$$
mapfile -t lines < /tmp/nsh_mapfile_$$; declare -p lines
mapfile keep < /tmp/nsh_mapfile_$$; declare -p keep
readarray -t -n 2 -s 1 part < /tmp/nsh_mapfile_$$; declare -p part
mapfile -t < /tmp/nsh_mapfile_$$; echo "${MAPFILE[3]}" "${#MAPFILE[@]}"
printf 'a:b:c' | { mapfile -t -d : parts; declare -p parts; }
rm -f /tmp/nsh_mapfile_$$
"#;
    bash_array_variables: r#"
echo "top: [${FUNCNAME[*]}] ${#FUNCNAME[@]} ${BASH_SOURCE[0]##*/} ${#BASH_SOURCE[@]}"
g() { echo "g: ${FUNCNAME[*]} ${BASH_LINENO[*]}"; }
f() { echo "f: ${FUNCNAME[*]} $FUNCNAME ${FUNCNAME[1]} ${BASH_SOURCE[1]##*/}"; g; }
f
if [[ "foo-123-bar" =~ ([a-z]+)-([0-9]+)(x)? ]]; then declare -p BASH_REMATCH; echo "${BASH_REMATCH[2]}" "${#BASH_REMATCH[@]}"; fi
[[ x =~ y ]]; declare -p BASH_REMATCH
true | false | true; echo "${PIPESTATUS[@]}"
false; echo "${PIPESTATUS[*]}" "${#PIPESTATUS[@]}"
(exit 3) | true; declare -p PIPESTATUS
"#;
    arrays_in_functions_printed_by_type: r#"
f() { a=(1 "2 3" [5]=x $y); a[1+2]=v; b+=(q); local -a c=(1 2); echo ${a[@]:1:2} ${!a[@]} ${#a[@]} ${!x} ${!pre*} ${a[i]#x} "${a[*]}" ${@:2} ${#a[1]} "${!a[@]}"; }
type f
"#;
    arrays_and_the_rest_of_the_shell: r#"
a=([1]=x); echo "${a-unset}" "${a:-empty}"; a=y; declare -p a
b=(1 2); export b; env | grep -c '^b=' ; declare -p b
x=5; declare -p x; export x; declare -p x; declare -r x; declare -p x
c=v; declare -a c; declare -p c
set -x; d=(1 "2 3"); d[1]=q; d+=(z); e=x; set +x
for k in "${!d[@]}"; do echo "$k=${d[k]}"; done
[[ "${d[@]}" == "1 q z" ]] && echo joined
set -- a b c; echo ${#@} ${#*}
i=1; echo $(( d[$i] + 0 )) 2>&1; echo ${d[i+1]} ${d[${#d[@]}-1]} ${d["1"]}
f() { local arr=("$@"); echo "${#arr[@]}: ${arr[*]}"; declare -g G=(g1 g2); }
f 1 "2 3" 4; declare -p G
IFS=: read -ra parts <<< "/usr/bin:/bin:"; declare -p parts
arr=($(printf 'a b\nc\n')); declare -p arr
cat <<EOT
${d[*]} ${#d[@]} ${d[1]}
EOT
g() { echo "$# $*"; }; g "${d[@]}"; g "${d[*]}"; g ${!d[@]}
h=(); h[5]=x; h+=(y); declare -p h
declare -a m; m+=(1); declare -p m
echo "${d[@]:1}" "${d[@]::2}"
z=(a b); z=(c); declare -p z
w=(1 2 3); w=; declare -p w
"#;
    array_assignment_errors: r#"
a[1]=x env | grep -c '^a'
echo "${a[@]}"
b=(1) echo hi
declare -p b
declare -p nosuch; echo st=$?
c=(1 2); c[1]=; declare -p c
echo ${c[@]:-x}
unset -v 'c[0]'; declare -p c
d=(x); echo "${d[0]^^}" "${d^}"
readonly e=(1); e+=(2); echo nr
echo st=$?
"#;
    bash_source_funcname_lineno_across_source: r#"
d=$(mktemp -d)
cat > "$d/lib.sh" <<'EOF'
echo "lib top: [${FUNCNAME[*]}] ${BASH_SOURCE[0]##*/} ${#BASH_SOURCE[@]} ${BASH_LINENO[*]}"
g() { echo "g: ${FUNCNAME[*]} | ${BASH_SOURCE[0]##*/} ${BASH_SOURCE[1]##*/} | ${BASH_LINENO[*]}"; }
EOF
f() {
  echo "f: ${FUNCNAME[*]} ${BASH_SOURCE[*]##*/}"
  g
  . "$d/lib.sh"
}
. "$d/lib.sh"
f
g
rm -r "$d"
"#;
    array_idioms: r#"
a=(x y z)
echo ${a[1]:0:1}
b=( "$(echo 'p q')" $((1+2)) ~ )
declare -p b | sed "s|$HOME|HOME|"
c=(*.nonexistent-xyz); declare -p c
set -f; d=(*); declare -p d; set +f
e=([0]=a [0]=b); declare -p e
f=([1]=a b [0]=c d); declare -p f
g=(a b); g+=([5]=x y); declare -p g
h=(1 2 3); h[1]+=0; echo $(( h[1] * 2 ))
i=(10 20); (( i[1] += 5, i[2] = i[0] + i[1] )); declare -p i
j=(); j[${#j[@]}]=first; j[${#j[@]}]=second; declare -p j
k=(a b c); unset k[1]; k=("${k[@]}"); declare -p k
for ((n=0; n<${#k[@]}; n++)); do echo "$n ${k[n]}"; done
l=(one two three); echo "${l[@]:1}" "${#l[@]}" "${l[${#l[@]}-1]}"
m=(a b); echo "${m[@]/#/-}" "${m[@]/%/.txt}"
while read -r -a row; do echo "${#row[@]}:${row[1]}"; done <<'EOT'
1 2 3
a b
EOT
printf '%s\n' "${l[@]}" | sort -r
IFS=, ; echo "${l[*]}"; unset IFS
o="${l[*]:1}"; echo "$o"
if [[ " ${l[*]} " == *" two "* ]]; then echo contains; fi
declare -p l | head -c 20; echo
"#;
    export_and_readonly_arrays: r#"
export ea=(1 2); declare -p ea; env | grep -c '^ea='
readonly -a rb=(x); declare -p rb
f() { export fe=(3); readonly fr=(4); }; f; declare -p fe fr
set -- a b c; echo ${!#} "${!1-unset}"
"#;
    array_null_tests_v_and_refs: r#"
a=("" ""); echo "[${a[@]:-x}]" "[${a[*]:-y}]" "[${a[@]:+z}]"
set -- "" ""; echo "[${@:-x}]" "[${*:-y}]"
b=(1 "" 3); [[ -v b[1] ]] && echo v1; [[ -v b[5] ]] || echo nv5; [[ -v b ]] && echo vb; [[ -v b[@] ]] && echo vall
test -v 'b[2]' && echo t2
c=([1]=x); [[ -v c ]] || echo "c not set"; [[ -v c[@] ]] && echo "c[@] set"
printf -v 'b[4]' '%s-%s' p q; declare -p b
printf -v d %s hi; echo $d
read 'b[0]' <<< "read in"; declare -p b
"#;
    associative_arrays: r#"
declare -A m=([a]=1 [b]=2 [c]=3 [key]=x [foo]=y [bar]=z)
echo "${!m[@]}" "${m[@]}" ${#m[@]} "${m[foo]}" "${m[nope]-unset}"
declare -p m
m[zz]=1; unset 'm[a]'; m[b]+=0; declare -p m
k="two words"; m[$k]=tw; m["q x"]=qx; m['s q']=sq; echo "${m[two words]}" "${m[$k]}" "${m["q x"]}" "${m[s q]}"
declare -A cnt; for w in a b a c a b; do (( cnt[$w]++ )); done; declare -p cnt
for k in "${!cnt[@]}"; do echo "$k=${cnt[$k]}"; done
declare -A e; e=(); declare -p e; echo "${#e[@]}"
f() { local -A l=([x]=1); l[y]=2; declare -p l; }; f; declare -p l 2>&1
declare -A p=(k1 v1 k2 v2); declare -p p
[[ -v m[foo] ]] && echo has-foo; [[ -v m[nope] ]] || echo no-nope
printf -v 'm[pv]' %s val; echo "${m[pv]}"
echo "${m[@]:1:2}" "${!m[*]}"
m+=([new]=n); echo "${m[new]}" $(( cnt[a] * 10 ))
declare -A d; d[x]=1; d=([y]=2); declare -p d
a=(1 2); declare -A a; echo st=$?
declare -A s=5; declare -p s 2>&1
declare -A n=([a]=1 [b]=2 [c]=3); echo "${n[@]:0:2}|${n[@]:1:2}|${n[@]:2}|${n[@]:3}|${n[@]: -1}|${n[@]: -3:1}"
"#;
    associative_array_keys_order_and_unset: r#"
declare -A m
k="two words"; m[$k]=tw; m[a]=1; m["x]y"]=b; m[$(echo cs)]=c; m[' sp ']=s; m[*]=star; m[-]=dash
declare -p m
echo "${m[$k]:-d}" "${m[${k}]}" "${m["$k"]}" $(( m[a] + 1 ))
unset "m[$k]"; unset 'm[x]y]' 2>&1; declare -p m
for key in "${!m[@]}"; do unset "m[$key]"; done; declare -p m; echo "${#m[@]}"
declare -rA ro=([q]=1); declare -p ro; ro[q]=2; echo no
echo st=$?
declare -A nums=([1]=one [2]=two [10]=ten); declare -p nums; echo "${nums[1]}" "${!nums[*]}"
unset 'ro[q]'; echo st=$?
declare -A at=([a]=1 [@]=at [*]=st); unset "at[@]"; declare -p at
"#;
    declared_arrays_and_the_set_listing: r#"
a=(1 "x y"); declare -A m=([k]=v); s=plain; set | grep -E "^(a|m|s)="
declare -a c; declare -A d; declare -p c d; c+=(1); declare -p c; declare -a e; e=(); declare -p e; declare -a f; unset f; declare -p f
declare -A g; g[x]=1; declare -p g; declare -a h; h[2]=x; declare -p h
f() { local -a l; declare -p l; }; f
"#;
    array_idioms_of_scripts: r#"
arr=( $(seq 3) ); echo "${arr[@]/#/p-}"
text=$'l1\nl2 x\nl3'
IFS=$'\n' read -d '' -ra lines <<< "$text"; declare -p lines
f() { local IFS=,; echo "${arr[*]}"; }; f
declare -a acc=(); for x in a "b c"; do acc+=("$x"); done; declare -p acc; [[ ${#acc[@]} -eq 2 ]] && echo two
printf 'r1\nr2 s\n' > /tmp/nsh_t15_$$; rows=(); while IFS= read -r line; do rows+=("$line"); done < /tmp/nsh_t15_$$; declare -p rows; rm -f /tmp/nsh_t15_$$
echo "${arr[@]:(-2)}" "${arr[@]:1:$((${#arr[@]}-2))}"
(( ${#arr[@]} > 1 )) && echo many
[[ " ${arr[*]} " =~ " 2 " ]] && echo has2
for ((i=0; i<${#arr[@]}; i++)); do (( arr[i] % 2 )) && unset "arr[$i]"; done; declare -p arr
s="a:b:c"; IFS=: read -r -a parts <<< "$s"; echo "${parts[-1]}" "${#parts[@]}"
x=(); x[${#x[@]}]=a; x[${#x[@]}]=b; echo "${x[@]}"
join() { local IFS="$1"; shift; echo "$*"; }; join , "${acc[@]}"
echo "${acc[@],,}" "${acc[@]^^}" "${#acc[@]}"
set -- "${acc[@]}"; echo $#
copy=("${acc[@]}"); copy[0]=z; echo "${acc[0]} ${copy[0]}"
echo "${acc[@]:0:1}" "${acc[*]:1}"
"#;
    arrays_printed_by_type: r#"
f() {
  declare -A m=([k]=v ["a b"]=2 [$x]=3)
  a[${#a[@]}]="x y"
  b=(
    1 # one
    2
  )
  echo "${m["a b"]}" "${!m[@]}" "${a[-1]}"
}
type f
"#;
}

// Variable attributes of declare/typeset/local (src/interp/attrs.rs).
same_as_bash! {
    declare_integer: r#"
declare -i x=3+4; x+=2; echo "$x"; x=x*2; echo "$x" "${x@a}"
declare -i y; read y <<< "2*3"; echo "$y"; for y in 1+1 2*5; do echo "$y"; done
printf -v y '%s' '7<<1'; echo "$y"; ((y+=1)); echo "$y"
declare -ai a=(1+1 2*3); a+=(4+4); a[0]+=5; declare -p a; echo "${a[@]@a}"
declare -Ai m=([k]=1+1); m[k]+=3; declare -p m
q=1; declare -i q; q+=1; declare -p q
declare -i e; echo "${e-unset}"; declare -p e
declare +i x; x=1+1; echo "$x"; declare -p x
declare -i v1=10 v2=v1+1; echo "$v1 $v2"
f() { local -i n=2*3; echo "$n"; declare -p n; }; f; declare -p n
"#;
    declare_integer_errors: r#"
declare -i x
x=abc+
echo "next $?"
x=08; echo not here
echo "x=$x"
declare x=1+; echo not here
echo "after $?"
read x <<< "1+"; echo not here
for x in 1+; do echo in; done; echo not here
printf -v x '1+'; echo not here
let x=1+; echo "let $? x=$x"
(x=1+; echo not here); echo "subshell $?"
echo a | while read x; do x=1+; echo not here; done; echo "pipeline $?"
f() { x=1+; echo not here; }; f; echo not here
echo end
"#;
    declare_case: r#"
declare -l l=HeLLo; declare -u u=abc; echo "$l $u"
declare -u l; l=xY; echo "$l"; declare -p l
declare -u s=ab; s+=cd; echo "$s"; declare -l t; t+=AB; echo "$t"
declare +u s; s=MiX; echo "$s"; declare -p s
declare -l -u both=AbC; declare -p both
declare -ilrx z=5; declare -p z; echo "${z@a}"
declare -ul arr=(A b); declare -p arr
f() { local -u up=$1; echo "$up"; }; f hello; echo "${up-unset}"
x=ßaB; declare -u u=$x; declare -l l=$x; echo "$u $l ${x^^} ${x,,} ${x^}"
declare -l g; f() { local g=ABC; echo "$g"; }; f; g=DEF; echo "$g"
"#;
    declare_nameref: r#"
declare -n r=v; r=5; echo "$v" "${!r}" "${#r}" "$r"; declare -p r v; echo "${r@a}"
unset r; echo "${v-unset}"; declare -p r; unset -n r; declare -p r; echo "st=$?"
declare -n m; m=j; declare -p m; j=3; echo "$m"
declare -n p=h; echo "${p-unset}" "${p:-default}"; p+=abc; p+=def; echo "$h"
declare -n w=k; ((w++)); ((w+=5)); echo "$k"; let w*=2; echo "$k"
[[ -v w ]] && echo set; [[ -R w ]] && echo ref; test -R w && echo tref; [ -R k ] || echo notref
declare -n ra=arr; arr=(1 2 3); echo "${#ra[@]}" "${ra[1]}" "${!ra[@]}"; ra[5]=x; declare -p arr
declare -n c=o; o=1; declare +n c; declare -p c
o2=1; declare -n c2=o2; declare -i c2; c2=1+1; declare -p o2 c2
declare -n c3=o3; export c3; declare -p o3 c3
declare -n c4='e[1]'; e=(x y); echo "$c4"; c4=z; declare -p e
declare -n c5=o5; declare -a c5; declare -p c5 o5
declare -n c6=o6; declare +n c6=7; declare -p c6 o6
declare -n g1=g2 g2=g3; g3=deep; echo "$g1"; g1=set; echo "$g3"
declare -n fr; for fr in va vb; do fr=set_$fr; done; declare -p fr va vb
for fr in 1a; do echo in; done; echo "st=$?"
declare -A am=([a]=1 [b]=2); declare -n ram=am; unset 'ram[a]'; declare -p am
ax=(1 2 3); declare -n rax=ax; unset 'rax[1]'; declare -p ax; unset 'rax[@]'; declare -p ax
declare -n rv=nv; rv[0]=x; declare -p nv; [[ -v rv[0] ]] && echo set0; [[ -v rv[1] ]] || echo unset1
declare -n r3=v3; v3=(a b); echo "${r3[*]}" "${#r3}" "${r3[@]/a/x}" "${!r3}"
declare -n unset_ref; echo "[${!unset_ref}]"; echo "not here"
echo "next line"
declare -n rr=w; read -r rr <<< "line"; printf -v rr '%s!' "$w"; echo "$w"; mapfile -t rr <<< $'a\nb'; declare -p w
declare -i foo1; declare -a foo3; foo2=x; echo ${!foo*}
"#;
    declare_nameref_errors: r#"
declare -n r=r; echo "st=$?"
declare -n r=1a; echo "st=$?"
declare -n r=''; echo "st=$?"
x=1; declare -n x; echo "st=$?"; declare -p x
declare -a arr=(1); declare -n arr; echo "st=$?"; declare -p arr
declare -r ro=1; declare -n ro=v; echo "st=$?"
declare -n a=b b=a; echo "[$a]"
a=1; echo "st=$?"
"#;
    declare_nameref_in_functions: r#"
f() { local -n out=$1; out=value; }
f result; echo "$result"
g() { local -n arr=$1; echo "${#arr[@]}" "${arr[@]}"; arr+=(x); }
list=(1 2); g list; declare -p list
h() { local -n out=$1; out=(x "y z"); }
h res; declare -p res
k() { local -n ref=$1; ref[2]=c; echo "${ref[@]}" "${#ref}" "${!ref}"; }
ar=(a b); k ar; declare -p ar
declare -A as=([k]=v)
m() { local -n aref=$1; aref[n]=w; echo "${!aref[@]}"; }; m as; declare -p as
n() { local -n r=$1; unset r; }; victim=1; n victim; echo "${victim-gone}"
s() { local -n r=$1; local -i r2=5; declare -p r r2; }; s target; declare -p r 2>&1
swap() { local -n sa=$1 sb=$2; local t=$sa; sa=$sb; sb=$t; }; A=1 B=2; swap A B; echo "$A $B"
"#;
    declare_functions: r#"
f() { echo hi; }; g(){ :; }
declare -f; declare -F; declare -F f; echo "st=$?"
declare -F nope; echo "st=$?"; declare -f f nope; echo "st=$?"
declare -F f >/dev/null && echo has f
declare -F nope >/dev/null || echo no nope
typeset -f g; typeset -F g; declare -pf f
declare -Fx
"#;
    declare_options_and_listing: r#"
declare -t t=1; declare -p t; echo "${t@a}"
declare -z x; echo "st=$?"
typeset -z x; echo "st=$?"
f() { local -z x; echo "st=$?"; }; f
declare +x q=1; declare -p q
x=1; declare -i i=2; declare -a a=(1 '2 3'); declare -u u=ab; declare -n nr=x; declare unset_one
declare | grep -E '^(x|i|a|u|nr|unset_one)='
declare -pi | grep ' i='; declare -ia; echo "st=$?"
declare -n; declare -pu; declare -a | grep ' a='
declare +x | grep -E '^(x|i)='
set | grep -E '^(x|unset_one)'
f() { local a=1 b; local -i c=2; local -x d=1; local; echo --; local -i; echo --; local +x; }; f
declare -p UID EUID OPTIND; OPTIND=1+1; echo "$OPTIND"
declare -i ti=1; f() { declare -p ti; ti=3+3; declare -p ti; }; ti=2+3 f; declare -p ti
declare -u tu=A; tu=bcd eval 'echo $tu'; declare -p tu
declare -n tr=tv; tr=tmp eval 'declare -p tr tv'; declare -p tv; tr=tmp sh -c 'echo "$tv"'
declare -i tx; export tx=1+1; readonly tz; declare -i tz; readonly tz=2*3; declare -p tx tz
declare -r ro=1; declare +r ro; echo "st=$?"
declare -x ex=1; declare +x ex; declare -p ex; env | grep '^ex=' || echo notexp
declare -a arr; declare +a arr; echo "st=$?"; declare -A as; declare +A as; echo "st=$?"
declare +a s; echo "st=$?"; declare -p s
set | grep -E '^IFS='; x=$'a\tb' y=$'\e[0m' z="it's"; set | grep -E '^[xyz]='
set -x; declare -i t=1+1; t+=2; set +x
"#;
}

// Extended glob patterns (`shopt -s extglob`) and `globstar`. bash parses a
// script a line at a time, so `shopt -s extglob` acts from the next line.
same_as_bash! {
    extglob_matching_in_case_and_cond: r#"
shopt -s extglob
for w in a ab abab aba "" b abc; do
  r=
  case $w in *(ab)) r+=" star";; esac
  case $w in +(ab)) r+=" plus";; esac
  case $w in ?(ab)) r+=" opt";; esac
  case $w in @(ab|b)) r+=" at";; esac
  case $w in !(ab)) r+=" not";; esac
  case $w in a!(b)) r+=" a-not-b";; esac
  case $w in @(a@(b|x)c)) r+=" nested";; esac
  echo "[$w]$r"
done
[[ foo.txt == !(*.md) ]] && echo notmd; [[ foo.md == !(*.md) ]] || echo ismd
[[ abcabc == @(a@(b|x)c)+(abc) ]] && echo nested2
[[ ab == a!(b) ]] || echo 'a!(b) misses ab'
[[ x == @([xy]|z) ]] && echo class
[[ 'a|b' == @(a\|b) ]] && echo escaped-bar
[[ aXb == a@(x)b ]] || echo case-sensitive
shopt -s nocasematch; [[ aXb == a@(x)b ]] && echo nocasematch; shopt -u nocasematch
p='@(q|r)'; [[ r == $p ]] && echo unquoted-var; [[ r == "$p" ]] || echo quoted-var
case 'b|c' in @(a|"b|c")) echo quoted-bar;; esac
case b in @(a|"b|c")) echo wrong;; *) echo quoted-bar-literal;; esac
case 'x)' in @(a|"x)")) echo quoted-paren;; esac
case @\(a\) in "@(a)") echo literal;; esac
x='@(a|b)'; case a in "$x") echo wrong;; $x) echo pattern-from-var;; esac
"#;
    extglob_in_cond_without_shopt: r#"
shopt extglob
[[ abc == a@(b|x)c ]] && echo y1
[[ abc == a@(b c|x)c ]] || echo n1
x=abbbc; [[ $x == a+(b)c && $x != a?(b)c ]] && echo y2
[[ !(a == b) ]] && echo bang-group
"#;
    extglob_in_parameter_patterns: r#"
x=/usr/local/bin; v=hello; y=aaab
echo "${x#@(/usr|/opt)}" "${v/@(l|h)/_}"
shopt -s extglob
echo "${x##*/}" "${x#@(/usr|/opt)}" "${x%%+(/bin)}" "${x//@(u|o)/_}"
echo "${y##*(a)}" "${y#+(a)}" "[${y%%!(a)}]" "${y%?(b)}" "${v//+(l)/L}" "${v/#@(he|x)/>}"
# bash's quirks: a `*` followed by more pattern leaves it a non-empty
# rest; `/` and `//` try an empty match only with a pattern starting
# with `*`, and copy a character after one.
for v in hello "" aab abcabc; do
  echo "[$v] ${v/%!(*o)/<} ${v/#!(h*)/>} ${v//!(x)/<} ${v/%?(z)/<} ${v//+(a|b)/_} ${v/#?(a)/^}"
  echo "  ${v/!(*)/-} ${v//?(b)/.} ${v//*(a)/:} ${v%!(*o)} ${v%%!(a)} ${v#!(h)} ${v##+(a)} ${v#*(a)b}"
done
for p in '*?(x)' '*!(*o)' '*@(|x)' '*!(x)' 'h*!(*o)' '*+(o)!(*o)' '*?(x)!(*o)' '*(a|b)c' '?(a)?(b)'; do
  r=; for t in hello "" a ab abc; do [[ $t == $p ]] && r+=" y" || r+=" n"; done; echo "$p:$r"
done
v=; echo "[${v//*/x}] [${v/#*/x}] [${v/%*/x}] [${v/*/x}]"
"#;
    extglob_pathname_expansion: r#"
cd "$(mktemp -d)"; d=$PWD
mkdir -p sub/deeper; touch a.txt b.md c.sh .hid sub/x.txt sub/deeper/y.md 'x@(a)'
echo @(a|b).* "!(x)" '*(q)'
shopt -s extglob
echo *.@(txt|md) / !(*.txt) / +([a-c]).* / sub/*/@(y|z).* / @(nomatch)
shopt -s dotglob; echo !(*.*); shopt -u dotglob
# A leading `.` inside the alternatives is explicit (bash 5.2).
touch .other; echo @(.hid|a.txt) / ?(.)hid / @(.hid|*) / +(.)* / ?(a|.o*) / @(@(.h*)|*) / !(a*)
shopt -s nocaseglob; touch A.TXT; echo @(a).txt / +(A).@(txt); shopt -u nocaseglob
shopt -s nullglob; echo [@(nomatch)]; shopt -u nullglob
shopt -u extglob
p='x@(a)'; echo $p; shopt -s nullglob; q='x@(b)'; echo "[$q]" $q; shopt -u nullglob
shopt -s failglob; echo $q; echo "st=$?"
cd /; rm -rf "$d"
"#;
    globstar_matches_directories_recursively: r#"
cd "$(mktemp -d)"; d=$PWD
mkdir -p d/e/f g .h; touch a.txt b.md d/x.txt d/e/y.txt d/e/f/z.md .h/q.txt g/.hidden
echo **/*.txt
shopt -s globstar
echo **
echo **/
echo **/*.txt
echo d/**
echo d/**/*.md
echo d/**/
echo **/e ./**/*.md **/nothing ***/y.txt
ln -s d link; ln -s ../g d/e/l2; echo **/l2 link/** **/f
shopt -s dotglob; echo **/*.txt; echo **; shopt -u dotglob
shopt -s extglob; echo **/@(y|z).*
cd /; rm -rf "$d"
"#;
    extglob_off_is_a_syntax_error_on_its_line: r#"
echo before
case abc in a@(b|x)c) echo yes;; esac
echo after
"#;
    extglob_off_in_a_compound_command: r#"
echo before
if true; then
  shopt -s extglob
  echo @(x)
fi
echo after
"#;
    extglob_off_on_the_line_of_the_shopt: r#"
echo before; shopt -s extglob; echo @(a|b c)
echo after
"#;
    extglob_on_from_the_next_line: r#"
shopt -s extglob
echo @(a|b c) x+(y|z)
case abc in a@(b|x)c) echo yes;; esac
f() { case $1 in @(a|b)) echo "$1: ab";; *) echo "$1: other";; esac; }
shopt -u extglob
f a; f c
echo "${x:-@(a)}"
eval 'echo @(e)'; echo "eval st=$?"
eval $'shopt -s extglob\necho @(e2)'; echo "eval st=$?"
"#;
    extglob_patterns_in_other_places: r#"
shopt -s extglob
case b in (@(a|b)) echo p1;; esac
case b in @(a|
b)) echo p2;; esac
echo "$(case z in +(z)) echo p3;; esac)"
[[ b == @(a|
b) ]] || echo p4
x=a; case $x in @($x|"b")) echo p5;; esac
cd "$(mktemp -d)"; d=$PWD
a=@(x|y); echo "$a"; echo >@(o) hi; cat ./@\(o\); cd /; rm -rf "$d"
trap 'echo @(trap)' EXIT
"#;
    // bash parses backticks when it runs them.
    extglob_in_backticks_is_read_when_run: r#"
shopt -s extglob; echo `echo @(a|b)` "`case ab in a@(x|b)) echo m;; esac`"
"#;
    extglob_off_in_a_sourced_file: r#"
cd "$(mktemp -d)"; d=$PWD
printf 'echo s1\necho @(x)\necho s3\n' > lib.sh
. ./lib.sh; echo "source st=$?"
printf 'shopt -s extglob\ng() { [[ $1 == +(a) ]] && echo aaa; case $1 in +(a)) echo case;; esac; }\n' > lib.sh
. ./lib.sh; g aa
cd /; rm -rf "$d"
"#;
}

// `select` and `coproc` (bash's execute_select_command / execute_coproc).
same_as_bash! {
    select_menu_reply_and_status: r#"
printf '2\n\n9\nx\n1\n' | { select x in a b c; do echo "[$REPLY][$x]"; [ "$x" = a ] && break; done; echo "st=$?"; }
printf ' 2 \n-1\n+3\n\\x\n' | { select x in a b c; do echo "[$REPLY][$x]"; done; echo "st=$?"; }
printf '1\n\n2\n' | { PS3='pick> '; set -- p q; select x; do continue; echo no; done; echo "st=$?"; }
echo 1 | { select x in; do echo never; done; echo "st=$?"; }
printf '3' | { select x in a b c; do echo "$x"; done; echo "st=$?"; }
printf '3\n1\n' | { select x in a b c; do select y in d e; do echo "$x$y"; break 2; done; done; echo "st=$?"; }
readonly r; echo 1 | { select r in a; do echo in; done; echo "st=$?"; }
echo 1 | select x in a b
do echo "nl $x"; break; done
"#;
    select_menu_columns: r#"
printf '1\n' | { COLUMNS=20; select x in a bb ccc dddd e f g h i j k l; do break; done; }
printf '1\n' | { unset COLUMNS; select x in $(seq 1 30) averyveryverylongword; do break; done; }
printf '1\n' | { COLUMNS=0; select x in a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii jj kk ll mm; do break; done; }
printf '1\n' | { COLUMNS='10x'; select x in a bb ccc dddd e f g h i j k l; do break; done; }
printf '1\n' | { COLUMNS=200; select x in $(seq 1 150); do break; done; }
"#;
    select_printed_traced_and_debug_trap: r#"
f() { select x in a "b c" $(echo d e); do echo; done; }; type f
f() { select x; do echo; done; }; type f
f() { select x do echo; done; }; type f
f() { select x in a; { echo; } }; type f
printf '1\n2\n' | { set -x; select x in a "b c" $(echo d); do echo "$x"; done; set +x; } 2>&1
printf '1\n\n2\n' | { trap 'echo "D:$BASH_COMMAND" >&2' DEBUG; select x in a b; do continue; done; trap - DEBUG; } 2>&1
"#;
    coproc_pipes_variables_and_wait: r#"
coproc cat
echo "${COPROC[@]}" "$([ "$!" = "$COPROC_PID" ] && echo bang)"
echo hi >&"${COPROC[1]}"
read -r line <&"${COPROC[0]}"
echo "$line"
ls /proc/self/fd | tr "\n" " "; echo
( ls /proc/$BASHPID/fd | tr "\n" " " ); echo
exec {COPROC[0]}<&-
echo "${COPROC[@]}"
p=$COPROC_PID
exec {COPROC[1]}>&-
wait $p; echo "st=$?" "[${COPROC[@]}]" "[$COPROC_PID]"
coproc NAME { read -r a; echo "got $a"; exit 3; }
p=$NAME_PID
echo "${NAME[@]}"
echo x >&"${NAME[1]}"
read -r b <&"${NAME[0]}"; echo "$b"
wait "$p"; echo "st=$?"
coproc X echo a b; read -r c <&"${COPROC[0]}"; echo "$c"; wait
coproc 1x { :; }; echo "st=$?"
"#;
    coproc_still_exists_warning_and_type: r#"
f() { coproc cat; coproc X { cat; }; coproc Y (cat); coproc cat >/dev/null 2>&1; coproc { cat; } 2>/dev/null; coproc W while :; do :; done; coproc X if true; then :; fi; coproc [[ 1 ]]; coproc X ((1)); }
type f
t=$(mktemp)
coproc A { read -r x; }
{ coproc B { read -r x; }; } 2>"$t"
sed 's/\[[0-9]*:/[N:/' "$t"; rm -f "$t"
echo "${A[@]}" "${B[@]}"
echo x >&"${A[1]}"; echo x >&"${B[1]}"; wait
echo "${A[@]}" "[${B[@]}]"
"#;
}

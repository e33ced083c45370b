unset u; e=; v=value
echo "${u-d1}" "${u:-d2}" "${e-d3}" "${e:-d4}" "${v:+alt}" "${u:+alt}"
echo ${#v} ${v#v} ${v##*a} ${v%e} ${v%%a*}
path=/usr/local/bin/tool.tar.gz; echo ${path##*/} ${path%/*} ${path%%.*} ${path#*.}
: ${w:=assigned}; echo $w
set -- one "two three" four; echo $# "$1" "$2" ${3}
for a in "$@"; do echo "[$a]"; done
for a in $@; do echo "<$a>"; done
for a in "$*"; do echo "{$a}"; done
shift; echo $# "$@"; shift 2; echo $#
echo $0 | grep -c t.sh

#!/bin/bash
# Benchmark (not a test): a 10,000-line script of builtins only (no network,
# no root needed), run by bash and by nsh, and parsed only (`-n`) by each.
#
#   scripts/bench/builtins.sh NSH [LINES]
#
# The script mixes, line by line: an assignment, `$((…))`, `if [ … ]; then
# …; fi`, a `case`, `printf -v` and `${#x}`. Prints the median of REPS
# (env, default 20) runs of each, in ms, the runs of the four alternating.
set -eu
NSH=$(realpath "$1")
LINES=${2:-10000}
REPS=${REPS:-20}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
S="$D/builtins.sh"
{
  echo 'i=0'
  echo 'total=0'
  for ((k = 1; k <= LINES - 3; k++)); do
    case $((k % 6)) in
      0) echo "x$((k % 50))=$k" ;;
      1) echo "total=\$((total + $k % 7))" ;;
      2) echo "if [ \"\$total\" -gt $k ]; then i=\$((i+1)); fi" ;;
      3) echo "case \"x$((k % 5))\" in x1) y=one ;; x2|x3) y=two ;; *) y=other ;; esac" ;;
      4) echo "printf -v s \"%s-%d\" \"\$y\" $k" ;;
      5) echo "name=\"host$k\"; len=\${#name}" ;;
    esac
  done
  echo 'echo "$i $total $y $s $len"'
} >"$S"

if [ "$(bash "$S")" != "$("$NSH" "$S")" ]; then
  echo "bash and nsh disagree on $S" >&2
  exit 1
fi

# The runs alternate (each repetition runs the four, in rotating order):
# this machine's speed drifts, and blocks of runs of one runner would
# measure the drift.
runners=(bash nsh 'bash -n' 'nsh -n')
run() { # runner index → the command's wall time in µs
  local s e
  s=$(date +%s%N)
  case $1 in
    0) bash "$S" ;;
    1) "$NSH" "$S" ;;
    2) bash -n "$S" ;;
    3) "$NSH" -n "$S" ;;
  esac >/dev/null
  e=$(date +%s%N)
  echo $(((e - s) / 1000))
}
for ((k = 0; k < REPS; k++)); do
  for ((j = 0; j < 4; j++)); do
    r=$(((j + k) % 4))
    run "$r" >>"$D/t$r"
  done
done
median() { # file of µs → median in ms
  sort -n "$1" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}'
}

echo "$(wc -l <"$S") lines, $(wc -c <"$S") bytes"
printf '%-12s %8s\n' runner ms
for r in 0 1 2 3; do
  printf '%-12s %8s\n' "${runners[$r]}" "$(median "$D/t$r")"
done

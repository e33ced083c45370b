#!/bin/bash
# netns-bench.sh [NSH] [COUNTS…]: create and delete N named namespaces, each
# with a veth pair (one end inside, both up), as one generated script run by
# bash + iproute2 and by nsh, each in a fresh sandbox (network + mount
# namespace, private /run), alternating, 3 runs each; prints the medians and
# bash/nsh per N, so the growth with N shows. Needs root. Nothing is sent.
#   sudo scripts/bench/netns-bench.sh target/release/nsh 50 100 200
set -eu
NSH=${1:-nsh}
shift || true
COUNTS=${*:-50 100 200}
NSH=$(command -v "$NSH" || echo "$NSH")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen() { # N -> script on stdout
  local i
  for i in $(seq 1 "$1"); do
    echo "ip netns add b$i"
    echo "ip link add v$i type veth peer name e$i netns b$i"
    echo "ip -n b$i link set e$i up"
    echo "ip link set v$i up"
  done
  for i in $(seq 1 "$1"); do
    echo "ip link del v$i"
    echo "ip netns del b$i"
  done
}

run() { # RUNNER SCRIPT -> seconds
  unshare --net --mount --propagation private --fork -- sh -c '
    mount -t tmpfs -o mode=755 nsh-bench /run && mkdir /run/netns
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))' sh "$@"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%6s %10s %10s %9s\n' N "bash ms" "nsh ms" bash/nsh
for n in $COUNTS; do
  gen "$n" >"$work/s$n.sh"
  : >"$work/b"; : >"$work/n"
  for _ in 1 2 3; do
    run bash "$work/s$n.sh" >>"$work/b"
    run "$NSH" "$work/s$n.sh" >>"$work/n"
  done
  b=$(median <"$work/b"); m=$(median <"$work/n")
  printf '%6s %10s %10s %9s\n' "$n" "$b" "$m" "$(awk -v b="$b" -v m="$m" 'BEGIN {printf "%.1f", b / (m > 0 ? m : 1)}')"
done

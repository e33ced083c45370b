#!/bin/bash
# Benchmark (not a test): M `iptables -A` lines in one script, three ways,
# each in a fresh throwaway network namespace (run as root):
#   bash running the script with the real iptables-nft (one process and one
#   nf_tables transaction per line), nsh running the same script (native,
#   consecutive commands committed as one transaction), and one
#   `iptables-restore` of the same rules.
#
#   scripts/bench/iptables-lines.sh NSH [M ...]     (default M: 100 1000 5000 20000)
#
# Prints, for each M, the median of REPS runs (env, default 5) of each
# runner in ms, and the ratios; bash is skipped above BASH_MAX (default
# 5000) rules, where its quadratic cost makes a run take minutes.
set -eu
NSH=$(realpath "$1")
shift
SIZES=${*:-100 1000 5000 20000}
REPS=${REPS:-5}
BASH_MAX=${BASH_MAX:-5000}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

gen() { # M → $D/rules.sh and $D/rules.restore
  local m=$1 j
  : >"$D/rules.sh"
  printf '*filter\n' >"$D/rules.restore"
  for ((j = 0; j < m; j++)); do
    r="-A FORWARD -s 10.$((j / 250 % 250)).$((j % 250)).0/24 -i veth$((j % 7)) -p tcp --dport $((1000 + j % 60000)) -m state --state NEW,ESTABLISHED -j ACCEPT"
    echo "iptables $r" >>"$D/rules.sh"
    echo "$r" >>"$D/rules.restore"
  done
  echo COMMIT >>"$D/rules.restore"
}

# One timed run in a fresh sandbox: prints milliseconds.
run() { # bash|nsh|restore
  unshare --net --mount --propagation private --fork bash -c '
    s=$(date +%s%N)
    case $1 in
      bash) bash "$2/rules.sh" ;;
      nsh) "$3" "$2/rules.sh" ;;
      restore) iptables-restore <"$2/rules.restore" ;;
    esac
    e=$(date +%s%N)
    n=$(iptables -S FORWARD | wc -l)
    echo "$(( (e - s) / 1000000 )) $n"' _ "$1" "$D" "$NSH"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%8s %10s %10s %10s %9s %12s\n' M bash_ms nsh_ms restore_ms bash/nsh nsh/restore
for m in $SIZES; do
  gen "$m"
  runners="nsh restore"
  [ "$m" -le "$BASH_MAX" ] && runners="bash nsh restore"
  declare -A t=()
  for r in $runners; do : >"$D/t.$r"; done
  for ((k = 0; k < REPS; k++)); do
    # Each rep starts with another runner, and each run waits for the
    # kernel to finish tearing down the previous sandbox (a namespace
    # with thousands of rules is freed by a workqueue, on the other core).
    order=$(echo $runners | tr ' ' '\n' | awk -v k="$k" '{a[NR]=$0} END {for (i = 0; i < NR; i++) print a[(i + k) % NR + 1]}')
    for r in $order; do
      sleep 1
      read -r ms n < <(run "$r")
      if [ "$n" -ne $((m + 1)) ]; then
        echo "$r: $n rules listed, expected $((m + 1))" >&2
        exit 1
      fi
      echo "$ms" >>"$D/t.$r"
    done
  done
  for r in $runners; do t[$r]=$(median <"$D/t.$r"); done
  b=${t[bash]:-}
  printf '%8s %10s %10s %10s %9s %12s\n' "$m" "${b:--}" "${t[nsh]}" "${t[restore]}" \
    "$([ -n "$b" ] && awk -v a="$b" -v b="${t[nsh]}" 'BEGIN {printf "%.1f", a / b}' || echo -)" \
    "$(awk -v a="${t[nsh]}" -v b="${t[restore]}" 'BEGIN {printf "%.2f", a / b}')"
  unset t
done

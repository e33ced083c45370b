#!/bin/bash
# Benchmark (not a test): 2,000 `ip link add/set` and `ip addr add` commands
# from one script. Run it inside a throwaway namespace, e.g.
#
#   unshare --net --mount --propagation private --fork \
#     bash -c 'mount -t tmpfs t /run; time bash scripts/bench/ip-links.sh'
#   unshare … bash -c 'mount -t tmpfs t /run; time IP="$NSHBIN/ip" bash scripts/bench/ip-links.sh'
#   unshare … bash -c 'mount -t tmpfs t /run; time nsh scripts/bench/ip-links.sh'
#
# `IP` selects the ip command (default: `ip`, i.e. the real iproute2 under
# bash, nsh's native one when the script runs under nsh).
IP=${IP:-ip}
set -e
n=0
for i in $(seq 1 250); do
  $IP link add b$i type veth peer name c$i          # 1
  $IP link set b$i up                               # 2
  $IP link set c$i up                               # 3
  $IP link set b$i mtu 1400                         # 4
  $IP link set c$i alias "peer of b$i"              # 5
  $IP addr add 10.$((i / 250)).$((i % 250)).1/24 dev b$i   # 6
  $IP link set b$i down                             # 7
  $IP link del b$i                                  # 8
  n=$((n + 8))
done
echo "$n commands"

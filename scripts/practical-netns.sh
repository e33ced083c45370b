#!/usr/bin/env -S nsh --sandbox
# "Practical intro to Linux network namespaces" (shared/seeds/003): nodes in
# anonymous namespaces reached by PID, first two linked directly, then three
# on a bridge, then NAT to "the Internet".
#
# Run it as `nsh --sandbox scripts/practical-netns.sh` (same results under
# bash: `unshare --net --mount --propagation private --fork bash scripts/practical-netns.sh`).
# Adaptations: each `unshare -U -r -n /bin/bash` node is a background
# `unshare -n sleep` whose PID names its namespace (`ip link … netns PID`),
# and `ip netns attach NODE PID` gives it a name so that commands typed "inside"
# become `ip netns exec NODE …`; $OUTPUT_IFACE is eth0 and 8.8.8.8 is
# $INTERNET from lib/world.sh; pings use -c 2 -i 0.2.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. lib/world.sh
OUTPUT_IFACE=eth0

# The tutorial runs as a user with sudo; as root without sudo installed,
# sudo just runs the command.
if [ "$(id -u)" = 0 ] && ! command -v sudo >/dev/null 2>&1; then
  sudo() { "$@"; }
fi

PIDS=""
trap 'kill $PIDS 2>/dev/null' EXIT
# start_node NAME: an anonymous network namespace held by a sleeping process,
# attached under NAME. Sets NODE_PID.
start_node() {
  unshare --net sleep 1000 &
  NODE_PID=$!
  PIDS="$PIDS $NODE_PID"
  # wait until the process is in its new namespace
  while [ "$(readlink /proc/$NODE_PID/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
    sleep 0.05
  done
  ip netns attach $1 $NODE_PID
}

echo "## Two directly linked nodes"
start_node node1
PID1=$NODE_PID
start_node node2
PID2=$NODE_PID
ip netns exec node1 ip link add name veth0 type veth peer name veth1 netns $PID2
ip netns exec node1 ip link
ip netns exec node2 ip link
ip netns exec node1 ip link set up dev veth0
ip netns exec node1 ip addr add 10.0.2.1/24 brd 10.0.2.255 dev veth0
ip netns exec node1 ip link set up dev lo
ip netns exec node2 ip link set up dev veth1
ip netns exec node2 ip addr add 10.0.2.2/24 brd 10.0.2.255 dev veth1
ip netns exec node2 ip link set up dev lo
ip netns exec node1 ping -c 2 -i 0.2 10.0.2.2
ip netns exec node2 ping -c 2 -i 0.2 10.0.2.1

echo "## Several connected nodes"
sudo brctl addbr virbr100500
sudo ip link set up dev virbr100500
start_node node3
PID3=$NODE_PID
start_node node4
PID4=$NODE_PID
start_node node5
PID5=$NODE_PID
sudo ip link add name veth0 type veth peer name veth1 netns $PID3
sudo brctl addif virbr100500 veth0
sudo ip link set up veth0
sudo ip link add name veth2 type veth peer name veth3 netns $PID4
sudo brctl addif virbr100500 veth2
sudo ip link set up veth2
sudo ip link add name veth4 type veth peer name veth5 netns $PID5
sudo brctl addif virbr100500 veth4
sudo ip link set up veth4
ip netns exec node3 ip addr add 10.0.2.1/24 brd 10.0.2.255 dev veth1
ip netns exec node3 ip link set up dev veth1
ip netns exec node4 ip addr add 10.0.2.2/24 brd 10.0.2.255 dev veth3
ip netns exec node4 ip link set up dev veth3
ip netns exec node5 ip addr add 10.0.2.3/24 brd 10.0.2.255 dev veth5
ip netns exec node5 ip link set up dev veth5
for node in node3 node4 node5; do ip netns exec $node ip link set up dev lo; done
ip netns exec node3 ping -c 2 -i 0.2 10.0.2.2
ip netns exec node3 ping -c 2 -i 0.2 10.0.2.3
for addr in 10.0.2.1 10.0.2.2 10.0.2.3; do ip netns exec node3 ping -c 2 -i 0.2 $addr; done
brctl show

echo "## Connecting namespaces to the Internet"
sudo sysctl -w net.ipv4.ip_forward=1
sudo ip addr add 10.0.2.254/24 brd 10.0.2.255 dev virbr100500
sudo iptables -A FORWARD -i virbr100500 -j ACCEPT
sudo iptables -t nat -A POSTROUTING -o $OUTPUT_IFACE -s 10.0.2.0/24 -j MASQUERADE
ip netns exec node3 ip route add default via 10.0.2.254 dev veth1
ip netns exec node4 ip route add default via 10.0.2.254 dev veth3
ip netns exec node5 ip route add default via 10.0.2.254 dev veth5
for node in node3 node4 node5; do ip netns exec $node ping -c 2 -i 0.2 $INTERNET; done

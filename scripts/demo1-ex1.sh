#!/usr/bin/env -S nsh --sandbox
# Linux namespaces demo, part 1: basic namespace setup.
# From the tutorial in shared/seeds/000 ("Linux namespaces demo"), file
# demo1-ex1.sh: two namespaces on one Linux bridge, able to talk.
#
# Run it as `nsh --sandbox scripts/demo1-ex1.sh`: everything it creates lives
# in a throwaway network + mount namespace. It gives the same results under
# bash with the real tools: `unshare --net --mount --propagation private
# --fork bash scripts/demo1-ex1.sh`.
#
# Adaptations: the host's public interface and the remote world are a veth
# pair and a namespace made by lib/world.sh (nothing leaves the machine);
# pings use -i 0.2 to keep the run short.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. lib/world.sh

echo "## Create bridge"
ip link add br0 type bridge
ip link show br0

echo "## Create namespaces"
ip netns add ns1
ip netns add ns2
ip netns

echo "## Create veth devices"
ip link add ns1-ext type veth peer name ns1-int netns ns1
ip link add ns2-ext type veth peer name ns2-int netns ns2
ip link show type veth
ip -n ns1 link show type veth
ip -n ns2 link show type veth

echo "## Add vif devices to bridge"
ip link set master br0 dev ns1-ext
ip link set master br0 dev ns2-ext
ip link show master br0

echo "## Assign addresses to internal interfaces"
ip -n ns1 addr add 192.168.255.11/24 dev ns1-int
ip -n ns2 addr add 192.168.255.12/24 dev ns2-int
ip -n ns1 addr show
ip -n ns2 addr show

echo "## Show communication between namespaces (fails: interfaces are down)"
ip netns exec ns1 ping -c2 -i 0.2 192.168.255.12
ip netns exec ns2 ping -c2 -i 0.2 192.168.255.11

echo "## Bring up the interfaces"
ip link set br0 up
ip link set ns1-ext up
ip link set ns2-ext up
ip -n ns1 link set lo up
ip -n ns1 link set ns1-int up
ip -n ns2 link set lo up
ip -n ns2 link set ns2-int up

echo "## Retry ping"
ip netns exec ns1 ping -c2 -i 0.2 192.168.255.12
ip netns exec ns2 ping -c2 -i 0.2 192.168.255.11

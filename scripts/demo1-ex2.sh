#!/usr/bin/env -S nsh --sandbox
# Linux namespaces demo, part 2: communication with the host.
# From shared/seeds/000, file demo1-ex2.sh. Builds on demo1-ex1.sh, which it
# runs first. Run as `nsh --sandbox scripts/demo1-ex2.sh` (see demo1-ex1.sh).
# Adaptation: node1-pub is $NODE1_PUB, the address lib/world.sh gives eth0.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. ./demo1-ex1.sh

echo "## Show failure to communicate with host"
ip netns exec ns1 ping -c2 -i 0.2 $NODE1_PUB

echo "## Add address to bridge"
ip addr add 192.168.255.1/24 dev br0
ip -4 addr show br0

echo "## Add default route to namespaces"
ip -n ns1 route add default via 192.168.255.1
ip -n ns2 route add default via 192.168.255.1
ip -n ns1 route
ip -n ns2 route

echo "## Show successful communication with host"
ip netns exec ns1 ping -c2 -i 0.2 $NODE1_PUB

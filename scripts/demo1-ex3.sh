#!/usr/bin/env -S nsh --sandbox
# Linux namespaces demo, part 3: communicating with remote services.
# From shared/seeds/000, file demo1-ex3.sh. Builds on demo1-ex2.sh.
# Run as `nsh --sandbox scripts/demo1-ex3.sh` (see demo1-ex1.sh).
# Adaptation: 8.8.8.8 is $INTERNET, an address of the sandbox's own "remote"
# namespace (lib/world.sh); tcpdump is not used.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. ./demo1-ex2.sh

echo "## Show failure to communicate with remote address"
ip netns exec ns1 ping -c2 -i 0.2 -W 1 $INTERNET

echo "## Enable ip forwarding"
sysctl -w net.ipv4.ip_forward=1

echo "## Still no answer: the remote side has no route back to 192.168.255.0/24"
ip netns exec ns1 ping -c2 -i 0.2 -W 1 $INTERNET

echo "## Add masquerade rules on host"
iptables -t nat -A POSTROUTING -s 192.168.255.0/24 -j MASQUERADE
iptables -t nat -S

echo "## Show successful communication with remote address"
ip netns exec ns1 ping -c2 -i 0.2 $INTERNET

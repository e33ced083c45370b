#!/usr/bin/env -S nsh --sandbox
# Network namespaces red and blue (shared/seeds/004): a direct veth "cable",
# then a bridge v-net-0 for four namespaces, the host as gateway, NAT to the
# outside world and a port forward into blue.
#
# Run it as `nsh --sandbox scripts/red-blue.sh` (same results under bash:
# `unshare --net --mount --propagation private --fork bash scripts/red-blue.sh`).
# Adaptations: the LAN host 192.168.1.3 and 8.8.8.8 are addresses of the
# sandbox's own namespace "remote" (lib/world.sh: the host is 192.168.121.67
# there, the LAN 192.168.121.0/24, $INTERNET stands for 8.8.8.8); `arp` and
# `route` (net-tools) are shown with `ip neigh` / `ip route`; pings use -c 2;
# the tutorial's port-forward rule puts --dport before -p tcp, which iptables
# rejects (unknown option "--dport"): here -p tcp comes first.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. lib/world.sh
LAN_HOST=$REMOTE

echo "## Create the namespaces"
ip netns add red
ip netns add blue
ip netns
ip netns exec red ip link
ip -n red link
ip netns exec red ip neigh
ip netns exec red ip route

echo "## A cable between red and blue"
ip link add veth-red type veth peer name veth-blue
ip link set veth-red netns red
ip link set veth-blue netns blue
ip -n red addr add 192.168.15.1 dev veth-red
ip -n blue addr add 192.168.15.2 dev veth-blue
ip -n red link set veth-red up
ip -n blue link set veth-blue up
ip -n red route add 192.168.15.2 dev veth-red
ip -n blue route add 192.168.15.1 dev veth-blue
ip netns exec red ping -c 2 -i 0.2 192.168.15.2
ip netns exec red ip neigh
ip netns exec blue ip neigh

echo "## A virtual switch: the Linux bridge v-net-0"
ip link add v-net-0 type bridge
ip link set dev v-net-0 up
ip -n red link del veth-red
ip link add veth-red type veth peer name veth-red-br
ip link add veth-blue type veth peer name veth-blue-br
ip link set veth-red netns red
ip link set veth-red-br master v-net-0
ip link set veth-blue netns blue
ip link set veth-blue-br master v-net-0
ip link set veth-red-br up
ip link set veth-blue-br up
ip -n red addr add 192.168.15.1/24 dev veth-red
ip -n blue addr add 192.168.15.2/24 dev veth-blue
ip -n red link set veth-red up
ip -n blue link set veth-blue up
ip netns exec red ping -c 2 -i 0.2 192.168.15.2

echo "## The host reaches the namespaces once the bridge has an address"
ping -c 2 -i 0.2 192.168.15.1
ip addr add 192.168.15.5/24 dev v-net-0
ping -c 2 -i 0.2 192.168.15.1

echo "## The host as gateway to the LAN"
ip netns exec blue ping -c 2 -i 0.2 $LAN_HOST
ip netns exec blue ip route add 192.168.121.0/24 via 192.168.15.5
ip netns exec blue ip route
sysctl -w net.ipv4.ip_forward=1
ip netns exec blue ping -c 2 -i 0.2 -W 1 $LAN_HOST
iptables -t nat -A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE
ip netns exec blue ping -c 2 -i 0.2 $LAN_HOST

echo "## The Internet"
ip netns exec blue ping -c 2 -i 0.2 $INTERNET
ip netns exec blue ip route add default via 192.168.15.5
ip netns exec blue ip route
ip netns exec blue ping -c 2 -i 0.2 $INTERNET

echo "## A port forward into blue"
ip netns exec blue python3 ./whoami.py 80 &
WEB=$!
trap 'kill $WEB 2>/dev/null' EXIT
iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 192.168.15.2:80
iptables -t nat -S
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  ip netns exec remote curl -s -o /dev/null http://$NODE1_PUB/ && break
  sleep 0.1
done
ip netns exec remote curl -s http://$NODE1_PUB/ | grep -E '^(IP: 192|RemoteAddr|Host:)'

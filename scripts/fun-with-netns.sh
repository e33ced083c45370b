#!/usr/bin/env -S nsh --sandbox
# "Fun with network namespaces, part 1" (shared/seeds/001): one namespace
# behind NAT with a default-DROP FORWARD policy, then two servers listening on
# the same port 8080 in two namespaces, reached through port forwards 6000 and
# 6001 on the host's public interface.
#
# Run it as `nsh --sandbox scripts/fun-with-netns.sh` (same results under
# bash with the real tools: `unshare --net --mount --propagation private
# --fork bash scripts/fun-with-netns.sh`).
# Adaptations: the host's ens5 is eth0 from lib/world.sh ($OUTPUT_IFACE), the
# outside client is the namespace "remote", 8.8.8.8 is $INTERNET; the Flask
# servers are scripts/whoami.py; interactive `ip netns exec netns1 /bin/bash`
# sessions are single `ip netns exec` commands.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. lib/world.sh
OUTPUT_IFACE=eth0

echo "## Creating a network namespace and looking inside"
ip netns add netns1
ip netns exec netns1 ip a

echo "## Getting the loopback interface working"
ip netns exec netns1 ping -c 2 -i 0.2 127.0.0.1
ip netns exec netns1 ip link set dev lo up
ip netns exec netns1 ip a
ip netns exec netns1 ping -c 2 -i 0.2 127.0.0.1
ip netns exec netns1 ping -c 2 -i 0.2 $INTERNET

echo "## Virtual network interfaces: connecting the namespace"
ip link add veth0 type veth peer name veth1
ip link show veth0
ip link set veth1 netns netns1
ip link show veth0
ip netns exec netns1 ip link show veth1
ip addr add 192.168.0.1/24 dev veth0
ip link set dev veth0 up
ip netns exec netns1 ip addr add 192.168.0.2/24 dev veth1
ip netns exec netns1 ip link set dev veth1 up
ip netns exec netns1 ip a show veth1 | grep inet
ip netns exec netns1 ping -c 2 -i 0.2 192.168.0.1
ping -c 2 -i 0.2 192.168.0.2
ip netns exec netns1 ping -c 2 -i 0.2 $INTERNET

echo "## Connecting the namespace to the outside world with NAT"
ip netns exec netns1 ip route add default via 192.168.0.1
ip netns exec netns1 ping -c 2 -i 0.2 -W 1 $INTERNET
cat /proc/sys/net/ipv4/ip_forward
echo 1 > /proc/sys/net/ipv4/ip_forward
cat /proc/sys/net/ipv4/ip_forward
iptables -L FORWARD
iptables -P FORWARD DROP
iptables -L FORWARD
iptables -t nat -L
iptables -t nat -A POSTROUTING -s 192.168.0.0/255.255.255.0 -o $OUTPUT_IFACE -j MASQUERADE
iptables -A FORWARD -i $OUTPUT_IFACE -o veth0 -j ACCEPT
iptables -A FORWARD -o $OUTPUT_IFACE -i veth0 -j ACCEPT
ip netns exec netns1 ping -c 2 -i 0.2 $INTERNET

echo "## Running a server with port-forwarding"
iptables -t nat -A PREROUTING -p tcp -i $OUTPUT_IFACE --dport 6000 -j DNAT --to-destination 192.168.0.2:8080
iptables -A FORWARD -p tcp -d 192.168.0.2 --dport 8080 -m state --state NEW,ESTABLISHED,RELATED -j ACCEPT
ip netns exec netns1 python3 ./whoami.py 8080 &
SERVER1=$!
trap 'kill $SERVER1 ${SERVER2:-} 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  ip netns exec remote curl -s -o /dev/null http://$NODE1_PUB:6000/ && break
  sleep 0.1
done
ip netns exec remote curl -s http://$NODE1_PUB:6000/ | grep -E '^(RemoteAddr|GET|Host:)'

echo "## Running a second server in a separate namespace"
ip netns add netns2
ip link add veth2 type veth peer name veth3
ip link set veth3 netns netns2
ip addr add 192.168.1.1/24 dev veth2
ip link set dev veth2 up
iptables -t nat -A POSTROUTING -s 192.168.1.0/255.255.255.0 -o $OUTPUT_IFACE -j MASQUERADE
iptables -A FORWARD -i $OUTPUT_IFACE -o veth2 -j ACCEPT
iptables -A FORWARD -o $OUTPUT_IFACE -i veth2 -j ACCEPT
iptables -t nat -A PREROUTING -p tcp -i $OUTPUT_IFACE --dport 6001 -j DNAT --to-destination 192.168.1.2:8080
iptables -A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -m state --state NEW,ESTABLISHED,RELATED -j ACCEPT
ip netns exec netns2 ip link set dev lo up
ip netns exec netns2 ip addr add 192.168.1.2/24 dev veth3
ip netns exec netns2 ip link set dev veth3 up
ip netns exec netns2 ip route add default via 192.168.1.1
ip netns exec netns2 python3 ./whoami.py 8080 &
SERVER2=$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  ip netns exec remote curl -s -o /dev/null http://$NODE1_PUB:6001/ && break
  sleep 0.1
done
ip netns exec remote curl -s http://$NODE1_PUB:6000/ | grep -E '^(IP: 192|RemoteAddr|Host:)'
ip netns exec remote curl -s http://$NODE1_PUB:6001/ | grep -E '^(IP: 192|RemoteAddr|Host:)'
iptables -S
iptables -t nat -S

#!/usr/bin/env -S nsh --sandbox
# Linux namespaces demo, part 4: running a service in a namespace.
# From shared/seeds/000, file demo1-ex4.sh. Builds on demo1-ex3.sh.
# Run as `nsh --sandbox scripts/demo1-ex4.sh` (see demo1-ex1.sh).
# Adaptations: whoami is scripts/whoami.py (python3); the "remote host" curl
# runs in the namespace "remote"; connect timeouts are 2 s instead of 10.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. ./demo1-ex3.sh

echo "## Start a web service in the ns1 namespace"
ip netns exec ns1 python3 ./whoami.py 80 &
WHOAMI_PID=$!
trap 'kill $WHOAMI_PID 2>/dev/null' EXIT
# wait until it listens
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  curl -s -o /dev/null 192.168.255.11 && break
  sleep 0.1
done

echo "## Access the service using the address of ns1"
curl -s 192.168.255.11 | grep -E '^(RemoteAddr|GET|Host)'

echo "## Expose the service on a host port"
iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.168.255.11:80
iptables -t nat -S

echo "## Show successful access from a \"remote\" host"
ip netns exec remote curl -s $NODE1_PUB:8080 | grep -E '^(RemoteAddr|GET|Host)'

echo "## Access from local host to public address (fails)"
curl -s --connect-timeout 2 $NODE1_PUB:8080
echo "curl exit status: $?"

echo "## Add an OUTPUT rule"
iptables -t nat -A OUTPUT -p tcp --dport 8080 -j DNAT --to-destination 192.168.255.11:80
curl -s $NODE1_PUB:8080 | grep -E '^(RemoteAddr|GET|Host)'

echo "## Access from local host to localhost (fails)"
curl -s --connect-timeout 2 localhost:8080
echo "curl exit status: $?"

echo "## Set route_localnet"
sysctl -w net.ipv4.conf.br0.route_localnet=1

echo "## Still fails: packets arrive from 127.0.0.1"
curl -s --connect-timeout 2 localhost:8080
echo "curl exit status: $?"

echo "## Masquerade traffic from 127.0.0.1"
iptables -t nat -A POSTROUTING -s 127.0.0.1 -d 192.168.255.0/24 -j MASQUERADE
iptables -t nat -S
curl -s localhost:8080 | grep -E '^(RemoteAddr|GET|Host)'

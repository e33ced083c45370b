#!/usr/bin/env -S nsh --sandbox
# Linux namespaces demo, part 5: a service in a namespace, take two (socat).
# From shared/seeds/000, file demo1-ex5.sh. Builds on demo1-ex4.sh.
# Run as `nsh --sandbox scripts/demo1-ex5.sh` (see demo1-ex1.sh).
# Adaptation: skipped with a message when socat is not installed.

set -u
: "${DEMO_DIR:=$(cd "$(dirname "$0")" && pwd)}"
cd "$DEMO_DIR"
. ./demo1-ex4.sh

echo "## Undo changes from previous example"
sysctl -w net.ipv4.conf.br0.route_localnet=0
iptables -t nat -D POSTROUTING -s 127.0.0.1/32 -d 192.168.255.0/24 -j MASQUERADE
iptables -t nat -D OUTPUT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.255.11:80
iptables -t nat -S

echo "## Configure a tcp proxy"
if ! command -v socat >/dev/null 2>&1; then
  echo "socat is not installed: skipping the tcp proxy (apt-get install socat)"
  exit 0
fi
socat tcp-listen:8080,fork,reuseaddr tcp-connect:192.168.255.11:80 &
SOCAT_PID=$!
trap 'kill $WHOAMI_PID $SOCAT_PID 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  curl -s -o /dev/null localhost:8080 && break
  sleep 0.1
done
curl -s $NODE1_PUB:8080 | grep -E '^(RemoteAddr|GET|Host)'
curl -s localhost:8080 | grep -E '^(RemoteAddr|GET|Host)'

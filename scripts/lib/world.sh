# Sourced by the demo scripts: builds, inside the sandbox, the "world" the
# tutorials assume around the host, so that every packet stays on this
# machine:
#   - the host's "public interface" eth0 (node1-pub, 192.168.121.67/24) is one
#     end of a veth pair whose other end is in the namespace "remote";
#   - "remote" (192.168.121.1) plays both the remote host and the default
#     gateway to "the internet", whose stand-in address INTERNET (203.0.113.8,
#     a documentation address) sits on remote's loopback. remote has no route
#     back to the namespaces' private subnet, exactly like a real upstream:
#     only masqueraded traffic gets answers.
# Refuses to run outside a fresh network namespace: these scripts change
# routes and rules, and must never touch the host's own network.

NODE1_PUB=192.168.121.67
REMOTE=192.168.121.1
INTERNET=203.0.113.8

if [ -n "$(ip -o link show | grep -v ': lo:')" ] && ! ip link show eth0 >/dev/null 2>&1; then
  echo "refusing to run: this network namespace already has devices." >&2
  echo "run me in a sandbox: nsh --sandbox $0" >&2
  echo "  (with bash: unshare --net --mount --propagation private --fork bash $0)" >&2
  exit 1
fi

if ! ip link show eth0 >/dev/null 2>&1; then
  ip netns add remote
  ip link add eth0 type veth peer name wan0 netns remote
  ip addr add $NODE1_PUB/24 dev eth0
  ip link set eth0 up
  ip -n remote addr add $REMOTE/24 dev wan0
  ip -n remote addr add $INTERNET/32 dev lo
  ip -n remote link set lo up
  ip -n remote link set wan0 up
  ip route add default via $REMOTE
fi

//! `ip address`: nsh's native `ip` against iproute2 on the same kernel
//! state (`ip route` and `ip neigh` have files of their own).
//!
//! Mutations: the same commands run with the real `ip` in namespace n1 and
//! with `$NSHBIN/ip` in namespace n2 (built identically, so ifindexes
//! match); stdout, stderr and status of each are compared, then the state
//! of both is read back with the real tool (MACs masked: they are random).

use crate::common::{need_root, sandbox_bash};

const STATE: &str = r#"
T=$(mktemp -d)
for n in n1 n2; do
  ip netns add $n
  ip -n $n link set lo up
  ip -n $n link add v0 type veth peer name v0p
  ip -n $n link add br0 type bridge
done
m() {
  ip -n n1 "$@" >"$T/a" 2>&1; echo "status=$?" >>"$T/a"
  # Forms not native yet run the real tool with a one-line note: drop it.
  "$NSHBIN/ip" -n n2 "$@" 2>&1 | grep -v '^nsh: .*not native' >"$T/b"
  echo "status=${PIPESTATUS[0]}" >>"$T/b"
  if cmp -s "$T/a" "$T/b"; then echo "OK ip $*"; else echo "DIFF ip $*"; diff "$T/a" "$T/b"; fi
}
state() {
  ip -n n1 addr | sed 's/link\/ether [0-9a-f:]*/MAC/g' >"$T/s1"
  ip -n n2 addr | sed 's/link\/ether [0-9a-f:]*/MAC/g' >"$T/s2"
  if cmp -s "$T/s1" "$T/s2"; then echo "OK state"; else echo "DIFF state"; diff "$T/s1" "$T/s2"; fi
}
"#;

#[test]
fn addr_add_del_match_iproute2() {
    if !need_root("addr_add_del_match_iproute2") {
        return;
    }
    let run = sandbox_bash(&format!(
        "{STATE}{}",
        r#"
m addr add 10.0.0.1/24 dev v0
m addr add 10.0.0.1/24 dev v0
m a add dev br0 192.168.5.1/24
m a add 10.0.0.9 dev v0
m a add 127.1.0.1 dev v0
m a add fd00::1/64 dev v0
m a add 10.9.0.1/24 dev nope
m address del 10.0.0.1/24 dev v0
m address del 10.0.0.1/24 dev v0
m a d fd00::1/64 dev v0
m a add 10.0.0.2/33 dev v0
m a add x dev v0
m -4 a add fd00::2/64 dev v0
m addr add 10.0.2.1/24 brd 10.0.2.255 dev v0
m addr add 10.0.3.1/24 brd + dev v0 label v0:x
m addr add 10.0.4.1/24 broadcast - dev v0 scope link metric 7
m addr add 10.0.5.1/31 brd + dev v0
m addr add local 10.0.6.1/24 dev v0 scope host
m addr add 10.0.7.1/24 dev v0 label other
m addr add 10.0.8.1/24 dev v0 scope nowhere
m addr add fd00::5/64 brd + dev v0
m addr add 10.0.9.1/24 brd 10.0.9.255 brd + dev v0
state
"#
    ));
    assert!(
        !run.stdout.contains("DIFF") && run.stdout.contains("OK state"),
        "{}\nstderr: {}",
        run.stdout,
        run.stderr
    );
}

/// `ip address show` in its forms (plain, `-4`, `-6`, `-j`, `-br`, `-o`,
/// `-s`, `-s -s`, `-d` and their combinations, `dev`, `up`, `-n`) against
/// iproute2 on the same state: primary, secondary with label, peer,
/// broadcast, metric, IPv6 with `nodad`, links without addresses, a bridge
/// port with an alias. Router solicitations are off (in the sandbox's own
/// namespace) and the links settle for 3 s first, so that no packet moves
/// the `-s` counters between the two runs.
#[test]
fn addr_show_forms_match_iproute2() {
    if !need_root("addr_show_forms_match_iproute2") {
        return;
    }
    crate::common::assert_ip_forms_ok(
        r#"
sysctl -qw net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0
ip netns add ns1
ip link set lo up; ip link add v1 type veth peer name e1; ip link set v1 up; ip link set e1 up
ip link add v2 type veth peer name e2 netns ns1; ip link add br0 type bridge; ip link set v2 master br0
ip addr add 10.0.0.1/24 dev v1; ip addr add 10.0.0.5/24 brd + dev v1 label v1:a; ip addr add 10.0.1.1 peer 10.0.1.2/32 dev v1
ip addr add 2001:db8::1/64 dev v1 nodad; ip addr add 10.0.2.1/24 dev e1 metric 50; ip link set v2 alias "an alias"
sleep 3
for o in "" -4 -j "-j -p" -br -o "-4 -o" "-br -4" "-j -4" "-n ns1" \
  -6 "-6 -o" "-6 -br" "-6 -j" "-6 -j -p" "-6 -d" "-6 -d -j" "-n ns1 -6" "-j -br" "-j -br -6" \
  -s "-s -s" "-s -j" "-s -s -j -p" "-4 -s" "-s -o" "-s -br" "-6 -s -o" "-6 -s -br" "-j -br -s" \
  -d "-d -j" "-d -j -p" "-4 -d" "-d -o" "-d -br" "-d -s" "-d -s -j" "-n ns1 -d"; do
  c $o addr; c $o a s; c $o addr show dev v1; c $o a s v1; c $o addr list up; c $o addr show lo; c $o a s v2
done
c -6 addr show dev v1
c -6 -s addr show dev v1
c -6 -s -s a s lo
c -6 -s -j addr show lo
c -6 -d -s addr show v2
c -s addr show lo
c -6 addr show dev nosuch
c -s addr show dev nosuch
c addr show v1 v2
c addr foo
c address lst br0
"#,
    );
}

/// `ip -6 addr` without a device lists the links from addrconf's reduced
/// RTM_GETLINK answers (no qdisc, master, group, link-netnsid; qlen by
/// ioctl): a veth whose peer is in another namespace (named by its bare
/// index there, `@if4` where that index is free), a link with qlen 0, one
/// too small for IPv6 (no addrconf state), a bridge port, a down link with
/// an address, each in the plain, `-o`, `-br`, `-j` and `-d` forms.
#[test]
fn addr_show_v6_links_match_iproute2() {
    if !need_root("addr_show_v6_links_match_iproute2") {
        return;
    }
    crate::common::assert_ip_forms_ok(
        r#"
ip netns add ns1
ip link add v1 type veth peer name e1 netns ns1; ip link add br0 type bridge; ip link set v1 master br0
ip link set v1 up; ip -n ns1 link set e1 up; ip link set br0 up
ip link add q0 type veth peer name q0p; ip link set q0 txqueuelen 0; ip link set q0 up; ip addr add 2001:db8:1::1/64 dev q0 nodad
ip link add m0 type veth peer name m0p; ip link set m0 mtu 1200; ip link set m0 up
ip link add d0 type veth peer name d0p; ip addr add fd00::10/64 dev d0 nodad; ip addr add 10.9.9.9/8 dev d0
ip addr add fd00::5/64 dev v1 nodad; ip -n ns1 addr add fd00::6/64 dev e1 nodad
sleep 3
for o in -6 "-6 -o" "-6 -br" "-6 -j" "-6 -j -p" "-6 -d" "-6 -d -j" "-j -br -6" -d "-d -j"; do
  for n in "" "-n ns1"; do c $n $o addr; c $n $o addr list up; c $n $o a s e1; c $n $o a s v1; c $n $o a s q0; c $n $o a s m0; done
done
"#,
    );
}

/// `ip addr flush` (with `-s`, `-4`, `-6`, errors): made by each tool in twin
/// namespaces, output and the addresses left compared (link-local masked).
#[test]
fn addr_flush_matches_iproute2() {
    if !crate::common::need_root("addr_flush_matches_iproute2") {
        return;
    }
    crate::common::assert_ip_forms_ok(
        r#"
k=0
mk() { ip netns add $1; ip -n $1 link add v1 type veth peer name e1; ip -n $1 link set v1 up; ip -n $1 link set e1 up
  ip -n $1 addr add 10.0.0.1/24 dev v1; ip -n $1 addr add 10.0.0.2/24 dev v1; ip -n $1 addr add 10.0.1.1/24 dev v1; ip -n $1 addr add 2001:db8::1/64 dev v1 nodad; ip -n $1 addr add 10.0.9.1/24 dev e1; }
m() {
  k=$((k + 1)); mk a$k; mk b$k
  { ip -n a$k "$@" 2>&1; echo "status=$?"; } >"$T/ra"
  { NSH_NATIVE=1 "$NSHBIN/ip" -n b$k "$@" 2>&1; echo "status=$?"; } >"$T/rb"
  ip -n a$k -br addr | sed 's/fe80::[^ ]*//' >"$T/sa"; ip -n b$k -br addr | sed 's/fe80::[^ ]*//' >"$T/sb"
  if cmp -s "$T/ra" "$T/rb" && cmp -s "$T/sa" "$T/sb"; then echo "OK mut $*"; else echo "DIFF mut $*"; diff "$T/ra" "$T/rb"; diff "$T/sa" "$T/sb"; fi
}
m addr flush dev v1
m -s addr flush dev v1
m -4 addr flush dev v1
m -6 -s addr flush v1
m addr flush dev nosuch
m addr flush
m -s addr flush dev lo
m a f dev e1
"#,
    );
}

/// `ip addr add` with brd (address, `+`, `-`), label, scope, metric and the
/// `local` keyword, natively (`NSH_NATIVE=1`): each made by both tools in
/// twin namespaces, messages and the resulting IPv4 addresses compared.
#[test]
fn addr_add_options_native_match_iproute2() {
    if !need_root("addr_add_options_native_match_iproute2") {
        return;
    }
    crate::common::assert_ip_forms_ok(
        r#"
k=0
mk() { ip netns add $1; ip -n $1 link add v1 type veth peer name e1; }
m() {
  k=$((k + 1)); mk a$k; mk b$k
  { ip -n a$k "$@" 2>&1; echo "status=$?"; } >"$T/ra"
  { NSH_NATIVE=1 "$NSHBIN/ip" -n b$k "$@" 2>&1; echo "status=$?"; } >"$T/rb"
  ip -n a$k -4 addr show dev v1 >"$T/sa"; ip -n b$k -4 addr show dev v1 >"$T/sb"
  if cmp -s "$T/ra" "$T/rb" && cmp -s "$T/sa" "$T/sb"; then echo "OK mut $*"; else echo "DIFF mut $*"; diff "$T/ra" "$T/rb"; diff "$T/sa" "$T/sb"; fi
}
m addr add 10.0.2.1/24 brd 10.0.2.255 dev v1
m addr add 10.0.3.1/24 brd + dev v1 label v1:x
m addr add 10.0.4.1/24 broadcast - dev v1 scope link metric 7
m addr add 10.0.5.1/31 brd + dev v1
m addr add local 10.0.6.1/24 dev v1 scope host
m addr add 10.0.7.1/24 dev v1 label other
m addr add 10.0.8.1/16 dev v1 scope 200 pref 3
"#,
    );
}

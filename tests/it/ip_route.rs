//! `ip route`: nsh's native `ip` against iproute2 6.1 in sandboxes.
//! Listings are compared on the same state; each change is made once by
//! each tool (from the same state) and the resulting routing tables and
//! messages compared.

use crate::common::{assert_ip_forms_ok, need_root, nsh_bin, run_script_with};

#[test]
fn route_changes_and_listings_match_iproute2() {
    if !need_root("route_changes_and_listings_match_iproute2") {
        return;
    }
    assert_ip_forms_ok(
        r#"
# A change is made by each tool in a namespace of its own, set up alike;
# messages, statuses and the resulting IPv4 routes are compared.
k=0
mk() {
  ip netns add $1
  ip -n $1 link add v1 type veth peer name e1
  ip -n $1 link set e1 up; ip -n $1 link set v1 up
  ip -n $1 addr add 10.0.0.1/24 dev v1
  ip -n $1 route add 10.20.0.0/16 via 10.0.0.2
}
m() {
  k=$((k + 1)); mk a$k; mk b$k
  { ip -n a$k "$@" 2>&1; echo "status=$?"; } >"$T/ra"
  { NSH_NATIVE=1 "$NSHBIN/ip" -n b$k "$@" 2>&1; echo "status=$?"; } >"$T/rb"
  ip -n a$k -4 route show table all >"$T/sa"; ip -n b$k -4 route show table all >"$T/sb"
  if cmp -s "$T/ra" "$T/rb" && cmp -s "$T/sa" "$T/sb"; then echo "OK mut $*"; else echo "DIFF mut $*"; diff "$T/ra" "$T/rb"; diff "$T/sa" "$T/sb"; fi
}
setup() { ip addr add 10.0.0.1/24 dev v1; ip route add 10.20.0.0/16 via 10.0.0.2; }
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip link add v1 type veth peer name e1; ip link set e1 up; ip link set v1 up
setup
for a in "add default via 10.0.0.254" "add 10.1.0.0/16 via 10.0.0.2 dev v1 metric 5" "add 10.2.0.0/16 dev v1 proto static scope link src 10.0.0.1" "add 10.3.0.0/16 via 192.168.9.9" "add 10.4.0.0/16 dev nosuch" "add bogus dev v1" "add 10.5.0.0/33 dev v1" "add 10.6.0.1 dev v1" "del 10.9.0.0/16" "del 10.20.0.0/16" "replace 10.20.0.0/16 via 10.0.0.3" "change 10.7.0.0/16 via 10.0.0.3" "append 10.8.0.0/16 dev v1" "add blackhole 10.10.0.0/16" "add unreachable 10.11.0.0/16" "add prohibit 10.11.0.0/16" "add 10.12.0.0/16 dev v1 table 100" "add 10.13.0.0/16 dev v1 mtu 1400" "add 10.14.0.0/16 via" "add 10.15.0.0/16 foo" "add to 10.16/16 dev v1" "add local 10.0.0.9 dev v1" "add 10.17.0.0/16 via 10.0.0.2 onlink" "add 10.18.0.0/16 dev v1 table 1000" "a 10.19.0.0/16 dev v1 pro 42" "add 10.20.0.0/16 via 10.0.0.2" "add 10.21.0.0/16 dev v1 scope host" "del default" "add 10.22.0.0/255.255.0.0 dev v1" "add 10.23.0.0/16 dev v1 metric x" "add 10.24.0.0/16 dev v1 table xx" "add 10.25.0.0/16 dev v1 scope yy"; do m route $a; done
ip route add default via 10.0.0.254; ip route add 10.1.0.0/16 via 10.0.0.2 metric 5; ip route add blackhole 10.10.0.0/16; ip route add 10.12.0.0/16 dev v1 table 100; ip route add 10.13.0.0/16 dev v1 mtu 1400; ip route add 10.17.0.0/16 via 10.0.0.2 dev v1 onlink; ip route add 10.30.0.0/16 dev e1
ip link set e1 down
# v1's carrier goes with e1 (linkwatch, up to a second late): its routes'
# `linkdown` flag, and the IPv6 routes `table all` lists, must settle.
sleep 1.5
for o in "" -j "-j -p" -4; do c $o route; c $o r; c $o route show; c $o route list table 100; c $o r s dev v1; c $o route show table main; c $o route show table local; done
for o in -4 "-4 -j" "" -j "-j -p"; do c $o route show table all; c $o r s table all dev v1; done
c route show dev nosuch
c route show table foo
c route foo
"#,
    );
}

/// The tutorials' route forms in an nsh script, against bash + iproute2.
#[test]
fn route_script_matches_bash() {
    if !need_root("route_script_matches_bash") {
        return;
    }
    let script = r#"
ip netns add ns1
ip link add veth0 type veth peer name veth1 netns ns1
ip addr add 192.168.1.1/24 dev veth0
ip link set veth0 up
ip -n ns1 addr add 192.168.1.2/24 dev veth1
ip -n ns1 link set veth1 up
ip -n ns1 link set lo up
ip -n ns1 route add default via 192.168.1.1 dev veth1
# The carrier comes up a moment later (linkwatch): until then routes
# through veth1 print `linkdown`, which is timing, not behaviour.
sleep 1.5
ip netns exec ns1 ip route
ip -n ns1 r s
ip route add 10.9.0.0/16 via 192.168.1.2
ip route add 10.9.0.0/16 via 192.168.1.2; echo "st=$?"
ip route
ip route del 10.9.0.0/16
ip route del 10.9.0.0/16; echo "st=$?"
ip -j route
"#;
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let real = run_script_with(&["bash"], script, &[], true);
    let ours = run_script_with(&[&nsh, "--native"], script, &[], true);
    assert_eq!(ours, real);
}

/// `ip route flush` with table/dev selectors and errors, made by each tool
/// in twin namespaces (`NSH_NATIVE=1`), the routes left compared.
#[test]
fn route_flush_matches_iproute2() {
    if !need_root("route_flush_matches_iproute2") {
        return;
    }
    assert_ip_forms_ok(
        r#"
k=0
mk() { ip netns add $1; ip -n $1 link add v1 type veth peer name e1; ip -n $1 link set v1 up; ip -n $1 link set e1 up
  ip -n $1 addr add 10.0.0.1/24 dev v1; ip -n $1 addr add 10.1.0.1/24 dev e1; ip -n $1 route add 10.5.0.0/16 via 10.0.0.2; ip -n $1 route add 10.6.0.0/16 dev e1 table 100; ip -n $1 route add default via 10.1.0.2; }
m() {
  k=$((k + 1)); mk a$k; mk b$k
  { ip -n a$k "$@" 2>&1; echo "status=$?"; } >"$T/ra"
  { NSH_NATIVE=1 "$NSHBIN/ip" -n b$k "$@" 2>&1; echo "status=$?"; } >"$T/rb"
  ip -n a$k -4 route show table all >"$T/sa"; ip -n b$k -4 route show table all >"$T/sb"
  if cmp -s "$T/ra" "$T/rb" && cmp -s "$T/sa" "$T/sb"; then echo "OK mut $*"; else echo "DIFF mut $*"; diff "$T/ra" "$T/rb"; diff "$T/sa" "$T/sb"; fi
}
m route flush table main
m route flush dev v1
m route flush table 100
m -4 route flush table all
m route flush
m route flush dev nosuch
m r f table main dev e1
"#,
    );
}

/// `ip route get` (gateway, connected, local, broadcast, blackhole,
/// unreachable, `from`, `oif`, errors) in text and JSON, on one state.
#[test]
fn route_get_matches_iproute2() {
    if !need_root("route_get_matches_iproute2") {
        return;
    }
    assert_ip_forms_ok(
        r#"
ip link set lo up; ip link add v1 type veth peer name e1; ip link set v1 up; ip link set e1 up
ip addr add 10.0.0.1/24 dev v1; ip route add 10.5.0.0/16 via 10.0.0.2; ip route add 10.6.0.0/16 dev v1 mtu 1400 metric 9
ip route add blackhole 10.7.0.0/16
for o in "" -j "-j -p" -4; do
c $o route get 10.0.0.2; c $o route get 10.5.1.1; c $o route get 127.0.0.1; c $o route get 10.0.0.1; c $o route get 10.6.1.1
c $o route get 10.5.1.1 from 10.0.0.1; c $o route get to 10.0.0.255; c $o route get 10.9.9.9; c $o route get 10.7.0.1
c $o route get 10.5.1.1 oif v1; c $o route get 10.0.0.2 oif nosuch; c $o route get bogus; c $o route get; c $o r g 10.5.1.1
done
"#,
    );
}

/// IPv6 route listings (`-6`: connected, gateway, metric/pref, blackhole,
/// other tables, `dev`, JSON) on one state.
#[test]
fn ipv6_route_listings_match_iproute2() {
    if !need_root("ipv6_route_listings_match_iproute2") {
        return;
    }
    assert_ip_forms_ok(
        r#"
# Link-local addresses come with the carrier (linkwatch: up to a second
# late) and their routes after DAD: no DAD, and time for the carrier.
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip link set lo up; ip link add v1 type veth peer name e1; ip link set v1 up; ip link set e1 up; ip addr add 2001:db8::1/64 dev v1 nodad
ip -6 route add 2001:db8:5::/48 via 2001:db8::2; ip -6 route add 2001:db8:6::/48 dev v1 metric 7 pref high; ip -6 route add 2001:db8:7::/48 dev v1 expires 300
ip -6 route add 2001:db8:8::/48 dev v1 table 100; ip -6 route add blackhole 2001:db8:9::/48
sleep 2
for o in -6 "-6 -j" "-6 -j -p"; do c $o route; c $o r s dev v1; c $o route show table 100; c $o route show table local; c $o route show table all; c $o route list table main; done
"#,
    );
}

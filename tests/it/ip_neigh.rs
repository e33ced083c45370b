//! `ip neigh`: nsh's native `ip` against iproute2 6.1 in sandboxes:
//! listings on the same state; each change made by both tools in twin
//! namespaces and the neighbour tables compared (sorted: the kernel's dump
//! order is its hash order, which differs between namespaces).

use crate::common::{assert_ip_forms_ok, need_root};

#[test]
fn neigh_changes_and_listings_match_iproute2() {
    if !need_root("neigh_changes_and_listings_match_iproute2") {
        return;
    }
    assert_ip_forms_ok(
        r#"
sysctl -qw net.ipv6.conf.default.accept_dad=0
ip link add v1 type veth peer name e1; ip link set v1 up; ip link set e1 up; ip addr add 10.0.0.1/24 dev v1; ip addr add 10.0.0.2/24 dev e1
# IPv6 on the new links (MLD reports, router solicitations) makes the
# kernel add NOARP entries for multicast groups in the first second or
# two: wait until the table has been still for 2 s (at most 8 s), or a
# listing taken by one tool has an entry the other's lacks.
prev=; still=0; for i in $(seq 40); do cur=$(ip neigh show nud all); if [ "$cur" = "$prev" ]; then still=$((still+1)); [ $still -ge 10 ] && break; else still=0; fi; prev=$cur; sleep 0.2; done
ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v1
ip neigh add 10.0.0.10 lladdr 02:00:00:00:00:0a dev v1 nud stale router
ip neigh add 10.0.0.11 lladdr 02:00:00:00:00:11 dev v1 nud noarp
ip neigh add fe80::9 lladdr 02:00:00:00:00:0b dev v1
ip neigh add 10.0.0.12 dev v1 nud failed
for o in "" -j "-j -p" -4 -6; do c $o neigh; c $o n s dev v1; c $o neigh show nud stale; c $o neigh list nud all; c $o neigh show nud noarp; done
c neigh show dev nosuch
c neigh show nud bogus
c neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v1
c neigh add 10.0.0.13 lladdr 02:00:00:00:00:09
c neigh add 10.0.0.13 dev nosuch
c neigh add bogus dev v1
c neigh add 10.0.0.13 dev v1 nud xx
c neigh foo
c neigh add
m() { k=$((k+1)); ip netns add a$k; ip netns add b$k
  for n in a$k b$k; do ip -n $n link add v1 type veth peer name e1; ip -n $n link set v1 up; ip -n $n neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v1; done
  { ip -n a$k "$@" 2>&1; echo "status=$?"; } >"$T/ra"; { NSH_NATIVE=1 "$NSHBIN/ip" -n b$k "$@" 2>&1; echo "status=$?"; } >"$T/rb"
  ip -n a$k neigh show nud all | sort > "$T/sa"; ip -n b$k neigh show nud all | sort > "$T/sb"
  if cmp -s "$T/ra" "$T/rb" && cmp -s "$T/sa" "$T/sb"; then echo "OK mut $*"; else echo "DIFF mut $*"; diff "$T/ra" "$T/rb"; diff "$T/sa" "$T/sb"; fi; }
k=0
for a in "add 10.0.0.20 lladdr 02:00:00:00:00:20 dev v1" "replace 10.0.0.9 lladdr 02:00:00:00:00:99 dev v1" "change 10.0.0.9 lladdr 02:00:00:00:00:98 dev v1 nud reachable" "del 10.0.0.9 dev v1" "del 10.0.0.30 dev v1" "change 10.0.0.31 lladdr 02:00:00:00:00:20 dev v1" "add 10.0.0.21 dev v1 nud noarp" "a to 10.0.0.22 lladdr 2:0:0:0:0:22 dev v1 router"; do m neigh $a; done
"#,
    );
}

/// `ip neigh flush` with selectors and errors, in twin namespaces.
#[test]
fn neigh_flush_matches_iproute2() {
    if !crate::common::need_root("neigh_flush_matches_iproute2") {
        return;
    }
    crate::common::assert_ip_forms_ok(
        r#"
k=0
mk() { ip netns add $1; ip -n $1 link add v1 type veth peer name e1; ip -n $1 link set v1 up; ip -n $1 link set e1 up
  ip -n $1 neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v1; ip -n $1 neigh add 10.0.0.10 lladdr 02:00:00:00:00:0a dev v1 nud stale
  ip -n $1 neigh add 10.0.0.11 lladdr 02:00:00:00:00:0b dev v1 nud reachable; ip -n $1 neigh add 10.0.0.12 lladdr 02:00:00:00:00:0c dev e1 nud stale; }
m() {
  k=$((k + 1)); mk a$k; mk b$k
  { ip -n a$k "$@" 2>&1; echo "status=$?"; } >"$T/ra"
  { NSH_NATIVE=1 "$NSHBIN/ip" -n b$k "$@" 2>&1; echo "status=$?"; } >"$T/rb"
  ip -n a$k neigh show | sort >"$T/sa"; ip -n b$k neigh show | sort >"$T/sb"
  if cmp -s "$T/ra" "$T/rb" && cmp -s "$T/sa" "$T/sb"; then echo "OK mut $*"; else echo "DIFF mut $*"; diff "$T/ra" "$T/rb"; diff "$T/sa" "$T/sb"; fi
}
m neigh flush dev v1
m neigh flush
m neigh flush dev v1 nud stale
m neigh flush dev v1 nud all
m neigh flush dev nosuch
m -4 neigh flush dev e1
m neigh f dev v1 nud permanent
"#,
    );
}

//! `ip link`: nsh's native `ip` against iproute2 on the same kernel state.
//!
//! Each test builds state in its own sandbox with the real `ip`, then runs
//! each form with `ip` and `$NSHBIN/ip` and compares stdout, stderr and
//! exit status byte for byte.

use crate::common::{assert_ip_forms_ok, need_root, sandbox_bash};

/// The tutorial state: a bridge, veth pairs (one end in a namespace), an
/// alias, a port up and one down.
///
/// IPv6 is off first: a bridge that is up sends router solicitations and
/// MLD reports on its own, which would change the `-s` counters between
/// the two listings. Even so the bridge drops a packet or two in its first
/// second (no carrier): the state is used once the counters have been
/// still for a second (at most 6 s).
const STATE: &str = r#"
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns add ns1
ip link add br0 type bridge
ip link add v1 type veth peer name v1p netns ns1
ip link add v2 type veth peer name v2p
ip link set v1 master br0
ip link set br0 up
ip link set v1 up
ip link set v2 alias "hello world"
ip -n ns1 link set lo up
prev=; still=0; for i in $(seq 30); do cur=$(ip -s -o link); if [ "$cur" = "$prev" ]; then still=$((still+1)); [ $still -ge 5 ] && break; else still=0; fi; prev=$cur; sleep 0.2; done
"#;

fn assert_all_ok(script: &str) {
    assert_ip_forms_ok(&format!("{STATE}{script}"));
}

#[test]
fn show_forms_match_iproute2() {
    if !need_root("show_forms_match_iproute2") {
        return;
    }
    assert_all_ok(
        r#"
for o in "" -br -o -j "-j -p" "-br -j" "-br -o" -s "-s -o" "-s -j" "-s -s" "-s -s -o" "-s -s -j" \
    -d "-d -o" "-d -j" "-d -j -p" "-d -s" "-d -s -j"; do
  c $o link
  c $o link show
  c $o l sh v1
  c $o link show dev v2
  c $o link show type veth
  c $o link show type bridge
  c $o link show type bridge_slave
  c $o link show master br0
  c $o link show up
  c $o -n ns1 link
  c $o -n ns1 link show type veth
done
c l
c link list
c -netns ns1 link
c --json link
c -d -n ns1 link
c -d -o -n ns1 link
c -d link show lo
c -d link show v2p
"#,
    );
}

#[test]
fn errors_match_iproute2() {
    if !need_root("errors_match_iproute2") {
        return;
    }
    assert_all_ok(
        r#"
c link show nope
c link show dev nope
c link show master nope
c link show dev v1 v2
c link foo
c -n nope link
c -jx link
c zz
c link set nope up
c link set dev v1 v2 up
c link set v1 mtu abc
c link set v1 mtu
c link set v1 mtu 100000
c link set v1 master nope
c link set v1 address zz
c link set v1 promisc maybe
c link set v1 netns nonexist
c link set v2 name v1
c link add br0 type bridge
c link add x type dummy
c link add x
c link add link nope name v.1 type vlan id 5
c link add link v1 name v.1 type vlan id 5
c link add name a dev b type bridge
c link add v4 type veth peer name v4p netns nonexist
c link del nope
c link del v1 x
"#,
    );
}

/// The mutating commands, run once with `ip` and once with `$NSHBIN/ip` in
/// two sandboxes; the states read back with the real `ip` must agree
/// (random MACs and the sandbox PID masked).
#[test]
fn mutations_match_iproute2() {
    if !need_root("mutations_match_iproute2") {
        return;
    }
    let script = |ip: &str| {
        format!(
            r#"
IP={ip}
ip netns add ns1
r() {{ echo "== $*"; $IP "$@"; echo "status=$?"; }}
r link add br0 type bridge
r link add name v1 type veth peer name v1p netns ns1
r link add v2 type veth peer name v2p
r link add v3 type veth
r link set v1 master br0
r link set master br0 dev v2
r link set br0 up
r link set dev v1 up
r link set v2p mtu 1400 address 02:00:00:00:00:01 alias "some text" promisc on
r link set v2p name v2q
r link set v2 nomaster
r link set v3 netns ns1
r -n ns1 link set v1p up
r -n ns1 link set lo up
r link set v2q netns $$ 2>&1 | sed "s/$$/PID/"
r link del v3
r -n ns1 link del v3
r link delete dev v2
r link set v1 down
# Carrier and operstate changes reach `ip link` through linkwatch, up to a
# second late: read the state back once it has stopped changing.
prev=; still=0; for i in $(seq 40); do cur=$(ip link; ip -n ns1 link); if [ "$cur" = "$prev" ]; then still=$((still+1)); [ $still -ge 6 ] && break; else still=0; fi; prev=$cur; sleep 0.2; done
echo "--- state"
ip link | sed -E 's/(link\/ether|address) [0-9a-f:]+/\1 MAC/g; s/(bridge_id|root_id|designated_root|designated_bridge) [0-9a-f.:]+/\1 X/g; s/(_timer) +[0-9.]+/\1 T/g'
ip -n ns1 link | sed -E 's/link\/ether [0-9a-f:]+/link\/ether MAC/'
"#
        )
    };
    let real = sandbox_bash(&script("ip"));
    let nsh = sandbox_bash(&script("$NSHBIN/ip"));
    assert_eq!(nsh, real);
    assert!(real.stdout.contains("v1p@if"), "{}", real.stdout);
}

/// `brctl` (bridge-utils 1.7.1, when installed) against nsh's native one:
/// the same commands in two sandboxes, outputs compared with the bridge
/// MACs masked.
#[test]
fn brctl_matches_bridge_utils() {
    if !need_root("brctl_matches_bridge_utils") {
        return;
    }
    if !std::path::Path::new("/usr/sbin/brctl").exists() {
        eprintln!("skipped brctl_matches_bridge_utils: bridge-utils not installed");
        return;
    }
    let cmds = include_str!("brctl_cmds.sh");
    let script = |b: &str| format!("mount -t sysfs s /sys\nB={b}\n{cmds}");
    let mask = |r: crate::common::Run| crate::common::Run {
        stdout: r
            .stdout
            .lines()
            .map(|l| match l.split_once("\t8000.") {
                Some((a, b)) => format!("{a}\t8000.MAC{}", &b[12.min(b.len())..]),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        ..r
    };
    let real = mask(sandbox_bash(&script("brctl")));
    let nsh = mask(sandbox_bash(&script("$NSHBIN/brctl")));
    assert_eq!(nsh, real);
    assert!(real.stdout.contains("bridge name"), "{}", real.stdout);
}

/// A run of `ip link del` in one nsh script is deleted by the kernel in one
/// batch (backend::linkdel): every command must still answer as iproute2
/// does, including for devices an earlier deletion of the run took with it,
/// and leave the same state. Same script under bash + iproute2 and nsh.
#[test]
fn batched_link_deletions_match_iproute2() {
    if !need_root("batched_link_deletions_match_iproute2") {
        return;
    }
    let script = r#"
ip netns add ns1
for i in 1 2 3 4 5 6; do ip link add v$i type veth peer name e$i; done
ip link add w1 type veth peer name w1p netns ns1
ip link add br0 type bridge
ip link set v1 master br0
ip link set v6 group 7
ip link del v1; echo "del v1 $?"
ip link del e1; echo "del e1, the peer of v1: $?"
ip link del v2; echo "del v2 $?"
ip link del dev e3; echo "del e3 $?"
ip link del v3; echo "del v3, the peer of e3: $?"
ip link del nosuch; echo "del nosuch $?"
ip link del lo; echo "del lo $?"
ip link del br0; echo "del br0 $?"
ip link del w1; echo "del w1 $?"
ip -n ns1 link del w1p; echo "del w1p, the peer of w1 in ns1: $?"
ip link del v4
ip netns del ns1
ip link del e5; echo "del e5 $?"
ip link del v6; echo "del v6 (group 7) $?"
ip link del v2; echo "del v2 again $?"
# Changes between deletions: lookups see queued devices as gone, new
# devices may not take their names, kernel-chosen names stay the same.
for i in 1 2 3; do
  ip link add b$i type veth peer name c$i; echo "add b$i $?"
  ip link set c$i up mtu 1400; echo "set c$i $?"
  ip addr add 10.9.$i.1/24 dev b$i; echo "addr b$i $?"
  ip link del b$i; echo "del b$i $?"
  ip link set c$i down; echo "set c$i after del b$i: $?"
  ip addr add 10.9.$i.2/24 dev c$i; echo "addr c$i after del b$i: $?"
done
ip link add b3 type veth peer name c3; echo "b3 again $?"
ip link del b3
ip link add type veth; echo "kernel-named $?"
ip link add x1 type veth peer name x2
ip link del x1
ip link set x2 name y2; echo "rename peer of gone: $?"
ip link add z1 type veth peer name z2
ip link set z2 name x1; echo "rename to a gone name: $?"
ip link add v9 type veth peer name e9
ip link del v9
ip link set e9 master br0; echo "master gone br0: $?"
ip netns add ns2
ip link del z1
ip netns del ns2
ip -n ns1 link show 2>&1; echo "ns1 show $?"
echo "--- left:"
ip -o link show | cut -d: -f2 | sort
ip link add v2 type veth peer name e2 && echo "v2 again $?"
ip -o link show | cut -d: -f2 | sort
"#;
    let nsh = crate::common::nsh_bin().to_str().expect("path").to_string();
    let real = crate::common::run_script_with(&["bash"], script, &[], true);
    let ours = crate::common::run_script_with(&[&nsh], script, &[], true);
    assert_eq!(ours, real);
    assert!(
        real.stdout.contains("del e1, the peer of v1: 1"),
        "{}",
        real.stdout
    );
}

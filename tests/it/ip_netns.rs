//! `ip netns`: nsh's native namespace commands against iproute2 6.1, in
//! sandboxes (each test its own network + mount namespace with a private
//! /run/netns). `NSH_NATIVE=1` makes a fallback to the real tool an error,
//! so every compared form is nsh's own.

use crate::common::{assert_ip_forms_ok, need_root, nsh_bin, run_script_with, sandbox_bash};

#[test]
fn forms_and_errors_match_iproute2() {
    if !need_root("forms_and_errors_match_iproute2") {
        return;
    }
    assert_ip_forms_ok(
        r#"
rmdir /run/netns 2>/dev/null
c netns
c -j netns
c netns identify
for a in "" "add" "exec" "foo" "add a/b" "add .." "pids" "pids x" "identify 1 2" "identify abc" \
         "set a" "set a x" "set a -3" "set zz 1" "attach a" "attach q 0" "attach q abc" \
         "del x" "del" "exec nosuch true" "exec a/b true"; do
  c netns $a
done
ip netns add a; ip netns add b
c netns add a
for o in "" -j "-j -p"; do c $o netns; c $o netns list; c $o net l; c $o netns show; done
ip netns set a 5
for o in "" -j "-j -p"; do c $o netns; c $o netns list-id; done
c netns identify
c netns identify $$
c netns pids a
c netns exec a ip netns identify
c netns exec b ip link show
c netns exec a
c netns set b 5
c netns list-id
c -all netns exec
c -all netns exec ip -br link show lo
c -all netns exec sh -c 'echo in; exit 3'
c -all netns exec nosuchcommand
"#,
    );
}

#[test]
fn namespaces_made_by_nsh_and_by_iproute2_are_interchangeable() {
    if !need_root("namespaces_made_by_nsh_and_by_iproute2_are_interchangeable") {
        return;
    }
    let r = sandbox_bash(
        r#"
N="$NSHBIN/ip"
NSH_NATIVE=1 $N netns add mine || echo "add failed"
ip netns add theirs
ip netns exec mine ip link set lo up && echo "real exec into nsh's: ok"
NSH_NATIVE=1 $N netns exec theirs ip link set lo up && echo "nsh exec into iproute2's: ok"
ip -n theirs -br link show lo
NSH_NATIVE=1 $N -n mine -br link show lo
ip netns | sort
NSH_NATIVE=1 $N netns del theirs; ip netns del mine
ls -A /run/netns | wc -l
grep -c /run/netns /proc/self/mountinfo
"#,
    );
    assert_eq!(
        r.stdout,
        "real exec into nsh's: ok\nnsh exec into iproute2's: ok\n\
         lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n\
         lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n\
         mine\ntheirs\n0\n1\n",
        "{}",
        r.stderr
    );
}

/// Two namespaces made by nsh on a veth pair, and two more on a bridge,
/// ping each other (nsh's own ping; only addresses of this sandbox).
#[test]
fn namespaces_made_by_nsh_reach_each_other() {
    if !need_root("namespaces_made_by_nsh_reach_each_other") {
        return;
    }
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let script = r#"
ip netns add red
ip netns add blue
ip link add veth-red type veth peer name veth-blue
ip link set veth-red netns red
ip link set veth-blue netns blue
ip -n red addr add 10.77.0.1/24 dev veth-red
ip -n blue addr add 10.77.0.2/24 dev veth-blue
ip -n red link set veth-red up
ip -n blue link set veth-blue up
ip netns exec red ping -c 1 -W 2 10.77.0.2 >/dev/null && echo "veth: ok"
ip link add br0 type bridge
ip link set br0 up
for n in 1 2; do
  ip netns add ns$n
  ip link add v$n type veth peer name e$n netns ns$n
  ip link set v$n master br0
  ip link set v$n up
  ip -n ns$n addr add 10.78.0.$n/24 dev e$n
  ip -n ns$n link set e$n up
done
ip netns exec ns1 ping -c 1 -W 2 10.78.0.2 >/dev/null && echo "bridge: ok"
for n in red blue ns1 ns2; do ip netns del $n; done
ip netns
"#;
    let r = run_script_with(&[&nsh, "--native"], script, &[], true);
    assert_eq!(
        (r.stdout.as_str(), r.status),
        ("veth: ok\nbridge: ok\n", 0),
        "{}",
        r.stderr
    );
}

/// 200 namespaces added, used (a socket opened inside each) and deleted by
/// one nsh process leave no mount, file descriptor or thread behind.
#[test]
fn adding_and_deleting_200_namespaces_leaks_nothing() {
    if !need_root("adding_and_deleting_200_namespaces_leaks_nothing") {
        return;
    }
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let script = r#"
# (Pipes are left out: the shell closes its end of the `$(count)` pipe
# just after the fork, which the count may or may not see.)
count() { echo "fds=$(find /proc/$$/fd -mindepth 1 ! -lname 'pipe:*' | wc -l) mounts=$(wc -l < /proc/$$/mountinfo) threads=$(ls /proc/$$/task | wc -l)"; }
ip netns add warmup; ip -n warmup link set lo up; ip netns del warmup
before=$(count)
i=0
while [ $i -lt 200 ]; do
  ip netns add n$i
  ip -n n$i link set lo up
  ip netns exec n$i sysctl -q -w net.ipv4.ip_forward=1
  ip netns del n$i
  i=$((i + 1))
done
after=$(count)
echo "$before"
[ "$before" = "$after" ] && echo same || echo "after: $after"
ls -A /run/netns | wc -l
"#;
    let r = run_script_with(&[&nsh, "--native"], script, &[], true);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines.get(1..),
        Some(&["same", "0"][..]),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
}

/// `ip -all netns exec` and friends inside an nsh script, against the same
/// script under bash + iproute2.
#[test]
fn netns_script_matches_bash() {
    if !need_root("netns_script_matches_bash") {
        return;
    }
    let script = r#"
ip netns add a
ip netns add b
ip netns
ip -all netns exec ip -br link show lo; echo "st=$?"
ip -all netns exec sh -c 'echo inside; exit 4'; echo "st=$?"
ip netns exec a false; echo "st=$?"
ip netns exec a ip netns identify
ip netns add a; echo "st=$?"
ip -all netns del; echo "st=$?"
ip netns; echo "st=$?"
"#;
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let real = run_script_with(&["bash"], script, &[], true);
    let ours = run_script_with(&[&nsh, "--native"], script, &[], true);
    assert_eq!(ours, real);
}

/// nsh's `netns enter NS` in a script: natives and programs act in NS as
/// under iproute2's `ip netns exec NS` (compared with the real tools), until
/// `netns leave`; errors and usage.
#[test]
fn netns_enter_builtin_in_scripts() {
    if !need_root("netns_enter_builtin_in_scripts") {
        return;
    }
    let nsh = nsh_bin().to_str().expect("path").to_string();
    let script = r#"
T=$(mktemp -d)
ip netns add a
ip -n a link add brin0 type bridge
netns enter a
netns
ip -br link > $T/nsh-link
ls /sys/class/net > $T/nsh-sys
cat /proc/net/dev | cut -d: -f1 | sort > $T/nsh-dev
sysctl net.ipv4.ip_forward > $T/nsh-sysctl
netns leave
netns
/usr/sbin/ip -n a -br link > $T/real-link
/usr/sbin/ip netns exec a ls /sys/class/net > $T/real-sys
/usr/sbin/ip netns exec a cat /proc/net/dev | cut -d: -f1 | sort > $T/real-dev
/usr/sbin/ip netns exec a /usr/sbin/sysctl net.ipv4.ip_forward > $T/real-sysctl
for f in link sys dev sysctl; do cmp -s $T/nsh-$f $T/real-$f && echo "$f same" || { echo "$f differs"; diff $T/nsh-$f $T/real-$f; }; done
ip link show brin0 >/dev/null 2>&1; echo "outside again: $?"
netns enter nosuch; echo "st=$?"
netns leave; echo "st=$?"
netns enter; echo "st=$?"
"#;
    let r = run_script_with(&[&nsh, "--native"], script, &[], true);
    assert_eq!(
        r.stdout,
        "a\nlink same\nsys same\ndev same\nsysctl same\noutside again: 1\nst=1\nst=1\nst=2\n",
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("netns: Cannot open network namespace \"nosuch\": No such file or directory"),
        "{}",
        r.stderr
    );
}

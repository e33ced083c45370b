//! `ping`: nsh's native one against iputils' on the same sandbox (two
//! namespaces joined by a veth pair), times masked; and the in-process path
//! with `NetCtx::netns` set.

use crate::common::{need_root, sandbox_bash};

/// Namespaces `a` (10.0.0.1) and `b` (10.0.0.2) joined by a veth pair.
const TWO_NS: &str = r#"ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set va up; ip -n b link set vb up; ip -n a link set lo up"#;

/// Run each `ping` argument list through iputils and through
/// `$NSHBIN/ping` (both under `prefix`), with times masked, and fail on any
/// difference of output, errors or status.
fn same_as_iputils(test: &str, setup: &str, prefix: &str, cases: &[&str]) {
    if !need_root(test) {
        return;
    }
    let mut script = format!(
        r#"{setup}
d=$(mktemp -d)
mask() {{ sed -E 's/time=[0-9.]+ ms/time=X ms/; s/time [0-9]+ms/time Xms/; s#^rtt min/avg/max/mdev = .*#rtt X#'; }}
"#
    );
    for case in cases {
        script += &format!(
            r#"{prefix} ping {case} >$d/o1 2>$d/e1; r1=$?
{prefix} "$NSHBIN/ping" {case} >$d/o2 2>$d/e2; r2=$?
mask <$d/o1 >$d/m1; mask <$d/o2 >$d/m2
if ! cmp -s $d/m1 $d/m2 || ! cmp -s $d/e1 $d/e2 || [ $r1 != $r2 ]; then
  echo "DIFF for ping {case}: status $r1 vs $r2"; diff $d/m1 $d/m2; diff $d/e1 $d/e2
fi
"#
        );
    }
    let run = sandbox_bash(&script);
    assert_eq!(run.stdout, "", "stderr: {}", run.stderr);
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
}

#[test]
fn replies_between_namespaces_like_iputils() {
    same_as_iputils(
        "ping::replies_between_namespaces_like_iputils",
        TWO_NS,
        "ip netns exec a",
        &[
            "-c 2 -i 0.2 10.0.0.2",
            "-c 2 -i 0.2 -q 10.0.0.2",
            "-c 1 -s 100 10.0.0.2",
            "-c 1 -s 8 10.0.0.2",
            "-c 2 -i 0.2 -I va 10.0.0.2",
            "-c 1 -I 10.0.0.1 10.0.0.2",
            "-c 1 -n -4 10.0.0.2",
            "-i 0.05 -c 3 10.0.0.2",
            "10.0.0.2 -c 1 -W 2",
        ],
    );
}

#[test]
fn loopback_like_iputils() {
    same_as_iputils(
        "ping::loopback_like_iputils",
        "",
        "",
        &[
            "-c 2 -i 0.2 127.0.0.1",
            "-c 1 localhost",
            "-c 1 -s 0 127.0.0.1",
        ],
    );
}

#[test]
fn errors_like_iputils() {
    same_as_iputils(
        "ping::errors_like_iputils",
        TWO_NS,
        "ip netns exec a",
        &[
            // No route: `ping: connect: Network is unreachable`, status 2.
            "-c 1 192.168.1.1",
            "-c 1 -I nope 10.0.0.2",
            "",
            "-c 0 10.0.0.2",
            "-c x 10.0.0.2",
            "-Z 10.0.0.2",
        ],
    );
}

#[test]
fn no_reply_like_iputils() {
    // The peer is down: nothing answers, status 1. Each case has its own
    // target and a short wait, so that neither run lasts until the kernel
    // gives up resolving the neighbour (~3 s; then "Destination Host
    // Unreachable" errors would appear at a moment that depends on timing).
    same_as_iputils(
        "ping::no_reply_like_iputils",
        &format!("{TWO_NS}\nip -n b link set vb down"),
        "ip netns exec a",
        &["-c 1 -W 0.5 10.0.0.2", "-c 2 -i 0.2 -W 0.3 -q 10.0.0.9"],
    );
}

#[test]
fn seed_lo_down_then_up() {
    // Tutorial 001: `ping 127.0.0.1` in a new namespace fails until lo is up.
    if !need_root("ping::seed_lo_down_then_up") {
        return;
    }
    let run = sandbox_bash(
        r#"ip netns add n
ip netns exec n "$NSHBIN/ping" -c 1 127.0.0.1; echo "status $?"
ip -n n link set lo up
ip netns exec n "$NSHBIN/ping" -c 1 127.0.0.1 | sed -n 2p | sed -E 's/time=.*//'; echo "status ${PIPESTATUS[0]}""#,
    );
    assert_eq!(
        run.stdout,
        "status 2\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 \nstatus 0\n"
    );
    assert_eq!(run.stderr, "ping: connect: Network is unreachable\n");
}

/// The in-process path with `NetCtx::netns` set (as the shell runs `ip
/// netns exec NS ping …`), in a throwaway namespace held by a child
/// process; the test runs on a thread in a private namespace of its own.
#[test]
fn in_process_with_ctx_netns() {
    if !need_root("ping::in_process_with_ctx_netns") {
        return;
    }
    crate::common::in_private_netns(in_process_body);
}

fn in_process_body() {
    let holder = crate::common::NetnsHolder::new();
    let pid = holder.pid;
    let ping = |args: &[&str]| holder.run_native(nsh::native::ping::run, args);
    // Loopback is down in the new namespace (and up in ours: lo of the
    // test thread's namespace is down too, so use the error to tell).
    let down = ping(&["-c", "1", "127.0.0.1"]);
    assert_eq!(
        down,
        (
            String::new(),
            "ping: connect: Network is unreachable\n".into(),
            2
        )
    );
    let st = std::process::Command::new("nsenter")
        .arg(format!("--net=/proc/{pid}/ns/net"))
        .args(["ip", "link", "set", "lo", "up"])
        .status()
        .expect("nsenter");
    assert!(st.success());
    let (out, err, status) = ping(&["-c", "1", "127.0.0.1"]);
    assert_eq!((err.as_str(), status), ("", 0), "{out}");
    assert!(
        out.starts_with(
            "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time="
        ),
        "{out}"
    );
    assert!(
        out.contains("\n--- 127.0.0.1 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time "),
        "{out}"
    );
}

#[test]
fn destination_host_unreachable_like_iputils() {
    // Nobody has 10.0.0.3: after neighbour resolution fails (~3 s) the
    // kernel reports each queued probe; iputils prints `From 10.0.0.1
    // icmp_seq=N Destination Host Unreachable`, counts errors and exits 1.
    // The neighbour cache is flushed between the runs so both start fresh.
    if !need_root("ping::destination_host_unreachable_like_iputils") {
        return;
    }
    let run = sandbox_bash(&format!(
        r#"{TWO_NS}
d=$(mktemp -d)
mask() {{ sed -E 's/time [0-9]+ms/time Xms/'; }}
ip netns exec a ping -c 3 -i 0.3 10.0.0.3 2>&1 | mask >$d/o1; r1=${{PIPESTATUS[0]}}
ip -n a neigh flush dev va
ip netns exec a "$NSHBIN/ping" -c 3 -i 0.3 10.0.0.3 2>&1 | mask >$d/o2; r2=${{PIPESTATUS[0]}}
diff $d/o1 $d/o2 && echo "status $r1 $r2" && grep -c 'Destination Host Unreachable' $d/o2"#
    ));
    assert_eq!(run.stdout, "status 1 1\n3\n", "{}", run.stderr);
}

#[test]
fn interrupt_prints_statistics() {
    // Ctrl-C (SIGINT) ends an endless ping with the statistics block and
    // status 0 when replies came, as iputils does; even as a background job
    // of a non-interactive shell, where SIGINT starts out ignored.
    if !need_root("ping::interrupt_prints_statistics") {
        return;
    }
    let run = sandbox_bash(
        r#"out=$(mktemp)
"$NSHBIN/ping" -i 0.2 127.0.0.1 > $out & p=$!
sleep 0.7; kill -INT $p; wait $p; echo "status $?"
grep -c '^64 bytes from 127.0.0.1: icmp_seq=' $out | sed 's/^[1-9][0-9]*$/some/'
grep -A1 -- '--- 127.0.0.1 ping statistics ---' $out | sed -E 's/[0-9]+ (packets|received)/N \1/g; s/time [0-9]+ms/time Xms/'"#,
    );
    assert_eq!(
        run.stdout,
        "status 0\nsome\n--- 127.0.0.1 ping statistics ---\nN packets transmitted, N received, 0% packet loss, time Xms\n",
        "{}",
        run.stderr
    );
}

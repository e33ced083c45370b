//! The tutorial scripts in scripts/: each run under bash with the real tools
//! and under nsh, each in its own sandbox; their outputs and the kernel state
//! they leave (dumped by the real tools) must be equal. Also end-to-end: the
//! outcomes each tutorial describes.

use crate::common::{need_root, nsh_bin, sandbox};

/// Dump the state a script left, with the real tools, in the root namespace
/// and in every named namespace.
const DUMP: &str = r#"
dump() {
  ip -d link show
  ip addr show
  ip -4 route show table all
  # link-local routes appear when DAD ends: timing, not state
  ip -6 route show table all | grep -v fe80 | sort
  # dynamic neighbour entries come and go with timing: only permanent ones
  ip neigh show nud permanent
  iptables-save | grep -v '^#'
  nft list ruleset
  sysctl net.ipv4.ip_forward
  for f in /proc/sys/net/ipv4/conf/*/route_localnet; do echo "$f $(cat $f)"; done
}
echo "=== root"; dump
for ns in $(ls /run/netns); do echo "=== netns $ns"; ip netns exec "$ns" sh -c "$(declare -f dump); dump"; done
"#;

/// Replace what differs from run to run on the same machine: MAC
/// addresses, IPv6 link-local addresses (derived from MACs), ping times,
/// TCP source ports, packet counters, bridge ids.
fn mask(s: &str) -> String {
    let rules: &[(&str, &str)] = &[
        (
            r"(bridge_id|designated_root|designated_bridge|root_id) [0-9a-f.:]+",
            "$1 ID",
        ),
        (r"8000\.[0-9a-f:]+", "8000.BRID"),
        (r" tentative", ""),
        // A link-local address appears a moment after its link comes up:
        // nsh, quicker than bash + ip, may list the link before it has one.
        (
            r"(?m)^ +inet6 fe80::[0-9a-f:]+/64 scope link[^\n]*\n( +valid_lft forever preferred_lft forever\n)?",
            "",
        ),
        (r"([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC"),
        (r"fe80::[0-9a-f:]+", "fe80::LL"),
        (r"time=[0-9.]+ ms", "time=T ms"),
        (r"time [0-9]+ms", "time Tms"),
        // `, pipe N` when a reply is late (a loaded machine): timing only.
        (
            r"rtt min/avg/max/mdev = [0-9./]+ ms(, pipe [0-9]+)?",
            "rtt T",
        ),
        (r"RemoteAddr: ([0-9.]+):[0-9]+", "RemoteAddr: $1:PORT"),
        (r"\[[0-9]+:[0-9]+\]", "[C]"),
        (r"packets [0-9]+ bytes [0-9]+", "packets P bytes B"),
        (
            r"(hello_timer|tcn_timer|topology_change_timer|gc_timer|hold_timer|message_age_timer|forward_delay_timer)\s+[0-9.]+",
            "$1 T",
        ),
        (r"used [0-9/]+ probes [0-9]+", "used U"),
        (r" (REACHABLE|STALE|DELAY|PROBE)", " NUD"),
    ];
    let mut out = s.to_string();
    for (re, rep) in rules {
        out = regex::Regex::new(re)
            .expect("regex")
            .replace_all(&out, *rep)
            .into_owned();
    }
    out
}

fn scripts_dir() -> String {
    format!("{}/scripts", env!("CARGO_MANIFEST_DIR"))
}

/// Run `scripts/NAME` under `interp` in a fresh sandbox, then dump state.
/// (Files go to the sandbox's private /run: /tmp is shared by parallel tests.)
fn run_and_dump(interp: &str, name: &str) -> (String, String) {
    let script = format!(
        "{interp} {dir}/{name} > /run/out 2>&1; echo \"exit status $?\" >> /run/out\n{DUMP} > /run/state 2>&1\ncat /run/out; echo '@@@@'; cat /run/state",
        dir = scripts_dir()
    );
    let run = sandbox(&["bash", "-c", &script], "");
    let (out, state) = run.stdout.split_once("@@@@\n").unwrap_or((&run.stdout, ""));
    (mask(out), mask(state))
}

fn same_under_bash_and_nsh(name: &str) {
    if !need_root(name) {
        return;
    }
    let (bash_out, bash_state) = run_and_dump("bash", name);
    // NSH_SCRIPTS_SELFCHECK=bash checks the harness itself: bash against
    // bash must compare equal (what the masks hide is only run-to-run noise).
    let nsh = std::env::var("NSH_SCRIPTS_SELFCHECK")
        .unwrap_or_else(|_| nsh_bin().to_str().expect("path").to_string());
    let (nsh_out, nsh_state) = run_and_dump(&nsh, name);
    pretty_eq(name, "output", &bash_out, &nsh_out);
    pretty_eq(name, "state", &bash_state, &nsh_state);
}

fn pretty_eq(name: &str, what: &str, bash: &str, nsh: &str) {
    if bash != nsh {
        let b: Vec<&str> = bash.lines().collect();
        let n: Vec<&str> = nsh.lines().collect();
        let first = b
            .iter()
            .zip(&n)
            .position(|(x, y)| x != y)
            .unwrap_or(b.len().min(n.len()));
        panic!(
            "{name}: {what} differs from bash at line {}\n--- bash:\n{}\n--- nsh:\n{}\n",
            first + 1,
            b[first.saturating_sub(3)..(first + 5).min(b.len())].join("\n"),
            n[first.saturating_sub(3)..(first + 5).min(n.len())].join("\n"),
        );
    }
}

#[test]
fn demo1_ex5_same_as_bash() {
    same_under_bash_and_nsh("demo1-ex5.sh");
}

#[test]
fn fun_with_netns_same_as_bash() {
    same_under_bash_and_nsh("fun-with-netns.sh");
}

#[test]
fn netns_bridge_same_as_bash() {
    same_under_bash_and_nsh("netns-bridge.sh");
}

#[test]
fn practical_netns_same_as_bash() {
    same_under_bash_and_nsh("practical-netns.sh");
}

#[test]
fn red_blue_same_as_bash() {
    same_under_bash_and_nsh("red-blue.sh");
}

/// The outcomes the tutorial describes, step by step, from the output of
/// demo1-ex5.sh (which runs ex1..ex4 first).
fn check_demo1_outcomes(out: &str) {
    let step = |title: &str| -> &str {
        let start = out
            .find(&format!("## {title}"))
            .unwrap_or_else(|| panic!("no step {title:?} in:\n{out}"));
        let rest = &out[start + 3 + title.len()..];
        &rest[..rest.find("\n## ").unwrap_or(rest.len())]
    };
    // ex1: down interfaces: unreachable; after bringing them up: replies.
    assert!(step("Show communication between namespaces")
        .contains("ping: connect: Network is unreachable"));
    assert!(step("Retry ping").contains("2 packets transmitted, 2 received, 0% packet loss"));
    // ex2: the host is reachable once the bridge has an address and routes.
    assert!(step("Show failure to communicate with host").contains("Network is unreachable"));
    assert!(step("Show successful communication with host").contains("2 received"));
    // ex3: no forwarding / no NAT: no answer; with MASQUERADE: answers.
    assert!(step("Show failure to communicate with remote address").contains("100% packet loss"));
    assert!(step("Still no answer").contains("100% packet loss"));
    assert!(step("Show successful communication with remote address").contains("2 received"));
    // ex4: DNAT reaches the server; from localhost only with route_localnet
    // + MASQUERADE of 127.0.0.1, and then the server sees the bridge address.
    assert!(
        step("Access the service using the address of ns1").contains("RemoteAddr: 192.168.255.1:")
    );
    assert!(step("Show successful access from a").contains("RemoteAddr: 192.168.121.1:"));
    assert!(step("Access from local host to public address").contains("curl exit status: 7"));
    assert!(step("Add an OUTPUT rule").contains("Host: 192.168.121.67:8080"));
    assert!(step("Access from local host to localhost").contains("curl exit status: 28"));
    assert!(step("Still fails").contains("curl exit status: 28"));
    let masq = step("Masquerade traffic from 127.0.0.1");
    assert!(masq.contains("-A POSTROUTING -s 127.0.0.1/32 -d 192.168.255.0/24 -j MASQUERADE"));
    assert!(masq.contains("RemoteAddr: 192.168.255.1:") && masq.contains("Host: localhost:8080"));
    // ex5: socat proxies both addresses (when socat is installed).
    let proxy = step("Configure a tcp proxy");
    if !proxy.contains("socat is not installed") {
        assert!(
            proxy.contains("Host: 192.168.121.67:8080") && proxy.contains("Host: localhost:8080")
        );
    }
}

#[test]
fn demo1_outcomes_under_bash() {
    // The script itself is right: the real tools give the tutorial's results.
    if !need_root("demo1_outcomes_under_bash") {
        return;
    }
    let script = format!("{}/demo1-ex5.sh", scripts_dir());
    let run = sandbox(&["sh", "-c", "exec \"$@\" 2>&1", "sh", "bash", &script], "");
    check_demo1_outcomes(&run.stdout);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn demo1_outcomes_under_nsh_sandbox() {
    // `nsh --sandbox` alone, no outside sandbox: nothing reaches the host.
    if !need_root("demo1_outcomes_under_nsh_sandbox") {
        return;
    }
    let nsh = nsh_bin().to_str().expect("path");
    let script = format!("{}/demo1-ex5.sh", scripts_dir());
    let run = crate::common::run(
        &[
            "sh",
            "-c",
            "exec \"$@\" 2>&1",
            "sh",
            nsh,
            "--sandbox",
            &script,
        ],
        "",
    );
    check_demo1_outcomes(&run.stdout);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

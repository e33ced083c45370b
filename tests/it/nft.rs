//! nf_tables backend: rules written by nsh are the rules iptables-nft 1.8.9
//! writes (compared with the real `nft --debug=netlink` and
//! `iptables-save`), rules written by the real iptables decode to the same
//! model, and the rules act on packets.
//!
//! These tests drive `nsh::backend::nft` directly in a sandbox namespace
//! (a held-open `unshare` process, reached as `NetnsRef::Pid`), so they do
//! not depend on the iptables argv front.

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};

use nsh::backend::netns::NetnsRef;
use nsh::backend::nft::{IptEntry, NatRange, Nft, Op, XtMatch, XtTarget};

use crate::common;

/// A sandbox (network + mount namespace) kept alive while the test runs.
struct Held {
    child: Child,
    pid: i32,
}

impl Held {
    fn new() -> Held {
        let mut child = Command::new("unshare")
            .args(["--net", "--mount", "--propagation", "private", "--fork", "--kill-child", "--", "sh", "-c"])
            .arg("mount -t tmpfs t /run; mkdir -p /run/netns; ip link set lo up; echo $$; exec sleep 600")
            .stdout(Stdio::piped())
            .spawn()
            .expect("unshare");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("pid");
        Held {
            child,
            pid: line.trim().parse().expect("pid number"),
        }
    }

    fn ns(&self) -> NetnsRef {
        NetnsRef::Pid(self.pid)
    }

    /// Run a bash script inside the sandbox (real tools).
    fn bash(&self, script: &str) -> common::Run {
        let pid = self.pid.to_string();
        common::run(
            &["nsenter", "-t", &pid, "-n", "-m", "bash", "-c", script],
            "",
        )
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // The test server (if any) lives outside the sandbox's processes.
        let _ = self.bash("if [ -f /run/srv.pid ]; then kill $(cat /run/srv.pid); fi");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().expect("address")
}

fn any() -> [u16; 2] {
    [0, 0xffff]
}

/// (iptables argv, table, chain, the same rule as nsh's model).
fn cases() -> Vec<(&'static str, &'static str, &'static str, Option<IptEntry>)> {
    let e = IptEntry::default;
    let nat = |flags, a: &str, p0, p1| NatRange {
        flags,
        min_ip: ip(a),
        max_ip: ip(a),
        min_port: p0,
        max_port: p1,
    };
    vec![
        (
            "-t nat -A POSTROUTING -s 192.168.255.0/24 -o eth0 -j MASQUERADE",
            "nat",
            "POSTROUTING",
            Some(IptEntry {
                src: ip("192.168.255.0"),
                smsk: ip("255.255.255.0"),
                outiface: "eth0".into(),
                target: XtTarget::Masquerade(NatRange::default()),
                ..e()
            }),
        ),
        (
            "-t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80",
            "nat",
            "PREROUTING",
            Some(IptEntry {
                proto: 6,
                matches: vec![XtMatch::Tcp { spts: any(), dpts: [8080, 8080], invflags: 0 }],
                target: XtTarget::Dnat(nat(3, "10.0.0.2", 80, 80)),
                ..e()
            }),
        ),
        (
            "-t nat -A PREROUTING -d 1.1.1.1 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2",
            "nat",
            "PREROUTING",
            Some(IptEntry {
                dst: ip("1.1.1.1"),
                dmsk: ip("255.255.255.255"),
                proto: 6,
                matches: vec![XtMatch::Tcp { spts: any(), dpts: [80, 80], invflags: 0 }],
                target: XtTarget::Dnat(nat(1, "10.0.0.2", 0, 0)),
                ..e()
            }),
        ),
        (
            "-A FORWARD -i br0 -o eth0 -m state --state RELATED,ESTABLISHED -j ACCEPT",
            "filter",
            "FORWARD",
            Some(IptEntry {
                iniface: "br0".into(),
                outiface: "eth0".into(),
                matches: vec![XtMatch::Conntrack {
                    match_flags: 0x2001,
                    invert_flags: 0,
                    state_mask: 6,
                    status_mask: 0,
                    raw: vec![],
                }],
                target: XtTarget::Accept,
                ..e()
            }),
        ),
        (
            "-A FORWARD -m conntrack --ctstate NEW -p udp --sport 53 -j DROP",
            "filter",
            "FORWARD",
            Some(IptEntry {
                proto: 17,
                matches: vec![
                    XtMatch::Conntrack { match_flags: 1, invert_flags: 0, state_mask: 8, status_mask: 0, raw: vec![] },
                    XtMatch::Udp { spts: [53, 53], dpts: any(), invflags: 0 },
                ],
                target: XtTarget::Drop,
                ..e()
            }),
        ),
        ("-P FORWARD DROP", "filter", "FORWARD", None),
        ("-N MYCH", "filter", "MYCH", None),
        (
            "-A INPUT -p tcp -m multiport --dports 22,80 -m comment --comment 'hi there' -j MYCH",
            "filter",
            "INPUT",
            Some(IptEntry {
                proto: 6,
                matches: vec![
                    XtMatch::Multiport { flags: 1, ports: vec![22, 80], pflags: vec![0, 0], invert: false },
                    XtMatch::Comment("hi there".into()),
                ],
                target: XtTarget::Jump("MYCH".into()),
                ..e()
            }),
        ),
        (
            "-A INPUT -p icmp --icmp-type echo-request -j REJECT --reject-with icmp-host-prohibited",
            "filter",
            "INPUT",
            Some(IptEntry {
                proto: 1,
                matches: vec![XtMatch::Icmp { icmp_type: 8, code: [0, 255], invflags: 0 }],
                target: XtTarget::Reject { with: 6 },
                ..e()
            }),
        ),
        (
            "-A INPUT -m addrtype --dst-type LOCAL -j LOG --log-prefix 'x: '",
            "filter",
            "INPUT",
            Some(IptEntry {
                matches: vec![XtMatch::Addrtype { source: 0, dest: 4, flags: 0 }],
                target: XtTarget::Log { level: 4, logflags: 0, prefix: "x: ".into() },
                ..e()
            }),
        ),
        (
            "-t nat -A OUTPUT -p tcp --dport 1000:2000 -j REDIRECT --to-ports 80",
            "nat",
            "OUTPUT",
            Some(IptEntry {
                proto: 6,
                matches: vec![XtMatch::Tcp { spts: any(), dpts: [1000, 2000], invflags: 0 }],
                target: XtTarget::Redirect(nat(2, "0.0.0.0", 80, 80)),
                ..e()
            }),
        ),
        (
            "-t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4",
            "nat",
            "POSTROUTING",
            Some(IptEntry { target: XtTarget::Snat(nat(1, "1.2.3.4", 0, 0)), ..e() }),
        ),
        (
            "-A INPUT ! -s 10.0.0.0/255.0.0.0 -i veth+ -j RETURN",
            "filter",
            "INPUT",
            Some(IptEntry {
                src: ip("10.0.0.0"),
                smsk: ip("255.0.0.0"),
                iniface: "veth+".into(),
                invflags: 0x08,
                target: XtTarget::Return,
                ..e()
            }),
        ),
        (
            "-A INPUT -p 47 -g MYCH",
            "filter",
            "INPUT",
            Some(IptEntry { proto: 47, target: XtTarget::Goto("MYCH".into()), ..e() }),
        ),
        (
            "-A INPUT -p tcp --sport 22 --dport 80 -j ACCEPT",
            "filter",
            "INPUT",
            Some(IptEntry {
                proto: 6,
                matches: vec![XtMatch::Tcp { spts: [22, 22], dpts: [80, 80], invflags: 0 }],
                target: XtTarget::Accept,
                ..e()
            }),
        ),
        (
            "-A INPUT -p udp ! --sport 1:2 -j ACCEPT",
            "filter",
            "INPUT",
            Some(IptEntry {
                proto: 17,
                matches: vec![XtMatch::Udp { spts: [1, 2], dpts: any(), invflags: 1 }],
                target: XtTarget::Accept,
                ..e()
            }),
        ),
        (
            "-A INPUT ! -p tcp -j ACCEPT",
            "filter",
            "INPUT",
            Some(IptEntry { proto: 6, invflags: 0x40, target: XtTarget::Accept, ..e() }),
        ),
        (
            "-A INPUT -s 10.1.0.0/20 -d 5.6.7.8 -j ACCEPT",
            "filter",
            "INPUT",
            Some(IptEntry {
                src: ip("10.1.0.0"),
                smsk: ip("255.255.240.0"),
                dst: ip("5.6.7.8"),
                dmsk: ip("255.255.255.255"),
                target: XtTarget::Accept,
                ..e()
            }),
        ),
        ("-A INPUT -j REJECT", "filter", "INPUT", Some(IptEntry { target: XtTarget::Reject { with: 3 }, ..e() })),
        (
            "-A INPUT -j LOG",
            "filter",
            "INPUT",
            Some(IptEntry { target: XtTarget::Log { level: 4, logflags: 0, prefix: String::new() }, ..e() }),
        ),
        (
            "-A INPUT -p tcp -m multiport --sports 1000:2000,80 -j ACCEPT",
            "filter",
            "INPUT",
            Some(IptEntry {
                proto: 6,
                matches: vec![XtMatch::Multiport { flags: 0, ports: vec![1000, 2000, 80], pflags: vec![1, 0, 0], invert: false }],
                target: XtTarget::Accept,
                ..e()
            }),
        ),
        (
            "-t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000",
            "nat",
            "POSTROUTING",
            Some(IptEntry { proto: 6, target: XtTarget::Masquerade(nat(2, "0.0.0.0", 1000, 2000)), ..e() }),
        ),
        (
            "-t nat -A PREROUTING -p udp --dport 53 -j DNAT --to-destination 10.0.0.1-10.0.0.5:100-200",
            "nat",
            "PREROUTING",
            Some(IptEntry {
                proto: 17,
                matches: vec![XtMatch::Udp { spts: any(), dpts: [53, 53], invflags: 0 }],
                target: XtTarget::Dnat(NatRange { max_ip: ip("10.0.0.5"), ..nat(3, "10.0.0.1", 100, 200) }),
                ..e()
            }),
        ),
        (
            "-t nat -A POSTROUTING -j SNAT --to-source 1.1.1.1-1.1.1.9",
            "nat",
            "POSTROUTING",
            Some(IptEntry { target: XtTarget::Snat(NatRange { max_ip: ip("1.1.1.9"), ..nat(1, "1.1.1.1", 0, 0) }), ..e() }),
        ),
        (
            "-A INPUT -p tcp -j REJECT --reject-with tcp-reset",
            "filter",
            "INPUT",
            Some(IptEntry { proto: 6, target: XtTarget::Reject { with: 7 }, ..e() }),
        ),
        (
            "-A INPUT -j LOG --log-level 6 --log-prefix p",
            "filter",
            "INPUT",
            Some(IptEntry { target: XtTarget::Log { level: 6, logflags: 0, prefix: "p".into() }, ..e() }),
        ),
        (
            "-A INPUT -m conntrack ! --ctstate INVALID -j ACCEPT",
            "filter",
            "INPUT",
            Some(IptEntry {
                matches: vec![XtMatch::Conntrack { match_flags: 1, invert_flags: 1, state_mask: 1, status_mask: 0, raw: vec![] }],
                target: XtTarget::Accept,
                ..e()
            }),
        ),
        (
            "-A FORWARD ! -i lo ! -o eth+ -j DROP",
            "filter",
            "FORWARD",
            Some(IptEntry { iniface: "lo".into(), outiface: "eth+".into(), invflags: 3, target: XtTarget::Drop, ..e() }),
        ),
        (
            "-A INPUT -p icmp --icmp-type 3/1 -j DROP",
            "filter",
            "INPUT",
            Some(IptEntry {
                proto: 1,
                matches: vec![XtMatch::Icmp { icmp_type: 3, code: [1, 1], invflags: 0 }],
                target: XtTarget::Drop,
                ..e()
            }),
        ),
        (
            "-A INPUT -d 10.0.0.0/255.255.0.255 -p tcp --dport 1000: -j DROP",
            "filter",
            "INPUT",
            Some(IptEntry {
                dst: ip("10.0.0.0"),
                dmsk: ip("255.255.0.255"),
                proto: 6,
                matches: vec![XtMatch::Tcp { spts: any(), dpts: [1000, 65535], invflags: 0 }],
                target: XtTarget::Drop,
                ..e()
            }),
        ),
        ("-A OUTPUT", "filter", "OUTPUT", Some(e())),
        ("-t mangle -A PREROUTING -j ACCEPT", "mangle", "PREROUTING", Some(IptEntry { target: XtTarget::Accept, ..e() })),
        ("-t raw -A OUTPUT -j DROP", "raw", "OUTPUT", Some(IptEntry { target: XtTarget::Drop, ..e() })),
    ]
}

fn op_for(argv: &str, table: &str, chain: &str, entry: &Option<IptEntry>) -> Op {
    let (table, chain) = (table.to_string(), chain.to_string());
    match entry {
        Some(e) => Op::Append {
            table,
            chain,
            rule: e.to_rule(),
        },
        None if argv.starts_with("-P") => Op::Policy {
            table,
            chain,
            accept: false,
        },
        None => Op::NewChain { table, chain },
    }
}

/// What the real tools show, handles and dates masked.
const LISTING: &str = r#"nft --debug=netlink list ruleset | sed -E 's/^(ip [a-z]+ [A-Z]+).*/\1/'
iptables-save | grep -v '^#'
for t in filter nat mangle raw; do iptables -t $t -S; iptables -t $t -L -n -v; done
"#;

#[test]
fn nft_rules_written_by_nsh_are_iptables_nft_rules() {
    if !common::need_root("nft_rules_written_by_nsh_are_iptables_nft_rules") {
        return;
    }
    let cases = cases();
    // The real iptables in one sandbox…
    let real = Held::new();
    let script: String = cases
        .iter()
        .map(|(argv, ..)| format!("iptables {argv} || echo FAILED {argv}\n"))
        .collect();
    let r = real.bash(&script);
    assert_eq!(
        (r.stdout.as_str(), r.stderr.as_str(), r.status),
        ("", "", 0)
    );
    // …nsh's backend in another, all in one transaction.
    let ours = Held::new();
    let mut nft = Nft::default();
    for (argv, table, chain, entry) in &cases {
        nft.queue(Some(&ours.ns()), op_for(argv, table, chain, entry))
            .unwrap_or_else(|e| panic!("{argv}: {e}"));
    }
    let failures = nft.commit_all();
    assert!(failures.is_empty(), "{failures:?}");
    let want = real.bash(LISTING);
    let got = ours.bash(LISTING);
    assert_eq!(got, want);
    assert!(
        want.stdout.contains("target name DNAT rev 2"),
        "{}",
        want.stdout
    );

    // Rules the real iptables wrote decode to the model.
    let mut nft = Nft::default();
    let rs = nft.ruleset(Some(&real.ns())).expect("dump").clone();
    for (table, chain) in [
        ("filter", "INPUT"),
        ("filter", "FORWARD"),
        ("filter", "OUTPUT"),
        ("nat", "POSTROUTING"),
        ("nat", "PREROUTING"),
        ("nat", "OUTPUT"),
        ("mangle", "PREROUTING"),
        ("raw", "OUTPUT"),
    ] {
        let want: Vec<IptEntry> = cases
            .iter()
            .filter(|(_, t, c, e)| *t == table && *c == chain && e.is_some())
            .filter_map(|(.., e)| e.clone())
            .collect();
        let got: Vec<IptEntry> = rs
            .table(table)
            .and_then(|t| t.chain(chain))
            .map(|c| {
                c.rules
                    .iter()
                    .map(|r| r.entry().expect("iptables-shaped"))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(got.len(), want.len(), "{table} {chain}");
        for (g, w) in got.iter().zip(&want) {
            // Strictly equal, not only the same rule: the decoder recovers the model.
            assert_eq!(g, w, "{table} {chain}");
        }
    }
}

fn rule(target: XtTarget) -> IptEntry {
    IptEntry {
        target,
        ..IptEntry::default()
    }
}

#[test]
fn nft_queued_commands_end_as_with_iptables() {
    if !common::need_root("nft_queued_commands_end_as_with_iptables") {
        return;
    }
    let real = Held::new();
    let r = real.bash(
        "set -e
        iptables -A INPUT -j ACCEPT
        iptables -A INPUT -p tcp -j DROP
        iptables -I INPUT 2 -p udp -j ACCEPT
        iptables -I INPUT -s 1.2.3.4 -j DROP
        iptables -R INPUT 3 -j RETURN
        iptables -D INPUT 1
        iptables -N A
        iptables -A A -j ACCEPT
        iptables -E A B
        iptables -A INPUT -j B
        iptables -N C
        iptables -X C
        iptables -F B
        iptables -A B -j DROP
        iptables -P INPUT DROP
        iptables -I INPUT 5 -j LOG
        iptables -t nat -A POSTROUTING -j MASQUERADE
        iptables -t nat -F",
    );
    assert_eq!(r.status, 0, "{r:?}");
    let ours = Held::new();
    let ns = ours.ns();
    let f = |s: &str| s.to_string();
    let tcp = IptEntry {
        proto: 6,
        target: XtTarget::Drop,
        ..IptEntry::default()
    };
    let udp = IptEntry {
        proto: 17,
        target: XtTarget::Accept,
        ..IptEntry::default()
    };
    let from = IptEntry {
        src: ip("1.2.3.4"),
        smsk: ip("255.255.255.255"),
        target: XtTarget::Drop,
        ..IptEntry::default()
    };
    let log = rule(XtTarget::Log {
        level: 4,
        logflags: 0,
        prefix: String::new(),
    });
    let ops = vec![
        Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: rule(XtTarget::Accept).to_rule(),
        },
        Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: tcp.to_rule(),
        },
        Op::Insert {
            table: f("filter"),
            chain: f("INPUT"),
            pos: 2,
            rule: udp.to_rule(),
        },
        Op::Insert {
            table: f("filter"),
            chain: f("INPUT"),
            pos: 1,
            rule: from.to_rule(),
        },
        Op::Replace {
            table: f("filter"),
            chain: f("INPUT"),
            pos: 3,
            rule: rule(XtTarget::Return).to_rule(),
        },
        Op::Delete {
            table: f("filter"),
            chain: f("INPUT"),
            pos: 1,
        },
        Op::NewChain {
            table: f("filter"),
            chain: f("A"),
        },
        Op::Append {
            table: f("filter"),
            chain: f("A"),
            rule: rule(XtTarget::Accept).to_rule(),
        },
        Op::RenameChain {
            table: f("filter"),
            old: f("A"),
            new: f("B"),
        },
        Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: rule(XtTarget::Jump(f("B"))).to_rule(),
        },
        Op::NewChain {
            table: f("filter"),
            chain: f("C"),
        },
        Op::DeleteChain {
            table: f("filter"),
            chain: Some(f("C")),
        },
        Op::Flush {
            table: f("filter"),
            chain: Some(f("B")),
        },
        Op::Append {
            table: f("filter"),
            chain: f("B"),
            rule: rule(XtTarget::Drop).to_rule(),
        },
        Op::Policy {
            table: f("filter"),
            chain: f("INPUT"),
            accept: false,
        },
        Op::Insert {
            table: f("filter"),
            chain: f("INPUT"),
            pos: 5,
            rule: log.to_rule(),
        },
        Op::Append {
            table: f("nat"),
            chain: f("POSTROUTING"),
            rule: rule(XtTarget::Masquerade(NatRange::default())).to_rule(),
        },
        Op::Flush {
            table: f("nat"),
            chain: None,
        },
    ];
    let mut nft = Nft::default();
    for op in ops {
        nft.queue(Some(&ns), op.clone())
            .unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    // The view already shows the result before the commit.
    let view = nft.ruleset(Some(&ns)).expect("view").clone();
    assert!(nft.has_pending());
    assert!(nft.commit_all().is_empty());
    let listing = "iptables-save | grep -v '^#'; iptables -S; iptables -t nat -S; nft list ruleset | grep -v handle";
    assert_eq!(ours.bash(listing), real.bash(listing));
    // A fresh dump decodes to the view nsh kept (handles aside).
    let mut fresh = Nft::default();
    let dumped = fresh.ruleset(Some(&ns)).expect("dump").clone();
    let strip = |rs: &nsh::backend::nft::Ruleset| -> Vec<(String, String, Vec<IptEntry>)> {
        rs.tables
            .iter()
            .flat_map(|t| {
                t.chains.iter().map(move |c| {
                    (
                        t.name.clone(),
                        c.name.clone(),
                        c.rules.iter().filter_map(|r| r.entry()).collect(),
                    )
                })
            })
            .collect()
    };
    let (mut a, mut b) = (strip(&view), strip(&dumped));
    a.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    b.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    assert_eq!(a, b);
}

#[test]
fn nft_rejected_batch_falls_back_to_one_command_at_a_time() {
    if !common::need_root("nft_rejected_batch_falls_back_to_one_command_at_a_time") {
        return;
    }
    let ours = Held::new();
    let ns = ours.ns();
    let f = |s: &str| s.to_string();
    let bad = rule(XtTarget::Other {
        name: f("NOSUCHTARGET"),
        rev: 0,
        info: vec![0; 8],
    });
    let mut nft = Nft::default();
    for r in [rule(XtTarget::Accept), bad, rule(XtTarget::Drop)] {
        nft.queue(
            Some(&ns),
            Op::Append {
                table: f("filter"),
                chain: f("INPUT"),
                rule: r.to_rule(),
            },
        )
        .expect("queue");
    }
    let failures = nft.commit_all();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        matches!(
            failures[0].error,
            nsh::backend::nft::NftError::Failed {
                action: "RULE_APPEND",
                errno: libc::ENOENT,
                ..
            }
        ),
        "{failures:?}"
    );
    let r = ours.bash("iptables -S INPUT");
    assert_eq!(
        r.stdout,
        "-P INPUT ACCEPT\n-A INPUT -j ACCEPT\n-A INPUT -j DROP\n"
    );
    // The view was re-read: the next command works.
    nft.queue(
        Some(&ns),
        Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: rule(XtTarget::Return).to_rule(),
        },
    )
    .expect("queue");
    assert!(nft.commit_all().is_empty());
    let r = ours.bash("iptables -S INPUT | tail -1");
    assert_eq!(r.stdout, "-A INPUT -j RETURN\n");
}

#[test]
fn nft_someone_else_changed_the_ruleset() {
    if !common::need_root("nft_someone_else_changed_the_ruleset") {
        return;
    }
    let ours = Held::new();
    let ns = ours.ns();
    let f = |s: &str| s.to_string();
    let mut nft = Nft::default();
    nft.queue(
        Some(&ns),
        Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: rule(XtTarget::Accept).to_rule(),
        },
    )
    .expect("queue");
    assert!(nft.commit_all().is_empty());
    // The real iptables adds a chain; nsh's next view must show it.
    assert_eq!(ours.bash("iptables -N OTHER").status, 0);
    let rs = nft.ruleset(Some(&ns)).expect("view");
    assert!(rs.table("filter").and_then(|t| t.chain("OTHER")).is_some());
    // Queued, then changed behind our back before the commit: the batch's
    // generation id no longer matches, the fallback still applies it.
    nft.queue(
        Some(&ns),
        Op::Append {
            table: f("filter"),
            chain: f("OTHER"),
            rule: rule(XtTarget::Drop).to_rule(),
        },
    )
    .expect("queue");
    assert_eq!(ours.bash("iptables -A INPUT -j RETURN").status, 0);
    assert!(nft.commit_all().is_empty());
    let r = ours.bash("iptables -S");
    assert_eq!(
        r.stdout,
        "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N OTHER\n-A INPUT -j ACCEPT\n-A INPUT -j RETURN\n-A OTHER -j DROP\n"
    );
}

/// Router (the sandbox itself) between namespaces `cli` (10.1.0.2) and
/// `srv` (10.2.0.2, a TCP server on port 80 that answers with the address
/// it sees the client as). `srv` has no route back to 10.1.0.0/24 unless
/// `srv_route` is set.
fn router(srv_route: bool) -> Held {
    let h = Held::new();
    let route = if srv_route {
        "ip -n srv route add default via 10.2.0.1"
    } else {
        "true"
    };
    let r = h.bash(&format!(
        r#"set -e
        ip netns add cli; ip netns add srv
        ip link add rcli type veth peer name cli0 netns cli
        ip link add rsrv type veth peer name srv0 netns srv
        ip addr add 10.1.0.1/24 dev rcli; ip link set rcli up
        ip addr add 10.2.0.1/24 dev rsrv; ip link set rsrv up
        ip -n cli addr add 10.1.0.2/24 dev cli0; ip -n cli link set cli0 up; ip -n cli link set lo up
        ip -n cli route add default via 10.1.0.1
        ip -n srv addr add 10.2.0.2/24 dev srv0; ip -n srv link set srv0 up; ip -n srv link set lo up
        {route}
        echo 1 > /proc/sys/net/ipv4/ip_forward
        cat > /run/srv.py <<'PY'
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80))
s.listen(5)
while True:
    c, a = s.accept()
    c.sendall(a[0].encode())
    c.close()
PY
        cat > /run/cli.py <<'PY'
import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
    print(c.recv(100).decode())
except OSError as e:
    print("failed")
PY
        ip netns exec srv timeout 120 python3 /run/srv.py </dev/null >/dev/null 2>&1 &
        echo $! > /run/srv.pid
        for i in $(seq 100); do ip netns exec srv ss -ltn | grep -q ':80 ' && break; sleep 0.05; done
        "#
    ));
    assert_eq!(r.status, 0, "{r:?}");
    h
}

fn connect(h: &Held, addr: &str, port: u16) -> String {
    h.bash(&format!(
        "ip netns exec cli python3 /run/cli.py {addr} {port}"
    ))
    .stdout
    .trim()
    .to_string()
}

fn append(nft: &mut Nft, h: &Held, table: &str, chain: &str, e: IptEntry) {
    let op = Op::Append {
        table: table.into(),
        chain: chain.into(),
        rule: e.to_rule(),
    };
    nft.queue(Some(&h.ns()), op).expect("queue");
    assert!(nft.commit_all().is_empty());
}

#[test]
fn nft_dnat_port_forward_reaches_the_server() {
    if !common::need_root("nft_dnat_port_forward_reaches_the_server") {
        return;
    }
    let h = router(true);
    assert_eq!(connect(&h, "10.2.0.2", 80), "10.1.0.2");
    assert_eq!(connect(&h, "10.1.0.1", 8080), "failed");
    let mut nft = Nft::default();
    let dnat = IptEntry {
        proto: 6,
        matches: vec![XtMatch::Tcp {
            spts: any(),
            dpts: [8080, 8080],
            invflags: 0,
        }],
        target: XtTarget::Dnat(NatRange {
            flags: 3,
            min_ip: ip("10.2.0.2"),
            max_ip: ip("10.2.0.2"),
            min_port: 80,
            max_port: 80,
        }),
        ..IptEntry::default()
    };
    append(&mut nft, &h, "nat", "PREROUTING", dnat);
    assert_eq!(connect(&h, "10.1.0.1", 8080), "10.1.0.2");
}

#[test]
fn nft_masquerade_rewrites_the_source() {
    if !common::need_root("nft_masquerade_rewrites_the_source") {
        return;
    }
    let h = router(false);
    // No route back from srv: without NAT the connection fails.
    assert_eq!(connect(&h, "10.2.0.2", 80), "failed");
    let mut nft = Nft::default();
    let masq = IptEntry {
        src: ip("10.1.0.0"),
        smsk: ip("255.255.255.0"),
        outiface: "rsrv".into(),
        target: XtTarget::Masquerade(NatRange::default()),
        ..IptEntry::default()
    };
    append(&mut nft, &h, "nat", "POSTROUTING", masq);
    assert_eq!(connect(&h, "10.2.0.2", 80), "10.2.0.1");
}

#[test]
fn nft_forward_drop_blocks_and_accept_reopens() {
    if !common::need_root("nft_forward_drop_blocks_and_accept_reopens") {
        return;
    }
    let h = router(true);
    assert_eq!(connect(&h, "10.2.0.2", 80), "10.1.0.2");
    let mut nft = Nft::default();
    let f = |s: &str| s.to_string();
    nft.queue(
        Some(&h.ns()),
        Op::Policy {
            table: f("filter"),
            chain: f("FORWARD"),
            accept: false,
        },
    )
    .expect("queue");
    assert!(nft.commit_all().is_empty());
    assert_eq!(connect(&h, "10.2.0.2", 80), "failed");
    let established = IptEntry {
        matches: vec![XtMatch::Conntrack {
            match_flags: 0x2001,
            invert_flags: 0,
            state_mask: 6,
            status_mask: 0,
            raw: vec![],
        }],
        target: XtTarget::Accept,
        ..IptEntry::default()
    };
    let out = IptEntry {
        iniface: f("rcli"),
        outiface: f("rsrv"),
        target: XtTarget::Accept,
        ..IptEntry::default()
    };
    for e in [established, out] {
        nft.queue(
            Some(&h.ns()),
            Op::Append {
                table: f("filter"),
                chain: f("FORWARD"),
                rule: e.to_rule(),
            },
        )
        .expect("queue");
    }
    assert!(nft.commit_all().is_empty());
    assert_eq!(connect(&h, "10.2.0.2", 80), "10.1.0.2");
}

#[test]
fn nft_zero_counters_as_iptables_z() {
    if !common::need_root("nft_zero_counters_as_iptables_z") {
        return;
    }
    let traffic = "ping -c 2 -i 0.2 -q 127.0.0.1 >/dev/null";
    let listing = "iptables -L -v -x -n; iptables-save -c | grep -v '^#'";
    let real = Held::new();
    let r = real.bash(&format!(
        "iptables -A INPUT -j ACCEPT; iptables -A OUTPUT -j ACCEPT; {traffic}; iptables -Z INPUT"
    ));
    assert_eq!(r.status, 0, "{r:?}");
    let ours = Held::new();
    let mut nft = Nft::default();
    let f = |s: &str| s.to_string();
    for chain in ["INPUT", "OUTPUT"] {
        append(&mut nft, &ours, "filter", chain, rule(XtTarget::Accept));
    }
    assert_eq!(ours.bash(traffic).status, 0);
    nft.queue(
        Some(&ours.ns()),
        Op::Zero {
            table: f("filter"),
            chain: Some(f("INPUT")),
        },
    )
    .expect("queue");
    assert!(nft.commit_all().is_empty());
    let want = real.bash(listing);
    assert!(want.stdout.contains("[0:0] -A INPUT -j ACCEPT"), "{want:?}");
    assert!(
        !want.stdout.contains("[0:0] -A OUTPUT -j ACCEPT"),
        "{want:?}"
    );
    assert_eq!(ours.bash(listing), want);
}

/// Benchmark, not a timed test: `cargo test --test it nft_bench -- --ignored --nocapture`.
/// M appends queued and committed as one transaction vs one iptables-restore.
#[test]
#[ignore]
fn nft_bench_appends() {
    if !common::need_root("nft_bench_appends") {
        return;
    }
    for m in [100usize, 1000, 5000, 20000] {
        let addr = |i: usize| Ipv4Addr::new(10, (i >> 16) as u8, (i >> 8) as u8, i as u8);
        let ours = Held::new();
        let t = std::time::Instant::now();
        let mut nft = Nft::default();
        for i in 0..m {
            let e = IptEntry {
                src: addr(i),
                smsk: ip("255.255.255.255"),
                target: XtTarget::Accept,
                ..IptEntry::default()
            };
            let op = Op::Append {
                table: "filter".into(),
                chain: "INPUT".into(),
                rule: e.to_rule(),
            };
            nft.queue(Some(&ours.ns()), op).expect("queue");
        }
        let queued = t.elapsed();
        assert!(nft.commit_all().is_empty());
        let nsh = t.elapsed();
        let real = Held::new();
        let input: String = std::iter::once("*filter\n".to_string())
            .chain((0..m).map(|i| format!("-A INPUT -s {} -j ACCEPT\n", addr(i))))
            .chain(std::iter::once("COMMIT\n".to_string()))
            .collect();
        std::fs::write("/tmp/nsh-bench-restore.txt", input).expect("write");
        let t = std::time::Instant::now();
        let r = real.bash("iptables-restore < /tmp/nsh-bench-restore.txt");
        let restore = t.elapsed();
        assert_eq!(r.status, 0, "{r:?}");
        let same =
            ours.bash("iptables-save | grep -v '^#'") == real.bash("iptables-save | grep -v '^#'");
        eprintln!("M={m}: nsh backend {nsh:?} (queueing {queued:?}), iptables-restore {restore:?}, same ruleset: {same}");
    }
}

#[test]
fn nft_deletes_rules_the_real_iptables_added() {
    if !common::need_root("nft_deletes_rules_the_real_iptables_added") {
        return;
    }
    let h = Held::new();
    let mut script = String::new();
    for (argv, ..) in cases() {
        script += &format!("iptables {argv}\n");
    }
    assert_eq!(h.bash(&script).status, 0);
    let mut nft = Nft::default();
    let ns = h.ns();
    // `-D CHAIN rule-spec` for every rule, as the front does it: find the
    // first rule of the view that is the same rule, delete it by position.
    for (_, table, chain, entry) in cases() {
        let Some(entry) = entry else { continue };
        let rs = nft.ruleset(Some(&ns)).expect("view");
        let pos = rs
            .table(table)
            .and_then(|t| t.chain(chain))
            .and_then(|c| {
                c.rules
                    .iter()
                    .position(|r| r.entry().is_some_and(|e| e.same_rule(&entry)))
            })
            .unwrap_or_else(|| panic!("{table} {chain}: {entry:?} not found"));
        let op = Op::Delete {
            table: table.into(),
            chain: chain.into(),
            pos: pos + 1,
        };
        nft.queue(Some(&ns), op).expect("queue");
    }
    assert!(nft.commit_all().is_empty());
    let r = h.bash("iptables-save | grep -- '^-A'; nft list ruleset | grep -c counter");
    assert_eq!(r.stdout, "0\n", "{r:?}");
}

#[test]
fn nft_restore_counters_as_iptables_restore_c() {
    if !common::need_root("nft_restore_counters_as_iptables_restore_c") {
        return;
    }
    let real = Held::new();
    let r = real.bash("printf '*filter\\n:INPUT DROP [5:300]\\n[7:420] -A INPUT -j ACCEPT\\nCOMMIT\\n' | iptables-restore -c");
    assert_eq!(r.status, 0, "{r:?}");
    let ours = Held::new();
    let mut nft = Nft::default();
    let ns = ours.ns();
    let f = |s: &str| s.to_string();
    let ops = [
        Op::Policy {
            table: f("filter"),
            chain: f("INPUT"),
            accept: false,
        },
        Op::ChainCounters {
            table: f("filter"),
            chain: f("INPUT"),
            packets: 5,
            bytes: 300,
        },
        Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: IptEntry {
                counters: (7, 420),
                ..rule(XtTarget::Accept)
            }
            .to_rule(),
        },
    ];
    for op in ops {
        nft.queue(Some(&ns), op).expect("queue");
    }
    assert!(nft.commit_all().is_empty());
    let listing = "iptables-save -c | grep -v '^#'; iptables -L -v -x -n";
    let want = real.bash(listing);
    assert!(want.stdout.contains(":INPUT DROP [5:300]"), "{want:?}");
    assert_eq!(ours.bash(listing), want);
}

#[test]
fn nft_queues_per_namespace() {
    if !common::need_root("nft_queues_per_namespace") {
        return;
    }
    let (a, b) = (Held::new(), Held::new());
    let mut nft = Nft::default();
    let f = |s: &str| s.to_string();
    for (h, t) in [
        (&a, XtTarget::Accept),
        (&b, XtTarget::Drop),
        (&a, XtTarget::Return),
    ] {
        let op = Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: rule(t).to_rule(),
        };
        nft.queue(Some(&h.ns()), op).expect("queue");
    }
    // Nothing reaches the kernel before the commit.
    assert_eq!(a.bash("iptables-save").stdout, "");
    assert!(nft.commit_all().is_empty());
    assert_eq!(
        a.bash("iptables -S INPUT").stdout,
        "-P INPUT ACCEPT\n-A INPUT -j ACCEPT\n-A INPUT -j RETURN\n"
    );
    assert_eq!(
        b.bash("iptables -S INPUT").stdout,
        "-P INPUT ACCEPT\n-A INPUT -j DROP\n"
    );
}

#[test]
fn nft_errors_are_worded_as_iptables() {
    if !common::need_root("nft_errors_are_worded_as_iptables") {
        return;
    }
    let f = |s: &str| s.to_string();
    let flt = || f("filter");
    let acc = || rule(XtTarget::Accept).to_rule();
    let cases: Vec<(&str, Op)> = vec![
        (
            "-A NOSUCH -j ACCEPT",
            Op::Append {
                table: flt(),
                chain: f("NOSUCH"),
                rule: acc(),
            },
        ),
        (
            "-I INPUT 5 -j ACCEPT",
            Op::Insert {
                table: flt(),
                chain: f("INPUT"),
                pos: 5,
                rule: acc(),
            },
        ),
        (
            "-A INPUT -j ACCEPT",
            Op::Append {
                table: flt(),
                chain: f("INPUT"),
                rule: acc(),
            },
        ),
        (
            "-I INPUT 3 -j ACCEPT",
            Op::Insert {
                table: flt(),
                chain: f("INPUT"),
                pos: 3,
                rule: acc(),
            },
        ),
        (
            "-D INPUT 9",
            Op::Delete {
                table: flt(),
                chain: f("INPUT"),
                pos: 9,
            },
        ),
        (
            "-R INPUT 9 -j ACCEPT",
            Op::Replace {
                table: flt(),
                chain: f("INPUT"),
                pos: 9,
                rule: acc(),
            },
        ),
        (
            "-R FORWARD 1 -j ACCEPT",
            Op::Replace {
                table: flt(),
                chain: f("FORWARD"),
                pos: 1,
                rule: acc(),
            },
        ),
        (
            "-D FORWARD 1",
            Op::Delete {
                table: flt(),
                chain: f("FORWARD"),
                pos: 1,
            },
        ),
        (
            "-I FORWARD 2 -j ACCEPT",
            Op::Insert {
                table: flt(),
                chain: f("FORWARD"),
                pos: 2,
                rule: acc(),
            },
        ),
        (
            "-R INPUT 9 -j ACCEPT",
            Op::Replace {
                table: flt(),
                chain: f("INPUT"),
                pos: 9,
                rule: acc(),
            },
        ),
        (
            "-N A",
            Op::NewChain {
                table: flt(),
                chain: f("A"),
            },
        ),
        (
            "-N A",
            Op::NewChain {
                table: flt(),
                chain: f("A"),
            },
        ),
        (
            "-N INPUT",
            Op::NewChain {
                table: flt(),
                chain: f("INPUT"),
            },
        ),
        (
            "-E NOSUCH B",
            Op::RenameChain {
                table: flt(),
                old: f("NOSUCH"),
                new: f("B"),
            },
        ),
        (
            "-N B",
            Op::NewChain {
                table: flt(),
                chain: f("B"),
            },
        ),
        (
            "-E A B",
            Op::RenameChain {
                table: flt(),
                old: f("A"),
                new: f("B"),
            },
        ),
        (
            "-E A INPUT",
            Op::RenameChain {
                table: flt(),
                old: f("A"),
                new: f("INPUT"),
            },
        ),
        (
            "-F NOSUCH",
            Op::Flush {
                table: flt(),
                chain: Some(f("NOSUCH")),
            },
        ),
        (
            "-P A DROP",
            Op::Policy {
                table: flt(),
                chain: f("A"),
                accept: false,
            },
        ),
        (
            "-X NOSUCH",
            Op::DeleteChain {
                table: flt(),
                chain: Some(f("NOSUCH")),
            },
        ),
        (
            "-Z NOSUCH",
            Op::Zero {
                table: flt(),
                chain: Some(f("NOSUCH")),
            },
        ),
        (
            "-A INPUT -j A",
            Op::Append {
                table: flt(),
                chain: f("INPUT"),
                rule: rule(XtTarget::Jump(f("A"))).to_rule(),
            },
        ),
        (
            "-X A",
            Op::DeleteChain {
                table: flt(),
                chain: Some(f("A")),
            },
        ),
        (
            "-X",
            Op::DeleteChain {
                table: flt(),
                chain: None,
            },
        ),
        (
            "-X INPUT",
            Op::DeleteChain {
                table: flt(),
                chain: Some(f("INPUT")),
            },
        ),
        (
            "-A B -j ACCEPT",
            Op::Append {
                table: flt(),
                chain: f("B"),
                rule: acc(),
            },
        ),
        (
            "-X B",
            Op::DeleteChain {
                table: flt(),
                chain: Some(f("B")),
            },
        ),
        (
            "-A INPUT -j NOSUCH",
            Op::Append {
                table: flt(),
                chain: f("INPUT"),
                rule: rule(XtTarget::Jump(f("NOSUCH"))).to_rule(),
            },
        ),
        (
            "-t nat -A INPUT -j MASQUERADE",
            Op::Append {
                table: f("nat"),
                chain: f("INPUT"),
                rule: rule(XtTarget::Masquerade(NatRange::default())).to_rule(),
            },
        ),
        (
            "-t nat -N U",
            Op::NewChain {
                table: f("nat"),
                chain: f("U"),
            },
        ),
        (
            "-t nat -A U -j MASQUERADE",
            Op::Append {
                table: f("nat"),
                chain: f("U"),
                rule: rule(XtTarget::Masquerade(NatRange::default())).to_rule(),
            },
        ),
        (
            "-t nat -A PREROUTING -j U",
            Op::Append {
                table: f("nat"),
                chain: f("PREROUTING"),
                rule: rule(XtTarget::Jump(f("U"))).to_rule(),
            },
        ),
        (
            "-t nat -A POSTROUTING -j U",
            Op::Append {
                table: f("nat"),
                chain: f("POSTROUTING"),
                rule: rule(XtTarget::Jump(f("U"))).to_rule(),
            },
        ),
    ];
    let real = Held::new();
    let ours = Held::new();
    let mut nft = Nft::default();
    for (argv, op) in cases {
        let want = real.bash(&format!("iptables {argv}"));
        let got = match nft.queue(Some(&ours.ns()), op) {
            Ok(()) => {
                let failures = nft.commit_all();
                assert!(failures.is_empty(), "{argv}: {failures:?}");
                (String::new(), 0)
            }
            Err(e) => e.iptables_message("iptables"),
        };
        assert_eq!(got, (want.stderr, want.status), "iptables {argv}");
    }
    let listing = "iptables-save | grep -v '^#'";
    assert_eq!(ours.bash(listing), real.bash(listing));
}

#[test]
fn nft_restore_replaces_the_table_as_iptables_restore() {
    if !common::need_root("nft_restore_replaces_the_table_as_iptables_restore") {
        return;
    }
    let before =
        "iptables -A INPUT -j ACCEPT; iptables -N X; iptables -t nat -A POSTROUTING -j MASQUERADE";
    let real = Held::new();
    let r = real.bash(&format!(
        "{before}; printf '*filter\\n:INPUT DROP [0:0]\\n:FORWARD ACCEPT [0:0]\\n:OUTPUT ACCEPT [0:0]\\n:Y - [0:0]\\n-A INPUT -j Y\\nCOMMIT\\n' | iptables-restore"
    ));
    assert_eq!(r.status, 0, "{r:?}");
    let ours = Held::new();
    assert_eq!(ours.bash(before).status, 0);
    let f = |s: &str| s.to_string();
    let ops = vec![
        Op::FlushTable { table: f("filter") },
        Op::Policy {
            table: f("filter"),
            chain: f("INPUT"),
            accept: false,
        },
        Op::Policy {
            table: f("filter"),
            chain: f("FORWARD"),
            accept: true,
        },
        Op::Policy {
            table: f("filter"),
            chain: f("OUTPUT"),
            accept: true,
        },
        Op::NewChain {
            table: f("filter"),
            chain: f("Y"),
        },
        Op::Append {
            table: f("filter"),
            chain: f("INPUT"),
            rule: rule(XtTarget::Jump(f("Y"))).to_rule(),
        },
    ];
    let mut nft = Nft::default();
    for op in ops {
        nft.queue(Some(&ours.ns()), op).expect("queue");
    }
    assert!(nft.commit_all().is_empty());
    let listing = "nft -a list ruleset; iptables-save | grep -v '^#'";
    assert_eq!(ours.bash(listing), real.bash(listing));
}

/// The iptables argv of [`cases`], shell-quoted as written there.
fn case_lines(prog: &str) -> String {
    cases()
        .iter()
        .map(|(argv, ..)| format!("{prog} {argv}; echo \"rc=$?\"\n"))
        .collect()
}

#[test]
fn nft_nsh_iptables_writes_what_iptables_writes() {
    if !common::need_root("nft_nsh_iptables_writes_what_iptables_writes") {
        return;
    }
    let script = |prog: &str| format!("{}{LISTING}", case_lines(prog));
    let want = common::sandbox_bash(&script("iptables"));
    let got = common::sandbox_bash(&script("\"$NSHBIN/iptables\""));
    assert!(want.stdout.contains("target name DNAT rev 2"), "{want:?}");
    assert_eq!(got, want);
}

/// `-A …` of every case as `-D …`.
fn delete_lines(prog: &str) -> String {
    cases()
        .iter()
        .filter(|(argv, ..)| argv.starts_with("-A ") || argv.contains(" -A "))
        .map(|(argv, ..)| {
            let d = if let Some(rest) = argv.strip_prefix("-A ") {
                format!("-D {rest}")
            } else {
                argv.replacen(" -A ", " -D ", 1)
            };
            format!("{prog} {d}; echo \"rc=$?\"\n")
        })
        .collect()
}

#[test]
fn nft_nsh_saves_and_deletes_what_iptables_wrote() {
    if !common::need_root("nft_nsh_saves_and_deletes_what_iptables_wrote") {
        return;
    }
    let r = common::sandbox_bash(&format!(
        "{setup}
        iptables-save -c | grep -v '^#' > /tmp/real-save
        \"$NSHBIN/iptables-save\" -c | grep -v '^#' > /tmp/nsh-save
        diff /tmp/real-save /tmp/nsh-save && echo same-save
        {deletes}
        iptables-save | grep -c -- '^-A'
        ",
        setup = case_lines("iptables"),
        deletes = delete_lines("\"$NSHBIN/iptables\""),
    ));
    let n = delete_lines("x").lines().count();
    let want = format!(
        "{}same-save\n{}0\n",
        "rc=0\n".repeat(cases().len()),
        "rc=0\n".repeat(n)
    );
    assert_eq!(r.stdout, want, "{}", r.stderr);
    assert_eq!(r.stderr, "");
}

#[test]
#[ignore = "front printers differ (2026-11-22): `[goto]` spacing, `icmptype type 8`, -x column widths, missing-chain messages"]
fn nft_nsh_lists_what_iptables_wrote() {
    if !common::need_root("nft_nsh_lists_what_iptables_wrote") {
        return;
    }
    let listings = |prog: &str| {
        let mut s = String::new();
        for t in ["filter", "nat", "mangle", "raw"] {
            for l in [
                "-S",
                "-L",
                "-L -n",
                "-L -n -v",
                "-L -n -v -x --line-numbers",
                "-S INPUT",
                "-L FORWARD -n",
            ] {
                s += &format!("echo '== {t} {l}'; {prog} -t {t} {l} 2>&1; echo \"rc=$?\"\n");
            }
        }
        s
    };
    let r = common::sandbox_bash(&format!(
        "{setup}
        {{
        {real}}} > /tmp/real-list
        {{
        {ours}}} > /tmp/nsh-list
        diff /tmp/real-list /tmp/nsh-list && echo same-listings
        ",
        setup = case_lines("iptables"),
        real = listings("iptables"),
        ours = listings("\"$NSHBIN/iptables\""),
    ));
    assert_eq!(
        r.stdout,
        format!("{}same-listings\n", "rc=0\n".repeat(cases().len())),
        "{}",
        r.stderr
    );
}

/// The tutorials' port forward, NAT and firewall, written by nsh's
/// `iptables` command (busybox mode) instead of the backend API.
#[test]
fn nft_nsh_iptables_rules_act_on_packets() {
    if !common::need_root("nft_nsh_iptables_rules_act_on_packets") {
        return;
    }
    let ipt = |h: &Held, args: &str| {
        let r = h.bash(&format!("\"$NSHBIN/iptables\" {args}"));
        assert_eq!((r.stderr.as_str(), r.status), ("", 0), "iptables {args}");
    };
    // DNAT port forward.
    let h = router(true);
    assert_eq!(connect(&h, "10.1.0.1", 8080), "failed");
    ipt(
        &h,
        "-t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.2.0.2:80",
    );
    assert_eq!(connect(&h, "10.1.0.1", 8080), "10.1.0.2");
    // -P FORWARD DROP blocks, ACCEPT rules re-open.
    ipt(&h, "-P FORWARD DROP");
    assert_eq!(connect(&h, "10.2.0.2", 80), "failed");
    ipt(
        &h,
        "-A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT",
    );
    ipt(&h, "-A FORWARD -i rcli -o rsrv -p tcp --dport 80 -j ACCEPT");
    assert_eq!(connect(&h, "10.2.0.2", 80), "10.1.0.2");
    drop(h);
    // MASQUERADE: the server sees the router's address.
    let h = router(false);
    assert_eq!(connect(&h, "10.2.0.2", 80), "failed");
    ipt(
        &h,
        "-t nat -A POSTROUTING -s 10.1.0.0/24 -o rsrv -j MASQUERADE",
    );
    assert_eq!(connect(&h, "10.2.0.2", 80), "10.2.0.1");
}

#[test]
fn nft_nsh_iptables_errors_as_iptables() {
    if !common::need_root("nft_nsh_iptables_errors_as_iptables") {
        return;
    }
    let cmds = [
        "-A NOSUCH -j ACCEPT",
        "-I INPUT 5 -j ACCEPT",
        "-R FORWARD 1 -j ACCEPT",
        "-D FORWARD 1",
        "-A INPUT -j ACCEPT",
        "-D INPUT 9",
        "-R INPUT 9 -j ACCEPT",
        "-N A",
        "-N A",
        "-E A INPUT",
        "-P A DROP",
        "-A INPUT -j A",
        "-X A",
        "-X INPUT",
        "-D INPUT -j DROP",
        "-A INPUT -j NOSUCH",
        // Not yet: "-t nat -P PREROUTING DROP" (iptables refuses it while
        // parsing: "The \"nat\" table is not intended for filtering…", exit 2).
        "-t nat -A INPUT -j MASQUERADE",
        "-F NOSUCH",
        "-Z NOSUCH",
        "-t mangle -A INPUT -j REJECT",
        "-t raw -A PREROUTING -j REJECT",
        "-t nat -A POSTROUTING -j DNAT --to-destination 1.2.3.4",
        "-t nat -A INPUT -j SNAT --to-source 1.2.3.4",
        "-t nat -A OUTPUT -p tcp -j REDIRECT",
        "-A OUTPUT -j REJECT",
        "-t nat -N U",
        "-t nat -A U -j MASQUERADE",
        "-t nat -A PREROUTING -j U",
        "-t nat -A POSTROUTING -j U",
        "-t nat -I U -j DNAT --to-destination 1.2.3.4",
        "-N F",
        "-A F -j DNAT --to-destination 1.2.3.4",
    ];
    let script = |prog: &str| -> String {
        cmds.iter()
            .map(|c| format!("echo '== {c}'; {prog} {c} 2>&1; echo \"rc=$?\"\n"))
            .collect::<String>()
            + "iptables-save | grep -v '^#'"
    };
    let want = common::sandbox_bash(&script("iptables"));
    let got = common::sandbox_bash(&script("\"$NSHBIN/iptables\""));
    assert_eq!(got, want);
}

//! `iptables` argv → typed command ([`IptCmd`]), as iptables-nft 1.8.9
//! parses it (`iptables/xshared.c: do_parse`, the `libxt_*` option parsers).
//!
//! Design: the rule itself is modelled as iptables models it, by the
//! backend's [`IptEntry`] (`struct ipt_entry` + xtables matches in command
//! line order + target), so the front and nft-backend share one rule type
//! and `-D rule`/`-C` compare exactly what iptables compares. This module
//! adds what is not a rule: the command, the table and the listing flags.
//! The argv is read in two stages, as getopt and iptables' do_parse read
//! it: `grammar/iptables.pest` groups the words into items (each option
//! with the arguments its getopt_long entry takes, `!`, stray words,
//! options nsh does not carry), then a scanner walks the items in
//! command-line order and applies iptables' rules: which options are valid
//! where (a module's options only after its `-m`/`-p`/`-j`), what may be
//! given once, and every error, whose order depends on the order of the
//! words. Every error carries the index of the offending word (mapped to
//! its span by `native::iptables::check`) and iptables' exact stderr text
//! and exit status.

use std::net::Ipv4Addr;

use crate::backend::nft::xlate::{
    IPT_INV_DSTIP, IPT_INV_PROTO, IPT_INV_SRCIP, IPT_INV_VIA_IN, IPT_INV_VIA_OUT,
    NF_NAT_RANGE_MAP_IPS, NF_NAT_RANGE_PROTO_SPECIFIED, XT_CONNTRACK_STATE,
    XT_CONNTRACK_STATE_ALIAS, XT_TCP_INV_DSTPT, XT_TCP_INV_SRCPT,
};
use crate::backend::nft::{IptEntry, NatRange, XtMatch, XtTarget};

/// The command part of an iptables invocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Equivalent to `iptables -A CHAIN rule`.
    Append(String),
    /// Equivalent to `iptables -I CHAIN [N] rule` (N defaults to 1).
    Insert(String, usize),
    /// Equivalent to `iptables -D CHAIN rule` (`None`) or `-D CHAIN N`.
    Delete(String, Option<usize>),
    /// Equivalent to `iptables -R CHAIN N rule`.
    Replace(String, usize),
    /// Equivalent to `iptables -C CHAIN rule`.
    Check(String),
    /// Equivalent to `iptables -P CHAIN ACCEPT|DROP`.
    Policy(String, bool),
    /// Equivalent to `iptables -N CHAIN`.
    NewChain(String),
    /// Equivalent to `iptables -X [CHAIN]`.
    DeleteChain(Option<String>),
    /// Equivalent to `iptables -E OLD NEW`.
    RenameChain(String, String),
    /// Equivalent to `iptables -F [CHAIN]`.
    Flush(Option<String>),
    /// Equivalent to `iptables -Z [CHAIN]`.
    Zero(Option<String>),
    /// Equivalent to `iptables -Z CHAIN RULENUM` (1-based).
    ZeroRule(String, usize),
    /// Equivalent to `iptables -S [CHAIN]`.
    ListRules(Option<String>),
    /// Equivalent to `iptables -L [CHAIN]`.
    List(Option<String>),
}

/// A parsed `iptables` invocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IptCmd {
    /// `-t TABLE` (default `filter`).
    pub table: String,
    pub command: Command,
    /// The rule of `-A -I -D -R -C` (default entry otherwise).
    pub entry: IptEntry,
    /// `-n`
    pub numeric: bool,
    /// `-v`
    pub verbose: bool,
    /// `-x`
    pub exact: bool,
    /// `--line-numbers`
    pub line_numbers: bool,
    /// `-L -Z` together (list, then zero).
    pub zero_after_list: bool,
    /// The words as given (to hand them to the real tool when the ruleset
    /// holds rules outside the native subset).
    pub words: Vec<String>,
}

/// A usage error: iptables' stderr text (whole lines) and exit status, and
/// the index of the word that caused it (if one did).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{text}")]
#[diagnostic(code(nsh::iptables::usage))]
pub struct ParseError {
    pub text: String,
    pub status: i32,
    pub word: Option<usize>,
    /// The form is outside nsh's native subset (an unknown match module
    /// or option): the real iptables may accept it.
    pub unsupported: bool,
}

/// `iptables v1.8.9 (nf_tables): MSG` + the `Try …` line, exit 2
/// (`xtables_error(PARAMETER_PROBLEM, …)`).
pub fn param_problem(prog: &str, msg: &str, word: Option<usize>) -> ParseError {
    ParseError {
        text: format!(
            "{prog} v1.8.9 (nf_tables): {msg}\nTry `{prog} -h' or '{prog} --help' for more information.\n"
        ),
        status: 2,
        word,
        unsupported: false,
    }
}

const TABLES: &[&str] = &["filter", "nat", "mangle", "raw", "security"];

/// The text of a system database file (/etc/services, /etc/protocols,
/// /etc/hosts, /etc/networks), read once per process: listings look up
/// every port and address.
pub fn etc_file(path: &'static str) -> Option<&'static str> {
    use std::sync::{Mutex, OnceLock};
    type Files = Vec<(&'static str, Option<&'static str>)>;
    static FILES: OnceLock<Mutex<Files>> = OnceLock::new();
    let files = FILES.get_or_init(|| Mutex::new(Vec::new()));
    let mut files = files.lock().ok()?;
    if let Some((_, t)) = files.iter().find(|(p, _)| *p == path) {
        return *t;
    }
    // Leaked once per file and process: these files are small and read-only.
    let text: Option<&'static str> = std::fs::read_to_string(path)
        .ok()
        .map(|t| &*Box::leak(t.into_boxed_str()));
    files.push((path, text));
    text
}

/// `/etc/services` lookup: port of a service name for `proto`.
pub fn service_port(name: &str, proto: &str) -> Option<u16> {
    let text = etc_file("/etc/services")?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        let (Some(n), Some(pp)) = (it.next(), it.next()) else {
            continue;
        };
        let Some((port, p)) = pp.split_once('/') else {
            continue;
        };
        if p == proto && (n == name || it.any(|a| a == name)) {
            return port.parse().ok();
        }
    }
    None
}

/// `/etc/protocols` lookup: number of a protocol name.
pub fn protocol_number(name: &str) -> Option<u16> {
    let text = etc_file("/etc/protocols")?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        let (Some(n), Some(num)) = (it.next(), it.next()) else {
            continue;
        };
        if n == name || it.any(|a| a == name) {
            return num.parse().ok();
        }
    }
    None
}

/// `struct xt_conntrack_mtinfo3` state bits (`XT_CONNTRACK_STATE_BIT`).
pub const CT_STATES: &[(&str, u16)] = &[
    ("INVALID", 1),
    ("NEW", 8),
    ("RELATED", 4),
    ("ESTABLISHED", 2),
    ("UNTRACKED", 256),
    ("SNAT", 64),
    ("DNAT", 128),
];

/// `enum ipt_reject_with` names (libipt_REJECT.c).
pub const REJECT_WITH: &[(&str, u32)] = &[
    ("icmp-net-unreachable", 0),
    ("icmp-host-unreachable", 1),
    ("icmp-proto-unreachable", 2),
    ("icmp-port-unreachable", 3),
    ("icmp-net-prohibited", 5),
    ("icmp-host-prohibited", 6),
    ("tcp-reset", 7),
    ("icmp-admin-prohibited", 8),
];

/// Address types of libxt_addrtype (`1 << RTN_*`).
pub const ADDR_TYPES: &[&str] = &[
    "UNSPEC",
    "UNICAST",
    "LOCAL",
    "BROADCAST",
    "ANYCAST",
    "MULTICAST",
    "BLACKHOLE",
    "UNREACHABLE",
    "PROHIBIT",
    "THROW",
    "NAT",
    "XRESOLVE",
];

/// ICMP type names with (type, code min, code max) (libipt_icmp.c).
pub const ICMP_TYPES: &[(&str, u8, u8, u8)] = &[
    ("any", 255, 0, 255),
    ("echo-reply", 0, 0, 255),
    ("destination-unreachable", 3, 0, 255),
    ("network-unreachable", 3, 0, 0),
    ("host-unreachable", 3, 1, 1),
    ("protocol-unreachable", 3, 2, 2),
    ("port-unreachable", 3, 3, 3),
    ("fragmentation-needed", 3, 4, 4),
    ("source-route-failed", 3, 5, 5),
    ("network-unknown", 3, 6, 6),
    ("host-unknown", 3, 7, 7),
    ("network-prohibited", 3, 9, 9),
    ("host-prohibited", 3, 10, 10),
    ("TOS-network-unreachable", 3, 11, 11),
    ("TOS-host-unreachable", 3, 12, 12),
    ("communication-prohibited", 3, 13, 13),
    ("host-precedence-violation", 3, 14, 14),
    ("precedence-cutoff", 3, 15, 15),
    ("source-quench", 4, 0, 255),
    ("redirect", 5, 0, 255),
    ("network-redirect", 5, 0, 0),
    ("host-redirect", 5, 1, 1),
    ("TOS-network-redirect", 5, 2, 2),
    ("TOS-host-redirect", 5, 3, 3),
    ("echo-request", 8, 0, 255),
    ("router-advertisement", 9, 0, 255),
    ("router-solicitation", 10, 0, 255),
    ("time-exceeded", 11, 0, 255),
    ("ttl-zero-during-transit", 11, 0, 0),
    ("ttl-zero-during-reassembly", 11, 1, 1),
    ("parameter-problem", 12, 0, 255),
    ("ip-header-bad", 12, 0, 0),
    ("required-option-missing", 12, 1, 1),
    ("timestamp-request", 13, 0, 255),
    ("timestamp-reply", 14, 0, 255),
    ("address-mask-request", 17, 0, 255),
    ("address-mask-reply", 18, 0, 255),
];

struct P<'a> {
    prog: &'a str,
    words: &'a [String],
    /// The word after the last one consumed (errors name the one before).
    i: usize,
    /// The current option's arguments as the grammar gave them: (word
    /// index, text); an inline `--x=v` value has the option's own index.
    args: Vec<(usize, String)>,
    next: usize,
}

impl P<'_> {
    fn err(&self, msg: &str) -> ParseError {
        param_problem(self.prog, msg, Some(self.i.saturating_sub(1)))
    }
    /// The mandatory argument of option `opt`.
    fn arg(&mut self, opt: &str) -> Result<String, ParseError> {
        self.opt_arg()
            .ok_or_else(|| self.err(&format!("option \"{opt}\" requires an argument")))
    }
    /// The option's next argument, if it has one (for an optional argument
    /// the grammar takes the next word unless it starts with `-` or `!`).
    fn opt_arg(&mut self) -> Option<String> {
        let (k, a) = self.args.get(self.next)?;
        self.next += 1;
        self.i = k + 1;
        Some(a.clone())
    }
}

mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/iptables.pest"]
    pub(super) struct IptParser;
}
use grammar::{IptParser, Rule};

/// One item of the argv as `grammar/iptables.pest` reads it: an option with
/// its arguments, `!`, a stray word or an unknown option.
struct Item {
    rule: Rule,
    /// The index of the option's word.
    at: usize,
    args: Vec<(usize, String)>,
    /// The argument was given as `--long=value`.
    inline: bool,
}

/// An option's long name, for any of the names it is known by.
fn canonical(name: &str) -> &str {
    match name {
        "-A" => "--append",
        "-C" => "--check",
        "-D" => "--delete",
        "-I" => "--insert",
        "-R" => "--replace",
        "-P" => "--policy",
        "-N" => "--new-chain",
        "-X" => "--delete-chain",
        "-E" => "--rename-chain",
        "-F" => "--flush",
        "-Z" => "--zero",
        "-S" => "--list-rules",
        "-L" => "--list",
        "-t" => "--table",
        "-n" => "--numeric",
        "-v" => "--verbose",
        "-x" => "--exact",
        "-w" => "--wait",
        "-W" => "--wait-interval",
        "-s" | "--src" => "--source",
        "-d" | "--dst" => "--destination",
        "-i" => "--in-interface",
        "-o" => "--out-interface",
        "-p" => "--protocol",
        "-m" => "--match",
        "-j" => "--jump",
        "-g" => "--goto",
        "--sport" => "--source-port",
        "--dport" => "--destination-port",
        "--sports" => "--source-ports",
        "--dports" => "--destination-ports",
        other => other,
    }
}

/// The argv's items, in order (the grammar accepts every argv: what it does
/// not know is a `stray` word or an `unknown` option).
fn items(words: &[String]) -> Vec<Item> {
    use pest::Parser as _;
    if words.is_empty() {
        return Vec::new();
    }
    let text = words.join("\u{1f}");
    let mut starts = Vec::with_capacity(words.len());
    let mut off = 0;
    for w in words {
        starts.push(off);
        off += w.len() + 1;
    }
    let word_at = |pos: usize| starts.partition_point(|&s| s <= pos).saturating_sub(1);
    let Some(argv) = IptParser::parse(Rule::argv, &text)
        .ok()
        .and_then(|mut p| p.next())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pair in argv.into_inner() {
        let rule = pair.as_rule();
        if rule == Rule::EOI {
            continue;
        }
        let start = pair.as_span().start();
        let at = match rule {
            Rule::bang | Rule::stray | Rule::unknown => word_at(start),
            // An option's rule starts after its name.
            _ => word_at(start.saturating_sub(1)),
        };
        let mut item = Item {
            rule,
            at,
            args: Vec::new(),
            inline: false,
        };
        for a in pair.into_inner() {
            match a.as_rule() {
                Rule::inline => {
                    item.inline = true;
                    item.args.push((at, a.as_str().to_string()));
                }
                _ => item
                    .args
                    .push((word_at(a.as_span().start()), a.as_str().to_string())),
            }
        }
        out.push(item);
    }
    out
}

/// Parse an address with optional `/len` or `/dotted mask`
/// (`xtables_ipparse_any`). Host names are not resolved.
pub fn parse_addr(s: &str) -> Option<(Ipv4Addr, Ipv4Addr)> {
    let (a, m) = match s.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (s, None),
    };
    let addr: Ipv4Addr = parse_dotted(a).or_else(|| hosts_addr(a))?;
    let mask = match m {
        None => Ipv4Addr::new(255, 255, 255, 255),
        Some(m) if m.contains('.') => parse_dotted(m)?,
        Some(m) => {
            let n: u32 = m.parse().ok()?;
            if n > 32 {
                return None;
            }
            Ipv4Addr::from(if n == 0 { 0 } else { u32::MAX << (32 - n) })
        }
    };
    let addr = Ipv4Addr::from(u32::from(addr) & u32::from(mask));
    Some((addr, mask))
}

/// A host name's IPv4 address from /etc/hosts (iptables resolves names
/// with getaddrinfo; nsh reads the hosts file only).
fn hosts_addr(name: &str) -> Option<Ipv4Addr> {
    let text = etc_file("/etc/hosts")?;
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        let ip: Ipv4Addr = it.next()?.parse().ok()?;
        it.any(|n| n == name).then_some(ip)
    })
}

/// inet_aton-like: `1.2.3.4`, and short forms as iptables accepts them.
fn parse_dotted(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut o = [0u8; 4];
    for (k, p) in parts.iter().enumerate() {
        o[k] = p.parse().ok()?;
    }
    Some(Ipv4Addr::from(o))
}

fn parse_port(prog: &str, s: &str, proto: &str, i: usize) -> Result<u16, ParseError> {
    if let Ok(n) = s.parse::<u32>() {
        if n <= 65535 {
            return Ok(n as u16);
        }
    }
    service_port(s, proto).ok_or_else(|| {
        param_problem(
            prog,
            &format!("invalid port/service `{s}' specified"),
            Some(i),
        )
    })
}

fn parse_port_range(prog: &str, s: &str, proto: &str, i: usize) -> Result<[u16; 2], ParseError> {
    match s.split_once(':') {
        Some((a, b)) => {
            let lo = if a.is_empty() {
                0
            } else {
                parse_port(prog, a, proto, i)?
            };
            let hi = if b.is_empty() {
                65535
            } else {
                parse_port(prog, b, proto, i)?
            };
            if lo > hi {
                return Err(param_problem(
                    prog,
                    "invalid portrange (min > max)",
                    Some(i),
                ));
            }
            Ok([lo, hi])
        }
        None => {
            let p = parse_port(prog, s, proto, i)?;
            Ok([p, p])
        }
    }
}

fn proto_name(p: u16) -> &'static str {
    match p {
        6 => "tcp",
        17 => "udp",
        _ => "",
    }
}

/// Parse a NAT address/port range `A[-B][:P[-Q]]` (DNAT/SNAT).
fn parse_nat(prog: &str, s: &str, i: usize, proto: u16) -> Result<NatRange, ParseError> {
    let mut r = NatRange::default();
    let (ips, ports) = match s.split_once(':') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    if !ips.is_empty() {
        let (a, b) = match ips.split_once('-') {
            Some((a, b)) => (a, b),
            None => (ips, ips),
        };
        let bad = || param_problem(prog, &format!("Bad IP address \"{a}\""), Some(i));
        r.min_ip = parse_dotted(a)
            .filter(|_| a.split('.').count() == 4)
            .ok_or_else(bad)?;
        r.max_ip = parse_dotted(b).ok_or_else(bad)?;
        r.flags |= NF_NAT_RANGE_MAP_IPS;
    }
    if let Some(p) = ports {
        if proto != 6 && proto != 17 {
            return Err(param_problem(
                prog,
                "Need TCP, UDP, SCTP or DCCP with port specification",
                Some(i),
            ));
        }
        let (lo, hi) = parse_ports_dash(prog, p, i)?;
        r.min_port = lo;
        r.max_port = hi;
        r.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
    }
    Ok(r)
}

fn parse_ports_dash(prog: &str, p: &str, i: usize) -> Result<(u16, u16), ParseError> {
    let bad = || param_problem(prog, &format!("Port \"{p}\" not valid"), Some(i));
    let (a, b) = match p.split_once('-') {
        Some((a, b)) => (a, b),
        None => (p, p),
    };
    let lo: u16 = a.parse().map_err(|_| bad())?;
    let hi: u16 = b.parse().map_err(|_| bad())?;
    if hi < lo {
        return Err(param_problem(
            prog,
            &format!("Port range `{b}' funky"),
            Some(i),
        ));
    }
    Ok((lo, hi))
}

/// Parse `iptables` arguments (without the program name). `prog` is the
/// name used in messages (`iptables`).
pub fn parse(prog: &str, words: &[String]) -> Result<IptCmd, ParseError> {
    // Split clusters of short flags (`-nvL`, `-vL`) as getopt does.
    let mut expanded: Vec<String> = Vec::new();
    let mut origin: Vec<usize> = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let b = w.as_bytes();
        if b.len() > 2
            && b[0] == b'-'
            && b[1] != b'-'
            && w[1..].chars().all(|c| "nvxLSFZXNLh".contains(c))
        {
            let chars: Vec<char> = w[1..].chars().collect();
            for c in chars {
                expanded.push(format!("-{c}"));
                origin.push(k);
            }
        } else {
            expanded.push(w.clone());
            origin.push(k);
        }
    }
    parse_expanded(prog, &expanded).map_err(|mut e| {
        e.word = e.word.and_then(|w| origin.get(w).copied());
        e
    })
}

fn parse_expanded(prog: &str, words: &[String]) -> Result<IptCmd, ParseError> {
    let mut p = P {
        prog,
        words,
        i: 0,
        args: Vec::new(),
        next: 0,
    };
    let mut table: Option<String> = None;
    let mut command: Option<Command> = None;
    let mut e = IptEntry::default();
    let (mut numeric, mut verbose, mut exact, mut line_numbers) = (false, false, false, false);
    let mut zero_after_list = false;
    let mut invert = false;
    // Loaded match modules (by name), to know which options are valid.
    let mut loaded: Vec<&'static str> = Vec::new();
    let mut seen_target = false;
    // Options given so far: (instance, option) for "only once" checks.
    // The instance is the number of `-m`/`-j` seen before the option.
    let mut used: Vec<(usize, &'static str)> = Vec::new();
    let mut instance = 0usize;
    let mut once = |p: &P, inst: usize, module: &str, opt: &'static str| {
        if used.contains(&(inst, opt)) {
            return Err(p.err(&format!(
                "{module}: option \"{opt}\" can only be used once.\n"
            )));
        }
        used.push((inst, opt));
        Ok(())
    };
    let mut port_used: Vec<(usize, &'static str)> = Vec::new();
    let mut flags_seen: Vec<char> = Vec::new();
    let mut flag_once = |p: &P, c: char| {
        if flags_seen.contains(&c) {
            return Err(p.err(&format!("multiple -{c} flags not allowed")));
        }
        flags_seen.push(c);
        Ok(())
    };
    let proto_str = |e: &IptEntry| proto_name(e.proto);

    let set_cmd = |command: &mut Option<Command>, c: Command, p: &P, zero: &mut bool| {
        if let Some(old) = command {
            let list_zero = matches!(
                (&*old, &c),
                (Command::List(_), Command::Zero(_)) | (Command::Zero(_), Command::List(_))
            );
            if list_zero {
                *zero = true;
                if matches!(c, Command::List(_)) {
                    *old = c;
                }
                return Ok(());
            }
            return Err(p.err("Cannot use -A with -A").text.clone()).map_err(|_| {
                param_problem(
                    p.prog,
                    &format!("Cannot use {} with {}", cmd_flag(&c), cmd_flag(old)),
                    Some(p.i - 1),
                )
            });
        }
        *command = Some(c);
        Ok(())
    };

    for it in items(words) {
        p.i = it.at + 1;
        p.args = it.args;
        p.next = 0;
        let w = words[it.at].clone();
        if it.rule == Rule::bang {
            if invert {
                return Err(p.err("multiple consecutive ! not allowed"));
            }
            invert = true;
            continue;
        }
        let inv = std::mem::take(&mut invert);
        // The option as written (without `=value`), for messages.
        let name: &str = match w.split_once('=') {
            Some((n, _)) if w.starts_with("--") => n,
            _ => w.as_str(),
        };
        let get = |p: &mut P, opt: &str| p.arg(opt);
        let no_inv = |p: &P, what: &str| -> Result<(), ParseError> {
            if inv {
                Err(p.err(&format!("cannot have ! before {what}")))
            } else {
                Ok(())
            }
        };
        let opt = match it.rule {
            Rule::stray | Rule::unknown => "",
            _ => canonical(name),
        };
        match opt {
            "--append" => {
                no_inv(&p, "-A")?;
                let c = get(&mut p, "-A")?;
                set_cmd(&mut command, Command::Append(c), &p, &mut zero_after_list)?;
            }
            "--check" => {
                let c = get(&mut p, "-C")?;
                set_cmd(&mut command, Command::Check(c), &p, &mut zero_after_list)?;
            }
            "--insert" => {
                let c = get(&mut p, "-I")?;
                let n = match p.opt_arg() {
                    Some(n) => parse_rulenum(&p, &n)?,
                    None => 1,
                };
                set_cmd(
                    &mut command,
                    Command::Insert(c, n),
                    &p,
                    &mut zero_after_list,
                )?;
            }
            "--delete" => {
                let c = get(&mut p, "-D")?;
                let n = match p.opt_arg() {
                    Some(n) => Some(parse_rulenum(&p, &n)?),
                    None => None,
                };
                set_cmd(
                    &mut command,
                    Command::Delete(c, n),
                    &p,
                    &mut zero_after_list,
                )?;
            }
            "--replace" => {
                let c = get(&mut p, "-R")?;
                let n = match p.opt_arg() {
                    Some(n) => parse_rulenum(&p, &n)?,
                    None => return Err(p.err("-R requires a rule number")),
                };
                set_cmd(
                    &mut command,
                    Command::Replace(c, n),
                    &p,
                    &mut zero_after_list,
                )?;
            }
            "--policy" => {
                let c = get(&mut p, "-P")?;
                let t = match p.opt_arg() {
                    Some(t) => t,
                    None => return Err(p.err("-P requires a chain and a policy")),
                };
                let accept = match t.as_str() {
                    "ACCEPT" => true,
                    "DROP" => false,
                    _ => {
                        return Err(ParseError {
                            text: format!(
                                "{prog}: Bad policy name. Run `dmesg' for more information.\n"
                            ),
                            status: 1,
                            word: Some(p.i - 1),
                            unsupported: false,
                        })
                    }
                };
                set_cmd(
                    &mut command,
                    Command::Policy(c, accept),
                    &p,
                    &mut zero_after_list,
                )?;
            }
            "--new-chain" => {
                let c = get(&mut p, "-N")?;
                check_chain_name(&p, &c)?;
                set_cmd(&mut command, Command::NewChain(c), &p, &mut zero_after_list)?;
            }
            "--delete-chain" => {
                let c = p.opt_arg();
                set_cmd(
                    &mut command,
                    Command::DeleteChain(c),
                    &p,
                    &mut zero_after_list,
                )?;
            }
            "--rename-chain" => {
                let old = get(&mut p, "-E")?;
                let new = match p.opt_arg() {
                    Some(n) => n,
                    None => return Err(p.err("-E requires old-chain-name and new-chain-name")),
                };
                check_chain_name(&p, &new)?;
                set_cmd(
                    &mut command,
                    Command::RenameChain(old, new),
                    &p,
                    &mut zero_after_list,
                )?;
            }
            "--flush" => {
                let c = p.opt_arg();
                set_cmd(&mut command, Command::Flush(c), &p, &mut zero_after_list)?;
            }
            "--zero" => {
                // iptables 1.8.9 `-Z CHAIN N`: a rule number right after
                // the chain (CMD_ZERO_NUM).
                let cmd = match p.opt_arg() {
                    Some(c) => match p.opt_arg() {
                        Some(n) => Command::ZeroRule(c, parse_rulenum(&p, &n)?),
                        None => Command::Zero(Some(c)),
                    },
                    None => Command::Zero(None),
                };
                set_cmd(&mut command, cmd, &p, &mut zero_after_list)?;
            }
            "--list-rules" => {
                let c = p.opt_arg();
                set_cmd(
                    &mut command,
                    Command::ListRules(c),
                    &p,
                    &mut zero_after_list,
                )?;
            }
            "--list" => {
                let c = p.opt_arg();
                set_cmd(&mut command, Command::List(c), &p, &mut zero_after_list)?;
            }
            "--table" => {
                no_inv(&p, "-t")?;
                let t = get(&mut p, "-t")?;
                if table.is_some() {
                    return Err(p.err("multiple -t flags not allowed"));
                }
                if !TABLES.contains(&t.as_str()) {
                    return Err(ParseError {
                        text: format!("{prog} v1.8.9 (nf_tables): table '{t}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n"),
                        status: 3,
                        word: Some(p.i - 1),
                        unsupported: false,
                    });
                }
                table = Some(t);
            }
            "--numeric" => numeric = true,
            "--verbose" => verbose = true,
            "--exact" => exact = true,
            "--line-numbers" => line_numbers = true,
            // `-w [SECONDS]`: accepted, nsh never waits for a lock.
            "--wait" => {}
            "--wait-interval" => {
                get(&mut p, "-W")?;
            }
            "--source" | "--destination" => {
                let src = opt == "--source";
                flag_once(&p, if src { 's' } else { 'd' })?;
                let a = get(&mut p, name)?;
                // Old-style `-s ! ADDR`: iptables 1.8.9 takes `!` as the
                // argument and then rejects the next word.
                if a == "!" {
                    if let Some(next) = p.words.get(p.i).filter(|x| !x.starts_with('-')) {
                        return Err(ParseError {
                            text: format!("Bad argument `{next}'\nTry `{prog} -h' or '{prog} --help' for more information.\n"),
                            status: 2,
                            word: Some(p.i),
                            unsupported: false,
                        });
                    }
                }
                if let Some((_, m)) = a.split_once('/') {
                    if !m.contains('.') && m.parse::<u32>().map_or(true, |n| n > 32) {
                        return Err(p.err(&format!("invalid mask `{m}' specified")));
                    }
                }
                let (addr, mask) = parse_addr(&a)
                    .ok_or_else(|| p.err(&format!("host/network `{a}' not found")))?;
                if src {
                    e.src = addr;
                    e.smsk = mask;
                    if inv {
                        e.invflags |= IPT_INV_SRCIP;
                    }
                } else {
                    e.dst = addr;
                    e.dmsk = mask;
                    if inv {
                        e.invflags |= IPT_INV_DSTIP;
                    }
                }
            }
            "--in-interface" | "--out-interface" => {
                flag_once(&p, if opt == "--in-interface" { 'i' } else { 'o' })?;
                let v = get(&mut p, name)?;
                // Old-style `-s ! ADDR`: iptables 1.8.9 takes `!` as the
                // argument and then rejects the next word.
                if v == "!" {
                    if let Some(next) = p.words.get(p.i).filter(|x| !x.starts_with('-')) {
                        return Err(ParseError {
                            text: format!("Bad argument `{next}'\nTry `{prog} -h' or '{prog} --help' for more information.\n"),
                            status: 2,
                            word: Some(p.i),
                            unsupported: false,
                        });
                    }
                }
                if v.len() > 15 {
                    return Err(p.err(&format!(
                        "interface name `{v}' must be shorter than IFNAMSIZ (15)"
                    )));
                }
                if opt == "--in-interface" {
                    e.iniface = v;
                    if inv {
                        e.invflags |= IPT_INV_VIA_IN;
                    }
                } else {
                    e.outiface = v;
                    if inv {
                        e.invflags |= IPT_INV_VIA_OUT;
                    }
                }
            }
            "--protocol" => {
                flag_once(&p, 'p')?;
                // iptables 1.8.9 takes `--protocol=X` whole as the name.
                let v = if it.inline {
                    w.clone()
                } else {
                    get(&mut p, "-p")?
                };
                let lv = v.to_ascii_lowercase();
                e.proto = match lv.as_str() {
                    "all" => 0,
                    "tcp" => 6,
                    "udp" => 17,
                    "icmp" => 1,
                    _ => match lv.parse::<u16>() {
                        Ok(n) if n <= 255 => n,
                        _ => protocol_number(&lv)
                            .ok_or_else(|| p.err(&format!("unknown protocol \"{v}\" specified")))?,
                    },
                };
                if inv {
                    if e.proto == 0 {
                        return Err(p.err("rule would never match protocol"));
                    }
                    e.invflags |= IPT_INV_PROTO;
                }
            }
            "--match" => {
                instance += 1;
                if inv {
                    return Err(p.err("unexpected ! flag before --match"));
                }
                let m = get(&mut p, "-m")?;
                match m.as_str() {
                    "tcp" | "udp" => {
                        let s = if m == "tcp" { "tcp" } else { "udp" };
                        loaded.push(s);
                        e.matches.push(port_match(s, [0, 65535], [0, 65535], 0));
                    }
                    "icmp" => loaded.push("icmp"),
                    "state" => loaded.push("state"),
                    "conntrack" => loaded.push("conntrack"),
                    "multiport" => loaded.push("multiport"),
                    "comment" => loaded.push("comment"),
                    "addrtype" => loaded.push("addrtype"),
                    _ => {
                        return Err(ParseError {
                            text: format!("{prog} v1.8.9 (nf_tables): Couldn't load match `{m}':No such file or directory\n\nTry `{prog} -h' or '{prog} --help' for more information.\n"),
                            status: 2,
                            word: Some(p.i - 1),
                            unsupported: true,
                        })
                    }
                }
            }
            "--source-port" | "--destination-port"
                if loaded.contains(&"tcp")
                    || loaded.contains(&"udp")
                    || e.proto == 6
                    || e.proto == 17 =>
            {
                let v = get(&mut p, name)?;
                // Implicit `-m tcp`/`-m udp` from `-p` when not loaded.
                let s = if loaded.contains(&"tcp") {
                    "tcp"
                } else if loaded.contains(&"udp") {
                    "udp"
                } else {
                    let s = proto_str(&e);
                    loaded.push(if s == "tcp" { "tcp" } else { "udp" });
                    e.matches.push(port_match(s, [0, 65535], [0, 65535], 0));
                    s
                };
                let range = parse_port_range(prog, &v, s, p.i - 1)?;
                let canon = if opt == "--source-port" {
                    "--source-port"
                } else {
                    "--destination-port"
                };
                let inst = e
                    .matches
                    .iter()
                    .rposition(|m| matches!(m, XtMatch::Tcp { .. } | XtMatch::Udp { .. }))
                    .unwrap_or(0);
                if port_used.contains(&(inst, canon)) {
                    return Err(p.err(&format!("Only one `{canon}' allowed")));
                }
                port_used.push((inst, canon));
                let src = opt == "--source-port";
                let Some(
                    XtMatch::Tcp {
                        spts,
                        dpts,
                        invflags,
                    }
                    | XtMatch::Udp {
                        spts,
                        dpts,
                        invflags,
                    },
                ) = e
                    .matches
                    .iter_mut()
                    .rev()
                    .find(|m| matches!(m, XtMatch::Tcp { .. } | XtMatch::Udp { .. }))
                else {
                    return Err(p.err(&format!("unknown option \"{name}\"")));
                };
                if src {
                    *spts = range;
                    if inv {
                        *invflags |= XT_TCP_INV_SRCPT;
                    }
                } else {
                    *dpts = range;
                    if inv {
                        *invflags |= XT_TCP_INV_DSTPT;
                    }
                }
            }
            "--icmp-type" if e.proto == 1 || loaded.contains(&"icmp") => {
                let v = get(&mut p, name)?;
                let (t, c) = parse_icmp(&p, &v)?;
                e.matches.push(XtMatch::Icmp {
                    icmp_type: t,
                    code: c,
                    invflags: u8::from(inv),
                });
            }
            "--state" if loaded.contains(&"state") => {
                once(&p, instance, "state", "--state")?;
                let v = get(&mut p, name)?;
                let mask = parse_states(&p, &v, "state")?;
                e.matches.push(XtMatch::Conntrack {
                    match_flags: XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS,
                    invert_flags: if inv { XT_CONNTRACK_STATE } else { 0 },
                    state_mask: mask,
                    status_mask: 0,
                    raw: vec![],
                });
            }
            "--ctstate" if loaded.contains(&"conntrack") => {
                once(&p, instance, "conntrack", "--ctstate")?;
                let v = get(&mut p, name)?;
                let mask = parse_states(&p, &v, "ctstate")?;
                e.matches.push(XtMatch::Conntrack {
                    match_flags: XT_CONNTRACK_STATE,
                    invert_flags: if inv { XT_CONNTRACK_STATE } else { 0 },
                    state_mask: mask,
                    status_mask: 0,
                    raw: vec![],
                });
            }
            "--destination-ports" | "--source-ports" | "--ports"
                if loaded.contains(&"multiport") =>
            {
                let v = get(&mut p, name)?;
                let pname = proto_str(&e);
                if pname.is_empty() {
                    return Err(p.err(
                        "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'",
                    ));
                }
                let flags = match opt {
                    "--source-ports" => 0,
                    "--ports" => 2,
                    _ => 1,
                };
                let mut ports = Vec::new();
                let mut pflags = Vec::new();
                for part in v.split(',') {
                    match part.split_once(':') {
                        Some((a, b)) => {
                            ports.push(parse_port(prog, a, pname, p.i - 1)?);
                            pflags.push(1);
                            ports.push(parse_port(prog, b, pname, p.i - 1)?);
                            pflags.push(0);
                        }
                        None => {
                            ports.push(parse_port(prog, part, pname, p.i - 1)?);
                            pflags.push(0);
                        }
                    }
                }
                if ports.len() > 15 {
                    return Err(p.err("too many ports specified"));
                }
                e.matches.push(XtMatch::Multiport {
                    flags,
                    ports,
                    pflags,
                    invert: inv,
                });
            }
            "--comment" if loaded.contains(&"comment") => {
                no_inv(&p, "--comment")?;
                let v = get(&mut p, name)?;
                if v.len() > 255 {
                    return Err(p.err("COMMENT must be shorter than 256 characters"));
                }
                e.matches.push(XtMatch::Comment(v));
            }
            "--limit-iface-in" | "--limit-iface-out" if loaded.contains(&"addrtype") => {
                let bit = if opt == "--limit-iface-in" { 4 } else { 8 };
                match e
                    .matches
                    .iter_mut()
                    .rev()
                    .find(|m| matches!(m, XtMatch::Addrtype { .. }))
                {
                    Some(XtMatch::Addrtype { flags, .. }) => *flags |= bit,
                    _ => e.matches.push(XtMatch::Addrtype {
                        source: 0,
                        dest: 0,
                        flags: bit,
                    }),
                }
            }
            "--src-type" | "--dst-type" if loaded.contains(&"addrtype") => {
                let v = get(&mut p, name)?;
                let mut mask = 0u16;
                for t in v.split(',') {
                    let k = ADDR_TYPES
                        .iter()
                        .position(|n| n.eq_ignore_ascii_case(t))
                        .ok_or_else(|| p.err(&format!("addrtype: bad type `{t}'")))?;
                    mask |= 1 << k;
                }
                let src = opt == "--src-type";
                match e
                    .matches
                    .iter_mut()
                    .rev()
                    .find(|m| matches!(m, XtMatch::Addrtype { .. }))
                {
                    Some(XtMatch::Addrtype {
                        source,
                        dest,
                        flags,
                    }) => {
                        if src {
                            *source = mask;
                        } else {
                            *dest = mask;
                        }
                        if inv {
                            *flags |= if src { 1 } else { 2 };
                        }
                    }
                    _ => e.matches.push(XtMatch::Addrtype {
                        source: if src { mask } else { 0 },
                        dest: if src { 0 } else { mask },
                        flags: if inv {
                            if src {
                                1
                            } else {
                                2
                            }
                        } else {
                            0
                        },
                    }),
                }
            }
            "--jump" | "--goto" => {
                no_inv(&p, "-j")?;
                let t = get(&mut p, name)?;
                if seen_target {
                    return Err(p.err("multiple -j flags not allowed"));
                }
                seen_target = true;
                let goto = opt == "--goto";
                e.target = match t.as_str() {
                    "ACCEPT" if !goto => XtTarget::Accept,
                    "DROP" if !goto => XtTarget::Drop,
                    "RETURN" if !goto => XtTarget::Return,
                    "MASQUERADE" | "SNAT" | "DNAT" | "REDIRECT" if !goto => match t.as_str() {
                        "MASQUERADE" => XtTarget::Masquerade(NatRange::default()),
                        "SNAT" => XtTarget::Snat(NatRange::default()),
                        "DNAT" => XtTarget::Dnat(NatRange::default()),
                        _ => XtTarget::Redirect(NatRange::default()),
                    },
                    "REJECT" if !goto => XtTarget::Reject { with: 3 },
                    "LOG" if !goto => XtTarget::Log {
                        level: 4,
                        logflags: 0,
                        prefix: String::new(),
                    },
                    _ if goto => XtTarget::Goto(t.clone()),
                    // A user chain, or a target nsh does not model (the
                    // backend says which when the rule is checked).
                    _ => XtTarget::Jump(t.clone()),
                };
            }
            "--to-ports" if matches!(e.target, XtTarget::Masquerade(_) | XtTarget::Redirect(_)) => {
                let v = get(&mut p, name)?;
                if e.proto != 6 && e.proto != 17 {
                    return Err(p.err("Need TCP, UDP, SCTP or DCCP with port specification"));
                }
                let (lo, hi) = parse_ports_dash(prog, &v, p.i - 1)?;
                if let XtTarget::Masquerade(r) | XtTarget::Redirect(r) = &mut e.target {
                    r.min_port = lo;
                    r.max_port = hi;
                    r.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
                }
            }
            "--to-destination" | "--to-source"
                if matches!(
                    (&e.target, opt),
                    (XtTarget::Dnat(_), "--to-destination") | (XtTarget::Snat(_), "--to-source")
                ) =>
            {
                let v = get(&mut p, name)?;
                let r = parse_nat(prog, &v, p.i - 1, e.proto)?;
                if let XtTarget::Dnat(x) | XtTarget::Snat(x) = &mut e.target {
                    *x = r;
                }
            }
            "--reject-with" if matches!(e.target, XtTarget::Reject { .. }) => {
                let v = get(&mut p, name)?;
                let alias = match v.as_str() {
                    "tcp-rst" => "tcp-reset",
                    "icmp-proto-unreach" => "icmp-proto-unreachable",
                    x => x,
                };
                let w = REJECT_WITH
                    .iter()
                    .find(|(n, _)| {
                        *n == alias || n.strip_suffix("able").map(|s| s == alias).unwrap_or(false)
                    })
                    .map(|(_, w)| *w)
                    .ok_or_else(|| p.err(&format!("unknown reject type \"{v}\"")))?;
                if let XtTarget::Reject { with } = &mut e.target {
                    *with = w;
                }
            }
            "--log-prefix" | "--log-level" if matches!(e.target, XtTarget::Log { .. }) => {
                let v = get(&mut p, name)?;
                let lvl = if opt == "--log-level" {
                    Some(parse_log_level(&p, &v)?)
                } else {
                    if v.len() > 29 {
                        return Err(p.err("Maximum prefix length 29 for --log-prefix"));
                    }
                    None
                };
                if let XtTarget::Log { level, prefix, .. } = &mut e.target {
                    match lvl {
                        Some(l) => *level = l,
                        None => *prefix = v,
                    }
                }
            }
            _ => {
                if !w.starts_with('-') {
                    return Err(ParseError {
                        text: format!("Bad argument `{w}'\nTry `{prog} -h' or '{prog} --help' for more information.\n"),
                        status: 2,
                        word: Some(p.i - 1),
                        unsupported: false,
                    });
                }
                let mut er = p.err(&format!("unknown option \"{w}\""));
                er.unsupported = true;
                return Err(er);
            }
        }
    }
    if invert {
        return Err(p.err("unexpected '!' at end"));
    }
    for m in &e.matches {
        match m {
            XtMatch::Tcp { .. } if e.proto != 6 || e.invflags & IPT_INV_PROTO != 0 => {
                return Err(param_problem(prog, "TCP match requires '-p tcp'", None));
            }
            XtMatch::Udp { .. } if e.proto != 17 || e.invflags & IPT_INV_PROTO != 0 => {
                return Err(param_problem(prog, "UDP match requires '-p udp'", None));
            }
            _ => {}
        }
    }
    let Some(command) = command else {
        return Err(p.err("no command specified"));
    };
    let table = table.unwrap_or_else(|| "filter".into());
    // iptables 1.8.9 do_parse: no DROP in the nat table.
    let drop_policy = matches!(command, Command::Policy(_, false));
    if table == "nat" && (drop_policy || e.target == XtTarget::Drop) {
        return Err(param_problem(
            prog,
            "\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n",
            None,
        ));
    }
    // Target-specific checks done by iptables after parsing (x6 final_check).
    match &e.target {
        XtTarget::Dnat(r) | XtTarget::Snat(r) if r.flags == 0 => {
            let (t, o) = if matches!(e.target, XtTarget::Dnat(_)) {
                ("DNAT", "--to-destination")
            } else {
                ("SNAT", "--to-source")
            };
            return Err(param_problem(
                prog,
                &format!("{t}: option \"{o}\" must be specified\n"),
                None,
            ));
        }
        _ => {}
    }
    let rule_cmd = matches!(
        command,
        Command::Append(_)
            | Command::Insert(..)
            | Command::Check(_)
            | Command::Replace(..)
            | Command::Delete(_, None)
    );
    if !rule_cmd && (e != IptEntry::default()) {
        return Err(param_problem(
            prog,
            &format!("Illegal option `-{}' with this command", "j"),
            None,
        ));
    }
    Ok(IptCmd {
        table,
        command,
        entry: e,
        numeric,
        verbose,
        exact,
        line_numbers,
        zero_after_list,
        words: words.to_vec(),
    })
}

fn cmd_flag(c: &Command) -> &'static str {
    match c {
        Command::Append(_) => "-A",
        Command::Insert(..) => "-I",
        Command::Delete(..) => "-D",
        Command::Replace(..) => "-R",
        Command::Check(_) => "-C",
        Command::Policy(..) => "-P",
        Command::NewChain(_) => "-N",
        Command::DeleteChain(_) => "-X",
        Command::RenameChain(..) => "-E",
        Command::Flush(_) => "-F",
        Command::Zero(_) | Command::ZeroRule(..) => "-Z",
        Command::ListRules(_) => "-S",
        Command::List(_) => "-L",
    }
}

fn port_match(s: &str, spts: [u16; 2], dpts: [u16; 2], invflags: u8) -> XtMatch {
    if s == "tcp" {
        XtMatch::Tcp {
            spts,
            dpts,
            invflags,
        }
    } else {
        XtMatch::Udp {
            spts,
            dpts,
            invflags,
        }
    }
}

fn parse_rulenum(p: &P, n: &str) -> Result<usize, ParseError> {
    match n.parse::<usize>() {
        Ok(v) if v >= 1 => Ok(v),
        _ => Err(p.err(&format!("Invalid rule number `{n}'"))),
    }
}

/// Targets iptables 1.8.9 can load (standard verdicts and the libxt_*/
/// libipt_* target extensions); chains may not take these names.
pub const TARGETS: &[&str] = &[
    "ACCEPT",
    "DROP",
    "QUEUE",
    "RETURN",
    "AUDIT",
    "CHECKSUM",
    "CLASSIFY",
    "CLUSTERIP",
    "CONNMARK",
    "CONNSECMARK",
    "CT",
    "DNAT",
    "DSCP",
    "ECN",
    "HMARK",
    "IDLETIMER",
    "LED",
    "LOG",
    "MARK",
    "MASQUERADE",
    "NETMAP",
    "NFLOG",
    "NFQUEUE",
    "NOTRACK",
    "RATEEST",
    "REDIRECT",
    "REJECT",
    "SECMARK",
    "SET",
    "SNAT",
    "SYNPROXY",
    "TCPMSS",
    "TCPOPTSTRIP",
    "TEE",
    "TOS",
    "TPROXY",
    "TRACE",
    "TTL",
    "ULOG",
];

fn check_chain_name(p: &P, c: &str) -> Result<(), ParseError> {
    if c.len() >= 29 {
        return Err(p.err(&format!(
            "chain name `{c}' too long (must be under 29 chars)"
        )));
    }
    if c.starts_with('-') || c.starts_with('!') {
        return Err(p.err(&format!(
            "chain name not allowed to start with `{}'",
            &c[..1]
        )));
    }
    if TARGETS.contains(&c) {
        return Err(p.err("chain name may not clash with target name"));
    }
    Ok(())
}

fn parse_states(p: &P, v: &str, what: &str) -> Result<u16, ParseError> {
    let mut m = 0;
    for s in v.split(',') {
        let bit = CT_STATES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, b)| *b)
            .ok_or_else(|| p.err(&format!("Bad {what} \"{s}\"")))?;
        m |= bit;
    }
    Ok(m)
}

fn parse_icmp(p: &P, v: &str) -> Result<(u8, [u8; 2]), ParseError> {
    if let Some(&(_, t, lo, hi)) = ICMP_TYPES.iter().find(|(n, ..)| *n == v) {
        return Ok((t, [lo, hi]));
    }
    let bad = || p.err(&format!("Invalid ICMP type `{v}'"));
    match v.split_once('/') {
        Some((t, c)) => {
            let t: u8 = t.parse().map_err(|_| bad())?;
            let c: u8 = c.parse().map_err(|_| bad())?;
            Ok((t, [c, c]))
        }
        None => {
            let t: u8 = v.parse().map_err(|_| bad())?;
            Ok((t, [0, 255]))
        }
    }
}

fn parse_log_level(p: &P, v: &str) -> Result<u8, ParseError> {
    if let Ok(n) = v.parse::<u8>() {
        if n <= 7 {
            return Ok(n);
        }
    }
    const NAMES: &[(&str, u8)] = &[
        ("alert", 1),
        ("crit", 2),
        ("debug", 7),
        ("emerg", 0),
        ("error", 3),
        ("info", 6),
        ("notice", 5),
        ("panic", 0),
        ("warning", 4),
    ];
    NAMES
        .iter()
        .find(|(n, _)| *n == v)
        .map(|(_, l)| *l)
        .ok_or_else(|| p.err(&format!("log level \"{v}\" unknown\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    /// The grammar's items as `rule@word[args]`.
    fn read(argv: &str) -> String {
        items(&w(argv))
            .iter()
            .map(|it| {
                let args: Vec<String> = it.args.iter().map(|(k, a)| format!("{a}@{k}")).collect();
                let eq = if it.inline { "=" } else { "" };
                format!("{:?}@{}{eq}[{}]", it.rule, it.at, args.join(","))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_grammar_groups_options_with_their_arguments() {
        assert_eq!(
            read("-A INPUT ! -s 1.2.3.4 -p tcp --dport=80 -j ACCEPT"),
            "opt_req@0[INPUT@1] bang@2[] opt_req@3[1.2.3.4@4] opt_req@5[tcp@6] \
             opt_req@7=[80@7] opt_req@8[ACCEPT@9]"
        );
        // Optional arguments: the next word unless it starts with - or !.
        assert_eq!(
            read("-I X 2 -L -n --flush FOO -Z A 3 -w 5 -X"),
            "opt_req_opt@0[X@1,2@2] opt_opt@3[] opt_flag@4[] opt_opt@5[FOO@6] \
             opt_zero@7[A@8,3@9] opt_wait@10[5@11] opt_opt@12[]"
        );
        assert_eq!(
            read("-D INPUT -j DROP"),
            "opt_req_opt@0[INPUT@1] opt_req@2[DROP@3]"
        );
        // A required argument is the next word whatever it is.
        assert_eq!(read("-s -d"), "opt_req@0[-d@1]");
        assert_eq!(read("-A"), "opt_req@0[]");
        // Unknown options, abbreviations and stray words are left to the
        // scanner (iptables' errors, or the real tool).
        assert_eq!(
            read("--app X extra -h -- - --dportx 1 -sfoo"),
            "unknown@0[] stray@1[] stray@2[] unknown@3[] unknown@4[] unknown@5[] \
             unknown@6[] stray@7[] unknown@8[]"
        );
        // Long names that are prefixes of others.
        assert_eq!(
            read("--source-port 1 --source-ports 2 --src-type LOCAL --src 1.1.1.1 --delete-chain"),
            "opt_req@0[1@1] opt_req@2[2@3] opt_req@4[LOCAL@5] opt_req@6[1.1.1.1@7] opt_opt@8[]"
        );
        for (name, long) in [
            ("-s", "--source"),
            ("--src", "--source"),
            ("--dport", "--destination-port"),
        ] {
            assert_eq!(canonical(name), long);
        }
    }

    #[test]
    fn masquerade() {
        let c = parse(
            "iptables",
            &w("-t nat -A POSTROUTING -s 192.168.255.0/24 -j MASQUERADE"),
        )
        .unwrap();
        assert_eq!(c.table, "nat");
        assert_eq!(c.command, Command::Append("POSTROUTING".into()));
        assert_eq!(c.entry.src, Ipv4Addr::new(192, 168, 255, 0));
        assert_eq!(c.entry.smsk, Ipv4Addr::new(255, 255, 255, 0));
        assert_eq!(c.entry.target, XtTarget::Masquerade(NatRange::default()));
    }

    #[test]
    fn dport_implies_tcp_match() {
        let c = parse("iptables", &w("-A INPUT -p tcp --dport 8080 -j ACCEPT")).unwrap();
        assert_eq!(
            c.entry.matches,
            vec![XtMatch::Tcp {
                spts: [0, 65535],
                dpts: [8080, 8080],
                invflags: 0
            }]
        );
    }

    #[test]
    fn unknown_option_names_word() {
        let e = parse("iptables", &w("-A INPUT --x")).unwrap_err();
        assert_eq!(
            e.text,
            "iptables v1.8.9 (nf_tables): unknown option \"--x\"\nTry `iptables -h' or 'iptables --help' for more information.\n"
        );
        assert_eq!(e.status, 2);
        assert_eq!(e.word, Some(2));
    }

    #[test]
    fn clustered_flags() {
        let c = parse("iptables", &w("-nvL INPUT")).unwrap();
        assert!(c.numeric && c.verbose);
        assert_eq!(c.command, Command::List(Some("INPUT".into())));
    }

    fn err(s: &str) -> (String, i32, Option<usize>) {
        let e = parse("iptables", &w(s)).unwrap_err();
        (e.text, e.status, e.word)
    }

    #[test]
    fn errors_name_the_offending_word() {
        let try_line = "Try `iptables -h' or 'iptables --help' for more information.\n";
        assert_eq!(
            err("-A INPUT -s 1.2.3.4/33 -j ACCEPT"),
            (
                format!("iptables v1.8.9 (nf_tables): invalid mask `33' specified\n{try_line}"),
                2,
                Some(3)
            )
        );
        assert_eq!(
            err("-A INPUT -p tcp --dport 99999"),
            (
                format!("iptables v1.8.9 (nf_tables): invalid port/service `99999' specified\n{try_line}"),
                2,
                Some(5)
            )
        );
        assert_eq!(
            err("-A INPUT extra"),
            (format!("Bad argument `extra'\n{try_line}"), 2, Some(2))
        );
        assert_eq!(err("-N ACCEPT").2, Some(1));
        assert_eq!(err("-A INPUT -s 1.2.3.4 -s 1.2.3.5").2, Some(4));
        let e = parse("iptables", &w("-A INPUT -m nosuch")).unwrap_err();
        assert!(e.unsupported);
    }

    #[test]
    fn matches_keep_command_line_order() {
        let c = parse(
            "iptables",
            &w("-A INPUT -m comment --comment x -p tcp --dport 22 -m state --state NEW"),
        )
        .unwrap();
        assert!(matches!(c.entry.matches[0], XtMatch::Comment(_)));
        assert!(matches!(c.entry.matches[1], XtMatch::Tcp { .. }));
        assert!(matches!(c.entry.matches[2], XtMatch::Conntrack { .. }));
    }

    #[test]
    fn negations() {
        let c = parse(
            "iptables",
            &w("-A FORWARD ! -i lo ! -s 10.0.0.0/8 -p tcp ! --dport 22"),
        )
        .unwrap();
        assert_eq!(c.entry.invflags, IPT_INV_VIA_IN | IPT_INV_SRCIP);
        assert_eq!(
            c.entry.matches,
            vec![XtMatch::Tcp {
                spts: [0, 65535],
                dpts: [22, 22],
                invflags: XT_TCP_INV_DSTPT
            }]
        );
    }

    #[test]
    fn nat_ranges() {
        let c = parse(
            "iptables",
            &w("-t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.2:80-90"),
        )
        .unwrap();
        let XtTarget::Dnat(r) = c.entry.target else {
            panic!("not DNAT")
        };
        assert_eq!(r.min_ip, Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(r.max_ip, Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!((r.min_port, r.max_port), (80, 90));
        assert_eq!(r.flags, NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
    }
}

//! Renderers of iptables rules, byte for byte as iptables-nft 1.8.9 prints
//! them: `-S`/`iptables-save` rule specs (`nft_ipv4_save_rule` and each
//! `libxt_*` `save` function) and `-L` tables (`print_header`,
//! `print_rule_details`, `print_ipv4_addresses`, `print_ifaces` in
//! `iptables/xshared.c`, and the modules' `print` functions).
//! Pure: model values in, text out; name lookups read /etc/services and
//! /etc/protocols only.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use crate::backend::nft::xlate::{
    IPT_INV_DSTIP, IPT_INV_PROTO, IPT_INV_SRCIP, IPT_INV_VIA_IN, IPT_INV_VIA_OUT,
    NF_NAT_RANGE_MAP_IPS, NF_NAT_RANGE_PROTO_SPECIFIED, XT_CONNTRACK_STATE_ALIAS, XT_TCP_INV_DSTPT,
    XT_TCP_INV_SRCPT,
};
use crate::backend::nft::{IptEntry, NatRange, XtMatch, XtTarget};
use crate::netcmd::iptables::{etc_file, ADDR_TYPES, CT_STATES, ICMP_TYPES, REJECT_WITH};

/// Name of protocol number `p` (`/etc/protocols`), as `proto_to_name`.
pub fn proto_name(p: u16) -> Option<String> {
    match p {
        0 => return Some("all".into()),
        6 => return Some("tcp".into()),
        17 => return Some("udp".into()),
        1 => return Some("icmp".into()),
        _ => {}
    }
    let text = etc_file("/etc/protocols")?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        if let (Some(n), Some(num)) = (it.next(), it.next()) {
            if num.parse::<u16>().ok() == Some(p) {
                return Some(n.to_string());
            }
        }
    }
    None
}

/// Service name of `port` for `proto` (`getservbyport`), first in /etc/services.
pub fn service_name(port: u16, proto: &str) -> Option<String> {
    let text = etc_file("/etc/services")?;
    let want = format!("{port}/{proto}");
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        if let (Some(n), Some(pp)) = (it.next(), it.next()) {
            if pp == want {
                return Some(n.to_string());
            }
        }
    }
    None
}

fn port_str(port: u16, proto: &str, numeric: bool) -> String {
    if !numeric {
        if let Some(n) = service_name(port, proto) {
            return n;
        }
    }
    port.to_string()
}

/// `xtables_save_string`: quote unless only `[_-0-9a-zA-Z]`.
fn save_string(out: &mut String, v: &str) {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        out.push(' ');
        out.push_str(v);
    } else {
        out.push_str(" \"");
        for c in v.chars() {
            if "\"\\'".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
}

/// First name of `a` in /etc/hosts.
fn host_name(a: Ipv4Addr) -> Option<String> {
    let text = etc_file("/etc/hosts")?;
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        let ip: Ipv4Addr = it.next()?.parse().ok()?;
        if ip == a {
            it.next().map(String::from)
        } else {
            None
        }
    })
}

/// Name of network `a` in /etc/networks (`getnetbyaddr`, iptables'
/// `ipaddr_to_network`).
fn network_name(a: Ipv4Addr) -> Option<String> {
    let text = etc_file("/etc/networks")?;
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        let name = it.next()?;
        let net = it.next()?;
        // getnetbyaddr matches the network number with trailing zero
        // octets omitted as well ("127" == 127.0.0.0).
        let mut o = [0u8; 4];
        for (k, part) in net.split('.').enumerate().take(4) {
            o[k] = part.parse().ok()?;
        }
        (Ipv4Addr::from(o) == a).then(|| name.to_string())
    })
}

fn mask_len(m: Ipv4Addr) -> Option<u32> {
    let v = u32::from(m);
    let n = v.leading_ones();
    if v.checked_shl(n).unwrap_or(0) == 0 {
        Some(n)
    } else {
        None
    }
}

/// `addr/len` or `addr/dotted` as iptables-save prints addresses.
fn save_addr(a: Ipv4Addr, m: Ipv4Addr) -> String {
    match mask_len(m) {
        Some(n) => format!("{a}/{n}"),
        None => format!("{a}/{m}"),
    }
}

/// `xtables_ipmask_to_numeric`: "" for /32, "/len", or "/dotted".
fn mask_suffix(m: Ipv4Addr) -> String {
    match mask_len(m) {
        Some(32) => String::new(),
        Some(n) => format!("/{n}"),
        None => format!("/{m}"),
    }
}

fn proto_of(e: &IptEntry) -> &'static str {
    match e.proto {
        6 => "tcp",
        17 => "udp",
        _ => "tcp",
    }
}

fn states(mask: u16) -> String {
    CT_STATES
        .iter()
        .filter(|(_, b)| mask & b != 0)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

fn types(mask: u16) -> String {
    ADDR_TYPES
        .iter()
        .enumerate()
        .filter(|(k, _)| mask & (1 << k) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

fn save_ports(out: &mut String, opt: &str, r: [u16; 2], inv: bool) {
    if r == [0, 65535] && !inv {
        return;
    }
    if inv {
        out.push_str(" !");
    }
    if r[0] == r[1] {
        let _ = write!(out, " --{opt} {}", r[0]);
    } else {
        let _ = write!(out, " --{opt} {}:{}", r[0], r[1]);
    }
}

fn nat_str(r: &NatRange) -> String {
    let mut s = String::new();
    if r.flags & NF_NAT_RANGE_MAP_IPS != 0 {
        s.push_str(&r.min_ip.to_string());
        if r.max_ip != r.min_ip {
            let _ = write!(s, "-{}", r.max_ip);
        }
    }
    if r.flags & NF_NAT_RANGE_PROTO_SPECIFIED != 0 {
        let _ = write!(s, ":{}", r.min_port);
        if r.max_port != r.min_port {
            let _ = write!(s, "-{}", r.max_port);
        }
    }
    s
}

fn ports_dash(r: &NatRange) -> String {
    if r.max_port != r.min_port {
        format!("{}-{}", r.min_port, r.max_port)
    } else {
        r.min_port.to_string()
    }
}

/// The rule spec after `-A CHAIN` (with a leading space per item), as
/// iptables-save and `-S` print it.
pub fn save_rule(e: &IptEntry) -> String {
    save_rule_counters(e, false)
}

/// [`save_rule`], with `-S -v`'s ` -c PACKETS BYTES` before the target
/// when `counters`.
pub fn save_rule_counters(e: &IptEntry, counters: bool) -> String {
    let mut o = String::new();
    let inv = |f: u8| e.invflags & f != 0;
    if !e.smsk.is_unspecified() || inv(IPT_INV_SRCIP) {
        let _ = write!(
            o,
            "{} -s {}",
            if inv(IPT_INV_SRCIP) { " !" } else { "" },
            save_addr(e.src, e.smsk)
        );
    }
    if !e.dmsk.is_unspecified() || inv(IPT_INV_DSTIP) {
        let _ = write!(
            o,
            "{} -d {}",
            if inv(IPT_INV_DSTIP) { " !" } else { "" },
            save_addr(e.dst, e.dmsk)
        );
    }
    if !e.iniface.is_empty() {
        let _ = write!(
            o,
            "{} -i {}",
            if inv(IPT_INV_VIA_IN) { " !" } else { "" },
            e.iniface
        );
    }
    if !e.outiface.is_empty() {
        let _ = write!(
            o,
            "{} -o {}",
            if inv(IPT_INV_VIA_OUT) { " !" } else { "" },
            e.outiface
        );
    }
    if e.proto != 0 {
        let name = proto_name(e.proto).unwrap_or_else(|| e.proto.to_string());
        let _ = write!(
            o,
            "{} -p {}",
            if inv(IPT_INV_PROTO) { " !" } else { "" },
            name
        );
    }
    for m in &e.matches {
        match m {
            XtMatch::Tcp {
                spts,
                dpts,
                invflags,
            }
            | XtMatch::Udp {
                spts,
                dpts,
                invflags,
            } => {
                o.push_str(if matches!(m, XtMatch::Tcp { .. }) {
                    " -m tcp"
                } else {
                    " -m udp"
                });
                save_ports(&mut o, "sport", *spts, invflags & XT_TCP_INV_SRCPT != 0);
                save_ports(&mut o, "dport", *dpts, invflags & XT_TCP_INV_DSTPT != 0);
            }
            XtMatch::Icmp {
                icmp_type,
                code,
                invflags,
            } => {
                o.push_str(" -m icmp");
                if *invflags != 0 {
                    o.push_str(" !");
                }
                if *icmp_type == 255 {
                    o.push_str(" --icmp-type any");
                } else {
                    let _ = write!(o, " --icmp-type {icmp_type}");
                    if *code != [0, 255] {
                        let _ = write!(o, "/{}", code[0]);
                    }
                }
            }
            XtMatch::Conntrack {
                match_flags,
                invert_flags,
                state_mask,
                ..
            } => {
                let state = match_flags & XT_CONNTRACK_STATE_ALIAS != 0;
                o.push_str(if state { " -m state" } else { " -m conntrack" });
                if *invert_flags & 1 != 0 {
                    o.push_str(" !");
                }
                let _ = write!(
                    o,
                    " --{} {}",
                    if state { "state" } else { "ctstate" },
                    states(*state_mask)
                );
            }
            XtMatch::Multiport {
                flags,
                ports,
                pflags,
                invert,
            } => {
                o.push_str(" -m multiport");
                if *invert {
                    o.push_str(" !");
                }
                o.push_str(match flags {
                    0 => " --sports ",
                    1 => " --dports ",
                    _ => " --ports ",
                });
                o.push_str(&port_list(ports, pflags, |p| p.to_string()));
            }
            XtMatch::Comment(c) => {
                o.push_str(" -m comment --comment");
                save_string(&mut o, c);
            }
            XtMatch::Addrtype {
                source,
                dest,
                flags,
            } => {
                o.push_str(" -m addrtype");
                if *source != 0 {
                    let _ = write!(
                        o,
                        "{} --src-type {}",
                        if flags & 1 != 0 { " !" } else { "" },
                        types(*source)
                    );
                }
                if *dest != 0 {
                    let _ = write!(
                        o,
                        "{} --dst-type {}",
                        if flags & 2 != 0 { " !" } else { "" },
                        types(*dest)
                    );
                }
                if flags & 4 != 0 {
                    o.push_str(" --limit-iface-in");
                }
                if flags & 8 != 0 {
                    o.push_str(" --limit-iface-out");
                }
            }
            XtMatch::Other { name, .. } => {
                let _ = write!(o, " -m {name}");
            }
        }
    }
    if counters {
        let _ = write!(o, " -c {} {}", e.counters.0, e.counters.1);
    }
    match &e.target {
        XtTarget::None => {}
        XtTarget::Accept => o.push_str(" -j ACCEPT"),
        XtTarget::Drop => o.push_str(" -j DROP"),
        XtTarget::Return => o.push_str(" -j RETURN"),
        XtTarget::Jump(c) => {
            let _ = write!(o, " -j {c}");
        }
        XtTarget::Goto(c) => {
            let _ = write!(o, " -g {c}");
        }
        XtTarget::Masquerade(r) => {
            o.push_str(" -j MASQUERADE");
            if r.flags & NF_NAT_RANGE_PROTO_SPECIFIED != 0 {
                let _ = write!(o, " --to-ports {}", ports_dash(r));
            }
        }
        XtTarget::Redirect(r) => {
            o.push_str(" -j REDIRECT");
            if r.flags & NF_NAT_RANGE_PROTO_SPECIFIED != 0 {
                let _ = write!(o, " --to-ports {}", ports_dash(r));
            }
        }
        XtTarget::Snat(r) => {
            let _ = write!(o, " -j SNAT --to-source {}", nat_str(r));
        }
        XtTarget::Dnat(r) => {
            let _ = write!(o, " -j DNAT --to-destination {}", nat_str(r));
        }
        XtTarget::Reject { with } => {
            let n = REJECT_WITH
                .iter()
                .find(|(_, w)| w == with)
                .map_or("icmp-port-unreachable", |(n, _)| n);
            let _ = write!(o, " -j REJECT --reject-with {n}");
        }
        XtTarget::Log {
            level,
            logflags,
            prefix,
        } => {
            o.push_str(" -j LOG");
            if !prefix.is_empty() {
                o.push_str(" --log-prefix");
                save_string(&mut o, prefix);
            }
            if *level != 4 {
                let _ = write!(o, " --log-level {level}");
            }
            let _ = logflags;
        }
        XtTarget::Other { name, .. } => {
            let _ = write!(o, " -j {name}");
        }
    }
    o
}

fn port_list(ports: &[u16], pflags: &[u8], f: impl Fn(u16) -> String) -> String {
    let mut s = String::new();
    let mut k = 0;
    while k < ports.len() {
        if k > 0 {
            s.push(',');
        }
        s.push_str(&f(ports[k]));
        if pflags.get(k) == Some(&1) && k + 1 < ports.len() {
            s.push(':');
            s.push_str(&f(ports[k + 1]));
            k += 1;
        }
        k += 1;
    }
    s
}

/// Listing flags of `-L`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListFmt {
    pub numeric: bool,
    pub verbose: bool,
    pub exact: bool,
    pub line_numbers: bool,
}

/// `xtables_print_num`.
fn num(o: &mut String, n: u64, f: ListFmt, notable: bool) {
    if f.exact {
        if notable {
            let _ = write!(o, "{n} ");
        } else {
            let _ = write!(o, "{n:8} ");
        }
        return;
    }
    let (mut n, mut suffix) = (n, "");
    if n > 99999 {
        for s in ["K", "M", "G", "T"] {
            n /= 1000;
            suffix = s;
            if n <= 9999 {
                break;
            }
        }
        if notable {
            let _ = write!(o, "{n}{suffix} ");
        } else {
            let _ = write!(o, "{n:4}{suffix} ");
        }
        return;
    }
    if notable {
        let _ = write!(o, "{n} ");
    } else {
        let _ = write!(o, "{n:5} ");
    }
}

/// `print_header`: the `Chain …` line and the column titles.
pub fn list_header(
    o: &mut String,
    name: &str,
    policy: Option<(bool, u64, u64)>,
    refs: usize,
    f: ListFmt,
) {
    let _ = write!(o, "Chain {name}");
    match policy {
        Some((accept, pk, by)) => {
            let _ = write!(o, " (policy {}", if accept { "ACCEPT" } else { "DROP" });
            if f.verbose {
                o.push(' ');
                num(o, pk, f, true);
                o.push_str("packets, ");
                num(o, by, f, true);
                o.push_str("bytes");
            }
            o.push_str(")\n");
        }
        None => {
            let _ = writeln!(o, " ({refs} references)");
        }
    }
    if f.line_numbers {
        o.push_str("num  ");
    }
    if f.verbose {
        if f.exact {
            o.push_str("    pkts      bytes ");
        } else {
            o.push_str(" pkts bytes ");
        }
    }
    o.push_str("target    ");
    o.push_str(" prot ");
    o.push_str("opt");
    if f.verbose {
        o.push_str(" in     out    ");
    }
    o.push_str(" source              ");
    o.push_str(" destination         ");
    o.push('\n');
}

fn list_addr(o: &mut String, a: Ipv4Addr, m: Ipv4Addr, inv: bool, f: ListFmt) {
    o.push(if inv { '!' } else { ' ' });
    let s = if m.is_unspecified() && !f.numeric {
        "anywhere".to_string()
    } else if f.numeric {
        format!("{a}{}", mask_suffix(m))
    } else {
        // xtables_ipaddr_to_anyname: gethostbyaddr (here /etc/hosts only:
        // the sandboxes nsh serves have no resolver), else numeric.
        let name = host_name(a)
            .or_else(|| network_name(a))
            .unwrap_or_else(|| a.to_string());
        format!("{name}{}", mask_suffix(m))
    };
    let _ = write!(o, "{s:<19} ");
}

fn list_ports(o: &mut String, name: &str, r: [u16; 2], inv: bool, proto: &str, numeric: bool) {
    if r == [0, 65535] && !inv {
        return;
    }
    let _ = write!(o, " {name}");
    let bang = if inv { "!" } else { "" };
    if r[0] == r[1] {
        let _ = write!(o, ":{bang}{}", port_str(r[0], proto, numeric));
    } else {
        let _ = write!(
            o,
            "s:{bang}{}:{}",
            port_str(r[0], proto, numeric),
            port_str(r[1], proto, numeric)
        );
    }
}

/// What `iptables -v` prints for a rule it adds, inserts, deletes or
/// checks (`print_firewall` with FMT_NOTABLE | FMT_NUMERIC | FMT_VIA |
/// FMT_OPTIONS | FMT_NOCOUNTS).
pub fn verbose_rule(e: &IptEntry) -> String {
    let mut o = String::new();
    let f = ListFmt {
        numeric: true,
        verbose: true,
        exact: false,
        line_numbers: false,
    };
    let _ = write!(o, "{} ", target_name(e));
    let inv = |fl: u8| e.invflags & fl != 0;
    o.push(if inv(IPT_INV_PROTO) { '!' } else { ' ' });
    let _ = write!(
        o,
        "{} ",
        proto_name(e.proto).unwrap_or_else(|| e.proto.to_string())
    );
    o.push_str("opt -- ");
    let any = |s: &str| {
        if s.is_empty() {
            "*".to_string()
        } else {
            s.to_string()
        }
    };
    let _ = write!(
        o,
        "in {}{} out {}{} ",
        if inv(IPT_INV_VIA_IN) { "!" } else { "" },
        any(&e.iniface),
        if inv(IPT_INV_VIA_OUT) { "!" } else { "" },
        any(&e.outiface)
    );
    o.push(if inv(IPT_INV_SRCIP) { '!' } else { ' ' });
    let _ = write!(o, "{}{} ", e.src, mask_suffix(e.smsk));
    o.push(if inv(IPT_INV_DSTIP) { '!' } else { ' ' });
    let _ = write!(o, "-> {}{}", e.dst, mask_suffix(e.dmsk));
    o.push_str("  ");
    if matches!(e.target, XtTarget::Goto(_)) {
        o.push_str("[goto] ");
    }
    rule_extras(&mut o, e, f);
    o.push('\n');
    o
}

fn target_name(e: &IptEntry) -> String {
    match &e.target {
        XtTarget::None => String::new(),
        XtTarget::Accept => "ACCEPT".into(),
        XtTarget::Drop => "DROP".into(),
        XtTarget::Return => "RETURN".into(),
        XtTarget::Jump(c) | XtTarget::Goto(c) => c.clone(),
        XtTarget::Masquerade(_) => "MASQUERADE".into(),
        XtTarget::Snat(_) => "SNAT".into(),
        XtTarget::Dnat(_) => "DNAT".into(),
        XtTarget::Redirect(_) => "REDIRECT".into(),
        XtTarget::Reject { .. } => "REJECT".into(),
        XtTarget::Log { .. } => "LOG".into(),
        XtTarget::Other { name, .. } => name.clone(),
    }
}

/// One rule line of `-L` (`print_rule_details` and the modules' `print`).
pub fn list_rule(o: &mut String, e: &IptEntry, n: usize, f: ListFmt) {
    if f.line_numbers {
        let _ = write!(o, "{n:<4} ");
    }
    if f.verbose {
        num(o, e.counters.0, f, false);
        num(o, e.counters.1, f, false);
    }
    let tname = match &e.target {
        XtTarget::None => String::new(),
        XtTarget::Accept => "ACCEPT".into(),
        XtTarget::Drop => "DROP".into(),
        XtTarget::Return => "RETURN".into(),
        XtTarget::Jump(c) | XtTarget::Goto(c) => c.clone(),
        XtTarget::Masquerade(_) => "MASQUERADE".into(),
        XtTarget::Snat(_) => "SNAT".into(),
        XtTarget::Dnat(_) => "DNAT".into(),
        XtTarget::Redirect(_) => "REDIRECT".into(),
        XtTarget::Reject { .. } => "REJECT".into(),
        XtTarget::Log { .. } => "LOG".into(),
        XtTarget::Other { name, .. } => name.clone(),
    };
    let _ = write!(o, "{tname:<9} ");
    let inv = |fl: u8| e.invflags & fl != 0;
    o.push(if inv(IPT_INV_PROTO) { '!' } else { ' ' });
    let pname = if f.numeric { None } else { proto_name(e.proto) };
    match pname {
        Some(p) => {
            let _ = write!(o, "{p:<5}");
        }
        None => {
            let _ = write!(o, "{:<5}", e.proto);
        }
    }
    o.push_str("-- ");
    if f.verbose {
        let any = if f.numeric { "*" } else { "any" };
        let i = format!(
            "{}{}",
            if inv(IPT_INV_VIA_IN) { "!" } else { "" },
            if e.iniface.is_empty() {
                any
            } else {
                &e.iniface
            }
        );
        let _ = write!(o, " {i:<6} ");
        let ou = format!(
            "{}{}",
            if inv(IPT_INV_VIA_OUT) { "!" } else { "" },
            if e.outiface.is_empty() {
                any
            } else {
                &e.outiface
            }
        );
        let _ = write!(o, "{ou:<6} ");
    }
    list_addr(o, e.src, e.smsk, inv(IPT_INV_SRCIP), f);
    list_addr(o, e.dst, e.dmsk, inv(IPT_INV_DSTIP), f);
    // print_firewall: `[goto] ` right after the addresses.
    if matches!(e.target, XtTarget::Goto(_)) {
        o.push_str("[goto] ");
    }
    rule_extras(o, e, f);
    o.push('\n');
}

/// The matches' and target's `print` output (each with a leading space).
fn rule_extras(o: &mut String, e: &IptEntry, f: ListFmt) {
    let proto = proto_of(e);
    for m in &e.matches {
        match m {
            XtMatch::Tcp {
                spts,
                dpts,
                invflags,
            }
            | XtMatch::Udp {
                spts,
                dpts,
                invflags,
            } => {
                let pn = if matches!(m, XtMatch::Tcp { .. }) {
                    "tcp"
                } else {
                    "udp"
                };
                let _ = write!(o, " {pn}");
                list_ports(
                    o,
                    "spt",
                    *spts,
                    invflags & XT_TCP_INV_SRCPT != 0,
                    pn,
                    f.numeric,
                );
                list_ports(
                    o,
                    "dpt",
                    *dpts,
                    invflags & XT_TCP_INV_DSTPT != 0,
                    pn,
                    f.numeric,
                );
            }
            XtMatch::Icmp {
                icmp_type,
                code,
                invflags,
            } => {
                let bang = if *invflags != 0 { "!" } else { "" };
                let name = if f.numeric {
                    None
                } else {
                    ICMP_TYPES
                        .iter()
                        .find(|(_, t, lo, hi)| t == icmp_type && [*lo, *hi] == *code)
                };
                match name {
                    Some((n, ..)) => {
                        let _ = write!(o, " icmp {bang}{n}");
                    }
                    None => {
                        let b = if *invflags != 0 { " !" } else { "" };
                        let _ = write!(o, " icmp{b}type {icmp_type}");
                        if code[0] == code[1] {
                            let _ = write!(o, " code {}", code[0]);
                        } else if *code != [0, 255] {
                            let _ = write!(o, " codes {}-{}", code[0], code[1]);
                        }
                    }
                }
            }
            XtMatch::Conntrack {
                match_flags,
                invert_flags,
                state_mask,
                ..
            } => {
                let state = match_flags & XT_CONNTRACK_STATE_ALIAS != 0;
                let bang = if invert_flags & 1 != 0 { " !" } else { "" };
                let _ = write!(
                    o,
                    "{bang} {} {}",
                    if state { "state" } else { "ctstate" },
                    states(*state_mask)
                );
            }
            XtMatch::Multiport {
                flags,
                ports,
                pflags,
                invert,
            } => {
                let _ = write!(
                    o,
                    " multiport {} {}{}",
                    match flags {
                        0 => "sports",
                        1 => "dports",
                        _ => "ports",
                    },
                    if *invert { " !" } else { "" },
                    port_list(ports, pflags, |p| port_str(p, proto, f.numeric))
                );
            }
            XtMatch::Comment(c) => {
                let _ = write!(o, " /* {c} */");
            }
            XtMatch::Addrtype {
                source,
                dest,
                flags,
            } => {
                o.push_str(" ADDRTYPE match");
                if *source != 0 {
                    let _ = write!(
                        o,
                        " src-type {}{}",
                        if flags & 1 != 0 { "!" } else { "" },
                        types(*source)
                    );
                }
                if *dest != 0 {
                    let _ = write!(
                        o,
                        " dst-type {}{}",
                        if flags & 2 != 0 { "!" } else { "" },
                        types(*dest)
                    );
                }
                if flags & 4 != 0 {
                    o.push_str(" limit-in");
                }
                if flags & 8 != 0 {
                    o.push_str(" limit-out");
                }
            }
            _ => {}
        }
    }
    match &e.target {
        XtTarget::Masquerade(r) | XtTarget::Redirect(r)
            if r.flags & NF_NAT_RANGE_PROTO_SPECIFIED != 0 =>
        {
            let w = if matches!(e.target, XtTarget::Masquerade(_)) {
                "masq ports:"
            } else {
                "redir ports"
            };
            let _ = write!(o, " {w} {}", ports_dash(r));
        }
        XtTarget::Snat(r) | XtTarget::Dnat(r) => {
            let _ = write!(o, " to:{}", nat_str(r));
        }
        XtTarget::Reject { with } => {
            let n = REJECT_WITH
                .iter()
                .find(|(_, w)| w == with)
                .map_or("icmp-port-unreachable", |(n, _)| n);
            let _ = write!(o, " reject-with {n}");
        }
        XtTarget::Log {
            level,
            logflags,
            prefix,
        } => {
            o.push_str(" LOG");
            if f.numeric {
                let _ = write!(o, " flags {logflags} level {level}");
            } else {
                const L: [&str; 8] = [
                    "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug",
                ];
                let _ = write!(
                    o,
                    " level {}",
                    L.get(usize::from(*level)).copied().unwrap_or("?")
                );
            }
            if !prefix.is_empty() {
                let _ = write!(o, " prefix \"{prefix}\"");
            }
        }
        _ => {}
    }
}

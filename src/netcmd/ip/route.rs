//! `ip route …` argv → [`RouteCmd`] (iproute2 6.1 ip/iproute.c: do_iproute,
//! iproute_modify, iproute_list_flush_or_save). Pure: no I/O.
//!
//! The sub-command word is classified by `grammar/ip.pest` (`route_argv`,
//! do_iproute's order). The native subset: add/change/replace/prepend/
//! append/delete with `to TYPE PREFIX via dev src metric proto scope table
//! mtu onlink`, and `show|list` with `table` and `dev`; anything else is
//! [`Parsed::Foreign`] (the real tool), so iproute2 stays the judge of the
//! rest of its language.

use std::net::IpAddr;

use pest::Parser;

use super::link::Parsed;
use super::{
    c_integer, exit255, incomplete, invarg, matches, Family, IpParser, IpUsage, Joined, Rule,
};

/// `ip route add|…|delete` as one RTM_NEWROUTE / RTM_DELROUTE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteModify {
    /// RTM_DELROUTE (else RTM_NEWROUTE).
    pub delete: bool,
    /// NLM_F_CREATE/EXCL/REPLACE/APPEND.
    pub flags: u16,
    /// AF_INET (2) or AF_INET6 (10).
    pub family: u8,
    pub dst: Option<IpAddr>,
    pub dst_len: u8,
    pub table: u32,
    pub protocol: u8,
    pub scope: u8,
    pub kind: u8,
    pub rtm_flags: u32,
    pub gateway: Option<IpAddr>,
    pub dev: Option<String>,
    pub prefsrc: Option<IpAddr>,
    pub metric: Option<u32>,
    pub mtu: Option<u32>,
}

/// `ip route [show|list] [table T] [dev X]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteShow {
    /// AF_INET6 for `-6`, 0 for every family (`table all` without `-4`),
    /// else IPv4.
    pub family: u8,
    /// `None`: main; `Some(0)`: all.
    pub table: Option<u32>,
    pub dev: Option<String>,
}

/// `ip route get`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteGet {
    pub dst: IpAddr,
    pub from: Option<IpAddr>,
    pub iif: Option<String>,
    pub oif: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteCmd {
    Modify(RouteModify),
    Show(RouteShow),
    /// `ip route flush SELECTORS`: delete what `show` would list.
    Flush(RouteShow),
    /// `ip route get ADDR [from ADDR] [iif DEV] [oif DEV]` (IPv4).
    Get(RouteGet),
}

// include/uapi/linux/netlink.h, rtnetlink.h
const NLM_F_REPLACE: u16 = 0x100;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const NLM_F_APPEND: u16 = 0x800;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
pub const RT_TABLE_MAIN: u32 = 254;
const RT_TABLE_LOCAL: u32 = 255;
const RTPROT_BOOT: u8 = 3;
const RT_SCOPE_UNIVERSE: u8 = 0;
const RT_SCOPE_LINK: u8 = 253;
const RT_SCOPE_HOST: u8 = 254;
const RT_SCOPE_NOWHERE: u8 = 255;
const RTN_UNICAST: u8 = 1;
const RTNH_F_ONLINK: u32 = 4;

/// rtnl_rtntype names (lib/rt_names.c), by value.
pub const RTN_NAMES: [&str; 12] = [
    "none",
    "unicast",
    "local",
    "broadcast",
    "anycast",
    "multicast",
    "blackhole",
    "unreachable",
    "prohibit",
    "throw",
    "nat",
    "xresolve",
];

/// iproute_modify keywords outside the native subset (strcmp'd) …
const FOREIGN_KEYS: [&str; 26] = [
    "as",
    "from",
    "tos",
    "expires",
    "hoplimit",
    "advmss",
    "reordering",
    "rtt",
    "rttvar",
    "window",
    "cwnd",
    "initcwnd",
    "initrwnd",
    "features",
    "quickack",
    "congctl",
    "rto_min",
    "ssthresh",
    "realms",
    "nexthop",
    "nhid",
    "vrf",
    "encap",
    "ttl-propagate",
    "pervasive",
    "notify",
];
/// … and those iproute2 matches by prefix.
const FOREIGN_PREFIXED: [&str; 3] = ["dsfield", "pref", "fastopen_no_cookie"];

fn family_name(f: u8) -> &'static str {
    match f {
        AF_INET => "inet",
        AF_INET6 => "inet6",
        _ => "any valid",
    }
}

/// get_addr_ipv4: 1 to 4 dot-separated `strtoul(…, 0)` parts, the rest 0.
fn ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    for (i, p) in parts.iter().enumerate() {
        if p.starts_with(['-', '+']) {
            return None;
        }
        let v = c_integer(p)?;
        out[i] = u8::try_from(v).ok()?;
    }
    Some(out)
}

/// get_addr_1 for inet/inet6 (`family` 0: either).
fn addr(s: &str, family: u8) -> Option<IpAddr> {
    if s.contains(':') {
        if family == AF_INET {
            return None;
        }
        return s.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if family == AF_INET6 {
        return None;
    }
    ipv4(s).map(|b| IpAddr::V4(b.into()))
}

fn get_addr(s: &str, family: u8) -> Result<IpAddr, IpUsage> {
    addr(s, family).ok_or_else(|| {
        IpUsage::new(
            format!(
                "Error: {} address is expected rather than \"{s}\".",
                family_name(family)
            ),
            1,
        )
    })
}

/// get_prefix: `default|any|all`, or ADDR[/LEN] (LEN also as a dotted
/// mask). `None` address: the default route.
fn get_prefix(s: &str, family: u8) -> Result<(Option<IpAddr>, u8, u8), IpUsage> {
    let err = || {
        IpUsage::new(
            format!(
                "Error: {} prefix is expected rather than \"{s}\".",
                family_name(family)
            ),
            1,
        )
    };
    if matches!(s, "default" | "any" | "all") {
        return Ok((None, 0, family));
    }
    let (a, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let ip = addr(a, family).ok_or_else(err)?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = match len {
        None => max,
        Some(l) => match c_integer(l).filter(|v| (0..=max as i64).contains(v)) {
            Some(v) => v as u8,
            None => {
                // A dotted mask (mask2bits): contiguous ones.
                let m = ipv4(l).filter(|_| ip.is_ipv4()).ok_or_else(err)?;
                let v = u32::from_be_bytes(m);
                if v.leading_ones() + v.trailing_zeros() != 32 {
                    return Err(err());
                }
                v.leading_ones() as u8
            }
        },
    };
    let fam = if ip.is_ipv4() { AF_INET } else { AF_INET6 };
    Ok((Some(ip), bits, fam))
}

/// rtnl_rtprot_a2n without /etc/iproute2/rt_protos: the built-in names or
/// a number.
fn protocol(s: &str) -> Option<u8> {
    let names = [
        ("kernel", 2),
        ("boot", 3),
        ("static", 4),
        ("redirect", 1),
        ("gated", 8),
        ("ra", 9),
        ("mrt", 10),
        ("zebra", 11),
        ("bird", 12),
        ("dnrouted", 13),
        ("xorp", 14),
        ("ntk", 15),
        ("dhcp", 16),
        ("keepalived", 18),
        ("babel", 42),
        ("bgp", 186),
        ("isis", 187),
        ("ospf", 188),
        ("rip", 189),
        ("eigrp", 192),
    ];
    names
        .iter()
        .find(|(n, _)| *n == s)
        .map(|(_, v)| *v)
        .or_else(|| c_integer(s).and_then(|v| u8::try_from(v).ok()))
}

/// rtnl_rtscope_a2n.
fn scope(s: &str) -> Option<u8> {
    match s {
        "global" | "universe" => Some(0),
        "site" => Some(200),
        "link" => Some(253),
        "host" => Some(254),
        "nowhere" => Some(255),
        _ => c_integer(s).and_then(|v| u8::try_from(v).ok()),
    }
}

/// rtnl_rttable_a2n without /etc/iproute2/rt_tables.
pub fn table_id(s: &str) -> Option<u32> {
    match s {
        "default" => Some(253),
        "main" => Some(254),
        "local" => Some(255),
        "all" | "unspec" => Some(0),
        _ => c_integer(s).and_then(|v| u32::try_from(v).ok()),
    }
}

/// Parse the words after `ip route`; `family`: from `-4`/`-6`.
/// AF_INET / AF_INET6 for `-4` / `-6`, else 0.
fn fam_of(family: Family) -> u8 {
    match family {
        Family::Inet => AF_INET,
        Family::Inet6 => AF_INET6,
        Family::Unspec => 0,
    }
}

pub fn parse(words: &[&str], family: Family) -> Result<Parsed<RouteCmd>, IpUsage> {
    if words.is_empty() {
        return parse_show(&[], fam_of(family));
    }
    if words.iter().any(|w| w.contains(super::SEP)) {
        return Ok(Parsed::Foreign);
    }
    let joined = Joined::new(words);
    let cmd = IpParser::parse(Rule::route_argv, &joined.text)
        .map_err(|e| exit255(format!("nsh: ip route: {e}")))?
        .next()
        .and_then(|p| p.into_inner().next())
        .map(|p| p.as_rule());
    let fam = fam_of(family);
    let args = &words[1..];
    let (delete, flags) = match cmd {
        Some(Rule::route_add) => (false, NLM_F_CREATE | NLM_F_EXCL),
        Some(Rule::route_change) => (false, NLM_F_REPLACE),
        Some(Rule::route_replace) => (false, NLM_F_CREATE | NLM_F_REPLACE),
        Some(Rule::route_prepend) => (false, NLM_F_CREATE),
        Some(Rule::route_append) => (false, NLM_F_CREATE | NLM_F_APPEND),
        Some(Rule::route_delete) => (true, 0),
        Some(Rule::route_show) => return parse_show(args, fam),
        Some(Rule::route_get) => return parse_get(args, fam),
        Some(Rule::route_flush) => {
            if args.is_empty() {
                return Err(IpUsage::new("\"ip route flush\" requires arguments.", 1));
            }
            return Ok(match parse_show(args, fam)? {
                // Every family at once: the real tool.
                Parsed::Native(RouteCmd::Show(s)) if s.family == 0 => Parsed::Foreign,
                Parsed::Native(RouteCmd::Show(s)) => Parsed::Native(RouteCmd::Flush(s)),
                other => other,
            });
        }
        None => return parse_show(args, fam),
        // test, save, restore, showdump, help: the real tool.
        Some(Rule::route_other) => return Ok(Parsed::Foreign),
        Some(_) => {
            return Err(exit255(format!(
                "Command \"{}\" is unknown, try \"ip route help\".",
                words[0]
            )))
        }
    };
    parse_modify(args, delete, flags, fam)
}

/// iproute_get for the native subset: a destination with optional `from`,
/// `iif`, `oif` (IPv4); other keywords and IPv6 run the real tool.
fn parse_get(args: &[&str], fam: u8) -> Result<Parsed<RouteCmd>, IpUsage> {
    if fam == AF_INET6 {
        return Ok(Parsed::Foreign);
    }
    let (mut dst, mut from, mut iif, mut oif) = (None, None, None, None);
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        let mut next = || {
            i += 1;
            args.get(i).copied().ok_or_else(incomplete)
        };
        match w {
            "from" => from = Some(next()?),
            "iif" => iif = Some(next()?.to_string()),
            "oif" => oif = Some(next()?.to_string()),
            "to" => dst = Some(next()?),
            "tos" | "dsfield" | "mark" | "vrf" | "uid" | "ipproto" | "sport" | "dport"
            | "connected" | "fibmatch" | "as" | "notify" => return Ok(Parsed::Foreign),
            w if matches(w, "help") => return Ok(Parsed::Foreign),
            w => {
                if dst.is_some() {
                    return Ok(Parsed::Foreign);
                }
                dst = Some(w);
            }
        }
        i += 1;
    }
    let Some(d) = dst else {
        return Err(IpUsage::new("need at least a destination address", 1));
    };
    let full = |s: &str| -> Result<Option<IpAddr>, IpUsage> {
        let (a, len, f) = get_prefix(s, fam)?;
        Ok(a.filter(|_| f == AF_INET && len == 32))
    };
    let Some(dst) = full(d)? else {
        return Ok(Parsed::Foreign);
    };
    let from = match from {
        Some(f) => match full(f)? {
            Some(a) => Some(a),
            None => return Ok(Parsed::Foreign),
        },
        None => None,
    };
    Ok(Parsed::Native(RouteCmd::Get(RouteGet {
        dst,
        from,
        iif,
        oif,
    })))
}

fn parse_show(args: &[&str], fam: u8) -> Result<Parsed<RouteCmd>, IpUsage> {
    let mut show = RouteShow {
        family: if fam == AF_INET6 { AF_INET6 } else { AF_INET },
        ..RouteShow::default()
    };
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        let next = || args.get(i + 1).copied().ok_or_else(incomplete);
        if matches(w, "table") {
            let t = next()?;
            match table_id(t) {
                Some(id) => show.table = Some(id),
                None => return Err(invarg("table id value is invalid\n", t)),
            }
            i += 2;
        } else if w == "dev" || w == "oif" {
            show.dev = Some(next()?.to_string());
            i += 2;
        } else {
            return Ok(Parsed::Foreign);
        }
    }
    // `table all` without `-4`/`-6` is a dump of every family (tid 0 leaves
    // iproute_list_flush_or_save's family unset): IPv4, then IPv6.
    if show.table == Some(0) && fam == 0 {
        show.family = 0;
    }
    Ok(Parsed::Native(RouteCmd::Show(show)))
}

fn parse_modify(
    args: &[&str],
    delete: bool,
    flags: u16,
    fam: u8,
) -> Result<Parsed<RouteCmd>, IpUsage> {
    let mut r = RouteModify {
        delete,
        flags,
        family: fam,
        dst: None,
        dst_len: 0,
        table: RT_TABLE_MAIN,
        protocol: if delete { 0 } else { RTPROT_BOOT },
        scope: if delete {
            RT_SCOPE_NOWHERE
        } else {
            RT_SCOPE_UNIVERSE
        },
        kind: if delete { 0 } else { RTN_UNICAST },
        rtm_flags: 0,
        gateway: None,
        dev: None,
        prefsrc: None,
        metric: None,
        mtu: None,
    };
    let (mut dst_ok, mut scope_ok, mut table_ok) = (false, false, false);
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        let next = |i: &mut usize| -> Result<&str, IpUsage> {
            *i += 1;
            args.get(*i).copied().ok_or_else(incomplete)
        };
        if w == "src" {
            let a = get_addr(next(&mut i)?, r.family)?;
            set_family(&mut r, &a);
            r.prefsrc = Some(a);
        } else if w == "via" {
            if r.gateway.is_some() {
                return Err(invarg("use nexthop syntax to specify multiple via\n", w));
            }
            let mut v = next(&mut i)?;
            let fam = match v {
                "inet" => Some(AF_INET),
                "inet6" => Some(AF_INET6),
                "mpls" | "bridge" | "link" | "ipx" | "dnet" => return Ok(Parsed::Foreign),
                _ => None,
            };
            if fam.is_some() {
                v = next(&mut i)?;
            }
            let a = get_addr(v, fam.unwrap_or(r.family))?;
            if r.family != 0 && family_of(&a) != r.family {
                // RTA_VIA (a gateway of another family): not native.
                return Ok(Parsed::Foreign);
            }
            set_family(&mut r, &a);
            r.gateway = Some(a);
        } else if matches(w, "metric") || matches(w, "priority") || w == "preference" {
            let v = next(&mut i)?;
            match c_integer(v).and_then(|n| u32::try_from(n).ok()) {
                Some(m) => r.metric = Some(m),
                None => return Err(invarg("\"metric\" value is invalid\n", v)),
            }
        } else if w == "scope" {
            let v = next(&mut i)?;
            r.scope = scope(v).ok_or_else(|| invarg("invalid \"scope\" value\n", v))?;
            scope_ok = true;
        } else if w == "mtu" {
            let v = next(&mut i)?;
            if v == "lock" {
                return Ok(Parsed::Foreign);
            }
            match c_integer(v).and_then(|n| u32::try_from(n).ok()) {
                Some(m) => r.mtu = Some(m),
                None => return Err(invarg("\"mtu\" value is invalid\n", v)),
            }
        } else if w == "onlink" {
            r.rtm_flags |= RTNH_F_ONLINK;
        } else if matches(w, "protocol") {
            let v = next(&mut i)?;
            r.protocol = protocol(v).ok_or_else(|| invarg("\"protocol\" value is invalid\n", v))?;
        } else if matches(w, "table") {
            let v = next(&mut i)?;
            r.table = table_id(v).ok_or_else(|| invarg("\"table\" value is invalid\n", v))?;
            table_ok = true;
        } else if w == "dev" || w == "oif" {
            r.dev = Some(next(&mut i)?.to_string());
        } else if FOREIGN_KEYS.contains(&w) || FOREIGN_PREFIXED.iter().any(|k| matches(w, k)) {
            return Ok(Parsed::Foreign);
        } else {
            let mut v = w;
            if v == "to" {
                v = next(&mut i)?;
            }
            if !v.starts_with(|c: char| c.is_ascii_digit()) {
                if let Some(t) = RTN_NAMES.iter().position(|n| *n == v) {
                    r.kind = t as u8;
                    v = next(&mut i)?;
                }
            }
            if matches(v, "help") {
                return Ok(Parsed::Foreign);
            }
            if dst_ok {
                return Err(exit255(format!(
                    "Error: either \"to\" is duplicate, or \"{v}\" is a garbage."
                )));
            }
            let (a, len, f) = get_prefix(v, r.family)?;
            if r.family == 0 {
                r.family = f;
            }
            r.dst = a;
            r.dst_len = len;
            dst_ok = true;
        }
        i += 1;
    }
    if !dst_ok {
        // usage(): the real tool prints its long usage text.
        return Ok(Parsed::Foreign);
    }
    if r.family == 0 {
        r.family = AF_INET;
    }
    if !table_ok && [2, 3, 10, 4].contains(&r.kind) {
        r.table = RT_TABLE_LOCAL;
    }
    if !scope_ok {
        if r.family == AF_INET6 {
            r.scope = RT_SCOPE_UNIVERSE;
        } else if r.kind == 2 || r.kind == 10 {
            r.scope = RT_SCOPE_HOST;
        } else if [3, 5, 4].contains(&r.kind) {
            r.scope = RT_SCOPE_LINK;
        } else if r.kind == RTN_UNICAST || r.kind == 0 {
            if delete {
                r.scope = RT_SCOPE_NOWHERE;
            } else if r.gateway.is_none() {
                r.scope = RT_SCOPE_LINK;
            }
        }
    }
    Ok(Parsed::Native(RouteCmd::Modify(r)))
}

fn family_of(a: &IpAddr) -> u8 {
    if a.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    }
}

fn set_family(r: &mut RouteModify, a: &IpAddr) {
    if r.family == 0 {
        r.family = family_of(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(w: &[&str]) -> RouteModify {
        match parse(w, Family::Unspec) {
            Ok(Parsed::Native(RouteCmd::Modify(r))) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn iproute_modify_defaults() {
        let r = m(&["add", "default", "via", "10.0.0.1"]);
        assert_eq!((r.dst, r.dst_len, r.scope, r.protocol), (None, 0, 0, 3));
        let r = m(&["add", "10.1", "dev", "x"]);
        assert_eq!(r.dst, Some("10.1.0.0".parse().expect("ip")));
        assert_eq!((r.dst_len, r.scope), (32, 253));
        let r = m(&["a", "blackhole", "10.0.0.0/255.255.0.0"]);
        assert_eq!((r.kind, r.dst_len, r.scope), (6, 16, 0));
        let r = m(&["del", "10.0.0.0/8"]);
        assert_eq!((r.scope, r.protocol, r.kind), (255, 0, 0));
    }

    #[test]
    fn errors_in_iproute2_words() {
        let e = |w: &[&str]| parse(w, Family::Unspec).map(|_| ()).unwrap_err();
        assert_eq!(
            e(&["add", "bogus"]).text,
            "Error: any valid prefix is expected rather than \"bogus\"."
        );
        assert_eq!(e(&["add", "10.0.0.0/33"]).status, 1);
        assert_eq!(e(&["add", "10.0.0.0/8", "via"]).status, 255);
        assert_eq!(
            e(&["add", "10.0.0.0/8", "foo"]).text,
            "Error: either \"to\" is duplicate, or \"foo\" is a garbage."
        );
    }
}

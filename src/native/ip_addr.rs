//! `ip address …` (iproute2 6.1 ip/ipaddress.c).
//!
//! Native: `ip addr add|del A/LEN dev X` and `ip addr add A dev X` (no
//! length = /32 or /128), sent as one RTM_NEWADDR / RTM_DELADDR the way
//! iproute2's `ipaddr_modify` builds it (IFA_LOCAL and IFA_ADDRESS both the
//! address, no broadcast unless asked, host scope for 127/8); `ip addr
//! [show|list|lst] [[dev] X] [up]` in the plain, `-4`, `-6`, `-j`, `-br`,
//! `-o`, `-s`, `-s -s` and `-d` forms and their combinations (each link as
//! `ip link` prints it without mode/af_spec, the alias only with `-d`, then
//! its addresses, then its `-s` counters: output::ip::addr; `-6` without a
//! device lists the links of the kernel's reduced AF_INET6 dump, see
//! [`show`]); and `ip addr flush [dev] X` (ipaddr_flush). Other forms
//! (peer/anycast/lifetimes/flags on add, other selectors, `-6 -s` listings
//! without a device, `-d -d`, `-d` on links of kinds the link printer
//! cannot detail) go to the real tool through
//! [`crate::native::ip::foreign`], so their output and errors stay
//! iproute2's own.

use std::net::IpAddr;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::address::{AddressAttribute, AddressMessage, AddressScope};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::backend::rtnl::RtnlError;
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ip::{matches, IpGlobal};

/// `ip addr add|del` as a typed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrModify {
    /// `add` (true) or `del`.
    pub add: bool,
    pub addr: IpAddr,
    pub prefix_len: u8,
    pub dev: String,
    /// `brd ADDR`, or `brd +` / `brd -` computed from the prefix.
    pub broadcast: Option<Brd>,
    pub label: Option<String>,
    /// `scope S` (else iproute2's default_scope).
    pub scope: Option<u8>,
    /// `metric N` (IFA_RT_PRIORITY).
    pub metric: Option<u32>,
}

/// The `brd` argument of `ip addr add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Brd {
    Addr(std::net::Ipv4Addr),
    /// `+`: all host bits set.
    Ones,
    /// `-`: all host bits clear.
    Zeros,
}

/// The native subset of `ip addr` argv (words after `address`); `None`
/// means "not native here, let the real tool handle it".
pub fn parse(words: &[&str]) -> Option<AddrModify> {
    let (cmd, rest) = words.split_first()?;
    // iproute2 do_ipaddr: matches(*argv, "add") / "delete".
    let add = if matches(cmd, "add") {
        true
    } else if matches(cmd, "delete") {
        false
    } else {
        return None;
    };
    // ipaddr_modify's loop for the native keywords; anything else (peer,
    // anycast, lifetimes, flags, errors) is left to the real tool.
    let (mut prefix, mut dev) = (None, None);
    let (mut broadcast, mut label, mut scope, mut metric) = (None, None, None, None);
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i];
        let mut next = || {
            i += 1;
            rest.get(i).copied()
        };
        if w == "dev" {
            dev = Some(next()?);
        } else if matches(w, "broadcast") || w == "brd" {
            if broadcast.is_some() {
                return None;
            }
            broadcast = Some(match next()? {
                "+" => Brd::Ones,
                "-" => Brd::Zeros,
                b => Brd::Addr(b.parse().ok()?),
            });
        } else if w == "label" {
            label = Some(next()?.to_string());
        } else if w == "scope" {
            scope = Some(match next()? {
                "global" | "universe" => 0,
                "site" => 200,
                "link" => 253,
                "host" => 254,
                "nowhere" => 255,
                n => n.parse().ok()?,
            });
        } else if matches(w, "metric") || matches(w, "priority") || matches(w, "preference") {
            metric = Some(next()?.parse().ok()?);
        } else {
            let p = if w == "local" { next()? } else { w };
            if prefix.is_some() || p.starts_with('-') || matches(p, "help") {
                return None;
            }
            prefix = Some(p);
        }
        i += 1;
    }
    let (prefix, dev) = (prefix?, dev?);
    if dev.is_empty() {
        return None;
    }
    let (a, len) = match prefix.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        // iproute2 warns about wildcard deletion for `del A` without a
        // length: leave that to it.
        None if !add => return None,
        None => (prefix, None),
    };
    let addr: IpAddr = a.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix_len = match len {
        None => max,
        Some(l) => {
            if l.is_empty() || !l.bytes().all(|b| b.is_ascii_digit()) || l.len() > 3 {
                return None;
            }
            let n: u8 = l.parse().ok()?;
            if n > max {
                return None;
            }
            n
        }
    };
    // "Broadcast can be set only for IPv4 addresses" and friends: iproute2.
    if broadcast.is_some() && (addr.is_ipv6() || !add) {
        return None;
    }
    Some(AddrModify {
        add,
        addr,
        prefix_len,
        dev: dev.to_string(),
        broadcast,
        label,
        scope,
        metric,
    })
}

/// `ip [OPTIONS] address ARGS…`; `args` are the words after the object.
pub fn run(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    let words: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
    match crate::netcmd::ip::addr::classify(&words) {
        crate::netcmd::ip::addr::AddrVerb::Show => return show_cmd(ctx, g, args, io),
        crate::netcmd::ip::addr::AddrVerb::Flush => return flush_cmd(ctx, g, args, io),
        crate::netcmd::ip::addr::AddrVerb::Unknown(w) => {
            let _ = writeln!(
                io.stderr,
                "Command \"{w}\" is unknown, try \"ip address help\"."
            );
            return Outcome::Status(255);
        }
        crate::netcmd::ip::addr::AddrVerb::Other => {}
    }
    let Some(req) = parse(&words) else {
        return foreign(ctx, g, args, io);
    };
    // `-4 addr add 2001:db8::1 …` is iproute2's error: leave it to it.
    let fam_ok = match g.family {
        crate::netcmd::ip::Family::Unspec => true,
        crate::netcmd::ip::Family::Inet => req.addr.is_ipv4(),
        crate::netcmd::ip::Family::Inet6 => req.addr.is_ipv6(),
    };
    if !fam_ok {
        return foreign(ctx, g, args, io);
    }
    let ns = g.netns.clone().or_else(|| ctx.netns.clone());
    let conn = match ctx.rtnl.handle(ns.as_ref()) {
        Ok(c) => c,
        Err(e) => return fail(io, &e, 255),
    };
    let mut result = modify(conn, &req);
    if matches!(result, Err(Modify::NoDev)) && conn.has_cached_names() {
        // The name cache may be stale (links changed outside nsh).
        conn.invalidate();
        result = modify(conn, &req);
    }
    match result {
        Ok(()) => Outcome::Status(0),
        Err(Modify::NoDev) => {
            let _ = writeln!(io.stderr, "Cannot find device \"{}\"", req.dev);
            Outcome::Status(1)
        }
        Err(Modify::Rtnl(e)) => {
            let status = if matches!(e, RtnlError::Kernel { .. }) {
                2
            } else {
                1
            };
            fail(io, &e, status)
        }
    }
}

enum Modify {
    NoDev,
    Rtnl(RtnlError),
}

fn modify(conn: &mut crate::backend::rtnl::Conn, req: &AddrModify) -> Result<(), Modify> {
    let index = match conn.link_index(&req.dev) {
        Ok(Some(i)) => i,
        Ok(None) => return Err(Modify::NoDev),
        Err(e) => return Err(Modify::Rtnl(e)),
    };
    let mut m = AddressMessage::default();
    m.header.family = if req.addr.is_ipv4() {
        AddressFamily::Inet
    } else {
        AddressFamily::Inet6
    };
    m.header.prefix_len = req.prefix_len;
    m.header.index = index;
    // iproute2 default_scope(): host for 127.0.0.0/8 (adds only).
    if let Some(sc) = req.scope {
        m.header.scope = AddressScope::from(sc);
    } else if req.add {
        if let IpAddr::V4(a) = req.addr {
            if a.octets()[0] == 127 {
                m.header.scope = AddressScope::Host;
            }
        }
    }
    m.attributes.push(AddressAttribute::Local(req.addr));
    if let Some(l) = &req.label {
        m.attributes.push(AddressAttribute::Label(l.clone()));
    }
    if let Some(p) = req.metric {
        m.attributes.push(AddressAttribute::RoutePriority(p));
    }
    m.attributes.push(AddressAttribute::Address(req.addr));
    // An explicit `brd ADDR`, or `+`/`-` computed for prefixes up to /30.
    if let (Some(b), IpAddr::V4(a)) = (&req.broadcast, req.addr) {
        let host = if req.prefix_len >= 32 {
            0
        } else {
            u32::MAX >> req.prefix_len
        };
        let brd = match b {
            Brd::Addr(x) => Some(*x),
            _ if req.prefix_len > 30 => None,
            Brd::Ones => Some((u32::from(a) | host).into()),
            Brd::Zeros => Some((u32::from(a) & !host).into()),
        };
        if let Some(x) = brd {
            m.attributes.push(AddressAttribute::Broadcast(x));
        }
    }
    let (payload, flags) = if req.add {
        (
            RouteNetlinkMessage::NewAddress(m),
            NLM_F_CREATE | NLM_F_EXCL,
        )
    } else {
        (RouteNetlinkMessage::DelAddress(m), 0)
    };
    conn.request(payload, flags)
        .map(|_| ())
        .map_err(Modify::Rtnl)
}

fn fail(io: &mut Io, e: &RtnlError, status: i32) -> Outcome {
    let _ = writeln!(io.stderr, "{}", e.iproute2_text());
    Outcome::Status(status)
}

fn foreign(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    let mut all = crate::native::ip_link::global_words(g);
    all.push(Word::new("address".to_string(), Default::default()));
    all.extend_from_slice(args);
    crate::native::ip::foreign(ctx, &all, io)
}

/// `ip addr [show|list|lst] [[dev] X] [up]`: links and their addresses.
fn show_cmd(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    use crate::netcmd::ip::addr::parse_show;
    use crate::netcmd::ip::link::Parsed;
    let words: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
    let rest = if words.is_empty() {
        &words[..]
    } else {
        &words[1..]
    };
    let sel = match parse_show(rest) {
        Ok(Parsed::Native(s)) => s,
        Ok(Parsed::Foreign) => return foreign(ctx, g, args, io),
        Err(e) => {
            let _ = writeln!(io.stderr, "{}", e.text);
            return Outcome::Status(e.status);
        }
    };
    // `-d -d` is left to the real tool (as for `ip link`). `-6 -s` without
    // a device: addrconf's reduced link messages carry no IFLA_STATS64, and
    // iproute2 6.1's __print_link_stats then prints an uninitialised
    // rtnl_link_stats64 (get_rtnl_link_stats_rta's -1 is taken as success):
    // nothing to reproduce, the real tool prints its own bytes.
    let v6_dump = g.family == crate::netcmd::ip::Family::Inet6 && sel.dev.is_none();
    if g.details > 1 || (v6_dump && g.stats > 0 && !g.brief && !g.oneline) {
        return foreign(ctx, g, args, io);
    }
    let ns = g.netns.clone().or_else(|| ctx.netns.clone());
    let conn = match ctx.rtnl.handle(ns.as_ref()) {
        Ok(c) => c,
        Err(e) => return fail(io, &e, 255),
    };
    match show(conn, g, &sel) {
        Ok(Some(text)) => {
            let _ = io.stdout.write_all(text.as_bytes());
            Outcome::Status(0)
        }
        Ok(None) => foreign(ctx, g, args, io),
        Err((text, st)) => {
            let _ = writeln!(io.stderr, "{text}");
            Outcome::Status(st)
        }
    }
}

/// The listing, or `None` when something in it is beyond the native
/// printers (kinds `-d` would need, multicast/anycast addresses, …).
///
/// The links are those of ip_link_list: a full RTM_GETLINK dump, except for
/// `-6` without a device, where iproute2 dumps with ifi_family AF_INET6 and
/// the kernel answers from addrconf (inet6_dump_ifinfo) with reduced
/// messages: name, address, mtu, link, operstate only — so no qdisc, master,
/// group, broadcast, details or stats; iproute2's print_queuelen then asks
/// SIOCGIFTXQLEN for the qlen, the value the full message's IFLA_TXQLEN
/// holds. A named device is fetched alone with a full message
/// (rtnl_getlink: addrconf has no doit), as here from the full dump.
fn show(
    conn: &mut crate::backend::rtnl::Conn,
    g: &IpGlobal,
    sel: &crate::netcmd::ip::addr::AddrShow,
) -> Result<Option<String>, (String, i32)> {
    use crate::output::ip::addr::{render, AddrRow};
    use crate::output::ip::link::{LinkFormat, LinkNames};
    use netlink_packet_core::NLM_F_DUMP;
    let family = match g.family {
        crate::netcmd::ip::Family::Inet => AddressFamily::Inet,
        crate::netcmd::ip::Family::Inet6 => AddressFamily::Inet6,
        crate::netcmd::ip::Family::Unspec => AddressFamily::Unspec,
    };
    let msgs = conn.dump_links().map_err(|e| (e.iproute2_text(), 2))?;
    let mut links: Vec<crate::model::Link> =
        msgs.iter().map(crate::backend::rtnl::to_model).collect();
    let mut names = LinkNames::default();
    for l in &links {
        names.by_index.insert(l.index, (l.name.clone(), l.flags));
    }
    if family == AddressFamily::Inet6 && sel.dev.is_none() {
        let mut req = netlink_packet_route::link::LinkMessage::default();
        req.header.interface_family = AddressFamily::Inet6;
        let replies = conn
            .request(RouteNetlinkMessage::GetLink(req), NLM_F_DUMP)
            .map_err(|e| (e.iproute2_text(), 2))?;
        let full = std::mem::take(&mut links);
        for r in replies {
            let RouteNetlinkMessage::NewLink(m) = r else {
                continue;
            };
            let mut l = crate::backend::rtnl::to_model(&m);
            // print_queuelen's SIOCGIFTXQLEN, by the full message.
            l.txqlen = full
                .iter()
                .find(|f| f.index == l.index)
                .and_then(|f| f.txqlen);
            links.push(l);
        }
    }
    let ifindex = match &sel.dev {
        Some(d) => match links.iter().find(|l| &l.name == d) {
            Some(l) => Some(l.index),
            None => return Err((format!("Device \"{d}\" does not exist."), 1)),
        },
        None => None,
    };
    let mut req = AddressMessage::default();
    req.header.family = family;
    let replies = conn
        .request(RouteNetlinkMessage::GetAddress(req), NLM_F_DUMP)
        .map_err(|e| (e.iproute2_text(), 2))?;
    let mut rows: Vec<AddrRow> = Vec::new();
    for r in replies {
        let RouteNetlinkMessage::NewAddress(m) = r else {
            continue;
        };
        if family != AddressFamily::Unspec && m.header.family != family {
            continue;
        }
        let mut local = None;
        let mut address = None;
        let mut row = AddrRow {
            index: m.header.index,
            local: IpAddr::from([0, 0, 0, 0]),
            peer: None,
            prefix_len: m.header.prefix_len,
            broadcast: None,
            scope: u8::from(m.header.scope),
            flags: u32::from(m.header.flags.bits()),
            label: None,
            lifetimes: None,
            metric: None,
        };
        for a in &m.attributes {
            match a {
                AddressAttribute::Local(x) => local = Some(*x),
                AddressAttribute::Address(x) => address = Some(*x),
                AddressAttribute::Broadcast(x) => row.broadcast = Some(IpAddr::V4(*x)),
                AddressAttribute::Label(l) => row.label = Some(l.clone()),
                AddressAttribute::Flags(f) => row.flags = f.bits(),
                AddressAttribute::RoutePriority(p) => row.metric = Some(*p),
                AddressAttribute::CacheInfo(c) => {
                    row.lifetimes = Some((c.ifa_valid, c.ifa_preferred))
                }
                AddressAttribute::Multicast(_) | AddressAttribute::Anycast(_) => return Ok(None),
                _ => {}
            }
        }
        let (Some(l), a) = (local.or(address), address) else {
            continue;
        };
        row.local = l;
        row.peer = a.filter(|a| *a != l);
        rows.push(row);
    }
    let f = LinkFormat {
        brief: g.brief,
        oneline: g.oneline,
        json: g.json,
        pretty: g.pretty,
        stats: g.stats > 0,
        stats_detail: g.stats > 1,
        details: g.details > 0,
        for_addr: true,
        family_filter: family != AddressFamily::Unspec,
    };
    if links.iter().any(|l| l.link_netnsid.is_some()) && !g.json && !g.brief {
        names.nsid_names = conn.nsid_names();
    }
    let mut out = Vec::new();
    for l in links {
        if ifindex.is_some_and(|i| i != l.index) {
            continue;
        }
        let addrs: Vec<AddrRow> = rows
            .iter()
            .filter(|r| r.index == l.index)
            .cloned()
            .collect();
        // ipaddr_filter: with a family filter, links without such an
        // address are left out (before `up` is looked at).
        if f.family_filter && addrs.is_empty() {
            continue;
        }
        if sel.up && l.flags & crate::model::IFF_UP == 0 {
            out.push(None);
            continue;
        }
        out.push(Some((l, addrs)));
    }
    use crate::output::ip::link_kind::{kind_printable, slave_kind_printable};
    // What `-d` and `-s` print for the links shown (not with -br/-o): `-d`
    // natively only for kinds without kind-specific data (as `ip link`),
    // `-s` only with counters (full messages carry them).
    let unprintable = |l: &crate::model::Link| {
        (f.details
            && (!l.kind.as_deref().is_none_or(kind_printable)
                || !l.slave_kind.as_deref().is_none_or(slave_kind_printable)))
            || (f.stats && l.stats64.is_none())
    };
    if !f.brief && !f.oneline && out.iter().flatten().any(|(l, _)| unprintable(l)) {
        return Ok(None);
    }
    Ok(Some(render(&out, &names, f)))
}

/// `ip [-4|-6] [-s] addr flush [dev] X`: ipaddr_flush — delete the
/// device's addresses in rounds (deleting a primary address takes or
/// promotes its secondaries) until none is left, at most 10 rounds.
fn flush_cmd(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    use crate::netcmd::ip::addr::parse_show;
    use crate::netcmd::ip::link::Parsed;
    let words: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
    let rest = &words[1..];
    if rest.is_empty() {
        let _ = writeln!(io.stderr, "Flush requires arguments.");
        return Outcome::Status(1);
    }
    let dev = match parse_show(rest) {
        Ok(Parsed::Native(s)) if !s.up && s.dev.is_some() => s.dev.unwrap_or_default(),
        Ok(_) => return foreign(ctx, g, args, io),
        Err(e) => {
            let _ = writeln!(io.stderr, "{}", e.text);
            return Outcome::Status(e.status);
        }
    };
    if g.stats > 1 || g.details > 0 || g.json || g.brief || g.oneline {
        return foreign(ctx, g, args, io);
    }
    let ns = g.netns.clone().or_else(|| ctx.netns.clone());
    let conn = match ctx.rtnl.handle(ns.as_ref()) {
        Ok(c) => c,
        Err(e) => return fail(io, &e, 255),
    };
    let index = match conn.link_index(&dev) {
        Ok(Some(i)) => i,
        Ok(None) => {
            let _ = writeln!(io.stderr, "Device \"{dev}\" does not exist.");
            return Outcome::Status(1);
        }
        Err(e) => return fail(io, &e, 2),
    };
    let family = match g.family {
        crate::netcmd::ip::Family::Inet => AddressFamily::Inet,
        crate::netcmd::ip::Family::Inet6 => AddressFamily::Inet6,
        crate::netcmd::ip::Family::Unspec => AddressFamily::Unspec,
    };
    let mut out = String::new();
    for round in 0..10 {
        let mut req = AddressMessage::default();
        req.header.family = family;
        let replies = match conn.request(
            RouteNetlinkMessage::GetAddress(req),
            netlink_packet_core::NLM_F_DUMP,
        ) {
            Ok(r) => r,
            Err(e) => return fail(io, &e, 2),
        };
        let doomed: Vec<AddressMessage> = replies
            .into_iter()
            .filter_map(|r| match r {
                RouteNetlinkMessage::NewAddress(m)
                    if m.header.index == index
                        && (family == AddressFamily::Unspec || m.header.family == family) =>
                {
                    Some(m)
                }
                _ => None,
            })
            .collect();
        if doomed.is_empty() {
            if g.stats > 0 {
                if round == 0 {
                    out.push_str("Nothing to flush.\n");
                } else {
                    out.push_str(&format!(
                        "*** Flush is complete after {round} round{} ***\n",
                        if round > 1 { "s" } else { "" }
                    ));
                }
            }
            let _ = io.stdout.write_all(out.as_bytes());
            return Outcome::Status(0);
        }
        let n = doomed.len();
        for m in doomed {
            // Gone already with its primary: not an error (flush_update).
            match conn.request(RouteNetlinkMessage::DelAddress(m), 0) {
                Ok(_) => {}
                Err(RtnlError::Kernel { errno, .. })
                    if errno == libc::EADDRNOTAVAIL || errno == libc::ENOENT => {}
                Err(e) => {
                    let _ = io.stdout.write_all(out.as_bytes());
                    return fail(io, &e, 2);
                }
            }
        }
        if g.stats > 0 {
            out.push_str(&format!(
                "\n*** Round {}, deleting {n} addresses ***\n",
                round + 1
            ));
        }
    }
    let _ = io.stdout.write_all(out.as_bytes());
    let _ = writeln!(
        io.stderr,
        "*** Flush remains incomplete after 10 rounds. ***"
    );
    Outcome::Status(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_subset() {
        let r = parse(&["add", "10.0.0.1/24", "dev", "v0"]).unwrap();
        assert!(r.add && r.prefix_len == 24 && r.dev == "v0");
        let r = parse(&["a", "dev", "v0", "10.0.0.1"]).unwrap();
        assert_eq!(r.prefix_len, 32);
        let r = parse(&["del", "fd00::1/64", "dev", "v0"]).unwrap();
        assert!(!r.add && r.prefix_len == 64);
        assert!(parse(&["del", "10.0.0.1", "dev", "v0"]).is_none());
        assert!(parse(&["add", "10.0.0.1/33", "dev", "v0"]).is_none());
        assert!(parse(&["add", "x", "dev", "v0"]).is_none());
        let r = parse(&["add", "10.0.0.1/24", "brd", "+", "dev", "v0"]).unwrap();
        assert_eq!(r.broadcast, Some(Brd::Ones));
        assert!(parse(&["add", "10.0.0.1/24", "peer", "10.0.0.2", "dev", "v0"]).is_none());
        assert!(parse(&["show"]).is_none());
    }
}

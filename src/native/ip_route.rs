//! `ip route …` (iproute2 6.1 ip/iproute.c): argv → [`RouteCmd`] →
//! RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE dump → output::ip::route.
//!
//! Forms outside the native subset (see `netcmd::ip::route`), and listings
//! that contain routes the native printer does not cover, run the real
//! tool.

use std::net::IpAddr;

use netlink_packet_core::NLM_F_DUMP;
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteMetric,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::backend::rtnl::Conn;
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ip::route::{parse, RouteCmd, RouteGet, RouteModify, RouteShow};
use crate::netcmd::ip::IpGlobal;
use crate::output::ip::route::{render, RouteFormat, RouteRow};

/// RTM_F_CLONED (include/uapi/linux/rtnetlink.h).
const RTM_F_CLONED: u32 = 0x200;

/// `ip [OPTIONS] route ARGS…`; `rest`: the words after `route`, `args`:
/// the whole argv (for the real tool).
pub fn run(ctx: &mut NetCtx, g: &IpGlobal, rest: &[Word], args: &[Word], io: &mut Io) -> Outcome {
    let words: Vec<&str> = rest.iter().map(|w| w.node.as_str()).collect();
    let cmd = match crate::native::ip::native_or_outcome(ctx, g, args, io, parse(&words, g.family))
    {
        Ok(c) => c,
        Err(o) => return o,
    };
    let conn = match crate::native::ip::conn_or_outcome(ctx, g, io) {
        Ok(c) => c,
        Err(o) => return o,
    };
    let r = match cmd {
        RouteCmd::Modify(m) => modify(conn, &m),
        RouteCmd::Flush(s) => flush(conn, &s),
        RouteCmd::Get(q) => match get(conn, &q) {
            Ok(Some(row)) => {
                let f = RouteFormat {
                    json: g.json,
                    pretty: g.pretty,
                    ..RouteFormat::default()
                };
                let _ = io.stdout.write_all(render(&[row], f).as_bytes());
                Ok(())
            }
            Ok(None) => return crate::native::ip::foreign(ctx, args, io),
            Err(e) => Err(e),
        },
        RouteCmd::Show(s) => match show(conn, &s, g) {
            Ok(Some(text)) => {
                let _ = io.stdout.write_all(text.as_bytes());
                Ok(())
            }
            Ok(None) => return crate::native::ip::foreign(ctx, args, io),
            Err(e) => Err(e),
        },
    };
    crate::native::ip::finish(io, r)
}

use crate::native::ip::Res;

fn route_addr(a: IpAddr) -> RouteAddress {
    match a {
        IpAddr::V4(v) => RouteAddress::Inet(v),
        IpAddr::V6(v) => RouteAddress::Inet6(v),
    }
}

/// iproute_modify's request.
fn modify(conn: &mut Conn, m: &RouteModify) -> Res<()> {
    let mut msg = RouteMessage::default();
    let h: &mut RouteHeader = &mut msg.header;
    h.address_family = AddressFamily::from(m.family);
    h.destination_prefix_length = m.dst_len;
    h.protocol = m.protocol.into();
    h.scope = m.scope.into();
    h.kind = m.kind.into();
    h.flags = netlink_packet_route::route::RouteFlags::from_bits_retain(m.rtm_flags);
    if m.table < 256 {
        h.table = m.table as u8;
    } else {
        h.table = 0;
        msg.attributes.push(RouteAttribute::Table(m.table));
    }
    if let Some(d) = m.dst {
        msg.attributes
            .push(RouteAttribute::Destination(route_addr(d)));
    }
    if let Some(s) = m.prefsrc {
        msg.attributes
            .push(RouteAttribute::PrefSource(route_addr(s)));
    }
    if let Some(gw) = m.gateway {
        msg.attributes.push(RouteAttribute::Gateway(route_addr(gw)));
    }
    if let Some(p) = m.metric {
        msg.attributes.push(RouteAttribute::Priority(p));
    }
    if let Some(d) = &m.dev {
        msg.attributes
            .push(RouteAttribute::Oif(crate::native::ip::ifindex_or_nodev(
                conn, d,
            )?))
    }
    if let Some(mtu) = m.mtu {
        msg.attributes
            .push(RouteAttribute::Metrics(vec![RouteMetric::Mtu(mtu)]));
    }
    let req = if m.delete {
        RouteNetlinkMessage::DelRoute(msg)
    } else {
        RouteNetlinkMessage::NewRoute(msg)
    };
    conn.request(req, m.flags)
        .map(|_| ())
        .map_err(|e| (e.iproute2_text(), 2))
}

/// The routes `ip route show` and `ip route flush` select: one dump of the
/// family (IPv4 unless `-6`; all for `table all` alone), not cloned, in the selected table (all for
/// `table all`), through the selected device.
fn selected(conn: &mut Conn, s: &RouteShow) -> Res<Vec<RouteMessage>> {
    let oif = match &s.dev {
        Some(d) => Some(crate::native::ip::ifindex_or_nodev(conn, d)?),
        None => None,
    };
    let family = match s.family {
        10 => AddressFamily::Inet6,
        0 => AddressFamily::Unspec,
        _ => AddressFamily::Inet,
    };
    let want_table = want_table(s);
    let mut req = RouteMessage::default();
    req.header.address_family = family;
    let replies = conn
        .request(RouteNetlinkMessage::GetRoute(req), NLM_F_DUMP)
        .map_err(|e| (e.iproute2_text(), 2))?;
    Ok(replies
        .into_iter()
        .filter_map(|r| match r {
            RouteNetlinkMessage::NewRoute(m) => Some(m),
            _ => None,
        })
        .filter(|m| {
            let table = m
                .attributes
                .iter()
                .find_map(|a| match a {
                    RouteAttribute::Table(t) => Some(*t),
                    _ => None,
                })
                .unwrap_or(u32::from(m.header.table));
            let dev = m.attributes.iter().find_map(|a| match a {
                RouteAttribute::Oif(i) => Some(*i),
                _ => None,
            });
            // Unspec: every family's routes, in the kernel's family order
            // (a family the printer does not know falls back in row_of).
            (family == AddressFamily::Unspec || m.header.address_family == family)
                && m.header.flags.bits() & RTM_F_CLONED == 0
                && (want_table == 0 || table == want_table)
                && (oif.is_none() || dev == oif)
        })
        .collect())
}

/// The table `show`/`flush` select: `main` unless given, 0 for all.
fn want_table(s: &RouteShow) -> u32 {
    s.table.unwrap_or(crate::netcmd::ip::route::RT_TABLE_MAIN)
}

/// The selected routes as text or JSON, or `None` when one of them is
/// outside what the native printer covers.
fn show(conn: &mut Conn, s: &RouteShow, g: &IpGlobal) -> Res<Option<String>> {
    let mut rows = Vec::new();
    for m in selected(conn, s)? {
        let ip = matches!(
            m.header.address_family,
            AddressFamily::Inet | AddressFamily::Inet6
        );
        let Some((mut row, dev)) = row_of(&m).filter(|_| ip) else {
            return Ok(None);
        };
        if let Some(i) = dev {
            row.dev = Some(conn.ifname(i));
        }
        rows.push(row);
    }
    let f = RouteFormat {
        json: g.json,
        pretty: g.pretty,
        table_selected: want_table(s) != 0,
        dev_selected: s.dev.is_some(),
    };
    Ok(Some(render(&rows, f)))
}

/// The row fields a route message's header gives.
fn header_row(h: &RouteHeader) -> RouteRow {
    RouteRow {
        kind: h.kind.into(),
        dst_len: h.destination_prefix_length,
        table: u32::from(h.table),
        protocol: h.protocol.into(),
        scope: h.scope.into(),
        flags: h.flags.bits(),
        ..RouteRow::default()
    }
}

fn ip_of(a: &RouteAddress) -> Option<IpAddr> {
    match a {
        RouteAddress::Inet(v) => Some(IpAddr::V4(*v)),
        RouteAddress::Inet6(v) => Some(IpAddr::V6(*v)),
        _ => None,
    }
}

/// A dumped route as a row (and its output interface), or `None` when it
/// has attributes the native printer does not cover.
fn row_of(m: &RouteMessage) -> Option<(RouteRow, Option<u32>)> {
    let h = &m.header;
    let mut row = header_row(h);
    if h.source_prefix_length != 0 || h.tos != 0 {
        return None;
    }
    let mut oif = None;
    let ip = ip_of;
    for a in &m.attributes {
        match a {
            RouteAttribute::Table(t) => row.table = *t,
            RouteAttribute::Destination(d) => row.dst = Some(ip(d)?),
            RouteAttribute::Gateway(g) => row.gateway = Some(ip(g)?),
            RouteAttribute::PrefSource(s) => row.prefsrc = Some(ip(s)?),
            RouteAttribute::Oif(i) => oif = Some(*i),
            RouteAttribute::Priority(p) => row.metric = Some(*p),
            RouteAttribute::Metrics(ms) => {
                for x in ms {
                    match x {
                        RouteMetric::Mtu(v) => row.mtu = Some(*v),
                        _ => return None,
                    }
                }
            }
            RouteAttribute::Preference(p) => row.pref = Some(u8::from(*p)),
            // print_rta_cacheinfo: expiry (clock ticks, USER_HZ 100); the
            // other fields are printed when set: the real tool.
            RouteAttribute::CacheInfo(c) => {
                if c.error != 0 || c.id != 0 || c.ts != 0 || c.ts_age != 0 {
                    return None;
                }
                if c.expires != 0 {
                    row.expires = Some(c.expires as i32 / 100);
                }
            }
            _ => return None,
        }
    }
    Some((row, oif))
}

/// iproute_flush: delete the routes `show` would list (IPv4, the selected
/// table, not cloned), in rounds until none is left (`-s` and its reports
/// are the real tool's).
fn flush(conn: &mut Conn, s: &RouteShow) -> Res<()> {
    loop {
        let doomed = selected(conn, s)?;
        if doomed.is_empty() {
            return Ok(());
        }
        for m in doomed {
            match conn.request(RouteNetlinkMessage::DelRoute(m), 0) {
                Ok(_) => {}
                // Gone already (with another one): flush_update goes on.
                Err(crate::backend::rtnl::RtnlError::Kernel { errno, .. })
                    if errno == libc::ESRCH || errno == libc::ENOENT => {}
                Err(e) => return Err((e.iproute2_text(), 2)),
            }
        }
    }
}

/// iproute_get: one RTM_GETROUTE (RTM_F_LOOKUP_TABLE for IPv4), the answer
/// as print_route shows a cached route; `None` when it carries what the
/// native printer does not cover.
fn get(conn: &mut Conn, q: &RouteGet) -> Res<Option<RouteRow>> {
    /// RTM_F_LOOKUP_TABLE (include/uapi/linux/rtnetlink.h).
    const RTM_F_LOOKUP_TABLE: u32 = 0x1000;
    let mut req = RouteMessage::default();
    req.header.address_family = AddressFamily::Inet;
    req.header.destination_prefix_length = 32;
    req.header.flags =
        netlink_packet_route::route::RouteFlags::from_bits_retain(RTM_F_LOOKUP_TABLE);
    req.attributes
        .push(RouteAttribute::Destination(route_addr(q.dst)));
    if let Some(f) = q.from {
        req.header.source_prefix_length = 32;
        req.attributes.push(RouteAttribute::Source(route_addr(f)));
    }
    for (dev, iif) in [(&q.iif, true), (&q.oif, false)] {
        if let Some(d) = dev {
            let i = crate::native::ip::ifindex_or_nodev(conn, d)?;
            req.attributes.push(if iif {
                RouteAttribute::Iif(i)
            } else {
                RouteAttribute::Oif(i)
            });
        }
    }
    let replies = conn
        .request(RouteNetlinkMessage::GetRoute(req), 0)
        .map_err(|e| (e.iproute2_text(), 2))?;
    let Some(m) = replies.into_iter().find_map(|r| match r {
        RouteNetlinkMessage::NewRoute(m) => Some(m),
        _ => None,
    }) else {
        return Ok(None);
    };
    let mut row = RouteRow {
        cloned: m.header.flags.bits() & RTM_F_CLONED != 0,
        ..header_row(&m.header)
    };
    let ip = ip_of;
    for a in &m.attributes {
        match a {
            RouteAttribute::Table(t) => row.table = *t,
            RouteAttribute::Destination(d) => row.dst = ip(d),
            RouteAttribute::Source(s) => row.from = ip(s),
            RouteAttribute::Gateway(g) => row.gateway = ip(g),
            RouteAttribute::PrefSource(s) => row.prefsrc = ip(s),
            RouteAttribute::Oif(i) => row.dev = Some(conn.ifname(*i)),
            RouteAttribute::Iif(i) => row.iif = Some(conn.ifname(*i)),
            RouteAttribute::Priority(p) => row.metric = Some(*p),
            RouteAttribute::Uid(u) => row.uid = Some(*u),
            RouteAttribute::Metrics(ms) => {
                for x in ms {
                    match x {
                        RouteMetric::Mtu(v) => row.mtu = Some(*v),
                        _ => return Ok(None),
                    }
                }
            }
            RouteAttribute::CacheInfo(c) => {
                // expires/error/ipid/ts are printed when set: the real tool.
                if c.expires != 0 || c.error != 0 || c.id != 0 || c.ts != 0 || c.ts_age != 0 {
                    return Ok(None);
                }
            }
            _ => return Ok(None),
        }
    }
    Ok(Some(row))
}

//! `ip neigh …` (iproute2 6.1 ip/ipneigh.c): argv → [`NeighCmd`] →
//! RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH dump → output::ip::neigh.
//! Forms outside the native subset (see `netcmd::ip::neigh`) and listings
//! with entries it does not print (proxy, externally learned, offloaded,
//! with a protocol) run the real tool.

use std::net::IpAddr;

use netlink_packet_core::NLM_F_DUMP;
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::backend::rtnl::Conn;
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ip::neigh::{parse, NeighCmd, NeighModify, NeighShow, NTF_ROUTER};
use crate::netcmd::ip::IpGlobal;
use crate::output::ip::neigh::{render, NeighRow};

/// `ip [OPTIONS] neigh ARGS…`; `rest`: the words after `neigh`, `args`:
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
        NeighCmd::Modify(m) => modify(conn, &m),
        NeighCmd::Flush(s) => match flush(conn, &s, io) {
            Ok(Some(st)) => return Outcome::Status(st),
            Ok(None) => return crate::native::ip::foreign(ctx, args, io),
            Err(e) => Err(e),
        },
        NeighCmd::Show(s) => match show(conn, &s) {
            Ok(Some(rows)) => {
                let _ = io
                    .stdout
                    .write_all(render(&rows, g.json, g.pretty).as_bytes());
                Ok(())
            }
            Ok(None) => return crate::native::ip::foreign(ctx, args, io),
            Err(e) => Err(e),
        },
    };
    crate::native::ip::finish(io, r)
}

use crate::native::ip::Res;

/// ipneigh_modify's request.
fn modify(conn: &mut Conn, m: &NeighModify) -> Res<()> {
    let mut msg = NeighbourMessage::default();
    msg.header.family = if m.dst.is_ipv4() {
        AddressFamily::Inet
    } else {
        AddressFamily::Inet6
    };
    msg.header.state = m.state.into();
    msg.header.flags = NeighbourFlags::from_bits_retain(m.ntf);
    msg.attributes
        .push(NeighbourAttribute::Destination(match m.dst {
            IpAddr::V4(a) => NeighbourAddress::Inet(a),
            IpAddr::V6(a) => NeighbourAddress::Inet6(a),
        }));
    if let Some(l) = &m.lladdr {
        msg.attributes
            .push(NeighbourAttribute::LinkLayerAddress(l.clone()));
    }
    msg.header.ifindex = crate::native::ip::ifindex_or_nodev(conn, &m.dev)?;
    let req = if m.delete {
        RouteNetlinkMessage::DelNeighbour(msg)
    } else {
        RouteNetlinkMessage::NewNeighbour(msg)
    };
    conn.request(req, m.flags)
        .map(|_| ())
        .map_err(|e| (e.iproute2_text(), 2))
}

/// The entries do_show_or_flush would print, or `None` when one of them
/// is beyond the native printer.
/// The dumped entries `s` selects, as do_show_or_flush filters them, with
/// the selected device's index; `None` when one of them is beyond the
/// native printer (proxy, externally learned, with a protocol, …).
fn selected(conn: &mut Conn, s: &NeighShow) -> Res<Option<(Vec<NeighbourMessage>, Option<u32>)>> {
    let index = match &s.dev {
        Some(d) => Some(crate::native::ip::ifindex_or_nodev(conn, d)?),
        None => None,
    };
    let mut req = NeighbourMessage::default();
    req.header.family = match s.family {
        2 => AddressFamily::Inet,
        10 => AddressFamily::Inet6,
        _ => AddressFamily::Unspec,
    };
    let replies = conn
        .request(RouteNetlinkMessage::GetNeighbour(req), NLM_F_DUMP)
        .map_err(|e| (e.iproute2_text(), 2))?;
    let mut out = Vec::new();
    for r in replies {
        let RouteNetlinkMessage::NewNeighbour(m) = r else {
            continue;
        };
        let h = &m.header;
        let fam = match h.family {
            AddressFamily::Inet => 2,
            AddressFamily::Inet6 => 10,
            _ => return Ok(None),
        };
        if (s.family != 0 && fam != s.family) || index.is_some_and(|i| i != h.ifindex) {
            continue;
        }
        if h.flags.bits() & !NTF_ROUTER != 0
            || m.attributes.iter().any(|a| {
                matches!(
                    a,
                    NeighbourAttribute::Protocol(_)
                        | NeighbourAttribute::Destination(NeighbourAddress::Other(_))
                )
            })
        {
            return Ok(None);
        }
        let state = u16::from(h.state);
        if u32::from(state) & s.states != 0 || (state == 0 && s.states & 0x100 != 0) {
            out.push(m);
        }
    }
    Ok(Some((out, index)))
}

fn show(conn: &mut Conn, s: &NeighShow) -> Res<Option<Vec<NeighRow>>> {
    let Some((msgs, index)) = selected(conn, s)? else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    for m in msgs {
        let h = &m.header;
        let mut row = NeighRow {
            dst: None,
            dev: None,
            lladdr: None,
            ntf: h.flags.bits(),
            state: u16::from(h.state),
        };
        for a in &m.attributes {
            match a {
                NeighbourAttribute::Destination(NeighbourAddress::Inet(v)) => {
                    row.dst = Some(IpAddr::V4(*v))
                }
                NeighbourAttribute::Destination(NeighbourAddress::Inet6(v)) => {
                    row.dst = Some(IpAddr::V6(*v))
                }
                NeighbourAttribute::LinkLayerAddress(l) => row.lladdr = Some(l.clone()),
                _ => {}
            }
        }
        if index.is_none() && h.ifindex != 0 {
            row.dev = Some(conn.ifname(h.ifindex));
        }
        rows.push(row);
    }
    Ok(Some(rows))
}

/// do_show_or_flush's flush: delete the selected entries in rounds (after
/// the first, FAILED ones are left: the kernel keeps them a while), at
/// most 10 (`-s` reports are the real tool's: `-s` is not native here).
/// The status, or `None`: not native.
fn flush(conn: &mut Conn, s: &NeighShow, io: &mut Io) -> Res<Option<i32>> {
    let mut s = s.clone();
    for _ in 0..10 {
        let Some((msgs, _)) = selected(conn, &s)? else {
            return Ok(None);
        };
        if msgs.is_empty() {
            return Ok(Some(0));
        }
        for m in msgs {
            match conn.request(RouteNetlinkMessage::DelNeighbour(m), 0) {
                Ok(_) => {}
                Err(crate::backend::rtnl::RtnlError::Kernel { errno, .. })
                    if errno == libc::ENOENT => {}
                Err(e) => return Err((e.iproute2_text(), 2)),
            }
        }
        s.states &= !u32::from(crate::netcmd::ip::neigh::NUD_FAILED);
    }
    let _ = writeln!(
        io.stdout,
        "*** Flush not complete bailing out after 10 rounds"
    );
    Ok(Some(1))
}

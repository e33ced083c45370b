//! `ip link …`: argv → [`LinkCmd`] → rtnetlink → output (iproute2 6.1
//! ip/iplink.c, ip/ipaddress.c).
//!
//! Names are resolved in iproute2's order (master, netns, then the device),
//! each failure with iproute2's words and status, before anything is sent:
//! a command either applies as one RTM_NEWLINK / RTM_DELLINK or not at all.

use std::os::fd::AsRawFd;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, InfoVlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::RouteNetlinkMessage;

use crate::backend::linkdel;
use crate::backend::netns::NetnsRef;
use crate::backend::rtnl::{self, Conn, RtnlError};
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ip::link::{parse, LinkCmd, LinkKind, LinkShow, LinkSpec, Parsed};
use crate::netcmd::ip::{IpGlobal, IpUsage};
use crate::output::ip::link::{render, LinkFormat, LinkNames};
use crate::output::ip::link_kind;

/// IFF_PROMISC (include/uapi/linux/if.h).
const IFF_PROMISC: u32 = 0x100;

/// A failure as iproute2 reports it: stderr text (without newline), status.
struct Fail(String, i32);

impl From<IpUsage> for Fail {
    fn from(e: IpUsage) -> Self {
        Fail(e.text, e.status)
    }
}

impl From<RtnlError> for Fail {
    fn from(e: RtnlError) -> Self {
        match e {
            RtnlError::Netns(n) => Fail(n.to_string(), 255),
            RtnlError::Kernel { .. } => Fail(e.iproute2_text(), 2),
            e => Fail(e.to_string(), 1),
        }
    }
}

/// `ip [OPTIONS] link ARGS…`; `args` are the words after `link`.
pub fn run(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    let words: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
    let cmd = match parse(&words) {
        Ok(Parsed::Native(c)) => c,
        Ok(Parsed::Foreign) => return foreign(ctx, g, args, io),
        Err(e) => {
            let _ = writeln!(io.stderr, "{}", e.text);
            return Outcome::Status(e.status);
        }
    };
    if matches!(cmd, LinkCmd::Show(_)) && g.details > 1 {
        return foreign(ctx, g, args, io);
    }
    let ns = g.netns.clone().or_else(|| ctx.netns.clone());
    if let LinkCmd::Delete(spec) = &cmd {
        if let Some(st) = queue_delete(ctx, ns.as_ref(), spec, io) {
            return Outcome::Status(st);
        }
    } else if must_flush_first(ctx, ns.as_ref(), &cmd) {
        let st = ctx.barrier(io.stderr);
        if st != 0 {
            return Outcome::Status(st);
        }
    }
    let result = match ctx.rtnl.handle(ns.as_ref()) {
        Err(e) => Err(Fail::from(e)),
        Ok(conn) => match execute(conn, g, cmd.clone(), io) {
            // A cached name → index may be stale when something outside nsh
            // (a real tool, another process) changed the links: forget the
            // cache and try once more.
            Err(Fail(_, 2)) | Err(Fail(_, 1)) if conn.has_cached_names() => {
                conn.invalidate();
                execute(conn, g, cmd, io)
            }
            r => r,
        },
    };
    if matches!(result, Err(Fail(_, -1))) {
        return foreign(ctx, g, args, io);
    }
    if !matches!(result, Ok(true)) {
        ctx.rtnl.invalidate_all();
    }
    match result {
        Ok(_) => Outcome::Status(0),
        Err(Fail(text, status)) => {
            let _ = writeln!(io.stderr, "{text}");
            Outcome::Status(status)
        }
    }
}

/// Whether queued deletions (backend::linkdel) must be carried out before
/// `cmd`: a listing shows them, and a device created or renamed with a
/// queued device's name, or with a name the kernel picks (`vethN`), would
/// collide with it or be named differently.
fn must_flush_first(ctx: &mut NetCtx, ns: Option<&NetnsRef>, cmd: &LinkCmd) -> bool {
    let Ok(conn) = ctx.rtnl.handle(ns) else {
        return true;
    };
    if !conn.has_queued_deletes() {
        return false;
    }
    let new_names: Vec<Option<&String>> = match cmd {
        LinkCmd::Show(_) | LinkCmd::Delete(_) => return true,
        // A rename, or a device stacked on another (`link DEV`): the run's
        // view of names and of what goes with what would be stale.
        LinkCmd::Set(spec) if spec.name.is_some() => return true,
        LinkCmd::Add { spec, .. } if spec.link.is_some() => return true,
        LinkCmd::Set(_) => Vec::new(),
        LinkCmd::Add { spec, kind } => {
            let mut v = vec![spec.name.as_ref().or(spec.dev.as_ref())];
            if let LinkKind::Veth { peer } = kind {
                match peer {
                    Some(p) if p.netns.is_some() => {}
                    Some(p) => v.push(p.name.as_ref().or(p.dev.as_ref())),
                    None => v.push(None),
                }
            }
            v
        }
    };
    new_names
        .iter()
        .any(|n| n.is_none_or(|n| conn.is_gone_name(n)))
}

/// `ip link del [dev] X` alone is queued for one batched deletion at the
/// next barrier (backend::linkdel); `None` when this command must run now.
fn queue_delete(
    ctx: &mut NetCtx,
    ns: Option<&NetnsRef>,
    spec: &LinkSpec,
    io: &mut Io,
) -> Option<i32> {
    let plain = LinkSpec {
        dev: spec.dev.clone(),
        ..LinkSpec::default()
    };
    let Some(name) = spec.dev.as_deref().filter(|_| *spec == plain) else {
        let st = ctx.barrier(io.stderr);
        return (st != 0).then_some(st);
    };
    if ctx.rtnl.deletes_queued_elsewhere(ns) {
        let st = ctx.barrier(io.stderr);
        if st != 0 {
            return Some(st);
        }
    }
    let conn = ctx.rtnl.handle(ns).ok()?;
    match conn.queue_delete(name) {
        Ok(linkdel::Queued::Yes) => Some(0),
        Ok(linkdel::Queued::NoDevice) => {
            let Fail(text, st) = nodev(name);
            let _ = writeln!(io.stderr, "{text}");
            Some(st)
        }
        Ok(linkdel::Queued::NotBatchable) | Err(_) => {
            // Run now, after what is queued.
            let st = ctx.barrier(io.stderr);
            (st != 0).then_some(st)
        }
    }
}

/// Hand a form that is not native to the real tool, with the global
/// options it was given.
fn foreign(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    let mut all = global_words(g);
    all.push(Word::new("link".to_string(), Default::default()));
    all.extend_from_slice(args);
    crate::native::ip::foreign(ctx, &all, io)
}

/// The global options as words for the real `ip`.
pub fn global_words(g: &IpGlobal) -> Vec<Word> {
    let mut v = Vec::new();
    let mut push = |s: &str| v.push(Word::new(s.to_string(), Default::default()));
    if let Some(ns) = &g.netns {
        push("-n");
        push(&ns.display_name());
    }
    match g.family {
        crate::netcmd::ip::Family::Inet => push("-4"),
        crate::netcmd::ip::Family::Inet6 => push("-6"),
        crate::netcmd::ip::Family::Unspec => {}
    }
    for _ in 0..g.stats {
        push("-s");
    }
    for _ in 0..g.details {
        push("-d");
    }
    if g.oneline {
        push("-o");
    }
    if g.json {
        push("-j");
    }
    if g.pretty {
        push("-p");
    }
    if g.brief {
        push("-br");
    }
    if g.all {
        push("-all");
    }
    v
}

/// Carry out `cmd`; `Ok(true)` when nothing changed (caches stay valid).
fn execute(conn: &mut Conn, g: &IpGlobal, cmd: LinkCmd, io: &mut Io) -> Result<bool, Fail> {
    match cmd {
        LinkCmd::Show(s) => show(conn, g, &s, io).map(|_| true),
        LinkCmd::Add { spec, kind } => add(conn, spec, kind).map(|_| false),
        LinkCmd::Set(spec) => {
            let (msg, _fd) = build(conn, &spec, false)?;
            conn.request(RouteNetlinkMessage::SetLink(msg), 0)?;
            Ok(false)
        }
        LinkCmd::Delete(spec) => {
            let (msg, _fd) = build(conn, &spec, false)?;
            conn.request(RouteNetlinkMessage::DelLink(msg), 0)?;
            Ok(false)
        }
    }
}

fn nodev(name: &str) -> Fail {
    Fail(format!("Cannot find device \"{name}\""), 1)
}

fn index_of(conn: &mut Conn, name: &str) -> Result<Option<u32>, Fail> {
    Ok(conn.link_index(name)?)
}

/// The message of iplink_parse for `spec`, names resolved in iproute2's
/// order. Returns the open netns file too: it must stay open until sent.
fn build(
    conn: &mut Conn,
    spec: &LinkSpec,
    create: bool,
) -> Result<(LinkMessage, Option<std::fs::File>), Fail> {
    let mut m = LinkMessage::default();
    let mut netns_file = None;
    if let Some(up) = spec.up {
        m.header.change_mask |= LinkFlags::Up;
        if up {
            m.header.flags |= LinkFlags::Up;
        }
    }
    if let Some(a) = &spec.address {
        m.attributes.push(LinkAttribute::Address(a.clone()));
    }
    if let Some(q) = spec.txqlen {
        m.attributes.push(LinkAttribute::TxQueueLen(q));
    }
    if let Some(mtu) = spec.mtu {
        m.attributes.push(LinkAttribute::Mtu(mtu));
    }
    if let Some(ns) = &spec.netns {
        // iproute2 netns_get_fd, then a PID.
        let path = if ns.contains('/') {
            std::path::PathBuf::from(ns)
        } else {
            NetnsRef::Name(ns.clone()).path()
        };
        match std::fs::File::open(&path) {
            Ok(f) => {
                m.attributes.push(LinkAttribute::NetNsFd(f.as_raw_fd()));
                netns_file = Some(f);
            }
            Err(_) => match ns.parse::<i32>() {
                Ok(pid) => m.attributes.push(LinkAttribute::NetNsPid(pid as u32)),
                Err(_) => {
                    return Err(
                        crate::netcmd::ip::link::invarg("Invalid \"netns\" value\n", ns).into(),
                    )
                }
            },
        }
    }
    if let Some(p) = spec.promisc {
        m.header.change_mask |= LinkFlags::Promisc;
        if p {
            m.header.flags |= LinkFlags::from_bits_retain(IFF_PROMISC);
        }
    }
    match &spec.master {
        Some(Some(br)) => match index_of(conn, br)? {
            Some(i) => m.attributes.push(LinkAttribute::Controller(i)),
            None => {
                return Err(crate::netcmd::ip::link::invarg("Device does not exist\n", br).into())
            }
        },
        Some(None) => m.attributes.push(LinkAttribute::Controller(0)),
        None => {}
    }
    if let Some(a) = &spec.alias {
        m.attributes.push(LinkAttribute::IfAlias(a.clone()));
    }
    if !create {
        let dev = spec.dev.as_deref().unwrap_or_default();
        if spec.address.is_some() {
            // iproute2 checks the address length against the device's.
        }
        m.header.index = index_of(conn, dev)?.ok_or_else(|| nodev(dev))?;
    } else if let Some(l) = &spec.link {
        let i = index_of(conn, l)?.ok_or_else(|| nodev(l))?;
        m.attributes.push(LinkAttribute::Link(i));
    }
    if let Some(n) = &spec.name {
        m.attributes.push(LinkAttribute::IfName(n.clone()));
    }
    Ok((m, netns_file))
}

fn add(conn: &mut Conn, spec: LinkSpec, kind: LinkKind) -> Result<(), Fail> {
    let (mut m, _fd) = build(conn, &spec, true)?;
    let mut _peer_fd = None;
    let mut info = Vec::new();
    match kind {
        LinkKind::Bridge => info.push(LinkInfo::Kind(InfoKind::Bridge)),
        LinkKind::Veth { peer } => {
            info.push(LinkInfo::Kind(InfoKind::Veth));
            if let Some(peer) = peer {
                let (pm, fd) = build(conn, &peer, true)?;
                _peer_fd = fd;
                info.push(LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(pm))));
            }
        }
        LinkKind::Vlan { id } => {
            info.push(LinkInfo::Kind(InfoKind::Vlan));
            info.push(LinkInfo::Data(InfoData::Vlan(vec![InfoVlan::Id(id)])));
        }
        LinkKind::Plain(k) => info.push(LinkInfo::Kind(InfoKind::from(k.as_str()))),
    }
    m.attributes.push(LinkAttribute::LinkInfo(info));
    conn.request(RouteNetlinkMessage::NewLink(m), NLM_F_CREATE | NLM_F_EXCL)?;
    Ok(())
}

fn show(conn: &mut Conn, g: &IpGlobal, s: &LinkShow, io: &mut Io) -> Result<(), Fail> {
    if s.nomaster {
        return Err(Fail("nsh: ip link show nomaster: not native".into(), 255));
    }
    let msgs = conn.dump_links()?;
    let links: Vec<crate::model::Link> = msgs.iter().map(rtnl::to_model).collect();
    let mut names = LinkNames::default();
    for l in &links {
        names.by_index.insert(l.index, (l.name.clone(), l.flags));
    }
    let find = |n: &str| links.iter().find(|l| l.name == n).map(|l| l.index);
    let master = match &s.master {
        Some(m) => Some(find(m).ok_or_else(|| {
            Fail::from(crate::netcmd::ip::link::invarg(
                "Device does not exist\n",
                m,
            ))
        })?),
        None => None,
    };
    let ifindex = match &s.dev {
        Some(d) => Some(find(d).ok_or_else(|| Fail(format!("Device \"{d}\" does not exist."), 1))?),
        None => None,
    };
    // What the kernel filters (iplink_filter_req: master, kind; a single
    // device is fetched alone), then what iproute2 filters itself.
    let selected: Vec<Option<crate::model::Link>> = links
        .iter()
        .filter(|l| ifindex.is_none_or(|i| l.index == i))
        .filter(|l| master.is_none_or(|m| l.master == Some(m)))
        .filter(|l| s.kind.as_ref().is_none_or(|k| l.kind.as_ref() == Some(k)))
        .map(|l| {
            let keep = (!s.up || l.flags & crate::model::IFF_UP != 0)
                && s.slave_kind
                    .as_ref()
                    .is_none_or(|k| l.slave_kind.as_ref() == Some(k));
            keep.then(|| l.clone())
        })
        .collect();
    if selected.iter().flatten().any(|l| l.link_netnsid.is_some()) && !g.json {
        names.nsid_names = conn.nsid_names();
    }
    let f = LinkFormat {
        brief: g.brief,
        oneline: g.oneline,
        json: g.json,
        pretty: g.pretty,
        stats: g.stats > 0,
        stats_detail: g.stats > 1,
        details: g.details > 0,
        ..LinkFormat::default()
    };
    // `-d` natively only for kinds without kind-specific data.
    if f.details
        && selected.iter().flatten().any(|l| {
            !l.kind.as_deref().is_none_or(link_kind::kind_printable)
                || !l
                    .slave_kind
                    .as_deref()
                    .is_none_or(link_kind::slave_kind_printable)
        })
    {
        return Err(Fail(String::new(), -1));
    }
    let text = render(&selected, &names, f);
    let _ = io.stdout.write_all(text.as_bytes());
    Ok(())
}

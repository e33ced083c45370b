//! `ip netns …` (iproute2 6.1 ip/ipnetns.c): argv → [`NetnsCmd`] →
//! backend::netns_admin / rtnetlink (namespace ids) → output::ip::netns.
//!
//! `ip netns exec NAME CMD…` asks the interpreter to run CMD in NAME
//! ([`Outcome::ExecIn`]). Forms outside the subset (`-all netns exec`,
//! `monitor`, `help`, `list-id` filters, `ip -n NS netns …`) run the real
//! tool.

use netlink_packet_core::NLM_F_DUMP;
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use netlink_packet_route::RouteNetlinkMessage;

use crate::backend::netns::NetnsRef;
use crate::backend::netns_admin as admin;
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ip::link::Parsed;
use crate::netcmd::ip::netns::{parse, NetnsCmd};
use crate::netcmd::ip::IpGlobal;
use crate::output::ip::netns as out;

/// `ip [OPTIONS] netns ARGS…`; `rest`: the words after `netns`, `args`:
/// the whole argv (for the real tool).
pub fn run(ctx: &mut NetCtx, g: &IpGlobal, rest: &[Word], args: &[Word], io: &mut Io) -> Outcome {
    if g.netns.is_some() {
        return crate::native::ip::foreign(ctx, args, io);
    }
    let words: Vec<&str> = rest.iter().map(|w| w.node.as_str()).collect();
    let cmd = match parse(&words, g.all) {
        Ok(Parsed::Native(c)) => c,
        Ok(Parsed::Foreign) => return crate::native::ip::foreign(ctx, args, io),
        Err(e) => {
            let _ = writeln!(io.stderr, "{}", e.text);
            return Outcome::Status(e.status);
        }
    };
    let result = match cmd {
        NetnsCmd::Exec if g.all => return exec_all(rest, io),
        NetnsCmd::Exec => return exec(rest, io),
        NetnsCmd::List => list(ctx, g, io),
        NetnsCmd::ListId => list_id(ctx, g, io),
        NetnsCmd::Add(name) => admin::add(&name, None).map_err(|e| (e.0, 1)),
        NetnsCmd::Attach(name, pid) => admin::add(&name, Some(pid)).map_err(|e| (e.0, 1)),
        NetnsCmd::Set(name, nsid) => set(ctx, &name, nsid),
        NetnsCmd::Delete(Some(name)) => delete(ctx, &name, io),
        NetnsCmd::Delete(None) => {
            // netns_foreach: stop at the first failure, status 0 anyway.
            match admin::names() {
                Ok(names) => {
                    for n in names {
                        if let Err((text, _)) = delete(ctx, &n, io) {
                            let _ = writeln!(io.stderr, "{text}");
                            break;
                        }
                    }
                    Ok(())
                }
                Err(e) => Err((e.0, 1)),
            }
        }
        // In-process under `ip netns exec NS`, "self" is NS.
        NetnsCmd::Identify(pid) => match (&ctx.netns, pid.as_str()) {
            (Some(ns), "self") => admin::identify_path(&ns.path()),
            _ => admin::identify(&pid),
        }
        .map(|n| {
            let _ = writeln!(io.stdout, "{n}");
        })
        .map_err(|e| (e.0, 1)),
        NetnsCmd::Pids(name) => admin::pids(&name)
            .map(|p| {
                for pid in p {
                    let _ = writeln!(io.stdout, "{pid}");
                }
            })
            .map_err(|e| (e.0, 1)),
    };
    match result {
        Ok(()) => Outcome::Status(0),
        Err((text, status)) => {
            let _ = writeln!(io.stderr, "{text}");
            Outcome::Status(status)
        }
    }
}

/// `ip netns exec NAME CMD…`: the interpreter runs CMD inside NAME
/// (natives in-process with their sockets opened in NAME, programs forked
/// into it as iproute2 does).
fn exec(rest: &[Word], io: &mut Io) -> Outcome {
    let Some(name) = rest.get(1) else {
        let _ = writeln!(io.stderr, "No netns name specified");
        return Outcome::Status(1);
    };
    let ns = NetnsRef::Name(name.node.clone());
    // lib/namespace.c: netns_switch — the namespace must open (status 255).
    if let Err(e) = ns.open() {
        let _ = writeln!(io.stderr, "{e}");
        return Outcome::Status(255);
    }
    if rest.len() < 3 {
        let _ = writeln!(io.stderr, "No command specified");
        return Outcome::Status(1);
    }
    Outcome::ExecIn {
        netns: ns,
        argv: rest[2..].to_vec(),
    }
}

/// `ip -all netns exec CMD…`: CMD in every namespace, in directory order.
fn exec_all(rest: &[Word], io: &mut Io) -> Outcome {
    if rest.len() < 2 {
        let _ = writeln!(io.stderr, "No command specified");
        return Outcome::Status(1);
    }
    match admin::names() {
        Ok(names) => Outcome::ExecInEach {
            each: names.into_iter().map(NetnsRef::Name).collect(),
            argv: rest[1..].to_vec(),
        },
        Err(e) => {
            let _ = writeln!(io.stderr, "{}", e.0);
            Outcome::Status(1)
        }
    }
}

type Res = Result<(), (String, i32)>;

/// on_netns_del, after closing nsh's own sockets into the namespace (they
/// would keep it alive, and a namespace made later under the same name is
/// another one).
fn delete(ctx: &mut NetCtx, name: &str, io: &mut Io) -> Res {
    let ns = NetnsRef::Name(name.to_string());
    for f in ctx.nft.forget(&ns) {
        let (text, _) = f.error.iptables_message("iptables");
        let _ = io.stderr.write_all(text.as_bytes());
    }
    if let Some(e) = ctx.rtnl.forget(&ns) {
        let _ = writeln!(io.stderr, "{}", e.iproute2_text());
    }
    admin::delete(name).map_err(|e| (e.0, 1))
}

/// netns_list: names in directory order, with their ids in the current
/// namespace.
fn list(ctx: &mut NetCtx, g: &IpGlobal, io: &mut Io) -> Res {
    // No directory: nothing at all (not even `[]` with -j).
    if !std::path::Path::new(crate::backend::netns::NETNS_RUN_DIR).is_dir() {
        return Ok(());
    }
    let names = admin::names().map_err(|e| (e.0, 1))?;
    let mut rows = Vec::with_capacity(names.len());
    let conn = ctx.rtnl.handle(ctx.netns.clone().as_ref()).ok();
    let mut conn = conn;
    for n in names {
        let path = NetnsRef::Name(n.clone()).path();
        let id = conn.as_mut().and_then(|c| c.netnsid_of(&path));
        rows.push((n, id));
    }
    let text = out::render_list(&rows, g.json, g.pretty);
    let _ = io.stdout.write_all(text.as_bytes());
    Ok(())
}

/// netns_list_id: every id the current namespace has assigned, with the
/// name of the namespace when it has one under /run/netns.
fn list_id(ctx: &mut NetCtx, g: &IpGlobal, io: &mut Io) -> Res {
    let ns = ctx.netns.clone();
    let conn = ctx
        .rtnl
        .handle(ns.as_ref())
        .map_err(|e| (e.to_string(), 1))?;
    let replies = conn
        .request(
            RouteNetlinkMessage::GetNsId(NsidMessage::default()),
            NLM_F_DUMP,
        )
        .map_err(|e| (e.iproute2_text(), 1))?;
    let names = conn.nsid_names();
    let mut rows = Vec::new();
    for r in replies {
        let RouteNetlinkMessage::NewNsId(m) = r else {
            continue;
        };
        let nsid = m.attributes.iter().find_map(|a| match a {
            NsidAttribute::Id(i) => Some(*i),
            _ => None,
        });
        let current = m.attributes.iter().find_map(|a| match a {
            NsidAttribute::CurrentNsid(i) => Some(*i),
            _ => None,
        });
        let Some(nsid) = nsid else { continue };
        let name = names.get(&current.unwrap_or(nsid)).cloned();
        rows.push(out::NsidRow {
            nsid,
            current,
            name,
        });
    }
    let text = out::render_ids(&rows, g.json, g.pretty);
    let _ = io.stdout.write_all(text.as_bytes());
    Ok(())
}

/// netns_set: RTM_NEWNSID with the namespace's fd and the id (-1: the
/// kernel picks one).
fn set(ctx: &mut NetCtx, name: &str, nsid: i32) -> Res {
    use std::os::fd::AsRawFd;
    let ns = NetnsRef::Name(name.to_string());
    let f = ns.open().map_err(|e| (e.to_string(), 1))?;
    let cur = ctx.netns.clone();
    let conn = ctx
        .rtnl
        .handle(cur.as_ref())
        .map_err(|e| (e.to_string(), 1))?;
    let mut m = NsidMessage::default();
    m.attributes.push(NsidAttribute::Fd(f.as_raw_fd() as u32));
    m.attributes.push(NsidAttribute::Id(nsid));
    conn.request(RouteNetlinkMessage::NewNsId(m), 0)
        .map(|_| ())
        .map_err(|e| (e.iproute2_text(), 2))
}

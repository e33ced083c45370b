//! Native `brctl` (bridge-utils 1.7.1): addbr, delbr, addif, delif, show,
//! over the same rtnetlink connections as `ip link`.
//!
//! bridge-utils uses ioctls and sysfs; nsh asks rtnetlink instead (sysfs
//! shows the namespace that mounted it, not `ip netns exec`'s), and words
//! every outcome as bridge-utils does (brctl/brctl_cmd.c). Other commands
//! run the real brctl when it exists.

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::link::{
    BridgeStpState, InfoBridge, InfoData, InfoKind, LinkAttribute, LinkInfo, LinkMessage,
};
use netlink_packet_route::RouteNetlinkMessage;

use crate::backend::rtnl::{Conn, RtnlError};
use crate::model::IFF_UP;
use crate::native::{Io, NetCtx, Outcome, Word};

/// `brctl` with no arguments or an unknown command prints this on stdout.
const USAGE: &str = "Usage: brctl [commands]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n\tdelbr     \t<bridge>\t\tdelete bridge\n\taddif     \t<bridge> <device>\tadd interface to bridge\n\tdelif     \t<bridge> <device>\tdelete interface from bridge\n\thairpin   \t<bridge> <port> {on|off}\tturn hairpin on/off\n\tsetageing \t<bridge> <time>\t\tset ageing time\n\tsetbridgeprio\t<bridge> <prio>\t\tset bridge priority\n\tsetfd     \t<bridge> <time>\t\tset bridge forward delay\n\tsethello  \t<bridge> <time>\t\tset hello time\n\tsetmaxage \t<bridge> <time>\t\tset max message age\n\tsetpathcost\t<bridge> <port> <cost>\tset path cost\n\tsetportprio\t<bridge> <port> <prio>\tset port priority\n\tshow      \t[ <bridge> ]\t\tshow a list of bridges\n\tshowmacs  \t<bridge>\t\tshow a list of mac addrs\n\tshowstp   \t<bridge>\t\tshow bridge stp info\n\tstp       \t<bridge> {on|off}\tturn stp on/off\n";

const REAL_BRCTL: &str = "/usr/sbin/brctl";

/// A bridge as `brctl show` prints it.
struct Bridge {
    name: String,
    index: u32,
    id: String,
    stp: bool,
}

/// `brctl COMMAND ARGS…`.
pub fn run(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    let w: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
    let Some(cmd) = w.first() else {
        let _ = io.stdout.write_all(USAGE.as_bytes());
        return Outcome::Status(1);
    };
    let (need, help) = match *cmd {
        "addbr" => (1, "<bridge>\t\tadd bridge"),
        "delbr" => (1, "<bridge>\t\tdelete bridge"),
        "addif" => (2, "<bridge> <device>\tadd interface to bridge"),
        "delif" => (2, "<bridge> <device>\tdelete interface from bridge"),
        "show" => (0, ""),
        c if USAGE.contains(&format!("\t{c} ")) || USAGE.contains(&format!("\t{c}\t")) => {
            return foreign(ctx, args, io)
        }
        c => {
            let _ = writeln!(io.stderr, "never heard of command [{c}]");
            let _ = io.stdout.write_all(USAGE.as_bytes());
            return Outcome::Status(1);
        }
    };
    if w.len() - 1 < need {
        let _ = writeln!(io.stdout, "Incorrect number of arguments for command");
        let _ = writeln!(io.stdout, "Usage: brctl {cmd} {help}");
        return Outcome::Status(1);
    }
    let ns = ctx.netns.clone();
    let conn = match ctx.rtnl.handle(ns.as_ref()) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(io.stderr, "{e}");
            return Outcome::Status(1);
        }
    };
    let r = match *cmd {
        "addbr" => addbr(conn, w[1], io),
        "delbr" => delbr(conn, w[1], io),
        "addif" => setif(conn, w[1], w[2], true, io),
        "delif" => setif(conn, w[1], w[2], false, io),
        _ => show(conn, &w[1..], io),
    };
    conn.invalidate();
    let status = match r {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(io.stderr, "{e}");
            1
        }
    };
    ctx.rtnl.invalidate_all();
    Outcome::Status(status)
}

fn foreign(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    if ctx.native_only || !std::path::Path::new(REAL_BRCTL).exists() {
        let _ = writeln!(io.stderr, "nsh: brctl {}: not native", args[0].node);
        return Outcome::Status(1);
    }
    let _ = writeln!(
        io.stderr,
        "nsh: brctl {}: not native, running {REAL_BRCTL}",
        args[0].node
    );
    crate::native::ip::run_real(ctx, REAL_BRCTL, args, io)
}

fn links(conn: &mut Conn) -> Result<Vec<(crate::model::Link, LinkMessage)>, RtnlError> {
    Ok(conn
        .dump_links()?
        .into_iter()
        .map(|m| (crate::backend::rtnl::to_model(&m), m))
        .collect())
}

fn bridge_of(l: &crate::model::Link, m: &LinkMessage) -> Option<Bridge> {
    if l.kind.as_deref() != Some("bridge") {
        return None;
    }
    let mut b = Bridge {
        name: l.name.clone(),
        index: l.index,
        id: String::new(),
        stp: false,
    };
    for a in &m.attributes {
        if let LinkAttribute::LinkInfo(infos) = a {
            for i in infos {
                if let LinkInfo::Data(InfoData::Bridge(attrs)) = i {
                    for x in attrs {
                        match x {
                            InfoBridge::BridgeId(id) => {
                                let mac: String =
                                    id.address.iter().map(|b| format!("{b:02x}")).collect();
                                b.id = format!("{:04x}.{mac}", id.priority);
                            }
                            InfoBridge::StpState(s) => {
                                b.stp = !matches!(s, BridgeStpState::Disabled)
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    Some(b)
}

/// `brctl addbr BR` (SIOCBRADDBR truncates the name to IFNAMSIZ-1).
fn addbr(conn: &mut Conn, name: &str, io: &mut Io) -> Result<i32, RtnlError> {
    let name: String = name.chars().take(15).collect();
    let mut m = LinkMessage::default();
    m.attributes.push(LinkAttribute::IfName(name.clone()));
    m.attributes
        .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
            InfoKind::Bridge,
        )]));
    match conn.request(RouteNetlinkMessage::NewLink(m), NLM_F_CREATE | NLM_F_EXCL) {
        Ok(_) => Ok(0),
        Err(RtnlError::Kernel { errno, .. }) if errno == libc::EEXIST => {
            let _ = writeln!(
                io.stderr,
                "device {name} already exists; can't create bridge with the same name"
            );
            Ok(1)
        }
        Err(RtnlError::Kernel { errno, .. }) => {
            let e = std::io::Error::from_raw_os_error(errno);
            let _ = writeln!(
                io.stderr,
                "add bridge failed: {}",
                crate::backend::netns::strerror(&e)
            );
            Ok(1)
        }
        Err(e) => Err(e),
    }
}

/// `brctl delbr BR`: the ioctl refuses a bridge that is up (EBUSY) or a
/// device that is not a bridge (EPERM); netlink would not, so check first.
fn delbr(conn: &mut Conn, name: &str, io: &mut Io) -> Result<i32, RtnlError> {
    let all = links(conn)?;
    let Some((l, m)) = all.iter().find(|(l, _)| l.name == name) else {
        let _ = writeln!(io.stderr, "bridge {name} doesn't exist; can't delete it");
        return Ok(1);
    };
    if bridge_of(l, m).is_none() {
        let _ = writeln!(
            io.stderr,
            "can't delete bridge {name}: Operation not permitted"
        );
        return Ok(1);
    }
    if l.flags & IFF_UP != 0 {
        let _ = writeln!(io.stderr, "bridge {name} is still up; can't delete it");
        return Ok(1);
    }
    let mut d = LinkMessage::default();
    d.header.index = l.index;
    conn.request(RouteNetlinkMessage::DelLink(d), 0)?;
    Ok(0)
}

/// `brctl addif BR DEV` / `brctl delif BR DEV`.
fn setif(conn: &mut Conn, br: &str, dev: &str, add: bool, io: &mut Io) -> Result<i32, RtnlError> {
    let all = links(conn)?;
    let Some((port, _)) = all.iter().find(|(l, _)| l.name == dev) else {
        let _ = writeln!(io.stderr, "interface {dev} does not exist!");
        return Ok(1);
    };
    let Some(bridge) = all
        .iter()
        .filter_map(|(l, m)| bridge_of(l, m))
        .find(|b| b.name == br)
    else {
        let _ = writeln!(io.stderr, "bridge {br} does not exist!");
        return Ok(1);
    };
    let master = if add {
        if port.master.is_some() {
            let _ = writeln!(
                io.stderr,
                "device {dev} is already a member of a bridge; can't add it to bridge {br}."
            );
            return Ok(1);
        }
        bridge.index
    } else {
        if port.master != Some(bridge.index) {
            let _ = writeln!(io.stderr, "device {dev} is not a port of {br}");
            return Ok(1);
        }
        0
    };
    let mut m = LinkMessage::default();
    m.header.index = port.index;
    m.attributes.push(LinkAttribute::Controller(master));
    match conn.request(RouteNetlinkMessage::SetLink(m), 0) {
        Ok(_) => Ok(0),
        Err(RtnlError::Kernel { errno, .. }) => {
            let e = std::io::Error::from_raw_os_error(errno);
            let what = if add { "add" } else { "delete" };
            let _ = writeln!(
                io.stderr,
                "can't {what} {dev} to bridge {br}: {}",
                crate::backend::netns::strerror(&e)
            );
            Ok(1)
        }
        Err(e) => Err(e),
    }
}

/// `brctl show [BR…]`: bridges sorted by name, ports sorted by name.
fn show(conn: &mut Conn, only: &[&str], io: &mut Io) -> Result<i32, RtnlError> {
    let all = links(conn)?;
    let mut bridges: Vec<Bridge> = all.iter().filter_map(|(l, m)| bridge_of(l, m)).collect();
    bridges.sort_by(|a, b| a.name.cmp(&b.name));
    let mut status = 0;
    let mut chosen: Vec<&Bridge> = Vec::new();
    if only.is_empty() {
        chosen.extend(bridges.iter());
    } else {
        for n in only {
            match bridges.iter().find(|b| b.name == *n) {
                Some(b) => chosen.push(b),
                None => {
                    let _ = writeln!(io.stderr, "bridge {n} does not exist!");
                    status = 1;
                }
            }
        }
    }
    let mut out = String::new();
    if !chosen.is_empty() {
        out.push_str("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    }
    for b in chosen {
        let mut ports: Vec<&str> = all
            .iter()
            .filter(|(l, _)| l.master == Some(b.index))
            .map(|(l, _)| l.name.as_str())
            .collect();
        ports.sort();
        out.push_str(&format!(
            "{}\t\t{}\t{}\t\t",
            b.name,
            b.id,
            if b.stp { "yes" } else { "no" }
        ));
        match ports.split_first() {
            None => out.push('\n'),
            Some((first, rest)) => {
                out.push_str(first);
                out.push('\n');
                for p in rest {
                    out.push_str(&format!("\t\t\t\t\t\t\t{p}\n"));
                }
            }
        }
    }
    let _ = io.stdout.write_all(out.as_bytes());
    Ok(status)
}

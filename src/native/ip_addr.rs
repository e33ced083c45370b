//! `ip address …` (iproute2 6.1 ip/ipaddress.c).
//!
//! Native so far: `ip addr add|del A/LEN dev X` and `ip addr add A dev X`
//! (no length = /32 or /128), sent as one RTM_NEWADDR / RTM_DELADDR the way
//! iproute2's `ipaddr_modify` builds it (IFA_LOCAL and IFA_ADDRESS both the
//! address, no broadcast unless asked, host scope for 127/8). Every other
//! form (show, flush, brd, peer, label, scope, malformed input) goes to the
//! real tool through [`crate::native::ip::foreign`], so its output and
//! errors stay iproute2's own.

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
    let (prefix, dev) = match rest {
        [d, x, p] if *d == "dev" => (*p, *x),
        [p, d, x] if *d == "dev" => (*p, *x),
        _ => return None,
    };
    if dev.is_empty() || prefix.starts_with('-') {
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
    Some(AddrModify {
        add,
        addr,
        prefix_len,
        dev: dev.to_string(),
    })
}

/// `ip [OPTIONS] address ARGS…`; `args` are the words after the object.
pub fn run(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    let words: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
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
    if req.add {
        if let IpAddr::V4(a) = req.addr {
            if a.octets()[0] == 127 {
                m.header.scope = AddressScope::Host;
            }
        }
    }
    m.attributes.push(AddressAttribute::Local(req.addr));
    m.attributes.push(AddressAttribute::Address(req.addr));
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
        assert!(parse(&["add", "10.0.0.1/24", "brd", "+", "dev", "v0"]).is_none());
        assert!(parse(&["show"]).is_none());
    }
}

//! `ip link …` argv → typed [`LinkCmd`] (iproute2 6.1 ip/iplink.c:
//! do_iplink, iplink_parse; ip/ipaddress.c: ipaddr_list_flush_or_save;
//! ip/link_veth.c; ip/link_vlan.c).
//!
//! The subcommand is classified by `grammar/ip.pest` (`link_argv`); the
//! keyword loop mirrors iplink_parse's if-chain, including which keywords
//! are abbreviable (`matches`) and which must be exact (`strcmp`). Names are
//! not resolved here (that needs the kernel): the executor resolves them in
//! iproute2's order before anything is sent.

use pest::Parser;

use super::{c_integer, matches, IpParser, IpUsage, Joined, Rule};

/// Outcome of parsing: a native command, or a valid iproute2 form that is
/// not native (run the real tool).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    Native(T),
    Foreign,
}

/// A parsed `ip link` command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkCmd {
    /// Equivalent to `ip link [show] [dev X] [type T] [master BR] [up]`.
    Show(LinkShow),
    /// Equivalent to `ip link add [name] NAME … type KIND …`.
    Add { spec: LinkSpec, kind: LinkKind },
    /// Equivalent to `ip link set [dev] X …`.
    Set(LinkSpec),
    /// Equivalent to `ip link delete [dev] X`.
    Delete(LinkSpec),
}

/// Filters of `ip link show`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkShow {
    pub dev: Option<String>,
    /// `type T`.
    pub kind: Option<String>,
    /// `type T_slave`.
    pub slave_kind: Option<String>,
    /// `master BR` (a name, resolved by the executor).
    pub master: Option<String>,
    /// `nomaster`.
    pub nomaster: bool,
    /// `up`.
    pub up: bool,
}

/// The device part of `ip link add|set|delete` (iplink_parse), in one
/// RTM_NEWLINK/RTM_DELLINK message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkSpec {
    /// `dev X` (or a bare word).
    pub dev: Option<String>,
    /// `name NEW`.
    pub name: Option<String>,
    /// `up` / `down`.
    pub up: Option<bool>,
    /// `link DEV`.
    pub link: Option<String>,
    /// `address MAC`.
    pub address: Option<Vec<u8>>,
    /// `txqueuelen N`.
    pub txqlen: Option<u32>,
    pub mtu: Option<u32>,
    /// `netns NS|PID`: resolved by the executor (a name under /run/netns
    /// first, then a PID, as iproute2 netns_get_fd does).
    pub netns: Option<String>,
    /// `promisc on|off`.
    pub promisc: Option<bool>,
    /// `master BR` (`Some(None)` = `nomaster`).
    pub master: Option<Option<String>>,
    /// `alias TEXT`.
    pub alias: Option<String>,
}

/// `type KIND …` of `ip link add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    Bridge,
    /// `type veth [peer …]`.
    Veth {
        peer: Option<LinkSpec>,
    },
    /// `type vlan id N`.
    Vlan {
        id: u16,
    },
    /// Any other kind with no arguments: sent as is; the kernel decides
    /// (`dummy` fails here with "Unknown device type").
    Plain(String),
}

use super::exit255 as usage;
pub use super::invarg;

fn duparg2(key: &str, arg: &str) -> IpUsage {
    usage(format!(
        "Error: either \"{key}\" is duplicate, or \"{arg}\" is a garbage."
    ))
}

fn duparg(key: &str, arg: &str) -> IpUsage {
    usage(format!(
        "Error: duplicate \"{key}\": \"{arg}\" is the second value."
    ))
}

use super::incomplete;

/// iproute2 check_ifname.
fn bad_ifname(s: &str) -> bool {
    s.is_empty() || s.len() >= 16 || s.chars().any(|c| c == '/' || c == ':' || c.is_whitespace())
}

/// iproute2 check_altifname.
fn bad_altifname(s: &str) -> bool {
    s.is_empty() || s.len() >= 128 || s.chars().any(|c| c == '/' || c == ':' || c.is_whitespace())
}

/// iproute2 ll_addr_a2n for a MAC: hex bytes separated by ':' (or '.').
fn parse_lladdr(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for part in s.split([':', '.']) {
        if part.is_empty() || part.len() > 2 {
            return None;
        }
        out.push(u8::from_str_radix(part, 16).ok()?);
    }
    Some(out)
}

/// Parse the words after `ip link`.
pub fn parse(words: &[&str]) -> Result<Parsed<LinkCmd>, IpUsage> {
    if words.is_empty() {
        return Ok(Parsed::Native(LinkCmd::Show(LinkShow::default())));
    }
    if words.iter().any(|w| w.contains(super::SEP)) {
        return Ok(Parsed::Foreign);
    }
    let joined = Joined::new(words);
    let top = IpParser::parse(Rule::link_argv, &joined.text)
        .map_err(|e| usage(format!("nsh: ip link: {e}")))?
        .next()
        .and_then(|p| p.into_inner().next());
    let Some(cmd) = top else {
        return Ok(Parsed::Native(LinkCmd::Show(LinkShow::default())));
    };
    let rest = &words[1..];
    match cmd.as_rule() {
        Rule::link_add => parse_add(rest),
        Rule::link_set => Ok(match parse_spec(rest, false)? {
            Parsed::Native((spec, None)) => Parsed::Native(LinkCmd::Set(spec)),
            _ => Parsed::Foreign,
        }),
        Rule::link_delete => Ok(match parse_spec(rest, false)? {
            Parsed::Native((spec, None)) => Parsed::Native(LinkCmd::Delete(spec)),
            _ => Parsed::Foreign,
        }),
        Rule::link_show => parse_show(rest),
        Rule::link_help => Ok(Parsed::Foreign),
        _ => {
            let w = words[0];
            if ["replace", "xstats", "afstats", "property"]
                .iter()
                .any(|k| matches(w, k))
            {
                return Ok(Parsed::Foreign);
            }
            Err(usage(format!(
                "Command \"{w}\" is unknown, try \"ip link help\"."
            )))
        }
    }
}

fn parse_show(words: &[&str]) -> Result<Parsed<LinkCmd>, IpUsage> {
    let mut s = LinkShow::default();
    let mut i = 0;
    let next = |i: &mut usize| -> Result<String, IpUsage> {
        *i += 1;
        words.get(*i).map(|w| w.to_string()).ok_or_else(incomplete)
    };
    while i < words.len() {
        let w = words[i];
        match w {
            "up" => s.up = true,
            "master" => s.master = Some(next(&mut i)?),
            "nomaster" => s.nomaster = true,
            "type" => {
                let t = next(&mut i)?;
                match t.strip_suffix("_slave") {
                    Some(k) => s.slave_kind = Some(k.to_string()),
                    None => s.kind = Some(t),
                }
            }
            "to" | "scope" | "label" | "group" | "vrf" => return Ok(Parsed::Foreign),
            _ if ADDR_FILTERS.contains(&w) => return Ok(Parsed::Foreign),
            _ => {
                let d = if w == "dev" {
                    next(&mut i)?
                } else if matches(w, "help") {
                    return Ok(Parsed::Foreign);
                } else {
                    w.to_string()
                };
                if s.dev.is_some() {
                    return Err(duparg2("dev", &d));
                }
                s.dev = Some(d);
            }
        }
        i += 1;
    }
    Ok(Parsed::Native(LinkCmd::Show(s)))
}

/// ip/ipaddress.c get_filter: address flag words accepted by `show`.
const ADDR_FILTERS: &[&str] = &[
    "secondary",
    "temporary",
    "primary",
    "tentative",
    "-tentative",
    "deprecated",
    "-deprecated",
    "home",
    "-home",
    "nodad",
    "-nodad",
    "mngtmpaddr",
    "-mngtmpaddr",
    "noprefixroute",
    "-noprefixroute",
    "autojoin",
    "-autojoin",
    "dadfailed",
    "-dadfailed",
    "optimistic",
    "-optimistic",
    "stable-privacy",
    "-stable-privacy",
    "dynamic",
    "-dynamic",
    "permanent",
    "-permanent",
];

/// iplink_parse: the device words, up to `type` (whose index is returned).
#[allow(clippy::type_complexity)]
fn parse_spec(words: &[&str], create: bool) -> Result<Parsed<(LinkSpec, Option<usize>)>, IpUsage> {
    let mut s = LinkSpec::default();
    let mut i = 0;
    let mut dev_is_name = false;
    let next = |i: &mut usize| -> Result<&str, IpUsage> {
        *i += 1;
        words.get(*i).copied().ok_or_else(incomplete)
    };
    while i < words.len() {
        let w = words[i];
        if w == "up" {
            s.up = Some(true);
        } else if w == "down" {
            s.up = Some(false);
        } else if w == "name" {
            let v = next(&mut i)?;
            if s.name.is_some() {
                return Err(duparg("name", v));
            }
            if bad_ifname(v) {
                return Err(invarg("\"name\" not a valid ifname", v));
            }
            s.name = Some(v.to_string());
            if s.dev.is_none() {
                s.dev = Some(v.to_string());
                dev_is_name = true;
            }
        } else if w == "index" {
            return Ok(Parsed::Foreign);
        } else if matches(w, "link") {
            s.link = Some(next(&mut i)?.to_string());
        } else if matches(w, "address") {
            let v = next(&mut i)?;
            match parse_lladdr(v) {
                Some(a) => s.address = Some(a),
                None => return Err(IpUsage::new(format!("\"{v}\" is invalid lladdr."), 1)),
            }
        } else if matches(w, "broadcast") || w == "brd" {
            return Ok(Parsed::Foreign);
        } else if matches(w, "txqueuelen") || w == "qlen" || matches(w, "txqlen") {
            let v = next(&mut i)?;
            if s.txqlen.is_some() {
                return Err(duparg("txqueuelen", v));
            }
            match c_integer(v).and_then(|n| i32::try_from(n).ok()) {
                Some(n) => s.txqlen = Some(n as u32),
                None => return Err(invarg("Invalid \"txqueuelen\" value\n", v)),
            }
        } else if w == "mtu" {
            let v = next(&mut i)?;
            if s.mtu.is_some() {
                return Err(duparg("mtu", v));
            }
            match c_integer(v).and_then(|n| i32::try_from(n).ok()) {
                Some(n) => s.mtu = Some(n as u32),
                None => return Err(invarg("Invalid \"mtu\" value\n", v)),
            }
        } else if ["xdpgeneric", "xdpdrv", "xdpoffload", "xdp"].contains(&w) {
            return Ok(Parsed::Foreign);
        } else if w == "netns" {
            let v = next(&mut i)?;
            if s.netns.is_some() {
                return Err(duparg("netns", v));
            }
            s.netns = Some(v.to_string());
        } else if [
            "multicast",
            "allmulticast",
            "trailers",
            "arp",
            "carrier",
            "vf",
        ]
        .contains(&w)
        {
            return Ok(Parsed::Foreign);
        } else if w == "promisc" {
            let v = next(&mut i)?;
            s.promisc = Some(match v {
                "on" => true,
                "off" => false,
                _ => {
                    return Err(IpUsage::new(
                        format!(
                            "Error: argument of \"promisc\" must be \"on\" or \"off\", not \"{v}\""
                        ),
                        1,
                    ))
                }
            });
        } else if matches(w, "master") {
            s.master = Some(Some(next(&mut i)?.to_string()));
        } else if w == "vrf" {
            return Ok(Parsed::Foreign);
        } else if matches(w, "nomaster") {
            s.master = Some(None);
        } else if matches(w, "dynamic") {
            return Ok(Parsed::Foreign);
        } else if matches(w, "type") {
            next(&mut i)?;
            return Ok(Parsed::Native((
                finish_spec(s, create, dev_is_name)?,
                Some(i),
            )));
        } else if matches(w, "alias") {
            let v = next(&mut i)?;
            if v.len() >= 256 {
                return Err(invarg("alias too long\n", v));
            }
            s.alias = Some(v.to_string());
        } else if [
            "group",
            "mode",
            "state",
            "protodown",
            "protodown_reason",
            "gso_max_size",
            "gso_max_segs",
            "gro_max_size",
            "parentdev",
        ]
        .contains(&w)
            || matches(w, "numtxqueues")
            || matches(w, "numrxqueues")
            || matches(w, "addrgenmode")
            || matches(w, "link-netns")
            || matches(w, "link-netnsid")
        {
            return Ok(Parsed::Foreign);
        } else {
            if matches(w, "help") {
                return Ok(Parsed::Foreign);
            }
            let v = if w == "dev" { next(&mut i)? } else { w };
            if s.dev.is_some() && !dev_is_name {
                return Err(duparg2("dev", v));
            }
            if bad_altifname(v) {
                return Err(invarg("\"dev\" not a valid ifname", v));
            }
            s.dev = Some(v.to_string());
            dev_is_name = false;
        }
        i += 1;
    }
    Ok(Parsed::Native((finish_spec(s, create, dev_is_name)?, None)))
}

/// The checks at the end of iplink_parse that need no kernel.
fn finish_spec(mut s: LinkSpec, create: bool, dev_is_name: bool) -> Result<LinkSpec, IpUsage> {
    if create {
        if let (Some(n), Some(d)) = (&s.name, &s.dev) {
            if !dev_is_name && n != d {
                return Err(IpUsage::new(
                    "both \"name\" and \"dev\" cannot be used when creating devices.",
                    255,
                ));
            }
        }
        if s.name.is_none() {
            s.name = s.dev.clone();
        }
    } else {
        if s.dev.is_none() {
            return Err(IpUsage::new(
                "Not enough information: \"dev\" argument is required.",
                255,
            ));
        }
        // Not renaming to the same name.
        if dev_is_name || s.name == s.dev {
            s.name = None;
        }
    }
    Ok(s)
}

fn parse_add(words: &[&str]) -> Result<Parsed<LinkCmd>, IpUsage> {
    let (spec, type_at) = match parse_spec(words, true)? {
        Parsed::Native(x) => x,
        Parsed::Foreign => return Ok(Parsed::Foreign),
    };
    let Some(t) = type_at else {
        return Err(IpUsage::new(
            "Not enough information: \"type\" argument is required",
            1,
        ));
    };
    let kind = words[t];
    let args = &words[t + 1..];
    let kind = match kind {
        "bridge" if args.is_empty() => LinkKind::Bridge,
        "bridge" => return Ok(Parsed::Foreign),
        "veth" if args.is_empty() => LinkKind::Veth { peer: None },
        "veth" => {
            if args[0] != "peer" {
                return Ok(Parsed::Foreign);
            }
            match parse_spec(&args[1..], true)? {
                Parsed::Native((peer, None)) => LinkKind::Veth { peer: Some(peer) },
                Parsed::Native((_, Some(t))) => return Err(duparg("type", args[1 + t])),
                Parsed::Foreign => return Ok(Parsed::Foreign),
            }
        }
        "vlan" => match args {
            ["id", n] => match c_integer(n).and_then(|v| u16::try_from(v).ok()) {
                Some(id) => LinkKind::Vlan { id },
                None => return Err(invarg("Invalid \"id\" value\n", n)),
            },
            _ => return Ok(Parsed::Foreign),
        },
        k if args.is_empty() => LinkKind::Plain(k.to_string()),
        _ => return Ok(Parsed::Foreign),
    };
    Ok(Parsed::Native(LinkCmd::Add { spec, kind }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Parsed<LinkCmd>, IpUsage> {
        let w: Vec<&str> = s.split(' ').collect();
        parse(&w)
    }

    #[test]
    fn forms() {
        assert!(matches!(p("sh"), Ok(Parsed::Native(LinkCmd::Show(_)))));
        let Ok(Parsed::Native(LinkCmd::Add { spec, kind })) =
            p("add v1 type veth peer name v2 netns ns1")
        else {
            panic!()
        };
        assert_eq!(spec.name.as_deref(), Some("v1"));
        let LinkKind::Veth { peer: Some(peer) } = kind else {
            panic!()
        };
        assert_eq!(peer.name.as_deref(), Some("v2"));
        assert_eq!(peer.netns.as_deref(), Some("ns1"));
        let Ok(Parsed::Native(LinkCmd::Set(s))) = p("set master br0 dev v1 up") else {
            panic!()
        };
        assert_eq!(s.dev.as_deref(), Some("v1"));
        assert_eq!(s.master, Some(Some("br0".into())));
        assert_eq!(
            p("set dev v1 v2 up").unwrap_err().text,
            "Error: either \"dev\" is duplicate, or \"v2\" is a garbage."
        );
        assert_eq!(
            p("foo").unwrap_err().text,
            "Command \"foo\" is unknown, try \"ip link help\"."
        );
    }
}

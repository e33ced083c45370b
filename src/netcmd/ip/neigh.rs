//! `ip neigh …` argv → [`NeighCmd`] (iproute2 6.1 ip/ipneigh.c:
//! do_ipneigh, ipneigh_modify, do_show_or_flush). Pure: no I/O.
//!
//! Native: add/change/replace/delete with `to ADDR`, `lladdr`, `nud`,
//! `router`, `dev`; show/list with `dev` and `nud`. Everything else (get,
//! flush, proxy entries, other selectors) is [`Parsed::Foreign`].

use std::net::IpAddr;

use pest::Parser;

use super::link::Parsed;
use super::{c_integer, exit255, incomplete, matches, Family, IpParser, IpUsage, Joined, Rule};

// include/uapi/linux/neighbour.h
pub const NUD_INCOMPLETE: u16 = 0x01;
pub const NUD_REACHABLE: u16 = 0x02;
pub const NUD_STALE: u16 = 0x04;
pub const NUD_DELAY: u16 = 0x08;
pub const NUD_PROBE: u16 = 0x10;
pub const NUD_FAILED: u16 = 0x20;
pub const NUD_NOARP: u16 = 0x40;
pub const NUD_PERMANENT: u16 = 0x80;
pub const NTF_ROUTER: u8 = 0x80;
const NLM_F_REPLACE: u16 = 0x100;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;

/// `ip neigh add|change|replace|delete`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighModify {
    pub delete: bool,
    pub flags: u16,
    pub dst: IpAddr,
    pub lladdr: Option<Vec<u8>>,
    pub state: u16,
    pub ntf: u8,
    pub dev: String,
}

/// `ip neigh [show] [dev X] [nud S]…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighShow {
    pub dev: Option<String>,
    /// The states shown (bit 0x100: entries with state 0).
    pub states: u32,
    /// AF_INET / AF_INET6, or 0 for both.
    pub family: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NeighCmd {
    Modify(NeighModify),
    Show(NeighShow),
    /// `ip neigh flush SELECTORS` (the selection of `show`, with flush's
    /// default states).
    Flush(NeighShow),
}

/// nud_state_a2n.
fn nud_state(s: &str) -> Option<u16> {
    Some(if matches(s, "permanent") {
        NUD_PERMANENT
    } else if matches(s, "reachable") {
        NUD_REACHABLE
    } else if s == "noarp" {
        NUD_NOARP
    } else if s == "none" {
        0
    } else if s == "stale" {
        NUD_STALE
    } else if s == "incomplete" {
        NUD_INCOMPLETE
    } else if s == "delay" {
        NUD_DELAY
    } else if s == "probe" {
        NUD_PROBE
    } else if matches(s, "failed") {
        NUD_FAILED
    } else {
        let v = u16::try_from(c_integer(s)?).ok()?;
        if v >= 0x100 || v & v.wrapping_sub(1) != 0 {
            return None;
        }
        v
    })
}

fn family_name(f: u8) -> &'static str {
    match f {
        2 => "inet",
        10 => "inet6",
        _ => "any valid",
    }
}

/// get_addr: an IPv4 or IPv6 address of the preferred family.
fn get_addr(s: &str, family: u8) -> Result<IpAddr, IpUsage> {
    let ok = match s.parse::<IpAddr>() {
        Ok(a) if family == 0 || (a.is_ipv4() == (family == 2)) => Some(a),
        _ => None,
    };
    ok.ok_or_else(|| {
        IpUsage::new(
            format!(
                "Error: {} address is expected rather than \"{s}\".",
                family_name(family)
            ),
            1,
        )
    })
}

/// ll_addr_a2n: hex bytes separated by `:` (or `.`).
fn lladdr(s: &str) -> Option<Vec<u8>> {
    s.split([':', '.'])
        .map(|p| {
            if p.is_empty() || p.len() > 2 {
                None
            } else {
                u8::from_str_radix(p, 16).ok()
            }
        })
        .collect()
}

/// Parse the words after `ip neigh`.
pub fn parse(words: &[&str], family: Family) -> Result<Parsed<NeighCmd>, IpUsage> {
    let fam = match family {
        Family::Inet => 2,
        Family::Inet6 => 10,
        Family::Unspec => 0,
    };
    if words.is_empty() {
        return parse_show(&[], fam, false);
    }
    if words.iter().any(|w| w.contains(super::SEP)) {
        return Ok(Parsed::Foreign);
    }
    let joined = Joined::new(words);
    let cmd = IpParser::parse(Rule::neigh_argv, &joined.text)
        .map_err(|e| exit255(format!("nsh: ip neigh: {e}")))?
        .next()
        .and_then(|p| p.into_inner().next())
        .map(|p| p.as_rule());
    let args = &words[1..];
    let (delete, flags) = match cmd {
        Some(Rule::neigh_add) => (false, NLM_F_CREATE | NLM_F_EXCL),
        Some(Rule::neigh_change) => (false, NLM_F_REPLACE),
        Some(Rule::neigh_replace) => (false, NLM_F_CREATE | NLM_F_REPLACE),
        Some(Rule::neigh_delete) => (true, 0),
        None | Some(Rule::neigh_show) => return parse_show(args, fam, false),
        Some(Rule::neigh_flush) => {
            if args.is_empty() {
                return Err(IpUsage::new("Flush requires arguments.", 1));
            }
            return parse_show(args, fam, true);
        }
        Some(Rule::neigh_get | Rule::neigh_help) => return Ok(Parsed::Foreign),
        Some(_) => {
            return Err(exit255(format!(
                "Command \"{}\" is unknown, try \"ip neigh help\".",
                words[0]
            )))
        }
    };
    let mut m = NeighModify {
        delete,
        flags,
        dst: IpAddr::from([0, 0, 0, 0]),
        lladdr: None,
        state: NUD_PERMANENT,
        ntf: 0,
        dev: String::new(),
    };
    let (mut dst_ok, mut lla): (bool, Option<&str>) = (false, None);
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        let mut next = || {
            i += 1;
            args.get(i).copied().ok_or_else(incomplete)
        };
        if matches(w, "lladdr") {
            let v = next()?;
            if lla.is_some() {
                return Err(exit255(format!(
                    "Error: duplicate \"lladdr\": \"{v}\" is the second value."
                )));
            }
            lla = Some(v);
        } else if w == "nud" {
            let v = next()?;
            m.state = nud_state(v).ok_or_else(|| {
                exit255(format!(
                    "Error: argument \"{v}\" is wrong: nud state is bad"
                ))
            })?;
        } else if w == "router" {
            m.ntf |= NTF_ROUTER;
        } else if w == "dev" {
            m.dev = next()?.to_string();
        } else if matches(w, "proxy")
            || ["use", "managed"].contains(&w)
            || matches(w, "extern_learn")
            || matches(w, "protocol")
        {
            return Ok(Parsed::Foreign);
        } else {
            let mut v = w;
            if v == "to" {
                v = next()?;
            }
            if matches(v, "help") {
                return Ok(Parsed::Foreign);
            }
            if dst_ok {
                return Err(exit255(format!(
                    "Error: either \"to\" is duplicate, or \"{v}\" is a garbage."
                )));
            }
            m.dst = get_addr(v, fam)?;
            dst_ok = true;
        }
        i += 1;
    }
    if m.dev.is_empty() || !dst_ok {
        return Err(exit255("Device and destination are required arguments."));
    }
    if let Some(l) = lla.filter(|l| *l != "null") {
        // ll_addr_a2n's own error text is not reproduced: the real tool.
        match lladdr(l) {
            Some(b) => m.lladdr = Some(b),
            None => return Ok(Parsed::Foreign),
        }
    }
    Ok(Parsed::Native(NeighCmd::Modify(m)))
}

fn parse_show(args: &[&str], fam: u8, flush: bool) -> Result<Parsed<NeighCmd>, IpUsage> {
    let mut show = NeighShow {
        dev: None,
        states: if flush {
            !u32::from(NUD_PERMANENT | NUD_NOARP)
        } else {
            0xFF & !u32::from(NUD_NOARP)
        },
        family: fam,
    };
    let mut given = false;
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        let next = |i: usize| args.get(i + 1).copied().ok_or_else(incomplete);
        if w == "dev" {
            let v = next(i)?;
            if show.dev.is_some() {
                return Err(exit255(format!(
                    "Error: duplicate \"dev\": \"{v}\" is the second value."
                )));
            }
            show.dev = Some(v.to_string());
            i += 2;
        } else if w == "nud" {
            let v = next(i)?;
            if !given {
                given = true;
                show.states = 0;
            }
            let st = match nud_state(v) {
                Some(s) => u32::from(s),
                None if v == "all" && flush => !u32::from(NUD_NOARP),
                None if v == "all" => !0,
                None => {
                    return Err(exit255(format!(
                        "Error: argument \"{v}\" is wrong: nud state is bad"
                    )))
                }
            };
            show.states |= if st == 0 { 0x100 } else { st };
            i += 2;
        } else {
            return Ok(Parsed::Foreign);
        }
    }
    Ok(Parsed::Native(if flush {
        NeighCmd::Flush(show)
    } else {
        NeighCmd::Show(show)
    }))
}

//! `ip address …`: the sub-command (iproute2 6.1 ip/ipaddress.c: do_ipaddr,
//! `grammar/ip.pest` addr rules) and the `show` selectors. Pure: no I/O.

use pest::Parser;

use super::link::Parsed;
use super::{exit255, incomplete, IpParser, IpUsage, Joined, Rule};

/// What the first word asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddrVerb {
    /// list, show, lst, or nothing.
    Show,
    /// flush.
    Flush,
    /// add/change/replace/delete and the rest iproute2 knows.
    Other,
    /// Not an `ip address` command.
    Unknown(String),
}

pub fn classify(words: &[&str]) -> AddrVerb {
    let Some(first) = words.first() else {
        return AddrVerb::Show;
    };
    if first.contains(super::SEP) {
        return AddrVerb::Other;
    }
    let joined = Joined::new(&words[..1]);
    let rule = IpParser::parse(Rule::addr_argv, &joined.text)
        .ok()
        .and_then(|mut p| p.next())
        .and_then(|p| p.into_inner().next())
        .map(|p| p.as_rule());
    match rule {
        Some(Rule::addr_show) => AddrVerb::Show,
        Some(Rule::addr_flush) => AddrVerb::Flush,
        Some(Rule::word) => AddrVerb::Unknown(first.to_string()),
        _ => AddrVerb::Other,
    }
}

/// `ip addr show` selectors: `[dev] X` and `up` natively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddrShow {
    pub dev: Option<String>,
    pub up: bool,
}

/// ipaddr_list_flush_or_save's argument loop for the native selectors;
/// any other selector: the real tool.
pub fn parse_show(args: &[&str]) -> Result<Parsed<AddrShow>, IpUsage> {
    let mut s = AddrShow::default();
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        const FOREIGN: [&str; 20] = [
            "to",
            "scope",
            "dynamic",
            "permanent",
            "tentative",
            "-tentative",
            "deprecated",
            "-deprecated",
            "home",
            "nodad",
            "mngtmpaddr",
            "noprefixroute",
            "autojoin",
            "label",
            "primary",
            "secondary",
            "temporary",
            "master",
            "vrf",
            "type",
        ];
        if w == "up" {
            s.up = true;
        } else if FOREIGN.contains(&w) || w == "nomaster" || w == "dadfailed" || w == "-dadfailed" {
            return Ok(Parsed::Foreign);
        } else {
            let d = if w == "dev" {
                i += 1;
                *args.get(i).ok_or_else(incomplete)?
            } else {
                w
            };
            if s.dev.is_some() {
                return Err(exit255(format!(
                    "Error: either \"dev\" is duplicate, or \"{d}\" is a garbage."
                )));
            }
            s.dev = Some(d.to_string());
        }
        i += 1;
    }
    Ok(Parsed::Native(s))
}

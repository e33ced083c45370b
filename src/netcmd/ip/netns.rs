//! `ip netns …` argv → [`NetnsCmd`] (iproute2 6.1 ip/ipnetns.c: do_netns
//! and the argument checks of each command). Pure: no I/O.
//!
//! The sub-command word is classified by `grammar/ip.pest` (`netns_argv`,
//! iproute2's prefix matching in do_netns's order); the arguments are
//! checked here with iproute2's messages and exit statuses (a command that
//! returns -1 exits 1; `exit(-1)` is 255).

use pest::Parser;

use super::link::Parsed;
use super::{c_integer, exit255, IpParser, IpUsage, Joined, Rule};

/// What `ip netns …` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetnsCmd {
    /// `ip netns [list|show|lst]`.
    List,
    /// `ip netns list-id` (no filters).
    ListId,
    /// `ip netns add NAME`.
    Add(String),
    /// `ip netns attach NAME PID`.
    Attach(String, i32),
    /// `ip netns set NAME NSID|auto` (`-1`: auto).
    Set(String, i32),
    /// `ip netns del NAME`; `None` with `-all`: every namespace.
    Delete(Option<String>),
    /// `ip netns identify [PID]` (`"self"` without one).
    Identify(String),
    /// `ip netns pids NAME`.
    Pids(String),
    /// `ip netns exec NAME CMD…`: `rest` indexes NAME in the words.
    Exec,
}

fn fail(text: impl Into<String>) -> IpUsage {
    IpUsage::new(text, 1)
}

/// iproute2 is_pid: all digits.
fn is_pid(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// get_integer: C `strtol(s, &end, 0)` over all of `s`, fitting an int.
fn get_integer(s: &str) -> Option<i32> {
    c_integer(s).and_then(|v| i32::try_from(v).ok())
}

/// Parse the words after `ip netns`; `all`: the `-all` option.
pub fn parse(words: &[&str], all: bool) -> Result<Parsed<NetnsCmd>, IpUsage> {
    if words.is_empty() {
        return Ok(Parsed::Native(NetnsCmd::List));
    }
    if words.iter().any(|w| w.contains(super::SEP)) {
        return Ok(Parsed::Foreign);
    }
    if !all && words.len() > 1 && crate::backend::netns_admin::invalid_name(words[1]) {
        return Err(exit255(format!("Invalid netns name \"{}\"", words[1])));
    }
    let joined = Joined::new(words);
    let cmd = IpParser::parse(Rule::netns_argv, &joined.text)
        .map_err(|e| exit255(format!("nsh: ip netns: {e}")))?
        .next()
        .and_then(|p| p.into_inner().next())
        .map(|p| p.as_rule());
    let args = &words[1..];
    let name = || args.first().map(|s| s.to_string());
    let no_name = || fail("No netns name specified");
    Ok(Parsed::Native(match cmd {
        None | Some(Rule::netns_list) => NetnsCmd::List,
        Some(Rule::netns_list_id) if args.is_empty() => NetnsCmd::ListId,
        // Filters of list-id, help, monitor: the real tool.
        Some(Rule::netns_list_id | Rule::netns_help | Rule::netns_monitor) => {
            return Ok(Parsed::Foreign)
        }
        Some(Rule::netns_add) => NetnsCmd::Add(name().ok_or_else(no_name)?),
        Some(Rule::netns_attach) => {
            if args.len() < 2 {
                return Err(fail("No netns name and PID specified"));
            }
            match get_integer(args[1]) {
                Some(pid) if pid != 0 => NetnsCmd::Attach(args[0].to_string(), pid),
                _ => return Err(fail(format!("Invalid PID: {}", args[1]))),
            }
        }
        Some(Rule::netns_set) => {
            let n = name().ok_or_else(no_name)?;
            let Some(v) = args.get(1) else {
                return Err(fail("No nsid specified"));
            };
            let nsid = if *v == "auto" {
                -1
            } else {
                match get_integer(v) {
                    None => {
                        return Err(exit255(format!(
                            "Error: argument \"{v}\" is wrong: Invalid \"netnsid\" value"
                        )))
                    }
                    Some(i) if i < 0 => {
                        return Err(exit255(format!(
                            "Error: argument \"{v}\" is wrong: \"netnsid\" value should be >= 0"
                        )))
                    }
                    Some(i) => i,
                }
            };
            NetnsCmd::Set(n, nsid)
        }
        Some(Rule::netns_delete) => match name() {
            Some(n) if !all => NetnsCmd::Delete(Some(n)),
            _ if all => NetnsCmd::Delete(None),
            _ => return Err(no_name()),
        },
        Some(Rule::netns_identify) => match args {
            [] => NetnsCmd::Identify("self".into()),
            [p] if is_pid(p) => NetnsCmd::Identify(p.to_string()),
            [p] => {
                return Err(fail(format!("Specified string '{p}' is not a pid")));
            }
            _ => return Err(fail("extra arguments specified")),
        },
        Some(Rule::netns_pids) => match args {
            [] => return Err(no_name()),
            [n] => NetnsCmd::Pids(n.to_string()),
            _ => return Err(fail("extra arguments specified")),
        },
        Some(Rule::netns_exec) => NetnsCmd::Exec,
        Some(_) => {
            return Err(exit255(format!(
                "Command \"{}\" is unknown, try \"ip netns help\".",
                words[0]
            )))
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(w: &[&str]) -> Result<Parsed<NetnsCmd>, String> {
        parse(w, false).map_err(|e| e.text)
    }

    #[test]
    fn abbreviations_in_do_netns_order() {
        let n = |c: NetnsCmd| Ok::<_, String>(Parsed::Native(c));
        assert_eq!(p(&["s"]), n(NetnsCmd::List));
        assert_eq!(p(&["ls"]), n(NetnsCmd::List));
        assert_eq!(p(&["lst"]), n(NetnsCmd::List));
        assert_eq!(p(&["list-id"]), n(NetnsCmd::ListId));
        assert_eq!(p(&["a", "x"]), n(NetnsCmd::Add("x".into())));
        assert_eq!(p(&["at", "x", "1"]), n(NetnsCmd::Attach("x".into(), 1)));
        assert_eq!(p(&["se", "x", "auto"]), n(NetnsCmd::Set("x".into(), -1)));
        assert_eq!(p(&["d", "x"]), n(NetnsCmd::Delete(Some("x".into()))));
        assert_eq!(p(&["i"]), n(NetnsCmd::Identify("self".into())));
        assert_eq!(p(&["p", "x"]), n(NetnsCmd::Pids("x".into())));
        assert_eq!(p(&["e", "x", "ls"]), n(NetnsCmd::Exec));
        assert_eq!(p(&["h"]), Ok(Parsed::Foreign));
    }

    #[test]
    fn errors_with_iproute2_statuses() {
        let e = |w: &[&str]| parse(w, false).map(|_| ()).unwrap_err();
        assert_eq!(e(&["foo"]).status, 255);
        assert_eq!(e(&["add", "a/b"]).text, "Invalid netns name \"a/b\"");
        assert_eq!(e(&["add"]).status, 1);
        assert_eq!(e(&["set", "a", "-3"]).status, 255);
        assert_eq!(e(&["attach", "q", "0"]).text, "Invalid PID: 0");
    }
}

//! `ip` argv → typed request (iproute2 6.1): global options, object, and
//! (in [`link`]) the `ip link` commands.
//!
//! The words are joined with U+001F and parsed by `grammar/ip.pest`, which
//! classifies options, objects and keywords with iproute2's abbreviation
//! rules (`matches()`: a word selects the first keyword of the table that it
//! is a prefix of). Word offsets map parse positions back to the words.
//! Pure: no I/O; errors carry iproute2's own wording and exit status.

pub mod addr;
pub mod link;
pub mod neigh;
pub mod netns;
pub mod route;

use pest::iterators::Pair;
use pest::Parser;

use crate::backend::netns::NetnsRef;
use crate::span::Span;

/// The pest parser of `grammar/ip.pest`; other `ip` grammars may be added
/// with further `#[grammar]` attributes.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/ip.pest"]
pub(crate) struct IpParser;

/// Separator between words in the joined argv the grammar parses.
pub(crate) const SEP: char = '\u{1f}';

/// Address family selected by `-4`, `-6` or `-family`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Unspec,
    Inet,
    Inet6,
}

/// The global options of `ip` (ip/ip.c: main), parsed.
#[derive(Clone, Debug, Default)]
pub struct IpGlobal {
    /// `-n NS` / `-netns NS`: act in that namespace.
    pub netns: Option<NetnsRef>,
    /// `-4`, `-6`.
    pub family: Family,
    /// `-s`, counted (`-s -s`).
    pub stats: u32,
    /// `-d`, counted.
    pub details: u32,
    /// `-o`.
    pub oneline: bool,
    /// `-j`.
    pub json: bool,
    /// `-p` (with `-j`).
    pub pretty: bool,
    /// `-br`.
    pub brief: bool,
    /// `-all` (`ip -all netns exec`).
    pub all: bool,
}

/// The object an `ip` command names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpObject {
    Link,
    Address,
    Route,
    Neigh,
    Netns,
}

/// `ip [OPTIONS] OBJECT ARGS…` after the options and object are read.
#[derive(Debug)]
pub enum IpInvocation {
    /// A native object; `rest` indexes the first word after the object.
    Native {
        global: IpGlobal,
        object: IpObject,
        rest: usize,
    },
    /// Valid for iproute2 but not native here (other objects, options).
    Foreign,
}

/// A usage error of `ip` as iproute2 reports it: text for stderr (without
/// the trailing newline) and exit status.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{text}")]
#[diagnostic(code(nsh::ip::usage))]
pub struct IpUsage {
    pub text: String,
    pub status: i32,
    /// The word the error is about, if any.
    #[label]
    pub span: Option<Span>,
}

impl IpUsage {
    pub fn new(text: impl Into<String>, status: i32) -> Self {
        Self {
            text: text.into(),
            status,
            span: None,
        }
    }
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }
}

/// Words joined for the grammar, with the start offset of each word.
pub(crate) struct Joined {
    pub text: String,
    pub starts: Vec<usize>,
}

impl Joined {
    pub fn new<S: AsRef<str>>(words: &[S]) -> Self {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                text.push(SEP);
            }
            starts.push(text.len());
            text.push_str(w.as_ref());
        }
        Self { text, starts }
    }
    /// Index of the word a parse position lies in.
    pub fn word_at(&self, pos: usize) -> usize {
        match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

/// Read the global options and the object (ip/ip.c: main, do_cmd).
pub fn parse_invocation<S: AsRef<str>>(words: &[S]) -> Result<IpInvocation, IpUsage> {
    if words.iter().any(|w| w.as_ref().contains(SEP)) {
        return Ok(IpInvocation::Foreign);
    }
    let joined = Joined::new(words);
    let mut pairs = IpParser::parse(Rule::ip_argv, &joined.text)
        .map_err(|e| IpUsage::new(format!("nsh: ip: cannot parse arguments: {e}"), 255))?;
    let top = pairs
        .next()
        .ok_or_else(|| IpUsage::new("nsh: ip: empty parse", 255))?;
    let mut g = IpGlobal::default();
    let mut want_netns = false;
    let mut object: Option<(Pair<Rule>, usize)> = None;
    for p in top.into_inner() {
        let idx = joined.word_at(p.as_span().start());
        let w = p.as_str();
        match p.as_rule() {
            Rule::opt_4 => g.family = Family::Inet,
            Rule::opt_6 => g.family = Family::Inet6,
            Rule::opt_stats => g.stats += 1,
            Rule::opt_details => g.details += 1,
            Rule::opt_oneline => g.oneline = true,
            Rule::opt_color => {}
            Rule::opt_netns => match p.into_inner().next() {
                // `-n NS` takes whatever the next word is.
                Some(ns) => g.netns = Some(netns_ref(ns.as_str())),
                None => want_netns = true,
            },
            Rule::opt_all => g.all = true,
            Rule::opt_json => g.json = true,
            Rule::opt_pretty => g.pretty = true,
            Rule::opt_brief => g.brief = true,
            Rule::opt_family | Rule::opt_foreign => return Ok(IpInvocation::Foreign),
            Rule::opt_unknown => {
                let opt = w
                    .strip_prefix('-')
                    .filter(|r| r.starts_with('-'))
                    .unwrap_or(w);
                return Err(IpUsage::new(
                    format!("Option \"{opt}\" is unknown, try \"ip -help\"."),
                    255,
                ));
            }
            Rule::opt_end => {}
            Rule::object_part => {
                object = p.into_inner().next().map(|o| (o, idx));
                break;
            }
            _ => {}
        }
    }
    if want_netns {
        // iproute2: NEXT_ARG() fails → usage(), exit 255.
        return Ok(IpInvocation::Foreign);
    }
    let Some((obj, idx)) = object else {
        // No object: iproute2 prints its usage (exit 255).
        return Ok(IpInvocation::Foreign);
    };
    let object = match obj.as_rule() {
        Rule::obj_address => IpObject::Address,
        Rule::obj_route => IpObject::Route,
        Rule::obj_neigh => IpObject::Neigh,
        Rule::obj_link => IpObject::Link,
        Rule::obj_netns => IpObject::Netns,
        _ => {
            let w = obj.as_str();
            if !w.is_empty() && OTHER_OBJECTS.iter().any(|o| o.starts_with(w)) {
                return Ok(IpInvocation::Foreign);
            }
            return Err(IpUsage::new(
                format!("Object \"{w}\" is unknown, try \"ip help\"."),
                1,
            ));
        }
    };
    Ok(IpInvocation::Native {
        global: g,
        object,
        rest: idx + 1,
    })
}

/// iproute2 6.1 objects (ip/ip.c `cmds[]`) that are not native here.
const OTHER_OBJECTS: &[&str] = &[
    "addrlabel",
    "maddress",
    "rule",
    "ntable",
    "ntbl",
    "l2tp",
    "fou",
    "ila",
    "macsec",
    "tunnel",
    "tunl",
    "tuntap",
    "tap",
    "token",
    "tcpmetrics",
    "tcp_metrics",
    "monitor",
    "xfrm",
    "mroute",
    "mrule",
    "netconf",
    "vrf",
    "sr",
    "nexthop",
    "mptcp",
    "ioam",
    "stats",
    "help",
];

/// `-n NAME`: iproute2 6.1 (lib/namespace.c: netns_switch) opens
/// `/run/netns/NAME` whatever NAME is (even with a '/').
fn netns_ref(s: &str) -> NetnsRef {
    NetnsRef::Name(s.to_string())
}

/// iproute2 `matches(word, keyword)`: `word` is a non-empty prefix.
pub fn matches(word: &str, keyword: &str) -> bool {
    !word.is_empty() && keyword.starts_with(word)
}

/// An iproute2 usage error: the text and `exit(-1)` (status 255).
pub(crate) fn exit255(text: impl Into<String>) -> IpUsage {
    IpUsage::new(text, 255)
}

/// iproute2 NEXT_ARG at the end of the words.
pub(crate) fn incomplete() -> IpUsage {
    exit255("Command line is not complete. Try option \"help\"")
}

/// iproute2 invarg: `Error: argument "X" is wrong: MSG` (exit 255). MSG keeps
/// iproute2's own trailing "\n" where it has one.
pub fn invarg(msg: &str, arg: &str) -> IpUsage {
    exit255(format!("Error: argument \"{arg}\" is wrong: {msg}"))
}

/// C `strtol(s, &end, 0)` consuming all of `s`, as get_integer/get_unsigned.
pub(crate) fn c_integer(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (radix, digits) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, h)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, &t[1..])
    } else {
        (10, t)
    };
    if digits.is_empty() {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(args: &[&str]) -> Option<IpObject> {
        match parse_invocation(args) {
            Ok(IpInvocation::Native { object, .. }) => Some(object),
            _ => None,
        }
    }

    #[test]
    fn abbreviations() {
        assert_eq!(obj(&["a"]), Some(IpObject::Address));
        assert_eq!(obj(&["l"]), Some(IpObject::Link));
        assert_eq!(obj(&["r"]), Some(IpObject::Route));
        assert_eq!(obj(&["n"]), Some(IpObject::Neigh));
        assert_eq!(obj(&["neighbour"]), Some(IpObject::Neigh));
        assert_eq!(obj(&["neighbor"]), Some(IpObject::Neigh));
        assert_eq!(obj(&["net"]), Some(IpObject::Netns));
        assert_eq!(obj(&["-n", "x", "lin"]), Some(IpObject::Link));
        assert_eq!(obj(&["--", "link"]), Some(IpObject::Link));
        assert_eq!(obj(&["x"]), None);
    }

    #[test]
    fn options() {
        let Ok(IpInvocation::Native { global, rest, .. }) = parse_invocation(&[
            "-j", "-p", "-br", "-d", "-s", "-s", "-n", "ns1", "l", "show",
        ]) else {
            panic!("not parsed")
        };
        assert!(global.json && global.pretty && global.brief);
        assert_eq!(global.details, 1);
        assert_eq!(global.stats, 2);
        assert_eq!(global.netns, Some(NetnsRef::Name("ns1".into())));
        assert_eq!(rest, 9);
        let e = parse_invocation(&["-jx", "l"]).unwrap_err();
        assert_eq!(e.text, "Option \"-jx\" is unknown, try \"ip -help\".");
        let e = parse_invocation(&["zz"]).unwrap_err();
        assert_eq!(e.text, "Object \"zz\" is unknown, try \"ip help\".");
    }
}

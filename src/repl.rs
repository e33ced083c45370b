//! The interactive loop (issue 7): a rustyline editor with persistent
//! history, continuation lines for unfinished input, miette syntax errors,
//! completion of commands, `ip`/`iptables`/`sysctl` words, devices and
//! namespaces, hints from history, and a `help` command.
//!
//! Signals: while a line is edited the terminal is in raw mode (Ctrl-C is a
//! key that cancels the line). While a command runs, nsh catches SIGINT and
//! SIGQUIT with a handler that only records them, so the foreground child
//! (which execs, and so gets the default action back) dies and nsh does
//! not. Forked subshells that do not exec get the default action back from
//! a `pthread_atfork` child hook.

use std::borrow::Cow;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use crate::backend::netns::{run_in, NetnsRef, NETNS_RUN_DIR};
use crate::interp::{Ctl, Shell, Source};

/// Read commands from the terminal and run them; the status to exit with.
pub fn run(sh: &mut Shell) -> i32 {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .max_history_size(10_000)
        .and_then(|c| c.history_ignore_dups(true))
        .map(|c| c.build());
    let editor = config.and_then(Editor::<NshHelper, FileHistory>::with_config);
    let mut rl = match editor {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("nsh: cannot start the line editor: {e}");
            let st = sh.status;
            return sh.exit_shell(st);
        }
    };
    rl.set_helper(Some(NshHelper::new()));
    let hist = history_path();
    if let Some(p) = &hist {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = rl.load_history(p);
    }
    install_signals();
    sh.interrupted = Some(|| INTERRUPTED.load(Ordering::SeqCst));
    // bash: interactive shells may trap signals ignored on entry.
    sh.ignored_on_entry.clear();
    // The namespace nsh was started in (`ip netns exec NS nsh`).
    let started_in = current_netns_name();
    let mut buf = String::new();
    loop {
        let base_prompt = prompt(sh, started_in.as_deref());
        if let Some(h) = rl.helper_mut() {
            h.funcs = sh.funcs.keys().cloned().collect();
            h.netns = sh.ctx.netns.clone();
        }
        let p = if buf.is_empty() {
            base_prompt.as_str()
        } else {
            "> "
        };
        match rl.readline(p) {
            Ok(line) => {
                buf.push_str(&line);
                buf.push('\n');
            }
            Err(ReadlineError::Interrupted) => {
                // Ctrl-C: drop the line (and any continuation), as bash.
                buf.clear();
                sh.status = 130;
                continue;
            }
            Err(ReadlineError::Eof) => {
                if buf.is_empty() {
                    break;
                }
                eprintln!("nsh: syntax error: unexpected end of file");
                buf.clear();
                sh.status = 2;
                continue;
            }
            Err(e) => {
                eprintln!("nsh: {e}");
                break;
            }
        }
        if crate::syntax::needs_more_input(&buf) {
            continue;
        }
        let text = std::mem::take(&mut buf);
        let entry = text.trim_end_matches('\n');
        if !entry.trim().is_empty() {
            let _ = rl.add_history_entry(entry);
            if let Some(p) = &hist {
                let _ = rl.append_history(p);
            }
        }
        if let Some(out) = help_command(entry) {
            print!("{out}");
            sh.status = if out.starts_with("nsh: help:") { 1 } else { 0 };
            continue;
        }
        sh.note_text(&text);
        let list = match crate::syntax::parse(&text) {
            Ok(l) => l,
            Err(e) => {
                show_syntax_error(&text, e);
                sh.status = 2;
                continue;
            }
        };
        let src = Rc::new(Source::parsed("nsh", &text));
        INTERRUPTED.store(false, Ordering::SeqCst);
        let r = sh.run_interactive(&list, src);
        if INTERRUPTED.swap(false, Ordering::SeqCst) {
            // The terminal echoed ^C; start the prompt on a fresh line.
            eprintln!();
        }
        if let Err(Ctl::Exit(s)) = r {
            save_history(&mut rl, hist.as_ref());
            return sh.exit_shell(s);
        }
    }
    save_history(&mut rl, hist.as_ref());
    eprintln!("exit");
    let st = sh.status;
    sh.exit_shell(st)
}

fn save_history(rl: &mut Editor<NshHelper, FileHistory>, hist: Option<&PathBuf>) {
    if let Some(p) = hist {
        let _ = rl.append_history(p);
    }
}

/// `$XDG_STATE_HOME/nsh/history`, else `~/.nsh_history`.
fn history_path() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("nsh").join("history"));
    }
    let home = std::env::var_os("HOME").filter(|d| !d.is_empty())?;
    Some(PathBuf::from(home).join(".nsh_history"))
}

/// `nsh# ` for root, `nsh$ ` otherwise; `nsh[NS]# ` inside a namespace
/// entered with `netns enter NS`, or when nsh runs inside a named namespace
/// (`ip netns exec NS nsh`: `started_in`).
fn prompt(sh: &Shell, started_in: Option<&str>) -> String {
    let sigil = if nix::unistd::geteuid().is_root() {
        '#'
    } else {
        '$'
    };
    let entered = sh.ctx.netns.as_ref().map(|n| n.display_name());
    match entered.as_deref().or(started_in) {
        Some(ns) => format!("nsh[{ns}]{sigil} "),
        None => format!("nsh{sigil} "),
    }
}

/// The name under /run/netns of the namespace this process is in, if any.
fn current_netns_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata("/proc/self/ns/net").ok()?;
    std::fs::read_dir(NETNS_RUN_DIR)
        .ok()?
        .flatten()
        .find(|e| {
            std::fs::metadata(e.path())
                .map(|m| m.dev() == me.dev() && m.ino() == me.ino())
                .unwrap_or(false)
        })
        .and_then(|e| e.file_name().into_string().ok())
}

/// The parser's miette diagnostic (its first line is bash's message).
fn show_syntax_error(text: &str, e: crate::syntax::SyntaxError) {
    let tty = nix::unistd::isatty(std::io::stderr()).unwrap_or(false);
    let report =
        miette::Report::new(e).with_source_code(miette::NamedSource::new("nsh", text.to_string()));
    let handler = if tty {
        miette::GraphicalReportHandler::new()
    } else {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::none())
    };
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_ok() {
        eprint!("{out}");
    }
}

// ---- signals ----------------------------------------------------------------

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

const CAUGHT: [libc::c_int; 2] = [libc::SIGINT, libc::SIGQUIT];

/// Catch SIGINT/SIGQUIT (record only) and undo that in forked children.
fn install_signals() {
    for sig in CAUGHT {
        // SAFETY: the handler only stores to an atomic (async-signal-safe);
        // no SA_RESTART, so a blocking wait sees EINTR and retries.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_interrupt as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    // SAFETY: registers a child hook that only calls sigaction
    // (async-signal-safe, allowed after fork).
    unsafe {
        libc::pthread_atfork(None, None, Some(reset_in_child));
    }
}

/// In a forked child: our recording handler becomes the default action
/// again (a trap set by the user is left to the interpreter).
extern "C" fn reset_in_child() {
    for sig in CAUGHT {
        // SAFETY: sigaction only reads/writes the given structs.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(sig, std::ptr::null(), &mut old);
            if old.sa_sigaction == on_interrupt as *const () as libc::sighandler_t {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = libc::SIG_DFL;
                libc::sigemptyset(&mut sa.sa_mask);
                libc::sigaction(sig, &sa, std::ptr::null_mut());
            }
        }
    }
}

// ---- help -------------------------------------------------------------------

const HELP: &str = "\
nsh runs these commands natively (in-process, over netlink and syscalls);
forms not (yet) native run the real tool, with the same output:
  ip link      add | set | delete | show      (help ip link)
  ip address   add | del | show | flush
  ip route     add | del | show | get
  ip neigh     add | del | show
  ip netns exec NS CMD...   natives in-process inside NS, programs started in NS
  ip -n NS ...              an ip command inside namespace NS
  iptables, iptables-save, iptables-restore   (nf_tables, as iptables-nft 1.8.9)
  sysctl [-n] [-w] KEY[=VALUE] | -a | -p FILE
  ping [-c N] [-i S] [-W S] [-q] ADDRESS      (IPv4)
  brctl addbr | delbr | addif | delif | show
Everything else runs as in bash. `help ip link` (address, route, neigh,
netns, iptables, sysctl, ping) shows the accepted syntax.
";

/// The REPL's `help` command: `Some(text)` when `line` is `help [TOPIC…]`.
fn help_command(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.first() != Some(&"help") || line.contains([';', '|', '&', '>', '<', '$', '`']) {
        return None;
    }
    let topic: Vec<&str> = words[1..]
        .iter()
        .copied()
        .filter(|w| *w != "ip" || words.len() == 2)
        .collect();
    let text = match topic.as_slice() {
        [] => HELP,
        [t] => match resolve(IP_OBJECTS, t).unwrap_or(t) {
            "link" => HELP_LINK,
            "address" => HELP_ADDR,
            "route" => HELP_ROUTE,
            "neighbor" | "neighbour" => HELP_NEIGH,
            "netns" => HELP_NETNS,
            "ip" => HELP_IP,
            _ => match *t {
                "iptables" | "iptables-save" | "iptables-restore" => HELP_IPTABLES,
                "sysctl" => HELP_SYSCTL,
                "ping" => HELP_PING,
                _ => return Some(format!("nsh: help: no help topics match `{t}'.\n")),
            },
        },
        _ => {
            return Some(format!(
                "nsh: help: no help topics match `{}'.\n",
                topic.join(" ")
            ))
        }
    };
    Some(text.to_string())
}

const HELP_IP: &str = "\
Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
OBJECT := { link | address | route | neigh | netns }
OPTIONS := { -4 | -6 | -d[etails] | -s[tatistics] | -j[son] | -p[retty] |
             -br[ief] | -o[neline] | -n[etns] NAME }
Objects and commands may be abbreviated (ip l s = ip link show).
";

const HELP_LINK: &str = "\
ip link add [ name ] NAME [ address LLADDR ] [ mtu MTU ] [ master DEV ]
            [ netns NS ] [ up ] type TYPE [ ARGS ]
    TYPE := { veth peer name NAME [ netns NS ] | bridge | vlan id ID link DEV |
              macvlan link DEV | ipvlan link DEV }
ip link set { [ dev ] DEV } [ up | down ] [ name NEWNAME ] [ mtu MTU ]
            [ address LLADDR ] [ master DEV | nomaster ] [ netns NS ]
            [ alias NAME ] [ txqueuelen N ] [ promisc on|off ] [ arp on|off ]
ip link delete { [ dev ] DEV } [ type TYPE ]
ip [ -d ] [ -s ] [ -br ] [ -o ] [ -j ] link show [ [ dev ] DEV ] [ up ]
            [ master DEV ] [ type TYPE ]
";

const HELP_ADDR: &str = "\
ip address { add | del } IFADDR dev DEV [ broadcast ADDR | + ] [ label LABEL ]
           [ scope { host | link | global } ] [ noprefixroute ]
    IFADDR := PREFIX [ peer PREFIX ]
ip address { show | flush } [ dev DEV ] [ scope SCOPE ] [ up ] [ label PATTERN ]
";

const HELP_ROUTE: &str = "\
ip route { add | del | replace } ROUTE
    ROUTE := { default | PREFIX } [ via ADDR ] [ dev DEV ] [ src ADDR ]
             [ table TABLE ] [ metric N ] [ proto PROTO ] [ scope SCOPE ]
ip route show [ table TABLE ] [ dev DEV ] [ PREFIX ]
ip route get ADDR [ from ADDR ] [ iif DEV ] [ oif DEV ]
";

const HELP_NEIGH: &str = "\
ip neigh { add | del | replace } ADDR [ lladdr LLADDR ] dev DEV
         [ nud { permanent | noarp | stale | reachable } ]
ip neigh { show | flush } [ dev DEV ] [ to PREFIX ] [ nud STATE ]
";

const HELP_NETNS: &str = "\
ip netns exec NAME CMD [ ARGS... ]   run CMD inside namespace NAME
    (native commands run in-process in NAME; programs are started in it)
ip -all netns exec CMD [ ARGS... ]   run CMD in every namespace
ip -n NAME OBJECT ...                 an ip command inside NAME
ip netns [ list ] | list-id | add NAME | attach NAME PID | set NAME NSID
ip netns { delete NAME | identify [ PID ] | pids NAME }
netns enter NAME | netns leave | netns
    (nsh builtin: later commands run inside NAME until leave; the prompt
     shows nsh[NAME]#)
";

const HELP_IPTABLES: &str = "\
iptables [ -t TABLE ] { -A | -C | -D } CHAIN RULE
iptables [ -t TABLE ] -I CHAIN [ N ] RULE | -R CHAIN N RULE | -D CHAIN N
iptables [ -t TABLE ] { -L | -S } [ CHAIN ] [ -v ] [ -n ] [ --line-numbers ]
iptables [ -t TABLE ] { -F | -Z | -X } [ CHAIN ] | -N CHAIN | -E OLD NEW
iptables [ -t TABLE ] -P CHAIN { ACCEPT | DROP }
    RULE := [ -p PROTO ] [ -s ADDR ] [ -d ADDR ] [ -i DEV ] [ -o DEV ]
            [ -m MATCH [ OPTIONS ] ]... -j TARGET [ OPTIONS ]
    TABLE := filter | nat | mangle | raw
iptables-save [ -t TABLE ] [ -c ]   iptables-restore [ --noflush ] [ FILE ]
";

const HELP_SYSCTL: &str = "\
sysctl [ -n ] [ -e ] [ -q ] KEY...           read
sysctl [ -q ] -w KEY=VALUE...                 write
sysctl -a | -p [ FILE ] | --system
    KEY := dotted path under /proc/sys (net.ipv4.ip_forward)
";

const HELP_PING: &str = "\
ping [ -c COUNT ] [ -i INTERVAL ] [ -W TIMEOUT ] [ -w DEADLINE ] [ -q ]
     [ -I DEV ] [ -s SIZE ] [ -t TTL ] ADDRESS      (IPv4, in-process)
";

// ---- completion -------------------------------------------------------------

/// iproute2's objects, in its lookup order (abbreviations take the first).
const IP_OBJECTS: &[&str] = &[
    "address",
    "addrlabel",
    "maddress",
    "route",
    "rule",
    "neighbor",
    "neighbour",
    "ntable",
    "link",
    "l2tp",
    "fou",
    "tunnel",
    "tuntap",
    "monitor",
    "xfrm",
    "mroute",
    "netns",
    "netconf",
    "vrf",
    "nexthop",
    "help",
];
/// The objects offered by completion.
const IP_OBJECTS_SHOWN: &[&str] = &["link", "address", "route", "neigh", "netns", "rule"];
const IP_OPTIONS: &[&str] = &[
    "-4", "-6", "-n", "-netns", "-d", "-details", "-s", "-stats", "-j", "-json", "-p", "-pretty",
    "-br", "-brief", "-o", "-oneline", "-c", "-color", "-a", "-all", "-force", "-batch",
];
const LINK_CMDS: &[&str] = &["add", "delete", "set", "show", "list", "change", "help"];
const ADDR_CMDS: &[&str] = &[
    "add", "change", "replace", "delete", "del", "show", "list", "flush", "help",
];
const ROUTE_CMDS: &[&str] = &[
    "add", "change", "replace", "delete", "del", "show", "list", "flush", "get", "append", "help",
];
const NEIGH_CMDS: &[&str] = &[
    "add", "change", "replace", "delete", "del", "show", "list", "flush", "get", "help",
];
const NETNS_CMDS: &[&str] = &[
    "add", "attach", "delete", "del", "exec", "identify", "list", "list-id", "monitor", "pids",
    "set", "help",
];
const RULE_CMDS: &[&str] = &["add", "delete", "del", "show", "list", "flush", "help"];

const LINK_KEYS: &[&str] = &[
    "dev",
    "name",
    "type",
    "link",
    "mtu",
    "address",
    "broadcast",
    "txqueuelen",
    "netns",
    "up",
    "down",
    "master",
    "nomaster",
    "alias",
    "peer",
    "group",
    "arp",
    "multicast",
    "promisc",
    "allmulticast",
    "numtxqueues",
    "numrxqueues",
];
const ADDR_KEYS: &[&str] = &[
    "dev",
    "local",
    "peer",
    "broadcast",
    "label",
    "scope",
    "valid_lft",
    "preferred_lft",
    "noprefixroute",
    "up",
    "to",
    "permanent",
    "dynamic",
];
const ROUTE_KEYS: &[&str] = &[
    "to", "via", "dev", "src", "table", "metric", "proto", "scope", "default", "onlink", "mtu",
    "from", "iif", "oif",
];
const NEIGH_KEYS: &[&str] = &["to", "dev", "lladdr", "nud", "proxy", "router"];
const RULE_KEYS: &[&str] = &[
    "from", "to", "iif", "oif", "fwmark", "table", "lookup", "priority", "pref",
];
const LINK_TYPES: &[&str] = &[
    "veth",
    "bridge",
    "vlan",
    "macvlan",
    "macvtap",
    "ipvlan",
    "vxlan",
    "dummy",
    "bond",
    "ifb",
    "vrf",
    "geneve",
    "gre",
    "gretap",
    "ipip",
    "sit",
    "tun",
    "tap",
    "wireguard",
];

const IPT_OPTIONS: &[&str] = &[
    "-A",
    "-C",
    "-D",
    "-I",
    "-R",
    "-L",
    "-S",
    "-F",
    "-Z",
    "-N",
    "-X",
    "-P",
    "-E",
    "-t",
    "-p",
    "-s",
    "-d",
    "-i",
    "-o",
    "-j",
    "-g",
    "-m",
    "-v",
    "-n",
    "-x",
    "-w",
    "--append",
    "--check",
    "--delete",
    "--insert",
    "--replace",
    "--list",
    "--list-rules",
    "--flush",
    "--zero",
    "--new-chain",
    "--delete-chain",
    "--policy",
    "--rename-chain",
    "--table",
    "--protocol",
    "--source",
    "--destination",
    "--in-interface",
    "--out-interface",
    "--jump",
    "--goto",
    "--match",
    "--verbose",
    "--numeric",
    "--exact",
    "--line-numbers",
    "--wait",
    "--dport",
    "--sport",
    "--dports",
    "--sports",
    "--state",
    "--ctstate",
    "--to-destination",
    "--to-source",
    "--to-ports",
    "--reject-with",
    "--log-prefix",
    "--log-level",
    "--icmp-type",
    "--comment",
    "--tcp-flags",
    "--syn",
    "--set-mark",
    "--mark",
    "--limit",
    "--limit-burst",
    "--mac-source",
    "--src-range",
    "--dst-range",
    "--physdev-in",
    "--physdev-out",
];
const IPT_TABLES: &[&str] = &["filter", "nat", "mangle", "raw", "security"];
const IPT_TARGETS: &[&str] = &[
    "ACCEPT",
    "DROP",
    "RETURN",
    "REJECT",
    "LOG",
    "MASQUERADE",
    "SNAT",
    "DNAT",
    "REDIRECT",
    "MARK",
    "CONNMARK",
    "TCPMSS",
    "NOTRACK",
    "CT",
];
const IPT_MATCHES: &[&str] = &[
    "tcp",
    "udp",
    "icmp",
    "state",
    "conntrack",
    "comment",
    "multiport",
    "mark",
    "connmark",
    "limit",
    "mac",
    "iprange",
    "addrtype",
    "physdev",
    "set",
    "owner",
];
const IPT_PROTOS: &[&str] = &["tcp", "udp", "icmp", "all", "sctp", "esp", "ah"];
const IPT_STATES: &[&str] = &["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"];

/// The built-in chains of a table.
fn builtin_chains(table: &str) -> &'static [&'static str] {
    match table {
        "nat" => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle" => &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw" => &["PREROUTING", "OUTPUT"],
        _ => &["INPUT", "FORWARD", "OUTPUT"],
    }
}

const SHELL_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until", "do", "done",
    "function", "{", "}", "!", "time",
];

/// The first entry of `list` that `word` abbreviates (iproute2 `matches`).
fn resolve<'a>(list: &[&'a str], word: &str) -> Option<&'a str> {
    if word.is_empty() {
        return None;
    }
    list.iter().copied().find(|c| c.starts_with(word))
}

/// What a candidate list offers: words (a space follows a unique one) or
/// file names (rustyline's file completer).
enum Offer {
    Words(Vec<String>),
    Files,
    Nothing,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The line editor's helper: completion, history hints, grey hints.
pub struct NshHelper {
    /// Functions defined in the shell (refreshed before each line).
    pub funcs: Vec<String>,
    /// The namespace native commands currently act in.
    pub netns: Option<NetnsRef>,
    files: FilenameCompleter,
    hinter: HistoryHinter,
}

impl NshHelper {
    fn new() -> Self {
        NshHelper {
            funcs: Vec::new(),
            netns: None,
            files: FilenameCompleter::new(),
            hinter: HistoryHinter::new(),
        }
    }
}

impl Helper for NshHelper {}
impl Validator for NshHelper {}

impl Hinter for NshHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for NshHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[90m{hint}\x1b[0m"))
    }
    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        false
    }
}

impl Completer for NshHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (prev, start, cur) = split_command(&line[..pos]);
        let offer = if cur.starts_with('$') {
            let mut v: Vec<String> = std::env::vars_os()
                .filter_map(|(k, _)| k.into_string().ok())
                .map(|k| format!("${k}"))
                .collect();
            v.sort();
            Offer::Words(v)
        } else {
            self.offer(&prev, &cur, self.netns.clone())
        };
        match offer {
            Offer::Files => self.files.complete(line, pos, ctx),
            Offer::Nothing => Ok((pos, Vec::new())),
            Offer::Words(list) => {
                let mut v: Vec<String> = list.into_iter().filter(|w| w.starts_with(&cur)).collect();
                v.sort();
                v.dedup();
                let pairs = v
                    .into_iter()
                    .map(|w| Pair {
                        replacement: if w.ends_with(['.', '/', '=']) {
                            w.clone()
                        } else {
                            format!("{w} ")
                        },
                        display: w,
                    })
                    .collect();
                Ok((start, pairs))
            }
        }
    }
}

/// Split the text before the cursor into the words of the current simple
/// command (after the last `;`, `|`, `&`, `(`, newline or keyword) and the
/// partial word under the cursor with its byte offset.
fn split_command(text: &str) -> (Vec<String>, usize, String) {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    let mut in_word = false;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                if !in_word {
                    in_word = true;
                    start = i;
                }
                quote = Some(c);
            }
            '\\' => {
                if !in_word {
                    in_word = true;
                    start = i;
                }
                if let Some((_, n)) = chars.next() {
                    cur.push(n);
                }
            }
            ' ' | '\t' => {
                if in_word {
                    push_word(&mut words, std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            ';' | '|' | '&' | '(' | ')' | '\n' | '`' => {
                words.clear();
                cur.clear();
                in_word = false;
            }
            _ => {
                if !in_word {
                    in_word = true;
                    start = i;
                }
                cur.push(c);
            }
        }
    }
    if !in_word {
        start = text.len();
    }
    (words, start, cur)
}

/// Keep a finished word, dropping leading keywords and assignments so the
/// first word is the command.
fn push_word(words: &mut Vec<String>, w: String) {
    if words.is_empty()
        && (SHELL_KEYWORDS.contains(&w.as_str())
            || (w.contains('=') && !w.starts_with('=') && !w.starts_with('-')))
    {
        return;
    }
    words.push(w);
}

impl NshHelper {
    /// Candidates for the word after `prev` (the command's words so far).
    fn offer(&self, prev: &[String], cur: &str, ns: Option<NetnsRef>) -> Offer {
        let Some(cmd) = prev.first() else {
            if cur.contains('/') {
                return Offer::Files;
            }
            return Offer::Words(self.command_names());
        };
        let args = &prev[1..];
        match cmd.rsplit('/').next().unwrap_or(cmd) {
            "ip" => self.offer_ip(args, cur, ns),
            "iptables" | "iptables-nft" | "ip6tables" => offer_iptables(args, ns),
            "sysctl" => offer_sysctl(args, cur),
            "netns" => match args {
                [] => Offer::Words(words(&["enter", "leave"])),
                [e] if e == "enter" => Offer::Words(netns_names()),
                _ => Offer::Nothing,
            },
            "help" => {
                let mut v = words(crate::native::NATIVE_NAMES);
                v.extend(words(IP_OBJECTS_SHOWN));
                Offer::Words(v)
            }
            "brctl" => match args.len() {
                0 => Offer::Words(words(&["addbr", "delbr", "addif", "delif", "show"])),
                _ => Offer::Words(devices(ns.as_ref())),
            },
            "ping" => match args.last().map(String::as_str) {
                Some("-I") => Offer::Words(devices(ns.as_ref())),
                _ => Offer::Nothing,
            },
            "sudo" | "exec" | "command" | "time" | "nohup" | "env" => {
                self.offer(&prev[1..], cur, ns)
            }
            _ => Offer::Files,
        }
    }

    /// Builtins, keywords, functions, native commands and programs on PATH.
    fn command_names(&self) -> Vec<String> {
        let mut v = words(crate::interp::builtins::BUILTINS);
        v.extend(words(crate::interp::arrays::BUILTINS));
        v.extend(words(SHELL_KEYWORDS));
        v.extend(words(crate::native::NATIVE_NAMES));
        v.push("help".into());
        v.extend(self.funcs.iter().cloned());
        if let Some(path) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&path) {
                let Ok(rd) = std::fs::read_dir(dir) else {
                    continue;
                };
                for e in rd.flatten() {
                    use std::os::unix::fs::PermissionsExt;
                    let exec = e
                        .metadata()
                        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                        .unwrap_or(false);
                    if exec {
                        if let Ok(n) = e.file_name().into_string() {
                            v.push(n);
                        }
                    }
                }
            }
        }
        v
    }

    fn offer_ip(&self, args: &[String], cur: &str, mut ns: Option<NetnsRef>) -> Offer {
        let mut i = 0;
        // Options before the object.
        while i < args.len() && args[i].starts_with('-') {
            if matches!(args[i].as_str(), "-n" | "-netns" | "--netns") {
                match args.get(i + 1) {
                    Some(n) => ns = Some(NetnsRef::Name(n.clone())),
                    None => return Offer::Words(netns_names()),
                }
                i += 1;
            }
            i += 1;
        }
        let Some(obj) = args.get(i) else {
            if cur.starts_with('-') {
                return Offer::Words(words(IP_OPTIONS));
            }
            return Offer::Words(words(IP_OBJECTS_SHOWN));
        };
        let obj = resolve(IP_OBJECTS, obj).unwrap_or("");
        let rest = &args[i + 1..];
        let (cmds, keys): (&[&str], &[&str]) = match obj {
            "link" => (LINK_CMDS, LINK_KEYS),
            "address" => (ADDR_CMDS, ADDR_KEYS),
            "route" => (ROUTE_CMDS, ROUTE_KEYS),
            "neighbor" | "neighbour" => (NEIGH_CMDS, NEIGH_KEYS),
            "rule" => (RULE_CMDS, RULE_KEYS),
            "netns" => (NETNS_CMDS, &[]),
            _ => return Offer::Nothing,
        };
        let Some(sub) = rest.first() else {
            return Offer::Words(words(cmds));
        };
        let sub = resolve(cmds, sub).unwrap_or(sub);
        let after = &rest[1..];
        if obj == "netns" {
            return match sub {
                "exec" => match after.first() {
                    None => Offer::Words(netns_names()),
                    Some(n) => {
                        let inner = NetnsRef::Name(n.clone());
                        self.offer(&after[1..], cur, Some(inner))
                    }
                },
                "delete" | "del" | "set" | "pids" | "attach" if after.is_empty() => {
                    Offer::Words(netns_names())
                }
                _ => Offer::Nothing,
            };
        }
        let last = after.last().map(String::as_str);
        match last {
            Some("dev" | "master" | "link" | "iif" | "oif") => {
                return Offer::Words(devices(ns.as_ref()))
            }
            Some("type") if obj == "link" => return Offer::Words(words(LINK_TYPES)),
            Some("netns") => return Offer::Words(netns_names()),
            Some("scope") => return Offer::Words(words(&["host", "link", "global"])),
            Some("nud") => {
                return Offer::Words(words(&[
                    "permanent",
                    "noarp",
                    "reachable",
                    "stale",
                    "delay",
                    "probe",
                    "failed",
                ]))
            }
            Some("table" | "lookup") => {
                return Offer::Words(words(&["main", "local", "default", "all"]))
            }
            Some("proto") => return Offer::Words(words(&["kernel", "boot", "static", "dhcp"])),
            Some("name" | "mtu" | "address" | "alias" | "lladdr" | "via" | "src" | "label") => {
                return Offer::Nothing
            }
            Some("peer") if obj == "link" => return Offer::Words(words(&["name"])),
            Some("arp" | "multicast" | "promisc" | "allmulticast") => {
                return Offer::Words(words(&["on", "off"]))
            }
            _ => {}
        }
        let mut v = words(keys);
        // A bare device name is accepted where `dev` may be left out.
        let dev_position = match (obj, sub) {
            ("link", "set" | "delete" | "show" | "list" | "change") => after.is_empty(),
            ("address", "show" | "list" | "flush") => after.is_empty(),
            _ => false,
        };
        if dev_position {
            v.extend(devices(ns.as_ref()));
        }
        Offer::Words(v)
    }
}

fn offer_iptables(args: &[String], ns: Option<NetnsRef>) -> Offer {
    let mut table = "filter";
    for w in args.windows(2) {
        if w[0] == "-t" || w[0] == "--table" {
            table = IPT_TABLES
                .iter()
                .copied()
                .find(|t| *t == w[1])
                .unwrap_or("filter");
        }
    }
    let last = args.last().map(String::as_str);
    let before = args
        .len()
        .checked_sub(2)
        .and_then(|i| args.get(i))
        .map(String::as_str);
    match last {
        Some("-t" | "--table") => Offer::Words(words(IPT_TABLES)),
        Some(
            "-A" | "-C" | "-D" | "-I" | "-R" | "-L" | "-S" | "-F" | "-Z" | "-X" | "-P" | "-E"
            | "--append" | "--check" | "--delete" | "--insert" | "--replace" | "--list"
            | "--list-rules" | "--flush" | "--zero" | "--policy" | "--delete-chain",
        ) => {
            let mut v = words(builtin_chains(table));
            v.extend(user_chains(table, ns.as_ref()));
            Offer::Words(v)
        }
        Some("-j" | "--jump" | "-g" | "--goto") => {
            let mut v = words(IPT_TARGETS);
            v.extend(words(builtin_chains(table)));
            v.extend(user_chains(table, ns.as_ref()));
            Offer::Words(v)
        }
        Some("-m" | "--match") => Offer::Words(words(IPT_MATCHES)),
        Some("-p" | "--protocol") => Offer::Words(words(IPT_PROTOS)),
        Some(
            "-i" | "-o" | "--in-interface" | "--out-interface" | "--physdev-in" | "--physdev-out",
        ) => Offer::Words(devices(ns.as_ref())),
        Some("--state" | "--ctstate") => Offer::Words(words(IPT_STATES)),
        Some("--reject-with") => Offer::Words(words(&[
            "icmp-port-unreachable",
            "icmp-host-unreachable",
            "icmp-net-unreachable",
            "icmp-proto-unreachable",
            "icmp-net-prohibited",
            "icmp-host-prohibited",
            "icmp-admin-prohibited",
            "tcp-reset",
        ])),
        Some(_) if matches!(before, Some("-P" | "--policy")) => {
            Offer::Words(words(&["ACCEPT", "DROP"]))
        }
        _ => Offer::Words(words(IPT_OPTIONS)),
    }
}

/// sysctl keys from /proc/sys, dotted; options otherwise.
fn offer_sysctl(_args: &[String], cur: &str) -> Offer {
    if cur.starts_with('-') {
        return Offer::Words(words(&[
            "-a", "-n", "-e", "-N", "-q", "-w", "-p", "-A", "-b", "--all", "--values", "--write",
            "--load", "--system", "--names", "--quiet",
        ]));
    }
    let key = cur.replace('/', ".");
    let (dir, _) = key.rsplit_once('.').unwrap_or(("", &key));
    let path = PathBuf::from("/proc/sys").join(dir.replace('.', "/"));
    let Ok(rd) = std::fs::read_dir(&path) else {
        return Offer::Nothing;
    };
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}.")
    };
    let v = rd
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Some(format!("{prefix}{name}{}", if is_dir { "." } else { "" }))
        })
        .collect();
    Offer::Words(v)
}

/// Network device names, in `ns` (on a thread inside it) or here.
fn devices(ns: Option<&NetnsRef>) -> Vec<String> {
    // /proc/thread-self: the thread's own namespace (/proc/self/net would
    // be the main thread's).
    let read = || {
        std::fs::read_to_string("/proc/thread-self/net/dev")
            .map(|t| {
                t.lines()
                    .skip(2)
                    .filter_map(|l| l.split(':').next())
                    .map(|n| n.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    match ns {
        Some(ns) => run_in(ns, read).unwrap_or_default(),
        None => read(),
    }
}

/// The chains of `table` that are not built in, read from the kernel in
/// `ns` (a socket of its own, closed again: completion must not disturb
/// the shell's queued iptables work).
fn user_chains(table: &str, ns: Option<&NetnsRef>) -> Vec<String> {
    let mut nft = crate::backend::nft::Nft::default();
    let Ok(rs) = nft.ruleset(ns) else {
        return Vec::new();
    };
    let builtin = builtin_chains(table);
    rs.table(table)
        .map(|t| {
            t.chains
                .iter()
                .filter(|c| !builtin.contains(&c.name.as_str()))
                .map(|c| c.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Names under /run/netns.
fn netns_names() -> Vec<String> {
    std::fs::read_dir(NETNS_RUN_DIR)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands(h: &NshHelper, line: &str) -> Vec<String> {
        let (prev, _, cur) = split_command(line);
        match h.offer(&prev, &cur, None) {
            Offer::Words(v) => {
                let mut v: Vec<String> = v.into_iter().filter(|w| w.starts_with(&cur)).collect();
                v.sort();
                v.dedup();
                v
            }
            Offer::Files => vec!["<files>".into()],
            Offer::Nothing => vec![],
        }
    }

    #[test]
    fn split_words() {
        let (w, s, c) = split_command("x=1 ip link set de");
        assert_eq!(w, ["ip", "link", "set"]);
        assert_eq!((s, c.as_str()), (16, "de"));
        let (w, s, c) = split_command("for i in 1; do ec");
        assert!(w.is_empty());
        assert_eq!((s, c.as_str()), (15, "ec"));
        let (w, _, c) = split_command("echo 'a b' ");
        assert_eq!(
            (w, c.as_str()),
            (vec!["echo".to_string(), "a b".into()], "")
        );
    }

    #[test]
    fn ip_words() {
        let h = NshHelper::new();
        assert_eq!(cands(&h, "ip li"), ["link"]);
        assert_eq!(cands(&h, "ip link s"), ["set", "show"]);
        assert_eq!(cands(&h, "ip l add a ty"), ["type"]);
        assert_eq!(cands(&h, "ip link add a type ve"), ["veth"]);
        assert!(cands(&h, "ip link set dev ").contains(&"lo".to_string()));
        assert!(cands(&h, "ip link set ").contains(&"lo".to_string()));
        assert_eq!(cands(&h, "ip netns ex"), ["exec"]);
        assert_eq!(cands(&h, "iptables -t n"), ["nat"]);
        assert_eq!(cands(&h, "iptables -t nat -A POST"), ["POSTROUTING"]);
        assert_eq!(cands(&h, "iptables -A INPUT -j DR"), ["DROP"]);
        assert!(cands(&h, "sysctl net.ipv4.ip_forw").contains(&"net.ipv4.ip_forward".to_string()));
        assert_eq!(cands(&h, "sysctl net.ipv"), ["net.ipv4.", "net.ipv6."]);
        assert_eq!(cands(&h, "cat /e"), ["<files>"]);
        assert!(cands(&h, "ec").contains(&"echo".to_string()));
    }

    #[test]
    fn help_topics() {
        assert!(help_command("help").is_some_and(|t| t.contains("iptables")));
        assert!(help_command("help ip link").is_some_and(|t| t.contains("ip link add")));
        assert!(help_command("help ip a").is_some_and(|t| t.contains("ip address")));
        assert!(help_command("help x").is_some_and(|t| t.starts_with("nsh: help:")));
        assert!(help_command("helpme").is_none());
        assert!(help_command("help | cat").is_none());
    }

    #[test]
    fn incomplete_input() {
        use crate::syntax::needs_more_input as more;
        assert!(more("for i in 1 2; do\n"));
        assert!(more("echo 'a\n"));
        assert!(more("echo \"a\n"));
        assert!(more("echo a \\\n"));
        assert!(more("cat <<EOF\n"));
        assert!(more("cat <<EOF\nhello\n"));
        assert!(more("echo a |\n"));
        assert!(!more("cat <<EOF\nhello\nEOF\n"));
        assert!(!more("echo a\n"));
        assert!(!more("echo a \\\\\n"));
        assert!(!more("fi\n"));
        assert!(!more("# a \\\n"));
    }
}

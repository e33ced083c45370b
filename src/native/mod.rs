//! Executors of the native commands: `ip`, `iptables`, `iptables-save`,
//! `iptables-restore`, `sysctl`, `ping`, `brctl`.
//!
//! The interpreter calls [`lookup`] for a command name after functions and
//! builtins (so a user function `ip() { … }` still wins, and `command ip`
//! reaches the native one). An executor receives the expanded words (each
//! with the span of the script word it came from), parses them into a typed
//! request with `netcmd`, carries it out through `backend`, prints through
//! `output`, and returns the exit status the real tool would have returned.
//!
//! Process model: nsh is single-threaded. Short-lived threads that `setns`
//! into another namespace are joined before they return, so the interpreter
//! may `fork` at any time; a child calls [`NetCtx::after_fork`] first.

pub mod brctl;
pub mod ctx;
pub mod ip;
pub mod ip_addr;
pub mod ip_link;
pub mod ip_neigh;
pub mod ip_netns;
pub mod ip_route;
pub mod iptables;
pub mod iptables_restore;
pub mod iptables_save;
pub mod ping;
pub mod sysctl;

use std::io::{Read, Write};

use crate::backend::netns::NetnsRef;
use crate::span::Spanned;

pub use ctx::NetCtx;

/// An expanded argument with the span of the script word it came from.
pub type Word = Spanned<String>;

/// The standard streams a native command reads and writes, as the
/// interpreter has set them up (redirections, pipes).
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// What a native command asks of the interpreter when it is done.
#[derive(Debug)]
pub enum Outcome {
    /// Finished with this exit status.
    Status(i32),
    /// Equivalent to `ip netns exec NETNS CMD…`: run `argv` as a command
    /// (native, builtin, or external program) inside `netns`, and use its
    /// status. Natives run in-process against `netns`; an external program
    /// is forked and enters `netns` before exec.
    ExecIn { netns: NetnsRef, argv: Vec<Word> },
    /// `ip -all netns exec CMD…`: for each namespace in turn, print
    /// `\nnetns: NAME\n` on stdout and run `argv` inside it as for
    /// [`Outcome::ExecIn`]; the status is 0 whatever the commands return.
    ExecInEach {
        each: Vec<NetnsRef>,
        argv: Vec<Word>,
    },
}

/// The signature of every native command's executor. `args` excludes the
/// command name itself (`args[0]` of `ip link show` is `link`).
pub type NativeFn = fn(&mut NetCtx, &[Word], &mut Io) -> Outcome;

/// The executor of a native command, if `name` is one.
pub fn lookup(name: &str) -> Option<NativeFn> {
    match name {
        "sysctl" => Some(sysctl::run),
        "ping" => Some(ping::run),
        "iptables" | "iptables-nft" => Some(iptables::run),
        "iptables-save" | "iptables-nft-save" => Some(iptables_save::run),
        "iptables-restore" | "iptables-nft-restore" => Some(iptables_restore::run),
        "ip" => Some(ip::run),
        "brctl" => Some(brctl::run),
        _ => None,
    }
}

/// The names that `nsh --install-links DIR` links to the nsh binary, and that
/// select a native command when nsh is invoked under them (busybox style).
pub const NATIVE_NAMES: &[&str] = &[
    "ip",
    "iptables",
    "iptables-save",
    "iptables-restore",
    "sysctl",
    "ping",
    "brctl",
];

/// Say on stderr that a form is not native and the real tool runs instead:
/// once per process and `key`, and only when stderr is a terminal. Scripts
/// must produce the same output as under bash (the project's first promise),
/// so the note is for a person watching, never part of a script's output.
pub fn fallback_note(stderr: &mut dyn Write, key: &str, text: &str) {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::io::IsTerminal;
    thread_local!(static SAID: RefCell<HashSet<String>> = RefCell::new(HashSet::new()));
    if !std::io::stderr().is_terminal() {
        return;
    }
    let first = SAID.with(|s| s.borrow_mut().insert(key.to_string()));
    if first {
        let _ = writeln!(stderr, "{text}");
    }
}

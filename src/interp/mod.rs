//! The interpreter: evaluation of the AST, expansion, builtins,
//! redirections, processes and dispatch to native commands.
//!
//! nsh is single-threaded and forks as bash does: every pipeline element,
//! subshell, command substitution, background job and external program runs
//! in a child process. Builtins, functions and native commands run in the
//! shell process itself; their redirections are applied to the process's
//! file descriptors with `dup2` and undone afterwards (bash's
//! `execute_builtin_or_function`).
//!
//! Control flow (`break`, `continue`, `return`, `exit`, fatal errors) travels
//! up the Rust stack as [`Ctl`] in the `Err` side of [`Ex`].

pub mod arith;
pub mod arrays;
pub mod attrs;
pub mod builtins;
pub mod compgen;
pub mod cond;
pub mod coproc;
pub mod dirstack;
pub mod enable;
pub mod expand;
pub mod hash;
pub mod pattern;
pub mod printf;
pub mod proc;
pub mod prompt;
mod select;
pub mod shopt;
pub mod test_cmd;
pub mod timing;
pub mod ulimit;
pub mod umask;

use std::collections::HashMap;
use std::rc::Rc;

use crate::ast::*;
use crate::native::NetCtx;
use crate::span::Span;

/// Non-local control flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctl {
    Break(u32),
    Continue(u32),
    Return(i32),
    /// Leave the shell (or the subshell) with this status.
    Exit(i32),
    /// Abandon the current top-level command with this status (bash's
    /// behaviour after an arithmetic or redirection expansion error).
    Abort(i32),
}

/// The result of executing something: its exit status, or control flow.
pub type Ex = Result<i32, Ctl>;

#[derive(Clone, Debug, Default)]
pub struct Var {
    /// A scalar's value; for an indexed array, element 0 (empty if unset).
    pub value: String,
    pub exported: bool,
    pub readonly: bool,
    /// An indexed array's elements (`declare -a`, `a=(…)`).
    pub array: Option<Box<std::collections::BTreeMap<i64, String>>>,
    /// An associative array's elements (`declare -A`).
    pub assoc: Option<Box<arrays::Assoc>>,
    /// An array declared (`declare -a x`) and not assigned yet, for
    /// `declare -p`.
    pub no_value: bool,
    /// `declare -i`: assignments are evaluated arithmetically.
    pub integer: bool,
    /// `declare -l` / `declare -u`.
    pub case: attrs::Case,
    /// `declare -n`: `value` names the variable this one stands for.
    pub nameref: bool,
    /// `declare -t` (kept and shown; nsh has no DEBUG/RETURN traps).
    pub trace: bool,
}

/// A function call or a `source` on the stack (`FUNCNAME`, `BASH_SOURCE`,
/// `BASH_LINENO`).
#[derive(Clone, Debug)]
pub struct Frame {
    /// The function's name, or `source`.
    pub name: String,
    /// The file the function was defined in, or the sourced file.
    pub file: String,
    /// The line it was called from.
    pub line: usize,
    pub func: bool,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Opts {
    pub errexit: bool,
    pub nounset: bool,
    pub xtrace: bool,
    pub pipefail: bool,
    pub noglob: bool,
    pub noclobber: bool,
    pub noexec: bool,
    /// `set -E`: functions, subshells and command substitutions inherit
    /// the ERR trap.
    pub errtrace: bool,
    /// `set -T`: they inherit the DEBUG and RETURN traps.
    pub functrace: bool,
}

/// A named source text with its line table, for `FILE: line N:` messages.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    line_starts: Vec<usize>,
    /// Every command is reported at this line (`eval`, traps).
    pub fixed: Option<usize>,
    /// The extended glob patterns of the text (see
    /// [`crate::syntax::extglob_sites`]), each with the column of its `(`
    /// and the text of its line, for bash's message.
    extglob: Vec<(crate::syntax::ExtglobSite, usize, String)>,
}

impl Source {
    /// The source of `text` just parsed by [`crate::syntax::parse`], with
    /// its extended glob patterns.
    pub fn parsed(name: &str, text: &str) -> Self {
        let mut src = Source::new(name, text);
        src.extglob = crate::syntax::extglob_sites()
            .into_iter()
            .map(|site| {
                let at = site.offset;
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                (site, at - start, text[start..end].to_string())
            })
            .collect();
        src
    }

    pub fn new(name: &str, text: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        Source {
            name: name.to_string(),
            line_starts,
            fixed: None,
            extglob: Vec::new(),
        }
    }

    pub fn line_of(&self, offset: usize) -> usize {
        if let Some(l) = self.fixed {
            return l;
        }
        self.text_line_of(offset)
    }

    /// The line of `offset` in the text itself (whatever `fixed` says).
    fn text_line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// A background job started with `&`.
#[derive(Debug, Clone)]
pub struct Job {
    pub pid: i32,
    pub text: String,
    pub status: Option<i32>,
}

/// How a loop goes on after its body (or a `while` condition) ended.
enum Step {
    Ran(i32),
    /// This loop's `continue`.
    Continue,
    /// This loop's `break`.
    Break,
}

/// A body's result as a loop sees it (after `break` or `continue` the
/// loop's status is theirs, 0); `break N`/`continue N` for an outer
/// loop, and any other control, go up one level.
fn loop_step(r: Ex) -> Result<Step, Ctl> {
    match r {
        Ok(s) => Ok(Step::Ran(s)),
        Err(Ctl::Break(n)) if n > 1 => Err(Ctl::Break(n - 1)),
        Err(Ctl::Break(_)) => Ok(Step::Break),
        Err(Ctl::Continue(n)) if n > 1 => Err(Ctl::Continue(n - 1)),
        Err(Ctl::Continue(_)) => Ok(Step::Continue),
        Err(e) => Err(e),
    }
}

/// The bash whose behaviour nsh follows (the oracle of its tests).
const BASH_VERSION: &str = "5.2.15(1)-release";

/// The state of one shell process.
pub struct Shell {
    pub vars: HashMap<String, Var>,
    pub funcs: HashMap<String, std::sync::Arc<Command>>,
    /// `$1`…
    pub params: Vec<String>,
    /// `$0`
    pub arg0: String,
    /// `$?`
    pub status: i32,
    pub opts: Opts,
    /// `shopt` options.
    pub shopts: shopt::Shopts,
    /// `pushd`'s directory stack, bottom first (the current directory
    /// is not in it).
    pub dirstack: Vec<String>,
    /// Saved variables of each active function call (`local`).
    pub locals: Vec<Vec<(String, Option<Var>)>>,
    pub ctx: NetCtx,
    /// The source whose spans are being executed (line numbers).
    pub sources: Vec<Rc<Source>>,
    /// The line of the command being executed (`$LINENO`, messages).
    pub lineno: usize,
    pub traps: HashMap<String, String>,
    pub last_bg: Option<i32>,
    /// The shell's ends of the pipes of process substitutions (`<(…)`),
    /// open until the command that expanded them is done.
    pub psub_fds: Vec<i32>,
    /// Process substitutions not yet reaped.
    pub psub_pids: Vec<i32>,
    pub jobs: Vec<Job>,
    /// The coprocess of the last `coproc` (bash tracks one).
    pub coproc: Option<coproc::Coproc>,
    /// > 0 while in a context where `set -e` does not apply.
    pub errexit_suppressed: u32,
    /// This process is a forked subshell: leave with `_exit`.
    pub in_child: bool,
    /// Running `nsh -c STRING` (bash exits 127, not 1, when an expansion
    /// error ends such a shell).
    pub command_string: bool,
    /// `alias` definitions (kept and listed; a script does not expand them,
    /// as bash without `expand_aliases`).
    pub aliases: std::collections::BTreeMap<String, String>,
    /// `$SECONDS`: the value it had and when (0 when the shell started;
    /// an assignment restarts the count from its value); `None` once
    /// unset, when it is an ordinary variable.
    pub seconds: Option<(i64, i64)>,
    /// `$BASH_SUBSHELL`: how many subshells deep this process is.
    pub subshell_level: u32,
    pub loop_depth: u32,
    pub func_depth: u32,
    /// `$$`
    pub shell_pid: i32,
    /// Cached `NAME=value` strings of exported variables.
    env_cache: Option<Rc<Vec<std::ffi::CString>>>,
    /// PATH lookups (bash's command hash table).
    pub hash: hash::CommandHash,
    /// Running the EXIT trap (it runs once).
    pub exiting: bool,
    /// Status of the last command substitution of the current command.
    pub status_from_subst: Option<i32>,
    /// Depth of `source` / `.` (where `return` is allowed).
    pub source_depth: u32,
    /// Names of the functions being executed (`$FUNCNAME`).
    pub func_names: Vec<String>,
    /// Function calls and `source`s being executed, innermost last.
    pub frames: Vec<Frame>,
    /// The file each function was defined in (`BASH_SOURCE`).
    pub func_files: HashMap<String, String>,
    /// The source text each function was defined in: its commands report
    /// that file and its lines (`$LINENO`, messages) when called.
    pub func_srcs: HashMap<String, Rc<Source>>,
    /// The statuses of the last pipeline (`PIPESTATUS`).
    pub pipestatus: Vec<i32>,
    /// Interactive only (set by the REPL): whether Ctrl-C was pressed
    /// while the current line ran. Like bash, the rest of the line (a
    /// loop included) is then abandoned with status 130.
    pub interrupted: Option<fn() -> bool>,
    /// Signals that were ignored when the shell started: like bash (not
    /// interactive), `trap` lists them as `trap -- '' SIGxxx` and cannot
    /// trap or reset them.
    pub ignored_on_entry: Vec<i32>,
    /// `getopts`: (the OPTIND it last set, position inside that argument).
    pub getopts_state: (usize, usize),
    /// Nesting of command substitutions and evals (`set -x` prefix).
    pub xtrace_level: u32,
    /// The signal that killed the child last waited for.
    pub last_wait_signal: Option<i32>,
    /// A foreground external command was killed by (pid, signal).
    pub fg_signaled: Option<(i32, i32)>,
    /// `$BASH_COMMAND`: the command being executed (or about to be, in a
    /// DEBUG trap), kept up to date only once `command_hook` is on.
    pub bash_command: String,
    /// Some text mentions `BASH_COMMAND`, or a DEBUG trap was set: every
    /// command records its text and checks for the trap.
    pub command_hook: bool,
    /// Trap actions being run (they leave `$BASH_COMMAND` alone).
    pub trap_depth: u32,
    /// The DEBUG trap is running (it does not trigger itself).
    pub in_debug: bool,
    /// `$PS4` is being expanded for a `set -x` line.
    pub in_ps4: bool,
    /// Builtins turned off with `enable -n`.
    pub disabled_builtins: Vec<String>,
    /// A variable was given the name-reference attribute at some point:
    /// until then no name needs resolving.
    pub namerefs_seen: bool,
    /// An assignment to an integer variable failed in arithmetic: bash
    /// abandons the command line (checked after a builtin).
    pub assign_aborted: bool,
}

impl Shell {
    pub fn new(arg0: &str, params: Vec<String>) -> Self {
        let mut sh = Shell {
            vars: HashMap::new(),
            funcs: HashMap::new(),
            params,
            arg0: arg0.to_string(),
            status: 0,
            opts: Opts::default(),
            shopts: shopt::Shopts::default(),
            dirstack: Vec::new(),
            locals: Vec::new(),
            ctx: NetCtx::new(),
            sources: Vec::new(),
            lineno: 0,
            traps: HashMap::new(),
            last_bg: None,
            psub_fds: Vec::new(),
            psub_pids: Vec::new(),
            jobs: Vec::new(),
            coproc: None,
            errexit_suppressed: 0,
            in_child: false,
            command_string: false,
            seconds: Some((0, epoch_seconds())),
            subshell_level: 0,
            aliases: Default::default(),
            loop_depth: 0,
            func_depth: 0,
            shell_pid: std::process::id() as i32,
            env_cache: None,
            hash: hash::CommandHash::default(),
            exiting: false,
            status_from_subst: None,
            source_depth: 0,
            last_wait_signal: None,
            fg_signaled: None,
            bash_command: String::new(),
            command_hook: false,
            trap_depth: 0,
            in_debug: false,
            disabled_builtins: Vec::new(),
            namerefs_seen: false,
            in_ps4: false,
            assign_aborted: false,
            xtrace_level: 1,
            getopts_state: (0, 0),
            func_names: Vec::new(),
            frames: Vec::new(),
            func_files: HashMap::new(),
            func_srcs: HashMap::new(),
            pipestatus: Vec::new(),
            interrupted: None,
            ignored_on_entry: proc::ignored_signals(),
        };
        for (k, v) in std::env::vars_os() {
            if let (Ok(k), Ok(v)) = (k.into_string(), v.into_string()) {
                sh.vars.insert(
                    k,
                    Var {
                        value: v,
                        exported: true,
                        ..Var::default()
                    },
                );
            }
        }
        if !sh.vars.contains_key("IFS") {
            sh.vars.insert(
                "IFS".into(),
                Var {
                    value: " \t\n".into(),
                    ..Var::default()
                },
            );
        }
        // bash's own read-only and informational variables.
        let uid = nix::unistd::getuid().as_raw().to_string();
        let euid = nix::unistd::geteuid().as_raw().to_string();
        let ppid = nix::unistd::getppid().as_raw().to_string();
        let un = nix::sys::utsname::uname().ok();
        let uname = |f: fn(&nix::sys::utsname::UtsName) -> &std::ffi::OsStr| {
            un.as_ref()
                .map(|u| f(u).to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let machine = uname(|u| u.machine());
        for (k, v, ro) in [
            ("UID", uid, true),
            ("EUID", euid, true),
            ("PPID", ppid, true),
            ("HOSTNAME", uname(|u| u.nodename()), false),
            ("OSTYPE", "linux-gnu".to_string(), false),
            ("MACHTYPE", format!("{machine}-pc-linux-gnu"), false),
            ("HOSTTYPE", machine, false),
        ] {
            sh.vars.insert(
                k.to_string(),
                Var {
                    value: v,
                    readonly: ro,
                    // bash's UID, EUID and PPID are `declare -ir`.
                    integer: ro,
                    ..Var::default()
                },
            );
        }
        // nsh runs bash scripts as bash 5.2 does: a script that checks
        // `$BASH_VERSION` or `BASH_VERSINFO` finds the bash it was written
        // for, and `$BASH` (which scripts re-exec) is nsh itself.
        // `$NSH_VERSION` tells the two apart.
        let me = std::env::current_exe()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "nsh".into());
        for (k, v, ro) in [
            ("BASH", me, false),
            ("BASH_VERSION", BASH_VERSION.to_string(), false),
            ("NSH_VERSION", env!("CARGO_PKG_VERSION").to_string(), true),
        ] {
            sh.vars.insert(
                k.to_string(),
                Var {
                    value: v,
                    readonly: ro,
                    ..Var::default()
                },
            );
        }
        let info: arrays::Elems = ["5", "2", "15", "1", "release"]
            .iter()
            .map(|s| s.to_string())
            .chain([format!("{}-pc-linux-gnu", std::env::consts::ARCH)])
            .enumerate()
            .map(|(i, v)| (i as i64, v))
            .collect();
        let _ = sh.set_array("BASH_VERSINFO", info);
        if let Some(v) = sh.vars.get_mut("BASH_VERSINFO") {
            v.readonly = true;
        }
        sh.vars.insert(
            "OPTIND".into(),
            Var {
                value: "1".into(),
                integer: true,
                ..Var::default()
            },
        );
        for (name, value) in [
            ("PS4", "+ "),
            ("OPTERR", "1"),
            ("COMP_WORDBREAKS", " \t\n\"'@><=;|&(:"),
        ] {
            if !sh.vars.contains_key(name) {
                sh.vars.insert(
                    name.into(),
                    Var {
                        value: value.into(),
                        ..Var::default()
                    },
                );
            }
        }
        if let Ok(cwd) = std::env::current_dir() {
            let cwd = cwd.to_string_lossy().into_owned();
            let keep = sh
                .vars
                .get("PWD")
                .map(|v| same_dir(&v.value, &cwd))
                .unwrap_or(false);
            if !keep {
                sh.set_var("PWD", cwd).ok();
                sh.export("PWD");
            }
        }
        // bash without extdebug sets these once, from the script's
        // arguments: their count, and the arguments last first.
        let argv: arrays::Elems = sh
            .params
            .iter()
            .rev()
            .enumerate()
            .map(|(i, p)| (i as i64, p.clone()))
            .collect();
        let argc = arrays::Elems::from([(0, sh.params.len().to_string())]);
        sh.set_array("BASH_ARGV", argv).ok();
        sh.set_array("BASH_ARGC", argc).ok();
        sh
    }

    // ---- variables -------------------------------------------------------

    pub fn get_var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(self.resolve(name).as_ref())
            .filter(|v| !v.no_value)
            .map(|v| v.value.as_str())
    }

    /// Assign a variable (the one a name reference stands for), with its
    /// attributes applied; `Err` carries bash's message (a readonly
    /// variable, an integer variable's arithmetic error).
    pub fn set_var(&mut self, name: &str, value: String) -> Result<(), String> {
        if !self.namerefs_seen {
            // No name reference was ever made: the name is the variable.
            return self.set_resolved(name, value);
        }
        let Some(name) = self.resolve_warn(name) else {
            return Err(String::new());
        };
        self.set_resolved(&name, value)
    }

    fn set_resolved(&mut self, name: &str, value: String) -> Result<(), String> {
        if name.contains('[') {
            // A reference to an element (`declare -n r='a[1]'`).
            return arrays::set_ref(self, "", name, value);
        }
        let plain = self
            .vars
            .get(name)
            .is_none_or(|v| !v.integer && v.case == attrs::Case::Keep);
        let value = if plain {
            value
        } else {
            self.attr_value(name, value, None)?
        };
        self.store_var(name, value)
    }

    /// Store `value` in `name` as it is (attributes already applied).
    pub fn store_var(&mut self, name: &str, value: String) -> Result<(), String> {
        if name == "BASH_ARGV0" {
            self.arg0 = value.clone();
        }
        if name == "SECONDS" && self.seconds.is_some() {
            let n = value.trim().parse::<i64>().unwrap_or(0);
            self.seconds = Some((n, epoch_seconds()));
        }
        if let Some(v) = self.vars.get_mut(name) {
            if v.readonly {
                return Err(format!("{name}: readonly variable"));
            }
            if v.exported {
                self.env_cache = None;
            }
            if let Some(a) = v.array.as_mut() {
                a.insert(0, value.clone());
            }
            if let Some(a) = v.assoc.as_mut() {
                a.insert("0".into(), value.clone());
            }
            v.no_value = false;
            v.value = value;
        } else {
            self.vars.insert(
                name.to_string(),
                Var {
                    value,
                    ..Var::default()
                },
            );
        }
        if name == "PATH" {
            self.hash.clear();
        }
        Ok(())
    }

    pub fn export(&mut self, name: &str) {
        self.env_cache = None;
        let name = self.resolve(name).into_owned();
        self.vars
            .entry(name)
            .or_insert_with(|| Var {
                no_value: true,
                ..Var::default()
            })
            .exported = true;
    }

    pub fn unexport(&mut self, name: &str) {
        self.env_cache = None;
        if let Some(v) = self.vars.get_mut(name) {
            v.exported = false;
        }
    }

    /// `unset NAME`: the variable a name reference stands for.
    pub fn unset_var(&mut self, name: &str) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        self.unset_ref(&name)
    }

    /// `unset -n NAME`: the variable itself, even a name reference.
    pub fn unset_ref(&mut self, name: &str) -> Result<(), String> {
        if name == "SECONDS" {
            self.seconds = None;
        }
        if let Some(v) = self.vars.get(name) {
            if v.readonly {
                return Err(format!("{name}: cannot unset: readonly variable"));
            }
            if v.exported {
                self.env_cache = None;
            }
        }
        self.vars.remove(name);
        if name == "PATH" {
            self.hash.clear();
        }
        Ok(())
    }

    /// The environment of a child process (cached between commands).
    pub fn environ(&mut self) -> Rc<Vec<std::ffi::CString>> {
        if let Some(e) = &self.env_cache {
            return e.clone();
        }
        let mut env: Vec<std::ffi::CString> = self
            .vars
            .iter()
            .filter(|(_, v)| v.exported && !v.no_value && v.array.is_none() && v.assoc.is_none())
            .filter_map(|(k, v)| std::ffi::CString::new(format!("{k}={}", v.value)).ok())
            .collect();
        env.sort();
        let env = Rc::new(env);
        self.env_cache = Some(env.clone());
        env
    }

    pub fn invalidate_env(&mut self) {
        self.env_cache = None;
    }

    // ---- messages --------------------------------------------------------

    /// The `NAME: line N: ` prefix of bash's messages.
    pub fn prefix(&self) -> String {
        format!("{}: line {}: ", self.src_name(), self.lineno)
    }

    /// Print `NAME: line N: msg` on fd 2.
    /// The status a fatal expansion error (`${X:?}`, `set -u`) leaves the
    /// shell with: 1, but 127 in the top process of `-c STRING` (bash 5.2).
    pub fn expansion_fatal_status(&self) -> i32 {
        if self.command_string && !self.in_child {
            127
        } else {
            1
        }
    }

    pub fn error(&self, msg: &str) {
        let s = format!("{}{msg}\n", self.prefix());
        proc::write_fd(2, s.as_bytes());
    }

    fn set_line(&mut self, span: Span) {
        if let Some(src) = self.sources.last() {
            self.lineno = src.line_of(span.start);
        }
    }

    // ---- running programs ------------------------------------------------

    /// Run a whole parsed program from `source` (the script, `-c` text).
    /// Returns the exit status; runs the EXIT trap.
    pub fn run_program(&mut self, list: &List, source: Rc<Source>) -> i32 {
        self.sources.push(source);
        let r = self.run_toplevel(list);
        self.sources.pop();
        let st = match r {
            Ok(s) => s,
            Err(Ctl::Exit(s)) => s,
            Err(Ctl::Return(s)) | Err(Ctl::Abort(s)) => s,
            Err(_) => self.status,
        };
        self.exit_shell(st)
    }

    /// Run one REPL entry; `exit` comes back as `Err(Ctl::Exit)`.
    pub fn run_interactive(&mut self, list: &List, source: Rc<Source>) -> Ex {
        self.sources.push(source);
        let r = self.run_toplevel(list);
        self.sources.pop();
        match r {
            Err(Ctl::Exit(s)) => Err(Ctl::Exit(s)),
            Ok(s) | Err(Ctl::Return(s)) | Err(Ctl::Abort(s)) => {
                self.status = s;
                Ok(s)
            }
            Err(_) => Ok(self.status),
        }
    }

    /// Top-level items run one after another; an `Abort` abandons the rest
    /// of its line, as bash (which reads a script line by line) does.
    fn run_toplevel(&mut self, list: &List) -> Ex {
        let mut skip_line: Option<usize> = None;
        let mut st = self.status;
        // A text with extended glob patterns is checked a line group
        // (bash's unit of parsing: the items that share lines) at a time.
        let src = self
            .sources
            .last()
            .filter(|s| !s.extglob.is_empty())
            .cloned();
        let mut group_end = 0;
        for (i, item) in list.items.iter().enumerate() {
            if let Some(src) = src.as_ref().filter(|_| i >= group_end) {
                group_end = self.line_group_end(&list.items, i);
                let (from, to) = (item.span.start, list.items[group_end - 1].span.end);
                let mut prefix = src.name.clone();
                if self.command_string && self.sources.len() <= 1 {
                    prefix.push_str(": -c");
                }
                if let Some(s) = self.extglob_error(src, from, to, &prefix) {
                    // A syntax error ends a script (the REPL reads on).
                    return Err(Ctl::Abort(s));
                }
            }
            if let Some(l) = skip_line {
                let line = self
                    .sources
                    .last()
                    .map(|s| s.line_of(item.span.start))
                    .unwrap_or(0);
                if line == l {
                    continue;
                }
                skip_line = None;
            }
            match self.run_item(item) {
                Ok(s) => st = s,
                Err(Ctl::Abort(s)) => {
                    self.status = s;
                    st = s;
                    skip_line = self.sources.last().map(|src| src.line_of(item.span.end));
                }
                Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => st = self.status,
                Err(e) => return Err(e),
            }
        }
        Ok(st)
    }

    /// The index after the last item of the line group starting at
    /// `items[i]`: the items that begin on the line where the one before
    /// them ends.
    fn line_group_end(&self, items: &[ListItem], i: usize) -> usize {
        let Some(src) = self.sources.last() else {
            return i + 1;
        };
        let mut j = i + 1;
        while j < items.len()
            && src.text_line_of(items[j].span.start) == src.text_line_of(items[j - 1].span.end)
        {
            j += 1;
        }
        j
    }

    /// bash's syntax error for an extended glob pattern of `src` between
    /// the offsets `from` and `to` while `shopt extglob` is off: the
    /// message is printed and the status (2) returned.
    fn extglob_error(&mut self, src: &Source, from: usize, to: usize, prefix: &str) -> Option<i32> {
        if self.shopts.extglob {
            return None;
        }
        let (site, col, line_text) = src
            .extglob
            .iter()
            .find(|s| (from..to).contains(&s.0.offset))?;
        let line = src.line_of(site.offset);
        let e = crate::syntax::SyntaxError::extglob_off(*col, site.message);
        proc::write_fd(2, bash_syntax_lines(prefix, line, line_text, &e).as_bytes());
        self.status = 2;
        Some(2)
    }

    /// Finish: barrier, EXIT trap, and the final status.
    pub fn exit_shell(&mut self, status: i32) -> i32 {
        let mut status = status;
        if !self.exiting {
            self.exiting = true;
            if let Some(t) = self.traps.remove("EXIT") {
                self.status = status;
                self.trap_depth += 1;
                if let Err(Ctl::Exit(s)) = self.eval_string(&t, "trap") {
                    status = s;
                }
                self.trap_depth -= 1;
            }
        }
        let mut err = proc::FdWriter(2);
        let b = self.ctx.barrier(&mut err);
        if status == 0 && b != 0 {
            status = b;
        }
        status
    }

    /// Parse and run `text` (eval, trap actions): messages keep the line
    /// of the command that evals.
    pub fn eval_string(&mut self, text: &str, _what: &str) -> Ex {
        self.note_text(text);
        match crate::syntax::parse(text) {
            Ok(list) => {
                let line = self.lineno;
                let name = self.src_name();
                let mut src = Source::parsed(&name, text);
                src.fixed = Some(line);
                let prefix = format!("{}: eval", self.src_name());
                self.sources.push(Rc::new(src));
                let r = self.run_parsed_list(&list, &prefix);
                self.sources.pop();
                self.lineno = line;
                r
            }
            Err(e) => {
                let src = Source::new("", text);
                let line = self.lineno + src.line_of(e.offset) - 1;
                let prefix = format!("{}: eval", self.src_name());
                proc::write_fd(2, bash_syntax_lines(&prefix, line, text, &e).as_bytes());
                Ok(2)
            }
        }
    }

    /// A builtin turned off with `enable -n`.
    pub fn is_disabled(&self, name: &str) -> bool {
        !self.disabled_builtins.is_empty() && self.disabled_builtins.iter().any(|b| b == name)
    }

    /// Text about to be parsed: once anything mentions `BASH_COMMAND`,
    /// commands record their text for it.
    pub fn note_text(&mut self, text: &str) {
        if !self.command_hook && text.contains("BASH_COMMAND") {
            self.command_hook = true;
        }
    }

    /// Run a trap's action: `$?` is kept, and the commands it runs do not
    /// change `$BASH_COMMAND`.
    pub fn run_trap(&mut self, action: &str) -> Result<(), Ctl> {
        let st = self.status;
        self.trap_depth += 1;
        // (`set -x` shows its commands one level down: `++`.)
        self.xtrace_level += 1;
        let r = self.eval_string(action, "trap");
        self.xtrace_level -= 1;
        self.trap_depth -= 1;
        r?;
        self.status = st;
        Ok(())
    }

    /// Before a simple command, `[[ ]]`, `(( ))`, each `for` iteration
    /// and `case`: set `$BASH_COMMAND` to its text and run the DEBUG trap
    /// (bash's `run_debug_trap`; its status is ignored without extdebug).
    pub fn before_command(&mut self, text: impl FnOnce() -> String) -> Result<(), Ctl> {
        if !self.command_hook {
            return Ok(());
        }
        if self.trap_depth == 0 {
            self.bash_command = text();
        }
        self.debug_trap()
    }

    fn debug_trap(&mut self) -> Result<(), Ctl> {
        if self.in_debug {
            return Ok(());
        }
        if let Some(t) = self.traps.get("DEBUG").cloned() {
            self.in_debug = true;
            let r = self.run_trap(&t);
            self.in_debug = false;
            r?;
        }
        Ok(())
    }

    pub fn src_name(&self) -> String {
        self.sources
            .last()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| self.arg0.clone())
    }

    /// [`Shell::run_list`] for the text of `source` and `eval` (the
    /// source on top of [`Shell::sources`]), which bash parses a line at a
    /// time: a line holding an extended glob pattern while `shopt extglob`
    /// is off is a syntax error that ends the text with status 2.
    pub fn run_parsed_list(&mut self, list: &List, prefix: &str) -> Ex {
        let src = match self.sources.last() {
            Some(s) if !s.extglob.is_empty() => s.clone(),
            _ => return self.run_list(list),
        };
        let mut st = 0;
        let mut i = 0;
        while i < list.items.len() {
            let end = self.line_group_end(&list.items, i);
            let (from, to) = (list.items[i].span.start, list.items[end - 1].span.end);
            if let Some(s) = self.extglob_error(&src, from, to, prefix) {
                return Ok(s);
            }
            for item in &list.items[i..end] {
                st = self.run_item(item)?;
            }
            i = end;
        }
        Ok(st)
    }

    pub fn run_list(&mut self, list: &List) -> Ex {
        let mut st = 0;
        for item in &list.items {
            st = self.run_item(item)?;
        }
        Ok(st)
    }

    fn run_item(&mut self, item: &ListItem) -> Ex {
        if item.background {
            self.set_line(item.span);
            return self.run_background(item);
        }
        let st = self.run_and_or(&item.and_or)?;
        self.status = st;
        self.check_traps()?;
        if self.interrupted.is_some_and(|f| f()) {
            return Err(Ctl::Abort(130));
        }
        Ok(st)
    }

    fn run_background(&mut self, item: &ListItem) -> Ex {
        self.barrier();
        let pid = proc::fork_child(self, |sh| {
            // bash: an asynchronous command's stdin is /dev/null when job
            // control is off (execute_cmd.c: `asynchronous` redirection).
            proc::stdin_devnull();
            // bash without job control: asynchronous commands ignore
            // SIGINT and SIGQUIT (unless trapped inside them).
            proc::set_signal(libc::SIGINT, Some(false));
            proc::set_signal(libc::SIGQUIT, Some(false));
            // A lone simple command is exec'd in this child, as bash does,
            // so that `$!` is the program itself and `kill $!` reaches it.
            let ao = &item.and_or;
            if ao.rest.is_empty()
                && !ao.first.bang
                && ao.first.time.is_none()
                && ao.first.cmds.len() == 1
            {
                return proc::run_in_child(sh, &ao.first.cmds[0]);
            }
            sh.run_and_or(&item.and_or)
        })?;
        self.last_bg = Some(pid);
        self.jobs.push(Job {
            pid,
            text: crate::ast::and_or_text(&item.and_or),
            status: None,
        });
        self.status = 0;
        Ok(0)
    }

    fn run_and_or(&mut self, ao: &AndOr) -> Ex {
        if ao.rest.is_empty() {
            return self.run_pipeline(&ao.first);
        }
        self.errexit_suppressed += 1;
        let r = self.run_pipeline(&ao.first);
        self.errexit_suppressed -= 1;
        let mut st = r?;
        let n = ao.rest.len();
        for (i, (op, p)) in ao.rest.iter().enumerate() {
            self.status = st;
            let run = match op {
                AndOrOp::And => st == 0,
                AndOrOp::Or => st != 0,
            };
            if !run {
                continue;
            }
            if i + 1 < n {
                self.errexit_suppressed += 1;
                let r = self.run_pipeline(p);
                self.errexit_suppressed -= 1;
                st = r?;
            } else {
                st = self.run_pipeline(p)?;
            }
        }
        Ok(st)
    }

    fn run_pipeline(&mut self, p: &Pipeline) -> Ex {
        let start = p.time.map(|_| timing::Sample::now());
        if p.bang {
            self.errexit_suppressed += 1;
        }
        let r = if p.cmds.len() == 1 {
            self.run_command(&p.cmds[0])
        } else {
            proc::run_pipeline(self, &p.cmds)
        };
        if p.bang {
            self.errexit_suppressed -= 1;
        }
        // bash reports the time after the ERR trap, and also when `exit`,
        // `break` or an error leaves the pipeline (not `return`).
        let report = |sh: &mut Shell| {
            if let (Some(fmt), Some(start)) = (p.time, &start) {
                timing::report(sh, fmt, start);
            }
        };
        let st = match r {
            Ok(st) => st,
            Err(Ctl::Return(s)) => return Err(Ctl::Return(s)),
            Err(e) => {
                report(self);
                return Err(e);
            }
        };
        if p.cmds.len() == 1 && matches!(p.cmds[0].kind, CommandKind::Simple(_)) {
            self.pipestatus.clear();
            self.pipestatus.push(st);
        }
        let st = if p.bang { i32::from(st == 0) } else { st };
        self.status = st;
        if st != 0 && !p.bang && self.errexit_suppressed == 0 && !self.traps.is_empty() {
            if let Some(t) = self.traps.get("ERR").cloned() {
                self.run_trap(&t)?;
            }
        }
        report(self);
        if st != 0 && !p.bang && self.errexit_applies(p) {
            return Err(Ctl::Exit(st));
        }
        Ok(st)
    }

    /// bash 5.2: `set -e` exits on the failure of a simple command, a
    /// subshell, `((…))`, `[[…]]` or a pipeline, not of a brace group / loop / if / case whose
    /// own status came from an ignored failure.
    fn errexit_applies(&self, p: &Pipeline) -> bool {
        if !self.opts.errexit || self.errexit_suppressed > 0 {
            return false;
        }
        if p.cmds.len() > 1 {
            return true;
        }
        matches!(
            p.cmds.last().map(|c| &c.kind),
            Some(
                CommandKind::Simple(_)
                    | CommandKind::Subshell(_)
                    | CommandKind::Arith(_)
                    | CommandKind::Cond(_)
            )
        )
    }

    pub fn barrier(&mut self) {
        let mut err = proc::FdWriter(2);
        let _ = self.ctx.barrier(&mut err);
    }

    pub fn run_command(&mut self, c: &Command) -> Ex {
        let psubs = self.psub_fds.len();
        let r = self.run_command_inner(c);
        if self.psub_fds.len() > psubs {
            proc::close_process_substs(self, psubs);
        }
        r
    }

    fn run_command_inner(&mut self, c: &Command) -> Ex {
        match &c.kind {
            CommandKind::Simple(s) => {
                self.set_line(c.span);
                self.before_command(|| command_text(c))?;
                builtins::run_simple(self, s, c.span, false)
            }
            CommandKind::FuncDef { name, body } => {
                self.funcs.insert(name.clone(), body.clone());
                // bash names the `-c` string `environment` there.
                let file = if self.command_string && self.source_depth == 0 {
                    "environment".to_string()
                } else {
                    self.src_name()
                };
                self.func_files.insert(name.clone(), file);
                if let Some(src) = self.sources.last() {
                    self.func_srcs.insert(name.clone(), src.clone());
                }
                Ok(0)
            }
            _ => {
                if c.redirs.is_empty() {
                    self.run_compound(c)
                } else {
                    self.set_line(c.span);
                    let saved = match proc::apply_redirs(self, &c.redirs, true) {
                        Ok(s) => s,
                        Err(st) => return Ok(st),
                    };
                    let r = self.run_compound(c);
                    proc::restore_redirs(saved);
                    r
                }
            }
        }
    }

    fn run_compound(&mut self, c: &Command) -> Ex {
        match &c.kind {
            CommandKind::Brace(l) => self.run_list(l),
            CommandKind::Subshell(l) => {
                self.barrier();
                let pid = proc::fork_child(self, |sh| sh.run_list(l))?;
                Ok(proc::wait_pid(self, pid))
            }
            CommandKind::If { branches, else_ } => {
                for (cond, body) in branches {
                    self.errexit_suppressed += 1;
                    let r = self.run_list(cond);
                    self.errexit_suppressed -= 1;
                    if r? == 0 {
                        return self.run_list(body);
                    }
                }
                match else_ {
                    Some(e) => self.run_list(e),
                    None => Ok(0),
                }
            }
            CommandKind::For { var, words, body } => {
                self.set_line(c.span);
                let items = self.loop_items(words)?;
                let mut st = 0;
                self.loop_depth += 1;
                let head = self
                    .opts
                    .xtrace
                    .then(|| crate::ast::loop_head("for", var, words));
                let r = (|| {
                    for it in items {
                        // (bash traces the head before the DEBUG trap.)
                        if let Some(h) = &head {
                            builtins::xtrace(self, h);
                        }
                        self.before_command(|| crate::ast::loop_head("for", var, words))?;
                        if let Err(e) = self.set_for_var(var, it) {
                            self.error(&e);
                            if self.assign_aborted {
                                // An integer's arithmetic error.
                                return Err(self.assign_abort());
                            }
                            return Ok(1);
                        }
                        match loop_step(self.run_list(body))? {
                            Step::Ran(s) => st = s,
                            Step::Break => {
                                st = 0;
                                break;
                            }
                            Step::Continue => st = 0,
                        }
                    }
                    Ok(st)
                })();
                self.loop_depth -= 1;
                r
            }
            CommandKind::While { cond, body, until } => {
                let mut st = 0;
                self.loop_depth += 1;
                let r = (|| loop {
                    self.errexit_suppressed += 1;
                    let c = self.run_list(cond);
                    self.errexit_suppressed -= 1;
                    let c = match loop_step(c)? {
                        Step::Ran(c) => c,
                        Step::Break => return Ok(0),
                        Step::Continue => {
                            st = 0;
                            continue;
                        }
                    };
                    if (c == 0) == *until {
                        return Ok(st);
                    }
                    match loop_step(self.run_list(body))? {
                        Step::Ran(s) => st = s,
                        Step::Break => return Ok(0),
                        Step::Continue => st = 0,
                    }
                })();
                self.loop_depth -= 1;
                r
            }
            CommandKind::Case { word, arms } => {
                self.set_line(c.span);
                // (bash traces `case` before its DEBUG trap.)
                if self.opts.xtrace {
                    builtins::xtrace(self, &format!("case {word} in"));
                }
                self.before_command(|| format!("case {word} in "))?;
                let w = expand::expand_single(self, word)?;
                let mut i = 0;
                let mut st = 0;
                while i < arms.len() {
                    let arm = &arms[i];
                    let mut hit = false;
                    for p in &arm.patterns {
                        let pat = expand::expand_pattern(self, p)?;
                        if pattern::fnmatch_case(&pat, &w, self.shopts.nocasematch) {
                            hit = true;
                            break;
                        }
                    }
                    if hit {
                        st = self.run_list(&arm.body)?;
                        let mut j = i;
                        while arms[j].fallthrough && j + 1 < arms.len() {
                            j += 1;
                            st = self.run_list(&arms[j].body)?;
                        }
                        if !arms[j].test_next {
                            return Ok(st);
                        }
                        i = j;
                    }
                    i += 1;
                }
                Ok(st)
            }
            CommandKind::Arith(parts) => {
                self.set_line(c.span);
                self.before_command(|| format!("(({}))", ArithText(parts)))?;
                Ok(match self.arith_command(parts)? {
                    Some(v) => i32::from(v == 0),
                    None => 1,
                })
            }
            CommandKind::ArithFor {
                init,
                cond,
                step,
                body,
            } => {
                self.set_line(c.span);
                let line = self.lineno;
                self.loop_depth += 1;
                let r = self.arith_for(line, [init, cond, step], body);
                self.loop_depth -= 1;
                r
            }
            CommandKind::Cond(e) => {
                self.set_line(c.span);
                self.before_command(|| format!("[[ {e} ]]"))?;
                cond::run(self, e)
            }
            CommandKind::Select { var, words, body } => self.run_select(c.span, var, words, body),
            CommandKind::Coproc { name, body } => self.run_coproc(c.span, name, body),
            CommandKind::Simple(_) | CommandKind::FuncDef { .. } => self.run_command(c),
        }
    }

    /// Expand, trace and evaluate an arithmetic command's expression
    /// (bash's `execute_arith_command`): `None` after an error, which
    /// has been reported.
    fn arith_command(&mut self, parts: &[WordPart]) -> Result<Option<i64>, Ctl> {
        let text = expand::arith_text(self, parts)?;
        if self.opts.xtrace {
            builtins::xtrace(self, &format!("(( {text} ))"));
        }
        Ok(expand::arith_eval_cmd(self, &text, "(("))
    }

    /// One expression of `for ((…))`: expanded and traced, then its DEBUG
    /// trap, then evaluated (bash's order there).
    fn arith_for_part(&mut self, parts: &[WordPart]) -> Result<Option<i64>, Ctl> {
        let text = expand::arith_text(self, parts)?;
        if self.opts.xtrace {
            builtins::xtrace(self, &format!("(( {text} ))"));
        }
        self.before_command(|| format!("(({}))", ArithText(parts)))?;
        Ok(expand::arith_eval_cmd(self, &text, "(("))
    }

    /// `for ((init; cond; step))` (bash's `execute_arith_for_command`):
    /// the expressions are evaluated (and reported) at the line of `for`;
    /// an arithmetic error ends the loop with status 1.
    fn arith_for(&mut self, line: usize, exprs: [&Vec<WordPart>; 3], body: &List) -> Ex {
        let [init, cond, step] = exprs;
        self.lineno = line;
        if self.arith_for_part(init)?.is_none() {
            return Ok(1);
        }
        let mut st = 0;
        loop {
            self.lineno = line;
            match self.arith_for_part(cond)? {
                None => return Ok(1),
                Some(0) => return Ok(st),
                Some(_) => {}
            }
            match loop_step(self.run_list(body))? {
                Step::Ran(s) => st = s,
                Step::Break => return Ok(0),
                Step::Continue => st = 0,
            }
            self.lineno = line;
            if self.arith_for_part(step)?.is_none() {
                return Ok(1);
            }
        }
    }

    /// The words a `for` or `select` goes over: `in WORDS` expanded, else
    /// the positional parameters.
    pub(super) fn loop_items(&mut self, words: &Option<Vec<Word>>) -> Result<Vec<String>, Ctl> {
        let Some(ws) = words else {
            return Ok(self.params.clone());
        };
        let mut v = Vec::new();
        for w in ws {
            v.extend(expand::expand_word(self, w)?);
        }
        Ok(v)
    }

    /// Call a shell function with `args` as its positional parameters.
    pub fn call_function(&mut self, body: &std::sync::Arc<Command>, args: Vec<String>) -> Ex {
        let saved = std::mem::replace(&mut self.params, args);
        self.locals.push(Vec::new());
        self.func_depth += 1;
        let saved_loop = std::mem::replace(&mut self.loop_depth, 0);
        let line = self.lineno;
        let traps = self.enter_function_traps();
        let mut r = if self.command_hook {
            self.debug_trap()
        } else {
            Ok(())
        }
        .and_then(|()| self.run_command(body));
        if self.traps.contains_key("RETURN") {
            r = self.return_trap(r);
        }
        self.leave_function_traps(traps);
        self.lineno = line;
        self.loop_depth = saved_loop;
        self.func_depth -= 1;
        if let Some(frame) = self.locals.pop() {
            for (name, old) in frame.into_iter().rev() {
                match old {
                    Some(v) => {
                        self.vars.insert(name, v);
                    }
                    None => {
                        self.vars.remove(&name);
                    }
                }
            }
            self.env_cache = None;
        }
        self.params = saved;
        match r {
            Err(Ctl::Return(s)) => Ok(s),
            other => other,
        }
    }

    /// A function does not inherit the ERR trap (without `set -E`) nor the
    /// DEBUG and RETURN traps (without `set -T`): they are put aside for
    /// the call.
    fn enter_function_traps(&mut self) -> Vec<(&'static str, String)> {
        let mut aside = Vec::new();
        if self.traps.is_empty() {
            return aside;
        }
        let kept = [
            ("ERR", self.opts.errtrace),
            ("DEBUG", self.opts.functrace),
            ("RETURN", self.opts.functrace),
        ];
        for (name, inherited) in kept {
            if !inherited {
                if let Some(t) = self.traps.remove(name) {
                    aside.push((name, t));
                }
            }
        }
        aside
    }

    /// After the call, a trap put aside comes back unless the function
    /// set its own, which stays (bash's `maybe_set_error_trap`).
    fn leave_function_traps(&mut self, aside: Vec<(&'static str, String)>) {
        for (name, t) in aside {
            self.traps.entry(name.to_string()).or_insert(t);
        }
    }

    /// The RETURN trap, run as a function or a sourced file finishes, with
    /// `$?` its status; the result of the body stands unless the trap
    /// leaves (`exit`).
    pub fn return_trap(&mut self, r: Ex) -> Ex {
        let Some(t) = self.traps.get("RETURN").cloned() else {
            return r;
        };
        // After `return N`, `$?` is still the status of the command
        // before it, as in bash.
        let saved = self.status;
        match r {
            Ok(s) => self.status = s,
            Err(Ctl::Return(_)) => {}
            _ => return r,
        }
        let tr = self.run_trap(&t);
        self.status = saved;
        tr?;
        r
    }

    /// Run pending signal traps.
    pub fn check_traps(&mut self) -> Result<(), Ctl> {
        for sig in proc::take_pending_signals() {
            let name = proc::signal_name(sig);
            if let Some(t) = self.traps.get(name).cloned() {
                self.run_trap(&t)?;
            }
        }
        Ok(())
    }
}

/// The wall clock in whole seconds: `$SECONDS` counts as bash's does,
/// from `time(NULL)` at the start (or at the last assignment).
pub fn epoch_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn same_dir(a: &str, b: &str) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => {
            use std::os::unix::fs::MetadataExt;
            a.starts_with('/') && x.dev() == y.dev() && x.ino() == y.ino()
        }
        _ => false,
    }
}

/// bash's report of a syntax error: `PREFIX: line N: message`, and for an
/// unexpected token a second line quoting the source line.
pub fn bash_syntax_lines(
    prefix: &str,
    line: usize,
    text: &str,
    e: &crate::syntax::SyntaxError,
) -> String {
    let mut s = format!("{prefix}: line {line}: {}\n", e.message);
    if e.message.contains("near unexpected token") {
        let at = e.offset.min(text.len());
        let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let end = text[start..]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(text.len());
        s.push_str(&format!("{prefix}: line {line}: `{}'\n", &text[start..end]));
    }
    s
}

/// The line bash names for a syntax error in `text`: the offending token's,
/// or for an unexpected end of file the line where it met the end.
pub fn syntax_error_line(text: &str, e: &crate::syntax::SyntaxError) -> usize {
    if e.message.contains("EOF while looking") {
        let lines = text.matches('\n').count() + usize::from(!text.ends_with('\n'));
        let b = text.as_bytes();
        let at = e.offset.min(text.len());
        // bash names the line a quote, `${`, `((`/`$((` or `a=(` opened
        // on; a `$(` it reads on to the end, one line past it.
        let comsub =
            b.get(at) == Some(&b'(') && at > 0 && b[at - 1] == b'$' && b.get(at + 1) != Some(&b'(');
        return match e
            .message
            .strip_prefix("unexpected EOF while looking for matching ")
        {
            Some(_) if comsub => lines + 1,
            Some(_) => Source::new("", text).line_of(at),
            None => lines,
        };
    }
    let line = Source::new("", text).line_of(e.offset);
    if e.message.contains("end of file") && !text.ends_with('\n') {
        // bash reads one more (empty) line before it sees the end.
        return line + 1;
    }
    line
}

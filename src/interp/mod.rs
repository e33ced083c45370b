//! Evaluation of the AST: the process model, control flow, dispatch.
//!
//! nsh runs commands as bash does: a single-threaded process that forks for
//! external programs, pipelines (every element in its own child), subshells,
//! command substitutions and background jobs; builtins and the native
//! network commands run in-process with redirections applied to the
//! process's own descriptors and undone afterwards.
//!
//! Command lookup: functions, builtins, native commands
//! ([`crate::native::lookup`]), then `PATH`.

pub mod arith;
mod builtins;
pub use builtins::set_option;
mod expand;
pub mod pattern;
pub mod printf;
mod redir;
pub mod test_cmd;

use std::collections::HashMap;
use std::ffi::CString;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::Signal;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};

use crate::ast::*;
use crate::native::{self, NetCtx, Outcome};
use crate::span::{SourceFile, Span};

pub use expand::Fields;

/// Non-local control flow out of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Break(usize),
    Continue(usize),
    Return(i32),
    /// Leave the shell (the `exit` builtin, a fatal expansion error).
    Exit(i32),
    /// Abandon the current top-level command (bash's arithmetic errors).
    Abort(i32),
}

pub type Res = Result<i32, Flow>;

/// A shell variable.
#[derive(Debug, Clone, Default)]
pub struct Var {
    pub value: String,
    pub exported: bool,
    pub readonly: bool,
}

/// `set -o` options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub errexit: bool,
    pub nounset: bool,
    pub xtrace: bool,
    pub pipefail: bool,
    pub noglob: bool,
    pub noexec: bool,
    pub allexport: bool,
}

/// A background job started with `&`.
#[derive(Debug, Clone)]
pub struct Job {
    pub pid: Pid,
    pub status: Option<i32>,
    pub text: String,
}

/// Signals whose trap or EXIT-trap handling is pending (bit per signal).
static PENDING_SIGNALS: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    PENDING_SIGNALS.fetch_or(1 << sig, Ordering::SeqCst);
}

/// The interpreter's state.
pub struct Shell {
    pub vars: HashMap<String, Var>,
    pub positional: Vec<String>,
    /// `$0`, also the prefix of error messages (`t.sh: line 3: …`).
    pub arg0: String,
    pub functions: HashMap<String, Rc<FunctionDef>>,
    pub opts: Options,
    pub last_status: i32,
    pub last_bg: Option<Pid>,
    pub jobs: Vec<Job>,
    /// Trap commands by signal number; 0 is EXIT.
    pub traps: HashMap<i32, String>,
    /// Saved variables of each active function call, for `local`.
    locals: Vec<Vec<(String, Option<Var>)>>,
    pub net: NetCtx,
    /// Line starts of each source being run (for line numbers).
    sources: Vec<(SourceFile, Vec<usize>)>,
    pub line: usize,
    /// >0 while running a condition (errexit does not apply).
    errexit_off: usize,
    loop_depth: usize,
    func_depth: usize,
    /// In a forked child (subshell, pipeline element, substitution).
    pub subshell: bool,
    hash: HashMap<String, String>,
    in_exit_trap: bool,
    /// Status of the last command substitution of the current command.
    last_cmdsub_status: Option<i32>,
    /// Depth of `.`/`source` (for `return`).
    sourcing: usize,
    /// Set by `exec` without a command: keep its redirections.
    keep_redirects: bool,
    /// The pid of the main shell process (`$$`, also in subshells).
    pid: i32,
}

impl Default for Shell {
    fn default() -> Self {
        Self::new()
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        text.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i + 1),
    );
    v
}

impl Shell {
    pub fn new() -> Self {
        let mut vars = HashMap::new();
        for (k, v) in std::env::vars_os() {
            if let (Ok(k), Ok(v)) = (k.into_string(), v.into_string()) {
                vars.insert(
                    k,
                    Var {
                        value: v,
                        exported: true,
                        readonly: false,
                    },
                );
            }
        }
        let mut sh = Shell {
            vars,
            positional: Vec::new(),
            arg0: "nsh".into(),
            functions: HashMap::new(),
            opts: Options::default(),
            last_status: 0,
            last_bg: None,
            jobs: Vec::new(),
            traps: HashMap::new(),
            locals: Vec::new(),
            net: NetCtx::new(),
            sources: Vec::new(),
            line: 0,
            errexit_off: 0,
            loop_depth: 0,
            func_depth: 0,
            subshell: false,
            hash: HashMap::new(),
            in_exit_trap: false,
            last_cmdsub_status: None,
            sourcing: 0,
            keep_redirects: false,
            pid: std::process::id() as i32,
        };
        sh.set_default("IFS", " \t\n");
        sh.set_default("PS4", "+ ");
        sh.set_default("OPTIND", "1");
        let ppid = nix::unistd::getppid().as_raw().to_string();
        sh.vars.insert(
            "PPID".into(),
            Var {
                value: ppid,
                exported: false,
                readonly: false,
            },
        );
        if let Ok(cwd) = std::env::current_dir() {
            let pwd_ok = sh
                .vars
                .get("PWD")
                .map(|v| std::fs::canonicalize(&v.value).ok() == Some(cwd.clone()))
                .unwrap_or(false);
            if !pwd_ok {
                let _ = sh.set_var("PWD", cwd.to_string_lossy().into_owned());
            }
        }
        sh
    }

    fn set_default(&mut self, name: &str, value: &str) {
        self.vars.entry(name.into()).or_insert(Var {
            value: value.into(),
            exported: false,
            readonly: false,
        });
    }

    // ------------------------------------------------------------ variables

    pub fn get_var(&self, name: &str) -> Option<String> {
        match name {
            "LINENO" => Some(self.line.to_string()),
            "RANDOM" => Some((rand_u32() % 32768).to_string()),
            _ => self.vars.get(name).map(|v| v.value.clone()),
        }
    }

    /// Assign, as `NAME=VALUE` does. Errors name the readonly variable.
    pub fn set_var(&mut self, name: &str, value: String) -> Result<(), String> {
        if name == "PATH" {
            self.hash.clear();
        }
        let allexport = self.opts.allexport;
        let v = self.vars.entry(name.to_string()).or_default();
        if v.readonly {
            return Err(format!("{name}: readonly variable"));
        }
        v.value = value;
        if allexport {
            v.exported = true;
        }
        Ok(())
    }

    /// Print `PREFIX: line N: MSG` on stderr, as bash reports errors.
    pub fn error(&self, msg: &str) {
        let text = format!("{}: line {}: {}\n", self.arg0, self.line, msg);
        let _ = FdWriter(2).write_all(text.as_bytes());
    }

    fn set_line(&mut self, span: Span) {
        if !self.sources.is_empty() {
            self.line = self.line_of(span);
        }
    }

    // ------------------------------------------------------------ running

    /// Run a whole program (a script, `-c` text, a sourced file).
    pub fn run_source(&mut self, src: &SourceFile, list: &List) -> Res {
        self.sources.push((src.clone(), line_starts(&src.text)));
        let r = self.run_toplevel(list);
        self.sources.pop();
        r
    }

    /// Run top-level commands. An aborted command (bash's jump to top
    /// level: assignment to a readonly variable, arithmetic error) skips
    /// the rest of its line, as bash reads and runs a line at a time.
    fn run_toplevel(&mut self, list: &List) -> Res {
        let mut status = 0;
        let mut skip_line = None;
        for item in &list.items {
            if let Some(line) = skip_line {
                if self.line_of(item.span) == line {
                    continue;
                }
                skip_line = None;
            }
            match self.run_item(item) {
                Ok(s) => status = s,
                Err(Flow::Abort(s)) => {
                    status = s;
                    self.last_status = s;
                    skip_line = Some(self.line_of(item.span));
                }
                Err(f) => return Err(f),
            }
        }
        Ok(status)
    }

    fn line_of(&self, span: Span) -> usize {
        match self.sources.last() {
            Some((_, starts)) => match starts.binary_search(&span.start) {
                Ok(i) => i + 1,
                Err(i) => i,
            },
            None => 0,
        }
    }

    pub fn run_list(&mut self, list: &List) -> Res {
        let mut status = 0;
        for item in &list.items {
            status = self.run_item(item)?;
        }
        Ok(status)
    }

    fn run_item(&mut self, item: &ListItem) -> Res {
        self.check_signals()?;
        if item.background {
            return self.run_background(item);
        }
        let s = self.run_and_or(&item.and_or)?;
        self.check_signals()?;
        Ok(s)
    }

    fn run_background(&mut self, item: &ListItem) -> Res {
        self.net.barrier(&mut FdWriter(2));
        flush_all();
        // SAFETY: nsh is single-threaded (native commands join their
        // threads before returning), so the child may run arbitrary code.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                self.become_child();
                // Non-interactive shells give background jobs /dev/null.
                if let Ok(f) = std::fs::File::open("/dev/null") {
                    raw_dup2(f.as_raw_fd(), 0);
                }
                let s = match self.run_and_or(&item.and_or) {
                    Ok(s) => s,
                    Err(Flow::Exit(s)) | Err(Flow::Return(s)) | Err(Flow::Abort(s)) => s,
                    Err(_) => 0,
                };
                self.exit_child(s)
            }
            Ok(ForkResult::Parent { child }) => {
                self.last_bg = Some(child);
                self.jobs.push(Job {
                    pid: child,
                    status: None,
                    text: String::new(),
                });
                self.last_status = 0;
                Ok(0)
            }
            Err(e) => {
                self.error(&format!("fork: {}", e.desc()));
                Ok(1)
            }
        }
    }

    fn run_and_or(&mut self, ao: &AndOr) -> Res {
        let n = ao.rest.len();
        if n > 0 {
            self.errexit_off += 1;
        }
        let first = self.run_pipeline(&ao.first, n == 0);
        if n > 0 {
            self.errexit_off -= 1;
        }
        let mut status = first?;
        for (i, (op, pl)) in ao.rest.iter().enumerate() {
            let run = match op {
                AndOrOp::And => status == 0,
                AndOrOp::Or => status != 0,
            };
            if run {
                let last = i + 1 == n;
                if !last {
                    self.errexit_off += 1;
                }
                let r = self.run_pipeline(pl, last);
                if !last {
                    self.errexit_off -= 1;
                }
                status = r?;
            }
        }
        Ok(status)
    }

    fn run_pipeline(&mut self, pl: &Pipeline, errexit_applies: bool) -> Res {
        if pl.bang {
            self.errexit_off += 1;
        }
        let r = if pl.commands.len() == 1 {
            self.run_command(&pl.commands[0])
        } else {
            self.run_multi(&pl.commands)
        };
        if pl.bang {
            self.errexit_off -= 1;
        }
        let mut status = r?;
        if pl.bang {
            status = (status == 0) as i32;
        }
        self.last_status = status;
        if status != 0 && errexit_applies && !pl.bang {
            self.check_errexit(status)?;
        }
        Ok(status)
    }

    fn check_errexit(&mut self, status: i32) -> Res {
        if self.opts.errexit && self.errexit_off == 0 {
            return Err(Flow::Exit(status));
        }
        Ok(status)
    }

    /// A pipeline of several commands: each runs in its own child.
    fn run_multi(&mut self, cmds: &[Command]) -> Res {
        self.net.barrier(&mut FdWriter(2));
        flush_all();
        let mut pids = Vec::new();
        let mut prev_read: Option<std::os::fd::OwnedFd> = None;
        for (i, cmd) in cmds.iter().enumerate() {
            let last = i + 1 == cmds.len();
            let pipe = if last {
                None
            } else {
                match nix::unistd::pipe() {
                    Ok(p) => Some(p),
                    Err(e) => {
                        self.error(&format!("pipe error: {}", e.desc()));
                        return Ok(1);
                    }
                }
            };
            // SAFETY: single-threaded process; see run_background.
            match unsafe { fork() } {
                Ok(ForkResult::Child) => {
                    self.become_child();
                    if let Some(r) = &prev_read {
                        raw_dup2(r.as_raw_fd(), 0);
                    }
                    if let Some((_, w)) = &pipe {
                        raw_dup2(w.as_raw_fd(), 1);
                    }
                    drop(prev_read.take());
                    drop(pipe);
                    let s = match self.run_command_in_child(cmd) {
                        Ok(s) => s,
                        Err(Flow::Exit(s)) | Err(Flow::Return(s)) | Err(Flow::Abort(s)) => s,
                        Err(_) => 0,
                    };
                    self.exit_child(s)
                }
                Ok(ForkResult::Parent { child }) => {
                    pids.push(child);
                    prev_read = pipe.map(|(r, _w)| r);
                }
                Err(e) => {
                    self.error(&format!("fork: {}", e.desc()));
                    return Ok(1);
                }
            }
        }
        drop(prev_read);
        let mut statuses = Vec::new();
        for pid in pids {
            statuses.push(self.wait_pid(pid));
        }
        let last = *statuses.last().unwrap_or(&0);
        if self.opts.pipefail {
            if let Some(s) = statuses.iter().rev().find(|s| **s != 0) {
                return Ok(*s);
            }
        }
        Ok(last)
    }

    /// In a forked child: a simple external command execs directly, without
    /// another fork.
    fn run_command_in_child(&mut self, cmd: &Command) -> Res {
        self.run_command(cmd)
    }

    /// Wait for a child, returning its shell status (128+N for a signal).
    pub fn wait_pid(&mut self, pid: Pid) -> i32 {
        loop {
            match waitpid(pid, None) {
                Ok(WaitStatus::Exited(_, s)) => return s,
                Ok(WaitStatus::Signaled(_, sig, _)) => {
                    if sig == Signal::SIGINT && !self.subshell {
                        let _ = FdWriter(2).write_all(b"\n");
                    }
                    return 128 + sig as i32;
                }
                Ok(_) => continue,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return 127,
            }
        }
    }

    /// Set-up of every forked child.
    fn become_child(&mut self) {
        self.net.after_fork();
        self.subshell = true;
        self.jobs.clear();
        // Traps other than ignored ones are reset in subshells.
        let ignored: Vec<i32> = self
            .traps
            .iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(k, _)| *k)
            .collect();
        for (sig, _) in self.traps.drain() {
            if sig > 0 && !ignored.contains(&sig) {
                reset_signal(sig);
            }
        }
        for sig in ignored {
            self.traps.insert(sig, String::new());
        }
    }

    /// Leave a forked child with `status`, never returning.
    pub fn exit_child(&mut self, status: i32) -> ! {
        self.net.barrier(&mut FdWriter(2));
        flush_all();
        // SAFETY: _exit is always safe; it skips atexit handlers and
        // destructors that belong to the parent's state.
        unsafe { libc::_exit(status) }
    }

    /// Run the EXIT trap (once), commit queued native work, and give the
    /// status the shell leaves with.
    pub fn finish(&mut self, status: i32) -> i32 {
        let mut status = status;
        if !self.in_exit_trap {
            if let Some(cmd) = self.traps.remove(&0) {
                self.in_exit_trap = true;
                self.last_status = status;
                if let Err(Flow::Exit(s)) = self.eval_string(&cmd, "trap") {
                    status = s;
                }
            }
        }
        let b = self.net.barrier(&mut FdWriter(2));
        if status == 0 && b != 0 {
            status = b;
        }
        flush_all();
        status
    }

    /// Parse and run a string (eval, traps).
    pub fn eval_string(&mut self, text: &str, name: &str) -> Res {
        let src = SourceFile::new(
            self.sources
                .last()
                .map(|(s, _)| s.name.to_string())
                .unwrap_or_else(|| name.to_string()),
            text.to_string(),
        );
        match crate::syntax::parse_program(&src) {
            Ok(list) => {
                let line = self.line;
                self.sources.push((src, line_starts(text)));
                let r = self.run_list(&list);
                self.sources.pop();
                self.line = line;
                r
            }
            Err(e) => {
                self.error(&format!("{name}: {e}"));
                Ok(2)
            }
        }
    }

    fn check_signals(&mut self) -> Result<(), Flow> {
        let pending = PENDING_SIGNALS.swap(0, Ordering::SeqCst);
        if pending == 0 {
            return Ok(());
        }
        for sig in 1..32 {
            if pending & (1 << sig) == 0 {
                continue;
            }
            match self.traps.get(&sig).cloned() {
                Some(cmd) if !cmd.is_empty() => {
                    let saved = self.last_status;
                    self.eval_string(&cmd, "trap")?;
                    self.last_status = saved;
                }
                Some(_) => {}
                None => {
                    // No trap of its own: the EXIT trap runs, then the signal
                    // takes its default effect.
                    let status = self.finish(128 + sig);
                    reset_signal(sig);
                    // SAFETY: raising a signal on ourselves.
                    unsafe { libc::raise(sig) };
                    return Err(Flow::Exit(status));
                }
            }
        }
        Ok(())
    }

    /// Install our handler for `sig` (a trap, or EXIT-trap handling).
    pub fn catch_signal(&mut self, sig: i32) {
        // SAFETY: the handler only touches an atomic.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }

    // ------------------------------------------------------------ commands

    fn run_command(&mut self, cmd: &Command) -> Res {
        match cmd {
            Command::Simple(sc) => self.run_simple(sc),
            Command::Compound(c, redirs, span) => {
                self.set_line(*span);
                if redirs.is_empty() {
                    return self.run_compound(c);
                }
                let saved = match self.apply_redirects(redirs, true) {
                    Ok(s) => s,
                    Err(status) => return Ok(status),
                };
                let r = self.run_compound(c);
                redir::restore(saved);
                r
            }
            Command::FunctionDef(f) => {
                self.functions.insert(f.name.clone(), f.clone());
                Ok(0)
            }
        }
    }

    fn run_compound(&mut self, c: &Compound) -> Res {
        match c {
            Compound::Brace(l) => self.run_list(l),
            Compound::Subshell(l) => self.run_subshell(l),
            Compound::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    self.errexit_off += 1;
                    let c = self.run_list(cond);
                    self.errexit_off -= 1;
                    if c? == 0 {
                        return self.run_list(body);
                    }
                }
                match otherwise {
                    Some(l) => self.run_list(l),
                    None => Ok(0),
                }
            }
            Compound::For { var, words, body } => {
                let items: Vec<String> = match words {
                    Some(ws) => {
                        let mut v = Vec::new();
                        for w in ws {
                            v.extend(self.expand_word(w)?);
                        }
                        v
                    }
                    None => self.positional.clone(),
                };
                let mut status = 0;
                self.loop_depth += 1;
                let r = (|| {
                    for it in items {
                        if let Err(e) = self.set_var(var, it) {
                            self.error(&e);
                            return Ok(1);
                        }
                        match self.run_list(body) {
                            Ok(s) => status = s,
                            Err(Flow::Break(n)) => {
                                if n > 1 {
                                    return Err(Flow::Break(n - 1));
                                }
                                return Ok(status);
                            }
                            Err(Flow::Continue(n)) => {
                                if n > 1 {
                                    return Err(Flow::Continue(n - 1));
                                }
                            }
                            Err(f) => return Err(f),
                        }
                    }
                    Ok(status)
                })();
                self.loop_depth -= 1;
                r
            }
            Compound::While { cond, body, until } => {
                let mut status = 0;
                self.loop_depth += 1;
                let r = (|| loop {
                    self.errexit_off += 1;
                    let c = self.run_list(cond);
                    self.errexit_off -= 1;
                    let c = match c {
                        Ok(c) => c,
                        Err(Flow::Break(n)) => {
                            if n > 1 {
                                return Err(Flow::Break(n - 1));
                            }
                            return Ok(status);
                        }
                        Err(Flow::Continue(n)) => {
                            if n > 1 {
                                return Err(Flow::Continue(n - 1));
                            }
                            continue;
                        }
                        Err(f) => return Err(f),
                    };
                    if (c == 0) == *until {
                        return Ok(status);
                    }
                    match self.run_list(body) {
                        Ok(s) => status = s,
                        Err(Flow::Break(n)) => {
                            if n > 1 {
                                return Err(Flow::Break(n - 1));
                            }
                            return Ok(status);
                        }
                        Err(Flow::Continue(n)) => {
                            if n > 1 {
                                return Err(Flow::Continue(n - 1));
                            }
                        }
                        Err(f) => return Err(f),
                    }
                })();
                self.loop_depth -= 1;
                r
            }
            Compound::Case { word, items } => {
                let subject = self.expand_string(word)?;
                let mut status = 0;
                let mut falling = false;
                let mut i = 0;
                while i < items.len() {
                    let item = &items[i];
                    let mut hit = falling;
                    if !hit {
                        for p in &item.patterns {
                            let pat = self.expand_pattern(p)?;
                            if pattern::fnmatch(&pat, &subject) {
                                hit = true;
                                break;
                            }
                        }
                    }
                    if hit {
                        status = self.run_list(&item.body)?;
                        match item.end {
                            CaseEnd::Break => return Ok(status),
                            CaseEnd::FallThrough => falling = true,
                            CaseEnd::TestNext => falling = false,
                        }
                    }
                    i += 1;
                }
                Ok(status)
            }
        }
    }

    fn run_subshell(&mut self, l: &List) -> Res {
        self.net.barrier(&mut FdWriter(2));
        flush_all();
        // SAFETY: single-threaded process; see run_background.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                self.become_child();
                let s = match self.run_list(l) {
                    Ok(s) => s,
                    Err(Flow::Exit(s)) | Err(Flow::Return(s)) | Err(Flow::Abort(s)) => s,
                    Err(_) => 0,
                };
                let s = self.finish(s);
                self.exit_child(s)
            }
            Ok(ForkResult::Parent { child }) => Ok(self.wait_pid(child)),
            Err(e) => {
                self.error(&format!("fork: {}", e.desc()));
                Ok(1)
            }
        }
    }

    fn run_simple(&mut self, sc: &SimpleCommand) -> Res {
        self.set_line(sc.span);
        self.last_cmdsub_status = None;
        let mut argv: Vec<String> = Vec::with_capacity(sc.words.len());
        let mut spans: Vec<Span> = Vec::with_capacity(sc.words.len());
        for w in &sc.words {
            let fields = self.expand_word(w)?;
            for f in fields {
                argv.push(f);
                spans.push(w.span);
            }
        }
        if argv.is_empty() {
            // Assignments (and redirections) only.
            let mut values = Vec::new();
            for a in &sc.assigns {
                values.push((a.name.clone(), self.expand_assign(&a.value)?));
            }
            if self.opts.xtrace {
                let t: Vec<String> = values
                    .iter()
                    .map(|(n, v)| format!("{n}={}", xtrace_quote(v)))
                    .collect();
                self.trace(&t);
            }
            let mut status = self.last_cmdsub_status.unwrap_or(0);
            for (n, v) in values {
                if let Err(e) = self.set_var(&n, v) {
                    self.error(&e);
                    status = 1;
                    if !self.subshell {
                        return Err(Flow::Abort(1));
                    }
                }
            }
            if !sc.redirects.is_empty() {
                match self.apply_redirects(&sc.redirects, true) {
                    Ok(saved) => redir::restore(saved),
                    Err(s) => return Ok(s),
                }
            }
            return Ok(status);
        }
        let mut assigns = Vec::new();
        for a in &sc.assigns {
            assigns.push((a.name.clone(), self.expand_assign(&a.value)?));
        }
        if self.opts.xtrace {
            let mut t: Vec<String> = assigns
                .iter()
                .map(|(n, v)| format!("{n}={}", xtrace_quote(v)))
                .collect();
            t.extend(argv.iter().map(|a| xtrace_quote(a)));
            self.trace(&t);
        }
        if self.opts.noexec {
            return Ok(0);
        }
        self.run_argv(argv, spans, assigns, &sc.redirects, true)
    }

    fn trace(&self, words: &[String]) {
        let ps4 = self.get_var("PS4").unwrap_or_else(|| "+ ".into());
        let text = format!("{ps4}{}\n", words.join(" "));
        let _ = FdWriter(2).write_all(text.as_bytes());
    }

    /// Run an expanded command: lookup and dispatch.
    pub fn run_argv(
        &mut self,
        argv: Vec<String>,
        spans: Vec<Span>,
        assigns: Vec<(String, String)>,
        redirects: &[Redirect],
        allow_functions: bool,
    ) -> Res {
        let name = argv[0].as_str();
        if name != "iptables" {
            let b = self.net.barrier(&mut FdWriter(2));
            if b != 0 {
                self.last_status = b;
            }
        }
        if allow_functions {
            if let Some(f) = self.functions.get(name).cloned() {
                return self.with_redirects_and_assigns(redirects, &assigns, |sh| {
                    sh.call_function(&f, &argv)
                });
            }
        }
        if let Some(b) = builtins::lookup(name) {
            return self.with_redirects_and_assigns(redirects, &assigns, |sh| b(sh, &argv));
        }
        if let Some(f) = native::lookup(name) {
            return self.with_redirects_and_assigns(redirects, &assigns, |sh| {
                sh.run_native(f, &argv, &spans)
            });
        }
        self.run_external(&argv, &assigns, redirects)
    }

    fn with_redirects_and_assigns(
        &mut self,
        redirects: &[Redirect],
        assigns: &[(String, String)],
        f: impl FnOnce(&mut Shell) -> Res,
    ) -> Res {
        let saved = if redirects.is_empty() {
            Vec::new()
        } else {
            match self.apply_redirects(redirects, true) {
                Ok(s) => s,
                Err(status) => return Ok(status),
            }
        };
        let mut old = Vec::new();
        for (n, v) in assigns {
            old.push((n.clone(), self.vars.get(n).cloned()));
            if let Err(e) = self.set_var(n, v.clone()) {
                self.error(&e);
            }
            if let Some(var) = self.vars.get_mut(n) {
                var.exported = true;
            }
        }
        let r = f(self);
        for (n, v) in old.into_iter().rev() {
            match v {
                Some(v) => {
                    self.vars.insert(n, v);
                }
                None => {
                    self.vars.remove(&n);
                }
            }
        }
        flush_all();
        if std::mem::take(&mut self.keep_redirects) {
            redir::forget(saved);
        } else {
            redir::restore(saved);
        }
        r
    }

    pub fn shell_pid(&self) -> i32 {
        self.pid
    }

    fn call_function(&mut self, f: &Rc<FunctionDef>, argv: &[String]) -> Res {
        if self.func_depth > 1000 {
            self.error(&format!(
                "{}: maximum function nesting level exceeded (1000)",
                f.name
            ));
            return Err(Flow::Abort(1));
        }
        let saved_pos = std::mem::replace(&mut self.positional, argv[1..].to_vec());
        self.locals.push(Vec::new());
        self.func_depth += 1;
        let saved_loop = std::mem::replace(&mut self.loop_depth, 0);
        let r = if f.redirects.is_empty() {
            self.run_compound(&f.body)
        } else {
            match self.apply_redirects(&f.redirects, true) {
                Ok(saved) => {
                    let r = self.run_compound(&f.body);
                    redir::restore(saved);
                    r
                }
                Err(s) => Ok(s),
            }
        };
        self.loop_depth = saved_loop;
        self.func_depth -= 1;
        if let Some(frame) = self.locals.pop() {
            for (n, v) in frame.into_iter().rev() {
                match v {
                    Some(v) => {
                        self.vars.insert(n, v);
                    }
                    None => {
                        self.vars.remove(&n);
                    }
                }
            }
        }
        self.positional = saved_pos;
        match r {
            Err(Flow::Return(s)) => Ok(s),
            other => other,
        }
    }

    /// `local NAME[=VALUE]`: remember the outer value for the function's end.
    pub fn make_local(&mut self, name: &str) -> bool {
        let Some(frame) = self.locals.last_mut() else {
            return false;
        };
        if !frame.iter().any(|(n, _)| n == name) {
            frame.push((name.to_string(), self.vars.get(name).cloned()));
        }
        true
    }

    fn run_native(&mut self, f: native::NativeFn, argv: &[String], spans: &[Span]) -> Res {
        let words: Vec<native::Word> = argv[1..]
            .iter()
            .zip(&spans[1..])
            .map(|(a, s)| native::Word::new(a.clone(), *s))
            .collect();
        let outcome = {
            let mut stdin = FdReader(0);
            let mut stdout = std::io::BufWriter::with_capacity(8192, FdWriter(1));
            let mut stderr = FdWriter(2);
            let mut io = native::Io {
                stdin: &mut stdin,
                stdout: &mut stdout,
                stderr: &mut stderr,
            };
            let o = f(&mut self.net, &words, &mut io);
            let _ = io.stdout.flush();
            o
        };
        match outcome {
            Outcome::Status(s) => Ok(s),
            Outcome::ExecIn { netns, argv } => {
                let saved = self.net.netns.replace(netns);
                let args: Vec<String> = argv.iter().map(|w| w.node.clone()).collect();
                let sp: Vec<Span> = argv.iter().map(|w| w.span).collect();
                let r = if args.is_empty() {
                    Ok(0)
                } else {
                    self.run_argv(args, sp, Vec::new(), &[], false)
                };
                self.net.netns = saved;
                r
            }
        }
    }

    /// Find a command on PATH (cached).
    pub fn find_in_path(&mut self, name: &str) -> Option<String> {
        if name.contains('/') {
            return Some(name.to_string());
        }
        if let Some(p) = self.hash.get(name) {
            return Some(p.clone());
        }
        let path = self
            .get_var("PATH")
            .unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
        for dir in path.split(':') {
            let dir = if dir.is_empty() { "." } else { dir };
            let cand = format!("{dir}/{name}");
            if is_executable_file(&cand) {
                self.hash.insert(name.to_string(), cand.clone());
                return Some(cand);
            }
        }
        None
    }

    /// The environment of a child: exported variables plus `assigns`.
    fn child_env(&self, assigns: &[(String, String)]) -> Vec<CString> {
        let mut env: Vec<CString> = Vec::with_capacity(self.vars.len());
        for (k, v) in &self.vars {
            if v.exported && !assigns.iter().any(|(n, _)| n == k) {
                if let Ok(c) = CString::new(format!("{k}={}", v.value)) {
                    env.push(c);
                }
            }
        }
        for (k, v) in assigns {
            if let Ok(c) = CString::new(format!("{k}={v}")) {
                env.push(c);
            }
        }
        env
    }

    fn run_external(
        &mut self,
        argv: &[String],
        assigns: &[(String, String)],
        redirects: &[Redirect],
    ) -> Res {
        let name = &argv[0];
        let Some(path) = self.find_in_path(name) else {
            // bash still performs (and reports) the redirections first.
            if !redirects.is_empty() {
                match self.apply_redirects(redirects, true) {
                    Ok(saved) => redir::restore(saved),
                    Err(s) => return Ok(s),
                }
            }
            self.error(&format!("{name}: command not found"));
            return Ok(127);
        };
        flush_all();
        if self.subshell && redirects.is_empty() && self.net.netns.is_none() {
            // Already in a child of our own (pipeline element): exec in place.
            return Ok(self.exec_now(&path, argv, assigns));
        }
        // SAFETY: single-threaded process; see run_background.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                self.become_child();
                if self.apply_redirects(redirects, false).is_err() {
                    self.exit_child(1);
                }
                let s = self.exec_now(&path, argv, assigns);
                self.exit_child(s)
            }
            Ok(ForkResult::Parent { child }) => Ok(self.wait_pid(child)),
            Err(e) => {
                self.error(&format!("fork: {}", e.desc()));
                Ok(1)
            }
        }
    }

    /// In a child: enter the current native namespace if any, then exec.
    /// Returns only on failure, with the status to exit with.
    fn exec_now(&mut self, path: &str, argv: &[String], assigns: &[(String, String)]) -> i32 {
        if let Some(ns) = self.net.netns.clone() {
            if let Err(e) = crate::backend::netns::enter_for_exec(&ns) {
                let _ = writeln!(FdWriter(2), "{e}");
                return 1;
            }
        }
        let env = self.child_env(assigns);
        let Ok(cpath) = CString::new(path) else {
            return 127;
        };
        let cargs: Vec<CString> = argv
            .iter()
            .filter_map(|a| CString::new(a.as_str()).ok())
            .collect();
        let err = nix::unistd::execve(&cpath, &cargs, &env).err();
        let name = &argv[0];
        match err {
            Some(nix::errno::Errno::ENOENT) => {
                if self.net.netns.is_some() {
                    let _ = writeln!(
                        FdWriter(2),
                        "exec of \"{name}\" failed: No such file or directory"
                    );
                    return 1;
                }
                self.error(&format!("{name}: No such file or directory"));
                127
            }
            Some(nix::errno::Errno::ENOEXEC) => {
                // A script without a shebang: run it with ourselves.
                let me = std::env::current_exe()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| "/bin/sh".into());
                let mut args = vec![CString::new(me.clone()).unwrap_or_default()];
                args.extend(cargs);
                let _ = nix::unistd::execve(&CString::new(me).unwrap_or_default(), &args, &env);
                126
            }
            Some(e) => {
                if std::path::Path::new(path).is_dir() {
                    self.error(&format!("{name}: Is a directory"));
                } else {
                    self.error(&format!("{name}: {}", e.desc()));
                }
                126
            }
            None => 0,
        }
    }

    /// `$(…)`: run `list` in a child with its output captured.
    pub fn command_substitution(&mut self, list: &List) -> Result<String, Flow> {
        self.net.barrier(&mut FdWriter(2));
        flush_all();
        let (r, w) = match nix::unistd::pipe() {
            Ok(p) => p,
            Err(e) => {
                self.error(&format!("pipe error: {}", e.desc()));
                return Ok(String::new());
            }
        };
        // SAFETY: single-threaded process; see run_background.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                self.become_child();
                drop(r);
                raw_dup2(w.as_raw_fd(), 1);
                drop(w);
                let s = match self.run_list(list) {
                    Ok(s) => s,
                    Err(Flow::Exit(s)) | Err(Flow::Return(s)) | Err(Flow::Abort(s)) => s,
                    Err(_) => 0,
                };
                let s = self.finish(s);
                self.exit_child(s)
            }
            Ok(ForkResult::Parent { child }) => {
                drop(w);
                let mut out = Vec::new();
                let mut f = std::fs::File::from(r);
                let _ = std::io::Read::read_to_end(&mut f, &mut out);
                let s = self.wait_pid(child);
                self.last_status = s;
                self.last_cmdsub_status = Some(s);
                while out.last() == Some(&b'\n') {
                    out.pop();
                }
                Ok(String::from_utf8_lossy(&out).into_owned())
            }
            Err(e) => {
                self.error(&format!("fork: {}", e.desc()));
                Ok(String::new())
            }
        }
    }
}

/// Unbuffered writes to a raw descriptor (the process's fd 1 or 2, as the
/// current redirections have set them).
pub struct FdWriter(pub RawFd);

impl Write for FdWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        loop {
            // SAFETY: writing from a valid buffer to a descriptor number.
            let n = unsafe { libc::write(self.0, buf.as_ptr().cast(), buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Unbuffered reads from a raw descriptor.
pub struct FdReader(pub RawFd);

impl std::io::Read for FdReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            // SAFETY: reading into a valid buffer from a descriptor number.
            let n = unsafe { libc::read(self.0, buf.as_mut_ptr().cast(), buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

fn raw_dup2(src: RawFd, dst: RawFd) {
    // SAFETY: plain descriptor operation on descriptor numbers.
    unsafe {
        libc::dup2(src, dst);
    }
}

fn flush_all() {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
}

fn reset_signal(sig: i32) {
    // SAFETY: restoring the default disposition.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
    }
}

fn is_executable_file(p: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(p) {
        Ok(m) => m.is_file() && m.permissions().mode() & 0o111 != 0,
        Err(_) => false,
    }
}

fn rand_u32() -> u32 {
    use std::cell::Cell;
    thread_local!(static STATE: Cell<u64> = Cell::new(std::process::id() as u64 * 6364136223846793005 + 1442695040888963407));
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 32) as u32
    })
}

/// Quote a word for `set -x` output as bash does.
pub fn xtrace_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let plain = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-./=+,:@%^/".contains(c));
    if plain {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

//! Processes and file descriptors: fork, exec, wait, pipes, command
//! substitution, redirections and signal traps.
//!
//! File descriptors are handled as raw integers with libc calls: the shell
//! moves fds 0/1/2 around with `dup2` (for builtins, saved and restored
//! afterwards) and a forked child only makes raw syscalls on data prepared
//! before the fork.

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{ForkResult, Pid};

use super::expand;
use super::{Ctl, Ex, Shell};
use crate::ast::{Command, CommandKind, List, Redir, RedirOp, WordPart};

/// A `Write` on a raw file descriptor (unbuffered).
pub struct FdWriter(pub i32);

impl std::io::Write for FdWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: writing from a valid slice to a raw fd; an invalid fd
        // only makes the call fail with EBADF.
        let n = unsafe { libc::write(self.0, buf.as_ptr().cast(), buf.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                return self.write(buf);
            }
            return Err(e);
        }
        Ok(n as usize)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A `Read` on a raw file descriptor.
pub struct FdReader(pub i32);

impl std::io::Read for FdReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            // SAFETY: reading into a valid mutable slice from a raw fd.
            let n = unsafe { libc::read(self.0, buf.as_mut_ptr().cast(), buf.len()) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            return Ok(n as usize);
        }
    }
}

/// The C library's text for an OS error, as bash prints it
/// ("No such file or directory", "Bad file descriptor").
pub fn strerror(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        // SAFETY: strerror returns a pointer to a NUL-terminated string
        // that stays valid until the next call; it is copied at once.
        Some(n) => unsafe {
            let p = libc::strerror(n);
            if p.is_null() {
                return e.to_string();
            }
            std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
        },
        None => e.to_string(),
    }
}

/// Write all of `buf` to `fd`, ignoring errors (as bash's messages do).
pub fn write_fd(fd: i32, buf: &[u8]) -> bool {
    std::io::Write::write_all(&mut FdWriter(fd), buf).is_ok()
}

fn dup2(from: i32, to: i32) -> bool {
    // SAFETY: dup2 on raw fds has no memory-safety preconditions.
    unsafe { libc::dup2(from, to) >= 0 }
}

fn close(fd: i32) {
    // SAFETY: closing a raw fd we own (or an invalid one: EBADF).
    unsafe {
        libc::close(fd);
    }
}

fn pipe() -> Option<(i32, i32)> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    (r == 0).then_some((fds[0], fds[1]))
}

/// Make `fd` (an end of a pipe or a file we opened) the descriptor `to`.
/// Make `to` the descriptor of what `fd` refers to, inherited by the
/// programs run (a descriptor nsh opens is close-on-exec; when the kernel
/// gave it the number wanted, that flag must go too).
fn move_fd(fd: i32, to: i32) {
    if fd != to {
        dup2(fd, to);
        close(fd);
    } else {
        // SAFETY: F_SETFD on a descriptor we own.
        unsafe {
            libc::fcntl(fd, libc::F_SETFD, 0);
        }
    }
}

/// Redirect stdin from /dev/null (asynchronous commands).
pub fn stdin_devnull() {
    if let Ok(f) = std::fs::File::open("/dev/null") {
        use std::os::fd::IntoRawFd;
        move_fd(f.into_raw_fd(), 0);
    }
}

// ---- signals -------------------------------------------------------------

const NSIG: usize = 65;
static PENDING: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];

extern "C" fn on_signal(sig: libc::c_int) {
    if let Some(p) = PENDING.get(sig as usize) {
        p.store(true, Ordering::SeqCst);
    }
}

/// Signals caught since the last call.
pub fn take_pending_signals() -> Vec<i32> {
    let mut v = Vec::new();
    for (i, p) in PENDING.iter().enumerate() {
        if p.load(Ordering::Relaxed) && p.swap(false, Ordering::SeqCst) {
            v.push(i as i32);
        }
    }
    v
}

/// The description of a signal, as strsignal(3) gives it ("Killed").
pub fn strsignal(sig: i32) -> String {
    // SAFETY: strsignal returns a pointer to a static (or thread-local)
    // NUL-terminated string, copied at once.
    unsafe {
        let p = libc::strsignal(sig);
        if p.is_null() {
            return format!("Signal {sig}");
        }
        std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

pub fn signal_name(sig: i32) -> &'static str {
    const NAMES: [&str; 31] = [
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
        "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];
    usize::try_from(sig - 1)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("")
}

/// The real-time signals as bash names them: `RTMIN`, `RTMIN+1` … up to
/// the middle, then … `RTMAX-1`, `RTMAX`.
fn rt_signal_name(sig: i32) -> Option<String> {
    let (min, max) = (libc::SIGRTMIN(), libc::SIGRTMAX());
    if !(min..=max).contains(&sig) {
        return None;
    }
    Some(match sig {
        s if s == min => "RTMIN".to_string(),
        s if s == max => "RTMAX".to_string(),
        s if s - min <= (max - min) / 2 => format!("RTMIN+{}", s - min),
        s => format!("RTMAX-{}", max - s),
    })
}

/// A signal's name without `SIG`, real-time ones included.
pub fn signal_full_name(sig: i32) -> Option<String> {
    match signal_name(sig) {
        "" => rt_signal_name(sig),
        n => Some(n.to_string()),
    }
}

/// `kill -l` / `trap -l`: every signal, five to a line.
pub fn signal_table() -> String {
    let mut s = String::new();
    let mut column = 0;
    for n in 1..=libc::SIGRTMAX() {
        let Some(name) = signal_full_name(n) else {
            continue;
        };
        s.push_str(&format!("{n:2}) SIG{name}"));
        column += 1;
        if column < 5 {
            s.push('\t');
        } else {
            s.push('\n');
            column = 0;
        }
    }
    if column != 0 {
        s.push('\n');
    }
    s
}

/// A signal number from a name (`TERM`, `SIGTERM`, `15`).
/// The signals whose disposition is SIG_IGN right now (at start: the ones
/// the shell inherited ignored, e.g. SIGHUP under nohup).
pub fn ignored_signals() -> Vec<i32> {
    (1..32)
        .filter(|&n| n != libc::SIGKILL && n != libc::SIGSTOP)
        .filter(|&n| {
            // SAFETY: a query only (no new action); `old` is plain data.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(n, std::ptr::null(), &mut old) == 0
                    && old.sa_sigaction == libc::SIG_IGN
            }
        })
        .collect()
}

/// The traps that are not signals, numbered -1, -2, -3 by
/// [`signal_number`] (EXIT is 0).
pub const PSEUDO_SIGNALS: [&str; 3] = ["ERR", "DEBUG", "RETURN"];

/// A trap's name from its number: `EXIT`, `ERR`, `DEBUG`, `RETURN`, or
/// the signal's name without `SIG`.
pub fn trap_name(n: i32) -> &'static str {
    match n {
        0 => "EXIT",
        n if n < 0 => PSEUDO_SIGNALS[(-1 - n) as usize],
        n => signal_name(n),
    }
}

/// A signal's number (0 for EXIT, negative for the other pseudo-signals).
pub fn signal_number(name: &str) -> Option<i32> {
    if let Ok(n) = name.parse::<i32>() {
        return Some(n);
    }
    let n = name.to_ascii_uppercase();
    let n = n.strip_prefix("SIG").unwrap_or(&n);
    if n == "EXIT" {
        return Some(0);
    }
    if let Some(i) = PSEUDO_SIGNALS.iter().position(|&p| p == n) {
        return Some(-1 - i as i32);
    }
    (1..=libc::SIGRTMAX()).find(|&s| signal_full_name(s).is_some_and(|f| f == n))
}

/// How a trapped signal is handled: caught (trap action), ignored (`trap ''`)
/// or default (`trap -`).
pub fn set_signal(sig: i32, action: Option<bool>) {
    let handler = match action {
        Some(true) => on_signal as *const () as libc::sighandler_t,
        Some(false) => libc::SIG_IGN,
        None => libc::SIG_DFL,
    };
    // SAFETY: installing an async-signal-safe handler (it only stores to
    // an atomic) or SIG_IGN / SIG_DFL.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

// ---- fork and wait ----------------------------------------------------------

/// Fork a subshell running `f`; returns the child's pid.
pub fn fork_child(sh: &mut Shell, f: impl FnOnce(&mut Shell) -> Ex) -> Result<i32, Ctl> {
    // SAFETY: nsh is single-threaded (helper threads are joined before they
    // return), so the child may keep running Rust code.
    match unsafe { nix::unistd::fork() } {
        Ok(ForkResult::Child) => {
            sh.in_child = true;
            sh.subshell_level += 1;
            sh.ctx.after_fork();
            // (The parent's jobs stay listed, as bash's `$(jobs -p)` shows
            // them, but they are not this process's children.)
            sh.coproc_closeall();
            // A subshell does not inherit traps, except ignored signals,
            // ERR with `set -E` and DEBUG and RETURN with `set -T`.
            let traps: Vec<(String, String)> = sh.traps.drain().collect();
            for (name, action) in traps {
                let inherited = match name.as_str() {
                    "ERR" => sh.opts.errtrace,
                    "DEBUG" | "RETURN" => sh.opts.functrace,
                    _ => action.is_empty(),
                };
                if inherited {
                    sh.traps.insert(name, action);
                } else if let Some(n) = signal_number(&name) {
                    if n > 0 {
                        set_signal(n, None);
                    }
                }
            }
            let st = match f(sh) {
                Ok(s) => s,
                Err(Ctl::Exit(s)) | Err(Ctl::Return(s)) | Err(Ctl::Abort(s)) => s,
                Err(_) => sh.status,
            };
            let st = sh.exit_shell(st);
            // SAFETY: leaving the forked child without running the parent's
            // atexit handlers or flushing its stdio buffers.
            unsafe { libc::_exit(st & 0xff) }
        }
        Ok(ForkResult::Parent { child }) => Ok(child.as_raw()),
        Err(e) => {
            sh.error(&format!("fork: {}", crate::backend::errno_text(e as i32)));
            Err(Ctl::Abort(254))
        }
    }
}

/// Wait for `pid`; its exit status (128+N if killed by signal N).
/// Background jobs that have ended by then are reaped too: like bash's
/// job notification, it makes them done for `wait -n`.
pub fn wait_pid(sh: &mut Shell, pid: i32) -> i32 {
    let st = wait_pid_with(sh, pid, false);
    if sh.jobs.iter().any(|j| j.status.is_none()) {
        reap_ended_jobs(sh);
    }
    st
}

fn reap_ended_jobs(sh: &mut Shell) {
    for i in 0..sh.jobs.len() {
        if sh.jobs[i].status.is_some() {
            continue;
        }
        let pid = Pid::from_raw(sh.jobs[i].pid);
        match waitpid(pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(p, c)) => {
                record(sh, p.as_raw(), c);
            }
            Ok(WaitStatus::Signaled(p, s, _)) => {
                record_signaled(sh, p.as_raw(), s as i32);
            }
            _ => {}
        }
    }
}

/// `wait -n`: the next child to end, with its status (recorded for its
/// job); `None` when there is no child, or a trapped signal came.
pub fn wait_any_child(sh: &mut Shell) -> Option<(i32, i32)> {
    loop {
        match waitpid(Pid::from_raw(-1), None) {
            Ok(WaitStatus::Exited(p, c)) => return Some((p.as_raw(), record(sh, p.as_raw(), c))),
            Ok(WaitStatus::Signaled(p, s, _)) => {
                return Some((p.as_raw(), record_signaled(sh, p.as_raw(), s as i32)))
            }
            Ok(_) => continue,
            Err(nix::errno::Errno::EINTR) if pending_signal().is_none() => continue,
            Err(_) => return None,
        }
    }
}

/// The `wait` builtin's wait: a trapped signal interrupts it, and it
/// returns 128+N at once so that the trap runs (bash's `wait` does).
pub fn wait_pid_interruptible(sh: &mut Shell, pid: i32) -> i32 {
    wait_pid_with(sh, pid, true)
}

/// A trapped signal that arrived and was not yet handled.
pub fn pending_signal() -> Option<i32> {
    PENDING
        .iter()
        .position(|p| p.load(Ordering::SeqCst))
        .map(|i| i as i32)
}

fn wait_pid_with(sh: &mut Shell, pid: i32, interruptible: bool) -> i32 {
    sh.last_wait_signal = None;
    loop {
        match waitpid(Pid::from_raw(pid), None) {
            Ok(WaitStatus::Exited(_, c)) => return record(sh, pid, c),
            Ok(WaitStatus::Signaled(_, s, core)) => {
                sh.last_wait_signal = Some(s as i32);
                let _ = core;
                return record_signaled(sh, pid, s as i32);
            }
            Ok(_) => continue,
            Err(nix::errno::Errno::EINTR) => {
                if interruptible {
                    if let Some(sig) = pending_signal() {
                        return 128 + sig;
                    }
                }
                continue;
            }
            Err(_) => {
                return sh
                    .jobs
                    .iter()
                    .find(|j| j.pid == pid)
                    .and_then(|j| j.status)
                    .unwrap_or(127)
            }
        }
    }
}

fn record(sh: &mut Shell, pid: i32, st: i32) -> i32 {
    if let Some(j) = sh.jobs.iter_mut().find(|j| j.pid == pid) {
        j.status = Some(st);
    }
    sh.coproc_reaped(pid);
    st
}

/// A child killed by signal `sig`: recorded as 128+sig; a background
/// job's death is reported as bash reports it (`line N: PID Killed  cmd`),
/// except for SIGINT, SIGTERM, SIGPIPE and trapped signals.
fn record_signaled(sh: &mut Shell, pid: i32, sig: i32) -> i32 {
    let quiet = matches!(sig, libc::SIGINT | libc::SIGTERM | libc::SIGPIPE)
        || sh.traps.contains_key(signal_name(sig));
    if !quiet {
        if let Some(j) = sh.jobs.iter().find(|j| j.pid == pid && j.status.is_none()) {
            let msg = format!("{pid:>5} {:<24}{}", strsignal(sig), j.text);
            sh.error(&msg);
        }
    }
    record(sh, pid, 128 + sig)
}

/// A child reaped elsewhere: its job's status (and a coprocess's end).
pub fn record_status(sh: &mut Shell, pid: i32, st: i32) -> i32 {
    record(sh, pid, st)
}

/// Run a pipeline: every element in its own child, as bash does.
pub fn run_pipeline(sh: &mut Shell, cmds: &[Command]) -> Ex {
    sh.barrier();
    let mut pids = Vec::with_capacity(cmds.len());
    let mut prev_read: Option<i32> = None;
    // `shopt -s lastpipe`: the last element runs in this shell.
    let lastpipe = sh.shopts.lastpipe;
    let n = cmds.len() - usize::from(lastpipe);
    for (i, c) in cmds[..n].iter().enumerate() {
        // bash runs a simple command's DEBUG trap before it forks.
        // (The child runs the command with `run_simple`, without it.)
        if sh.command_hook && matches!(c.kind, CommandKind::Simple(_)) {
            sh.before_command(|| crate::ast::command_text(c))?;
        }
        let last = i + 1 == cmds.len();
        let next = if last { None } else { pipe() };
        let (r, w) = (prev_read, next.map(|p| p.1));
        let next_read = next.map(|p| p.0);
        let pid = fork_child(sh, |sh| {
            if let Some(r) = r {
                move_fd(r, 0);
            }
            if let Some(w) = w {
                move_fd(w, 1);
            }
            if let Some(nr) = next_read {
                close(nr);
            }
            // A simple command of a pipeline does not count as a subshell
            // in `$BASH_SUBSHELL` (bash forks it as it runs it).
            if matches!(c.kind, CommandKind::Simple(_)) {
                sh.subshell_level -= 1;
            }
            run_in_child(sh, c)
        });
        if let Some(r) = prev_read {
            close(r);
        }
        if let Some(w) = w {
            close(w);
        }
        prev_read = next_read;
        match pid {
            Ok(p) => pids.push(p),
            Err(e) => return Err(e),
        }
    }
    let mut statuses = Vec::with_capacity(pids.len() + 1);
    let mut ctl = None;
    if lastpipe {
        // Its stdin is the pipe, for the time it runs (bash's lastpipe).
        let saved = prev_read.map(|r| {
            // SAFETY: F_DUPFD_CLOEXEC on fd 0; fails harmlessly if closed.
            let copy = unsafe { libc::fcntl(0, libc::F_DUPFD_CLOEXEC, 10) };
            move_fd(r, 0);
            copy
        });
        let r = sh.run_command(&cmds[n]);
        if let Some(copy) = saved {
            if copy >= 0 {
                move_fd(copy, 0);
            } else {
                close(0);
            }
        }
        match r {
            Ok(st) => statuses.push(st),
            Err(e) => {
                statuses.push(sh.status);
                ctl = Some(e);
            }
        }
    }
    let mut waited = Vec::with_capacity(pids.len());
    for p in pids {
        waited.push(wait_pid(sh, p));
    }
    statuses.splice(0..0, waited);
    if let Some(e) = ctl {
        return Err(e);
    }
    let last = statuses.last().copied().unwrap_or(0);
    sh.pipestatus.clone_from(&statuses);
    if sh.opts.pipefail {
        Ok(statuses
            .iter()
            .rev()
            .find(|&&s| s != 0)
            .copied()
            .unwrap_or(0))
    } else {
        Ok(last)
    }
}

/// In a forked child: run a command; a simple external command is exec'd
/// directly without another fork.
pub fn run_in_child(sh: &mut Shell, c: &Command) -> Ex {
    // A subshell is this child already (bash forks once: `$!` of
    // `( … ) &` is the subshell, and `kill $!` ends it).
    if let CommandKind::Subshell(l) = &c.kind {
        if c.redirs.is_empty() {
            return sh.run_list(l);
        }
    }
    if let CommandKind::Simple(s) = &c.kind {
        sh.lineno = sh
            .sources
            .last()
            .map(|src| src.line_of(c.span.start))
            .unwrap_or(0);
        return super::builtins::run_simple(sh, s, c.span, true);
    }
    sh.run_command(c)
}

/// `$(…)`: run `list` in a child with its stdout on a pipe; the output with
/// trailing newlines removed. Sets `$?` to the child's status.
pub fn command_subst(sh: &mut Shell, list: &List) -> Result<String, Ctl> {
    sh.barrier();
    if let Some(r) = cat_file(list) {
        return Ok(read_for_subst(sh, r));
    }
    let Some((r, w)) = pipe() else {
        sh.error("cannot make pipe for command substitution");
        return Err(Ctl::Abort(1));
    };
    let pid = fork_child(sh, |sh| {
        close(r);
        move_fd(w, 1);
        // bash (not in posix mode) clears -e in command substitutions,
        // unless `shopt -s inherit_errexit`.
        if !sh.shopts.inherit_errexit {
            sh.opts.errexit = false;
        }
        sh.xtrace_level += 1;
        sh.run_list(list)
    });
    close(w);
    let pid = match pid {
        Ok(p) => p,
        Err(e) => {
            close(r);
            return Err(e);
        }
    };
    let mut out = Vec::new();
    let _ = std::io::Read::read_to_end(&mut FdReader(r), &mut out);
    close(r);
    let st = wait_pid(sh, pid);
    sh.status = st;
    sh.status_from_subst = Some(st);
    while out.last() == Some(&b'\n') {
        out.pop();
    }
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// `$(< FILE)`: a command of one input redirection and nothing else,
/// which bash reads itself instead of running a command.
fn cat_file(list: &List) -> Option<&crate::ast::Redir> {
    let [item] = list.items.as_slice() else {
        return None;
    };
    let p = &item.and_or.first;
    if item.background || !item.and_or.rest.is_empty() || p.bang || p.time.is_some() {
        return None;
    }
    let [c] = p.cmds.as_slice() else {
        return None;
    };
    match &c.kind {
        CommandKind::Simple(s) if s.assigns.is_empty() && s.words.is_empty() => {
            match s.redirs.as_slice() {
                [r] if r.op == RedirOp::In
                    && matches!(r.fd, None | Some(0))
                    && r.fd_var.is_none() =>
                {
                    Some(r)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The contents of `$(< FILE)`, trailing newlines removed; `$?` is 1 (with
/// bash's message) when it cannot be read.
fn read_for_subst(sh: &mut Shell, r: &crate::ast::Redir) -> String {
    let st = match expand_target(sh, r) {
        Ok(target) => match std::fs::read(&target) {
            Ok(mut out) => {
                while out.last() == Some(&b'\n') {
                    out.pop();
                }
                sh.status = 0;
                sh.status_from_subst = Some(0);
                return String::from_utf8(out)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            }
            Err(e) => redir_error(sh, &target, &e),
        },
        Err(st) => st,
    };
    sh.status = st;
    sh.status_from_subst = Some(st);
    String::new()
}

/// `<(list)` (`output` false) or `>(list)`: run the list in a child
/// writing to (reading from) a pipe whose other end the shell keeps open
/// until the command is done; the word is that end's /dev/fd path. `$!` is
/// the child, as in bash.
pub fn process_subst(sh: &mut Shell, list: &List, output: bool) -> Result<String, Ctl> {
    sh.barrier();
    let Some((r, w)) = pipe() else {
        sh.error("cannot make pipe for process substitution");
        return Err(Ctl::Abort(1));
    };
    let (mine, theirs) = if output { (w, r) } else { (r, w) };
    let pid = fork_child(sh, |sh| {
        close(mine);
        move_fd(theirs, if output { 0 } else { 1 });
        for fd in std::mem::take(&mut sh.psub_fds) {
            close(fd);
        }
        sh.run_list(list)
    });
    close(theirs);
    let pid = match pid {
        Ok(p) => p,
        Err(e) => {
            close(mine);
            return Err(e);
        }
    };
    // The command (a program it runs, too) opens /dev/fd/N: not CLOEXEC,
    // and at 63 or above, as bash, out of the way of `exec 3< <(…)`.
    // SAFETY: fcntl/close on descriptors this function owns.
    let mine = unsafe {
        let high = libc::fcntl(mine, libc::F_DUPFD, 63);
        if high >= 0 {
            libc::close(mine);
            high
        } else {
            libc::fcntl(mine, libc::F_SETFD, 0);
            mine
        }
    };
    sh.psub_fds.push(mine);
    sh.psub_pids.push(pid);
    sh.last_bg = Some(pid);
    Ok(format!("/dev/fd/{mine}"))
}

/// Close the process substitutions' pipes opened since `mark` (their
/// children see end of file or a broken pipe), and reap those that ended.
pub fn close_process_substs(sh: &mut Shell, mark: usize) {
    for fd in sh.psub_fds.drain(mark..) {
        close(fd);
    }
    sh.psub_pids.retain(|&p| {
        !matches!(
            nix::sys::wait::waitpid(
                nix::unistd::Pid::from_raw(p),
                Some(nix::sys::wait::WaitPidFlag::WNOHANG),
            ),
            Ok(nix::sys::wait::WaitStatus::Exited(..) | nix::sys::wait::WaitStatus::Signaled(..))
                | Err(_)
        )
    });
}

// ---- exec ---------------------------------------------------------------------

/// A search of `path` for `name` (bash's `find_user_command`): the first
/// executable regular file, else the first regular file.
pub fn search_path(path: &str, name: &str) -> Option<String> {
    let mut fallback = None;
    for dir in path.split(':') {
        let dir = if dir.is_empty() { "." } else { dir };
        let cand = format!("{dir}/{name}");
        if let Ok(md) = std::fs::metadata(&cand) {
            if md.is_file() {
                if nix::unistd::access(cand.as_str(), nix::unistd::AccessFlags::X_OK).is_ok() {
                    return Some(cand);
                }
                fallback.get_or_insert(cand);
            }
        }
    }
    fallback
}

pub fn is_executable_file(p: &str) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file())
        && nix::unistd::access(p, nix::unistd::AccessFlags::X_OK).is_ok()
}

/// The hash table's path for `name` (a hit); with `shopt -s checkhash`
/// an entry that is no longer an executable file is dropped.
fn hashed(sh: &mut Shell, name: &str) -> Option<String> {
    let p = sh.hash.search(name)?;
    if sh.shopts.checkhash && !is_executable_file(&p) {
        sh.hash.remove(name);
        return None;
    }
    Some(p)
}

/// Where `name` is found, for `type` and `command -v`: the hash table
/// (counting a hit), else PATH (without entering it in the table).
pub fn find_in_path(sh: &mut Shell, name: &str) -> Option<String> {
    if name.contains('/') {
        return Some(name.to_string());
    }
    if let Some(p) = hashed(sh, name) {
        return Some(p);
    }
    let path = sh.get_var("PATH").unwrap_or("").to_string();
    search_path(&path, name)
}

/// Where the command `name` to be run is, as bash's `search_for_command`:
/// the hash table, else a PATH search whose (absolute) result is entered
/// with one hit. `temp_path`: a `PATH=…` given to this command alone,
/// searched without the table.
pub fn find_command(sh: &mut Shell, name: &str, temp_path: Option<&str>) -> Option<String> {
    if name.contains('/') {
        return Some(name.to_string());
    }
    if let Some(tp) = temp_path {
        return search_path(tp, name);
    }
    if sh.ctx.netns.is_some() {
        // `ip netns exec NS CMD`: iproute2 execvp's CMD, the shell's
        // table is neither used nor filled.
        let path = sh.get_var("PATH").unwrap_or("").to_string();
        return search_path(&path, name);
    }
    if let Some(p) = hashed(sh, name) {
        return Some(p);
    }
    let path = sh.get_var("PATH").unwrap_or("").to_string();
    let p = search_path(&path, name)?;
    if p.starts_with('/') {
        sh.hash.insert(name, &p, 1);
    }
    Some(p)
}

/// The `PATH=…` among a command's prefix assignments.
pub fn temp_path(extra_env: &[(String, String)]) -> Option<&str> {
    extra_env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.as_str())
}

thread_local! {
    /// Why the last `execve` failed (for `exec`'s message).
    static LAST_EXEC_ERRNO: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
}

/// The errno of the last failed `execve` of [`exec_found`].
pub fn last_exec_errno() -> i32 {
    LAST_EXEC_ERRNO.with(|c| c.get())
}

/// In a child (or for `exec`): replace the process with `argv`. Returns
/// only on failure, with the status bash would exit with.
pub fn exec_external(sh: &mut Shell, argv: &[String], extra_env: &[(String, String)]) -> i32 {
    let path = find_command(sh, &argv[0], temp_path(extra_env));
    exec_found(sh, argv, extra_env, path)
}

/// [`exec_external`] of a command already looked up (`None`: not found).
pub fn exec_found(
    sh: &mut Shell,
    argv: &[String],
    extra_env: &[(String, String)],
    path: Option<String>,
) -> i32 {
    let name = &argv[0];
    // Under `ip netns exec`, a failure is iproute2's, worded as its
    // ip/ipnetns.c: on_netns_exec (`exec of "X" failed: …`, status 1).
    let in_netns = sh.ctx.netns.is_some();
    let Some(path) = path else {
        if in_netns {
            write_fd(
                2,
                format!("exec of \"{name}\" failed: No such file or directory\n").as_bytes(),
            );
            return 1;
        }
        sh.error(&format!("{name}: command not found"));
        return 127;
    };
    if let Some(ns) = sh.ctx.netns.clone() {
        if let Err(e) = crate::backend::netns::enter_for_exec(&ns) {
            write_fd(2, format!("{e}\n").as_bytes());
            return 1;
        }
    }
    let env = sh.environ();
    let mut envv: Vec<CString> = Vec::new();
    if extra_env.is_empty() {
        envv.extend(env.iter().cloned());
    } else {
        for e in env.iter() {
            let b = e.as_bytes();
            let k = b.split(|&c| c == b'=').next().unwrap_or(b);
            if !extra_env.iter().any(|(n, _)| n.as_bytes() == k) {
                envv.push(e.clone());
            }
        }
        for (k, v) in extra_env {
            if let Ok(c) = CString::new(format!("{k}={v}")) {
                envv.push(c);
            }
        }
    }
    let args: Vec<CString> = argv
        .iter()
        .filter_map(|a| CString::new(a.as_str()).ok())
        .collect();
    let Ok(cpath) = CString::new(path.as_str()) else {
        return 127;
    };
    // Signals caught by traps are reset to default across exec anyway;
    // ignored ones stay ignored, as in bash.
    let err = match nix::unistd::execve(&cpath, &args, &envv) {
        Err(e) => e,
        Ok(_) => return 0,
    };
    LAST_EXEC_ERRNO.with(|c| c.set(err as i32));
    if in_netns {
        write_fd(
            2,
            format!(
                "exec of \"{name}\" failed: {}\n",
                crate::backend::errno_text(err as i32)
            )
            .as_bytes(),
        );
        return 1;
    }
    match err {
        nix::errno::Errno::ENOEXEC => {
            // A script without a #! line: bash runs it itself.
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            sh.note_text(&text);
            match crate::syntax::parse(&text) {
                Ok(list) => {
                    sh.arg0 = name.clone();
                    sh.params = argv[1..].to_vec();
                    sh.funcs.clear();
                    let src = std::rc::Rc::new(super::Source::parsed(name, &text));
                    sh.run_program(&list, src)
                }
                Err(e) => {
                    sh.error(&e.message);
                    2
                }
            }
        }
        nix::errno::Errno::ENOENT => {
            sh.error(&format!("{path}: No such file or directory"));
            127
        }
        e => {
            let is_dir = std::fs::metadata(&path)
                .map(|m| m.is_dir())
                .unwrap_or(false);
            if is_dir {
                sh.error(&format!("{name}: Is a directory"));
            } else {
                sh.error(&format!("{name}: {}", crate::backend::errno_text(e as i32)));
            }
            126
        }
    }
}

/// Fork and exec an external command; its status.
pub fn spawn_external(sh: &mut Shell, argv: &[String], extra_env: &[(String, String)]) -> Ex {
    sh.barrier();
    let pid = fork_child(sh, |sh| {
        let st = exec_external(sh, argv, extra_env);
        // SAFETY: exec failed in the forked child; leave immediately.
        unsafe { libc::_exit(st) }
    })?;
    Ok(wait_pid(sh, pid))
}

// ---- redirections -------------------------------------------------------------

/// What to undo after a builtin's redirections: (fd, saved copy or None if
/// it was closed).
pub type Saved = Vec<(i32, Option<i32>)>;

pub fn restore_redirs(saved: Saved) {
    for (fd, copy) in saved.into_iter().rev() {
        match copy {
            Some(c) => {
                dup2(c, fd);
                close(c);
            }
            None => close(fd),
        }
    }
}

fn save_fd(saved: &mut Saved, fd: i32) {
    if saved.iter().any(|(f, _)| *f == fd) {
        return;
    }
    // SAFETY: F_DUPFD_CLOEXEC on a raw fd; fails harmlessly if closed.
    let c = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
    saved.push((fd, (c >= 0).then_some(c)));
}

/// Apply redirections to the process's fds. With `save`, the previous fds
/// are kept so [`restore_redirs`] can undo them. On error the message is
/// printed, what was applied is undone, and the status (1) returned.
pub fn apply_redirs(sh: &mut Shell, redirs: &[Redir], save: bool) -> Result<Saved, i32> {
    let mut saved = Saved::new();
    for r in redirs {
        if let Err(st) = apply_one(sh, r, save.then_some(&mut saved)) {
            restore_redirs(saved);
            return Err(st);
        }
    }
    Ok(saved)
}

fn open_file(path: &str, flags: i32) -> Result<i32, std::io::Error> {
    let c = CString::new(path).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: a valid NUL-terminated path.
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC, 0o666) };
    if fd < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(fd)
    }
}

fn apply_one(sh: &mut Shell, r: &Redir, mut saved: Option<&mut Saved>) -> Result<(), i32> {
    if let Some(var) = &r.fd_var {
        return apply_var_redir(sh, r, var, saved);
    }
    let permanent = saved.is_none();
    let mut save = |fd: i32| {
        if let Some(s) = saved.as_deref_mut() {
            save_fd(s, fd);
        }
    };
    // Here-documents and here-strings: the text through a pipe.
    if let RedirOp::HereDoc { .. } | RedirOp::HereString = r.op {
        let mut text = match expand::expand_single(sh, &r.target) {
            Ok(t) => t,
            Err(_) => return Err(1),
        };
        if r.op == RedirOp::HereString {
            text.push('\n');
        }
        let fd = r.fd.unwrap_or(0);
        let rfd = heredoc_fd(&text).ok_or(1)?;
        save(fd);
        move_fd(rfd, fd);
        return Ok(());
    }
    let target = expand_target(sh, r)?;
    // `set -C`: `>` and `&>` do not truncate an existing regular file.
    if sh.opts.noclobber
        && matches!(r.op, RedirOp::Out | RedirOp::OutErr)
        && std::fs::metadata(&target).is_ok_and(|m| m.is_file())
    {
        sh.error(&format!("{target}: cannot overwrite existing file"));
        return Err(1);
    }
    let (fd, flags) = match r.op {
        RedirOp::In => (r.fd.unwrap_or(0), libc::O_RDONLY),
        RedirOp::Out | RedirOp::Clobber => (
            r.fd.unwrap_or(1),
            libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
        ),
        RedirOp::Append => (
            r.fd.unwrap_or(1),
            libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND,
        ),
        RedirOp::ReadWrite => (r.fd.unwrap_or(0), libc::O_RDWR | libc::O_CREAT),
        RedirOp::OutErr | RedirOp::AppendOutErr => {
            let fl = if r.op == RedirOp::OutErr {
                libc::O_TRUNC
            } else {
                libc::O_APPEND
            };
            let f = open_file(&target, libc::O_WRONLY | libc::O_CREAT | fl)
                .map_err(|e| redir_error(sh, &target, &e))?;
            save(1);
            save(2);
            dup2(f, 1);
            move_fd(f, 2);
            return Ok(());
        }
        RedirOp::DupOut | RedirOp::DupIn => {
            let fd = r.fd.unwrap_or(if r.op == RedirOp::DupOut { 1 } else { 0 });
            if target == "-" {
                save(fd);
                close(fd);
                if permanent {
                    sh.coproc_fdchk(fd);
                }
                return Ok(());
            }
            let (num, close_after) = match target.strip_suffix('-') {
                Some(n) => (n, true),
                None => (target.as_str(), false),
            };
            match num.parse::<i32>() {
                Ok(src) => {
                    // SAFETY: F_GETFD only queries a raw fd.
                    if unsafe { libc::fcntl(src, libc::F_GETFD) } < 0 {
                        sh.error(&format!("{num}: Bad file descriptor"));
                        return Err(1);
                    }
                    save(fd);
                    if src != fd {
                        dup2(src, fd);
                        if close_after {
                            close(src);
                            sh.coproc_fdchk(src);
                        }
                    }
                    return Ok(());
                }
                Err(_) if r.op == RedirOp::DupOut && r.fd.is_none() => {
                    // `>&file` is `&>file`.
                    let f = open_file(&target, libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC)
                        .map_err(|e| redir_error(sh, &target, &e))?;
                    save(1);
                    save(2);
                    dup2(f, 1);
                    move_fd(f, 2);
                    return Ok(());
                }
                Err(_) => {
                    sh.error(&format!("{target}: ambiguous redirect"));
                    return Err(1);
                }
            }
        }
        RedirOp::HereDoc { .. } | RedirOp::HereString => return Ok(()),
    };
    let f = open_file(&target, flags).map_err(|e| redir_error(sh, &target, &e))?;
    save(fd);
    move_fd(f, fd);
    Ok(())
}

/// `{NAME}>file` and the other operators with a variable: the file (or
/// the copied descriptor, or the here-document) goes to a new descriptor,
/// 10 or above, whose number NAME gets; it stays open after the command
/// (unless `shopt -s varredir_close`, and never for `exec`). `{NAME}>&-`
/// closes the descriptor NAME holds.
fn apply_var_redir(
    sh: &mut Shell,
    r: &Redir,
    var: &str,
    saved: Option<&mut Saved>,
) -> Result<(), i32> {
    let ambiguous = |sh: &Shell| {
        sh.error(&format!("{var}: ambiguous redirect"));
        1
    };
    // The descriptor to copy, and whether it is a temporary of ours.
    let (fd, temporary) = match r.op {
        RedirOp::HereDoc { .. } | RedirOp::HereString => {
            let mut text = expand::expand_single(sh, &r.target).map_err(|_| 1)?;
            if r.op == RedirOp::HereString {
                text.push('\n');
            }
            (heredoc_fd(&text).ok_or(1)?, true)
        }
        RedirOp::DupOut | RedirOp::DupIn => {
            let target = expand_target(sh, r)?;
            if target == "-" {
                let n = var_ref_value(sh, var).and_then(|v| v.parse::<i32>().ok());
                let Some(n) = n.filter(|n| *n >= 0) else {
                    return Err(ambiguous(sh));
                };
                close(n);
                sh.coproc_fdchk(n);
                return Ok(());
            }
            let (num, close_after) = match target.strip_suffix('-') {
                Some(n) => (n, true),
                None => (target.as_str(), false),
            };
            let Ok(src) = num.parse::<i32>() else {
                return Err(ambiguous(sh));
            };
            // SAFETY: F_GETFD only queries a raw fd.
            if unsafe { libc::fcntl(src, libc::F_GETFD) } < 0 {
                sh.error(&format!("{num}: Bad file descriptor"));
                return Err(1);
            }
            (src, close_after)
        }
        _ => {
            let target = expand_target(sh, r)?;
            let flags = match r.op {
                RedirOp::In => libc::O_RDONLY,
                RedirOp::Append | RedirOp::AppendOutErr => {
                    libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND
                }
                RedirOp::ReadWrite => libc::O_RDWR | libc::O_CREAT,
                _ => libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
            };
            let f = open_file(&target, flags).map_err(|e| redir_error(sh, &target, &e))?;
            (f, true)
        }
    };
    // SAFETY: F_DUPFD on a descriptor that is open; the copy is inherited
    // by programs (as bash's).
    let high = unsafe { libc::fcntl(fd, libc::F_DUPFD, 10) };
    if temporary {
        close(fd);
    }
    if high < 0 {
        sh.error(&format!("{var}: cannot allocate file descriptor"));
        return Err(1);
    }
    if let Err(e) = super::arrays::set_ref(sh, "", var, high.to_string()) {
        close(high);
        sh.error(&e);
        return Err(1);
    }
    if sh.shopts.varredir_close {
        if let Some(s) = saved {
            s.push((high, None));
        }
    }
    Ok(())
}

/// The value of `NAME` or `NAME[SUB]` (an indexed array's element).
fn var_ref_value(sh: &mut Shell, var: &str) -> Option<String> {
    if let Some((n, sub)) = var.split_once('[') {
        let sub = sub.strip_suffix(']')?;
        if sh.is_assoc(n) {
            return sh.assoc_get(n, sub);
        }
        let i = expand::arith_eval_cmd(sh, sub, "")?;
        return sh.elem(n, i).ok().flatten();
    }
    sh.get_var(var).map(str::to_string)
}

fn redir_error(sh: &Shell, target: &str, e: &std::io::Error) -> i32 {
    sh.error(&format!("{target}: {}", crate::interp::proc::strerror(e)));
    1
}

fn expand_target(sh: &mut Shell, r: &Redir) -> Result<String, i32> {
    let fields = match expand::expand_word(sh, &r.target) {
        Ok(f) => f,
        Err(_) => return Err(1),
    };
    if fields.len() != 1 {
        let shown = match r.target.parts.as_slice() {
            [WordPart::Param(_)] | [WordPart::CmdSub(_)] => r.target.to_string(),
            _ => r.target.to_string(),
        };
        sh.error(&format!("{shown}: ambiguous redirect"));
        return Err(1);
    }
    Ok(fields.into_iter().next().unwrap_or_default())
}

/// A readable fd holding `text`: a pipe when it fits, else an unlinked file.
fn heredoc_fd(text: &str) -> Option<i32> {
    if text.len() < 60000 {
        let (r, w) = pipe()?;
        write_fd(w, text.as_bytes());
        close(w);
        return Some(r);
    }
    let mut f = tempfile_unlinked()?;
    std::io::Write::write_all(&mut f, text.as_bytes()).ok()?;
    use std::io::Seek;
    f.seek(std::io::SeekFrom::Start(0)).ok()?;
    use std::os::fd::IntoRawFd;
    Some(f.into_raw_fd())
}

fn tempfile_unlinked() -> Option<std::fs::File> {
    let dir = std::env::var("TMPDIR").unwrap_or_else(|_| "/tmp".into());
    for i in 0..100 {
        let p = format!("{dir}/nsh-heredoc-{}-{i}", std::process::id());
        if let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&p)
        {
            let _ = std::fs::remove_file(&p);
            return Some(f);
        }
    }
    None
}

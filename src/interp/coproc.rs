//! `coproc [NAME] COMMAND` (bash 5.2's execute_coproc and the coproc_*
//! helpers in execute_cmd.c, built without MULTIPLE_COPROCS).
//!
//! The command runs in the background with its stdin and stdout on two
//! pipes. The shell's ends are moved to the highest free descriptors below
//! 64, as bash's `sh_openpipe` does (`COPROC=(63 60)` for the first one),
//! marked close-on-exec, and closed in every subshell. `NAME` (an indexed
//! array) holds `[0]` the end to read the command's output from, `[1]` the
//! end to write its input to; `NAME_PID` its pid, which is also `$!`.
//! bash tracks one coprocess: starting another while the last one still has
//! a descriptor open warns, and forgets it (its descriptors stay open).
//! When the shell reaps the coprocess (`wait`), its descriptors are closed
//! and both variables unset; closing one of its descriptors with a
//! redirection sets that element to -1 (bash's coproc_fdchk).

use super::*;

/// The coprocess bash calls `sh_coproc`.
#[derive(Debug, Clone)]
pub struct Coproc {
    pub pid: i32,
    pub name: String,
    /// The shell's read end (the command's stdout), -1 once closed.
    pub rfd: i32,
    /// The shell's write end (the command's stdin), -1 once closed.
    pub wfd: i32,
}

impl Shell {
    pub(super) fn run_coproc(&mut self, span: Span, name: &str, body: &Command) -> Ex {
        self.set_line(span);
        // bash reaps on SIGCHLD; here a coprocess that has ended by now is
        // reaped before the check.
        if let Some(pid) = self.coproc.as_ref().map(|c| c.pid) {
            let ended = nix::sys::wait::waitpid(
                nix::unistd::Pid::from_raw(pid),
                Some(nix::sys::wait::WaitPidFlag::WNOHANG),
            );
            match ended {
                Ok(nix::sys::wait::WaitStatus::Exited(_, c)) => {
                    proc::record_status(self, pid, c);
                }
                Ok(nix::sys::wait::WaitStatus::Signaled(_, s, _)) => {
                    proc::record_status(self, pid, 128 + s as i32);
                }
                _ => {}
            }
        }
        if let Some(old) = self.coproc.take() {
            if old.rfd >= 0 || old.wfd >= 0 {
                self.error(&format!(
                    "warning: execute_coproc: coproc [{}:{}] still exists",
                    old.pid, old.name
                ));
            }
        }
        if !expand::is_name(name) {
            self.error(&format!("`{name}': not a valid identifier"));
            return Ok(1);
        }
        let (Some((r0, r1)), Some((w0, w1))) = (high_pipe(), high_pipe()) else {
            self.error("pipe error");
            return Ok(1);
        };
        self.barrier();
        let pid = proc::fork_child(self, |sh| {
            close(r0);
            close(w1);
            move_fd(w0, 0);
            move_fd(r1, 1);
            // Asynchronous, as with `&`: SIGINT and SIGQUIT ignored.
            proc::set_signal(libc::SIGINT, Some(false));
            proc::set_signal(libc::SIGQUIT, Some(false));
            proc::run_in_child(sh, body)
        })?;
        close(r1);
        close(w0);
        self.coproc = Some(Coproc {
            pid,
            name: name.to_string(),
            rfd: r0,
            wfd: w1,
        });
        self.coproc_setvars();
        self.last_bg = Some(pid);
        self.jobs.push(Job {
            pid,
            text: format!("coproc {name} {body}"),
            status: None,
        });
        Ok(0)
    }

    /// bash's coproc_setvars: `NAME=(rfd wfd)`, `NAME_PID`.
    fn coproc_setvars(&mut self) {
        let Some(cp) = self.coproc.clone() else {
            return;
        };
        let mut elems = arrays::Elems::new();
        elems.insert(0, cp.rfd.to_string());
        elems.insert(1, cp.wfd.to_string());
        if let Err(e) = self.set_array(&cp.name, elems) {
            self.error(&e);
            return;
        }
        if let Err(e) = self.set_var(&format!("{}_PID", cp.name), cp.pid.to_string()) {
            self.error(&e);
        }
    }

    /// The coprocess `pid` was reaped: close its descriptors and unset its
    /// variables (bash's coproc_dispose).
    pub(super) fn coproc_reaped(&mut self, pid: i32) {
        if self.coproc.as_ref().is_none_or(|c| c.pid != pid) {
            return;
        }
        let Some(cp) = self.coproc.take() else {
            return;
        };
        for fd in [cp.rfd, cp.wfd] {
            if fd >= 0 {
                close(fd);
            }
        }
        let _ = self.unset_ref(&format!("{}_PID", cp.name));
        let _ = self.unset_ref(&cp.name);
    }

    /// A redirection closed or replaced `fd`: if it was one of the
    /// coprocess's, that element becomes -1 (bash's coproc_fdchk).
    pub(super) fn coproc_fdchk(&mut self, fd: i32) {
        let Some(cp) = self.coproc.as_mut() else {
            return;
        };
        let mut changed = false;
        if cp.rfd >= 0 && cp.rfd == fd {
            cp.rfd = -1;
            changed = true;
        }
        if cp.wfd >= 0 && cp.wfd == fd {
            cp.wfd = -1;
            changed = true;
        }
        if changed {
            self.coproc_setvars();
        }
    }

    /// In a new subshell: the coprocess's descriptors are not its own.
    pub(super) fn coproc_closeall(&mut self) {
        if let Some(cp) = self.coproc.take() {
            for fd in [cp.rfd, cp.wfd] {
                if fd >= 0 {
                    close(fd);
                }
            }
        }
    }
}

/// A pipe whose ends are moved to the highest free descriptors below 64
/// (bash's sh_openpipe and move_to_high_fd), close-on-exec.
fn high_pipe() -> Option<(i32, i32)> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return None;
    }
    Some((to_high_fd(fds[0]), to_high_fd(fds[1])))
}

fn to_high_fd(fd: i32) -> i32 {
    for to in (fd + 1..64).rev() {
        // SAFETY: F_GETFD only queries a raw fd.
        if unsafe { libc::fcntl(to, libc::F_GETFD) } >= 0 {
            continue;
        }
        // SAFETY: F_DUPFD_CLOEXEC on an open fd; `to` is free, so the
        // lowest free descriptor >= `to` is `to` itself.
        let n = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, to) };
        if n >= 0 {
            close(fd);
            return n;
        }
        break;
    }
    fd
}

fn close(fd: i32) {
    // SAFETY: closing a raw fd we own.
    unsafe {
        libc::close(fd);
    }
}

fn move_fd(fd: i32, to: i32) {
    if fd != to {
        // SAFETY: dup2 and close on raw fds have no memory-safety
        // preconditions; the child owns both.
        unsafe {
            libc::dup2(fd, to);
            libc::close(fd);
        }
    }
}

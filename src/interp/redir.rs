//! Redirections, applied to the process's own descriptors. For builtins and
//! native commands the originals are saved (above fd 10, close-on-exec) and
//! restored afterwards, as bash does; in a forked child nothing is saved.

use std::io::Write;
use std::os::fd::{AsRawFd, IntoRawFd, RawFd};

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::stat::Mode;

use super::{Flow, Shell};
use crate::ast::*;

/// Descriptors to put back: (fd, its saved copy or None if it was closed).
pub type Saved = Vec<(RawFd, Option<RawFd>)>;

pub fn restore(saved: Saved) {
    for (fd, copy) in saved.into_iter().rev() {
        match copy {
            Some(c) => {
                // SAFETY: plain descriptor operations on numbers we own.
                unsafe {
                    libc::dup2(c, fd);
                    libc::close(c);
                }
            }
            None => {
                // SAFETY: as above.
                unsafe {
                    libc::close(fd);
                }
            }
        }
    }
}

/// Keep the redirections (`exec >file`): drop the saved copies.
pub fn forget(saved: Saved) {
    for (_, copy) in saved {
        if let Some(c) = copy {
            // SAFETY: closing our own saved copy.
            unsafe {
                libc::close(c);
            }
        }
    }
}

fn save(fd: RawFd, saved: &mut Saved) {
    if saved.iter().any(|(f, _)| *f == fd) {
        return;
    }
    let copy = fcntl(unsafe_borrow(fd), FcntlArg::F_DUPFD_CLOEXEC(10)).ok();
    saved.push((fd, copy));
}

fn unsafe_borrow(fd: RawFd) -> std::os::fd::BorrowedFd<'static> {
    // SAFETY: fcntl on a descriptor number that may or may not be open is
    // harmless (EBADF).
    unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) }
}

fn dup_onto(src: RawFd, dst: RawFd) {
    if src != dst {
        // SAFETY: plain descriptor operations.
        unsafe {
            libc::dup2(src, dst);
        }
    }
}

impl Shell {
    /// Apply `redirs`; on failure print bash's message, undo what was done,
    /// and return the status (1).
    pub fn apply_redirects(&mut self, redirs: &[Redirect], keep: bool) -> Result<Saved, i32> {
        let mut saved = Saved::new();
        for r in redirs {
            if let Err(status) = self.apply_one(r, keep, &mut saved) {
                restore(saved);
                return Err(status);
            }
        }
        if !keep {
            saved.clear();
        }
        Ok(saved)
    }

    fn target_string(&mut self, r: &Redirect) -> Result<String, i32> {
        match &r.target {
            RedirTarget::Word(w) => match self.expand_string(w) {
                Ok(s) => Ok(s),
                Err(Flow::Exit(s)) | Err(Flow::Abort(s)) => Err(s),
                Err(_) => Err(1),
            },
            RedirTarget::HereDoc { body, expand } => {
                if *expand {
                    match self.expand_string(body) {
                        Ok(s) => Ok(s),
                        Err(_) => Err(1),
                    }
                } else {
                    Ok(body.text.clone())
                }
            }
        }
    }

    fn apply_one(&mut self, r: &Redirect, keep: bool, saved: &mut Saved) -> Result<(), i32> {
        let target = self.target_string(r)?;
        let open = |sh: &Shell, path: &str, flags: OFlag| -> Result<RawFd, i32> {
            match nix::fcntl::open(
                path,
                flags | OFlag::O_CLOEXEC,
                Mode::from_bits_truncate(0o666),
            ) {
                Ok(fd) => Ok(high_fd(fd.into_raw_fd())),
                Err(e) => {
                    let shown = if path.is_empty() { "" } else { path };
                    if path.is_empty() {
                        sh.error(": No such file or directory");
                    } else {
                        sh.error(&format!("{shown}: {}", e.desc()));
                    }
                    Err(1)
                }
            }
        };
        let place = |fd: RawFd, newfd: RawFd, saved: &mut Saved| {
            if keep {
                save(fd, saved);
            }
            dup_onto(newfd, fd);
            // SAFETY: closing the temporary descriptor we opened.
            unsafe {
                libc::close(newfd);
            }
        };
        match r.op {
            RedirOp::In => {
                let fd = r.fd.unwrap_or(0);
                let n = open(self, &target, OFlag::O_RDONLY)?;
                place(fd, n, saved);
            }
            RedirOp::Out => {
                let fd = r.fd.unwrap_or(1);
                let n = open(
                    self,
                    &target,
                    OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC,
                )?;
                place(fd, n, saved);
            }
            RedirOp::Append => {
                let fd = r.fd.unwrap_or(1);
                let n = open(
                    self,
                    &target,
                    OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_APPEND,
                )?;
                place(fd, n, saved);
            }
            RedirOp::ReadWrite => {
                let fd = r.fd.unwrap_or(0);
                let n = open(self, &target, OFlag::O_RDWR | OFlag::O_CREAT)?;
                place(fd, n, saved);
            }
            RedirOp::OutErr | RedirOp::AppendErr => {
                let flags = if r.op == RedirOp::OutErr {
                    OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC
                } else {
                    OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_APPEND
                };
                let n = open(self, &target, flags)?;
                if keep {
                    save(1, saved);
                    save(2, saved);
                }
                dup_onto(n, 1);
                dup_onto(n, 2);
                // SAFETY: closing our temporary descriptor.
                unsafe {
                    libc::close(n);
                }
            }
            RedirOp::DupOut | RedirOp::DupIn => {
                let fd = r.fd.unwrap_or(if r.op == RedirOp::DupOut { 1 } else { 0 });
                if target == "-" {
                    if keep {
                        save(fd, saved);
                    }
                    // SAFETY: closing a descriptor number.
                    unsafe {
                        libc::close(fd);
                    }
                    return Ok(());
                }
                let (num, close) = match target.strip_suffix('-') {
                    Some(n) => (n, true),
                    None => (target.as_str(), false),
                };
                match num.parse::<RawFd>() {
                    Ok(src) => {
                        if fcntl(unsafe_borrow(src), FcntlArg::F_GETFD).is_err() {
                            self.error(&format!("{src}: Bad file descriptor"));
                            return Err(1);
                        }
                        if keep {
                            save(fd, saved);
                        }
                        dup_onto(src, fd);
                        if close && src != fd {
                            // SAFETY: closing a descriptor number.
                            unsafe {
                                libc::close(src);
                            }
                        }
                    }
                    Err(_) if r.op == RedirOp::DupOut && r.fd.is_none() => {
                        // `>&file` is `&>file`.
                        let n = open(
                            self,
                            &target,
                            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC,
                        )?;
                        if keep {
                            save(1, saved);
                            save(2, saved);
                        }
                        dup_onto(n, 1);
                        dup_onto(n, 2);
                        // SAFETY: closing our temporary descriptor.
                        unsafe {
                            libc::close(n);
                        }
                    }
                    Err(_) => {
                        self.error(&format!("{target}: ambiguous redirect"));
                        return Err(1);
                    }
                }
            }
            RedirOp::HereDoc | RedirOp::HereString => {
                let fd = r.fd.unwrap_or(0);
                let mut body = target;
                if r.op == RedirOp::HereString {
                    body.push('\n');
                }
                let n = here_fd(body.as_bytes()).map_err(|e| {
                    self.error(&format!("cannot create temp file for here-document: {e}"));
                    1
                })?;
                place(fd, n, saved);
            }
        }
        Ok(())
    }
}

/// Move a descriptor to 10 or above (close-on-exec).
fn high_fd(fd: RawFd) -> RawFd {
    if fd >= 10 {
        return fd;
    }
    match fcntl(unsafe_borrow(fd), FcntlArg::F_DUPFD_CLOEXEC(10)) {
        Ok(h) => {
            // SAFETY: closing the low descriptor we just duplicated.
            unsafe {
                libc::close(fd);
            }
            h
        }
        Err(_) => fd,
    }
}

/// A readable descriptor holding `data`: a pipe when it fits its buffer,
/// else an unlinked temporary file.
fn here_fd(data: &[u8]) -> std::io::Result<RawFd> {
    if data.len() < 60000 {
        let (r, w) = nix::unistd::pipe2(OFlag::O_CLOEXEC)?;
        let mut f = std::fs::File::from(w);
        f.write_all(data)?;
        drop(f);
        return Ok(high_fd(r.into_raw_fd()));
    }
    let dir = std::env::temp_dir();
    let path = dir.join(format!("nsh-heredoc-{}-{}", std::process::id(), data.len()));
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)?;
    let _ = std::fs::remove_file(&path);
    f.write_all(data)?;
    let r = std::fs::File::open(format!("/proc/self/fd/{}", f.as_raw_fd()))?;
    Ok(high_fd(r.into_raw_fd()))
}

//! Network namespaces: naming, entering, creating (nix syscalls).
//!
//! This is the only module that calls `setns`, `unshare` or `mount`
//! (STYLE: one road into a namespace). The interpreter's own thread never
//! changes namespace: work inside another namespace runs on a short-lived
//! thread that `setns`es first and is joined before [`run_in`] returns.

use std::fs::File;
use std::path::PathBuf;

use nix::sched::{setns, CloneFlags};

/// Where named namespaces are bind-mounted (iproute2 `NETNS_RUN_DIR`).
pub const NETNS_RUN_DIR: &str = "/run/netns";

/// A network namespace as a command names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetnsRef {
    /// `ip netns add NAME` made it: `/run/netns/NAME`.
    Name(String),
    /// The namespace of a process: `/proc/PID/ns/net`.
    Pid(i32),
}

impl NetnsRef {
    /// The file whose open descriptor names the namespace.
    pub fn path(&self) -> PathBuf {
        match self {
            NetnsRef::Name(name) => PathBuf::from(NETNS_RUN_DIR).join(name),
            NetnsRef::Pid(pid) => PathBuf::from(format!("/proc/{pid}/ns/net")),
        }
    }

    /// How iproute2 names it in messages.
    pub fn display_name(&self) -> String {
        match self {
            NetnsRef::Name(name) => name.clone(),
            NetnsRef::Pid(pid) => pid.to_string(),
        }
    }

    /// Open the namespace file, with iproute2's wording on failure
    /// (`lib/namespace.c: netns_switch`).
    pub fn open(&self) -> Result<File, NetnsError> {
        File::open(self.path()).map_err(|e| NetnsError::Open {
            name: self.display_name(),
            reason: strerror(&e),
        })
    }
}

/// Errors entering a namespace, worded as iproute2 words them.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum NetnsError {
    #[error("Cannot open network namespace \"{name}\": {reason}")]
    #[diagnostic(code(nsh::netns::open))]
    Open { name: String, reason: String },
    #[error("setting the network namespace \"{name}\" failed: {reason}")]
    #[diagnostic(code(nsh::netns::setns))]
    SetNs { name: String, reason: String },
}

/// Run `f` on a dedicated thread that has entered `ns`, and return its
/// result. Sockets created by `f` belong to `ns` and stay there when the
/// thread ends, so `f` may return them (STYLE rule 7).
pub fn run_in<T: Send>(ns: &NetnsRef, f: impl FnOnce() -> T + Send) -> Result<T, NetnsError> {
    let file = ns.open()?;
    std::thread::scope(|s| {
        s.spawn(move || {
            setns(&file, CloneFlags::CLONE_NEWNET).map_err(|e| NetnsError::SetNs {
                name: ns.display_name(),
                reason: e.desc().to_string(),
            })?;
            Ok(f())
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// `strerror` text of an I/O error, without Rust's " (os error N)" suffix.
pub fn strerror(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => nix::errno::Errno::from_raw(n).desc().to_string(),
        None => e.to_string(),
    }
}

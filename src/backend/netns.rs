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
                reason: crate::backend::errno_text(e as i32),
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
        Some(n) => crate::backend::errno_text(n),
        None => e.to_string(),
    }
}

/// In a forked child, just before `exec`: enter `ns` as iproute2's
/// `ip netns exec` does (`lib/namespace.c: netns_switch`): join the network
/// namespace, then a new mount namespace in which `/sys` shows the
/// namespace's own devices and files under `/etc/netns/NAME` are
/// bind-mounted over their `/etc` counterparts.
///
/// Only for a forked child: it changes the namespaces of the calling thread.
pub fn enter_for_exec(ns: &NetnsRef) -> Result<(), NetnsError> {
    use nix::mount::{mount, umount2, MntFlags, MsFlags};
    use nix::sched::unshare;

    let file = ns.open()?;
    setns(&file, CloneFlags::CLONE_NEWNET).map_err(|e| NetnsError::SetNs {
        name: ns.display_name(),
        reason: crate::backend::errno_text(e as i32),
    })?;
    drop(file);
    let fail = |what: &str, e: nix::Error| NetnsError::SetNs {
        name: ns.display_name(),
        reason: format!("{what}: {}", crate::backend::errno_text(e as i32)),
    };
    unshare(CloneFlags::CLONE_NEWNS).map_err(|e| fail("unshare", e))?;
    // Don't let our mounts propagate back to the parent namespace.
    mount(
        Some(""),
        "/",
        Some(""),
        MsFlags::MS_SLAVE | MsFlags::MS_REC,
        None::<&str>,
    )
    .map_err(|e| fail("\"mount --make-rslave /\" failed", e))?;
    // Mount a sysfs that shows the new namespace's devices; iproute2 keeps
    // the old /sys read-only when it cannot unmount it.
    let mut flags = MsFlags::empty();
    if umount2("/sys", MntFlags::MNT_DETACH).is_err() {
        let st = nix::sys::statvfs::statvfs("/sys").ok();
        if st.is_some_and(|s| s.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY)) {
            flags |= MsFlags::MS_RDONLY;
        }
    }
    let _ = mount(
        Some(ns.display_name().as_str()),
        "/sys",
        Some("sysfs"),
        flags,
        None::<&str>,
    );
    if let NetnsRef::Name(name) = ns {
        bind_etc(name);
    }
    Ok(())
}

/// Bind `/etc/netns/NAME/*` over `/etc/*` (iproute2 `bind_etc`).
fn bind_etc(name: &str) {
    use nix::mount::{mount, MsFlags};
    let dir = PathBuf::from("/etc/netns").join(name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if file_name == "." || file_name == ".." {
            continue;
        }
        let target = PathBuf::from("/etc").join(&file_name);
        if let Err(e) = mount(
            Some(&entry.path()),
            &target,
            Some("none"),
            MsFlags::MS_BIND,
            None::<&str>,
        ) {
            eprintln!(
                "Bind {} -> {} failed: {}",
                entry.path().display(),
                target.display(),
                crate::backend::errno_text(e as i32)
            );
        }
    }
}

/// `nsh --sandbox`: move the whole (still single-threaded) process into a
/// new network namespace and a private mount namespace with its own empty
/// `/run/netns` and a `/sys` of the new namespace, loopback up. Everything
/// the script creates vanishes with the process. Must run before any
/// thread is started (`unshare(CLONE_NEWNS)` refuses a threaded process).
pub fn enter_sandbox() -> Result<(), NetnsError> {
    use nix::mount::{mount, umount2, MntFlags, MsFlags};
    use nix::sched::unshare;

    let fail = |what: &str, e: nix::Error| NetnsError::SetNs {
        name: "sandbox".to_string(),
        reason: format!("{what}: {}", crate::backend::errno_text(e as i32)),
    };
    unshare(CloneFlags::CLONE_NEWNET | CloneFlags::CLONE_NEWNS).map_err(|e| fail("unshare", e))?;
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_PRIVATE | MsFlags::MS_REC,
        None::<&str>,
    )
    .map_err(|e| fail("mount --make-rprivate /", e))?;
    let _ = std::fs::create_dir_all(NETNS_RUN_DIR);
    mount(
        Some("nsh-sandbox"),
        NETNS_RUN_DIR,
        Some("tmpfs"),
        MsFlags::empty(),
        Some("mode=755"),
    )
    .map_err(|e| fail("mount tmpfs on /run/netns", e))?;
    if umount2("/sys", MntFlags::MNT_DETACH).is_ok() {
        let _ = mount(
            Some("sysfs"),
            "/sys",
            Some("sysfs"),
            MsFlags::empty(),
            None::<&str>,
        );
    }
    set_up("lo").map_err(|e| fail("ip link set lo up", e))
}

/// Bring a device up with the classic SIOCSIFFLAGS ioctl (no netlink socket
/// or runtime needed this early).
fn set_up(dev: &str) -> Result<(), nix::Error> {
    use std::os::fd::AsRawFd;
    let sock = nix::sys::socket::socket(
        nix::sys::socket::AddressFamily::Inet,
        nix::sys::socket::SockType::Datagram,
        nix::sys::socket::SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    // SAFETY: ifreq is plain old data; all-zero is a valid value.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(dev.bytes()) {
        *dst = src as libc::c_char;
    }
    // SAFETY: a valid socket and a valid, initialised ifreq that outlives the call.
    if unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFFLAGS, &mut ifr) } < 0 {
        return Err(nix::Error::last());
    }
    // SAFETY: SIOCGIFFLAGS filled the flags member of the union.
    unsafe { ifr.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short };
    // SAFETY: as above.
    if unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCSIFFLAGS, &ifr) } < 0 {
        return Err(nix::Error::last());
    }
    Ok(())
}

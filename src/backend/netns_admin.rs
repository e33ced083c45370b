//! Named network namespaces under /run/netns, as iproute2 6.1 manages them
//! (ip/ipnetns.c: netns_add, on_netns_del, netns_list, netns_identify_pid,
//! netns_pids): files bind-mounted onto namespaces, in a shared mount so
//! that other mount namespaces see them come and go.
//!
//! A new namespace is made on a short-lived thread (`unshare(CLONE_NEWNET)`
//! changes the calling thread only) whose namespace file is bind-mounted
//! before the thread ends; the interpreter's thread never changes
//! namespace. Errors carry iproute2's own words.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{unshare, CloneFlags};

use super::errno_text;
use super::netns::NETNS_RUN_DIR;

/// A failure, worded as iproute2 prints it (one line, no newline).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(nsh::netns::admin))]
pub struct AdminError(pub String);

fn path_of(name: &str) -> PathBuf {
    Path::new(NETNS_RUN_DIR).join(name)
}

/// iproute2 `invalid_name`.
pub fn invalid_name(name: &str) -> bool {
    name.is_empty() || name.len() > 255 || name.contains('/') || name == "." || name == ".."
}

/// create_netns_dir plus the shared-mount set-up of netns_add: /run/netns
/// exists and is a shared mount point (bind-mounted onto itself first
/// when it is not a mount point yet).
fn prepare_run_dir() -> Result<(), AdminError> {
    use std::os::unix::fs::DirBuilderExt;
    if let Err(e) = std::fs::DirBuilder::new().mode(0o755).create(NETNS_RUN_DIR) {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            return Err(AdminError(format!(
                "mkdir {NETNS_RUN_DIR} failed: {}",
                errno_text(e.raw_os_error().unwrap_or(0))
            )));
        }
    }
    let mut made_mount = false;
    loop {
        match mount(
            Some(""),
            NETNS_RUN_DIR,
            Some("none"),
            MsFlags::MS_SHARED | MsFlags::MS_REC,
            None::<&str>,
        ) {
            Ok(()) => return Ok(()),
            Err(e) if e == nix::errno::Errno::EINVAL && !made_mount => {
                mount(
                    Some(NETNS_RUN_DIR),
                    NETNS_RUN_DIR,
                    Some("none"),
                    MsFlags::MS_BIND | MsFlags::MS_REC,
                    None::<&str>,
                )
                .map_err(|e| {
                    AdminError(format!(
                        "mount --bind {NETNS_RUN_DIR} {NETNS_RUN_DIR} failed: {}",
                        errno_text(e as i32)
                    ))
                })?;
                made_mount = true;
            }
            Err(e) => {
                return Err(AdminError(format!(
                    "mount --make-shared {NETNS_RUN_DIR} failed: {}",
                    errno_text(e as i32)
                )))
            }
        }
    }
}

/// `ip netns add NAME` (`pid: None`) or `ip netns attach NAME PID`.
pub fn add(name: &str, pid: Option<i32>) -> Result<(), AdminError> {
    prepare_run_dir()?;
    let path = path_of(name);
    // open(O_RDONLY|O_CREAT|O_EXCL, 0), closed at once.
    nix::fcntl::open(
        &path,
        nix::fcntl::OFlag::O_RDONLY
            | nix::fcntl::OFlag::O_CREAT
            | nix::fcntl::OFlag::O_EXCL
            | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )
    .map_err(|e| {
        AdminError(format!(
            "Cannot create namespace file \"{}\": {}",
            path.display(),
            errno_text(e as i32)
        ))
    })?;
    let bound = match pid {
        None => new_netns_onto(name, &path),
        Some(pid) => {
            let proc_path = format!("/proc/{pid}/ns/net");
            bind(&proc_path, &path)
        }
    };
    if let Err(e) = bound {
        // out_delete: the file goes again.
        let _ = umount2(&path, MntFlags::MNT_DETACH);
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(())
}

fn bind(from: &str, to: &Path) -> Result<(), AdminError> {
    mount(Some(from), to, Some("none"), MsFlags::MS_BIND, None::<&str>).map_err(|e| {
        AdminError(format!(
            "Bind {from} -> {} failed: {}",
            to.display(),
            errno_text(e as i32)
        ))
    })
}

/// A new network namespace, made on a thread of its own and bind-mounted
/// onto `path` from that thread's namespace file.
fn new_netns_onto(name: &str, path: &Path) -> Result<(), AdminError> {
    let name = name.to_string();
    let path = path.to_path_buf();
    std::thread::spawn(move || -> Result<(), AdminError> {
        unshare(CloneFlags::CLONE_NEWNET).map_err(|e| {
            AdminError(format!(
                "Failed to create a new network namespace \"{name}\": {}",
                errno_text(e as i32)
            ))
        })?;
        bind("/proc/thread-self/ns/net", &path)
    })
    .join()
    .unwrap_or_else(|_| Err(AdminError("netns thread panicked".into())))
}

/// on_netns_del: detach the mount, remove the file.
pub fn delete(name: &str) -> Result<(), AdminError> {
    let path = path_of(name);
    let _ = umount2(&path, MntFlags::MNT_DETACH);
    std::fs::remove_file(&path).map_err(|e| {
        AdminError(format!(
            "Cannot remove namespace file \"{}\": {}",
            path.display(),
            errno_text(e.raw_os_error().unwrap_or(0))
        ))
    })
}

/// The names under /run/netns in directory order (what readdir returns:
/// on tmpfs, newest first), as iproute2 lists them. No directory: none.
pub fn names() -> Result<Vec<String>, AdminError> {
    let dir = match std::fs::read_dir(NETNS_RUN_DIR) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(AdminError(format!(
                "Failed to open directory {NETNS_RUN_DIR}: {}",
                errno_text(e.raw_os_error().unwrap_or(0))
            )))
        }
    };
    Ok(dir
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect())
}

/// The (device, inode) naming a namespace file.
pub fn identity(path: &Path) -> std::io::Result<(u64, u64)> {
    let md = std::fs::metadata(path)?;
    Ok((md.dev(), md.ino()))
}

/// netns_identify_pid: the name under /run/netns of the namespace of
/// process `pid` ("self" allowed), the last match in directory order, or
/// the empty string.
pub fn identify(pid: &str) -> Result<String, AdminError> {
    identify_path(Path::new(&format!("/proc/{pid}/ns/net")))
}

/// [`identify`] for the namespace that file `ns` names.
pub fn identify_path(ns: &Path) -> Result<String, AdminError> {
    let id = identity(ns).map_err(|e| {
        AdminError(format!(
            "Cannot open network namespace: {}",
            errno_text(e.raw_os_error().unwrap_or(0))
        ))
    })?;
    let mut found = String::new();
    for n in names()? {
        if identity(&path_of(&n)).ok() == Some(id) {
            found = n;
        }
    }
    Ok(found)
}

/// netns_pids: the processes whose network namespace is NAME's, in /proc
/// order.
pub fn pids(name: &str) -> Result<Vec<String>, AdminError> {
    let id = identity(&path_of(name)).map_err(|e| {
        AdminError(format!(
            "Cannot open network namespace: {}",
            errno_text(e.raw_os_error().unwrap_or(0))
        ))
    })?;
    let dir = std::fs::read_dir("/proc").map_err(|e| {
        AdminError(format!(
            "Open of /proc failed: {}",
            errno_text(e.raw_os_error().unwrap_or(0))
        ))
    })?;
    Ok(dir
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .filter(|n| identity(Path::new(&format!("/proc/{n}/ns/net"))).ok() == Some(id))
        .collect())
}

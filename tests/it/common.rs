//! Shared helpers: sandboxes, running bash and nsh, comparing them.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The nsh binary under test.
pub fn nsh_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_nsh"))
}

/// A directory holding links `ip`, `iptables`, `sysctl`, … to the nsh binary,
/// so that `$NSHBIN/ip link` runs nsh's native `ip` (busybox style).
pub fn links_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("nsh-links")
            .tempdir()
            .expect("tempdir");
        for name in nsh::native::NATIVE_NAMES {
            std::os::unix::fs::symlink(nsh_bin(), dir.path().join(name)).expect("symlink");
        }
        dir
    })
    .path()
}

/// True when the caller may go on with a test that needs root. When not
/// root, prints why the test is skipped and returns false, or fails the test
/// when `NSH_REQUIRE_ROOT` is set (CI sets it).
pub fn need_root(test: &str) -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    if std::env::var_os("NSH_REQUIRE_ROOT").is_some() {
        panic!("{test}: needs root, and NSH_REQUIRE_ROOT is set");
    }
    eprintln!("skipped {test}: needs root (for network namespaces)");
    false
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

fn to_run(out: std::process::Output) -> Run {
    use std::os::unix::process::ExitStatusExt;
    let status = out
        .status
        .code()
        .unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status,
    }
}

/// Run `argv` with `stdin` as its input and the test environment
/// (`NSH` = the nsh binary, `NSHBIN` = the links directory).
pub fn run(argv: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(argv[0])
        .args(&argv[1..])
        .env("NSH", nsh_bin())
        .env("NSHBIN", links_dir())
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {argv:?}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    to_run(out)
}

/// The set-up of every sandbox: a private /run (so /run/netns is new and
/// empty), /sys showing the sandbox's own devices, loopback up.
const SANDBOX_PRELUDE: &str = r#"set -e
mount -t tmpfs -o mode=755 nsh-sandbox /run
mkdir -p /run/netns
umount -l /sys 2>/dev/null || true
mount -t sysfs sysfs /sys
ip link set lo up
set +e
exec "$@""#;

/// Run `argv` inside a throwaway network + mount namespace. Nothing it
/// creates (links, namespaces, rules, sysctls, mounts) outlives it.
pub fn sandbox(argv: &[&str], stdin: &str) -> Run {
    let mut full = vec![
        "unshare",
        "--net",
        "--mount",
        "--propagation",
        "private",
        "--fork",
        "--",
        "sh",
        "-c",
        SANDBOX_PRELUDE,
        "sandbox",
    ];
    full.extend_from_slice(argv);
    run(&full, stdin)
}

/// Run a bash script in its own sandbox. `$NSHBIN/ip` etc. reach nsh's
/// native commands, plain `ip` the real tool: the way to compare both on
/// the same kernel state.
pub fn sandbox_bash(script: &str) -> Run {
    sandbox(&["bash", "-c", script, "bash"], "")
}

/// Write `script` to a fresh file and run it as `INTERP FILE ARGS…`, so that
/// bash and nsh name the script the same way in their messages.
pub fn run_script_with(interp: &[&str], script: &str, args: &[&str], in_sandbox: bool) -> Run {
    let dir = tempfile::Builder::new()
        .prefix("nsh-test")
        .tempdir()
        .expect("tempdir");
    let path: PathBuf = dir.path().join("t.sh");
    std::fs::write(&path, script).expect("write script");
    let path = path.to_str().expect("utf-8 path").to_string();
    let mut argv: Vec<&str> = interp.to_vec();
    argv.push(&path);
    argv.extend_from_slice(args);
    let out = if in_sandbox {
        sandbox(&argv, "")
    } else {
        run(&argv, "")
    };
    // Messages name the script by its path: make it the same for both.
    Run {
        stdout: out.stdout.replace(&path, "t.sh"),
        stderr: out.stderr.replace(&path, "t.sh"),
        status: out.status,
    }
}

/// The same script through `/bin/bash` and through `nsh --native`, compared:
/// stdout, stderr and exit status must be equal.
pub fn assert_same_as_bash(script: &str) {
    let bash = run_script_with(&["bash"], script, &[], false);
    let nsh = run_script_with(&[nsh_bin().to_str().expect("path")], script, &[], false);
    assert_eq!(nsh, bash, "script:\n{script}");
}

/// Run `f` on a thread that first moved into a fresh network namespace of
/// its own, so that even a buggy in-process test cannot touch the host.
pub fn in_private_netns(f: impl FnOnce() + Send + 'static) {
    std::thread::spawn(|| {
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET).expect("unshare");
        f();
    })
    .join()
    .expect("test thread");
}

/// A throwaway network namespace held by a child process
/// (`unshare --net sleep`), named by its PID; killed on drop.
pub struct NetnsHolder {
    child: std::process::Child,
    pub pid: i32,
}

impl NetnsHolder {
    pub fn new() -> Self {
        let child = Command::new("unshare")
            .args(["--net", "--", "sleep", "60"])
            .spawn()
            .expect("unshare");
        let pid = child.id() as i32;
        // Wait until the child has its own namespace.
        let own = std::fs::read_link("/proc/thread-self/ns/net").expect("ns");
        for _ in 0..200 {
            if std::fs::read_link(format!("/proc/{pid}/ns/net")).is_ok_and(|l| l != own) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        NetnsHolder { child, pid }
    }

    /// Run a native command in-process with `NetCtx::netns` set to this
    /// namespace (as the shell runs `ip netns exec NS CMD …`): its stdout,
    /// stderr and status.
    pub fn run_native(&self, f: nsh::native::NativeFn, args: &[&str]) -> (String, String, i32) {
        use nsh::backend::netns::NetnsRef;
        use nsh::native::{Io, NetCtx, Outcome, Word};
        let mut ctx = NetCtx::new();
        ctx.netns = Some(NetnsRef::Pid(self.pid));
        let words: Vec<Word> = args
            .iter()
            .map(|a| Word::new(a.to_string(), nsh::span::Span::default()))
            .collect();
        let (mut i, mut o, mut e) = (std::io::empty(), Vec::new(), Vec::new());
        let mut io = Io {
            stdin: &mut i,
            stdout: &mut o,
            stderr: &mut e,
        };
        let Outcome::Status(st) = f(&mut ctx, &words, &mut io) else {
            panic!("the native command asked the shell to exec")
        };
        (
            String::from_utf8_lossy(&o).into_owned(),
            String::from_utf8_lossy(&e).into_owned(),
            st,
        )
    }
}

impl Drop for NetnsHolder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Bash prelude for differential `ip` tests run with [`sandbox_bash`]:
/// `c ARGS…` runs `ip ARGS…` with iproute2 and with nsh's native `ip`
/// (`NSH_NATIVE=1`: a fallback to the real tool is an error) and prints
/// `OK ip ARGS` or `DIFF ip ARGS` plus a diff of stdout+stderr+status.
/// Bridge timers (`gc_timer 0.09`) and route expiries tick between the two
/// runs: masked.
pub const IP_COMPARE: &str = r#"
T=$(mktemp -d)
m() { sed -E 's/(_timer"?:? *)[0-9. ]+/\1T/g; s/expires [0-9]+sec/expires Nsec/g; s/"expires":[0-9]+/"expires":N/g'; }
c() {
  { ip "$@" 2>&1; echo "status=$?"; } | m >"$T/a"
  { NSH_NATIVE=1 "$NSHBIN/ip" "$@" 2>&1; echo "status=$?"; } | m >"$T/b"
  if cmp -s "$T/a" "$T/b"; then echo "OK ip $*"; else echo "DIFF ip $*"; diff "$T/a" "$T/b"; fi
}
"#;

/// Run `IP_COMPARE` + `script` in a sandbox; every `c` must say OK.
pub fn assert_ip_forms_ok(script: &str) {
    let run = sandbox_bash(&format!("{IP_COMPARE}{script}"));
    assert!(
        !run.stdout.contains("DIFF") && run.stdout.contains("OK"),
        "{}\nstderr: {}",
        run.stdout,
        run.stderr
    );
}

//! The interactive REPL through a real terminal: nsh runs in a detached
//! tmux session (its own server socket per test), keys go in with
//! `send-keys`, the screen comes back with `capture-pane`. Every wait polls
//! the screen with a generous timeout; the session is killed on drop.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common;

const TIMEOUT: Duration = Duration::from_secs(20);

/// The sandbox set-up of `common` (private /run with /run/netns, own /sys).
const SANDBOX_PRELUDE: &str = r#"set -e
mount -t tmpfs -o mode=755 nsh-sandbox /run
mkdir -p /run/netns
umount -l /sys 2>/dev/null || true
mount -t sysfs sysfs /sys
ip link set lo up
set +e
exec "$@""#;

/// A tmux server with one session running nsh.
struct Term {
    socket: String,
    /// The server's socket file (removed on drop; kill-server leaves it).
    socket_path: String,
}

impl Term {
    /// Start `argv` (through a wrapper that prints `[exited N]` when it
    /// ends) in a 120x40 terminal, with `env` added to its environment.
    fn start(test: &str, env: &[(&str, &str)], argv: &[&str]) -> Term {
        if Command::new("tmux").arg("-V").output().is_err() {
            panic!("{test}: tmux is not installed");
        }
        let mut term = Term {
            socket: format!("nsh-{test}-{}", std::process::id()),
            socket_path: String::new(),
        };
        let mut cmd = vec![
            "new-session".to_string(),
            "-d".into(),
            "-x".into(),
            "120".into(),
            "-y".into(),
            "40".into(),
            "--".into(),
            "sh".into(),
            "-c".into(),
            r#""$@"; echo "[exited $?]"; exec sleep 600"#.into(),
            "sh".into(),
            "env".into(),
            "LC_ALL=C".into(),
            "TERM=screen".into(),
        ];
        cmd.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        cmd.extend(argv.iter().map(|s| s.to_string()));
        term.tmux(&cmd);
        term.socket_path = term
            .tmux(&["display-message", "-p", "#{socket_path}"])
            .trim()
            .to_string();
        term
    }

    fn tmux<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Type text literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Press keys by tmux name (`Enter`, `Tab`, `C-c`, `Up`).
    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys"];
        a.extend_from_slice(keys);
        self.tmux(&a);
    }

    /// Type a line and press Enter.
    fn line(&self, text: &str) {
        self.type_text(text);
        self.keys(&["Enter"]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Poll the screen until `ok` holds; panic with the screen on timeout.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last non-empty line of the screen.
    fn last_line(s: &str) -> &str {
        s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
    }

    /// Wait until the cursor line is the prompt followed by `text`.
    fn wait_input(&self, text: &str) -> String {
        let want_root = format!("nsh# {text}");
        let want_user = format!("nsh$ {text}");
        self.wait(&format!("prompt with {text:?}"), |s| {
            let l = Self::last_line(s).trim_end();
            l == want_root.trim_end() || l == want_user.trim_end()
        })
    }

    /// Wait for an empty prompt, the `n`th one on the screen.
    fn wait_prompt(&self, n: usize) -> String {
        self.wait(&format!("prompt #{n}"), |s| {
            let count = s
                .lines()
                .filter(|l| l.starts_with("nsh# ") || l.starts_with("nsh$ ") || is_bare(l))
                .count();
            count >= n && is_bare(Self::last_line(s))
        })
    }

    /// Press Ctrl-C once nsh's child `sleep` runs (pane sh → nsh →
    /// sleep), so that the key reaches it and not nsh before the fork.
    fn interrupt_sleep(&self) {
        let pane = self.pane_pid();
        let start = Instant::now();
        while !has_grandchild(pane, "sleep") {
            assert!(start.elapsed() < TIMEOUT, "sleep did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.keys(&["C-c"]);
    }

    /// The pid of the session's first process (the wrapper `sh`).
    fn pane_pid(&self) -> i32 {
        self.tmux(&["display-message", "-p", "#{pane_pid}"])
            .trim()
            .parse()
            .expect("pane pid")
    }
}

fn is_bare(l: &str) -> bool {
    matches!(l.trim_end(), "nsh#" | "nsh$")
}

impl Drop for Term {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
        if !self.socket_path.is_empty() {
            let _ = std::fs::remove_file(&self.socket_path);
        }
    }
}

/// A state directory for history, so tests never touch the user's.
fn state_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("nsh-repl")
        .tempdir()
        .expect("tempdir")
}

fn nsh() -> &'static str {
    common::nsh_bin().to_str().expect("utf-8 path")
}

fn lines_equal(s: &str, want: &str) -> bool {
    s.lines().any(|l| l.trim_end() == want)
}

#[test]
fn repl_multiline_for_loop() {
    let st = state_dir();
    let t = Term::start(
        "for",
        &[("XDG_STATE_HOME", st.path().to_str().expect("utf-8"))],
        &[nsh()],
    );
    t.wait_prompt(1);
    t.line("for i in 1 2 3; do");
    t.wait("continuation prompt", |s| Term::last_line(s) == ">");
    t.line("echo item-$i");
    t.wait("second continuation", |s| {
        s.lines().filter(|l| l.starts_with('>')).count() == 2
    });
    t.line("done");
    let s = t.wait_prompt(2);
    for i in 1..=3 {
        assert!(
            lines_equal(&s, &format!("item-{i}")),
            "item-{i}; screen:\n{s}"
        );
    }
    // An open quote continues too.
    t.line("echo 'a");
    t.wait("quote continuation", |s| Term::last_line(s) == ">");
    t.line("b'");
    t.wait("quoted newline", |s| {
        lines_equal(s, "a") && lines_equal(s, "b")
    });
}

#[test]
fn repl_syntax_error_then_command() {
    let st = state_dir();
    let t = Term::start(
        "syntax",
        &[("XDG_STATE_HOME", st.path().to_str().expect("utf-8"))],
        &[nsh()],
    );
    t.wait_prompt(1);
    t.line("echo x; fi");
    t.wait("the diagnostic", |s| {
        s.contains("syntax error near unexpected token `fi'") && s.contains("unexpected token")
    });
    t.wait_prompt(2);
    t.line("echo after-$((1+1))");
    let s = t.wait("the next command", |s| lines_equal(s, "after-2"));
    // The erroneous line ran nothing.
    assert!(!lines_equal(&s, "x"), "screen:\n{s}");
}

#[test]
fn repl_history_across_sessions() {
    let st = state_dir();
    let dir = st.path().to_str().expect("utf-8");
    {
        let t = Term::start("hist1", &[("XDG_STATE_HOME", dir)], &[nsh()]);
        t.wait_prompt(1);
        t.line("echo hist-marker-$((6*7))");
        t.wait("output", |s| lines_equal(s, "hist-marker-42"));
        t.wait_prompt(2);
        t.line("(exit 3)");
        t.wait_prompt(3);
        // Ctrl-D on an empty line leaves with the last status.
        t.keys(&["C-d"]);
        t.wait("exit", |s| lines_equal(s, "[exited 3]"));
    }
    let saved = std::fs::read_to_string(Path::new(dir).join("nsh/history")).expect("history file");
    assert!(saved.contains("echo hist-marker-$((6*7))"), "{saved}");
    let t = Term::start("hist2", &[("XDG_STATE_HOME", dir)], &[nsh()]);
    t.wait_prompt(1);
    t.keys(&["Up", "Up"]);
    t.wait_input("echo hist-marker-$((6*7))");
    t.keys(&["Enter"]);
    t.wait("rerun", |s| lines_equal(s, "hist-marker-42"));
}

#[test]
fn repl_completes_builtin() {
    let st = state_dir();
    let empty = state_dir();
    // PATH holds nothing, so `ec` can only be the builtin.
    let t = Term::start(
        "ec",
        &[
            ("XDG_STATE_HOME", st.path().to_str().expect("utf-8")),
            ("PATH", empty.path().to_str().expect("utf-8")),
        ],
        &[nsh()],
    );
    t.wait_prompt(1);
    t.type_text("ec");
    t.keys(&["Tab"]);
    t.wait_input("echo");
    t.line("completed");
    t.wait("output", |s| lines_equal(s, "completed"));
}

#[test]
fn repl_completes_fresh_device_and_namespace() {
    if !common::need_root("repl_completes_fresh_device_and_namespace") {
        return;
    }
    let st = state_dir();
    let t = sandboxed_term("dev", &st);
    t.wait_prompt(1);
    t.line("ip link add brtop0 type bridge && ip netns add replns && ip -n replns link add brinner0 type bridge && echo made");
    t.wait("set-up", |s| lines_equal(s, "made"));
    t.wait_prompt(2);
    // A device of this namespace.
    t.type_text("ip link show brt");
    t.keys(&["Tab"]);
    t.wait_input("ip link show brtop0");
    t.keys(&["C-u"]);
    // A namespace name, then a device inside it (listed in the namespace).
    t.type_text("ip netns exec repl");
    t.keys(&["Tab"]);
    t.wait_input("ip netns exec replns");
    t.type_text("ip link set dev bri");
    t.keys(&["Tab"]);
    t.wait_input("ip netns exec replns ip link set dev brinner0");
    t.keys(&["C-u"]);
    t.type_text("ip -n replns link del bri");
    t.keys(&["Tab"]);
    t.wait_input("ip -n replns link del brinner0");
    t.keys(&["Enter"]);
    t.wait_prompt(3);
    t.line("ip -n replns -br link show brinner0; echo status=$?");
    t.wait("deleted", |s| lines_equal(s, "status=1"));
}

#[test]
fn repl_ctrl_c_interrupts_foreground_command() {
    let st = state_dir();
    let t = Term::start(
        "ctrlc",
        &[("XDG_STATE_HOME", st.path().to_str().expect("utf-8"))],
        &[nsh()],
    );
    t.wait_prompt(1);
    t.line("sleep 10");
    t.interrupt_sleep();
    t.wait_prompt(2);
    t.line("echo status=$?");
    t.wait("status", |s| lines_equal(s, "status=130"));
    // Ctrl-C on the prompt drops the line; nsh is still there.
    t.type_text("echo dropped");
    t.keys(&["C-c"]);
    t.line("echo alive");
    let s = t.wait("still alive", |s| lines_equal(s, "alive"));
    assert!(!lines_equal(&s, "dropped"), "screen:\n{s}");
}

/// A process named `comm` whose parent's parent is `pid`.
fn has_grandchild(pid: i32, comm: &str) -> bool {
    let parent_of = |p: i32| -> Option<(String, i32)> {
        let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
        let open = stat.find('(')?;
        let close = stat.rfind(')')?;
        let name = stat[open + 1..close].to_string();
        let ppid = stat[close + 2..].split(' ').nth(1)?.parse().ok()?;
        Some((name, ppid))
    };
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return false;
    };
    rd.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .any(|p| match parent_of(p) {
            Some((name, ppid)) if name == comm => parent_of(ppid).is_some_and(|(_, gp)| gp == pid),
            _ => false,
        })
}

/// Start nsh in a terminal inside a fresh sandbox.
fn sandboxed_term(test: &str, st: &tempfile::TempDir) -> Term {
    Term::start(
        test,
        &[("XDG_STATE_HOME", st.path().to_str().expect("utf-8"))],
        &[
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
            nsh(),
        ],
    )
}

#[test]
fn repl_netns_enter_and_leave() {
    if !common::need_root("repl_netns_enter_and_leave") {
        return;
    }
    let st = state_dir();
    let t = sandboxed_term("netns", &st);
    t.wait_prompt(1);
    t.line("ip netns add rn && ip -n rn link add brin0 type bridge && echo made");
    t.wait("set-up", |s| lines_equal(s, "made"));
    t.wait_prompt(2);
    t.type_text("netns enter r");
    t.keys(&["Tab"]);
    t.wait_input("netns enter rn");
    t.keys(&["Enter"]);
    t.wait("prompt inside", |s| {
        Term::last_line(s).trim_end() == "nsh[rn]#"
    });
    // A native command and a program both act inside rn.
    t.line("ip -br link show brin0 | cut -c1-5; ls /sys/class/net | tr '\\n' ' '; echo; netns");
    t.wait("inside", |s| {
        lines_equal(s, "brin0") && lines_equal(s, "brin0 lo") && lines_equal(s, "rn")
    });
    t.line("netns leave");
    t.wait("prompt outside", |s| {
        Term::last_line(s).trim_end() == "nsh#"
    });
    t.line("ip link show brin0 >/dev/null 2>&1; echo st=$?");
    t.wait("outside", |s| lines_equal(s, "st=1"));
}

#[test]
fn repl_ctrl_c_abandons_a_loop() {
    let st = state_dir();
    let t = Term::start(
        "ctrlcloop",
        &[("XDG_STATE_HOME", st.path().to_str().expect("utf-8"))],
        &[nsh()],
    );
    t.wait_prompt(1);
    t.line("for i in 1 2 3; do sleep 5; done; echo after");
    t.interrupt_sleep();
    t.wait_prompt(2);
    t.line("echo status=$?");
    let s = t.wait("status", |s| lines_equal(s, "status=130"));
    assert!(!lines_equal(&s, "after"), "the loop went on:\n{s}");
}

#[test]
fn repl_completes_user_chain() {
    if !common::need_root("repl_completes_user_chain") {
        return;
    }
    let st = state_dir();
    let t = sandboxed_term("chain", &st);
    t.wait_prompt(1);
    t.line("iptables -N MYCHAIN && iptables -t nat -N NATCHAIN && echo made");
    t.wait("set-up", |s| lines_equal(s, "made"));
    t.wait_prompt(2);
    t.type_text("iptables -A MYC");
    t.keys(&["Tab"]);
    t.wait_input("iptables -A MYCHAIN");
    t.keys(&["C-u"]);
    t.type_text("iptables -t nat -I NATC");
    t.keys(&["Tab"]);
    t.wait_input("iptables -t nat -I NATCHAIN");
}

/// An interactive program started from the REPL inside a namespace gets
/// the terminal (it reads what is typed) and gives it back.
#[test]
fn repl_interactive_program_in_netns_gets_the_terminal() {
    if !common::need_root("repl_interactive_program_in_netns_gets_the_terminal") {
        return;
    }
    let st = state_dir();
    let t = sandboxed_term("ttyprog", &st);
    t.wait_prompt(1);
    t.line("ip netns add tn && echo made");
    t.wait("set-up", |s| lines_equal(s, "made"));
    t.wait_prompt(2);
    t.line("ip netns exec tn bash --norc --noprofile -i");
    t.wait("bash prompt", |s| {
        Term::last_line(s).trim_end().ends_with('#')
    });
    t.line("ip netns identify; echo from-bash-$((6 * 7)); exit 3");
    t.wait("bash ran", |s| {
        lines_equal(s, "tn") && lines_equal(s, "from-bash-42")
    });
    t.wait_prompt(3);
    t.line("echo back=$?");
    t.wait("back in nsh", |s| lines_equal(s, "back=3"));
}

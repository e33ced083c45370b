//! `sysctl`: nsh's native one against procps-ng's on the same sandbox
//! state (stdout, stderr and status of each command compared), in the
//! sandbox itself, inside `ip netns exec`, and through the library API with
//! `NetCtx::netns` set (the path the shell takes for `ip netns exec NS
//! sysctl …`).

use crate::common::{need_root, sandbox_bash};

/// Run each `sysctl` argument list (shell words) through the real sysctl
/// and then through `$NSHBIN/sysctl` (prefixed by `prefix`, e.g. `ip netns
/// exec a`) after `setup`, and fail on any difference.
fn same_as_procps(test: &str, setup: &str, prefix: &str, cases: &[&str]) {
    if !need_root(test) {
        return;
    }
    let mut script = format!("{setup}\nd=$(mktemp -d)\n");
    for case in cases {
        script += &format!(
            r#"{prefix} sysctl {case} >$d/o1 2>$d/e1; r1=$?
{prefix} "$NSHBIN/sysctl" {case} >$d/o2 2>$d/e2; r2=$?
if ! cmp -s $d/o1 $d/o2 || ! cmp -s $d/e1 $d/e2 || [ $r1 != $r2 ]; then
  echo "DIFF for sysctl {case_q}: status $r1 vs $r2"; diff $d/o1 $d/o2; diff $d/e1 $d/e2
fi
"#,
            case_q = case.replace('\'', "")
        );
    }
    let run = sandbox_bash(&script);
    assert_eq!(run.stdout, "", "stderr: {}", run.stderr);
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
}

#[test]
fn read_and_write_like_procps() {
    same_as_procps(
        "sysctl::read_and_write_like_procps",
        "ip link add v0 type veth peer name v0.100",
        "",
        &[
            "net.ipv4.ip_forward",
            "net/ipv4/ip_forward",
            "-n net.ipv4.ip_forward",
            "-w net.ipv4.ip_forward=1",
            "net.ipv4.ip_forward",
            "net.ipv4.ip_forward=0",
            "-q -w net.ipv4.ip_forward=1",
            "-n net.ipv4.ip_forward",
            "-w 'net.ipv4.ip_forward = 0'",
            "-w net.ipv4.conf.all.forwarding=1 net.ipv4.conf.lo.route_localnet=1",
            "net.ipv4.conf.lo.route_localnet",
            "-N net.ipv4.ip_forward",
            "-b net.ipv4.tcp_rmem",
            "net.ipv4.tcp_rmem net.ipv4.ip_local_port_range",
            "net.ipv4.conf.lo",
            "net.ipv4.conf.v0/100.forwarding",
            "net/ipv4/conf/v0.100/forwarding",
            "-w net.ipv4.conf.v0/100.forwarding=0",
            "net.ipv4..ip_forward",
            "--dry-run -w net.ipv4.ip_forward=1",
            "-V",
        ],
    );
}

#[test]
fn errors_and_statuses_like_procps() {
    same_as_procps(
        "sysctl::errors_and_statuses_like_procps",
        "",
        "",
        &[
            "net.ipv4.nope",
            "-e net.ipv4.nope",
            "-q net.ipv4.nope",
            "net.ipv4.nope net.ipv4.nope",
            "-w net.ipv4.nope=1",
            "-e -w net.ipv4.nope=1",
            "-w net.ipv4.ip_forward=abc",
            "-w net.ipv4.ip_forward",
            "-w net.ipv4.conf.lo=1",
            "-w fs.file-nr=1",
            "-w net.ipv6.conf.all.stable_secret=x",
            "net.ipv6.conf.lo.stable_secret",
            "-w net.ipv4.route.flush=1",
            "net.ipv4.route.flush",
            "''",
            "'' ''",
            "-w =1",
            "net.ipv4.ip_forward.",
            "",
            "-x",
            "-w",
            "-Z",
            "--bogus",
            "--d",
            "--all=x",
            "-r",
            "-N -q net.ipv4.ip_forward",
            "-h",
            "-- -a",
        ],
    );
}

#[test]
fn listing_with_pattern_like_procps() {
    same_as_procps(
        "sysctl::listing_with_pattern_like_procps",
        "ip link add br0 type bridge; ip link add v0 type veth peer name v1",
        "",
        &[
            r"-a -r 'conf\.(lo|br0|v0)\.rp'",
            r"--pattern '^net\.ipv4\.conf\..*\.forwarding$' -a",
            r"-a -N -r 'route_localnet'",
            r"-n -a -r 'ipv4\.ip_forward'",
            r"--pat=ip_forw -a",
            r"-r 'rp_filter' net.ipv4.conf",
        ],
    );
}

#[test]
fn load_files_like_procps() {
    let setup = r#"f=$(mktemp)
cat > $f <<'CONF'
# comment
; another comment
net.ipv4.ip_forward = 1
   net.ipv4.conf.lo.route_localnet=1
-net.ipv4.nope = 3
net.ipv4.nope2 = 3
bad line
x

net.ipv4.conf.*.rp_filter = 2
net.ipv4.conf.lo.rp_filter = 1
CONF
g=$(mktemp)
echo 'net.ipv4.conf.all.forwarding = 0' > $g"#;
    same_as_procps(
        "sysctl::load_files_like_procps",
        setup,
        "",
        &[
            "-p $f",
            "-p$f",
            "-p $f -p $g",
            "-p $f $g",
            "-q -p $f",
            "-p /nonexistent",
            "-e -p $f",
            "-p -r forward $f",
            "net.ipv4.conf.lo.rp_filter net.ipv4.conf.all.rp_filter",
        ],
    );
}

#[test]
fn inside_ip_netns_exec_like_procps() {
    // Busybox mode under the real `ip netns exec`: the process path.
    same_as_procps(
        "sysctl::inside_ip_netns_exec_like_procps",
        "ip netns add a; ip -n a link add v0 type veth peer name v1",
        "ip netns exec a",
        &[
            "-w net.ipv4.ip_forward=1",
            "net.ipv4.ip_forward",
            r"-a -r 'conf\.v0\.'",
            "net.ipv4.conf.v1.forwarding",
        ],
    );
}

#[test]
fn netns_value_is_the_namespaces_own() {
    // Setting a sysctl inside a namespace with nsh must not change the
    // sandbox's own value, and the real tool must see it inside.
    if !need_root("sysctl::netns_value_is_the_namespaces_own") {
        return;
    }
    let run = sandbox_bash(
        r#"ip netns add a
ip netns exec a "$NSHBIN/sysctl" -w net.ipv4.ip_forward=1
echo "root: $(sysctl -n net.ipv4.ip_forward)"
echo "a: $(ip netns exec a sysctl -n net.ipv4.ip_forward)""#,
    );
    assert_eq!(
        run.stdout, "net.ipv4.ip_forward = 1\nroot: 0\na: 1\n",
        "{}",
        run.stderr
    );
}

/// The in-process path: `NetCtx::netns` set, as the shell does for `ip netns
/// exec NS sysctl …`. The namespace is a throwaway one held by a child
/// process (`unshare --net sleep`), named by PID; the test itself runs on
/// a thread that first moved to a private namespace, so that even a bug
/// could not touch the host's settings.
#[test]
fn in_process_with_ctx_netns() {
    if !need_root("sysctl::in_process_with_ctx_netns") {
        return;
    }
    crate::common::in_private_netns(in_process_body);
}

fn in_process_body() {
    let holder = crate::common::NetnsHolder::new();
    let pid = holder.pid;
    let run_native = |args: &[&str]| holder.run_native(nsh::native::sysctl::run, args);
    let nsenter = |args: &[&str]| {
        let ns = format!("--net=/proc/{pid}/ns/net");
        let out = std::process::Command::new("nsenter")
            .arg(&ns)
            .arg("sysctl")
            .args(args)
            .output()
            .expect("nsenter");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    };
    let outer = || std::fs::read_to_string("/proc/sys/net/ipv4/conf/all/forwarding").ok();
    let outer_before = outer();
    let written = run_native(&["-w", "net.ipv4.conf.all.forwarding=1"]);
    assert_eq!(
        written,
        (
            "net.ipv4.conf.all.forwarding = 1\n".into(),
            String::new(),
            0
        )
    );
    assert_eq!(
        nsenter(&["net.ipv4.conf.all.forwarding"]),
        run_native(&["net.ipv4.conf.all.forwarding"])
    );
    assert_eq!(nsenter(&["-n", "net.ipv4.conf.all.forwarding"]).0, "1\n");
    // Only the namespace has its loopback-only device list.
    assert_eq!(
        nsenter(&["-a", "-r", r"^net\.ipv4\.conf\.[^.]+\.forwarding$"]),
        run_native(&["-a", "-r", r"^net\.ipv4\.conf\.[^.]+\.forwarding$"])
    );
    assert_eq!(
        outer(),
        outer_before,
        "the test's own namespace must be untouched"
    );
}

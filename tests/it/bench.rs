//! Keeps the benchmark working (issue 6): a tiny run (N=5, M=20, one rep)
//! must complete and report. Timings are printed, never asserted.

use crate::common::{need_root, nsh_bin};

#[test]
fn bench_smoke_runs() {
    if !need_root("bench_smoke_runs") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = format!("{}/scripts/bench/run.py", env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3")
        .args([&script, "--nsh", nsh_bin().to_str().expect("path")])
        .args(["--ns", "5", "--rules", "20", "--reps", "1", "--out"])
        .arg(dir.path())
        .output()
        .expect("run.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("bash/nsh"), "{stdout}");
    assert!(!stderr.contains("warning"), "a runner failed:\n{stderr}");
    let csv = std::fs::read_to_string(dir.path().join("results.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 4, "{csv}");
}

/// The iptables-lines and builtins benchmarks at a tiny size: they run,
/// bash and nsh agree, and they report.
#[test]
fn iptables_lines_and_builtins_benchmarks_run() {
    if !need_root("iptables_lines_and_builtins_benchmarks_run") {
        return;
    }
    let dir = format!("{}/scripts/bench", env!("CARGO_MANIFEST_DIR"));
    let nsh = nsh_bin().to_str().expect("path").to_string();
    for (script, args, want) in [
        (
            "iptables-lines.sh",
            vec![nsh.clone(), "20".into()],
            "nsh/restore",
        ),
        ("builtins.sh", vec![nsh.clone(), "60".into()], "nsh -n"),
    ] {
        let out = std::process::Command::new("bash")
            .arg(format!("{dir}/{script}"))
            .args(&args)
            .env("REPS", "1")
            .output()
            .expect("bench");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{script}: {stdout}\n{stderr}");
        assert!(stdout.contains(want), "{script}: {stdout}");
    }
}

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

#!/usr/bin/env python3
"""Benchmark nsh against bash + the real tools, and against the batched tools.

For each N (namespaces) and M (iptables rules), gen-topology.sh writes the
same work three ways; each runner runs it in a fresh sandbox (a throwaway
network + mount namespace), alternating runners, REPS times:
  bash   bash running script.sh (real ip, iptables, sysctl)
  nsh    nsh running the same script.sh (native commands)
  batch  ip -batch + iptables-restore (the same work, batched)
Prints medians, the ratios bash/nsh and nsh/batch, writes results.csv and
(if matplotlib is installed) chart.png in OUTDIR. Also reports the kernel's
share (system time of the batched run: the floor) and nsh's peak RSS.

Usage: run.py [--nsh PATH] [--ns 10,100,500] [--rules 100,1000,5000]
              [--reps 3] [--out DIR]
Needs root. Nothing leaves the sandboxes; no packets are sent.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

SANDBOX = r"""set -e
mount -t tmpfs -o mode=755 nsh-bench /run
mkdir -p /run/netns
ip link set lo up
ip link add eth0 type veth peer name eth0-peer
set +e
exec "$@"
"""

# Run a command, report wall, user+sys and system CPU time of its children
# and their peak RSS (KiB), as one line on the descriptor $NSH_BENCH_FD.
TIMER = r"""
import os, resource, subprocess, sys, time
t0 = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.monotonic() - t0
u = resource.getrusage(resource.RUSAGE_CHILDREN)
os.write(int(os.environ["NSH_BENCH_FD"]), ("%f %f %f %d %d\n" % (wall, u.ru_utime + u.ru_stime, u.ru_stime, u.ru_maxrss, r.returncode)).encode())
"""


def sandboxed(argv):
    return ["unshare", "--net", "--mount", "--propagation", "private", "--fork", "--",
            "sh", "-c", SANDBOX, "sandbox"] + argv


def measure(argv):
    r, w = os.pipe()
    env = dict(os.environ, NSH_BENCH_FD=str(w))
    p = subprocess.Popen(sandboxed(["python3", "-c", TIMER] + argv), pass_fds=(w,), env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(w)
    out = os.read(r, 4096).decode()
    os.close(r)
    err = p.communicate()[1].decode()
    wall, cpu, sys_t, rss, rc = out.split()
    if int(rc) != 0:
        print("warning: %s exited %s: %s" % (argv[:3], rc, err.strip()[-300:]), file=sys.stderr)
    return float(wall), float(cpu), float(sys_t), int(rss)


def runners(nsh, d):
    batch = ("set -e; sh {d}/netns.sh; ip -batch {d}/ip.batch; for f in {d}/ns/*; do ip -n $(basename $f) -batch $f; done; "
             "sysctl -qw net.ipv4.ip_forward=1; iptables-restore {d}/rules.txt; "
             "iptables -F; iptables -t nat -F; ip -batch {d}/ip-down.batch; ip -all netns del").format(d=d)
    return {
        "bash": ["bash", os.path.join(d, "script.sh")],
        "nsh": [nsh, os.path.join(d, "script.sh")],
        "batch": ["bash", "-c", batch],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsh", default=os.path.join(HERE, "..", "..", "target", "release", "nsh"))
    ap.add_argument("--ns", default="10,100,500")
    ap.add_argument("--rules", default="100,1000,5000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--report", metavar="CSV",
                    help="print the tables and draw the chart of an earlier run's results.csv")
    a = ap.parse_args()
    nsh = os.path.abspath(a.nsh)
    os.makedirs(a.out, exist_ok=True)
    if a.report:
        with open(a.report, newline="") as f:
            rows = [{k: (v if k == "runner" else float(v) if "_s" in k else int(v))
                     for k, v in r.items()} for r in csv.DictReader(f)]
        report(rows, a.out, a.report)
        return
    rows = []
    for n in [int(x) for x in a.ns.split(",")]:
        for m in [int(x) for x in a.rules.split(",")]:
            with tempfile.TemporaryDirectory(prefix="nsh-bench") as d:
                subprocess.run([os.path.join(HERE, "gen-topology.sh"), str(n), str(m), d], check=True)
                rs = runners(nsh, d)
                for rep in range(a.reps):
                    order = list(rs) if rep % 2 == 0 else list(reversed(list(rs)))
                    for name in order:
                        wall, cpu, sys_t, rss = measure(rs[name])
                        rows.append({"runner": name, "N": n, "M": m, "rep": rep, "wall_s": wall,
                                     "cpu_s": cpu, "sys_s": sys_t, "maxrss_kib": rss})
                        print("%-5s N=%-4d M=%-5d rep=%d  %.3fs" % (name, n, m, rep, wall), flush=True)
    path = os.path.join(a.out, "results.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    report(rows, a.out, path)


def report(rows, out, path):
    """Medians, ratios, the growth table, peak RSS and the chart."""
    print("\n%-5s %-5s %9s %9s %9s %9s %9s %10s" % ("N", "M", "bash s", "nsh s", "batch s", "bash/nsh", "nsh/batch", "floor s"))
    med = {}
    for r in rows:
        med.setdefault((r["N"], r["M"], r["runner"]), []).append(r)
    for (n, m) in sorted({(r["N"], r["M"]) for r in rows}):
        b = statistics.median(x["wall_s"] for x in med[(n, m, "bash")])
        s = statistics.median(x["wall_s"] for x in med[(n, m, "nsh")])
        c = statistics.median(x["wall_s"] for x in med[(n, m, "batch")])
        floor = statistics.median(x["sys_s"] for x in med[(n, m, "batch")])
        print("%-5d %-5d %9.3f %9.3f %9.3f %9.1f %9.2f %10.3f" % (n, m, b, s, c, b / s, s / c, floor))
    # Growth: how the time grows from one N (or M) to the next, against
    # the factor by which N (or M) grew (linear growth: the same factor).
    print("\ngrowth (time ratio / size ratio; 1.0 = linear)")
    ns = sorted({r["N"] for r in rows})
    ms = sorted({r["M"] for r in rows})
    for name in ("bash", "nsh", "batch"):
        cells = []
        for key, sizes, fixed_key, fixed in (("N", ns, "M", ms[0]), ("M", ms, "N", ns[0])):
            for lo, hi in zip(sizes, sizes[1:]):
                def t(v):
                    return statistics.median(x["wall_s"] for x in rows if x["runner"] == name
                                             and x[key] == v and x[fixed_key] == fixed)
                cells.append("%s %d->%d: %.2f" % (key, lo, hi, (t(hi) / t(lo)) / (hi / lo)))
        print("  %-5s %s" % (name, "   ".join(cells)))
    peak = max((x["maxrss_kib"] for x in rows if x["runner"] == "nsh"), default=0)
    print("\nnsh peak RSS: %d KiB" % peak)
    print("results: %s" % path)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        for ax, key, other in ((axes[0], "N", "M"), (axes[1], "M", "N")):
            fixed = max(r[other] for r in rows)
            for name in ("bash", "nsh", "batch"):
                xs = sorted({r[key] for r in rows if r[other] == fixed})
                ys = [statistics.median(r["wall_s"] for r in rows
                                        if r["runner"] == name and r[key] == x and r[other] == fixed) for x in xs]
                ax.plot(xs, ys, marker="o", label=name)
            ax.set_xlabel(key + (" (namespaces)" if key == "N" else " (iptables rules)"))
            ax.set_ylabel("seconds (median)")
            ax.set_title("time vs %s at %s=%d" % (key, other, fixed))
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, "chart.png"), dpi=90)
        print("chart: %s" % os.path.join(out, "chart.png"))
    except ImportError:
        print("(pip install matplotlib for chart.png)")


if __name__ == "__main__":
    main()

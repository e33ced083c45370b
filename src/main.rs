//! The `nsh` binary: command line, and the only place that turns errors into
//! exit codes and reports.

use nsh::native::{self, Io, NetCtx, Outcome, Word};
use nsh::span::Span;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let argv0 = args.first().map(String::as_str).unwrap_or("nsh");
    let base = argv0.rsplit('/').next().unwrap_or(argv0);
    // Busybox style: invoked as `ip`, `iptables`, … run that native command.
    if let Some(f) = native::lookup(base) {
        std::process::exit(run_standalone(f, &args[1..]));
    }
    eprintln!("nsh: the shell is not built yet");
    std::process::exit(2);
}

fn run_standalone(f: native::NativeFn, args: &[String]) -> i32 {
    let words: Vec<Word> = args
        .iter()
        .map(|a| Word::new(a.clone(), Span::default()))
        .collect();
    let mut ctx = NetCtx::new();
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    let stderr = std::io::stderr();
    let mut stderr = stderr.lock();
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut stdout,
        stderr: &mut stderr,
    };
    let status = match f(&mut ctx, &words, &mut io) {
        Outcome::Status(s) => s,
        Outcome::ExecIn { .. } => 1,
    };
    let bs = ctx.barrier(io.stderr);
    let _ = std::io::Write::flush(io.stdout);
    if status == 0 {
        bs
    } else {
        status
    }
}

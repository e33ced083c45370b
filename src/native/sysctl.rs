//! `sysctl`: argv → [`crate::netcmd::sysctl`] → [`crate::backend::sysctl`]
//! → [`crate::output::sysctl`].

use crate::backend::sysctl as backend;
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::sysctl::{self as cmd, SysctlCmd};
use crate::output::sysctl as output;

/// Equivalent to procps-ng 4.0.2 `sysctl ARGS…`, in `ctx.netns` when set.
pub fn run(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    let argv: Vec<&str> = args.iter().map(Word::as_str).collect();
    let parsed = cmd::parse(&argv);
    let status = match &parsed {
        SysctlCmd::Usage { error, to_stdout } => {
            if let Some(e) = error {
                let _ = writeln!(io.stderr, "sysctl: {e}");
            }
            if *to_stdout {
                let _ = io.stdout.write_all(output::USAGE.as_bytes());
                0
            } else {
                let _ = io.stderr.write_all(output::USAGE.as_bytes());
                1
            }
        }
        SysctlCmd::Version => {
            let _ = io.stdout.write_all(output::VERSION.as_bytes());
            0
        }
        SysctlCmd::Fail(msg) => {
            let _ = writeln!(io.stderr, "sysctl: {msg}");
            1
        }
        SysctlCmd::DisplayAll(opts)
        | SysctlCmd::System(opts)
        | SysctlCmd::Load { opts, .. }
        | SysctlCmd::Keys { opts, .. } => {
            // `-p -` reads the configuration from stdin.
            let stdin = match &parsed {
                SysctlCmd::Load { files, .. } if files.iter().any(|f| f == "-") => {
                    let mut buf = Vec::new();
                    let _ = io.stdin.read_to_end(&mut buf);
                    Some(buf)
                }
                _ => None,
            };
            match backend::run(&parsed, ctx.netns.as_ref(), stdin) {
                Ok(report) => {
                    for rec in &report.records {
                        if output::render(rec, opts, io.stdout, io.stderr).is_err() {
                            break;
                        }
                    }
                    report.status
                }
                Err(e) => {
                    let _ = writeln!(io.stderr, "{e}");
                    1
                }
            }
        }
    };
    let _ = io.stdout.flush();
    Outcome::Status(status)
}

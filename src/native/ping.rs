//! `ping`: argv → [`crate::netcmd::ping`] → [`crate::backend::ping`] →
//! [`crate::output::ping`], line by line as replies arrive.

use crate::backend::ping as backend;
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ping::{self as cmd, PingParse};
use crate::output::ping as output;

/// Equivalent to iputils 20221126 `ping ARGS…` (IPv4), from `ctx.netns`
/// when set.
pub fn run(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    let argv: Vec<&str> = args.iter().map(Word::as_str).collect();
    let cmd = match cmd::parse(&argv) {
        PingParse::Exit {
            stdout,
            stderr,
            status,
        } => {
            let _ = io.stdout.write_all(stdout.as_bytes());
            let _ = io.stdout.flush();
            let _ = io.stderr.write_all(stderr.as_bytes());
            return Outcome::Status(status);
        }
        PingParse::Run(c) => c,
    };
    let _ = io.stderr.write_all(cmd.warnings.as_bytes());
    let (stdout, stderr) = (&mut *io.stdout, &mut *io.stderr);
    let result = backend::ping(&cmd, ctx.netns.as_ref(), |ev| {
        output::render(&ev, stdout, stderr)
    });
    match result {
        Ok(status) => Outcome::Status(status),
        Err(e) => {
            let _ = writeln!(io.stderr, "ping: {e}");
            Outcome::Status(2)
        }
    }
}

//! The native `ip` executor: global options, object dispatch, and the
//! fallback to the real tool for forms that are not native.
//!
//! `ip link` is handled here; `address`/`route`/`neigh` by
//! [`crate::native::ip_addr`] etc. and `netns` by the netns executor, all
//! with the signature `fn(&mut NetCtx, &IpGlobal, &[Word], &mut Io) -> Outcome`
//! where `args` are the words after the object.

use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ip::{parse_invocation, IpInvocation, IpObject};

/// The real iproute2, run for forms outside the native subset.
pub const REAL_IP: &str = "/usr/sbin/ip";

/// `ip [OPTIONS] OBJECT { COMMAND | help }`.
pub fn run(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    let words: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
    let inv = match parse_invocation(&words) {
        Ok(i) => i,
        Err(e) => {
            let _ = writeln!(io.stderr, "{}", e.text);
            return Outcome::Status(e.status);
        }
    };
    let (g, object, rest) = match inv {
        IpInvocation::Native {
            global,
            object,
            rest,
        } => (global, object, rest),
        IpInvocation::Foreign => {
            let st = ctx.barrier(io.stderr);
            if st != 0 {
                return Outcome::Status(st);
            }
            return foreign(ctx, args, io);
        }
    };
    let rest = &args[rest.min(args.len())..];
    // Queued link deletions (backend::linkdel) stay queued through the
    // changes that cannot tell them apart from done ones: `ip link` (whose
    // executor decides), `ip addr` changes (their device lookups see queued
    // devices as gone), `ip netns add|del`, all in the run's namespace.
    // Anything else (listings, routes, …) carries out what is queued first.
    let cmd = rest.first().map(|w| w.node.as_str()).unwrap_or("");
    let is = |kw: &str| !cmd.is_empty() && kw.starts_with(cmd);
    let may_defer = match object {
        IpObject::Link => true,
        IpObject::Address => is("add") || is("change") || is("replace") || is("delete"),
        IpObject::Netns => is("add") || is("delete"),
        IpObject::Route | IpObject::Neigh => false,
    };
    let ns = g.netns.clone().or_else(|| ctx.netns.clone());
    if !may_defer || ctx.rtnl.deletes_queued_elsewhere(ns.as_ref()) {
        let st = ctx.barrier(io.stderr);
        if st != 0 {
            return Outcome::Status(st);
        }
    }
    match object {
        IpObject::Link => crate::native::ip_link::run(ctx, &g, rest, io),
        IpObject::Address => crate::native::ip_addr::run(ctx, &g, rest, io),
        IpObject::Route => crate::native::ip_route::run(ctx, &g, rest, args, io),
        IpObject::Neigh => crate::native::ip_neigh::run(ctx, &g, rest, args, io),
        IpObject::Netns => crate::native::ip_netns::run(ctx, &g, rest, args, io),
    }
}

/// A form outside the native subset: run the real `ip` with the same words
/// (one note on stderr), or refuse under `set -o native`.
pub fn foreign(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    real_ip(ctx, args, io, true)
}

/// [`foreign`]; `barrier`: carry out queued work first (not for
/// `ip netns del`, which leaves a run of link deletions one batch).
fn real_ip(ctx: &mut NetCtx, args: &[Word], io: &mut Io, barrier: bool) -> Outcome {
    let shown: Vec<&str> = args.iter().map(|w| w.node.as_str()).collect();
    let shown = shown.join(" ");
    if ctx.native_only || !std::path::Path::new(REAL_IP).exists() {
        let _ = writeln!(
            io.stderr,
            "nsh: ip {shown}: not native (refused: native only)"
        );
        return Outcome::Status(255);
    }
    let key = args
        .iter()
        .find(|w| !w.node.starts_with('-'))
        .map(|w| w.node.clone())
        .unwrap_or_default();
    crate::native::fallback_note(
        io.stderr,
        &format!("ip {key}"),
        &format!("nsh: ip {shown}: not native, running {REAL_IP}"),
    );
    // The real tool must see what is queued (`ip netns del` is not queued
    // but may reach here).
    let deletes_netns = args
        .iter()
        .skip_while(|w| w.node.starts_with('-'))
        .nth(1)
        .is_some_and(|w| !w.node.is_empty() && "delete".starts_with(w.node.as_str()));
    if barrier || !deletes_netns {
        let st = ctx.barrier(io.stderr);
        if st != 0 {
            return Outcome::Status(st);
        }
    }
    let r = run_real(ctx, REAL_IP, args, io);
    // The real tool may have changed links behind the caches' back.
    ctx.rtnl.invalidate_all();
    r
}

/// Run a real tool with `args`, in `ctx.netns` if set, passing its output
/// through `io`.
pub fn run_real(ctx: &mut NetCtx, prog: &str, args: &[Word], io: &mut Io) -> Outcome {
    let mut cmd = std::process::Command::new(prog);
    if let Some(ns) = &ctx.netns {
        // `ip netns exec NS` around a native command: the real tool must
        // run in NS too.
        cmd = std::process::Command::new("nsenter");
        cmd.arg(format!("--net={}", ns.path().display())).arg(prog);
    }
    cmd.args(args.iter().map(|w| w.node.as_str()));
    cmd.stdin(std::process::Stdio::null());
    match cmd.output() {
        Ok(out) => {
            let _ = io.stdout.write_all(&out.stdout);
            let _ = io.stderr.write_all(&out.stderr);
            Outcome::Status(out.status.code().unwrap_or(255))
        }
        Err(e) => {
            let _ = writeln!(
                io.stderr,
                "nsh: {prog}: {}",
                crate::backend::netns::strerror(&e)
            );
            Outcome::Status(127)
        }
    }
}

/// The start every `ip OBJECT` executor shares: a parsed command, or the
/// outcome to return at once — iproute2's usage error printed, or the real
/// tool for a form outside the native subset and for the output options
/// (`-s`, `-d`, `-o`, `-br`) the object's native printer does not cover.
pub fn native_or_outcome<T>(
    ctx: &mut NetCtx,
    g: &crate::netcmd::ip::IpGlobal,
    args: &[Word],
    io: &mut Io,
    parsed: Result<crate::netcmd::ip::link::Parsed<T>, crate::netcmd::ip::IpUsage>,
) -> Result<T, Outcome> {
    use crate::netcmd::ip::link::Parsed;
    match parsed {
        Ok(Parsed::Native(_)) if g.stats > 0 || g.details > 0 || g.oneline || g.brief => {
            Err(foreign(ctx, args, io))
        }
        Ok(Parsed::Native(c)) => Ok(c),
        Ok(Parsed::Foreign) => Err(foreign(ctx, args, io)),
        Err(e) => {
            let _ = writeln!(io.stderr, "{}", e.text);
            Err(Outcome::Status(e.status))
        }
    }
}

/// The rtnetlink connection for `-n NS`, else the namespace natives act
/// in; the outcome to return when it cannot be opened.
pub fn conn_or_outcome<'a>(
    ctx: &'a mut NetCtx,
    g: &crate::netcmd::ip::IpGlobal,
    io: &mut Io,
) -> Result<&'a mut crate::backend::rtnl::Conn, Outcome> {
    let ns = g.netns.clone().or_else(|| ctx.netns.clone());
    ctx.rtnl.handle(ns.as_ref()).map_err(|e| {
        let _ = writeln!(io.stderr, "{e}");
        Outcome::Status(255)
    })
}

/// A native ip command's result: `Err((iproute2's message, exit status))`.
pub type Res<T> = Result<T, (String, i32)>;

/// The outcome of a finished native command: status 0, or its message on
/// stderr and its status.
pub fn finish(io: &mut Io, r: Res<()>) -> Outcome {
    match r {
        Ok(()) => Outcome::Status(0),
        Err((text, st)) => {
            let _ = writeln!(io.stderr, "{text}");
            Outcome::Status(st)
        }
    }
}

/// The index of device `name` in `conn`'s namespace, or iproute2's
/// `Cannot find device "NAME"` (status 1) / the kernel's error (status 2).
pub fn ifindex_or_nodev(
    conn: &mut crate::backend::rtnl::Conn,
    name: &str,
) -> Result<u32, (String, i32)> {
    match conn.link_index(name) {
        Ok(Some(i)) => Ok(i),
        Ok(None) => Err((format!("Cannot find device \"{name}\""), 1)),
        Err(e) => Err((e.iproute2_text(), 2)),
    }
}

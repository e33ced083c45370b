//! `iptables` executor: argv → [`IptCmd`] → nft-backend queue/view →
//! `output::iptables`. Modifications are queued (one transaction per run
//! of consecutive commands, committed by `NetCtx::barrier`); listings
//! commit first, then read the view.

use std::path::Path;

use crate::backend::nft::{
    builtin_chains, Chain, IptEntry, NftError, Op, Ruleset, XtMatch, XtTarget,
};
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::iptables::{parse, Command, IptCmd, ParseError};
use crate::output::iptables::{list_header, list_rule, save_rule_counters, verbose_rule, ListFmt};
use crate::span::Span;

/// Entry point for `iptables` (and `iptables-nft`).
pub fn run(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    let words: Vec<String> = args.iter().map(|w| w.node.clone()).collect();
    Outcome::Status(run_words(ctx, "iptables", &words, io))
}

/// The real tool, for forms outside the native subset.
const REAL_IPTABLES: &str = "/usr/sbin/iptables";

/// Run the real iptables for a form nsh does not implement natively:
/// commit queued work first (the real tool must see it), say so once on
/// stderr, and run it in `ctx.netns`.
fn run_real(ctx: &mut NetCtx, words: &[String], io: &mut Io) -> i32 {
    let st = ctx.barrier(io.stderr);
    if st != 0 {
        return st;
    }
    crate::native::fallback_note(
        io.stderr,
        "iptables",
        &format!("nsh: iptables: form not native, running {REAL_IPTABLES}"),
    );
    let mut cmd = std::process::Command::new(REAL_IPTABLES);
    cmd.args(words);
    if let Some(ns) = ctx.netns.clone() {
        use std::os::unix::process::CommandExt;
        // SAFETY: nsh is single-threaded when it forks here; the child only
        // enters the namespace (setns, mounts) before exec.
        unsafe {
            cmd.pre_exec(move || {
                crate::backend::netns::enter_for_exec(&ns)
                    .map_err(|e| std::io::Error::other(e.to_string()))
            });
        }
    }
    match cmd.output() {
        Ok(out) => {
            let _ = io.stdout.write_all(&out.stdout);
            let _ = io.stderr.write_all(&out.stderr);
            out.status.code().unwrap_or(1)
        }
        Err(e) => {
            let _ = writeln!(io.stderr, "nsh: {REAL_IPTABLES}: {e}");
            1
        }
    }
}

/// `nsh -n`: check an `iptables` command line without touching the kernel.
/// On error: iptables' message, its exit status, and the span of the word
/// that caused it (when one did).
pub fn check(args: &[Word]) -> Result<(), (ParseError, Option<Span>)> {
    let words: Vec<String> = args.iter().map(|w| w.node.clone()).collect();
    match parse("iptables", &words) {
        Ok(_) => Ok(()),
        Err(e) => {
            let span = e.word.and_then(|i| args.get(i)).map(|w| w.span);
            Err((e, span))
        }
    }
}

/// Run one iptables command given as words; returns the exit status.
pub fn run_words(ctx: &mut NetCtx, prog: &str, words: &[String], io: &mut Io) -> i32 {
    if matches!(words.first().map(String::as_str), Some("-V" | "--version")) {
        let _ = writeln!(io.stdout, "{prog} v1.8.9 (nf_tables)");
        return 0;
    }
    let cmd = match parse(prog, words) {
        Ok(c) => c,
        Err(e) => {
            if e.unsupported && !ctx.native_only && Path::new(REAL_IPTABLES).exists() {
                return run_real(ctx, words, io);
            }
            let _ = io.stderr.write_all(e.text.as_bytes());
            return e.status;
        }
    };
    if !ctx.native_only && Path::new(REAL_IPTABLES).exists() {
        // `-j NAME` where NAME is no chain: an xtables target nsh does not
        // implement (NOTRACK, MARK without options, …) for the real tool.
        if let XtTarget::Jump(t) = &cmd.entry.target {
            let ns = ctx.netns.clone();
            let known = ctx.nft.ruleset(ns.as_ref()).map_or(true, |rs| {
                rs.table(&cmd.table).and_then(|x| x.chain(t)).is_some()
            });
            if !known && crate::netcmd::iptables::TARGETS.contains(&t.as_str()) {
                return run_real(ctx, words, io);
            }
        }
    }
    execute_cmd(ctx, prog, &cmd, io)
}

/// Execute a parsed command, printing iptables' error; returns the status.
pub fn execute_cmd(ctx: &mut NetCtx, prog: &str, cmd: &IptCmd, io: &mut Io) -> i32 {
    match execute(ctx, prog, cmd, io) {
        Ok(st) => st,
        Err(e) => {
            let (text, status) = e.iptables_message(prog);
            let _ = io.stderr.write_all(text.as_bytes());
            status
        }
    }
}

/// The chains of `table` as iptables lists them: built-ins in hook order
/// (absent ones with policy ACCEPT, as `nft_xt_fake_builtin_chains`), then
/// user chains sorted by name.
pub fn chains_of(rs: &Ruleset, table: &str) -> Vec<Chain> {
    let t = rs.table(table);
    let mut out = Vec::new();
    for (name, ..) in builtin_chains(table) {
        match t.and_then(|t| t.chain(name)) {
            Some(c) => out.push(c.clone()),
            None => out.push(Chain {
                name: (*name).to_string(),
                handle: None,
                hook: None,
                policy: Some(1),
                counters: (0, 0),
                rules: Vec::new(),
            }),
        }
    }
    if let Some(t) = t {
        let mut user: Vec<Chain> = t
            .chains
            .iter()
            .filter(|c| !builtin_chains(table).iter().any(|b| b.0 == c.name))
            .cloned()
            .collect();
        user.sort_by(|a, b| a.name.cmp(&b.name));
        out.extend(user);
    }
    out
}

/// Whether every rule of `chains` is one nsh can print exactly (decoded,
/// no match or target outside the native subset).
pub fn native_ok(chains: &[Chain]) -> bool {
    chains.iter().flat_map(|c| c.rules.iter()).all(|r| {
        r.entry().is_some_and(|e| {
            !matches!(e.target, XtTarget::Other { .. })
                && !e.matches.iter().any(|m| matches!(m, XtMatch::Other { .. }))
        })
    })
}

fn is_builtin(table: &str, chain: &str) -> bool {
    builtin_chains(table).iter().any(|b| b.0 == chain)
}

fn refs(chains: &[Chain], name: &str) -> usize {
    chains
        .iter()
        .flat_map(|c| c.rules.iter())
        .filter_map(|r| r.entry())
        .filter(|e| matches!(&e.target, XtTarget::Jump(c) | XtTarget::Goto(c) if c == name))
        .count()
}

fn find_rule(rs: &Ruleset, table: &str, chain: &str, e: &IptEntry) -> Result<usize, NftError> {
    let c = rs.table(table).and_then(|t| t.chain(chain));
    let Some(c) = c else {
        return if is_builtin(table, chain) {
            Err(NftError::BadRule)
        } else {
            Err(NftError::NoSuchChain)
        };
    };
    c.rules
        .iter()
        .position(|r| r.entry().is_some_and(|x| x.same_rule(e)))
        .map(|p| p + 1)
        .ok_or(NftError::BadRule)
}

/// Carry out a parsed command; `Ok(status)` (listings may fail with 1).
pub(crate) fn execute(
    ctx: &mut NetCtx,
    prog: &str,
    cmd: &IptCmd,
    io: &mut Io,
) -> Result<i32, NftError> {
    let ns = ctx.netns.clone();
    let ns = ns.as_ref();
    let table = cmd.table.clone();
    let rule = || cmd.entry.to_rule();
    let op = match &cmd.command {
        Command::Append(chain) => Op::Append {
            table,
            chain: chain.clone(),
            rule: rule(),
        },
        Command::Insert(chain, pos) => Op::Insert {
            table,
            chain: chain.clone(),
            pos: *pos,
            rule: rule(),
        },
        Command::Replace(chain, pos) => Op::Replace {
            table,
            chain: chain.clone(),
            pos: *pos,
            rule: rule(),
        },
        Command::Delete(chain, Some(pos)) => Op::Delete {
            table,
            chain: chain.clone(),
            pos: *pos,
        },
        Command::Delete(chain, None) => {
            let rs = ctx.nft.ruleset(ns)?;
            let pos = find_rule(rs, &table, chain, &cmd.entry)?;
            Op::Delete {
                table,
                chain: chain.clone(),
                pos,
            }
        }
        Command::Check(chain) => {
            let rs = ctx.nft.ruleset(ns)?;
            find_rule(rs, &table, chain, &cmd.entry)?;
            if cmd.verbose {
                let _ = io.stdout.write_all(verbose_rule(&cmd.entry).as_bytes());
            }
            return Ok(0);
        }
        Command::Policy(chain, accept) => Op::Policy {
            table,
            chain: chain.clone(),
            accept: *accept,
        },
        Command::NewChain(chain) => Op::NewChain {
            table,
            chain: chain.clone(),
        },
        Command::DeleteChain(chain) => Op::DeleteChain {
            table,
            chain: chain.clone(),
        },
        Command::RenameChain(old, new) => Op::RenameChain {
            table,
            old: old.clone(),
            new: new.clone(),
        },
        Command::Flush(chain) => Op::Flush {
            table,
            chain: chain.clone(),
        },
        Command::Zero(chain) => {
            if cmd.verbose {
                // `-Z -v`: a line per chain that exists in the kernel.
                let rs = ctx.nft.ruleset(ns)?;
                let mut o = String::new();
                if let Some(t) = rs.table(&table) {
                    // iptables-nft fakes the missing built-ins only when
                    // one of them exists (nft_xt_fake_builtin_chains).
                    let fake = t.chains.iter().any(|c| is_builtin(&table, &c.name));
                    for c in chains_of(rs, &table) {
                        let wanted = chain.as_deref().is_none_or(|n| n == c.name);
                        if wanted && (fake || t.chain(&c.name).is_some()) {
                            o.push_str(&format!("Zeroing chain `{}'\n", c.name));
                        }
                    }
                }
                let _ = io.stdout.write_all(o.as_bytes());
            }
            Op::Zero {
                table,
                chain: chain.clone(),
            }
        }
        Command::ZeroRule(chain, rule) => Op::ZeroRule {
            table,
            chain: chain.clone(),
            rule: *rule,
        },
        Command::ListRules(chain) => return list_rules(ctx, prog, cmd, chain.as_deref(), io),
        Command::List(chain) => {
            let st = list(ctx, prog, cmd, chain.as_deref(), io)?;
            if st == 0 && cmd.zero_after_list {
                ctx.nft.queue(
                    ns,
                    Op::Zero {
                        table,
                        chain: chain.clone(),
                    },
                )?;
            }
            return Ok(st);
        }
    };
    // `-v`: what iptables 1.8.9 prints about the chains it flushes or
    // deletes (before the work), and the rule it adds or deletes (after).
    let mut notes = String::new();
    if cmd.verbose {
        let rs = ctx.nft.ruleset(ns)?;
        match &op {
            Op::Flush { table, chain } => {
                for c in chains_of(rs, table) {
                    if chain.as_deref().is_none_or(|n| n == c.name) {
                        notes.push_str(&format!("Flushing chain `{}'\n", c.name));
                    }
                }
                if let Some(n) = chain {
                    if !chains_of(rs, table).iter().any(|c| &c.name == n) {
                        notes.push_str(&format!("Flushing chain `{n}'\n"));
                    }
                }
            }
            Op::DeleteChain { table, chain } => {
                for c in chains_of(rs, table) {
                    let user = !is_builtin(table, &c.name);
                    if user && chain.as_deref().is_none_or(|n| n == c.name) {
                        notes.push_str(&format!("Deleting chain `{}'\n", c.name));
                    }
                }
            }
            _ => {}
        }
    }
    let _ = io.stdout.write_all(notes.as_bytes());
    let rule_op = matches!(
        op,
        Op::Append { .. } | Op::Insert { .. } | Op::Replace { .. }
    ) || matches!(cmd.command, Command::Delete(_, None));
    ctx.nft.queue(ns, op)?;
    if cmd.verbose && rule_op {
        let _ = io.stdout.write_all(verbose_rule(&cmd.entry).as_bytes());
    }
    Ok(0)
}

fn view<'a>(ctx: &'a mut NetCtx, fresh: bool, io: &mut Io) -> Result<&'a Ruleset, NftError> {
    if ctx.nft.has_pending() {
        let _ = ctx.barrier(io.stderr);
    }
    let ns = ctx.netns.clone();
    if fresh {
        ctx.nft.fresh_ruleset(ns.as_ref())
    } else {
        ctx.nft.ruleset(ns.as_ref())
    }
}

/// The chains to list: the one at `one`, or all.
fn selected(chains: &[Chain], one: Option<usize>) -> Vec<&Chain> {
    match one {
        Some(i) => vec![&chains[i]],
        None => chains.iter().collect(),
    }
}

/// All the table's chains and the index of the one named, if any.
type Listed = Result<(Vec<Chain>, Option<usize>), i32>;

/// The table's chains, and which of them `-S`/`-L` list (all, or the one
/// named); `Err(status)` when the real tool ran instead (rules nsh cannot
/// print) or the chain does not exist.
fn listed_chains(
    ctx: &mut NetCtx,
    prog: &str,
    cmd: &IptCmd,
    chain: Option<&str>,
    io: &mut Io,
) -> Result<Listed, NftError> {
    let ctx_native_only = ctx.native_only;
    let rs = view(ctx, cmd.verbose, io)?;
    let chains = chains_of(rs, &cmd.table);
    if !native_ok(&chains) && !ctx_native_only && Path::new(REAL_IPTABLES).exists() {
        return Ok(Err(run_real(ctx, &cmd.words, io)));
    }
    let Some(name) = chain else {
        return Ok(Ok((chains, None)));
    };
    match chains.iter().position(|c| c.name == name) {
        Some(i) => Ok(Ok((chains, Some(i)))),
        None => {
            // iptables-nft 1.8.9 (nft.c: nft_rule_list / list_rules) on a
            // chain it cannot find.
            let _ = writeln!(
                io.stderr,
                "{prog} v1.8.9 (nf_tables): chain `{name}' in table `{}' is incompatible, use 'nft' tool.",
                cmd.table
            );
            Ok(Err(1))
        }
    }
}

fn list_rules(
    ctx: &mut NetCtx,
    prog: &str,
    cmd: &IptCmd,
    chain: Option<&str>,
    io: &mut Io,
) -> Result<i32, NftError> {
    let (chains, one) = match listed_chains(ctx, prog, cmd, chain, io)? {
        Ok(c) => c,
        Err(status) => return Ok(status),
    };
    let sel = selected(&chains, one);
    let mut o = String::new();
    for c in &sel {
        if is_builtin(&cmd.table, &c.name) {
            let pol = if c.policy == Some(0) {
                "DROP"
            } else {
                "ACCEPT"
            };
            o.push_str(&format!("-P {} {pol}", c.name));
            if cmd.verbose {
                o.push_str(&format!(" -c {} {}", c.counters.0, c.counters.1));
            }
            o.push('\n');
        } else {
            o.push_str(&format!("-N {}\n", c.name));
        }
    }
    for c in &sel {
        for r in &c.rules {
            if let Some(e) = r.entry() {
                o.push_str(&format!("-A {}", c.name));
                o.push_str(&save_rule_counters(&e, cmd.verbose));
                o.push('\n');
            }
        }
    }
    let _ = io.stdout.write_all(o.as_bytes());
    Ok(0)
}

fn list(
    ctx: &mut NetCtx,
    prog: &str,
    cmd: &IptCmd,
    chain: Option<&str>,
    io: &mut Io,
) -> Result<i32, NftError> {
    let (chains, one) = match listed_chains(ctx, prog, cmd, chain, io)? {
        Ok(c) => c,
        Err(status) => return Ok(status),
    };
    let sel = selected(&chains, one);
    let f = ListFmt {
        numeric: cmd.numeric,
        verbose: cmd.verbose,
        exact: cmd.exact,
        line_numbers: cmd.line_numbers,
    };
    let mut o = String::new();
    for (k, c) in sel.iter().enumerate() {
        if k > 0 {
            o.push('\n');
        }
        let policy = is_builtin(&cmd.table, &c.name)
            .then(|| (c.policy != Some(0), c.counters.0, c.counters.1));
        list_header(&mut o, &c.name, policy, refs(&chains, &c.name), f);
        for (n, r) in c.rules.iter().enumerate() {
            if let Some(e) = r.entry() {
                list_rule(&mut o, &e, n + 1, f);
            }
        }
    }
    if cmd.zero_after_list && cmd.verbose {
        // iptables 1.8.9 `-L -Z -v`: one line per listed chain.
        for c in &sel {
            o.push_str(&format!("Zeroing chain `{}'\n", c.name));
        }
    }
    let _ = io.stdout.write_all(o.as_bytes());
    Ok(0)
}

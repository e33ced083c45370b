//! `iptables-restore [--noflush] [-c] [FILE]`: the whole input becomes ONE
//! nf_tables transaction (all lines are parsed first; then queued and
//! committed together), as iptables-nft 1.8.9's `xtables_restore_parse`.

use crate::backend::nft::{builtin_chains, NftError, Op};
use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::iptables::parse;

/// Split a restore line into words: whitespace separated, `"…"` and
/// `'…'` quoting (`xshared.c: add_param_to_argv`).
fn split_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) if c == '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                have = true;
            }
            None if c.is_whitespace() => {
                if have {
                    out.push(std::mem::take(&mut cur));
                    have = false;
                }
            }
            None => {
                cur.push(c);
                have = true;
            }
        }
    }
    if have {
        out.push(cur);
    }
    out
}

/// Entry point for `iptables-restore`.
pub fn run(ctx: &mut NetCtx, args: &[Word], io: &mut Io) -> Outcome {
    let prog = "iptables-restore";
    let mut noflush = false;
    let mut test = false;
    let mut counters = false;
    let mut file: Option<String> = None;
    for a in args {
        match a.node.as_str() {
            "-n" | "--noflush" => noflush = true,
            "-t" | "--test" => test = true,
            "-c" | "--counters" => counters = true,
            "-V" | "--version" => {
                let _ = writeln!(io.stdout, "{prog} v1.8.9 (nf_tables)");
                return Outcome::Status(0);
            }
            "-w" | "--wait" | "-v" | "--verbose" => {}
            s if s.starts_with('-') => {
                let _ = writeln!(io.stderr, "{prog}: unrecognized option '{s}'");
                return Outcome::Status(1);
            }
            s => file = Some(s.to_string()),
        }
    }
    let mut input = String::new();
    let read = match &file {
        Some(f) => std::fs::read_to_string(f).map(|s| input = s),
        None => io.stdin.read_to_string(&mut input).map(|_| ()),
    };
    if let Err(e) = read {
        let _ = writeln!(io.stderr, "Can't open {}: {}", file.unwrap_or_default(), e);
        return Outcome::Status(1);
    }
    // Parse everything first: a usage error changes nothing.
    let mut ops: Vec<(usize, Op)> = Vec::new();
    let mut rule_cmds: Vec<(usize, crate::netcmd::iptables::IptCmd)> = Vec::new();
    let _ = &mut rule_cmds;
    let mut table: Option<String> = None;
    let mut plan: Vec<(usize, Step)> = Vec::new();
    for (k, line) in input.lines().enumerate() {
        let n = k + 1;
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if let Some(t) = l.strip_prefix('*') {
            if !["filter", "nat", "mangle", "raw", "security"].contains(&t) {
                let _ = write!(
                    io.stderr,
                    "{prog} v1.8.9 (nf_tables): {prog}: line {n} table name '{t}' invalid\nError occurred at line: {n}\nTry `{prog} -h' or '{prog} --help' for more information.\n"
                );
                return Outcome::Status(2);
            }
            table = Some(t.to_string());
            if !noflush {
                plan.push((
                    n,
                    Step::Op(Op::FlushTable {
                        table: t.to_string(),
                    }),
                ));
            }
            continue;
        }
        let Some(tbl) = table.clone() else {
            let _ = writeln!(io.stderr, "{prog}: line {n} failed");
            return Outcome::Status(1);
        };
        if l == "COMMIT" {
            table = None;
            continue;
        }
        if let Some(rest) = l.strip_prefix(':') {
            let w: Vec<&str> = rest.split_whitespace().collect();
            let (Some(chain), Some(pol)) = (w.first(), w.get(1)) else {
                let _ = writeln!(io.stderr, "{prog}: line {n} failed");
                return Outcome::Status(1);
            };
            let builtin = builtin_chains(&tbl).iter().any(|b| b.0 == *chain);
            if builtin {
                if !["ACCEPT", "DROP", "-"].contains(pol) {
                    let _ = writeln!(io.stderr, "{prog}: line {n} failed: Bad policy name.");
                    return Outcome::Status(1);
                }
                if *pol != "-" {
                    plan.push((
                        n,
                        Step::Op(Op::Policy {
                            table: tbl.clone(),
                            chain: chain.to_string(),
                            accept: *pol == "ACCEPT",
                        }),
                    ));
                }
                if counters {
                    if let Some((p, b)) = w.get(2).and_then(|c| parse_counters(c)) {
                        plan.push((
                            n,
                            Step::Op(Op::ChainCounters {
                                table: tbl.clone(),
                                chain: chain.to_string(),
                                packets: p,
                                bytes: b,
                            }),
                        ));
                    }
                }
            } else {
                plan.push((n, Step::UserChain(tbl.clone(), chain.to_string())));
            }
            continue;
        }
        let mut words = split_line(l);
        let mut rule_counters = None;
        if counters && words.first().is_some_and(|w| w.starts_with('[')) {
            rule_counters = parse_counters(&words.remove(0));
        }
        let mut full = vec!["-t".to_string(), tbl.clone()];
        full.extend(words);
        match parse(prog, &full) {
            Ok(mut c) => {
                if let Some(pc) = rule_counters {
                    c.entry.counters = pc;
                }
                plan.push((n, Step::Cmd(Box::new(c))))
            }
            Err(e) => {
                let text = e
                    .text
                    .replacen('\n', &format!("\nError occurred at line: {n}\n"), 1);
                let _ = io.stderr.write_all(text.as_bytes());
                return Outcome::Status(e.status);
            }
        }
    }
    if table.is_some() {
        let _ = writeln!(
            io.stderr,
            "{prog}: COMMIT expected at line {}",
            input.lines().count() + 1
        );
        return Outcome::Status(1);
    }
    let _ = ops;
    ops = Vec::new();
    let _ = ops;
    if ctx.nft.has_pending() {
        let _ = ctx.barrier(io.stderr);
    }
    let ns = ctx.netns.clone();
    let mut kernel_failure: Option<(usize, NftError)> = None;
    for (n, step) in plan {
        let r = match step {
            Step::Op(op) => ctx.nft.queue(ns.as_ref(), op),
            Step::UserChain(t, c) => {
                let exists = ctx
                    .nft
                    .ruleset(ns.as_ref())
                    .map(|rs| rs.table(&t).and_then(|x| x.chain(&c)).is_some())
                    .unwrap_or(false);
                if exists {
                    ctx.nft.queue(
                        ns.as_ref(),
                        Op::Flush {
                            table: t,
                            chain: Some(c),
                        },
                    )
                } else {
                    ctx.nft
                        .queue(ns.as_ref(), Op::NewChain { table: t, chain: c })
                }
            }
            Step::Cmd(c) => {
                let mut sink = Vec::new();
                let mut err = Vec::new();
                let mut empty: &[u8] = &[];
                let mut sub = Io {
                    stdin: &mut empty,
                    stdout: &mut sink,
                    stderr: &mut err,
                };
                crate::native::iptables::execute(ctx, prog, &c, &mut sub).map(|_| ())
            }
        };
        if let Err(e @ NftError::Failed { .. }) = r {
            // What the kernel would refuse at commit: iptables-restore
            // learns it only then, after every line was accepted.
            kernel_failure.get_or_insert((n, e));
            continue;
        }
        if let Err(e) = r {
            // Nothing of this input may reach the kernel: drop the queue
            // (work queued before the restore was committed above).
            ctx.nft = Default::default();
            if let NftError::NoSuchTarget(_) = e {
                // iptables-restore 1.8.9 reports a jump to a missing chain
                // as a parameter problem, one line further on.
                let _ = write!(
                    io.stderr,
                    "{prog} v1.8.9 (nf_tables): {e}\nError occurred at line: {}\nTry `{prog} -h' or '{prog} --help' for more information.\n",
                    n + 1
                );
                return Outcome::Status(2);
            }
            let _ = writeln!(io.stderr, "{prog}: line {n} failed: {e}.");
            return Outcome::Status(1);
        }
    }
    if let Some((n, e)) = kernel_failure {
        ctx.nft = Default::default();
        let _ = write!(io.stderr, "{prog} v1.8.9 (nf_tables): \nline {n}: {e}\n");
        return Outcome::Status(4);
    }
    if test {
        // `--test`: parse and check only.
        ctx.nft = Default::default();
        return Outcome::Status(0);
    }
    Outcome::Status(ctx.barrier(io.stderr))
}

enum Step {
    Op(Op),
    UserChain(String, String),
    Cmd(Box<crate::netcmd::iptables::IptCmd>),
}

fn parse_counters(s: &str) -> Option<(u64, u64)> {
    let s = s.strip_prefix('[')?.strip_suffix(']')?;
    let (p, b) = s.split_once(':')?;
    Some((p.parse().ok()?, b.parse().ok()?))
}

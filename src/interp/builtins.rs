//! Simple commands: expansion, assignments, `set -x` tracing, and dispatch
//! (functions, builtins, native commands, then PATH), plus the builtins.

use std::io::Write;
use std::rc::Rc;

use super::expand::{self, is_name};
use super::proc::{self, write_fd, FdReader, FdWriter};
use super::{Ctl, Ex, Shell, Var};
use crate::ast::SimpleCmd;
use crate::native::{self, Io, Outcome, Word};
use crate::span::Span;

/// The builtins nsh implements (for `type` and dispatch).
pub const BUILTINS: &[&str] = &[
    ":", ".", "[", "alias", "break", "builtin", "caller", "cd", "command", "compgen", "continue",
    "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit", "export", "false",
    "getopts", "hash", "jobs", "kill", "let", "local", "netns", "popd", "printf", "pushd", "pwd",
    "read", "readonly", "return", "set", "shift", "shopt", "source", "test", "times", "trap",
    "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
];

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until", "do", "done",
    "in", "function", "{", "}", "!", "[[", "]]", "select", "time",
];

pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name) || super::arrays::BUILTINS.contains(&name)
}

/// bash's quoting of a word in `set -x` output and `export -p`-like lists.
pub fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    // bash's sh_contains_shell_metas: `#` and `~` only matter first.
    let special =
        |c: char| c.is_ascii() && !(c.is_ascii_alphanumeric() || "_-./:=+@%,#~".contains(c));
    if !s.chars().any(special) && !s.starts_with('~') && !s.starts_with('#') {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A `set -x` line: PS4, its first character repeated once per level of
/// command substitution / eval (bash's `indirection_level_string`).
pub fn xtrace(sh: &mut Shell, line: &str) {
    let raw = sh.get_var("PS4").unwrap_or("+ ").to_string();
    // PS4 is expanded as a prompt is (not traced itself); plain text, the
    // common case, as it is.
    let ps4 = if raw.contains(['$', '\\', '`']) && !sh.in_ps4 {
        sh.in_ps4 = true;
        let was = std::mem::replace(&mut sh.opts.xtrace, false);
        let e = super::prompt::expand(sh, &raw);
        sh.opts.xtrace = was;
        sh.in_ps4 = false;
        e
    } else {
        raw
    };
    let ps4 = ps4.as_str();
    let mut s = String::new();
    if let Some(c) = ps4.chars().next() {
        for _ in 1..sh.xtrace_level.max(1) {
            s.push(c);
        }
    }
    s.push_str(ps4);
    s.push_str(line);
    s.push('\n');
    write_fd(2, s.as_bytes());
}

/// `export`, `readonly`, `local`, `declare`, `typeset` written as such:
/// bash's declaration builtins, whose `NAME=value` arguments are expanded
/// as assignments are.
fn is_declaration(s: &SimpleCmd) -> bool {
    matches!(
        s.words.first().map(|w| w.parts.as_slice()),
        Some([crate::ast::WordPart::Lit(n)])
            if matches!(n.as_str(), "export" | "readonly" | "local" | "declare" | "typeset")
    )
}

/// A declaration builtin's `NAME=value` / `NAME+=value` argument expanded
/// as an assignment (no field splitting or globbing, `~` after `=`); `None`
/// for any other argument.
fn expand_declaration_arg(sh: &mut Shell, w: &crate::ast::Word) -> Result<Option<String>, Ctl> {
    use crate::ast::WordPart;
    if let Some(v) = super::arrays::decl_array_arg(sh, w)? {
        return Ok(Some(v));
    }
    let Some(WordPart::Lit(first)) = w.parts.first() else {
        return Ok(None);
    };
    let Some(eq) = first.find('=') else {
        return Ok(None);
    };
    let name = first[..eq].strip_suffix('+').unwrap_or(&first[..eq]);
    if !expand::is_name(name) {
        return Ok(None);
    }
    let head = first[..=eq].to_string();
    let mut parts = vec![WordPart::Lit(first[eq + 1..].to_string())];
    parts.extend(w.parts[1..].iter().cloned());
    let value = crate::ast::Word {
        parts,
        span: w.span,
    };
    Ok(Some(head + &expand::expand_single(sh, &value)?))
}

/// A failed assignment in a command without a command name: the message,
/// and the rest of the line abandoned, as bash (a subshell goes on).
fn assignment_failed(sh: &mut Shell, m: &str) -> Result<(), Ctl> {
    // An empty message was reported already (a circular name reference).
    if !m.is_empty() {
        sh.error(m);
    }
    if sh.assign_aborted {
        return Err(sh.assign_abort());
    }
    if sh.in_child {
        Ok(())
    } else {
        Err(Ctl::Abort(1))
    }
}

/// The end of a command of assignments only: its redirections are made
/// (files created) and undone.
fn assignments_done(sh: &mut Shell, redirs: &[crate::ast::Redir], st: i32) -> Ex {
    if !redirs.is_empty() {
        match proc::apply_redirs(sh, redirs, true) {
            Ok(saved) => proc::restore_redirs(saved),
            Err(e) => return Ok(e),
        }
    }
    Ok(st)
}

/// Run a simple command. `in_child`: this process is a forked pipeline
/// element, so an external program is exec'd without another fork.
pub fn run_simple(sh: &mut Shell, s: &SimpleCmd, _span: Span, in_child: bool) -> Ex {
    let mut argv: Vec<Word> = Vec::with_capacity(s.words.len());
    sh.status_from_subst = None;
    let decl = is_declaration(s);
    for (k, w) in s.words.iter().enumerate() {
        if decl && k > 0 {
            if let Some(v) = expand_declaration_arg(sh, w)? {
                argv.push(Word::new(v, w.span));
                continue;
            }
        }
        for f in expand::expand_word(sh, w)? {
            argv.push(Word::new(f, w.span));
        }
    }
    if argv.is_empty() {
        // Assignments only (and redirections, applied then undone).
        let mut failed = false;
        for a in &s.assigns {
            if let Err(m) = super::arrays::assign(sh, a)? {
                assignment_failed(sh, &m)?;
                failed = true;
            }
        }
        // The status of the last command substitution, if any.
        let st = sh.status_from_subst.take().unwrap_or(0);
        return assignments_done(sh, &s.redirs, if failed { 1 } else { st });
    }
    let mut assigns: Vec<(String, String)> = Vec::with_capacity(s.assigns.len());
    for a in &s.assigns {
        if super::arrays::prefix_array_assign(sh, a) {
            continue;
        }
        let mut v = match &a.value {
            Some(w) => expand::expand_single(sh, w)?,
            None => String::new(),
        };
        if a.append {
            if let Some(old) = sh.get_var(&a.name) {
                v = format!("{old}{v}");
            }
        }
        // `REF=v cmd` sets the variable a name reference stands for.
        assigns.push((sh.resolve(&a.name).into_owned(), v));
    }
    if sh.opts.xtrace {
        let mut line = String::new();
        for (n, v) in &assigns {
            line.push_str(&format!("{n}={} ", shell_quote(v)));
        }
        let words: Vec<String> = argv.iter().map(|w| shell_quote(&w.node)).collect();
        line.push_str(&words.join(" "));
        xtrace(sh, &line);
    }
    let r = dispatch(sh, argv, assigns, &s.redirs, in_child, true);
    if let Some((pid, sig)) = sh.fg_signaled.take() {
        report_signal(sh, pid, sig, s);
    }
    r
}

/// bash's report of a foreground command killed by a signal (jobs.c):
/// nothing for SIGINT and SIGPIPE, the bare description for SIGTERM, else
/// `NAME: line N: PID Description   command`.
fn report_signal(sh: &Shell, pid: i32, sig: i32, s: &SimpleCmd) {
    if sig == libc::SIGINT || sig == libc::SIGPIPE {
        return;
    }
    let desc = proc::strsignal(sig);
    if sig == libc::SIGTERM {
        write_fd(2, format!("{desc}\n").as_bytes());
        return;
    }
    let text = crate::ast::Command {
        kind: crate::ast::CommandKind::Simple(s.clone()),
        redirs: Vec::new(),
        span: Span::default(),
    }
    .to_string();
    write_fd(
        2,
        format!("{}{pid:5} {desc:<24}{text}\n", sh.prefix()).as_bytes(),
    );
}

/// Find and run a command: functions (if `funcs`), builtins, natives, PATH.
fn dispatch(
    sh: &mut Shell,
    argv: Vec<Word>,
    assigns: Vec<(String, String)>,
    redirs: &[crate::ast::Redir],
    in_child: bool,
    funcs: bool,
) -> Ex {
    let name = argv[0].node.clone();
    let native = native::lookup(&name);
    // iptables and ip decide themselves what must be carried out before
    // them (they queue: nft transactions, link deletions).
    if !(native.is_some() && (name == "iptables" || name == "ip")) {
        sh.barrier();
    }
    if funcs {
        if let Some(body) = sh.funcs.get(&name).cloned() {
            return with_redirs(sh, redirs, &assigns, |sh| {
                let args = argv[1..].iter().map(|w| w.node.clone()).collect();
                sh.func_names.push(name.clone());
                let file = sh.func_files.get(&name).cloned().unwrap_or_default();
                sh.frames.push(super::Frame {
                    name: name.clone(),
                    file,
                    line: sh.lineno,
                    func: true,
                });
                let src = sh.func_srcs.get(&name).cloned();
                let pushed = src.is_some();
                if let Some(src) = src {
                    sh.sources.push(src);
                }
                let r = sh.call_function(&body, args);
                if pushed {
                    sh.sources.pop();
                }
                sh.frames.pop();
                sh.func_names.pop();
                r
            });
        }
    }
    if name == "exec" {
        return builtin_exec(sh, &argv[1..], &assigns, redirs);
    }
    if is_builtin(&name) && !sh.is_disabled(&name) || name == "sudo" && is_root() {
        return with_redirs(sh, redirs, &assigns, |sh| run_builtin(sh, &argv));
    }
    if let Some(f) = native {
        return with_redirs(sh, redirs, &assigns, |sh| {
            run_native(sh, f, &argv[1..], in_child)
        });
    }
    let args: Vec<String> = argv.into_iter().map(|w| w.node).collect();
    // bash flushes the table when PATH is assigned, for one command too.
    if proc::temp_path(&assigns).is_some() {
        sh.hash.clear();
    }
    if in_child {
        if let Err(st) = proc::apply_redirs(sh, redirs, false) {
            return Err(Ctl::Exit(st));
        }
        let st = proc::exec_external(sh, &args, &assigns);
        return Err(Ctl::Exit(st));
    }
    sh.barrier();
    let redirs = redirs.to_vec();
    // Looked up (and hashed) in the shell, before the fork, as bash does.
    let path = proc::find_command(sh, &name, proc::temp_path(&assigns));
    let pid = proc::fork_child(sh, |sh| {
        if let Err(st) = proc::apply_redirs(sh, &redirs, false) {
            return Err(Ctl::Exit(st));
        }
        let st = proc::exec_found(sh, &args, &assigns, path);
        // SAFETY: exec failed in the forked child; leave at once.
        unsafe { libc::_exit(st) }
    })?;
    let st = proc::wait_pid(sh, pid);
    if let Some(sig) = sh.last_wait_signal.take() {
        sh.fg_signaled = Some((pid, sig));
    }
    Ok(st)
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Run `f` with redirections applied to the shell's fds and prefix
/// assignments set as (exported) variables, both undone afterwards.
fn with_redirs(
    sh: &mut Shell,
    redirs: &[crate::ast::Redir],
    assigns: &[(String, String)],
    f: impl FnOnce(&mut Shell) -> Ex,
) -> Ex {
    let saved = if redirs.is_empty() {
        Vec::new()
    } else {
        match proc::apply_redirs(sh, redirs, true) {
            Ok(s) => s,
            Err(st) => return Ok(st),
        }
    };
    let mut old_vars = Vec::new();
    for (n, v) in assigns {
        // A temporary variable of its own (bash's temporary_env),
        // exported, without the old one's attributes (`x=2+3 f` with
        // `declare -i x` gives "2+3").
        let old = sh.vars.get(n).cloned();
        if old.as_ref().is_some_and(|o| o.readonly) {
            sh.error(&format!("{n}: readonly variable"));
        } else {
            sh.vars.remove(n);
            if let Err(m) = sh.store_var(n, v.clone()) {
                sh.error(&m);
            }
        }
        sh.export(n);
        old_vars.push((n.clone(), old));
    }
    let r = f(sh);
    for (n, old) in old_vars.into_iter().rev() {
        match old {
            Some(v) => {
                sh.vars.insert(n, v);
            }
            None => {
                sh.vars.remove(&n);
            }
        }
        sh.invalidate_env();
    }
    proc::restore_redirs(saved);
    r
}

/// `in_child`: this process is a child that ends with the command, so a
/// program started by `ip netns exec` is exec'd in place (`$!` is that
/// program, and `kill $!` reaches it).
fn run_native(sh: &mut Shell, f: native::NativeFn, args: &[Word], in_child: bool) -> Ex {
    let mut stdin = FdReader(0);
    let mut stdout = std::io::BufWriter::with_capacity(8192, FdWriter(1));
    let mut stderr = FdWriter(2);
    let outcome = {
        let mut io = Io {
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
        };
        f(&mut sh.ctx, args, &mut io)
    };
    let _ = stdout.flush();
    drop(stdout);
    match outcome {
        Outcome::Status(s) => Ok(s),
        Outcome::ExecIn { netns, argv } => {
            if argv.is_empty() {
                return Ok(0);
            }
            let saved = sh.ctx.netns.replace(netns);
            // iproute2 execvp's: functions are not found, only PATH.
            let r = dispatch(sh, argv, Vec::new(), &[], in_child, false);
            sh.ctx.netns = saved;
            r
        }
        Outcome::ExecInEach { each, argv } => {
            for netns in each {
                out(&format!("\nnetns: {}\n", netns.display_name()));
                let saved = sh.ctx.netns.replace(netns);
                let r = dispatch(sh, argv.clone(), Vec::new(), &[], false, false);
                sh.ctx.netns = saved;
                // on_netns_exec ignores the status; `exit` still exits.
                if let Err(e) = r {
                    if !matches!(e, crate::interp::Ctl::Return(_)) {
                        return Err(e);
                    }
                }
            }
            Ok(0)
        }
    }
}

/// `netns enter NAME` / `netns leave` / `netns`: nsh's own builtin. After
/// `enter`, native commands act in NAME (their sockets are opened there)
/// and programs are started inside it, as under `ip netns exec NAME`, until
/// `leave`. `netns` alone prints the entered namespace's name.
fn netns(sh: &mut Shell, args: &[String]) -> i32 {
    match args {
        [] => {
            if let Some(ns) = &sh.ctx.netns {
                return out(&format!("{}\n", ns.display_name()));
            }
            0
        }
        [e, name] if e == "enter" => {
            let ns = crate::backend::netns::NetnsRef::Name(name.clone());
            if let Err(err) = ns.open() {
                sh.error(&format!("netns: {err}"));
                return 1;
            }
            sh.barrier();
            sh.ctx.netns = Some(ns);
            0
        }
        [l] if l == "leave" => {
            if sh.ctx.netns.is_none() {
                sh.error("netns: not in a namespace");
                return 1;
            }
            sh.barrier();
            sh.ctx.netns = None;
            0
        }
        _ => {
            sh.error("netns: usage: netns [enter NAME | leave]");
            2
        }
    }
}

fn out(s: &str) -> i32 {
    if write_fd(1, s.as_bytes()) {
        0
    } else {
        1
    }
}

/// bash's message when a builtin cannot write its output.
fn write_error(sh: &Shell, name: &str) {
    let e = std::io::Error::last_os_error();
    sh.error(&format!(
        "{name}: write error: {}",
        crate::interp::proc::strerror(&e)
    ));
}

fn strs(argv: &[Word]) -> Vec<String> {
    argv.iter().map(|w| w.node.clone()).collect()
}

/// Run a builtin; `argv[0]` is its name.
pub fn run_builtin(sh: &mut Shell, argv: &[Word]) -> Ex {
    sh.assign_aborted = false;
    let r = builtin(sh, argv);
    if sh.assign_aborted && r.is_ok() {
        // An integer variable's arithmetic error (`read`, `declare`).
        return Err(sh.assign_abort());
    }
    r
}

fn builtin(sh: &mut Shell, argv: &[Word]) -> Ex {
    let name = argv[0].node.as_str();
    let args = strs(&argv[1..]);
    match name {
        ":" | "true" => Ok(0),
        "false" => Ok(1),
        "echo" => {
            let st = echo(&args, sh.shopts.xpg_echo);
            if st != 0 {
                write_error(sh, "echo");
            }
            Ok(st)
        }
        "printf" => Ok(printf(sh, &args)),
        "test" | "[" => {
            let var_test = |op: &str, v: &str| match op {
                "-R" => sh.is_nameref(v),
                _ => super::arrays::var_is_set(sh, v),
            };
            let (st, msg) = super::test_cmd::run_with(name, &args, &var_test, &|_: &str| false);
            if let Some(m) = msg {
                sh.error(&m);
            }
            Ok(st)
        }
        "cd" => Ok(cd_as(sh, "cd", &args)),
        "pwd" => {
            let p = match sh.get_var("PWD") {
                Some(p) if p.starts_with('/') => p.to_string(),
                _ => std::env::current_dir()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            };
            Ok(out(&format!("{p}\n")))
        }
        "exit" => {
            let st = match args.first() {
                None => sh.status,
                Some(a) => match a.parse::<i64>() {
                    Ok(n) => (n & 0xff) as i32,
                    Err(_) => {
                        sh.error(&format!("exit: {a}: numeric argument required"));
                        2
                    }
                },
            };
            Err(Ctl::Exit(st))
        }
        "return" => {
            let st = match args.first() {
                None => sh.status,
                Some(a) => match a.parse::<i64>() {
                    Ok(n) => (n & 0xff) as i32,
                    Err(_) => {
                        sh.error(&format!("return: {a}: numeric argument required"));
                        2
                    }
                },
            };
            if sh.func_depth == 0 && sh.source_depth == 0 {
                sh.error("return: can only `return' from a function or sourced script");
                return Ok(2);
            }
            Err(Ctl::Return(st))
        }
        "break" | "continue" => {
            let n = match args.first() {
                None => 1,
                Some(a) => match a.parse::<u32>() {
                    Ok(n) if n > 0 => n,
                    _ => {
                        sh.error(&format!("{name}: {a}: loop count out of range"));
                        return Ok(1);
                    }
                },
            };
            if sh.loop_depth == 0 {
                sh.error(&format!(
                    "{name}: only meaningful in a `for', `while', or `until' loop"
                ));
                return Ok(0);
            }
            let n = n.min(sh.loop_depth);
            if name == "break" {
                Err(Ctl::Break(n))
            } else {
                Err(Ctl::Continue(n))
            }
        }
        "set" => Ok(set(sh, &args)),
        "shift" => {
            let n = match args.first() {
                None => 1,
                Some(a) => match a.parse::<usize>() {
                    Ok(n) => n,
                    Err(_) => {
                        sh.error(&format!("shift: {a}: numeric argument required"));
                        return Ok(1);
                    }
                },
            };
            if n > sh.params.len() {
                if sh.shopts.shift_verbose {
                    match args.first() {
                        Some(a) => sh.error(&format!("shift: {a}: shift count out of range")),
                        None => sh.error("shift: shift count out of range"),
                    }
                }
                return Ok(1);
            }
            sh.params.drain(..n);
            Ok(0)
        }
        "readonly" | "export" if args.iter().any(|a| a == "-a" || a.starts_with('\0')) => {
            Ok(super::arrays::declare(sh, name, &args))
        }
        "export" | "readonly" => Ok(export(sh, name, &args)),
        "unset" => Ok(super::arrays::unset(sh, &args)),
        "local" | "declare" | "typeset" => Ok(super::arrays::declare(sh, name, &args)),
        "mapfile" | "readarray" => Ok(super::arrays::mapfile(sh, name, &args)),
        "source" | "." => source(sh, name, &args),
        "eval" => {
            let text = args.join(" ");
            sh.xtrace_level += 1;
            let r = sh.eval_string(&text, "eval");
            sh.xtrace_level -= 1;
            r
        }
        "command" => command(sh, &argv[1..]),
        "sudo" => {
            // Already root: run the command in place (natives stay native).
            if argv.len() < 2 || argv[1].node.starts_with('-') {
                let args: Vec<String> = strs(argv);
                return proc::spawn_external(sh, &args, &[]);
            }
            dispatch(sh, argv[1..].to_vec(), Vec::new(), &[], false, false)
        }
        "type" => Ok(type_cmd(sh, &args)),
        "wait" => Ok(wait(sh, &args)),
        "trap" => Ok(trap(sh, &args)),
        "kill" => Ok(kill(sh, &args)),
        "jobs" => Ok(jobs(sh, &args)),
        "netns" => Ok(netns(sh, &args)),
        "umask" => Ok(super::umask::builtin(sh, &args)),
        "read" => Ok(read(sh, &args)),
        "getopts" => Ok(getopts(sh, &args)),
        "hash" => Ok(super::hash::builtin(sh, &args)),
        "ulimit" => Ok(super::ulimit::builtin(sh, &args)),
        "times" => Ok(times()),
        "compgen" => Ok(super::compgen::builtin(sh, &args)),
        "enable" => Ok(super::enable::builtin(sh, &args)),
        "disown" => Ok(disown(sh, &args)),
        "alias" => Ok(alias(sh, &args)),
        "unalias" => Ok(unalias(sh, &args)),
        "caller" => Ok(super::arrays::caller(sh, &args)),
        "builtin" => match argv.get(1) {
            None => Ok(0),
            Some(n) if is_builtin(&n.node) && !sh.is_disabled(&n.node) => {
                run_builtin(sh, &argv[1..])
            }
            Some(n) => {
                sh.error(&format!("builtin: {}: not a shell builtin", n.node));
                Ok(1)
            }
        },
        "shopt" => Ok(super::shopt::builtin(sh, &args)),
        "pushd" => Ok(super::dirstack::pushd(sh, &args)),
        "popd" => Ok(super::dirstack::popd(sh, &args)),
        "dirs" => Ok(super::dirstack::dirs_builtin(sh, &args)),
        "let" => {
            if args.is_empty() {
                sh.error("let: expression expected");
                return Ok(1);
            }
            // As bash: an error is reported, stops `let` with status 1,
            // and the script goes on.
            let mut v = 0;
            for a in &args {
                match expand::arith_eval_cmd(sh, a, "let") {
                    Some(x) => v = x,
                    None => return Ok(1),
                }
            }
            Ok(i32::from(v == 0))
        }
        _ => {
            sh.error(&format!("{name}: not a builtin"));
            Ok(1)
        }
    }
}

fn echo(args: &[String], xpg_echo: bool) -> i32 {
    let mut newline = true;
    let mut escapes = xpg_echo;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c)) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut s = String::new();
    for (k, a) in args[i..].iter().enumerate() {
        if k > 0 {
            s.push(' ');
        }
        if escapes {
            let (t, stop) = super::printf::echo_escapes(a);
            s.push_str(&t);
            if stop {
                return out(&s);
            }
        } else {
            s.push_str(a);
        }
    }
    if newline {
        s.push('\n');
    }
    out(&s)
}

fn printf(sh: &mut Shell, args: &[String]) -> i32 {
    let mut args = args;
    let mut var = None;
    if args.first().map(String::as_str) == Some("-v") {
        if args.len() < 2 {
            sh.error("printf: -v: option requires an argument");
            return 2;
        }
        var = Some(args[1].clone());
        args = &args[2..];
    }
    if args.first().map(String::as_str) == Some("--") {
        args = &args[1..];
    }
    let Some(fmt) = args.first() else {
        sh.error("printf: usage: printf [-v var] format [arguments]");
        return 2;
    };
    let (bytes, errs, st) = super::printf::printf(fmt, &args[1..]);
    for e in errs {
        sh.error(&e);
    }
    match var {
        Some(v) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Err(m) = super::arrays::set_ref(sh, "printf", &v, text) {
                sh.assign_error("printf", &m);
                return 1;
            }
        }
        None => {
            if !write_fd(1, &bytes) {
                write_error(sh, "printf");
                return 1;
            }
        }
    }
    st
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `cd`; `name` is the builtin the messages name (`pushd`, `popd` cd
/// through it, as in bash).
pub fn cd_as(sh: &mut Shell, name: &str, args: &[String]) -> i32 {
    let mut args: Vec<&String> = args.iter().filter(|a| a.as_str() != "-L").collect();
    if args.first().is_some_and(|a| a.as_str() == "--") {
        args.remove(0);
    }
    let mut print = false;
    let dir = match args.first() {
        None => match sh.get_var("HOME") {
            Some(h) => h.to_string(),
            None => {
                sh.error(&format!("{name}: HOME not set"));
                return 1;
            }
        },
        Some(a) if a.as_str() == "-" => match sh.get_var("OLDPWD") {
            Some(o) => {
                print = true;
                o.to_string()
            }
            None => {
                sh.error(&format!("{name}: OLDPWD not set"));
                return 1;
            }
        },
        Some(a) => a.to_string(),
    };
    if args.len() > 1 {
        sh.error(&format!("{name}: too many arguments"));
        return 1;
    }
    let old = sh.get_var("PWD").map(str::to_string).unwrap_or_default();
    let change = |dir: &str| {
        let target = if dir.starts_with('/') {
            normalize(dir)
        } else {
            normalize(&format!("{old}/{dir}"))
        };
        match std::env::set_current_dir(&target) {
            Err(e) if std::env::set_current_dir(dir).is_err() => Err(e),
            _ => Ok(target),
        }
    };
    let target = match change(&dir) {
        Ok(t) => t,
        Err(e) => {
            // `shopt -s cdable_vars`: a variable's value is tried next.
            let var = sh
                .shopts
                .cdable_vars
                .then(|| sh.get_var(&dir).map(str::to_string))
                .flatten();
            match var.map(|v| (change(&v), v)) {
                Some((Ok(t), v)) => {
                    print = false;
                    out(&format!("{v}\n"));
                    t
                }
                _ => {
                    sh.error(&format!(
                        "{name}: {dir}: {}",
                        crate::interp::proc::strerror(&e)
                    ));
                    return 1;
                }
            }
        }
    };
    let _ = sh.set_var("OLDPWD", old);
    let _ = sh.set_var("PWD", target.clone());
    if print {
        out(&format!("{target}\n"));
    }
    0
}

/// `set ARGS…` (also used for the command line's `-o` options).
pub fn set_args(sh: &mut Shell, args: &mut [String]) -> i32 {
    set(sh, args)
}

fn set(sh: &mut Shell, args: &[String]) -> i32 {
    if args.is_empty() {
        let mut names: Vec<&String> = sh.vars.keys().collect();
        names.sort();
        let mut s = String::new();
        for n in names {
            if let Some(l) = super::arrays::set_line(n, &sh.vars[n]) {
                s.push_str(&l);
                s.push('\n');
            }
        }
        return out(&s);
    }
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            sh.params = args[i + 1..].to_vec();
            return 0;
        }
        let on = a.starts_with('-');
        if !(on || a.starts_with('+')) || a.len() < 2 {
            if a == "-" {
                sh.opts.xtrace = false;
                i += 1;
                sh.params = args[i..].to_vec();
                return 0;
            }
            sh.params = args[i..].to_vec();
            return 0;
        }
        for c in a[1..].chars() {
            match c {
                'e' => sh.opts.errexit = on,
                'u' => sh.opts.nounset = on,
                'x' => sh.opts.xtrace = on,
                'f' => sh.opts.noglob = on,
                'n' => sh.opts.noexec = on,
                'C' => sh.opts.noclobber = on,
                'E' => sh.opts.errtrace = on,
                'T' => sh.opts.functrace = on,
                'o' => {
                    i += 1;
                    let Some(o) = args.get(i) else {
                        return print_opts(sh, on);
                    };
                    if !set_option(sh, o, on) {
                        sh.error(&format!("set: {o}: invalid option name"));
                        return 1;
                    }
                }
                'h' | 'B' | 'H' | 'm' | 'b' | 'a' | 'v' => {}
                _ => {
                    sh.error(&format!("set: {}{c}: invalid option", &a[..1]));
                    write_fd(2, b"set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n");
                    return 2;
                }
            }
        }
        i += 1;
    }
    0
}

pub fn set_option(sh: &mut Shell, o: &str, on: bool) -> bool {
    match o {
        "errexit" => sh.opts.errexit = on,
        "nounset" => sh.opts.nounset = on,
        "xtrace" => sh.opts.xtrace = on,
        "pipefail" => sh.opts.pipefail = on,
        "noglob" => sh.opts.noglob = on,
        "noclobber" => sh.opts.noclobber = on,
        "noexec" => sh.opts.noexec = on,
        "errtrace" => sh.opts.errtrace = on,
        "functrace" => sh.opts.functrace = on,
        "native" => sh.ctx.native_only = on,
        "posix" | "braceexpand" | "hashall" | "interactive-comments" | "monitor" => {}
        _ => return false,
    }
    true
}

fn print_opts(sh: &Shell, human: bool) -> i32 {
    let mut s = String::new();
    for &n in super::shopt::SET_OPTIONS {
        let v = super::shopt::set_option_value(sh, n);
        if human {
            s.push_str(&format!("{n:<15}\t{}\n", if v { "on" } else { "off" }));
        } else {
            s.push_str(&format!("set {}o {n}\n", if v { "-" } else { "+" }));
        }
    }
    out(&s)
}

fn export(sh: &mut Shell, name: &str, args: &[String]) -> i32 {
    let mut unexport = false;
    let mut print = false;
    let mut names = Vec::new();
    for a in args {
        match a.as_str() {
            "-n" if name == "export" => unexport = true,
            "-p" => print = true,
            "-f" | "--" => {}
            _ => names.push(a),
        }
    }
    if names.is_empty() {
        let _ = print;
        let mut list: Vec<(&String, &super::Var)> = sh
            .vars
            .iter()
            .filter(|(_, v)| {
                if name == "export" {
                    v.exported
                } else {
                    v.readonly
                }
            })
            .collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        let mut s = String::new();
        for (n, v) in list {
            let flag = match (v.exported, v.readonly) {
                (true, true) => "-rx",
                (true, false) => "-x",
                (false, true) => "-r",
                _ => "--",
            };
            let val = v
                .value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('$', "\\$")
                .replace('`', "\\`");
            s.push_str(&format!("declare {flag} {n}=\"{val}\"\n"));
        }
        return out(&s);
    }
    let mut st = 0;
    for a in names {
        let (n, v) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        if !is_name(n) {
            sh.error(&format!("{name}: `{a}': not a valid identifier"));
            st = 1;
            continue;
        }
        if let Some(v) = v {
            if let Err(m) = sh.set_var(n, v) {
                sh.error(&m);
                st = 1;
                continue;
            }
        }
        if name == "export" {
            if unexport {
                sh.unexport(n);
            } else {
                sh.export(n);
            }
        } else {
            let name = sh.resolve(n).into_owned();
            sh.vars
                .entry(name)
                .or_insert_with(|| Var {
                    no_value: true,
                    ..Var::default()
                })
                .readonly = true;
        }
    }
    st
}

fn source(sh: &mut Shell, name: &str, args: &[String]) -> Ex {
    let Some(file) = args.first() else {
        sh.error(&format!("{name}: filename argument required"));
        write_fd(
            2,
            format!("{name}: usage: {name} filename [arguments]\n").as_bytes(),
        );
        return Ok(2);
    };
    let path = if file.contains('/') || !sh.shopts.sourcepath {
        file.clone()
    } else {
        let path = sh.get_var("PATH").unwrap_or("").to_string();
        path.split(':')
            .map(|d| format!("{d}/{file}"))
            .find(|p| std::path::Path::new(p).is_file())
            .unwrap_or_else(|| file.clone())
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            sh.error(&format!("{file}: {}", crate::interp::proc::strerror(&e)));
            return Ok(1);
        }
    };
    sh.note_text(&text);
    let list = match crate::syntax::parse(&text) {
        Ok(l) => l,
        Err(e) => {
            let line = super::syntax_error_line(&text, &e);
            write_fd(
                2,
                super::bash_syntax_lines(file, line, &text, &e).as_bytes(),
            );
            return Ok(2);
        }
    };
    let saved_params = if args.len() > 1 {
        Some(std::mem::replace(&mut sh.params, args[1..].to_vec()))
    } else {
        None
    };
    let line = sh.lineno;
    sh.sources.push(Rc::new(super::Source::parsed(file, &text)));
    sh.source_depth += 1;
    sh.frames.push(super::Frame {
        name: "source".into(),
        file: file.clone(),
        line,
        func: false,
    });
    let mut r = sh.run_parsed_list(&list, file);
    if sh.command_hook || !sh.traps.is_empty() {
        r = sh.return_trap(r);
    }
    sh.frames.pop();
    sh.source_depth -= 1;
    sh.sources.pop();
    sh.lineno = line;
    if let Some(p) = saved_params {
        sh.params = p;
    }
    match r {
        Err(Ctl::Return(s)) => Ok(s),
        other => other,
    }
}

fn builtin_exec(
    sh: &mut Shell,
    args: &[Word],
    assigns: &[(String, String)],
    redirs: &[crate::ast::Redir],
) -> Ex {
    if let Err(st) = proc::apply_redirs(sh, redirs, false) {
        return Ok(st);
    }
    if args.is_empty() {
        return Ok(0);
    }
    if let Some(f) = native::lookup(&args[0].node) {
        // `exec ip …`: the native runs here, then the shell is done.
        let st = run_native(sh, f, &args[1..], false)?;
        return Err(Ctl::Exit(st));
    }
    sh.barrier();
    let argv: Vec<String> = strs(args);
    let st = if sh.ctx.netns.is_some() {
        proc::exec_external(sh, &argv, assigns)
    } else {
        // bash's exec_builtin: its own messages when the program cannot
        // be found or run.
        let name = &argv[0];
        match proc::find_command(sh, name, proc::temp_path(assigns)) {
            None => {
                sh.error(&format!("exec: {name}: not found"));
                127
            }
            Some(path) => {
                let st = proc::exec_found(sh, &argv, assigns, Some(path.clone()));
                if st == 126 {
                    let why = if std::path::Path::new(&path).is_dir() {
                        "Is a directory".to_string()
                    } else {
                        crate::backend::errno_text(proc::last_exec_errno())
                    };
                    sh.error(&format!("exec: {name}: cannot execute: {why}"));
                }
                st
            }
        }
    };
    // `shopt -s execfail`: a failed exec does not end the shell.
    if sh.shopts.execfail {
        return Ok(st);
    }
    Err(Ctl::Exit(st))
}

fn command(sh: &mut Shell, argv: &[Word]) -> Ex {
    let mut i = 0;
    let mut verbose = None;
    while i < argv.len() && argv[i].node.starts_with('-') {
        match argv[i].node.as_str() {
            "-v" => verbose = Some(false),
            "-V" => verbose = Some(true),
            "-p" => {}
            "--" => {
                i += 1;
                break;
            }
            _ => break,
        }
        i += 1;
    }
    let rest = &argv[i..];
    if rest.is_empty() {
        return Ok(0);
    }
    if let Some(v) = verbose {
        let mut st = 0;
        for w in rest {
            let n = w.node.as_str();
            if v {
                st |= type_one(sh, n);
                continue;
            }
            if sh.funcs.contains_key(n)
                || (is_builtin(n) && !sh.is_disabled(n))
                || KEYWORDS.contains(&n)
            {
                out(&format!("{n}\n"));
            } else if let Some(p) = proc::find_in_path(sh, n) {
                if native::lookup(n).is_some() || std::path::Path::new(&p).exists() {
                    out(&format!("{p}\n"));
                } else {
                    st = 1;
                }
            } else {
                st = 1;
            }
        }
        return Ok(st);
    }
    dispatch(sh, rest.to_vec(), Vec::new(), &[], false, false)
}

fn type_one(sh: &mut Shell, n: &str) -> i32 {
    if KEYWORDS.contains(&n) {
        return out(&format!("{n} is a shell keyword\n"));
    }
    if let Some(f) = sh.funcs.get(n) {
        let text = crate::ast::function_text(n, f);
        return out(&format!("{n} is a function\n{text}\n"));
    }
    if is_builtin(n) && !sh.is_disabled(n) {
        return out(&format!("{n} is a shell builtin\n"));
    }
    if !n.contains('/') {
        if let Some(p) = sh.hash.search(n) {
            return out(&format!("{n} is hashed ({p})\n"));
        }
    }
    match proc::find_in_path(sh, n) {
        Some(p) => out(&format!("{n} is {p}\n")),
        None => {
            sh.error(&format!("type: {n}: not found"));
            1
        }
    }
}

fn type_cmd(sh: &mut Shell, args: &[String]) -> i32 {
    let mut st = 0;
    let mut names_only = false;
    for a in args {
        if a == "-t" {
            names_only = true;
            continue;
        }
        if names_only {
            let t = if KEYWORDS.contains(&a.as_str()) {
                "keyword"
            } else if sh.funcs.contains_key(a) {
                "function"
            } else if is_builtin(a) && !sh.is_disabled(a) {
                "builtin"
            } else if proc::find_in_path(sh, a).is_some() {
                "file"
            } else {
                st = 1;
                continue;
            };
            out(&format!("{t}\n"));
        } else if type_one(sh, a) != 0 {
            st = 1;
        }
    }
    st
}

fn wait(sh: &mut Shell, args: &[String]) -> i32 {
    sh.barrier();
    let (mut any, mut var) = (false, None);
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-') && a.len() > 1) {
        if a == "--" {
            i += 1;
            break;
        }
        let mut opts = a[1..].chars();
        while let Some(c) = opts.next() {
            match c {
                'n' => any = true,
                'f' => {}
                'p' => {
                    let rest: String = opts.by_ref().collect();
                    if !rest.is_empty() {
                        var = Some(rest);
                    } else if let Some(v) = args.get(i + 1) {
                        i += 1;
                        var = Some(v.clone());
                    } else {
                        sh.error("wait: -p: option requires an argument");
                        write_fd(2, b"wait: usage: wait [-fn] [-p var] [id ...]\n");
                        return 2;
                    }
                }
                _ => {
                    sh.error(&format!("wait: -{c}: invalid option"));
                    write_fd(2, b"wait: usage: wait [-fn] [-p var] [id ...]\n");
                    return 2;
                }
            }
        }
        i += 1;
    }
    let args = &args[i..];
    if let Some(v) = &var {
        if !is_name(v) {
            sh.error(&format!("wait: `{v}': not a valid identifier"));
            return 1;
        }
        let _ = sh.unset_var(v);
    }
    if any {
        return wait_any(sh, args, var.as_deref());
    }
    if args.is_empty() {
        let pids: Vec<i32> = sh
            .jobs
            .iter()
            .filter(|j| j.status.is_none())
            .map(|j| j.pid)
            .collect();
        // bash also waits for the last process substitution.
        for p in pids.into_iter().chain(sh.psub_pids.last().copied()) {
            let st = proc::wait_pid_interruptible(sh, p);
            if st > 128 && proc::pending_signal().is_some() {
                return st;
            }
        }
        sh.jobs.clear();
        sh.psub_pids.clear();
        return 0;
    }
    let mut st = 0;
    for a in args {
        let pid = match job_or_pid(sh, a) {
            Ok(p) => p,
            Err(JobArg::NoSuchJob) => {
                sh.error(&format!("wait: {a}: no such job"));
                st = 127;
                continue;
            }
            Err(JobArg::NotAPid) => {
                sh.error(&format!("wait: `{a}': not a pid or valid job spec"));
                st = 2;
                continue;
            }
            Err(JobArg::Ambiguous(t)) => {
                sh.error(&format!("wait: {t}: ambiguous job spec"));
                st = 127;
                continue;
            }
        };
        if let Some(v) = &var {
            let _ = sh.set_var(v, pid.to_string());
        }
        match sh.jobs.iter().find(|j| j.pid == pid) {
            Some(j) => {
                st = match j.status {
                    Some(s) => s,
                    None => proc::wait_pid_interruptible(sh, pid),
                };
                if st > 128 && proc::pending_signal().is_some() {
                    return st;
                }
                sh.jobs.retain(|j| j.pid != pid);
            }
            None => {
                sh.error(&format!("wait: pid {pid} is not a child of this shell"));
                st = 127;
            }
        }
    }
    st
}

/// `times`: the user and system CPU time of the shell, then of its
/// children, as bash prints them (`0m0.002s 0m0.000s`).
fn times() -> i32 {
    let usage = |who| {
        // SAFETY: an all-zero rusage is valid, and getrusage only fills
        // the struct it is given.
        let ru = unsafe {
            let mut ru: libc::rusage = std::mem::zeroed();
            libc::getrusage(who, &mut ru);
            ru
        };
        let tv = |t: libc::timeval| {
            let ms = t.tv_usec / 1000;
            format!("{}m{}.{ms:03}s", t.tv_sec / 60, t.tv_sec % 60)
        };
        format!("{} {}\n", tv(ru.ru_utime), tv(ru.ru_stime))
    };
    out(&(usage(libc::RUSAGE_SELF) + &usage(libc::RUSAGE_CHILDREN)))
}

/// `wait -n [ID…]`: the status of the next of the jobs (or of those named)
/// still running to end; 127 when none is. Jobs that ended before
/// the last foreground command did are not waited for (bash reports them
/// as done then).
fn wait_any(sh: &mut Shell, ids: &[String], var: Option<&str>) -> i32 {
    let mut wanted = Vec::new();
    for a in ids {
        match job_or_pid(sh, a) {
            Ok(p) if sh.jobs.iter().any(|j| j.pid == p) => wanted.push(p),
            _ => sh.error(&format!("wait: {a}: no such job")),
        }
    }
    let running: Vec<i32> = sh
        .jobs
        .iter()
        .filter(|j| j.status.is_none() && (ids.is_empty() || wanted.contains(&j.pid)))
        .map(|j| j.pid)
        .collect();
    if running.is_empty() {
        return 127;
    }
    loop {
        match proc::wait_any_child(sh) {
            Some((pid, st)) if running.contains(&pid) => {
                sh.jobs.retain(|j| j.pid != pid);
                if let Some(v) = var {
                    let _ = sh.set_var(v, pid.to_string());
                }
                return st;
            }
            Some(_) => {}
            None => {
                return match proc::pending_signal() {
                    Some(sig) => 128 + sig,
                    None => 127,
                }
            }
        }
    }
}

fn trap(sh: &mut Shell, args: &[String]) -> i32 {
    if args.is_empty() || args[0] == "-p" {
        // In signal-number order (EXIT first, ERR last), with the signals
        // ignored on entry, as bash lists them.
        // (DEBUG, ERR, RETURN after the signals.)
        let order = |n: &str| match n {
            "DEBUG" => 1000,
            "ERR" => 1001,
            "RETURN" => 1002,
            n => proc::signal_number(n).unwrap_or(999),
        };
        let mut list: Vec<(i32, String, String)> = sh
            .traps
            .iter()
            .map(|(n, a)| (order(n), n.clone(), a.clone()))
            .collect();
        for &n in &sh.ignored_on_entry {
            let name = proc::signal_name(n).to_string();
            if !sh.traps.contains_key(&name) {
                list.push((n, name, String::new()));
            }
        }
        list.sort();
        if args.len() > 1 {
            // `trap -p NAME…`: those, in the order asked.
            let mut st = 0;
            let mut chosen = Vec::new();
            for a in &args[1..] {
                match proc::signal_number(a) {
                    Some(n) => {
                        let name = proc::trap_name(n);
                        chosen.extend(list.iter().filter(|t| t.1 == name).cloned());
                    }
                    None => {
                        sh.error(&format!("trap: {a}: invalid signal specification"));
                        st = 1;
                    }
                }
            }
            list = chosen;
            if st != 0 {
                print_traps(&list);
                return st;
            }
        }
        return print_traps(&list);
    }
    if args[0] == "-l" {
        return out(&proc::signal_table());
    }
    let (action, sigs): (Option<&str>, &[String]) = if args.len() == 1 {
        (None, args)
    } else if args[0] == "-" {
        (None, &args[1..])
    } else if args[0].parse::<i32>().is_ok() {
        (None, args)
    } else {
        let a = if args[0] == "--" { &args[1..] } else { args };
        match a.first().map(String::as_str) {
            // `trap -- - SIG…` and `trap -- SIG` reset.
            Some("-") => (None, &a[1..]),
            Some(_) if a.len() == 1 => (None, a),
            Some(act) => (Some(act), &a[1..]),
            None => (None, a),
        }
    };
    let mut st = 0;
    for s in sigs {
        let Some(n) = proc::signal_number(s) else {
            sh.error(&format!("trap: {s}: invalid signal specification"));
            st = 1;
            continue;
        };
        if n > 0 && sh.ignored_on_entry.contains(&n) {
            // bash: "Signals ignored upon entry to the shell cannot be
            // trapped or reset" (silently, status 0).
            continue;
        }
        let key = proc::trap_name(n).to_string();
        if n == -2 || action.is_some_and(|a| a.contains("BASH_COMMAND")) {
            sh.command_hook = true;
        }
        match action {
            None => {
                sh.traps.remove(&key);
                if n > 0 {
                    proc::set_signal(n, None);
                }
            }
            Some(a) => {
                sh.traps.insert(key, a.to_string());
                if n > 0 {
                    proc::set_signal(n, Some(!a.is_empty()));
                }
            }
        }
    }
    st
}

fn print_traps(list: &[(i32, String, String)]) -> i32 {
    let mut s = String::new();
    for (_, n, a) in list {
        s.push_str(&format!("trap -- {} {}\n", shell_quote(a), sig_display(n)));
    }
    out(&s)
}

fn sig_display(n: &str) -> String {
    if n == "EXIT" || proc::PSEUDO_SIGNALS.contains(&n) {
        n.to_string()
    } else {
        format!("SIG{n}")
    }
}

/// `kill -l [SIG…]`: the table, or each number's name (an exit status
/// above 128 names its signal) and each name's number.
fn kill_list(sh: &Shell, args: &[String]) -> i32 {
    if args.is_empty() {
        return out(&proc::signal_table());
    }
    let mut s = String::new();
    let mut st = 0;
    for a in args {
        let found = match a.parse::<i32>() {
            Ok(n) => proc::signal_full_name(if n > 128 { n - 128 } else { n }),
            Err(_) => proc::signal_number(a)
                .filter(|&n| n > 0)
                .map(|n| n.to_string()),
        };
        match found {
            Some(f) => s.push_str(&format!("{f}\n")),
            None => {
                sh.error(&format!("kill: {a}: invalid signal specification"));
                st = 1;
            }
        }
    }
    out(&s);
    st
}

fn kill(sh: &mut Shell, args: &[String]) -> i32 {
    let mut sig = libc::SIGTERM;
    let mut i = 0;
    if let Some(a) = args.first() {
        if a == "-l" || a == "-L" {
            return kill_list(sh, &args[1..]);
        }
        if a == "-s" || a == "-n" {
            match args
                .get(1)
                .and_then(|s| proc::signal_number(s))
                .filter(|&n| n >= 0)
            {
                Some(n) => sig = n,
                None => {
                    sh.error(&format!(
                        "kill: {}: invalid signal specification",
                        args.get(1).map(String::as_str).unwrap_or("")
                    ));
                    return 1;
                }
            }
            i = 2;
        } else if let Some(s) = a.strip_prefix('-') {
            match proc::signal_number(s).filter(|&n| n >= 0) {
                Some(n) => sig = n,
                None => {
                    sh.error(&format!("kill: {s}: invalid signal specification"));
                    return 1;
                }
            }
            i = 1;
        }
    }
    if i >= args.len() {
        sh.error("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]");
        return 2;
    }
    let mut st = 0;
    for a in &args[i..] {
        let pid = match job_or_pid(sh, a) {
            Ok(p) => p,
            Err(JobArg::NoSuchJob) => {
                sh.error(&format!("kill: {a}: no such job"));
                st = 1;
                continue;
            }
            Err(JobArg::NotAPid) => {
                sh.error(&format!("kill: {a}: arguments must be process or job IDs"));
                st = 1;
                continue;
            }
            Err(JobArg::Ambiguous(t)) => {
                sh.error(&format!("kill: {t}: ambiguous job spec"));
                st = 1;
                continue;
            }
        };
        // SAFETY: kill(2) has no memory-safety preconditions.
        if unsafe { libc::kill(pid, sig) } != 0 {
            let e = std::io::Error::last_os_error();
            sh.error(&format!(
                "kill: ({pid}) - {}",
                crate::interp::proc::strerror(&e)
            ));
            st = 1;
        }
    }
    st
}

/// The letters of a builtin's leading option words (`-lp`, `-n -s`, up
/// to `--` or the first operand), each with the index of the word after
/// its own (where an argument of the option would be), and the index of
/// the first operand.
pub fn option_letters(args: &[String]) -> (Vec<(char, usize)>, usize) {
    let mut letters = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-') && a.len() > 1) {
        i += 1;
        if a == "--" {
            break;
        }
        letters.extend(a[1..].chars().map(|c| (c, i)));
    }
    (letters, i)
}

/// bash's answer to an unknown option letter: the message, the usage
/// line, status 2.
pub fn invalid_option(sh: &Shell, cmd: &str, c: char, usage: &str) -> i32 {
    sh.error(&format!("{cmd}: -{c}: invalid option"));
    write_fd(2, usage.as_bytes());
    2
}

const JOBS_USAGE: &str = "jobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n";

/// `jobs [-lnprs] [JOBSPEC…]` and `jobs -x COMMAND [ARGS…]`.
fn jobs(sh: &mut Shell, args: &[String]) -> i32 {
    let (mut long, mut pids, mut running, mut stopped, mut changed) =
        (false, false, false, false, false);
    let (letters, i) = option_letters(args);
    for (c, next) in letters {
        match c {
            'l' => long = true,
            'p' => pids = true,
            'r' => running = true,
            's' => stopped = true,
            'n' => changed = true,
            'x' => return jobs_exec(sh, &args[next..]),
            _ => return invalid_option(sh, "jobs", c, JOBS_USAGE),
        }
    }
    // Reap what has ended (in a subshell the parent's jobs are not
    // children: they stay as they were).
    for j in sh.jobs.iter_mut().filter(|j| j.status.is_none()) {
        match nix::sys::wait::waitpid(
            nix::unistd::Pid::from_raw(j.pid),
            Some(nix::sys::wait::WaitPidFlag::WNOHANG),
        ) {
            Ok(nix::sys::wait::WaitStatus::Exited(_, c)) => j.status = Some(c),
            Ok(nix::sys::wait::WaitStatus::Signaled(_, sig, _)) => {
                j.status = Some(128 + sig as i32)
            }
            _ => {}
        }
    }
    let mut st = 0;
    let chosen: Vec<usize> = if args.len() > i {
        let mut v = Vec::new();
        for a in &args[i..] {
            match job_or_pid(sh, a)
                .ok()
                .and_then(|p| sh.jobs.iter().position(|j| j.pid == p))
            {
                Some(k) => v.push(k),
                None => {
                    sh.error(&format!("jobs: {a}: no such job"));
                    st = 1;
                }
            }
        }
        v
    } else {
        (0..sh.jobs.len()).collect()
    };
    let n = sh.jobs.len();
    let mut s = String::new();
    for k in chosen {
        let j = &sh.jobs[k];
        if stopped || (running && j.status.is_some()) || (changed && j.status.is_none()) {
            continue;
        }
        if pids {
            s.push_str(&format!("{}\n", j.pid));
            continue;
        }
        let mark = if k + 1 == n {
            '+'
        } else if k + 2 == n {
            '-'
        } else {
            ' '
        };
        let state = match j.status {
            None => "Running".to_string(),
            Some(0) => "Done".to_string(),
            Some(c) if c > 128 => proc::strsignal(c - 128),
            Some(c) => format!("Exit {c}"),
        };
        let pid = if long {
            format!(" {:>5}", j.pid)
        } else {
            " ".to_string()
        };
        let amp = if j.status.is_none() { " &" } else { "" };
        s.push_str(&format!(
            "[{}]{mark}{pid} {state:<24}{}{amp}\n",
            k + 1,
            j.text
        ));
    }
    out(&s);
    st
}

/// `jobs -x COMMAND ARGS…`: the command run with each job spec among its
/// arguments replaced by the job's process id.
fn jobs_exec(sh: &mut Shell, args: &[String]) -> i32 {
    let Some(cmd) = args.first() else {
        sh.error("jobs: -x: option requires an argument");
        write_fd(2, JOBS_USAGE.as_bytes());
        return 2;
    };
    let mut argv = vec![cmd.clone()];
    for a in &args[1..] {
        if a.starts_with('%') {
            match job_or_pid(sh, a) {
                Ok(p) => argv.push(p.to_string()),
                Err(_) => {
                    sh.error(&format!("jobs: {a}: no such job"));
                    return 1;
                }
            }
        } else {
            argv.push(a.clone());
        }
    }
    let text = argv
        .iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ");
    sh.eval_string(&text, "jobs").unwrap_or(1)
}

/// The descriptor of `read -u FD` / `mapfile -u FD`: a number of an open
/// descriptor, else bash's message and `None`.
pub fn read_fd_arg(sh: &Shell, cmd: &str, v: &str) -> Option<i32> {
    let Ok(n) = v.trim().parse::<i32>() else {
        sh.error(&format!(
            "{cmd}: {v}: invalid file descriptor specification"
        ));
        return None;
    };
    // SAFETY: F_GETFD only asks whether the descriptor is open.
    if n < 0 || unsafe { libc::fcntl(n, libc::F_GETFD) } < 0 {
        sh.error(&format!(
            "{cmd}: {v}: invalid file descriptor: Bad file descriptor"
        ));
        return None;
    }
    Some(n)
}

pub(crate) fn read(sh: &mut Shell, args: &[String]) -> i32 {
    let mut fd = 0;
    let mut raw = false;
    let mut delim = b'\n';
    let mut delim_off = false;
    let mut nchars: Option<usize> = None;
    let mut timeout: Option<f64> = None;
    let mut names = Vec::new();
    let mut array: Option<String> = None;
    let mut i = 0;
    let mut options = true;
    while i < args.len() {
        let a = &args[i];
        if !options || !a.starts_with('-') || a.len() < 2 {
            names.push(a.clone());
            options = false;
            i += 1;
            continue;
        }
        if a == "--" {
            options = false;
            i += 1;
            continue;
        }
        // Clustered options (`-ra NAME`, `-d,`): an option with an
        // argument takes the rest of the word or the next one.
        let flags: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < flags.len() {
            let c = flags[k];
            match c {
                'r' => raw = true,
                // (Readline only edits a terminal's lines: nothing here.)
                's' | 'e' => {}
                'a' | 'p' | 'd' | 'n' | 'N' | 't' | 'u' | 'i' => {
                    let rest: String = flags[k + 1..].iter().collect();
                    let v = if !rest.is_empty() {
                        rest
                    } else {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                sh.error(&format!("read: -{c}: option requires an argument"));
                                write_fd(2, b"read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n");
                                return 2;
                            }
                        }
                    };
                    k = flags.len();
                    match c {
                        'a' => array = Some(v),
                        'p' => {
                            if nix::unistd::isatty(std::io::stdin()).unwrap_or(false) {
                                write_fd(2, v.as_bytes());
                            }
                        }
                        'd' => delim = v.bytes().next().unwrap_or(0),
                        'i' => {}
                        'u' => match read_fd_arg(sh, "read", &v) {
                            Some(n) => fd = n,
                            None => return 1,
                        },
                        't' => match v.parse::<f64>() {
                            Ok(t) if t >= 0.0 => timeout = Some(t),
                            _ => {
                                sh.error(&format!("read: {v}: invalid timeout specification"));
                                return 1;
                            }
                        },
                        _ => match v.parse::<usize>() {
                            Ok(n) => {
                                nchars = Some(n);
                                if c == 'N' {
                                    delim_off = true;
                                }
                            }
                            Err(_) => {
                                sh.error(&format!("read: {v}: invalid number"));
                                return 1;
                            }
                        },
                    }
                    continue;
                }
                _ => {
                    sh.error(&format!("read: -{c}: invalid option"));
                    write_fd(2, b"read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n");
                    return 2;
                }
            }
            k += 1;
        }
        i += 1;
    }
    if let Some(t) = timeout {
        // Wait for input at most `t` seconds (poll(2) on the fd).
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = (t * 1000.0) as libc::c_int;
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r == 0 {
            return 142;
        }
    }
    // One byte at a time, so that no input beyond the line is consumed.
    let mut line = Vec::new();
    let mut eof = false;
    let mut count = 0usize;
    loop {
        if nchars.is_some_and(|n| count >= n) {
            break;
        }
        let mut b = [0u8; 1];
        match std::io::Read::read(&mut FdReader(fd), &mut b) {
            Ok(1) => {
                count += 1;
                if b[0] == delim && !delim_off {
                    break;
                }
                if b[0] == b'\\' && !raw {
                    let mut c = [0u8; 1];
                    match std::io::Read::read(&mut FdReader(fd), &mut c) {
                        Ok(1) => {
                            if c[0] != b'\n' {
                                line.push(0); // marker: escaped char follows
                                line.push(c[0]);
                            }
                        }
                        _ => {
                            eof = true;
                            break;
                        }
                    }
                    continue;
                }
                line.push(b[0]);
            }
            _ => {
                eof = true;
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&line).into_owned();
    if let Some(arr) = array {
        return read_array(sh, &arr, &text, eof);
    }
    if names.is_empty() {
        let v: String = text.replace('\0', "");
        let _ = sh.set_var("REPLY", v);
        return i32::from(eof);
    }
    let ifs = sh.get_var("IFS").unwrap_or(" \t\n").to_string();
    let mut fields = ReadFields::new(&text, &ifs);
    for (k, name) in names.iter().enumerate() {
        let val = if k + 1 == names.len() {
            fields.rest()
        } else {
            fields.next_field()
        };
        if let Err(m) = super::arrays::set_ref(sh, "read", name, val) {
            sh.assign_error("read", &m);
            return 1;
        }
    }
    i32::from(eof)
}

/// `read -a NAME`: every field of the line (escaped characters follow a
/// NUL marker) into the array.
fn read_array(sh: &mut Shell, name: &str, text: &str, eof: bool) -> i32 {
    let ifs = sh.get_var("IFS").unwrap_or(" \t\n").to_string();
    let mut split = ReadFields::new(text, &ifs);
    let mut fields = super::arrays::Elems::new();
    while !split.done() {
        fields.insert(fields.len() as i64, split.next_field());
    }
    if let Err(m) = sh.set_array(name, fields) {
        sh.error(&format!("read: {m}"));
        return 1;
    }
    i32::from(eof)
}

/// `read`'s field splitting of a line: a run of IFS whitespace, or one
/// other IFS character with the whitespace around it, ends a field; an
/// escaped character (after a NUL marker) never splits.
struct ReadFields<'a> {
    chars: Vec<char>,
    pos: usize,
    ifs: &'a str,
}

impl<'a> ReadFields<'a> {
    fn new(text: &str, ifs: &'a str) -> Self {
        let mut f = ReadFields {
            chars: text.chars().collect(),
            pos: 0,
            ifs,
        };
        f.skip_ws();
        f
    }

    fn is_ws(&self, c: char) -> bool {
        self.ifs.contains(c) && matches!(c, ' ' | '\t' | '\n')
    }

    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.is_ws(self.chars[self.pos]) {
            self.pos += 1;
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.chars.len()
    }

    /// The next field, the separator after it consumed.
    fn next_field(&mut self) -> String {
        let mut val = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            if c == '\0' {
                if let Some(&n) = self.chars.get(self.pos + 1) {
                    val.push(n);
                }
                self.pos += 2;
                continue;
            }
            if self.ifs.contains(c) {
                break;
            }
            val.push(c);
            self.pos += 1;
        }
        self.skip_ws();
        if let Some(&c) = self.chars.get(self.pos) {
            if self.ifs.contains(c) && !self.is_ws(c) {
                self.pos += 1;
                self.skip_ws();
            }
        }
        val
    }

    /// The rest of the line, minus trailing IFS whitespace (for the last
    /// name).
    fn rest(&mut self) -> String {
        let c = &self.chars;
        let mut end = c.len();
        while end > self.pos && self.is_ws(c[end - 1]) && (end < 2 || c[end - 2] != '\0') {
            end -= 1;
        }
        let val = c[self.pos.min(end)..end]
            .iter()
            .filter(|&&ch| ch != '\0')
            .collect();
        self.pos = c.len();
        val
    }
}

/// `getopts OPTSTRING NAME [ARGS…]` (bash's builtins/getopts.def): OPTIND
/// and OPTARG; the position inside a cluster (`-abc`) is kept in the shell.
fn getopts(sh: &mut Shell, args: &[String]) -> i32 {
    if args.len() < 2 {
        sh.error("getopts: usage: getopts optstring name [arg ...]");
        return 2;
    }
    let (optstring, name) = (&args[0], &args[1]);
    let argv: Vec<String> = if args.len() > 2 {
        args[2..].to_vec()
    } else {
        sh.params.clone()
    };
    let silent = optstring.starts_with(':');
    let optind: usize = sh
        .get_var("OPTIND")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    if sh.getopts_state.0 != optind {
        sh.getopts_state = (optind, 0);
    }
    let mut sub = sh.getopts_state.1;
    let mut ind = optind;
    let set = |sh: &mut Shell, n: &str, v: &str| {
        let _ = sh.set_var(n, v.to_string());
    };
    let finish = |sh: &mut Shell, ind: usize, sub: usize| {
        let _ = sh.set_var("OPTIND", ind.to_string());
        sh.getopts_state = (ind, sub);
    };
    let Some(arg) = argv.get(ind - 1).cloned() else {
        set(sh, name, "?");
        finish(sh, ind, 0);
        return 1;
    };
    if sub == 0 {
        if arg == "--" {
            set(sh, name, "?");
            finish(sh, ind + 1, 0);
            return 1;
        }
        if !arg.starts_with('-') || arg == "-" {
            set(sh, name, "?");
            finish(sh, ind, 0);
            return 1;
        }
        sub = 1;
    }
    let chars: Vec<char> = arg.chars().collect();
    let c = chars[sub];
    sub += 1;
    let at_end = sub >= chars.len();
    if at_end {
        ind += 1;
        sub = 0;
    }
    let spec = optstring.trim_start_matches(':');
    let pos = if c == ':' { None } else { spec.find(c) };
    let Some(pos) = pos else {
        if silent {
            set(sh, name, "?");
            set(sh, "OPTARG", &c.to_string());
        } else {
            write_fd(
                2,
                format!("{}: illegal option -- {c}\n", sh.arg0).as_bytes(),
            );
            set(sh, name, "?");
            let _ = sh.unset_var("OPTARG");
        }
        finish(sh, ind, sub);
        return 0;
    };
    let takes_arg = spec[pos + c.len_utf8()..].starts_with(':');
    if takes_arg {
        let optarg = if !at_end {
            let rest: String = chars[sub..].iter().collect();
            ind += 1;
            sub = 0;
            Some(rest)
        } else {
            let a = argv.get(ind - 1).cloned();
            if a.is_some() {
                ind += 1;
            }
            a
        };
        match optarg {
            Some(a) => {
                set(sh, "OPTARG", &a);
                set(sh, name, &c.to_string());
            }
            None => {
                if silent {
                    set(sh, name, ":");
                    set(sh, "OPTARG", &c.to_string());
                } else {
                    write_fd(
                        2,
                        format!("{}: option requires an argument -- {c}\n", sh.arg0).as_bytes(),
                    );
                    set(sh, name, "?");
                    let _ = sh.unset_var("OPTARG");
                }
            }
        }
    } else {
        set(sh, name, &c.to_string());
        let _ = sh.unset_var("OPTARG");
    }
    finish(sh, ind, sub);
    0
}

/// Why a `wait`/`kill` argument names no process.
enum JobArg {
    NoSuchJob,
    NotAPid,
    /// `%name` matching more than one job (bash names it without `%`).
    Ambiguous(String),
}

/// The pid named by a `wait`/`kill` argument: `%N` (job N) or a number.
/// Each builtin words the failure its own way, as bash does.
/// `alias [-p] [name[=value] …]`: define or list aliases (bash's listing:
/// sorted, single-quoted). A script never expands them: bash does not
/// without `shopt -s expand_aliases`, which nsh refuses.
fn alias(sh: &mut Shell, args: &[String]) -> i32 {
    let list = |name: &str, v: &str| format!("alias {name}='{}'\n", v.replace('\'', "'\\''"));
    let mut rest = args;
    let mut print_all = args.is_empty();
    while let Some(a) = rest.first() {
        match a.as_str() {
            "-p" => print_all = true,
            "--" => {
                rest = &rest[1..];
                break;
            }
            o if o.starts_with('-') && o.len() > 1 => {
                sh.error(&format!("alias: {o}: invalid option"));
                write_fd(2, b"alias: usage: alias [-p] [name[=value] ... ]\n");
                return 2;
            }
            _ => break,
        }
        rest = &rest[1..];
    }
    let mut out = String::new();
    if print_all {
        for (k, v) in &sh.aliases {
            out.push_str(&list(k, v));
        }
    }
    let mut st = 0;
    for a in rest {
        match a.split_once('=') {
            Some((name, value)) if !name.is_empty() => {
                let bad = name.chars().any(|c| " \t\n/$`=\\'\"()<>&|;".contains(c));
                if bad {
                    sh.error(&format!("alias: `{name}': invalid alias name"));
                    st = 1;
                } else {
                    sh.aliases.insert(name.to_string(), value.to_string());
                }
            }
            _ => match sh.aliases.get(a.as_str()) {
                Some(v) => out.push_str(&list(a, v)),
                None => {
                    sh.error(&format!("alias: {a}: not found"));
                    st = 1;
                }
            },
        }
    }
    write_fd(1, out.as_bytes());
    st
}

/// `unalias [-a] name…`.
fn unalias(sh: &mut Shell, args: &[String]) -> i32 {
    const USAGE: &[u8] = b"unalias: usage: unalias [-a] name [name ...]\n";
    let mut names = args;
    if let Some(a) = names.first() {
        match a.as_str() {
            "-a" => {
                sh.aliases.clear();
                return 0;
            }
            "--" => names = &names[1..],
            o if o.starts_with('-') && o.len() > 1 => {
                sh.error(&format!("unalias: {o}: invalid option"));
                write_fd(2, USAGE);
                return 2;
            }
            _ => {}
        }
    }
    if names.is_empty() {
        write_fd(2, USAGE);
        return 2;
    }
    let mut st = 0;
    for n in names {
        if sh.aliases.remove(n.as_str()).is_none() {
            sh.error(&format!("unalias: {n}: not found"));
            st = 1;
        }
    }
    st
}

/// `disown [-a] [jobspec…]`: forget jobs (the current one without an
/// argument); nsh has no SIGHUP on exit to spare them from, so `-h`
/// forgets them too.
fn disown(sh: &mut Shell, args: &[String]) -> i32 {
    let mut all = false;
    let mut specs = Vec::new();
    for a in args {
        match a.as_str() {
            "-a" => all = true,
            "-h" | "-r" | "--" => {}
            _ => specs.push(a.clone()),
        }
    }
    if all {
        sh.jobs.clear();
        return 0;
    }
    if specs.is_empty() {
        if sh.jobs.pop().is_none() {
            sh.error("disown: current: no such job");
            return 1;
        }
        return 0;
    }
    let mut st = 0;
    for a in &specs {
        match job_or_pid(sh, a) {
            Ok(pid) if sh.jobs.iter().any(|j| j.pid == pid) => {
                sh.jobs.retain(|j| j.pid != pid);
            }
            Err(JobArg::Ambiguous(t)) => {
                sh.error(&format!("disown: {t}: ambiguous job spec"));
                st = 1;
            }
            _ => {
                sh.error(&format!("disown: {a}: no such job"));
                st = 1;
            }
        }
    }
    st
}

fn job_or_pid(sh: &Shell, a: &str) -> Result<i32, JobArg> {
    let Some(spec) = a.strip_prefix('%') else {
        return a.parse::<i32>().map_err(|_| JobArg::NotAPid);
    };
    let jobs = &sh.jobs;
    let job = match spec {
        // The current job (the newest), the previous one.
        "" | "%" | "+" => jobs.last(),
        "-" => jobs.iter().rev().nth(1).or(jobs.last()),
        n if n.bytes().all(|b| b.is_ascii_digit()) => n
            .parse::<usize>()
            .ok()
            .and_then(|i| jobs.get(i.wrapping_sub(1))),
        // `%?text`: the job whose command contains text; `%text`: starts
        // with it.
        s => {
            let (text, anywhere) = match s.strip_prefix('?') {
                Some(t) => (t, true),
                None => (s, false),
            };
            let mut found = jobs.iter().filter(|j| {
                if anywhere {
                    j.text.contains(text)
                } else {
                    j.text.starts_with(text)
                }
            });
            let first = found.next();
            if first.is_some() && found.next().is_some() {
                return Err(JobArg::Ambiguous(text.to_string()));
            }
            first
        }
    };
    job.map(|j| j.pid).ok_or(JobArg::NoSuchJob)
}

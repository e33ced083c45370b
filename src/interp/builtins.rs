//! Shell builtins, with bash's messages and statuses.

use std::io::Write;

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use super::{printf, test_cmd, xtrace_quote, FdReader, FdWriter, Flow, Res, Shell, Var};

pub type Builtin = fn(&mut Shell, &[String]) -> Res;

pub fn lookup(name: &str) -> Option<Builtin> {
    Some(match name {
        ":" | "true" => |_, _| Ok(0),
        "false" => |_, _| Ok(1),
        "echo" => echo,
        "printf" => printf_b,
        "test" | "[" => test,
        "cd" => cd,
        "pwd" => pwd,
        "exit" => exit,
        "return" => return_b,
        "break" => break_b,
        "continue" => continue_b,
        "set" => set,
        "shift" => shift,
        "export" => export,
        "unset" => unset,
        "local" => local,
        "readonly" => readonly,
        "source" | "." => source,
        "eval" => eval,
        "exec" => exec,
        "command" => command,
        "type" => type_b,
        "wait" => wait,
        "trap" => trap,
        "kill" => kill,
        "jobs" => jobs,
        "umask" => umask,
        "read" => read,
        "let" => let_b,
        "sudo" => sudo,
        _ => return None,
    })
}

fn out(s: &str) {
    let _ = FdWriter(1).write_all(s.as_bytes());
}

fn echo(_: &mut Shell, argv: &[String]) -> Res {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
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
    for (j, a) in argv[i..].iter().enumerate() {
        if j > 0 {
            s.push(' ');
        }
        if escapes {
            let (t, stop) = printf::echo_escapes(a);
            s.push_str(&t);
            if stop {
                out(&s);
                return Ok(0);
            }
        } else {
            s.push_str(a);
        }
    }
    if newline {
        s.push('\n');
    }
    match FdWriter(1).write_all(s.as_bytes()) {
        Ok(()) => Ok(0),
        Err(e) => {
            let msg = format!("echo: write error: {}", crate::backend::netns::strerror(&e));
            Err(Flow::Return(write_error(msg)))
        }
    }
}

fn write_error(msg: String) -> i32 {
    let _ = FdWriter(2).write_all(format!("{msg}\n").as_bytes());
    1
}

fn printf_b(sh: &mut Shell, argv: &[String]) -> Res {
    let mut args = &argv[1..];
    let mut var = None;
    if args.first().map(String::as_str) == Some("-v") && args.len() > 1 {
        var = Some(args[1].clone());
        args = &args[2..];
    }
    if args.first().map(String::as_str) == Some("--") {
        args = &args[1..];
    }
    let Some(fmt) = args.first() else {
        sh.error("printf: usage: printf [-v var] format [arguments]");
        return Ok(2);
    };
    let (bytes, errs, status) = printf::printf(fmt, &args[1..]);
    for e in errs {
        sh.error(&e);
    }
    match var {
        Some(v) => {
            if let Err(e) = sh.set_var(&v, String::from_utf8_lossy(&bytes).into_owned()) {
                sh.error(&e);
                return Ok(1);
            }
        }
        None => {
            let _ = FdWriter(1).write_all(&bytes);
        }
    }
    Ok(status)
}

fn test(sh: &mut Shell, argv: &[String]) -> Res {
    let (status, err) = test_cmd::run(&argv[0], &argv[1..]);
    if let Some(e) = err {
        sh.error(&e);
    }
    Ok(status)
}

fn cd(sh: &mut Shell, argv: &[String]) -> Res {
    let args: Vec<&String> = argv[1..]
        .iter()
        .filter(|a| !matches!(a.as_str(), "-L" | "-P" | "--"))
        .collect();
    if args.len() > 1 {
        sh.error("cd: too many arguments");
        return Ok(1);
    }
    let mut print = false;
    let dir = match args.first() {
        None => match sh.get_var("HOME") {
            Some(h) => h,
            None => {
                sh.error("cd: HOME not set");
                return Ok(1);
            }
        },
        Some(d) if d.as_str() == "-" => match sh.get_var("OLDPWD") {
            Some(o) => {
                print = true;
                o
            }
            None => {
                sh.error("cd: OLDPWD not set");
                return Ok(1);
            }
        },
        Some(d) => d.to_string(),
    };
    let old = sh.get_var("PWD").unwrap_or_default();
    if let Err(e) = std::env::set_current_dir(&dir) {
        sh.error(&format!(
            "cd: {dir}: {}",
            crate::backend::netns::strerror(&e)
        ));
        return Ok(1);
    }
    let new = if dir.starts_with('/') {
        normalize(&dir)
    } else {
        normalize(&format!("{old}/{dir}"))
    };
    let _ = sh.set_var("OLDPWD", old);
    let _ = sh.set_var("PWD", new.clone());
    if print {
        out(&format!("{new}\n"));
    }
    Ok(0)
}

/// Lexical normalisation of a path (`cd` without -P).
fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
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

fn pwd(sh: &mut Shell, _: &[String]) -> Res {
    let p = sh
        .get_var("PWD")
        .filter(|p| std::fs::canonicalize(p).ok() == std::env::current_dir().ok())
        .or_else(|| {
            std::env::current_dir()
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    out(&format!("{p}\n"));
    Ok(0)
}

fn numeric_arg(sh: &Shell, name: &str, a: Option<&String>, default: i32) -> Result<i32, i32> {
    match a {
        None => Ok(default),
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) => Ok((n & 0xff) as i32),
            Err(_) => {
                sh.error(&format!("{name}: {s}: numeric argument required"));
                Err(2)
            }
        },
    }
}

fn exit(sh: &mut Shell, argv: &[String]) -> Res {
    let s = match numeric_arg(sh, "exit", argv.get(1), sh.last_status) {
        Ok(s) => s,
        Err(s) => s,
    };
    Err(Flow::Exit(s))
}

fn return_b(sh: &mut Shell, argv: &[String]) -> Res {
    if sh.func_depth == 0 && sh.sourcing == 0 {
        sh.error("return: can only `return' from a function or sourced script");
        return Ok(1);
    }
    let s = numeric_arg(sh, "return", argv.get(1), sh.last_status).unwrap_or(2);
    Err(Flow::Return(s))
}

fn loop_count(sh: &Shell, name: &str, argv: &[String]) -> Result<usize, i32> {
    match argv.get(1) {
        None => Ok(1),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            Ok(_) => {
                sh.error(&format!("{name}: {s}: loop count out of range"));
                Err(1)
            }
            Err(_) => {
                sh.error(&format!("{name}: {s}: numeric argument required"));
                Err(1)
            }
        },
    }
}

fn break_b(sh: &mut Shell, argv: &[String]) -> Res {
    if sh.loop_depth == 0 {
        return Ok(0);
    }
    match loop_count(sh, "break", argv) {
        Ok(n) => Err(Flow::Break(n.min(sh.loop_depth))),
        Err(s) => Ok(s),
    }
}

fn continue_b(sh: &mut Shell, argv: &[String]) -> Res {
    if sh.loop_depth == 0 {
        return Ok(0);
    }
    match loop_count(sh, "continue", argv) {
        Ok(n) => Err(Flow::Continue(n.min(sh.loop_depth))),
        Err(s) => Ok(s),
    }
}

/// Set or clear a `set -o` option by name; false if unknown.
pub fn set_option(sh: &mut Shell, name: &str, on: bool) -> bool {
    match name {
        "errexit" | "e" => sh.opts.errexit = on,
        "nounset" | "u" => sh.opts.nounset = on,
        "xtrace" | "x" => sh.opts.xtrace = on,
        "pipefail" => sh.opts.pipefail = on,
        "noglob" | "f" => sh.opts.noglob = on,
        "noexec" | "n" => sh.opts.noexec = on,
        "allexport" | "a" => sh.opts.allexport = on,
        "native" => sh.net.native_only = on,
        "verbose"
        | "v"
        | "hashall"
        | "h"
        | "braceexpand"
        | "B"
        | "posix"
        | "monitor"
        | "m"
        | "notify"
        | "b"
        | "noclobber"
        | "C"
        | "ignoreeof"
        | "interactive-comments"
        | "physical"
        | "P"
        | "emacs"
        | "vi"
        | "histexpand"
        | "H"
        | "history"
        | "errtrace"
        | "E"
        | "functrace"
        | "T"
        | "keyword"
        | "k"
        | "onecmd"
        | "t"
        | "privileged"
        | "p" => {}
        _ => return false,
    }
    true
}

fn set(sh: &mut Shell, argv: &[String]) -> Res {
    let mut i = 1;
    if argv.len() == 1 {
        let mut names: Vec<&String> = sh.vars.keys().collect();
        names.sort();
        let mut s = String::new();
        for n in names {
            s.push_str(&format!("{n}={}\n", xtrace_quote(&sh.vars[n].value)));
        }
        out(&s);
        return Ok(0);
    }
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            sh.positional = argv[i + 1..].to_vec();
            return Ok(0);
        }
        if a == "-" {
            sh.opts.xtrace = false;
            sh.positional = argv[i + 1..].to_vec();
            return Ok(0);
        }
        let (on, flags) = if let Some(f) = a.strip_prefix('-') {
            (true, f)
        } else if let Some(f) = a.strip_prefix('+') {
            (false, f)
        } else {
            sh.positional = argv[i..].to_vec();
            return Ok(0);
        };
        if flags == "o" {
            match argv.get(i + 1) {
                Some(name) => {
                    if !set_option(sh, name, on) {
                        sh.error(&format!("set: {name}: invalid option name"));
                        return Ok(1);
                    }
                    i += 2;
                    continue;
                }
                None => {
                    let o = &sh.opts;
                    let list = [
                        ("allexport", o.allexport),
                        ("errexit", o.errexit),
                        ("noexec", o.noexec),
                        ("noglob", o.noglob),
                        ("nounset", o.nounset),
                        ("pipefail", o.pipefail),
                        ("xtrace", o.xtrace),
                    ];
                    let mut s = String::new();
                    for (n, v) in list {
                        if on {
                            s.push_str(&format!("{n:<15}\t{}\n", if v { "on" } else { "off" }));
                        } else {
                            s.push_str(&format!("set {}o {n}\n", if v { '-' } else { '+' }));
                        }
                    }
                    out(&s);
                    return Ok(0);
                }
            }
        }
        for c in flags.chars() {
            if !set_option(sh, &c.to_string(), on) {
                sh.error(&format!(
                    "set: {}{c}: invalid option",
                    if on { '-' } else { '+' }
                ));
                sh.error(
                    "set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]",
                );
                return Ok(2);
            }
        }
        i += 1;
    }
    Ok(0)
}

fn shift(sh: &mut Shell, argv: &[String]) -> Res {
    let n = match argv.get(1) {
        None => 1,
        Some(s) => match s.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                sh.error(&format!("shift: {s}: numeric argument required"));
                return Ok(1);
            }
        },
    };
    if n > sh.positional.len() {
        return Ok(1);
    }
    sh.positional.drain(..n);
    Ok(0)
}

fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

/// Shared by export/readonly/local: NAME or NAME=VALUE.
fn declare_each(
    sh: &mut Shell,
    cmd: &str,
    args: &[String],
    f: impl Fn(&mut Shell, &str, &mut Var),
) -> i32 {
    let mut status = 0;
    for a in args {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        if !valid_name(name) {
            sh.error(&format!("{cmd}: `{a}': not a valid identifier"));
            status = 1;
            continue;
        }
        if cmd == "local" && !sh.make_local(name) {
            sh.error("local: can only be used in a function");
            return 1;
        }
        if let Some(v) = &value {
            if let Err(e) = sh.set_var(name, v.clone()) {
                sh.error(&e);
                status = 1;
                continue;
            }
        }
        let mut var = sh.vars.remove(name).unwrap_or_default();
        if cmd == "local" && value.is_none() {
            var.value.clear();
        }
        f(sh, name, &mut var);
        sh.vars.insert(name.to_string(), var);
    }
    status
}

fn export(sh: &mut Shell, argv: &[String]) -> Res {
    let mut args = &argv[1..];
    let mut unexport = false;
    while let Some(a) = args.first() {
        match a.as_str() {
            "-n" => unexport = true,
            "-p" | "-f" => {}
            "--" => {
                args = &args[1..];
                break;
            }
            _ => break,
        }
        args = &args[1..];
    }
    if args.is_empty() {
        let mut names: Vec<&String> = sh
            .vars
            .iter()
            .filter(|(_, v)| v.exported)
            .map(|(k, _)| k)
            .collect();
        names.sort();
        let mut s = String::new();
        for n in names {
            s.push_str(&format!(
                "declare -x {n}=\"{}\"\n",
                sh.vars[n].value.replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
        out(&s);
        return Ok(0);
    }
    Ok(declare_each(sh, "export", args, |_, _, v| {
        v.exported = !unexport
    }))
}

fn readonly(sh: &mut Shell, argv: &[String]) -> Res {
    let args: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    Ok(declare_each(sh, "readonly", &args, |_, _, v| {
        v.readonly = true
    }))
}

fn local(sh: &mut Shell, argv: &[String]) -> Res {
    let args: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    if sh.func_depth == 0 {
        sh.error("local: can only be used in a function");
        return Ok(1);
    }
    Ok(declare_each(sh, "local", &args, |_, _, _| {}))
}

fn unset(sh: &mut Shell, argv: &[String]) -> Res {
    let mut funcs = false;
    let mut status = 0;
    for a in &argv[1..] {
        match a.as_str() {
            "-f" => funcs = true,
            "-v" => funcs = false,
            _ => {
                if funcs {
                    sh.functions.remove(a);
                } else if sh.vars.get(a).map(|v| v.readonly).unwrap_or(false) {
                    sh.error(&format!("unset: {a}: cannot unset: readonly variable"));
                    status = 1;
                } else if sh.vars.remove(a).is_none() {
                    sh.functions.remove(a);
                }
                if a == "PATH" {
                    sh.hash.clear();
                }
            }
        }
    }
    Ok(status)
}

fn source(sh: &mut Shell, argv: &[String]) -> Res {
    let Some(file) = argv.get(1) else {
        sh.error(&format!("{}: filename argument required", argv[0]));
        sh.error(&format!(
            "{}: usage: {} filename [arguments]",
            argv[0], argv[0]
        ));
        return Ok(2);
    };
    let path = if file.contains('/') {
        file.clone()
    } else {
        sh.find_in_path(file)
            .filter(|p| std::path::Path::new(p).is_file())
            .unwrap_or_else(|| file.clone())
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            sh.error(&format!("{file}: {}", crate::backend::netns::strerror(&e)));
            return Ok(1);
        }
    };
    let src = crate::span::SourceFile::new(path.clone(), text);
    let list = match crate::syntax::parse_program(&src) {
        Ok(l) => l,
        Err(e) => {
            let _ = FdWriter(2).write_all(format!("{path}: line {}: {e}\n", e.line()).as_bytes());
            return Ok(2);
        }
    };
    let saved_pos = if argv.len() > 2 {
        Some(std::mem::replace(&mut sh.positional, argv[2..].to_vec()))
    } else {
        None
    };
    let saved_arg0_line = sh.line;
    let saved_arg0 = std::mem::replace(&mut sh.arg0, path);
    sh.sourcing += 1;
    let r = sh.run_source(&src, &list);
    sh.sourcing -= 1;
    sh.arg0 = saved_arg0;
    sh.line = saved_arg0_line;
    if let Some(p) = saved_pos {
        sh.positional = p;
    }
    match r {
        Err(Flow::Return(s)) => Ok(s),
        r => r,
    }
}

fn eval(sh: &mut Shell, argv: &[String]) -> Res {
    let text = argv[1..].join(" ");
    if text.trim().is_empty() {
        return Ok(0);
    }
    sh.eval_string(&text, "eval")
}

fn exec(sh: &mut Shell, argv: &[String]) -> Res {
    // `exec` with redirections only: they were applied by the caller and
    // must stay; we signal that by clearing the saved list there.
    if argv.len() == 1 {
        sh.keep_redirects = true;
        return Ok(0);
    }
    let args = &argv[1..];
    let Some(path) = sh.find_in_path(&args[0]) else {
        sh.error(&format!("{}: not found", args[0]));
        return Err(Flow::Exit(127));
    };
    sh.net.barrier(&mut FdWriter(2));
    let s = sh.exec_now(&path, args, &[]);
    Err(Flow::Exit(s))
}

fn command(sh: &mut Shell, argv: &[String]) -> Res {
    let mut args = &argv[1..];
    let mut mode = None;
    while let Some(a) = args.first() {
        match a.as_str() {
            "-v" => mode = Some('v'),
            "-V" => mode = Some('V'),
            "-p" => {}
            "--" => {
                args = &args[1..];
                break;
            }
            _ => break,
        }
        args = &args[1..];
    }
    if args.is_empty() {
        return Ok(0);
    }
    match mode {
        Some(m) => {
            let mut status = 0;
            for n in args {
                match describe(sh, n) {
                    Some((kind, path)) => {
                        if m == 'v' {
                            out(&format!(
                                "{}\n",
                                if kind == "file" { path } else { n.clone() }
                            ));
                        } else {
                            out(&format!("{}\n", type_line(n, kind, &path)));
                        }
                    }
                    None => {
                        if m == 'V' {
                            sh.error(&format!("command: {n}: not found"));
                        }
                        status = 1;
                    }
                }
            }
            Ok(status)
        }
        None => {
            let spans = vec![crate::span::Span::default(); args.len()];
            sh.run_argv(args.to_vec(), spans, Vec::new(), &[], false)
        }
    }
}

/// What a name is: ("keyword"|"function"|"builtin"|"file", path).
fn describe(sh: &mut Shell, n: &str) -> Option<(&'static str, String)> {
    const KEYWORDS: &[&str] = &[
        "if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until", "do", "done",
        "in", "function", "{", "}", "!",
    ];
    if KEYWORDS.contains(&n) {
        return Some(("keyword", String::new()));
    }
    if sh.functions.contains_key(n) {
        return Some(("function", String::new()));
    }
    if lookup(n).is_some() || crate::native::lookup(n).is_some() {
        return Some(("builtin", String::new()));
    }
    sh.find_in_path(n)
        .filter(|p| std::path::Path::new(p).exists())
        .map(|p| ("file", p))
}

fn type_line(n: &str, kind: &str, path: &str) -> String {
    match kind {
        "keyword" => format!("{n} is a shell keyword"),
        "function" => format!("{n} is a function"),
        "builtin" => format!("{n} is a shell builtin"),
        _ => format!("{n} is {path}"),
    }
}

fn type_b(sh: &mut Shell, argv: &[String]) -> Res {
    let mut status = 0;
    let mut terse = false;
    for n in &argv[1..] {
        if n == "-t" {
            terse = true;
            continue;
        }
        match describe(sh, n) {
            Some((kind, path)) => {
                if terse {
                    out(&format!("{kind}\n"));
                } else {
                    out(&format!("{}\n", type_line(n, kind, &path)));
                    if kind == "function" {
                        if let Some(f) = sh.functions.get(n) {
                            out(&format!("{}\n", f.source));
                        }
                    }
                }
            }
            None => {
                if !terse {
                    sh.error(&format!("type: {n}: not found"));
                }
                status = 1;
            }
        }
    }
    Ok(status)
}

fn wait(sh: &mut Shell, argv: &[String]) -> Res {
    if argv.len() == 1 {
        let jobs = std::mem::take(&mut sh.jobs);
        for j in jobs {
            if j.status.is_none() {
                sh.wait_pid(j.pid);
            }
        }
        return Ok(0);
    }
    let mut status = 0;
    for a in &argv[1..] {
        if a == "-n" || a == "-f" {
            continue;
        }
        let Ok(pid) = a.trim_start_matches('%').parse::<i32>() else {
            sh.error(&format!("wait: `{a}': not a pid or valid job spec"));
            status = 2;
            continue;
        };
        match sh.jobs.iter().position(|j| j.pid.as_raw() == pid) {
            Some(i) => {
                let j = sh.jobs.remove(i);
                status = match j.status {
                    Some(s) => s,
                    None => sh.wait_pid(j.pid),
                };
            }
            None => {
                sh.error(&format!("wait: pid {pid} is not a child of this shell"));
                status = 127;
            }
        }
    }
    Ok(status)
}

/// Signal number for a name or number (`TERM`, `SIGTERM`, `15`); 0 = EXIT.
fn signal_number(s: &str) -> Option<i32> {
    if let Ok(n) = s.parse::<i32>() {
        return Some(n);
    }
    let up = s.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    if name == "EXIT" {
        return Some(0);
    }
    format!("SIG{name}")
        .parse::<Signal>()
        .ok()
        .map(|s| s as i32)
}

fn trap(sh: &mut Shell, argv: &[String]) -> Res {
    let args = &argv[1..];
    if args.is_empty() || args[0] == "-p" {
        let mut keys: Vec<&i32> = sh.traps.keys().collect();
        keys.sort();
        let mut s = String::new();
        for k in keys {
            let name = if *k == 0 {
                "EXIT".to_string()
            } else {
                Signal::try_from(*k)
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|_| k.to_string())
            };
            s.push_str(&format!(
                "trap -- {} {name}\n",
                shell_single_quote(&sh.traps[k])
            ));
        }
        out(&s);
        return Ok(0);
    }
    if args[0] == "-l" {
        out(" 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n");
        return Ok(0);
    }
    let (action, sigs) =
        if args.len() == 1 || signal_number(&args[0]).is_some() && args[0].parse::<i32>().is_ok() {
            (None, args)
        } else {
            (Some(args[0].clone()), &args[1..])
        };
    let action = action.filter(|a| a != "-");
    let mut status = 0;
    for s in sigs {
        let Some(n) = signal_number(s) else {
            sh.error(&format!("trap: {s}: invalid signal specification"));
            status = 1;
            continue;
        };
        match &action {
            None => {
                sh.traps.remove(&n);
                if n > 0 {
                    // SAFETY: restoring the default disposition.
                    unsafe {
                        libc::signal(n, libc::SIG_DFL);
                    }
                }
            }
            Some(a) => {
                sh.traps.insert(n, a.clone());
                if n > 0 {
                    if a.is_empty() {
                        // SAFETY: ignoring a signal.
                        unsafe {
                            libc::signal(n, libc::SIG_IGN);
                        }
                    } else {
                        sh.catch_signal(n);
                    }
                } else {
                    // An EXIT trap also runs when INT/TERM/HUP end the shell.
                    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                        if !sh.traps.contains_key(&sig) {
                            sh.catch_signal(sig);
                        }
                    }
                }
            }
        }
    }
    Ok(status)
}

fn shell_single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn kill(sh: &mut Shell, argv: &[String]) -> Res {
    let mut args = &argv[1..];
    let mut sig = Some(Signal::SIGTERM);
    if let Some(a) = args.first() {
        if a == "-l" || a == "-L" {
            out("HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM\n");
            return Ok(0);
        }
        if a == "-s" || a == "-n" {
            let Some(n) = args.get(1) else {
                sh.error(&format!("kill: {a}: option requires an argument"));
                return Ok(2);
            };
            sig = signal_number(n).and_then(|n| {
                if n == 0 {
                    None
                } else {
                    Signal::try_from(n).ok()
                }
            });
            args = &args[2..];
        } else if let Some(s) = a.strip_prefix('-') {
            if s != "-" {
                match signal_number(s) {
                    Some(0) => sig = None,
                    Some(n) => match Signal::try_from(n) {
                        Ok(x) => sig = Some(x),
                        Err(_) => {
                            sh.error(&format!("kill: {s}: invalid signal specification"));
                            return Ok(1);
                        }
                    },
                    None => {
                        sh.error(&format!("kill: {s}: invalid signal specification"));
                        return Ok(1);
                    }
                }
            }
            args = &args[1..];
        }
    }
    if args.is_empty() {
        sh.error("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]");
        return Ok(2);
    }
    let mut status = 0;
    for a in args {
        let target = if let Some(j) = a.strip_prefix('%') {
            let idx: usize = j.parse().unwrap_or(1);
            sh.jobs.get(idx.wrapping_sub(1)).map(|j| j.pid.as_raw())
        } else {
            a.parse::<i32>().ok()
        };
        let Some(pid) = target else {
            sh.error(&format!("kill: {a}: arguments must be process or job IDs"));
            status = 1;
            continue;
        };
        if let Err(e) = nix::sys::signal::kill(Pid::from_raw(pid), sig) {
            sh.error(&format!("kill: ({pid}) - {}", e.desc()));
            status = 1;
        }
    }
    Ok(status)
}

fn jobs(sh: &mut Shell, argv: &[String]) -> Res {
    let pids_only = argv.iter().any(|a| a == "-p");
    let mut s = String::new();
    for (i, j) in sh.jobs.iter().enumerate() {
        if pids_only {
            s.push_str(&format!("{}\n", j.pid));
        } else {
            s.push_str(&format!(
                "[{}]  Running                 {}\n",
                i + 1,
                j.text
            ));
        }
    }
    out(&s);
    Ok(0)
}

fn umask(sh: &mut Shell, argv: &[String]) -> Res {
    use nix::sys::stat::{umask as sys_umask, Mode};
    match argv.get(1) {
        None | Some(_) if argv.len() == 1 => {
            let m = sys_umask(Mode::empty());
            sys_umask(m);
            out(&format!("{:04o}\n", m.bits()));
            Ok(0)
        }
        Some(v) => match u32::from_str_radix(v, 8) {
            Ok(m) => {
                sys_umask(Mode::from_bits_truncate(m));
                Ok(0)
            }
            Err(_) => {
                sh.error(&format!("umask: {v}: octal number out of range"));
                Ok(1)
            }
        },
        None => Ok(0),
    }
}

fn read(sh: &mut Shell, argv: &[String]) -> Res {
    let mut raw = false;
    let mut names = Vec::new();
    let mut prompt = None;
    let mut delim = b'\n';
    let mut i = 1;
    while i < argv.len() {
        match argv[i].as_str() {
            "-r" => raw = true,
            "-p" => {
                prompt = argv.get(i + 1).cloned();
                i += 1;
            }
            "-d" => {
                delim = argv.get(i + 1).and_then(|d| d.bytes().next()).unwrap_or(0);
                i += 1;
            }
            "-s" | "-e" => {}
            a => names.push(a.to_string()),
        }
        i += 1;
    }
    if let Some(p) = prompt {
        if nix::unistd::isatty(unsafe_fd0()).unwrap_or(false) {
            let _ = FdWriter(2).write_all(p.as_bytes());
        }
    }
    if names.is_empty() {
        names.push("REPLY".into());
    }
    // Byte by byte, so that the rest of the input stays for later readers.
    let mut line = Vec::new();
    let mut eof = true;
    let mut r = FdReader(0);
    let mut b = [0u8; 1];
    while let Ok(1) = std::io::Read::read(&mut r, &mut b) {
        {
            {
                if b[0] == delim {
                    eof = false;
                    break;
                }
                if b[0] == b'\\' && !raw {
                    match std::io::Read::read(&mut r, &mut b) {
                        Ok(1) if b[0] == b'\n' => continue,
                        Ok(1) => {
                            line.push(0x01);
                            line.push(b[0]);
                            continue;
                        }
                        _ => break,
                    }
                }
                line.push(b[0]);
            }
        }
    }
    let text = String::from_utf8_lossy(&line).into_owned();
    let ifs = sh.get_var("IFS").unwrap_or_else(|| " \t\n".into());
    let fields = split_read(&text, &ifs, names.len());
    for (k, n) in names.iter().enumerate() {
        let v = fields
            .get(k)
            .cloned()
            .unwrap_or_default()
            .replace('\u{1}', "");
        if let Err(e) = sh.set_var(n, v) {
            sh.error(&e);
            return Ok(1);
        }
    }
    Ok(if eof { 1 } else { 0 })
}

fn unsafe_fd0() -> std::os::fd::BorrowedFd<'static> {
    // SAFETY: descriptor 0 number used only for isatty.
    unsafe { std::os::fd::BorrowedFd::borrow_raw(0) }
}

/// Split a line for `read`: the last name gets the rest of the line.
fn split_read(text: &str, ifs: &str, n: usize) -> Vec<String> {
    let ws: String = ifs.chars().filter(|c| " \t\n".contains(*c)).collect();
    let is_ifs = |c: char, prev_esc: bool| !prev_esc && ifs.contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    // leading IFS whitespace
    while i < chars.len() && ws.contains(chars[i]) {
        i += 1;
    }
    let mut out = Vec::new();
    while i < chars.len() && out.len() + 1 < n {
        let mut field = String::new();
        let mut esc = false;
        while i < chars.len() && !is_ifs(chars[i], esc) {
            esc = chars[i] == '\u{1}';
            field.push(chars[i]);
            i += 1;
        }
        out.push(field);
        // skip the separator: whitespace, at most one non-ws IFS char, whitespace
        while i < chars.len() && ws.contains(chars[i]) {
            i += 1;
        }
        if i < chars.len() && ifs.contains(chars[i]) && !ws.contains(chars[i]) {
            i += 1;
            while i < chars.len() && ws.contains(chars[i]) {
                i += 1;
            }
        }
    }
    if i < chars.len() {
        let mut rest: String = chars[i..].iter().collect();
        // trailing IFS whitespace is removed
        while rest.ends_with(|c: char| ws.contains(c)) && !rest.ends_with("\u{1} ") {
            rest.pop();
        }
        out.push(rest);
    }
    out
}

fn let_b(sh: &mut Shell, argv: &[String]) -> Res {
    if argv.len() < 2 {
        sh.error("let: expression expected");
        return Ok(1);
    }
    let mut v = 0;
    for e in &argv[1..] {
        v = sh.arith(e)?;
    }
    Ok((v == 0) as i32)
}

fn sudo(sh: &mut Shell, argv: &[String]) -> Res {
    let args = &argv[1..];
    if nix::unistd::geteuid().is_root() && !args.is_empty() && !args[0].starts_with('-') {
        let spans = vec![crate::span::Span::default(); args.len()];
        return sh.run_argv(args.to_vec(), spans, Vec::new(), &[], false);
    }
    let spans = vec![crate::span::Span::default(); argv.len()];
    match sh.find_in_path("sudo") {
        Some(_) => {
            let _ = spans;
            sh.run_external(argv, &[], &[])
        }
        None => {
            sh.error("sudo: command not found");
            Ok(127)
        }
    }
}

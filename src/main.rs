//! The `nsh` binary: command line, and the only place that turns errors into
//! exit codes and reports.

use std::io::{IsTerminal, Read, Write};

use nsh::interp::{Flow, Shell};
use nsh::native::{self, Io, NetCtx, Outcome, Word};
use nsh::span::{SourceFile, Span};

const USAGE: &str = "\
Usage: nsh [OPTIONS] [FILE [ARGS...]]
       nsh [OPTIONS] -c COMMANDS [NAME [ARGS...]]

A shell-compatible script interpreter whose ip, iptables, sysctl, ping,
brctl and ip netns exec run natively, in-process, over netlink.

Options:
  -c COMMANDS           run COMMANDS instead of a file
  -n                    parse and check only, run nothing
  -e, -u, -x            as set -e, set -u, set -x
  -o OPTION             as set -o OPTION
  --native              never run the real ip/iptables for forms nsh lacks
  --sandbox             run in a throwaway network + mount namespace
  --install-links DIR   link ip, iptables, sysctl, ... in DIR to nsh
  --version, --help
";

fn main() {
    // Rust ignores SIGPIPE; a shell and the programs it starts must not.
    // SAFETY: restoring a default signal disposition at start-up.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args: Vec<String> = std::env::args().collect();
    let argv0 = args.first().map(String::as_str).unwrap_or("nsh");
    let base = argv0.rsplit('/').next().unwrap_or(argv0);
    // Busybox style: invoked as `ip`, `iptables`, … run that native command.
    if let Some(f) = native::lookup(base) {
        std::process::exit(run_standalone(f, &args[1..]));
    }
    std::process::exit(run_shell(&args));
}

fn run_shell(args: &[String]) -> i32 {
    let mut sh_opts: Vec<(String, bool)> = Vec::new();
    let mut command: Option<String> = None;
    let mut check_only = false;
    let mut sandbox = false;
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--help" | "-h" => {
                print!("{USAGE}");
                return 0;
            }
            "--version" => {
                println!("nsh {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            "--native" => sh_opts.push(("native".into(), true)),
            "--sandbox" => sandbox = true,
            "--install-links" => {
                let Some(dir) = args.get(i + 1) else {
                    eprintln!("nsh: --install-links: a directory is required");
                    return 2;
                };
                return install_links(dir);
            }
            "-c" => {
                let Some(c) = args.get(i + 1) else {
                    eprintln!("nsh: -c: option requires an argument");
                    return 2;
                };
                command = Some(c.clone());
                i += 2;
                break;
            }
            "-o" | "+o" => {
                let Some(o) = args.get(i + 1) else {
                    eprintln!("nsh: {a}: option requires an argument");
                    return 2;
                };
                sh_opts.push((o.clone(), a == "-o"));
                i += 1;
            }
            "--" => {
                i += 1;
                break;
            }
            _ if (a.starts_with('-') || a.starts_with('+'))
                && a.len() > 1
                && !a.starts_with("--") =>
            {
                let on = a.starts_with('-');
                for c in a[1..].chars() {
                    match c {
                        'n' => check_only = on,
                        'c' => {
                            let Some(cmd) = args.get(i + 1) else {
                                eprintln!("nsh: -c: option requires an argument");
                                return 2;
                            };
                            command = Some(cmd.clone());
                            i += 1;
                        }
                        's' | 'i' | 'l' => {}
                        c => sh_opts.push((c.to_string(), on)),
                    }
                }
                if command.is_some() {
                    i += 1;
                    break;
                }
            }
            _ if a.starts_with("--") => {
                eprintln!("nsh: {a}: invalid option");
                eprint!("{USAGE}");
                return 2;
            }
            _ => break,
        }
        i += 1;
    }
    if sandbox {
        if let Err(e) = nsh::backend::netns::enter_sandbox() {
            eprintln!("nsh: --sandbox: {e}");
            return 1;
        }
    }
    let mut sh = Shell::new();
    for (o, on) in &sh_opts {
        if !nsh::interp::set_option(&mut sh, o, *on) {
            eprintln!("nsh: -{o}: invalid option");
            return 2;
        }
    }
    let rest = &args[i.min(args.len())..];
    let (name, text) = if let Some(c) = command {
        sh.arg0 = rest.first().cloned().unwrap_or_else(|| "nsh".into());
        sh.positional = rest.iter().skip(1).cloned().collect();
        ("nsh".to_string(), c)
    } else if let Some(file) = rest.first() {
        sh.arg0 = file.clone();
        sh.positional = rest[1..].to_vec();
        match std::fs::read(file) {
            Ok(b) => (file.clone(), String::from_utf8_lossy(&b).into_owned()),
            Err(e) => {
                eprintln!("nsh: {file}: {}", nsh::backend::netns::strerror(&e));
                return 127;
            }
        }
    } else if std::io::stdin().is_terminal() && !check_only {
        return nsh::repl::run(&mut sh);
    } else {
        sh.arg0 = "nsh".into();
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("nsh: stdin: {e}");
            return 2;
        }
        ("nsh".to_string(), text)
    };
    let src = SourceFile::new(name.clone(), text);
    let list = match nsh::syntax::parse_program(&src) {
        Ok(l) => l,
        Err(e) => {
            report_parse_error(&sh.arg0, &src, &e);
            return 2;
        }
    };
    if check_only {
        return 0;
    }
    let status = match sh.run_source(&src, &list) {
        Ok(s) => s,
        Err(Flow::Exit(s)) | Err(Flow::Return(s)) | Err(Flow::Abort(s)) => s,
        Err(_) => sh.last_status,
    };
    sh.finish(status)
}

/// bash's one-line message, then the located diagnostic.
pub fn report_parse_error(arg0: &str, src: &SourceFile, e: &nsh::syntax::ParseError) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{arg0}: line {}: {e}", e.line());
    if let nsh::syntax::ParseError::Unexpected { line, .. } = e {
        // bash shows the offending line too.
        if let Some(text) = src.text.lines().nth(line.saturating_sub(1)) {
            let _ = writeln!(err, "{arg0}: line {line}: `{text}'");
        }
    }
    let theme = if std::io::stderr().is_terminal() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::none()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    let mut out = String::new();
    if handler.render_report(&mut out, e).is_ok() {
        let _ = write!(err, "{out}");
    }
}

fn install_links(dir: &str) -> i32 {
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("nsh: --install-links: {e}");
            return 1;
        }
    };
    let mut status = 0;
    for name in native::NATIVE_NAMES {
        let link = std::path::Path::new(dir).join(name);
        let _ = std::fs::remove_file(&link);
        if let Err(e) = std::os::unix::fs::symlink(&exe, &link) {
            eprintln!("nsh: {}: {e}", link.display());
            status = 1;
        }
    }
    status
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
        Outcome::ExecIn { netns, argv } => {
            let _ = io.stdout.flush();
            // Standalone `ip netns exec NS CMD…`: a shell of one command.
            let mut sh = Shell::new();
            sh.net.netns = Some(netns);
            let argv: Vec<String> = argv.into_iter().map(|w| w.node).collect();
            if argv.is_empty() {
                0
            } else {
                let spans = vec![Span::default(); argv.len()];
                match sh.run_argv(argv, spans, Vec::new(), &[], false) {
                    Ok(s) => s,
                    Err(Flow::Exit(s)) | Err(Flow::Return(s)) | Err(Flow::Abort(s)) => s,
                    Err(_) => 0,
                }
            }
        }
    };
    let bs = ctx.barrier(io.stderr);
    let _ = io.stdout.flush();
    if status == 0 {
        bs
    } else {
        status
    }
}

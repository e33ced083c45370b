//! The `nsh` binary: command line, and the only place that turns errors into
//! exit codes and reports.

use std::rc::Rc;

use nsh::interp::{Shell, Source};
use nsh::native::{self, Io, NetCtx, Outcome, Word};
use nsh::span::Span;

const USAGE: &str = "\
Usage: nsh [OPTIONS] [FILE [ARGS...]]
       nsh [OPTIONS] -c COMMANDS [NAME [ARGS...]]

A bash-compatible script interpreter whose ip, iptables, sysctl, ping and
`ip netns exec` run natively over netlink.

Options:
  -c COMMANDS          run COMMANDS instead of a file
  -n                   parse only; exit 0 when the script is valid
  -e, -u, -x           as `set -e`, `set -u`, `set -x`
  -o OPTION            as `set -o OPTION`
  --native             refuse forms that are not native (`set -o native`)
  --sandbox            run in a fresh network and mount namespace
  --install-links DIR  symlink ip, iptables, ... in DIR to this binary
  --version            print the version
  --help               print this help
";

fn main() {
    // The Rust runtime ignores SIGPIPE; a shell (and the tools it stands in
    // for) must die of it, and its children must inherit the default.
    // SAFETY: restoring a default disposition before anything else runs.
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
    std::process::exit(run_shell(&args[1..]));
}

fn run_shell(args: &[String]) -> i32 {
    let mut i = 0;
    let mut command: Option<String> = None;
    let mut parse_only = false;
    let mut sets: Vec<(String, bool)> = Vec::new();
    let mut native_only = false;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--version" => {
                println!("nsh {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            "--help" => {
                print!("{USAGE}");
                return 0;
            }
            "--native" => native_only = true,
            "--sandbox" => {
                if let Err(e) = nsh::backend::netns::enter_sandbox() {
                    eprintln!("nsh: --sandbox: {e}");
                    return 1;
                }
            }
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
                sets.push((o.clone(), a == "-o"));
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
                    let name = match c {
                        'e' => "errexit",
                        'u' => "nounset",
                        'x' => "xtrace",
                        'f' => "noglob",
                        'n' => {
                            parse_only = on;
                            continue;
                        }
                        'c' => {
                            let Some(cmd) = args.get(i + 1) else {
                                eprintln!("nsh: -c: option requires an argument");
                                return 2;
                            };
                            command = Some(cmd.clone());
                            i += 1;
                            continue;
                        }
                        _ => {
                            eprintln!("nsh: {a}: invalid option");
                            eprint!("{USAGE}");
                            return 2;
                        }
                    };
                    sets.push((name.to_string(), on));
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
    let rest = &args[i.min(args.len())..];
    let from_c = command.is_some();
    let (arg0, params, text, src_name) = if let Some(c) = command {
        let arg0 = rest.first().cloned().unwrap_or_else(|| "nsh".into());
        let params = rest.get(1..).map(<[String]>::to_vec).unwrap_or_default();
        (arg0.clone(), params, c, arg0)
    } else if let Some(file) = rest.first() {
        match std::fs::read(file) {
            Ok(b) => {
                let t = String::from_utf8(b)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                (file.clone(), rest[1..].to_vec(), t, file.clone())
            }
            Err(e) => {
                eprintln!("nsh: {file}: {}", nsh::interp::proc::strerror(&e));
                return if e.kind() == std::io::ErrorKind::NotFound {
                    127
                } else {
                    126
                };
            }
        }
    } else if nix::unistd::isatty(std::io::stdin()).unwrap_or(false) {
        let mut sh = Shell::new("nsh", Vec::new());
        sh.ctx.native_only = native_only;
        return nsh::repl::run(&mut sh);
    } else {
        let mut t = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut t) {
            eprintln!("nsh: stdin: {e}");
            return 1;
        }
        ("nsh".to_string(), Vec::new(), t, "nsh".to_string())
    };
    if text.len() >= HEAP_RESERVE_MIN_BYTES {
        reserve_heap(text.len().saturating_mul(AST_BYTES_PER_SOURCE_BYTE));
    }
    let list = match nsh::syntax::parse(&text) {
        Ok(l) => l,
        Err(e) => {
            let name = if from_c {
                format!("{src_name}: -c")
            } else {
                src_name.clone()
            };
            report_syntax_error(&name, &text, e);
            return 2;
        }
    };
    if parse_only {
        // `shopt extglob` is off: no line of the text turns it on.
        if let Some(site) = nsh::syntax::extglob_sites().first() {
            let name = if from_c {
                format!("{src_name}: -c")
            } else {
                src_name.clone()
            };
            let e = nsh::syntax::SyntaxError::extglob_off(site.offset, site.message);
            report_syntax_error(&name, &text, e);
            return 2;
        }
        // As below: freeing the AST would only cost time.
        std::mem::forget(list);
        return 0;
    }
    let mut sh = Shell::new(&arg0, params);
    sh.ctx.native_only = native_only;
    sh.command_string = from_c;
    sh.note_text(&text);
    for (o, on) in sets {
        let mut argv = vec![if on { "-o" } else { "+o" }.to_string(), o];
        let st = nsh::interp::builtins::set_args(&mut sh, &mut argv);
        if st != 0 {
            return 2;
        }
    }
    let src = Rc::new(Source::parsed(&src_name, &text));
    let st = sh.run_program(&list, src);
    // The process exits next: freeing the AST would only cost time.
    std::mem::forget(list);
    st
}

/// Scripts at least this long get their AST's memory reserved up front.
const HEAP_RESERVE_MIN_BYTES: usize = 64 * 1024;
/// What the AST of a script takes per byte of its text (about 45-50 for
/// the 10,000-line benchmark script), and an upper bound on the reserve.
const AST_BYTES_PER_SOURCE_BYTE: usize = 48;
const HEAP_RESERVE_MAX_BYTES: usize = 64 << 20;

/// Grow the malloc heap by about `bytes` now, in one step, with its pages
/// faulted in by one `madvise` (huge pages where the kernel allows them),
/// instead of one page fault per 4 KiB while the AST of a long script is
/// built: at ~4 µs a fault, the faults of a 10,000-line script's 15 MiB AST
/// cost more than parsing it. The memory stays with malloc (trimming is
/// kept above the reserve), so the AST's allocations reuse it. Best effort:
/// if the heap does not move, nothing happens.
fn reserve_heap(bytes: usize) {
    let pad = bytes.min(HEAP_RESERVE_MAX_BYTES);
    let Ok(pad_i) = i32::try_from(pad) else {
        return;
    };
    // SAFETY: mallopt/malloc/free/sbrk(0)/madvise on memory malloc owns:
    // the range madvised is the heap's own extension, between the break
    // before and after the allocations.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, pad_i);
        libc::mallopt(libc::M_TRIM_THRESHOLD, pad_i.saturating_mul(2));
        let before = libc::sbrk(0) as usize;
        // Two blocks under the mmap threshold: the second cannot fit in
        // what is left of the heap's top, so malloc extends it (by `pad`).
        // (black_box: the compiler may drop an unused malloc/free pair.)
        let a = std::hint::black_box(libc::malloc(100 << 10));
        let b = std::hint::black_box(libc::malloc(100 << 10));
        let after = libc::sbrk(0) as usize;
        libc::free(b);
        libc::free(a);
        let page = 4096;
        let start = (before + page - 1) & !(page - 1);
        if after > start + page {
            let p = start as *mut libc::c_void;
            let len = after - start;
            libc::madvise(p, len, libc::MADV_HUGEPAGE);
            libc::madvise(p, len, libc::MADV_POPULATE_WRITE);
        }
    }
}

/// bash's one-line message, then the miette rendering with a caret.
fn report_syntax_error(name: &str, text: &str, e: nsh::syntax::SyntaxError) {
    let line = nsh::interp::syntax_error_line(text, &e);
    eprint!("{}", nsh::interp::bash_syntax_lines(name, line, text, &e));
    let name = name.strip_suffix(": -c").unwrap_or(name);
    let tty = nix::unistd::isatty(std::io::stderr()).unwrap_or(false);
    let report =
        miette::Report::new(e).with_source_code(miette::NamedSource::new(name, text.to_string()));
    let handler = if tty {
        miette::GraphicalReportHandler::new()
    } else {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::none())
    };
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_ok() {
        eprint!("{out}");
    }
}

fn install_links(dir: &str) -> i32 {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("nsh: --install-links: {e}");
            return 1;
        }
    };
    let mut st = 0;
    for name in native::NATIVE_NAMES {
        let link = std::path::Path::new(dir).join(name);
        let _ = std::fs::remove_file(&link);
        if let Err(e) = std::os::unix::fs::symlink(&exe, &link) {
            eprintln!("nsh: {}: {e}", link.display());
            st = 1;
        }
    }
    st
}

fn run_standalone(f: native::NativeFn, args: &[String]) -> i32 {
    let words: Vec<Word> = args
        .iter()
        .map(|a| Word::new(a.clone(), Span::default()))
        .collect();
    let mut ctx = NetCtx::new();
    // Invoked as `ip`, `iptables`, …: no command line of nsh's own, so
    // `set -o native` comes from the environment (the tests use it so that
    // a form that would fall back to the real tool fails instead).
    ctx.native_only = std::env::var_os("NSH_NATIVE").is_some_and(|v| v == "1");
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
            // `ip netns exec NS CMD…` as a standalone `ip`: what iproute2
            // does (netns_switch, then execvp in this process).
            let _ = ctx.barrier(io.stderr);
            return exec_in(&netns, &argv);
        }
        Outcome::ExecInEach { each, argv } => {
            let _ = ctx.barrier(io.stderr);
            let _ = std::io::Write::flush(io.stdout);
            for ns in each {
                println!("\nnetns: {}", ns.display_name());
                let _ = std::io::Write::flush(&mut std::io::stdout());
                // SAFETY: single-threaded here; the child only enters the
                // namespace and execs (or exits).
                match unsafe { nix::unistd::fork() } {
                    Ok(nix::unistd::ForkResult::Child) => std::process::exit(exec_in(&ns, &argv)),
                    Ok(nix::unistd::ForkResult::Parent { child }) => {
                        let _ = nix::sys::wait::waitpid(child, None);
                    }
                    Err(e) => {
                        eprintln!("fork: {}", nsh::backend::errno_text(e as i32));
                        return 1;
                    }
                }
            }
            0
        }
    };
    let bs = ctx.barrier(io.stderr);
    let _ = std::io::Write::flush(io.stdout);
    if status == 0 {
        bs
    } else {
        status
    }
}

/// Enter `ns` and exec `argv` (PATH search), iproute2's `ip netns exec`
/// without a shell around it; the status when that fails.
fn exec_in(ns: &nsh::backend::netns::NetnsRef, argv: &[Word]) -> i32 {
    if let Err(e) = nsh::backend::netns::enter_for_exec(ns) {
        eprintln!("{e}");
        return 255;
    }
    let Some(cmd) = argv.first() else { return 1 };
    let args: Vec<std::ffi::CString> = argv
        .iter()
        .filter_map(|w| std::ffi::CString::new(w.node.as_bytes()).ok())
        .collect();
    let Some(prog) = args.first().filter(|_| args.len() == argv.len()) else {
        eprintln!("exec of \"{}\" failed: Invalid argument", cmd.node);
        return 1;
    };
    let err = match nix::unistd::execvp(prog, &args) {
        Err(e) => e,
        Ok(_) => return 0,
    };
    eprintln!(
        "exec of \"{}\" failed: {}",
        cmd.node,
        nsh::backend::errno_text(err as i32)
    );
    1
}

//! `sysctl` argv → [`SysctlCmd`]. Pure: no I/O.
//!
//! procps-ng 4.0.2 `sysctl.c: main` parses its options with glibc
//! `getopt_long("bneNwfp::qoxaAXr:Vdh", longopts)`, which permutes operands
//! behind options, accepts unambiguous prefixes of long options, and prints
//! its own messages. We mirror that parser here rather than a grammar,
//! because the interesting behaviour (permutation, `-pFILE` optional
//! arguments, abbreviations, the exact glibc messages) is getopt's.
//!
//! Some options act during parsing in procps 4.0.2: `--system` loads the
//! system files and returns at once, `-V` prints the version, `-h`, `-d` and
//! any bad option print the usage on stdout and exit 0. Later words are
//! never looked at, so the parser stops there too.

/// Output and error-handling switches of one `sysctl` run (procps globals).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SysctlOpts {
    /// Print `key = value` (cleared by `-n` and `-b`).
    pub print_name: bool,
    /// End values with a newline (cleared by `-b`).
    pub print_newline: bool,
    /// `-e`: ignore unknown keys.
    pub ignore_error: bool,
    /// `-q`: do not echo values that were set.
    pub quiet: bool,
    /// `-N`: print names only.
    pub name_only: bool,
    /// Skip `base_reachable_time` and `retrans_time` in listings (unless
    /// `--deprecated`).
    pub ignore_deprecated: bool,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `-w`: every operand is an assignment.
    pub write_mode: bool,
    /// `-r` / `--pattern`: a POSIX extended regular expression.
    pub pattern: Option<String>,
}

impl Default for SysctlOpts {
    fn default() -> Self {
        SysctlOpts {
            print_name: true,
            print_newline: true,
            ignore_error: false,
            quiet: false,
            name_only: false,
            ignore_deprecated: true,
            dry_run: false,
            write_mode: false,
            pattern: None,
        }
    }
}

/// What one `sysctl` invocation asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SysctlCmd {
    /// Print the usage text, after getopt's `error` if any: on stdout with
    /// status 0 (`-h`, bad options), on stderr with status 1 (no arguments).
    Usage {
        error: Option<String>,
        to_stdout: bool,
    },
    /// Equivalent to `sysctl -V`.
    Version,
    /// A usage error procps reports with `errx` (status 1).
    Fail(String),
    /// Equivalent to `sysctl -a [-r PATTERN]`.
    DisplayAll(SysctlOpts),
    /// Equivalent to `sysctl -p [FILE…]`: the files (globs) to load.
    Load {
        opts: SysctlOpts,
        files: Vec<String>,
    },
    /// Equivalent to `sysctl --system`.
    System(SysctlOpts),
    /// Equivalent to `sysctl [-w] KEY[=VALUE]…`: read or write each operand.
    Keys { opts: SysctlOpts, args: Vec<String> },
}

/// The default file of `sysctl -p` (procps `DEFAULT_PRELOAD`).
pub const DEFAULT_PRELOAD: &str = "/etc/sysctl.conf";

#[derive(Clone, Copy, PartialEq, Eq)]
enum HasArg {
    No,
    Required,
    Optional,
}

/// procps `longopts`, in its order (glibc lists ambiguous candidates in
/// this order).
const LONG_OPTS: &[(&str, HasArg, Opt)] = &[
    ("all", HasArg::No, Opt::Short('a')),
    ("deprecated", HasArg::No, Opt::Deprecated),
    ("dry-run", HasArg::No, Opt::DryRun),
    ("binary", HasArg::No, Opt::Short('b')),
    ("ignore", HasArg::No, Opt::Short('e')),
    ("names", HasArg::No, Opt::Short('N')),
    ("values", HasArg::No, Opt::Short('n')),
    ("load", HasArg::Optional, Opt::Short('p')),
    ("quiet", HasArg::No, Opt::Short('q')),
    ("write", HasArg::No, Opt::Short('w')),
    ("system", HasArg::No, Opt::System),
    ("pattern", HasArg::Required, Opt::Short('r')),
    ("help", HasArg::No, Opt::Short('h')),
    ("version", HasArg::No, Opt::Short('V')),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opt {
    Short(char),
    Deprecated,
    DryRun,
    System,
}

/// The short options procps passes to getopt: the argument kind of `c`.
fn short_opt(c: char) -> Option<HasArg> {
    match c {
        'p' => Some(HasArg::Optional),
        'r' => Some(HasArg::Required),
        'b' | 'n' | 'e' | 'N' | 'w' | 'f' | 'q' | 'o' | 'x' | 'a' | 'A' | 'X' | 'V' | 'd' | 'h' => {
            Some(HasArg::No)
        }
        _ => None,
    }
}

fn usage_error(msg: String) -> SysctlCmd {
    SysctlCmd::Usage {
        error: Some(msg),
        to_stdout: true,
    }
}

/// Parse `sysctl`'s arguments (without the command name).
pub fn parse(args: &[&str]) -> SysctlCmd {
    if args.is_empty() {
        return SysctlCmd::Usage {
            error: None,
            to_stdout: false,
        };
    }
    let mut opts = SysctlOpts::default();
    let mut display_all = false;
    let mut preload = false;
    let mut preload_file: Option<String> = None;
    let mut operands: Vec<String> = Vec::new();

    // Apply one option; Some(cmd) ends the parse (procps returns/exits).
    let mut apply = |opt: Opt, arg: Option<String>, opts: &mut SysctlOpts| -> Option<SysctlCmd> {
        match opt {
            Opt::Short('b') => {
                opts.print_newline = false;
                opts.print_name = false;
            }
            Opt::Short('n') => opts.print_name = false,
            Opt::Short('e') => opts.ignore_error = true,
            Opt::Short('N') => opts.name_only = true,
            Opt::Short('w') => opts.write_mode = true,
            Opt::Short('f') | Opt::Short('p') => {
                preload = true;
                if arg.is_some() {
                    preload_file = arg;
                }
            }
            Opt::Short('q') => opts.quiet = true,
            Opt::Short('a') | Opt::Short('A') | Opt::Short('X') => display_all = true,
            Opt::Deprecated => opts.ignore_deprecated = false,
            Opt::DryRun => opts.dry_run = true,
            Opt::System => {
                opts.ignore_error = true;
                return Some(SysctlCmd::System(opts.clone()));
            }
            Opt::Short('r') => opts.pattern = arg,
            Opt::Short('V') => return Some(SysctlCmd::Version),
            Opt::Short('d') | Opt::Short('h') => {
                return Some(SysctlCmd::Usage {
                    error: None,
                    to_stdout: true,
                })
            }
            // 'o', 'x': "does nothing".
            Opt::Short(_) => {}
        }
        None
    };

    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if a == "--" {
            operands.extend(args[i..].iter().map(|s| s.to_string()));
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let exact = LONG_OPTS.iter().find(|(n, _, _)| *n == name);
            let found = match exact {
                Some(o) => o,
                None => {
                    let cands: Vec<_> = LONG_OPTS
                        .iter()
                        .filter(|(n, _, _)| n.starts_with(name))
                        .collect();
                    match cands.len() {
                        0 => return usage_error(format!("unrecognized option '{a}'")),
                        1 => cands[0],
                        _ => {
                            let list: Vec<String> =
                                cands.iter().map(|(n, _, _)| format!(" '--{n}'")).collect();
                            return usage_error(format!(
                                "option '{a}' is ambiguous; possibilities:{}",
                                list.concat()
                            ));
                        }
                    }
                }
            };
            let (lname, has, opt) = *found;
            let arg = match (has, inline) {
                (HasArg::No, Some(_)) => {
                    return usage_error(format!("option '--{lname}' doesn't allow an argument"))
                }
                (HasArg::No, None) => None,
                (HasArg::Optional, v) => v,
                (HasArg::Required, Some(v)) => Some(v),
                (HasArg::Required, None) => {
                    if i < args.len() {
                        i += 1;
                        Some(args[i - 1].to_string())
                    } else {
                        return usage_error(format!("option '--{lname}' requires an argument"));
                    }
                }
            };
            if let Some(cmd) = apply(opt, arg, &mut opts) {
                return cmd;
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let Some(has) = short_opt(c) else {
                    return usage_error(format!("invalid option -- '{c}'"));
                };
                let rest: String = chars[j..].iter().collect();
                let arg = match has {
                    HasArg::No => None,
                    HasArg::Optional => {
                        j = chars.len();
                        (!rest.is_empty()).then_some(rest)
                    }
                    HasArg::Required => {
                        j = chars.len();
                        if !rest.is_empty() {
                            Some(rest)
                        } else if i < args.len() {
                            i += 1;
                            Some(args[i - 1].to_string())
                        } else {
                            return usage_error(format!("option requires an argument -- '{c}'"));
                        }
                    }
                };
                if let Some(cmd) = apply(Opt::Short(c), arg, &mut opts) {
                    return cmd;
                }
            }
            continue;
        }
        operands.push(a.to_string());
    }

    if display_all {
        return SysctlCmd::DisplayAll(opts);
    }
    if preload {
        let mut files = Vec::new();
        match preload_file {
            Some(f) => files.push(f),
            None if operands.is_empty() => files.push(DEFAULT_PRELOAD.to_string()),
            None => {}
        }
        files.extend(operands);
        return SysctlCmd::Load { opts, files };
    }
    let tail = "Try `sysctl --help' for more information.";
    if operands.is_empty() {
        return SysctlCmd::Fail(format!("no variables specified\n{tail}"));
    }
    if opts.name_only && opts.quiet {
        return SysctlCmd::Fail(format!("options -N and -q cannot coexist\n{tail}"));
    }
    SysctlCmd::Keys {
        opts,
        args: operands,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_and_read_operands_are_permuted_behind_options() {
        let cmd = parse(&["net.ipv4.ip_forward=1", "-q", "x"]);
        let SysctlCmd::Keys { opts, args } = cmd else {
            panic!("{cmd:?}")
        };
        assert!(opts.quiet);
        assert_eq!(args, ["net.ipv4.ip_forward=1", "x"]);
    }

    #[test]
    fn load_with_attached_file_and_operands() {
        assert_eq!(
            parse(&["-p/a", "b"]),
            SysctlCmd::Load {
                opts: SysctlOpts::default(),
                files: vec!["/a".into(), "b".into()]
            }
        );
        assert_eq!(
            parse(&["-p"]),
            SysctlCmd::Load {
                opts: SysctlOpts::default(),
                files: vec![DEFAULT_PRELOAD.into()]
            }
        );
    }

    #[test]
    fn getopt_messages() {
        let err = |a: &[&str]| match parse(a) {
            SysctlCmd::Usage { error, .. } => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(err(&["-Z"]).as_deref(), Some("invalid option -- 'Z'"));
        assert_eq!(
            err(&["--d"]).as_deref(),
            Some("option '--d' is ambiguous; possibilities: '--deprecated' '--dry-run'")
        );
        assert_eq!(
            err(&["--all=x"]).as_deref(),
            Some("option '--all' doesn't allow an argument")
        );
        assert_eq!(
            err(&["-r"]).as_deref(),
            Some("option requires an argument -- 'r'")
        );
    }

    #[test]
    fn pattern_abbreviated_long_option() {
        let SysctlCmd::DisplayAll(o) = parse(&["--pat=x", "-a"]) else {
            panic!()
        };
        assert_eq!(o.pattern.as_deref(), Some("x"));
    }
}

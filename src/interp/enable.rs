//! `enable`: list the builtins, or turn them off (`-n`: a command of the
//! same name then runs) and on again.

use super::builtins::{invalid_option, is_builtin, option_letters};
use super::compgen::builtins;
use super::{proc, Shell};

/// POSIX's special builtins, as `enable -s` lists them.
const SPECIAL: &[&str] = &[
    ".", ":", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set",
    "shift", "source", "times", "trap", "unset",
];

const ENABLE_USAGE: &str = "enable: usage: enable [-a] [-dnps] [-f filename] [name ...]\n";

/// `enable [-a] [-dnps] [-f FILE] [NAME…]`: list builtins, or turn them
/// off (`-n`, so that a command of the same name runs) and on again.
pub fn builtin(sh: &mut Shell, args: &[String]) -> i32 {
    let (mut all, mut off, mut special, mut delete) = (false, false, false, false);
    let (letters, i) = option_letters(args);
    for (c, next) in letters {
        match c {
            'a' => all = true,
            'n' => off = true,
            's' => special = true,
            'p' => {}
            'd' => delete = true,
            'f' => {
                let Some(file) = args.get(next) else {
                    sh.error("enable: -f: option requires an argument");
                    proc::write_fd(2, ENABLE_USAGE.as_bytes());
                    return 2;
                };
                if std::path::Path::new(file).exists() {
                    sh.error("enable: -f: loadable builtins are not supported by nsh");
                } else {
                    sh.error(&format!(
                        "enable: cannot open shared object {file}: {file}: cannot open shared object file: No such file or directory"
                    ));
                }
                return 1;
            }
            _ => return invalid_option(sh, "enable", c, ENABLE_USAGE),
        }
    }
    let names = &args[i..];
    if names.is_empty() {
        let mut out = String::new();
        for b in builtins() {
            let disabled = sh.is_disabled(&b);
            if (special && !SPECIAL.contains(&b.as_str())) || (!all && disabled != off) {
                continue;
            }
            let flag = if disabled { "-n " } else { "" };
            out.push_str(&format!("enable {flag}{b}\n"));
        }
        proc::write_fd(1, out.as_bytes());
        return 0;
    }
    let mut st = 0;
    for n in names {
        if !is_builtin(n) {
            sh.error(&format!("enable: {n}: not a shell builtin"));
            st = 1;
        } else if delete {
            sh.error(&format!("enable: {n}: not dynamically loaded"));
            st = 1;
        } else if off {
            if !sh.is_disabled(n) {
                sh.disabled_builtins.push(n.clone());
            }
        } else {
            sh.disabled_builtins.retain(|b| b != n);
        }
    }
    st
}

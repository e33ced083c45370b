//! Prompt strings (`${X@P}`): bash's backslash escapes (`\u`, `\h`, `\w`,
//! `\$`, times …), then the expansions of a double-quoted string.

use std::sync::atomic::{AtomicBool, Ordering};

use super::Shell;

/// The shell has looked up its user (bash's `current_user`).
static USER_KNOWN: AtomicBool = AtomicBool::new(false);

/// The version `\v` and `\V` show: the bash nsh follows.
const VERSION: &str = "5.2";
const RELEASE: &str = "5.2.15";

/// `${X@P}` of `text`.
pub fn expand(sh: &mut Shell, text: &str) -> String {
    let decoded = decode(sh, text);
    expand_as_dq(sh, &decoded)
}

/// bash's `decode_prompt_string`: the escapes replaced. The values it puts
/// in (a directory, a user name) are protected from the expansions that
/// follow.
fn decode(sh: &Shell, text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let literal = |s: &str| protect(s);
        match e {
            'a' => out.push('\x07'),
            'e' => out.push('\x1b'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            '\\' => out.push_str("\\\\"),
            // (Readline's invisible-text markers: nothing here.)
            '[' | ']' => {}
            // `#` for root, but bash 5.2 knows who it runs as only once
            // it has looked up the user (for `\u`, not under `-c`).
            '$' if USER_KNOWN.load(Ordering::Relaxed) && nix::unistd::geteuid().is_root() => {
                out.push('#')
            }
            '$' => out.push_str("\\$"),
            'u' => {
                if !sh.command_string {
                    USER_KNOWN.store(true, Ordering::Relaxed);
                }
                out.push_str(&literal(&user_name()))
            }
            'h' | 'H' => {
                let h = host_name();
                let h = if e == 'h' {
                    h.split('.').next().unwrap_or("").to_string()
                } else {
                    h
                };
                out.push_str(&literal(&h));
            }
            'w' | 'W' => out.push_str(&literal(&work_dir(sh, e == 'W'))),
            's' => {
                // The shell's name (bash's `shell_name`), not the script's.
                let arg0 = std::env::args().next().unwrap_or_default();
                let base = arg0.rsplit('/').next().unwrap_or("").to_string();
                out.push_str(&literal(&base));
            }
            'v' => out.push_str(VERSION),
            'V' => out.push_str(RELEASE),
            'j' => out.push_str(&sh.jobs.len().to_string()),
            'l' => out.push_str(&literal(&tty_base())),
            '!' | '#' => out.push('1'),
            'd' => out.push_str(&strftime("%a %b %d")),
            't' => out.push_str(&strftime("%H:%M:%S")),
            'T' => out.push_str(&strftime("%I:%M:%S")),
            '@' => out.push_str(&strftime("%I:%M %p")),
            'A' => out.push_str(&strftime("%H:%M")),
            'D' if chars.peek() == Some(&'{') => {
                chars.next();
                let mut fmt = String::new();
                for f in chars.by_ref() {
                    if f == '}' {
                        break;
                    }
                    fmt.push(f);
                }
                let fmt = if fmt.is_empty() {
                    "%X".to_string()
                } else {
                    fmt
                };
                out.push_str(&literal(&strftime(&fmt)));
            }
            '0'..='7' => {
                // Up to three octal digits.
                let mut n = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                if let Some(ch) = char::from_u32(n & 0xff) {
                    out.push(ch);
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

/// A value put into the prompt: `\`, `$`, `` ` `` and `"` escaped, so that
/// the double-quote expansion leaves it as it is.
fn protect(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '$' | '`' | '"') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// The decoded prompt expanded as the inside of `"…"`.
fn expand_as_dq(sh: &mut Shell, text: &str) -> String {
    if !text.contains(['$', '`', '\\']) {
        return text.to_string();
    }
    let mut quoted = String::with_capacity(text.len() + 8);
    quoted.push_str(": \"");
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => {
                quoted.push('\\');
                if let Some(n) = chars.next() {
                    quoted.push(n);
                }
            }
            c => quoted.push(c),
        }
    }
    quoted.push_str("\"\n");
    let Ok(list) = crate::syntax::parse(&quoted) else {
        return text.to_string();
    };
    let word = list
        .items
        .first()
        .and_then(|it| match &it.and_or.first.cmds[0].kind {
            crate::ast::CommandKind::Simple(s) if s.words.len() == 2 => Some(s.words[1].clone()),
            _ => None,
        });
    match word {
        Some(w) => super::expand::expand_single(sh, &w).unwrap_or_default(),
        None => text.to_string(),
    }
}

fn user_name() -> String {
    nix::unistd::User::from_uid(nix::unistd::geteuid())
        .ok()
        .flatten()
        .map(|u| u.name)
        .unwrap_or_default()
}

fn host_name() -> String {
    nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `\w` (`$PWD` with `$HOME` as `~`) or `\W` (its last part).
fn work_dir(sh: &Shell, base: bool) -> String {
    let pwd = sh.get_var("PWD").unwrap_or("").to_string();
    let home = sh.get_var("HOME").unwrap_or("").to_string();
    let tilde = !home.is_empty()
        && (pwd == home || pwd.starts_with(&format!("{}/", home.trim_end_matches('/'))));
    if base {
        if tilde && pwd == home {
            return "~".into();
        }
        if pwd == "/" {
            return pwd;
        }
        return pwd.rsplit('/').next().unwrap_or("").to_string();
    }
    if tilde {
        format!("~{}", &pwd[home.len()..])
    } else {
        pwd
    }
}

/// `\l`: the terminal's device name without `/dev/`, `tty` when there is
/// none.
fn tty_base() -> String {
    nix::unistd::ttyname(std::io::stdin())
        .ok()
        .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "tty".into())
}

/// The local time through strftime(3).
fn strftime(fmt: &str) -> String {
    let Ok(cfmt) = std::ffi::CString::new(fmt) else {
        return String::new();
    };
    let mut buf = [0u8; 256];
    // SAFETY: time/localtime_r fill the zeroed tm they are given; strftime
    // writes at most buf.len() bytes into buf.
    let n = unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&t, &mut tm);
        libc::strftime(buf.as_mut_ptr().cast(), buf.len(), cfmt.as_ptr(), &tm)
    };
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

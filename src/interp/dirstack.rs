//! The directory stack: `pushd`, `popd`, `dirs` (bash's pushd.def).
//!
//! As in bash, the stack is kept bottom first; the current directory is
//! entry 0 and is not stored: `dirs +N` (N ≥ 1) is `stack[len - N]`.
//! bash's `DIRSTACK` array is not provided (nsh has no arrays).

use super::proc::write_fd;
use super::Shell;

const PUSHD_USAGE: &str = "pushd: usage: pushd [-n] [+N | -N | dir]\n";
const POPD_USAGE: &str = "popd: usage: popd [-n] [+N | -N]\n";
const DIRS_USAGE: &str = "dirs: usage: dirs [-clpv] [+N] [-N]\n";

/// The current directory as bash's `get_working_directory` has it.
fn cwd(sh: &Shell) -> String {
    match sh.get_var("PWD") {
        Some(p) if p.starts_with('/') => p.to_string(),
        _ => std::env::current_dir()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// bash's `polite_directory_format`: `$HOME` at the start becomes `~`.
fn polite(sh: &Shell, dir: &str) -> String {
    if let Some(home) = sh.get_var("HOME") {
        if home.len() > 1 {
            if let Some(rest) = dir.strip_prefix(home) {
                if rest.is_empty() || rest.starts_with('/') {
                    return format!("~{rest}");
                }
            }
        }
    }
    dir.to_string()
}

/// An integer `+N` / `-N` argument (bash's `legal_number`).
fn number(s: &str) -> Option<i64> {
    let t = s.trim_matches(|c: char| c == ' ' || c == '\t');
    if t.is_empty() {
        return None;
    }
    t.parse::<i64>().ok()
}

fn invalid_number(sh: &Shell, name: &str, arg: &str, usage: &str) -> i32 {
    sh.error(&format!("{name}: {arg}: invalid number"));
    write_fd(2, usage.as_bytes());
    2
}

fn invalid_option(sh: &Shell, name: &str, arg: &str, usage: &str) -> i32 {
    sh.error(&format!("{name}: {arg}: invalid option"));
    write_fd(2, usage.as_bytes());
    2
}

/// bash's `pushd_error`.
fn stack_error(sh: &Shell, name: &str, arg: &str) -> i32 {
    if sh.dirstack.is_empty() {
        sh.error(&format!("{name}: directory stack empty"));
    } else {
        sh.error(&format!(
            "{name}: {arg}: directory stack index out of range"
        ));
    }
    1
}

/// `cd` on behalf of `name`, then the stack printed (bash's
/// `change_to_temp`).
fn change_to(sh: &mut Shell, name: &str, dir: &str) -> i32 {
    let st = super::builtins::cd_as(sh, name, &["--".to_string(), dir.to_string()]);
    if st == 0 {
        print_stack(sh);
    }
    st
}

fn print_stack(sh: &Shell) {
    dirs(sh, &[]);
}

pub fn pushd(sh: &mut Shell, args: &[String]) -> i32 {
    let mut i = 0;
    let mut skipopt = false;
    if args.first().is_some_and(|a| a == "--") {
        i = 1;
        skipopt = true;
    }
    if i == args.len() {
        let Some(top) = sh.dirstack.pop() else {
            sh.error("pushd: no other directory");
            return 1;
        };
        let cur = cwd(sh);
        sh.dirstack.push(cur);
        return change_to(sh, "pushd", &top);
    }
    let mut nocd = false;
    let mut rotate: Option<usize> = None;
    while !skipopt && i < args.len() {
        let a = args[i].as_str();
        if a == "-n" {
            nocd = true;
        } else if a == "--" {
            i += 1;
            break;
        } else if a == "-" {
            break;
        } else if a.starts_with('+') || a.starts_with('-') {
            let Some(n) = number(&a[1..]) else {
                return invalid_number(sh, "pushd", a, PUSHD_USAGE);
            };
            let len = sh.dirstack.len() as i64;
            let n = if a.starts_with('-') { len - n } else { n };
            if n > len || n < 0 {
                return stack_error(sh, "pushd", a);
            }
            rotate = Some(n as usize);
        } else {
            break;
        }
        i += 1;
    }
    if let Some(n) = rotate {
        let mut temp = cwd(sh);
        for _ in 0..n {
            let top = sh.dirstack.pop().unwrap_or_default();
            sh.dirstack.insert(0, temp);
            temp = top;
        }
        return if nocd {
            0
        } else {
            change_to(sh, "pushd", &temp)
        };
    }
    if i == args.len() {
        return 0;
    }
    let cur = cwd(sh);
    if nocd {
        sh.dirstack.push(args[i].clone());
        print_stack(sh);
        return 0;
    }
    let cd_args = if skipopt { args } else { &args[i..] };
    if super::builtins::cd_as(sh, "pushd", cd_args) != 0 {
        return 1;
    }
    sh.dirstack.push(cur);
    print_stack(sh);
    0
}

pub fn popd(sh: &mut Shell, args: &[String]) -> i32 {
    let mut nocd = false;
    let mut which: i64 = 0;
    let mut direction = '+';
    let mut which_word = String::new();
    for a in args {
        if a == "-n" {
            nocd = true;
        } else if a == "--" {
            break;
        } else if a.starts_with('+') || a.starts_with('-') {
            direction = if a.starts_with('+') { '+' } else { '-' };
            let Some(n) = number(&a[1..]) else {
                return invalid_number(sh, "popd", a, POPD_USAGE);
            };
            which = n;
            which_word = a.clone();
        } else if !a.is_empty() {
            sh.error(&format!("popd: {a}: invalid argument"));
            write_fd(2, POPD_USAGE.as_bytes());
            return 2;
        } else {
            // bash's popd took the empty word's first byte (NUL) as the
            // direction: the bottom entry is removed.
            direction = '\0';
            break;
        }
    }
    let len = sh.dirstack.len() as i64;
    if which > len || which < -len || (len == 0 && which == 0) {
        return stack_error(sh, "popd", &which_word);
    }
    if (direction == '+' && which == 0) || (direction == '-' && which == len) {
        if !nocd {
            let top = sh.dirstack[sh.dirstack.len() - 1].clone();
            let st = super::builtins::cd_as(sh, "popd", &["--".to_string(), top]);
            if st != 0 {
                return st;
            }
        }
        sh.dirstack.pop();
    } else {
        let k = if direction == '+' { len - which } else { which };
        if k < 0 || k >= len {
            return stack_error(sh, "popd", &which_word);
        }
        sh.dirstack.remove(k as usize);
    }
    print_stack(sh);
    0
}

pub fn dirs(sh: &Shell, args: &[String]) -> i32 {
    let (mut long, mut clear, mut vflag) = (false, false, 0u8);
    // (index flag: 1 the current directory, 2 a stack entry; the entry)
    let mut index: Option<(u8, i64)> = None;
    let mut w = String::new();
    for a in args {
        match a.as_str() {
            "-l" => long = true,
            "-c" => clear = true,
            "-v" => vflag |= 2,
            "-p" => vflag |= 1,
            "--" => break,
            _ if a.starts_with('+') || a.starts_with('-') => {
                w = a[1..].to_string();
                let Some(n) = number(&w) else {
                    return invalid_number(sh, "dirs", a, DIRS_USAGE);
                };
                let len = sh.dirstack.len() as i64;
                let plus = a.starts_with('+');
                index = Some(if n == 0 && plus {
                    (1, 0)
                } else if n == len {
                    (if plus { 2 } else { 1 }, 0)
                } else if (0..=len).contains(&n) {
                    (if plus { 1 } else { 2 }, if plus { len - n } else { n })
                } else {
                    (if plus { 1 } else { 2 }, -1)
                });
            }
            _ => return invalid_option(sh, "dirs", a, DIRS_USAGE),
        }
    }
    if clear {
        return -1;
    }
    let len = sh.dirstack.len() as i64;
    let fmt = |d: &str| if long { d.to_string() } else { polite(sh, d) };
    if let Some((_, k)) = index {
        if k < 0 || k > len {
            return stack_error(sh, "dirs", &w);
        }
    }
    let mut s = String::new();
    match index {
        Some((1, 0)) | None => {
            let cur = fmt(&cwd(sh));
            if vflag & 2 != 0 {
                s.push_str(&format!("{:2}  {cur}", 0));
            } else {
                s.push_str(&cur);
            }
            if index.is_none() {
                for i in 1..=sh.dirstack.len() {
                    let d = fmt(&sh.dirstack[sh.dirstack.len() - i]);
                    if vflag & 2 != 0 {
                        s.push_str(&format!("\n{i:2}  {d}"));
                    } else {
                        s.push_str(if vflag & 1 != 0 { "\n" } else { " " });
                        s.push_str(&d);
                    }
                }
            }
        }
        Some((_, k)) => {
            let d = fmt(&sh.dirstack[k as usize]);
            if vflag & 2 != 0 {
                s.push_str(&format!("{:2}  {d}", len - k));
            } else {
                s.push_str(&d);
            }
        }
    }
    s.push('\n');
    write_fd(1, s.as_bytes());
    0
}

/// The `dirs` builtin (`-c` empties the stack).
pub fn dirs_builtin(sh: &mut Shell, args: &[String]) -> i32 {
    match dirs(sh, args) {
        -1 => {
            sh.dirstack.clear();
            0
        }
        st => st,
    }
}

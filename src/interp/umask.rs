//! `umask [-p] [-S] [MODE]`: octal and symbolic (`u=rwx,g=rx,o=`) masks,
//! as bash's umask builtin reads and prints them.

use super::builtins::{invalid_option, option_letters};
use super::{proc, Shell};

const USAGE: &str = "umask: usage: umask [-p] [-S] [mode]\n";

/// The process's file mode creation mask.
fn current() -> u32 {
    // SAFETY: umask(2) cannot fail; the mask is read and put back.
    unsafe {
        let m = libc::umask(0);
        libc::umask(m);
        m as u32
    }
}

fn set(mask: u32) {
    // SAFETY: as above.
    unsafe {
        libc::umask((mask & 0o777) as libc::mode_t);
    }
}

pub fn builtin(sh: &mut Shell, args: &[String]) -> i32 {
    let (mut symbolic, mut reusable) = (false, false);
    let (letters, i) = option_letters(args);
    for (c, _) in letters {
        match c {
            'S' => symbolic = true,
            'p' => reusable = true,
            _ => return invalid_option(sh, "umask", c, USAGE),
        }
    }
    if let Some(mode) = args.get(i) {
        let mask = if mode.starts_with(|c: char| c.is_ascii_digit()) {
            match u32::from_str_radix(mode, 8) {
                Ok(m) if m <= 0o777 => m,
                _ => {
                    sh.error(&format!("umask: {mode}: octal number out of range"));
                    return 1;
                }
            }
        } else {
            match symbolic_mask(mode, current()) {
                Ok(m) => m,
                Err(msg) => {
                    sh.error(&format!("umask: {msg}"));
                    return 1;
                }
            }
        };
        set(mask);
        if !symbolic {
            return 0;
        }
    }
    let mask = current();
    let shown = if symbolic {
        symbolic_text(mask)
    } else {
        format!("{mask:04o}")
    };
    let line = match (reusable, symbolic) {
        (true, true) => format!("umask -S {shown}\n"),
        (true, false) => format!("umask {shown}\n"),
        _ => format!("{shown}\n"),
    };
    proc::write_fd(1, line.as_bytes());
    0
}

/// The permissions a mask leaves, as `u=rwx,g=rx,o=rx`.
fn symbolic_text(mask: u32) -> String {
    let bits = !mask & 0o777;
    let class = |shift: u32| {
        let b = (bits >> shift) & 7;
        let mut s = String::new();
        for (bit, c) in [(4, 'r'), (2, 'w'), (1, 'x')] {
            if b & bit != 0 {
                s.push(c);
            }
        }
        s
    };
    format!("u={},g={},o={}", class(6), class(3), class(0))
}

/// bash's `symbolic_umask`: clauses `[ugoa]*[+-=][rwx]*` separated by
/// commas, applied to the permissions the mask `old` leaves.
fn symbolic_mask(mode: &str, old: u32) -> Result<u32, String> {
    let mut bits = !old & 0o777;
    let mut s = mode.chars().peekable();
    while s.peek().is_some() {
        let mut who = 0;
        while let Some(&c) = s.peek() {
            who |= match c {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                'a' => 0o777,
                _ => break,
            };
            s.next();
        }
        let op = s.next().unwrap_or('\0');
        if !matches!(op, '+' | '-' | '=') {
            return Err(format!("`{op}': invalid symbolic mode operator"));
        }
        let mut perm = 0;
        while let Some(&c) = s.peek() {
            perm |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                _ => break,
            };
            s.next();
        }
        match s.peek() {
            None | Some(',') => {}
            Some(&c) => return Err(format!("`{c}': invalid symbolic mode character")),
        }
        if who != 0 {
            perm &= who;
        }
        match op {
            '+' => bits |= perm,
            '-' => bits &= !perm,
            _ => {
                let who = if who == 0 { 0o777 } else { who };
                bits = (bits & !who) | perm;
            }
        }
        if s.peek() == Some(&',') {
            s.next();
        }
    }
    Ok(!bits & 0o777)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbolic_modes_change_the_permissions_left() {
        assert_eq!(symbolic_mask("u=rwx,g=rx,o=", 0o022), Ok(0o027));
        assert_eq!(symbolic_mask("a+w", 0o027), Ok(0o005));
        assert_eq!(symbolic_mask("g-w,o-rwx", 0o022), Ok(0o027));
        assert!(symbolic_mask("x=r", 0).is_err());
        assert_eq!(symbolic_text(0o022), "u=rwx,g=rx,o=rx");
        assert_eq!(symbolic_text(0o077), "u=rwx,g=,o=");
    }
}

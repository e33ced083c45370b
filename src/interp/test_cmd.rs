//! The `test` / `[` builtin, after bash 5.2's `test.c`: the POSIX rules by
//! argument count, then a recursive `-o` / `-a` / `!` / `( )` parser, with
//! bash's messages.

use std::os::unix::fs::{FileTypeExt, MetadataExt};

/// Run `test ARGS` (`name` "test") or `[ ARGS ]` (`name` "["). Returns the
/// status (0 true, 1 false, 2 error) and an error text without the
/// `FILE: line N: ` prefix.
pub fn run(name: &str, args: &[String]) -> (i32, Option<String>) {
    let env_set = |op: &str, v: &str| op == "-v" && std::env::var_os(v).is_some();
    run_with(name, args, &env_set, &|_: &str| false)
}

/// [`run`] with the shell's state for `-v NAME` and `-R NAME`
/// (`var_test(op, NAME)`: is the variable set? a name reference?) and `-o OPT` (`opt_set`: is the `set -o` option on?).
pub fn run_with(
    name: &str,
    args: &[String],
    var_test: &dyn Fn(&str, &str) -> bool,
    opt_set: &dyn Fn(&str) -> bool,
) -> (i32, Option<String>) {
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    if name == "[" {
        if args.last() != Some(&"]") {
            return (2, Some(format!("{name}: missing `]'")));
        }
        args.pop();
    }
    let mut t = T {
        args: &args,
        pos: 0,
        bracket: name == "[",
        var_test,
        opt_set,
    };
    if args.is_empty() {
        return (1, None);
    }
    let r = t.posixtest().and_then(|v| {
        if t.pos != args.len() {
            let a = args[t.pos];
            if a.starts_with('-') {
                return Err(format!("syntax error: `{a}' unexpected"));
            }
            return Err("too many arguments".to_string());
        }
        Ok(v)
    });
    match r {
        Ok(b) => (i32::from(!b), None),
        Err(m) => (2, Some(format!("{name}: {m}"))),
    }
}

struct T<'a> {
    args: &'a [&'a str],
    pos: usize,
    /// `[`: bash still sees the `]` just past the last argument.
    bracket: bool,
    var_test: &'a dyn Fn(&str, &str) -> bool,
    opt_set: &'a dyn Fn(&str) -> bool,
}

type R<T> = Result<T, String>;

/// bash's `test_unop`: `-a` … `-z`, `-G -L -O -S -N -R`.
pub fn test_unop(op: &str) -> bool {
    let b = op.as_bytes();
    if b.len() != 2 || b[0] != b'-' {
        return false;
    }
    b"abcdefghknoprstuvwxzGLOSNR".contains(&b[1])
}

/// bash's `test_binop` (`=~` is `[[`'s own).
pub fn test_binop(op: &str) -> bool {
    matches!(
        op,
        "=" | "<"
            | ">"
            | "=="
            | "!="
            | "-nt"
            | "-ot"
            | "-lt"
            | "-gt"
            | "-eq"
            | "-ef"
            | "-ne"
            | "-ge"
            | "-le"
    )
}

/// bash's `legal_number`: a decimal integer with optional surrounding
/// whitespace, in range.
pub(crate) fn legal_number(s: &str) -> Option<i64> {
    let ws = [' ', '\t', '\n', '\r', '\x0b', '\x0c'];
    let t = s.trim_matches(ws);
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.strip_prefix('+').unwrap_or(t).parse::<i64>().ok()
}

fn one_arg(s: &str) -> bool {
    !s.is_empty()
}

impl<'a> T<'a> {
    fn argc(&self) -> usize {
        self.args.len()
    }

    fn arg(&self, i: usize) -> &'a str {
        self.args.get(i).copied().unwrap_or("")
    }

    fn beyond() -> String {
        "argument expected".to_string()
    }

    fn advance(&mut self, check: bool) -> R<()> {
        if check && self.pos + 1 >= self.argc() {
            return Err(Self::beyond());
        }
        self.pos += 1;
        Ok(())
    }

    fn posixtest(&mut self) -> R<bool> {
        match self.argc() {
            0 => {
                self.pos = self.argc();
                Ok(false)
            }
            1 => {
                self.pos = 1;
                Ok(one_arg(self.arg(0)))
            }
            2 => {
                let v = self.two_arguments()?;
                self.pos = self.argc();
                Ok(v)
            }
            3 => self.three_arguments(),
            4 => {
                if self.arg(0) == "!" {
                    self.advance(true)?;
                    return Ok(!self.three_arguments()?);
                }
                if self.arg(0) == "(" && self.arg(3) == ")" {
                    self.advance(true)?;
                    let v = self.two_arguments()?;
                    self.pos = self.argc();
                    return Ok(v);
                }
                self.expr()
            }
            _ => self.expr(),
        }
    }

    fn two_arguments(&mut self) -> R<bool> {
        let a = self.arg(self.pos);
        if a == "!" {
            return Ok(self.arg(self.pos + 1).is_empty());
        }
        let b = a.as_bytes();
        if b.len() == 2 && b[0] == b'-' && test_unop(a) {
            return self.unary_operator();
        }
        Err(format!("{a}: unary operator expected"))
    }

    fn three_arguments(&mut self) -> R<bool> {
        let p = self.pos;
        let v;
        if test_binop(self.arg(p + 1)) {
            v = self.binary_operator()?;
            self.pos = self.argc();
        } else if matches!(self.arg(p + 1), "-a" | "-o") {
            let (l, r) = (one_arg(self.arg(p)), one_arg(self.arg(p + 2)));
            v = if self.arg(p + 1) == "-a" {
                l && r
            } else {
                l || r
            };
            self.pos = self.argc();
        } else if self.arg(p) == "!" {
            self.advance(true)?;
            v = !self.two_arguments()?;
            self.pos = self.argc();
        } else if self.arg(p) == "(" && self.arg(p + 2).starts_with(')') {
            v = one_arg(self.arg(p + 1));
            self.pos = self.argc();
        } else {
            return Err(format!("{}: binary operator expected", self.arg(p + 1)));
        }
        Ok(v)
    }

    fn expr(&mut self) -> R<bool> {
        if self.pos >= self.argc() {
            return Err(Self::beyond());
        }
        self.or()
    }

    fn or(&mut self) -> R<bool> {
        let v = self.and()?;
        if self.pos < self.argc() && self.arg(self.pos) == "-o" {
            self.advance(false)?;
            let v2 = self.or()?;
            return Ok(v || v2);
        }
        Ok(v)
    }

    fn and(&mut self) -> R<bool> {
        let v = self.term()?;
        if self.pos < self.argc() && self.arg(self.pos) == "-a" {
            self.advance(false)?;
            let v2 = self.and()?;
            return Ok(v && v2);
        }
        Ok(v)
    }

    fn term(&mut self) -> R<bool> {
        if self.pos >= self.argc() {
            return Err(Self::beyond());
        }
        if self.arg(self.pos) == "!" {
            let mut neg = false;
            while self.pos < self.argc() && self.arg(self.pos) == "!" {
                self.advance(true)?;
                neg = !neg;
            }
            let v = self.term()?;
            return Ok(if neg { !v } else { v });
        }
        if self.arg(self.pos) == "(" {
            self.advance(true)?;
            let v = self.expr()?;
            if self.pos >= self.argc() {
                if self.bracket {
                    return Err("`)' expected, found ]".to_string());
                }
                return Err("`)' expected".to_string());
            }
            if self.arg(self.pos) != ")" {
                return Err(format!("`)' expected, found {}", self.arg(self.pos)));
            }
            self.advance(false)?;
            return Ok(v);
        }
        if self.pos + 3 <= self.argc() && test_binop(self.arg(self.pos + 1)) {
            return self.binary_operator();
        }
        if self.pos + 2 <= self.argc() && test_unop(self.arg(self.pos)) {
            return self.unary_operator();
        }
        let v = !self.arg(self.pos).is_empty();
        self.advance(false)?;
        Ok(v)
    }

    fn binary_operator(&mut self) -> R<bool> {
        let a = self.arg(self.pos);
        let w = self.arg(self.pos + 1);
        let b = self.arg(self.pos + 2);
        let v = match w {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a.as_bytes() < b.as_bytes(),
            ">" => a.as_bytes() > b.as_bytes(),
            _ if test_binop(w) => binary_test(w, a, b)?,
            _ => return Err(format!("{w}: binary operator expected")),
        };
        self.pos += 3;
        Ok(v)
    }

    fn unary_operator(&mut self) -> R<bool> {
        let op = self.arg(self.pos);
        if !test_unop(op) {
            return Ok(false);
        }
        if op == "-t" {
            self.advance(false)?;
            if self.pos < self.argc() {
                return match legal_number(self.arg(self.pos)) {
                    Some(fd) => {
                        self.advance(false)?;
                        Ok(isatty(fd))
                    }
                    None => Ok(false),
                };
            }
            return Ok(isatty(1));
        }
        self.advance(true)?;
        self.pos += 1;
        let x = self.arg(self.pos - 1);
        Ok(match op {
            "-v" | "-R" => (self.var_test)(op, x),
            "-o" => (self.opt_set)(x),
            _ => unary_test(op, x),
        })
    }
}

fn isatty(fd: i64) -> bool {
    if fd != fd as i32 as i64 {
        return false;
    }
    // SAFETY: isatty only inspects the descriptor number.
    unsafe { libc::isatty(fd as i32) == 1 }
}

fn eaccess(path: &str, mode: i32) -> bool {
    let Ok(c) = std::ffi::CString::new(path) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; eaccess only reads it.
    unsafe { libc::eaccess(c.as_ptr(), mode) == 0 }
}

/// A unary file or string test (`-e -f -d -r -w -x -s -L -n -z` …);
/// `-v` and `-o` need the shell's state (see [`run_with`]).
pub fn unary_test(op: &str, x: &str) -> bool {
    let meta = || std::fs::metadata(x).ok();
    let mode = || meta().map(|m| m.mode());
    match op {
        "-a" | "-e" => meta().is_some(),
        "-r" => eaccess(x, libc::R_OK),
        "-w" => eaccess(x, libc::W_OK),
        "-x" => eaccess(x, libc::X_OK),
        "-O" => meta().is_some_and(|m| m.uid() == nix::unistd::geteuid().as_raw()),
        "-G" => meta().is_some_and(|m| m.gid() == nix::unistd::getegid().as_raw()),
        "-N" => meta().is_some_and(|m| (m.mtime(), m.mtime_nsec()) > (m.atime(), m.atime_nsec())),
        "-f" => mode().is_some_and(|m| {
            let fmt = m & libc::S_IFMT;
            fmt == libc::S_IFREG || fmt == 0
        }),
        "-d" => meta().is_some_and(|m| m.is_dir()),
        "-s" => meta().is_some_and(|m| m.len() > 0),
        "-S" => meta().is_some_and(|m| m.file_type().is_socket()),
        "-c" => meta().is_some_and(|m| m.file_type().is_char_device()),
        "-b" => meta().is_some_and(|m| m.file_type().is_block_device()),
        "-p" => meta().is_some_and(|m| m.file_type().is_fifo()),
        "-L" | "-h" => {
            !x.is_empty() && std::fs::symlink_metadata(x).is_ok_and(|m| m.file_type().is_symlink())
        }
        "-u" => mode().is_some_and(|m| m & libc::S_ISUID != 0),
        "-g" => mode().is_some_and(|m| m & libc::S_ISGID != 0),
        "-k" => mode().is_some_and(|m| m & libc::S_ISVTX != 0),
        "-t" => legal_number(x).is_some_and(isatty),
        "-n" => !x.is_empty(),
        "-z" => x.is_empty(),
        // -v, -R and -o are answered by the caller's state (run_with).
        _ => false,
    }
}

/// `-nt -ot -ef` and the integer comparisons of `test`.
pub fn binary_test(op: &str, a: &str, b: &str) -> R<bool> {
    let int = |s: &str| legal_number(s).ok_or_else(|| format!("{s}: integer expression expected"));
    Ok(match op {
        "-nt" | "-ot" | "-ef" => {
            let m1 = std::fs::metadata(a).ok();
            let m2 = std::fs::metadata(b).ok();
            let t = |m: &std::fs::Metadata| (m.mtime(), m.mtime_nsec());
            match op {
                "-nt" => match (&m1, &m2) {
                    (Some(_), None) => true,
                    (Some(x), Some(y)) => t(x) > t(y),
                    _ => false,
                },
                "-ot" => match (&m1, &m2) {
                    (None, Some(_)) => true,
                    (Some(x), Some(y)) => t(x) < t(y),
                    _ => false,
                },
                _ => match (&m1, &m2) {
                    (Some(x), Some(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
                    _ => false,
                },
            }
        }
        _ => {
            let l = int(a)?;
            let r = int(b)?;
            match op {
                "-eq" => l == r,
                "-ne" => l != r,
                "-lt" => l < r,
                "-gt" => l > r,
                "-le" => l <= r,
                _ => l >= r,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    fn t(args: &[&str]) -> (i32, Option<String>) {
        let v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        run("[", &v)
    }
    #[test]
    fn basics() {
        assert_eq!(t(&["a", "=", "a", "]"]).0, 0);
        assert_eq!(t(&["-z", "", "]"]).0, 0);
        assert_eq!(t(&["1", "-lt", "2", "]"]).0, 0);
        assert_eq!(
            t(&["x", "-lt", "2", "]"]),
            (2, Some("[: x: integer expression expected".into()))
        );
        assert_eq!(t(&["a"]), (2, Some("[: missing `]'".into())));
        assert_eq!(t(&["!", "-n", "", "]"]).0, 0);
        assert_eq!(t(&["-n", "a", "-a", "-z", "", "]"]).0, 0);
        assert_eq!(
            t(&["a", "b", "c", "]"]),
            (2, Some("[: b: binary operator expected".into()))
        );
        assert_eq!(legal_number(" 12 "), Some(12));
        assert_eq!(legal_number("0x1"), None);
    }
}

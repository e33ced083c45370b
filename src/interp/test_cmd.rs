//! The `test` / `[` builtin, with bash's argument-count rules and wording.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

/// Run `test ARGS` (`name` "test") or `[ ARGS ]` (`name` "["). Returns the
/// status (0 true, 1 false, 2 error) and an error text without the
/// `FILE: line N: ` prefix.
pub fn run(name: &str, args: &[String]) -> (i32, Option<String>) {
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    if name == "[" {
        if args.last() != Some(&"]") {
            return (2, Some("[: missing `]'".to_string()));
        }
        args.pop();
    }
    let mut t = T {
        args: &args,
        pos: 0,
        name,
    };
    match t.eval_top() {
        Ok(b) => ((!b) as i32, None),
        Err(m) => (2, Some(format!("{name}: {m}"))),
    }
}

struct T<'a> {
    args: &'a [&'a str],
    pos: usize,
    name: &'a str,
}

type R<T> = Result<T, String>;

fn is_unary(op: &str) -> bool {
    matches!(
        op,
        "-a" | "-b"
            | "-c"
            | "-d"
            | "-e"
            | "-f"
            | "-g"
            | "-h"
            | "-k"
            | "-L"
            | "-n"
            | "-N"
            | "-O"
            | "-G"
            | "-p"
            | "-r"
            | "-s"
            | "-S"
            | "-t"
            | "-u"
            | "-w"
            | "-x"
            | "-z"
            | "-o"
            | "-v"
    )
}

fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "=="
            | "!="
            | "<"
            | ">"
            | "-eq"
            | "-ne"
            | "-lt"
            | "-le"
            | "-gt"
            | "-ge"
            | "-nt"
            | "-ot"
            | "-ef"
    )
}

impl<'a> T<'a> {
    fn eval_top(&mut self) -> R<bool> {
        let n = self.args.len();
        let a = self.args;
        // POSIX rules by argument count.
        match n {
            0 => return Ok(false),
            1 => return Ok(!a[0].is_empty()),
            2 => {
                if a[0] == "!" {
                    return Ok(a[1].is_empty());
                }
                if is_unary(a[0]) {
                    return self.unary(a[0], a[1]);
                }
                return Err(format!("{}: unary operator expected", a[0]));
            }
            3 => {
                if is_binary(a[1]) {
                    return self.binary(a[0], a[1], a[2]);
                }
                if a[1] == "-a" || a[1] == "-o" {
                    let l = !a[0].is_empty();
                    let r = !a[2].is_empty();
                    return Ok(if a[1] == "-a" { l && r } else { l || r });
                }
                if a[0] == "!" {
                    let mut sub = T {
                        args: &a[1..],
                        pos: 0,
                        name: self.name,
                    };
                    return Ok(!sub.eval_top()?);
                }
                if a[0] == "(" && a[2] == ")" {
                    return Ok(!a[1].is_empty());
                }
                return Err(format!("{}: binary operator expected", a[1]));
            }
            4 if a[0] == "!" => {
                let mut sub = T {
                    args: &a[1..],
                    pos: 0,
                    name: self.name,
                };
                return Ok(!sub.eval_top()?);
            }
            _ => {}
        }
        let v = self.or()?;
        if self.pos < self.args.len() {
            return Err("too many arguments".to_string());
        }
        Ok(v)
    }

    fn peek(&self) -> Option<&'a str> {
        self.args.get(self.pos).copied()
    }

    fn or(&mut self) -> R<bool> {
        let mut v = self.and()?;
        while self.peek() == Some("-o") {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> R<bool> {
        let mut v = self.not()?;
        while self.peek() == Some("-a") {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> R<bool> {
        if self.peek() == Some("!") {
            self.pos += 1;
            return Ok(!self.not()?);
        }
        self.primary()
    }

    fn primary(&mut self) -> R<bool> {
        let Some(a) = self.peek() else {
            return Err("argument expected".to_string());
        };
        if a == "(" {
            self.pos += 1;
            let v = self.or()?;
            if self.peek() != Some(")") {
                return Err("`)' expected".to_string());
            }
            self.pos += 1;
            return Ok(v);
        }
        if let Some(op) = self.args.get(self.pos + 1) {
            if is_binary(op) {
                let rhs = self
                    .args
                    .get(self.pos + 2)
                    .ok_or_else(|| "argument expected".to_string())?;
                self.pos += 3;
                return self.binary(a, op, rhs);
            }
        }
        if is_unary(a) && self.pos + 1 < self.args.len() {
            let operand = self.args[self.pos + 1];
            self.pos += 2;
            return self.unary(a, operand);
        }
        self.pos += 1;
        Ok(!a.is_empty())
    }

    fn unary(&self, op: &str, x: &str) -> R<bool> {
        let meta = || std::fs::metadata(x);
        let lmeta = || std::fs::symlink_metadata(x);
        let access = |mode: i32| -> bool {
            let Ok(c) = std::ffi::CString::new(x) else {
                return false;
            };
            // SAFETY: a valid NUL-terminated path.
            unsafe { libc::access(c.as_ptr(), mode) == 0 }
        };
        Ok(match op {
            "-z" => x.is_empty(),
            "-n" => !x.is_empty(),
            "-e" | "-a" => meta().is_ok(),
            "-f" => meta().map(|m| m.is_file()).unwrap_or(false),
            "-d" => meta().map(|m| m.is_dir()).unwrap_or(false),
            "-h" | "-L" => lmeta().map(|m| m.file_type().is_symlink()).unwrap_or(false),
            "-p" => meta().map(|m| m.file_type().is_fifo()).unwrap_or(false),
            "-S" => meta().map(|m| m.file_type().is_socket()).unwrap_or(false),
            "-b" => meta()
                .map(|m| m.file_type().is_block_device())
                .unwrap_or(false),
            "-c" => meta()
                .map(|m| m.file_type().is_char_device())
                .unwrap_or(false),
            "-s" => meta().map(|m| m.len() > 0).unwrap_or(false),
            "-r" => access(libc::R_OK),
            "-w" => access(libc::W_OK),
            "-x" => access(libc::X_OK),
            "-u" => meta()
                .map(|m| m.permissions().mode() & 0o4000 != 0)
                .unwrap_or(false),
            "-g" => meta()
                .map(|m| m.permissions().mode() & 0o2000 != 0)
                .unwrap_or(false),
            "-k" => meta()
                .map(|m| m.permissions().mode() & 0o1000 != 0)
                .unwrap_or(false),
            "-O" => meta()
                .map(|m| m.uid() == nix::unistd::geteuid().as_raw())
                .unwrap_or(false),
            "-G" => meta()
                .map(|m| m.gid() == nix::unistd::getegid().as_raw())
                .unwrap_or(false),
            "-N" => meta().map(|m| m.mtime() > m.atime()).unwrap_or(false),
            "-t" => {
                let fd: i32 = x
                    .trim()
                    .parse()
                    .map_err(|_| format!("{x}: integer expression expected"))?;
                nix::unistd::isatty(unsafe_fd(fd)).unwrap_or(false)
            }
            "-v" => std::env::var_os(x).is_some(),
            "-o" => false,
            _ => return Err(format!("{op}: unary operator expected")),
        })
    }

    fn binary(&self, a: &str, op: &str, b: &str) -> R<bool> {
        let int = |s: &str| -> R<i64> {
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("{s}: integer expression expected"))
        };
        Ok(match op {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "-eq" => int(a)? == int(b)?,
            "-ne" => int(a)? != int(b)?,
            "-lt" => int(a)? < int(b)?,
            "-le" => int(a)? <= int(b)?,
            "-gt" => int(a)? > int(b)?,
            "-ge" => int(a)? >= int(b)?,
            "-nt" | "-ot" | "-ef" => {
                let ma = std::fs::metadata(a).ok();
                let mb = std::fs::metadata(b).ok();
                match op {
                    "-nt" => match (ma, mb) {
                        (Some(x), Some(y)) => x.mtime() > y.mtime(),
                        (Some(_), None) => true,
                        _ => false,
                    },
                    "-ot" => match (ma, mb) {
                        (Some(x), Some(y)) => x.mtime() < y.mtime(),
                        (None, Some(_)) => true,
                        _ => false,
                    },
                    _ => match (ma, mb) {
                        (Some(x), Some(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
                        _ => false,
                    },
                }
            }
            _ => return Err(format!("{op}: binary operator expected")),
        })
    }
}

fn unsafe_fd(fd: i32) -> std::os::fd::BorrowedFd<'static> {
    // SAFETY: only used for isatty, which tolerates any descriptor number.
    unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) }
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
    }
}

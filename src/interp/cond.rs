//! `[[ … ]]`, after bash 5.2's `execute_cond_node`: operands are expanded
//! without word splitting or globbing, `&&` and `||` short-circuit, the
//! right side of `==` / `!=` is a pattern and that of `=~` an extended
//! regular expression (POSIX `regcomp`/`regexec`, as bash), in both of
//! which quoted characters match themselves. Status 0 true, 1 false, 2 for
//! a regular expression that does not compile. `set -x` shows each test as
//! it is made. nsh has no arrays, so `=~` does not set `BASH_REMATCH`.

use super::{builtins, expand, pattern, test_cmd, Ctl, Shell};
use crate::ast::CondExpr;

/// Run `[[ e ]]`: its status.
pub fn run(sh: &mut Shell, e: &CondExpr) -> Result<i32, Ctl> {
    eval(sh, e)
}

fn eval(sh: &mut Shell, e: &CondExpr) -> Result<i32, Ctl> {
    match e {
        // bash inverts a node's result: 2 (a bad regex) becomes true too.
        CondExpr::Not(inner) => Ok(i32::from(node(sh, inner, true)? == 0)),
        _ => node(sh, e, false),
    }
}

/// bash prints an empty operand as `''` in the trace.
fn shown(s: &str) -> &str {
    if s.is_empty() {
        "''"
    } else {
        s
    }
}

fn node(sh: &mut Shell, e: &CondExpr, invert: bool) -> Result<i32, Ctl> {
    let bang = if invert { "! " } else { "" };
    match e {
        // The parser folds `! !`; a `Not` here is evaluated on its own.
        CondExpr::Not(_) => eval(sh, e),
        CondExpr::Group(x) => eval(sh, x),
        CondExpr::And(a, b) => {
            let r = eval(sh, a)?;
            if r == 0 {
                eval(sh, b)
            } else {
                Ok(r)
            }
        }
        CondExpr::Or(a, b) => {
            let r = eval(sh, a)?;
            if r != 0 {
                eval(sh, b)
            } else {
                Ok(r)
            }
        }
        CondExpr::Unary(op, w) => {
            let arg = expand::expand_single(sh, w)?;
            if sh.opts.xtrace {
                builtins::xtrace(sh, &format!("[[ {bang}{op} {} ]]", shown(&arg)));
            }
            let v = match op.as_str() {
                "-v" => expand::lookup(sh, &arg).is_some(),
                "-o" => option_set(sh, &arg),
                _ => test_cmd::unary_test(op, &arg),
            };
            Ok(i32::from(!v))
        }
        CondExpr::Binary(op, a, b) => {
            let l = expand::expand_single(sh, a)?;
            let r = match op.as_str() {
                "==" | "=" | "!=" => expand::expand_cond_pattern(sh, b)?,
                "=~" => expand::expand_regex(sh, b)?,
                _ => expand::expand_single(sh, b)?,
            };
            if sh.opts.xtrace {
                builtins::xtrace(sh, &format!("[[ {bang}{} {op} {} ]]", shown(&l), shown(&r)));
            }
            let v = match op.as_str() {
                "==" | "=" => pattern::fnmatch_case(&r, &l, sh.shopts.nocasematch),
                "!=" => !pattern::fnmatch_case(&r, &l, sh.shopts.nocasematch),
                "=~" => return Ok(regex_match(&l, &r, sh.shopts.nocasematch)),
                "<" => l.as_bytes() < r.as_bytes(),
                ">" => l.as_bytes() > r.as_bytes(),
                "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                    // Both sides are arithmetic expressions; an error is
                    // reported and makes the test false.
                    let Some(x) = expand::arith_eval_cmd(sh, &l, "[[") else {
                        return Ok(1);
                    };
                    let Some(y) = expand::arith_eval_cmd(sh, &r, "[[") else {
                        return Ok(1);
                    };
                    match op.as_str() {
                        "-eq" => x == y,
                        "-ne" => x != y,
                        "-lt" => x < y,
                        "-le" => x <= y,
                        "-gt" => x > y,
                        _ => x >= y,
                    }
                }
                // -nt -ot -ef
                _ => test_cmd::binary_test(op, &l, &r).unwrap_or(false),
            };
            Ok(i32::from(!v))
        }
    }
}

/// `[[ -o NAME ]]`: is the `set -o` option on?
fn option_set(sh: &Shell, name: &str) -> bool {
    let o = sh.opts;
    match name {
        "errexit" => o.errexit,
        "nounset" => o.nounset,
        "xtrace" => o.xtrace,
        "pipefail" => o.pipefail,
        "noglob" => o.noglob,
        "noclobber" => o.noclobber,
        "noexec" => o.noexec,
        "braceexpand" | "hashall" | "interactive-comments" => true,
        _ => false,
    }
}

/// bash's `sh_regmatch` without the match array: 0 when `re` matches
/// somewhere in `s`, 1 when not, 2 when `re` does not compile.
fn regex_match(s: &str, re: &str, icase: bool) -> i32 {
    let (Ok(cs), Ok(cre)) = (std::ffi::CString::new(s), std::ffi::CString::new(re)) else {
        return 2;
    };
    let mut rx = std::mem::MaybeUninit::<libc::regex_t>::uninit();
    // SAFETY: `rx` is writable storage for a regex_t and `cre` a valid
    // NUL-terminated string; regcomp initialises `rx` when it returns 0.
    let rc = unsafe {
        libc::regcomp(
            rx.as_mut_ptr(),
            cre.as_ptr(),
            libc::REG_EXTENDED | libc::REG_NOSUB | if icase { libc::REG_ICASE } else { 0 },
        )
    };
    if rc != 0 {
        return 2;
    }
    // SAFETY: `rx` was initialised by the successful regcomp above and is
    // freed exactly once; with REG_NOSUB no match array is written.
    unsafe {
        let m = libc::regexec(rx.as_ptr(), cs.as_ptr(), 0, std::ptr::null_mut(), 0);
        libc::regfree(rx.as_mut_ptr());
        i32::from(m != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::regex_match;

    #[test]
    fn posix_extended_regular_expressions() {
        assert_eq!(regex_match("abc", "^a(b|x)c$", false), 0);
        assert_eq!(regex_match("abc", "a\\.c", false), 1);
        assert_eq!(regex_match("x1", "[[:digit:]]", false), 0);
        assert_eq!(regex_match("abc", "(", false), 2);
        assert_eq!(regex_match("l1\nl2", "l1$", false), 1);
    }
}

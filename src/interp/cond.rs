//! `[[ … ]]`, after bash 5.2's `execute_cond_node`: operands are expanded
//! without word splitting or globbing, `&&` and `||` short-circuit, the
//! right side of `==` / `!=` is a pattern and that of `=~` an extended
//! regular expression (POSIX `regcomp`/`regexec`, as bash), in both of
//! which quoted characters match themselves. Status 0 true, 1 false, 2 for
//! a regular expression that does not compile. `set -x` shows each test as
//! it is made. `=~` sets `BASH_REMATCH` (the match and its groups).

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
                "-v" => super::arrays::var_is_set(sh, &arg),
                "-R" => sh.is_nameref(&arg),
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
                // bash 5.2 matches extended patterns here whatever
                // `shopt extglob` says.
                "==" | "=" => {
                    pattern::with_extglob(|| pattern::fnmatch_case(&r, &l, sh.shopts.nocasematch))
                }
                "!=" => {
                    !pattern::with_extglob(|| pattern::fnmatch_case(&r, &l, sh.shopts.nocasematch))
                }
                "=~" => {
                    let (st, groups) = regex_match_groups(&l, &r, sh.shopts.nocasematch);
                    if st != 2 {
                        let e = groups
                            .into_iter()
                            .enumerate()
                            .map(|(i, g)| (i as i64, g))
                            .collect();
                        let _ = sh.set_array("BASH_REMATCH", e);
                    }
                    return Ok(st);
                }
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

/// `regex_match_groups`'s status alone.
#[cfg(test)]
fn regex_match(s: &str, re: &str, icase: bool) -> i32 {
    regex_match_groups(s, re, icase).0
}

/// The number of groups of an extended regular expression (glibc's
/// `re_nsub`, which the libc crate does not expose): the `(` outside
/// bracket expressions and not escaped.
fn count_groups(re: &str) -> usize {
    let b = re.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'(' => n += 1,
            b'[' => {
                // `[]…]`, `[^]…]`: a leading `]` is literal.
                i += 1;
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                while i < b.len() && b[i] != b']' {
                    if b[i] == b'[' && matches!(b.get(i + 1), Some(b':' | b'.' | b'=')) {
                        let close = b[i + 1];
                        i += 2;
                        while i + 1 < b.len() && !(b[i] == close && b[i + 1] == b']') {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// bash's `sh_regmatch`: the status (0 match, 1 none, 2 bad expression)
/// and, on a match, the matched text and each group's (empty if unset).
fn regex_match_groups(s: &str, re: &str, icase: bool) -> (i32, Vec<String>) {
    let (Ok(cs), Ok(cre)) = (std::ffi::CString::new(s), std::ffi::CString::new(re)) else {
        return (2, Vec::new());
    };
    let mut rx = std::mem::MaybeUninit::<libc::regex_t>::uninit();
    // SAFETY: `rx` is writable storage for a regex_t and `cre` a valid
    // NUL-terminated string; regcomp initialises `rx` when it returns 0.
    let rc = unsafe {
        libc::regcomp(
            rx.as_mut_ptr(),
            cre.as_ptr(),
            libc::REG_EXTENDED | if icase { libc::REG_ICASE } else { 0 },
        )
    };
    if rc != 0 {
        return (2, Vec::new());
    }
    // SAFETY: `rx` was initialised by the successful regcomp above and is
    // freed exactly once; `m` has room for `re_nsub + 1` matches.
    unsafe {
        let n = count_groups(re) + 1;
        let mut m = vec![
            libc::regmatch_t {
                rm_so: -1,
                rm_eo: -1
            };
            n
        ];
        let r = libc::regexec(rx.as_ptr(), cs.as_ptr(), n, m.as_mut_ptr(), 0);
        libc::regfree(rx.as_mut_ptr());
        if r != 0 {
            return (1, Vec::new());
        }
        let b = s.as_bytes();
        let groups = m
            .iter()
            .map(|g| {
                if g.rm_so < 0 {
                    String::new()
                } else {
                    String::from_utf8_lossy(&b[g.rm_so as usize..g.rm_eo as usize]).into_owned()
                }
            })
            .collect();
        (0, groups)
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

//! Placeholders for the helper modules being written in parallel
//! (arith, pattern, test_cmd, printf). Removed when they land.
#![allow(dead_code)]

pub mod arith {
    pub trait ArithVars {
        fn get_var(&self, name: &str) -> Option<String>;
        fn set_var(&mut self, name: &str, value: String) -> Result<(), String>;
    }
    #[derive(Debug)]
    pub struct ArithError(pub String);
    impl std::fmt::Display for ArithError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
    pub fn eval(expr: &str, vars: &mut dyn ArithVars) -> Result<i64, ArithError> {
        let t = expr.trim();
        if let Ok(n) = t.parse() {
            return Ok(n);
        }
        Ok(vars.get_var(t).and_then(|v| v.parse().ok()).unwrap_or(0))
    }
}

pub mod pattern {
    pub fn fnmatch(pat: &str, text: &str) -> bool {
        pat == "*" || unescape(pat) == text
    }
    fn unescape(p: &str) -> String {
        let mut o = String::new();
        let mut it = p.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                if let Some(n) = it.next() {
                    o.push(n);
                }
            } else {
                o.push(c);
            }
        }
        o
    }
    pub fn strip_prefix(pat: &str, text: &str, _longest: bool) -> String {
        let p = unescape(pat);
        text.strip_prefix(p.as_str()).unwrap_or(text).to_string()
    }
    pub fn strip_suffix(pat: &str, text: &str, _longest: bool) -> String {
        let p = unescape(pat);
        text.strip_suffix(p.as_str()).unwrap_or(text).to_string()
    }
    pub fn has_glob(pat: &str) -> bool {
        pat.contains(['*', '?', '['])
    }
    pub fn glob(_pat: &str) -> Vec<String> {
        Vec::new()
    }
}

pub mod test_cmd {
    pub fn run(_name: &str, args: &[String]) -> (i32, Option<String>) {
        (i32::from(args.is_empty()), None)
    }
}

pub mod printf {
    pub fn printf(fmt: &str, _args: &[String]) -> (Vec<u8>, Vec<String>, i32) {
        (fmt.as_bytes().to_vec(), Vec::new(), 0)
    }
    pub fn echo_escapes(s: &str) -> (String, bool) {
        (s.to_string(), false)
    }
    pub fn ansi_c(s: &str) -> String {
        s.to_string()
    }
}

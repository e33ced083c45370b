//! Word expansion in POSIX order: tilde, parameter, command substitution,
//! arithmetic, field splitting (unquoted results only), pathname
//! expansion, quote removal.

use super::{arith, pattern, Flow, Shell};
use crate::ast::*;

/// The expanded fields of a word.
pub type Fields = Vec<String>;

/// A piece of a word during expansion.
#[derive(Debug, Clone)]
enum Piece {
    /// Unquoted text from the source: globbed, not split.
    Lit(String),
    /// Quoted text: neither split nor globbed.
    Quoted(String),
    /// The result of an unquoted expansion: split and globbed.
    Split(String),
    /// A field boundary ("$@").
    Break,
}

fn escape_pattern(s: &str, out: &mut String) {
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

impl Shell {
    /// Expand a word into fields (command arguments, `for` lists).
    pub fn expand_word(&mut self, w: &Word) -> Result<Fields, Flow> {
        // Fast path: a plain literal word.
        if let [WordPart::Lit(s)] = w.parts.as_slice() {
            if !s.starts_with('~') && (self.opts.noglob || !pattern::has_glob(s)) {
                return Ok(vec![s.clone()]);
            }
        }
        let mut pieces = Vec::new();
        self.expand_parts(&w.parts, false, true, &mut pieces)?;
        Ok(self.split_and_glob(pieces))
    }

    /// Expand a word into one string: no splitting, no globbing (case
    /// subjects, redirection targets, here-documents).
    pub fn expand_string(&mut self, w: &Word) -> Result<String, Flow> {
        let mut pieces = Vec::new();
        self.expand_parts(&w.parts, false, true, &mut pieces)?;
        Ok(join_pieces(&pieces, self.ifs_first()))
    }

    /// The value of an assignment (tilde after `=`, no splitting/globbing).
    pub fn expand_assign(&mut self, w: &Word) -> Result<String, Flow> {
        let mut pieces = Vec::new();
        self.expand_parts(&w.parts, false, true, &mut pieces)?;
        Ok(join_pieces(&pieces, self.ifs_first()))
    }

    /// Expand a word as a pattern: quoted characters are escaped.
    pub fn expand_pattern(&mut self, w: &Word) -> Result<String, Flow> {
        let mut pieces = Vec::new();
        self.expand_parts(&w.parts, false, true, &mut pieces)?;
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Lit(s) | Piece::Split(s) => out.push_str(&s),
                Piece::Quoted(s) => escape_pattern(&s, &mut out),
                Piece::Break => out.push(' '),
            }
        }
        Ok(out)
    }

    fn ifs_first(&self) -> String {
        match self.vars.get("IFS") {
            Some(v) => v.value.chars().next().map(String::from).unwrap_or_default(),
            None => " ".into(),
        }
    }

    fn expand_parts(
        &mut self,
        parts: &[WordPart],
        quoted: bool,
        word_start: bool,
        out: &mut Vec<Piece>,
    ) -> Result<(), Flow> {
        for (i, part) in parts.iter().enumerate() {
            match part {
                WordPart::Lit(s) => {
                    if i == 0 && word_start && !quoted && s.starts_with('~') {
                        out.push(Piece::Quoted(self.tilde(s)));
                    } else if quoted {
                        out.push(Piece::Quoted(s.clone()));
                    } else {
                        out.push(Piece::Lit(s.clone()));
                    }
                }
                WordPart::Quoted(s) => out.push(Piece::Quoted(s.clone())),
                WordPart::DQuoted(inner) => {
                    let only_at = inner.len() == 1
                        && matches!(&inner[0], WordPart::Param(p) if p.name == "@" && p.op.is_none() && !p.length);
                    if !only_at {
                        out.push(Piece::Quoted(String::new()));
                    }
                    self.expand_parts(inner, true, false, out)?;
                }
                WordPart::Param(p) => self.expand_param(p, quoted, out)?,
                WordPart::CmdSub(list, _) => {
                    let s = self.command_substitution(list)?;
                    out.push(if quoted {
                        Piece::Quoted(s)
                    } else {
                        Piece::Split(s)
                    });
                }
                WordPart::Arith(parts, _) => {
                    let mut pieces = Vec::new();
                    self.expand_parts(parts, true, false, &mut pieces)?;
                    let expr = join_pieces(&pieces, " ".into());
                    let v = self.arith(&expr)?;
                    let s = v.to_string();
                    out.push(if quoted {
                        Piece::Quoted(s)
                    } else {
                        Piece::Split(s)
                    });
                }
            }
        }
        Ok(())
    }

    /// Evaluate an arithmetic expression; an error aborts the command.
    pub fn arith(&mut self, expr: &str) -> Result<i64, Flow> {
        struct V<'a>(&'a mut Shell);
        impl arith::ArithVars for V<'_> {
            fn get_var(&self, name: &str) -> Option<String> {
                self.0.get_var(name)
            }
            fn set_var(&mut self, name: &str, value: String) -> Result<(), String> {
                self.0.set_var(name, value)
            }
        }
        match arith::eval(expr, &mut V(self)) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.error(&e.to_string());
                Err(Flow::Abort(1))
            }
        }
    }

    fn tilde(&self, s: &str) -> String {
        let (user, rest) = match s[1..].find('/') {
            Some(i) => (&s[1..i + 1], &s[i + 1..]),
            None => (&s[1..], ""),
        };
        if user.is_empty() {
            let home = self.get_var("HOME").unwrap_or_default();
            return format!("{home}{rest}");
        }
        match nix::unistd::User::from_name(user) {
            Ok(Some(u)) => format!("{}{rest}", u.dir.to_string_lossy()),
            _ => s.to_string(),
        }
    }

    /// The value of a parameter, or None when unset.
    fn param_value(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.last_status.to_string()),
            "$" => Some(self.shell_pid().to_string()),
            "!" => self.last_bg.map(|p| p.as_raw().to_string()),
            "#" => Some(self.positional.len().to_string()),
            "0" => Some(self.arg0.clone()),
            "-" => Some(self.flags_string()),
            "@" | "*" => {
                if self.positional.is_empty() {
                    None
                } else {
                    Some(self.positional.join(&self.ifs_first()))
                }
            }
            n if n.bytes().all(|b| b.is_ascii_digit()) => {
                let i: usize = n.parse().unwrap_or(0);
                self.positional.get(i.wrapping_sub(1)).cloned()
            }
            n => self.get_var(n),
        }
    }

    fn expand_param(
        &mut self,
        p: &ParamExp,
        quoted: bool,
        out: &mut Vec<Piece>,
    ) -> Result<(), Flow> {
        let name = p.name.as_str();
        if p.length {
            let n = match name {
                "@" | "*" => self.positional.len(),
                _ => {
                    let v = self.param_value(name);
                    if v.is_none() && self.opts.nounset {
                        return Err(self.unbound(name));
                    }
                    v.unwrap_or_default().chars().count()
                }
            };
            out.push(if quoted {
                Piece::Quoted(n.to_string())
            } else {
                Piece::Split(n.to_string())
            });
            return Ok(());
        }
        // "$@" and $@ / $*: one field per positional parameter.
        if (name == "@" || (name == "*" && !quoted)) && p.op.is_none() {
            for (i, a) in self.positional.clone().into_iter().enumerate() {
                if i > 0 {
                    out.push(Piece::Break);
                }
                out.push(if quoted {
                    Piece::Quoted(a)
                } else {
                    Piece::Split(a)
                });
            }
            return Ok(());
        }
        let value = self.param_value(name);
        let Some((op, word)) = &p.op else {
            match value {
                Some(v) => out.push(if quoted {
                    Piece::Quoted(v)
                } else {
                    Piece::Split(v)
                }),
                None => {
                    if self.opts.nounset && !matches!(name, "@" | "*") {
                        return Err(self.unbound(name));
                    }
                }
            }
            return Ok(());
        };
        let is_set = |colon: bool| match &value {
            None => false,
            Some(v) => !(colon && v.is_empty()),
        };
        match *op {
            ParamOp::Default { colon } => {
                if is_set(colon) {
                    let v = value.unwrap_or_default();
                    out.push(if quoted {
                        Piece::Quoted(v)
                    } else {
                        Piece::Split(v)
                    });
                } else {
                    self.expand_parts(&word.parts, quoted, true, out)?;
                }
            }
            ParamOp::Alt { colon } => {
                if is_set(colon) {
                    self.expand_parts(&word.parts, quoted, true, out)?;
                }
            }
            ParamOp::Assign { colon } => {
                if is_set(colon) {
                    let v = value.unwrap_or_default();
                    out.push(if quoted {
                        Piece::Quoted(v)
                    } else {
                        Piece::Split(v)
                    });
                } else {
                    let v = self.expand_string(word)?;
                    if let Err(e) = self.set_var(name, v.clone()) {
                        self.error(&e);
                        return Err(Flow::Abort(1));
                    }
                    out.push(if quoted {
                        Piece::Quoted(v)
                    } else {
                        Piece::Split(v)
                    });
                }
            }
            ParamOp::Error { colon } => {
                if is_set(colon) {
                    let v = value.unwrap_or_default();
                    out.push(if quoted {
                        Piece::Quoted(v)
                    } else {
                        Piece::Split(v)
                    });
                } else {
                    let msg = self.expand_string(word)?;
                    let msg = if msg.is_empty() {
                        if colon {
                            "parameter null or not set".to_string()
                        } else {
                            "parameter not set".to_string()
                        }
                    } else {
                        msg
                    };
                    self.error(&format!("{name}: {msg}"));
                    return Err(Flow::Exit(1));
                }
            }
            ParamOp::StripPrefix { longest } | ParamOp::StripSuffix { longest } => {
                if value.is_none() && self.opts.nounset {
                    return Err(self.unbound(name));
                }
                let v = value.unwrap_or_default();
                let pat = self.expand_pattern(word)?;
                let r = if matches!(op, ParamOp::StripPrefix { .. }) {
                    pattern::strip_prefix(&pat, &v, longest)
                } else {
                    pattern::strip_suffix(&pat, &v, longest)
                };
                out.push(if quoted {
                    Piece::Quoted(r)
                } else {
                    Piece::Split(r)
                });
            }
        }
        Ok(())
    }

    fn unbound(&self, name: &str) -> Flow {
        self.error(&format!("{name}: unbound variable"));
        Flow::Exit(1)
    }

    fn flags_string(&self) -> String {
        let mut s = String::new();
        if self.opts.errexit {
            s.push('e');
        }
        if self.opts.noglob {
            s.push('f');
        }
        s.push('h');
        if self.opts.noexec {
            s.push('n');
        }
        if self.opts.nounset {
            s.push('u');
        }
        if self.opts.xtrace {
            s.push('x');
        }
        s.push('B');
        s
    }

    /// Field splitting and pathname expansion of expanded pieces.
    fn split_and_glob(&self, pieces: Vec<Piece>) -> Fields {
        let ifs = match self.vars.get("IFS") {
            Some(v) => v.value.clone(),
            None => " \t\n".into(),
        };
        let is_ws = |c: char| c == ' ' || c == '\t' || c == '\n';
        // A field: its pattern text (quoted parts escaped), literal text,
        // whether glob applies, whether it exists (possibly empty).
        struct F {
            pat: String,
            lit: String,
            globby: bool,
            exists: bool,
        }
        let mut fields: Vec<F> = Vec::new();
        let mut cur = F {
            pat: String::new(),
            lit: String::new(),
            globby: false,
            exists: false,
        };
        let push_field = |fields: &mut Vec<F>, cur: &mut F| {
            let f = std::mem::replace(
                cur,
                F {
                    pat: String::new(),
                    lit: String::new(),
                    globby: false,
                    exists: false,
                },
            );
            fields.push(f);
        };
        for p in pieces {
            match p {
                Piece::Lit(s) => {
                    cur.pat.push_str(&s);
                    cur.lit.push_str(&s);
                    cur.globby = true;
                    cur.exists = true;
                }
                Piece::Quoted(s) => {
                    escape_pattern(&s, &mut cur.pat);
                    cur.lit.push_str(&s);
                    cur.exists = true;
                }
                Piece::Break => {
                    push_field(&mut fields, &mut cur);
                }
                Piece::Split(s) => {
                    if ifs.is_empty() {
                        cur.pat.push_str(&s);
                        cur.lit.push_str(&s);
                        cur.globby = true;
                        cur.exists |= !s.is_empty();
                        continue;
                    }
                    let chars: Vec<char> = s.chars().collect();
                    let mut i = 0;
                    while i < chars.len() {
                        let c = chars[i];
                        if ifs.contains(c) {
                            if is_ws(c) {
                                // a run of IFS whitespace (maybe with one
                                // non-whitespace IFS char) ends the field
                                let mut j = i;
                                let mut hard = false;
                                while j < chars.len() && ifs.contains(chars[j]) {
                                    if !is_ws(chars[j]) {
                                        if hard {
                                            break;
                                        }
                                        hard = true;
                                    }
                                    j += 1;
                                }
                                if cur.exists || hard {
                                    push_field(&mut fields, &mut cur);
                                }
                                i = j;
                            } else {
                                push_field(&mut fields, &mut cur);
                                i += 1;
                                while i < chars.len() && ifs.contains(chars[i]) && is_ws(chars[i]) {
                                    i += 1;
                                }
                            }
                            continue;
                        }
                        cur.pat.push(c);
                        cur.lit.push(c);
                        cur.globby = true;
                        cur.exists = true;
                        i += 1;
                    }
                }
            }
        }
        if cur.exists {
            fields.push(cur);
        }
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            if f.globby && !self.opts.noglob && pattern::has_glob(&f.pat) {
                let m = pattern::glob(&f.pat);
                if !m.is_empty() {
                    out.extend(m);
                    continue;
                }
            }
            out.push(f.lit);
        }
        out
    }
}

fn join_pieces(pieces: &[Piece], sep: String) -> String {
    let mut s = String::new();
    for p in pieces {
        match p {
            Piece::Lit(t) | Piece::Quoted(t) | Piece::Split(t) => s.push_str(t),
            Piece::Break => s.push_str(&sep),
        }
    }
    s
}

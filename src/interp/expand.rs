//! Word expansion in POSIX order: tilde, parameter, command substitution,
//! arithmetic, field splitting on IFS (unquoted results only), pathname
//! globbing, quote removal. `"$@"` keeps one field per parameter.
//!
//! A word is expanded into fields; each field keeps its text and, for
//! globbing, a pattern in which quoted characters are backslash-escaped
//! (the convention of `interp::pattern`).

use super::arith::{self, ArithVars};
use super::{pattern, prompt};
use super::{Ctl, Shell};
use crate::ast::{ParamExp, ParamOp, Word, WordPart};

#[derive(Default)]
struct Field {
    text: String,
    pat: String,
    glob: bool,
    started: bool,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum SplitState {
    None,
    Ws,
    NonWs,
}

struct Exp {
    fields: Vec<Field>,
    cur: Field,
    state: SplitState,
    /// Split unquoted expansion results (false for assignments, case words).
    split: bool,
    ifs: String,
    /// How quoted text is escaped in the pattern.
    quote: Quote,
}

/// How quoted text is made literal in [`Field::pat`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// A backslash before the pattern characters (`case`, `${X#p}`, globs).
    Glob,
    /// A backslash before every quoted character, as bash prepares the
    /// right side of `[[ x == p ]]` (its `set -x` line shows it).
    All,
    /// A backslash before the characters special in an extended regular
    /// expression (bash's `ere_char`), for `[[ x =~ re ]]`.
    Ere,
    /// A backslash before `&` and `\`: the replacement of `${X/p/r}`
    /// under `patsub_replacement`.
    Repl,
}

impl Exp {
    fn new(split: bool, ifs: String) -> Self {
        Exp {
            fields: Vec::new(),
            cur: Field::default(),
            state: SplitState::None,
            split,
            ifs,
            quote: Quote::Glob,
        }
    }

    /// Text that is not subject to splitting: literal or quoted.
    fn push_text(&mut self, s: &str, quoted: bool) {
        self.cur.started = true;
        self.state = SplitState::None;
        self.cur.text.push_str(s);
        if quoted {
            match self.quote {
                Quote::Glob => escape_into(&mut self.cur.pat, s),
                Quote::All => {
                    for c in s.chars() {
                        self.cur.pat.push('\\');
                        self.cur.pat.push(c);
                    }
                }
                Quote::Repl => {
                    for c in s.chars() {
                        if c == '&' || c == '\\' {
                            self.cur.pat.push('\\');
                        }
                        self.cur.pat.push(c);
                    }
                }
                Quote::Ere => {
                    for c in s.chars() {
                        if ".[\\()*+?{|^$".contains(c) {
                            self.cur.pat.push('\\');
                        }
                        self.cur.pat.push(c);
                    }
                }
            }
        } else {
            self.cur.pat.push_str(s);
            if pattern::has_glob(s) {
                self.cur.glob = true;
            }
        }
    }

    /// The result of an unquoted expansion: split on IFS, globbed.
    fn push_expansion(&mut self, s: &str) {
        if !self.split {
            self.push_text(s, false);
            return;
        }
        let ifs = std::mem::take(&mut self.ifs);
        for c in s.chars() {
            if ifs.contains(c) {
                let ws = matches!(c, ' ' | '\t' | '\n');
                if ws {
                    if self.cur.started {
                        self.finish();
                        self.state = SplitState::Ws;
                    }
                } else if self.cur.started {
                    self.finish();
                    self.state = SplitState::NonWs;
                } else if self.state == SplitState::Ws {
                    self.state = SplitState::NonWs;
                } else {
                    self.cur.started = true;
                    self.finish();
                    self.state = SplitState::NonWs;
                }
            } else {
                let mut b = [0u8; 4];
                let cs: &str = c.encode_utf8(&mut b);
                self.cur.started = true;
                self.state = SplitState::None;
                self.cur.text.push_str(cs);
                if matches!(c, '\\') {
                    self.cur.pat.push('\\');
                }
                self.cur.pat.push_str(cs);
                // `@(`, `+(`, `!(`: bash's glob_pattern_p.
                if matches!(c, '*' | '?' | '[')
                    || c == '(' && self.cur.pat[..self.cur.pat.len() - 1].ends_with(['@', '+', '!'])
                {
                    self.cur.glob = true;
                }
            }
        }
        self.ifs = ifs;
    }

    fn finish(&mut self) {
        let f = std::mem::take(&mut self.cur);
        self.fields.push(f);
    }
}

/// (`(`, `|` and `)` too: quoted, they neither open an extended pattern
/// nor separate or close its alternatives.)
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '?' | '[' | ']' | '(' | '|' | ')') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Escape a string so that pattern matching treats it literally.
pub fn escape_pattern(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    escape_into(&mut o, s);
    o
}

/// IFS; unset means the default <space><tab><newline>.
fn ifs(sh: &Shell) -> String {
    sh.get_var("IFS").unwrap_or(" \t\n").to_string()
}

/// Expand a word into fields (splitting and globbing).
pub fn expand_word(sh: &mut Shell, w: &Word) -> Result<Vec<String>, Ctl> {
    // Fast path: a plain literal word.
    if let [WordPart::Lit(s)] = w.parts.as_slice() {
        if !s.starts_with('~') && !s.contains('{') && (sh.opts.noglob || !pattern::has_glob(s)) {
            return Ok(vec![s.clone()]);
        }
    }
    if w.parts
        .iter()
        .any(|p| matches!(p, WordPart::Lit(s) if s.contains('{')))
    {
        if let Some(words) = brace_expand(w) {
            let mut out = Vec::new();
            for w in &words {
                out.extend(expand_fields(sh, w)?);
            }
            return Ok(out);
        }
    }
    expand_fields(sh, w)
}

/// Brace expansion (`a{b,c}d`, `{1..5}`, `{a..e}`), bash's first expansion,
/// for braces written within one unquoted literal part of the word.
fn brace_expand(w: &Word) -> Option<Vec<Word>> {
    for (k, p) in w.parts.iter().enumerate() {
        let WordPart::Lit(s) = p else { continue };
        let Some((i, j, alts)) = find_brace(s) else {
            continue;
        };
        let mut out = Vec::new();
        for alt in alts {
            let mut parts = w.parts.clone();
            parts[k] = WordPart::Lit(format!("{}{alt}{}", &s[..i], &s[j + 1..]));
            let nw = Word {
                parts,
                span: w.span,
            };
            match brace_expand(&nw) {
                Some(more) => out.extend(more),
                None => out.push(nw),
            }
        }
        return Some(out);
    }
    None
}

/// The first `{…}` of `s` that expands: (open, close, alternatives).
fn find_brace(s: &str) -> Option<(usize, usize, Vec<String>)> {
    let b = s.as_bytes();
    let mut start = 0;
    while let Some(off) = s[start..].find('{') {
        let i = start + off;
        let mut depth = 0;
        let mut commas = Vec::new();
        let mut close = None;
        for (j, &c) in b.iter().enumerate().skip(i) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                b',' if depth == 1 => commas.push(j),
                _ => {}
            }
        }
        let j = close?;
        if !commas.is_empty() {
            let mut alts = Vec::new();
            let mut from = i + 1;
            for c in commas {
                alts.push(s[from..c].to_string());
                from = c + 1;
            }
            alts.push(s[from..j].to_string());
            return Some((i, j, alts));
        }
        if let Some(seq) = sequence(&s[i + 1..j]) {
            return Some((i, j, seq));
        }
        start = i + 1;
    }
    None
}

/// `{1..5}`, `{5..1}`, `{1..10..2}`, `{a..e}`.
fn sequence(body: &str) -> Option<Vec<String>> {
    let f: Vec<&str> = body.split("..").collect();
    if f.len() < 2 || f.len() > 3 {
        return None;
    }
    let step: i64 = match f.get(2) {
        Some(s) => s.parse::<i64>().ok()?.abs().max(1),
        None => 1,
    };
    if let (Ok(a), Ok(b)) = (f[0].parse::<i64>(), f[1].parse::<i64>()) {
        let mut v = Vec::new();
        let mut x = a;
        while (a <= b && x <= b) || (a > b && x >= b) {
            v.push(x.to_string());
            x += if a <= b { step } else { -step };
            if v.len() > 1_000_000 {
                break;
            }
        }
        return Some(v);
    }
    let (ca, cb) = (
        f[0].chars().collect::<Vec<_>>(),
        f[1].chars().collect::<Vec<_>>(),
    );
    if ca.len() == 1 && cb.len() == 1 && ca[0].is_ascii_alphabetic() && cb[0].is_ascii_alphabetic()
    {
        let (a, b) = (ca[0] as i64, cb[0] as i64);
        let mut v = Vec::new();
        let mut x = a;
        while (a <= b && x <= b) || (a > b && x >= b) {
            v.push(char::from(x as u8).to_string());
            x += if a <= b { step } else { -step };
        }
        return Some(v);
    }
    None
}

fn expand_fields(sh: &mut Shell, w: &Word) -> Result<Vec<String>, Ctl> {
    let mut e = Exp::new(true, ifs(sh));
    parts(sh, &w.parts, &mut e, false, true)?;
    if e.cur.started {
        e.finish();
    }
    let mut out = Vec::with_capacity(e.fields.len());
    for f in e.fields {
        if f.glob && !sh.opts.noglob {
            let so = &sh.shopts;
            let opts = pattern::GlobOpts {
                dotglob: so.dotglob,
                nocase: so.nocaseglob,
                dots: !so.globskipdots,
                globstar: so.globstar,
            };
            let m = pattern::glob_with(&f.pat, opts);
            if !m.is_empty() {
                out.extend(m);
                continue;
            }
            if so.failglob {
                sh.error(&format!("no match: {}", pattern::unescape(&f.pat)));
                sh.status = 1;
                return Err(Ctl::Abort(1));
            }
            if so.nullglob {
                continue;
            }
        }
        out.push(f.text);
    }
    Ok(out)
}

/// Expand a word to one string: no splitting, no globbing (assignment
/// values, `case` words, here-documents, redirection targets).
pub fn expand_single(sh: &mut Shell, w: &Word) -> Result<String, Ctl> {
    if let [WordPart::Lit(s)] = w.parts.as_slice() {
        if !s.starts_with('~') {
            return Ok(s.clone());
        }
    }
    let mut e = Exp::new(false, ifs(sh));
    parts(sh, &w.parts, &mut e, false, true)?;
    Ok(e.cur.text)
}

/// Expand a word into a pattern for `case` and `${X#pat}`: quoted parts
/// are escaped, unquoted ones keep their pattern meaning.
pub fn expand_pattern(sh: &mut Shell, w: &Word) -> Result<String, Ctl> {
    expand_quoting(sh, w, Quote::Glob)
}

/// The right side of `[[ x == p ]]`: a pattern in which every quoted
/// character is escaped (bash's form, shown by `set -x`).
pub fn expand_cond_pattern(sh: &mut Shell, w: &Word) -> Result<String, Ctl> {
    expand_quoting(sh, w, Quote::All)
}

/// The replacement of `${X/p/r}` with quoted `&` and `\` escaped, for
/// [`pattern::amp_replacement`].
fn expand_replacement(sh: &mut Shell, w: &Word) -> Result<String, Ctl> {
    expand_quoting(sh, w, Quote::Repl)
}

/// The right side of `[[ x =~ re ]]`: an extended regular expression in
/// which quoted characters match themselves.
pub fn expand_regex(sh: &mut Shell, w: &Word) -> Result<String, Ctl> {
    expand_quoting(sh, w, Quote::Ere)
}

fn expand_quoting(sh: &mut Shell, w: &Word, quote: Quote) -> Result<String, Ctl> {
    let mut e = Exp::new(false, ifs(sh));
    e.quote = quote;
    parts(sh, &w.parts, &mut e, false, true)?;
    Ok(e.cur.pat)
}

fn parts(
    sh: &mut Shell,
    ps: &[WordPart],
    e: &mut Exp,
    quoted: bool,
    word_start: bool,
) -> Result<(), Ctl> {
    for (i, p) in ps.iter().enumerate() {
        match p {
            WordPart::Lit(s) => {
                if i == 0 && word_start && !quoted && s.starts_with('~') {
                    let end = s.find('/').unwrap_or(s.len());
                    let user = &s[1..end];
                    let home = if user.is_empty() {
                        sh.get_var("HOME").map(str::to_string)
                    } else {
                        nix::unistd::User::from_name(user)
                            .ok()
                            .flatten()
                            .map(|u| u.dir.to_string_lossy().into_owned())
                    };
                    match home {
                        Some(h) => {
                            e.push_text(&h, true);
                            e.push_text(&s[end..], false);
                        }
                        None => e.push_text(s, false),
                    }
                } else {
                    e.push_text(s, quoted);
                }
            }
            WordPart::Quoted(s) => e.push_text(s, true),
            WordPart::Dq(inner) => {
                let at_only = inner.iter().any(is_at);
                if !at_only {
                    e.push_text("", true);
                }
                parts(sh, inner, e, true, false)?;
            }
            WordPart::Param(pe) => param(sh, pe, e, quoted)?,
            WordPart::CmdSub(list) => {
                let out = super::proc::command_subst(sh, list)?;
                if quoted {
                    e.push_text(&out, true);
                } else {
                    e.push_expansion(&out);
                }
            }
            WordPart::ProcSubst { list, output } => {
                let path = super::proc::process_subst(sh, list, *output)?;
                e.push_text(&path, true);
            }
            WordPart::Array(_) => {
                // Only a declaration builtin's argument holds one (see
                // `arrays::decl_array_arg`); elsewhere it is its text.
                let t = crate::ast::Word {
                    parts: vec![p.clone()],
                    span: crate::span::Span::default(),
                }
                .to_string();
                e.push_text(&t, true);
            }
            WordPart::Arith(inner) => {
                let text = arith_text(sh, inner)?;
                let v = arith_eval(sh, &text)?;
                let s = v.to_string();
                if quoted {
                    e.push_text(&s, true);
                } else {
                    e.push_expansion(&s);
                }
            }
        }
    }
    Ok(())
}

/// `"$@"`, `"${a[@]}"`, `"${!a[@]}"`, `"${!x@}"` and their operators on
/// each element: no field at all when there are no elements.
fn is_at(p: &WordPart) -> bool {
    let WordPart::Param(pe) = p else {
        return false;
    };
    let list_op = matches!(
        pe.op,
        ParamOp::Plain
            | ParamOp::StripPrefix { .. }
            | ParamOp::StripSuffix { .. }
            | ParamOp::Subst { .. }
            | ParamOp::Slice
            | ParamOp::Case { .. }
            | ParamOp::Toggle { .. }
            | ParamOp::Transform(_)
    );
    match &pe.index {
        _ if pe.op == (ParamOp::Names { at: true }) => true,
        None => pe.name == "@" && list_op && !pe.indirect,
        Some(ix) => matches!(ix.as_slice(), [WordPart::Lit(l)] if l == "@") && list_op,
    }
}

pub(super) struct Vars<'a>(pub(super) &'a mut Shell);

impl ArithVars for Vars<'_> {
    fn get_var(&self, name: &str) -> Option<String> {
        lookup(self.0, name)
    }
    fn set_var(&mut self, name: &str, value: String) -> Result<(), String> {
        self.0.set_var(name, value)
    }
    fn get_elem(&self, name: &str, i: i64) -> Result<Option<String>, String> {
        self.0.elem(name, i)
    }
    fn set_elem(&mut self, name: &str, i: i64, value: String) -> Result<(), String> {
        self.0.set_elem(name, i, value)
    }
    fn is_assoc(&self, name: &str) -> bool {
        self.0.is_assoc(name)
    }
    fn get_key(&self, name: &str, key: &str) -> Option<String> {
        self.0.assoc_get(name, key)
    }
    fn set_key(&mut self, name: &str, key: &str, value: String) -> Result<(), String> {
        self.0.assoc_set(name, key.to_string(), value)
    }
}

/// Evaluate an arithmetic expression; an error aborts the command (bash).
pub fn arith_eval(sh: &mut Shell, expr: &str) -> Result<i64, Ctl> {
    match arith::eval(expr, &mut Vars(sh)) {
        Ok(v) => Ok(v),
        Err(err) => {
            sh.error(&err.to_string());
            Err(Ctl::Abort(1))
        }
    }
}

/// The text of an arithmetic expression (`$((…))`, `((…))`): its parts
/// expanded as if double-quoted.
pub fn arith_text(sh: &mut Shell, ps: &[WordPart]) -> Result<String, Ctl> {
    let mut sub = Exp::new(false, String::new());
    parts(sh, ps, &mut sub, true, false)?;
    Ok(sub.cur.text)
}

/// Evaluate an arithmetic expression for a command (`((…))`, `let`,
/// `[[ a -eq b ]]`): an error is reported, `CMD: ` before bash's text
/// (not before a refused assignment's), and gives `None`; unlike in an
/// expansion, the command goes on.
pub fn arith_eval_cmd(sh: &mut Shell, expr: &str, cmd: &str) -> Option<i64> {
    match arith::eval(expr, &mut Vars(sh)) {
        Ok(v) => Some(v),
        Err(err @ arith::ArithError::Eval { .. }) => {
            sh.error(&format!("{cmd}: {err}"));
            None
        }
        Err(err) => {
            sh.error(&err.to_string());
            None
        }
    }
}

/// The value of a parameter, `None` when unset.
pub fn lookup(sh: &Shell, name: &str) -> Option<String> {
    match name {
        "?" => Some(sh.status.to_string()),
        "$" => Some(sh.shell_pid.to_string()),
        "!" => sh.last_bg.map(|p| p.to_string()),
        "#" => Some(sh.params.len().to_string()),
        "0" => Some(sh.arg0.clone()),
        "-" => {
            let mut f = String::new();
            if sh.opts.errexit {
                f.push('e');
            }
            if sh.opts.noglob {
                f.push('f');
            }
            f.push('h');
            if sh.opts.noexec {
                f.push('n');
            }
            if sh.opts.nounset {
                f.push('u');
            }
            if sh.opts.xtrace {
                f.push('x');
            }
            f.push('B');
            if sh.opts.noclobber {
                f.push('C');
            }
            if sh.opts.errtrace {
                f.push('E');
            }
            if sh.opts.functrace {
                f.push('T');
            }
            if sh.command_string {
                f.push('c');
            }
            Some(f)
        }
        "@" | "*" => {
            if sh.params.is_empty() {
                None
            } else {
                let sep = sh
                    .get_var("IFS")
                    .map(|s| s.chars().next().map(String::from).unwrap_or_default())
                    .unwrap_or_else(|| " ".into());
                Some(sh.params.join(&sep))
            }
        }
        "LINENO" => Some(sh.lineno.to_string()),
        "FUNCNAME" if !sh.func_names.is_empty() => sh.func_names.last().cloned(),
        "RANDOM" => Some((rand16() & 0x7fff).to_string()),
        "SECONDS" if sh.seconds.is_some() => sh
            .seconds
            .map(|(n, at)| (n + super::epoch_seconds() - at).to_string()),
        "BASH_SUBSHELL" => Some(sh.subshell_level.to_string()),
        "EPOCHSECONDS" => Some(super::epoch_seconds().to_string()),
        "EPOCHREALTIME" => {
            let d = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            Some(format!("{}.{:06}", d.as_secs(), d.subsec_micros()))
        }
        "SRANDOM" => {
            let mut b = [0u8; 4];
            // SAFETY: getrandom fills the 4-byte buffer it is given.
            unsafe { libc::getrandom(b.as_mut_ptr().cast(), 4, 0) };
            Some(u32::from_ne_bytes(b).to_string())
        }
        "SHELLOPTS" if !sh.vars.contains_key("SHELLOPTS") => Some(super::shopt::shellopts(sh)),
        "BASHOPTS" if !sh.vars.contains_key("BASHOPTS") => Some(sh.shopts.enabled_list()),
        "HISTCMD" if !sh.vars.contains_key("HISTCMD") => Some("0".into()),
        "BASH_ARGV0" => Some(sh.arg0.clone()),
        "BASHPID" => Some(std::process::id().to_string()),
        "BASH_COMMAND" => Some(sh.bash_command.clone()),
        _ => {
            if let Ok(n) = name.parse::<usize>() {
                return sh.params.get(n.wrapping_sub(1)).cloned();
            }
            let name = sh.resolve_warn(name)?;
            if let Some((n, sub)) = name.strip_suffix(']').and_then(|r| r.split_once('[')) {
                // A reference to an element (`declare -n r='a[1]'`).
                if sh.is_assoc(n) {
                    return sh.assoc_get(n, sub);
                }
                let i = arith::eval(sub, &mut super::arrays::RoVars(sh)).ok()?;
                return sh.elem(n, i).ok().flatten();
            }
            let name = name.as_str();
            match sh.vars.get(name) {
                // Declared (`declare -i x`), not assigned.
                Some(v) if v.no_value && v.array.is_none() && v.assoc.is_none() => None,
                Some(v) => match (&v.array, &v.assoc) {
                    (Some(a), _) => a.get(&0).cloned(),
                    (_, Some(a)) => a.get("0").cloned(),
                    _ => Some(v.value.clone()),
                },
                None => sh.array_scalar(name).flatten(),
            }
        }
    }
}

fn rand16() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    n ^ (n >> 16)
}

/// A subscript: `[@]` / `[*]`, or an element.
#[derive(Clone, PartialEq, Eq)]
enum Sub {
    All {
        at: bool,
    },
    Idx(i64),
    /// An associative array's key.
    Key(String),
}

fn eval_sub(sh: &mut Shell, name: &str, text: &str) -> Result<Sub, Ctl> {
    match text {
        "@" => return Ok(Sub::All { at: true }),
        "*" => return Ok(Sub::All { at: false }),
        _ => {}
    }
    if sh.is_assoc(name) {
        return Ok(Sub::Key(text.to_string()));
    }
    if text.trim().is_empty() {
        sh.error(&format!("{name}[{text}]: bad array subscript"));
        return Err(Ctl::Abort(1));
    }
    Ok(Sub::Idx(arith_eval(sh, text)?))
}

/// `NAME` or `NAME[SUB]` (the target of `${!x}`).
fn split_ref(t: &str) -> Option<(&str, Option<&str>)> {
    if let Some((n, rest)) = t.split_once('[') {
        let sub = rest.strip_suffix(']')?;
        return is_name(n).then_some((n, Some(sub)));
    }
    let special =
        t.parse::<usize>().is_ok() || matches!(t, "@" | "*" | "#" | "?" | "$" | "!" | "-");
    (is_name(t) || special).then_some((t, None))
}

fn param(sh: &mut Shell, pe: &ParamExp, e: &mut Exp, quoted: bool) -> Result<(), Ctl> {
    if let ParamOp::Names { at } = pe.op {
        let mut names: Vec<String> = sh
            .vars
            .iter()
            .filter(|(k, v)| k.starts_with(pe.name.as_str()) && !v.no_value)
            .map(|(k, _)| k.clone())
            .collect();
        names.sort();
        return emit_list(sh, e, &names, quoted, at);
    }
    let mut name = std::borrow::Cow::Borrowed(pe.name.as_str());
    let mut sub = match &pe.index {
        Some(ix) => {
            let t = super::arrays::subscript_text(sh, ix)?;
            Some(eval_sub(sh, &name, &t)?)
        }
        None => None,
    };
    if pe.indirect {
        if let Some(Sub::All { at }) = sub {
            // `${!a[@]}`: the indices (the keys).
            let keys: Vec<String> = if sh.is_assoc(&name) {
                sh.assoc_items(&name).into_iter().map(|(k, _)| k).collect()
            } else {
                match sh.elems(&name) {
                    Some(el) => el.keys().map(|k| k.to_string()).collect(),
                    None => Vec::new(),
                }
            };
            return emit_list(sh, e, &keys, quoted, at);
        }
        let target = sh
            .vars
            .get(name.as_ref())
            .filter(|v| v.nameref && !v.no_value && sub.is_none())
            .map(|v| v.value.clone());
        if target.is_some() {
            // `${!REF}`: the name a reference stands for (bash 5.2).
            return scalar_param(sh, pe, &name, &name, target, e, quoted, None);
        }
        let target = match &sub {
            Some(Sub::Idx(i)) => elem_value(sh, &name, *i)?,
            Some(Sub::Key(k)) => sh.assoc_get(&name, k),
            _ => lookup(sh, &name),
        };
        let Some(t) = target else {
            if sh.opts.nounset {
                unbound(sh, &name)?;
            }
            sh.error(&format!("{name}: invalid indirect expansion"));
            return Err(Ctl::Abort(1));
        };
        let Some((n, s)) = split_ref(&t) else {
            sh.error(&format!("{t}: invalid variable name"));
            return Err(Ctl::Abort(1));
        };
        name = std::borrow::Cow::Owned(n.to_string());
        sub = match s {
            Some(s) => Some(eval_sub(sh, &name, s)?),
            None => None,
        };
    }
    let multi = match sub {
        Some(Sub::All { at }) => Some(at),
        Some(Sub::Idx(_) | Sub::Key(_)) => None,
        None if name == "@" => Some(true),
        None if name == "*" => Some(false),
        None => None,
    };
    if let Some(at) = multi {
        return list_param(sh, pe, &name, sub.is_some(), at, e, quoted);
    }
    if let Some(Sub::Idx(i)) = sub {
        let val = elem_value(sh, &name, i)?;
        let shown = format!("{name}[{}]", i);
        return scalar_param(sh, pe, &name, &shown, val, e, quoted, Some(&Sub::Idx(i)));
    }
    if let Some(Sub::Key(k)) = &sub {
        let val = sh.assoc_get(&name, k);
        let shown = format!("{name}[{k}]");
        return scalar_param(sh, pe, &name, &shown, val, e, quoted, sub.as_ref());
    }
    let val = lookup(sh, &name);
    scalar_param(sh, pe, &name, &name, val, e, quoted, None)
}

/// `${a[i]}`: an error for a negative index before the start.
fn elem_value(sh: &mut Shell, name: &str, i: i64) -> Result<Option<String>, Ctl> {
    if name.parse::<usize>().is_ok() || !is_name(name) {
        return Ok(if i == 0 { lookup(sh, name) } else { None });
    }
    match sh.elem(name, i) {
        Ok(v) => Ok(v),
        Err(m) => {
            sh.error(&m);
            Ok(None)
        }
    }
}

/// Put a list of values (`"$@"`, `"${a[@]}"`) into the fields: one field
/// each for `@` (or unquoted), joined with IFS's first character for a
/// quoted `*`, joined with spaces where nothing is split.
fn emit_list(
    sh: &mut Shell,
    e: &mut Exp,
    values: &[String],
    quoted: bool,
    at: bool,
) -> Result<(), Ctl> {
    let sep = || -> String {
        sh.get_var("IFS")
            .map(|s| s.chars().next().map(String::from).unwrap_or_default())
            .unwrap_or_else(|| " ".into())
    };
    if !e.split {
        let joined = if at {
            values.join(" ")
        } else {
            values.join(&sep())
        };
        e.push_text(&joined, quoted);
        return Ok(());
    }
    if quoted && !at {
        e.push_text(&values.join(&sep()), true);
        return Ok(());
    }
    if !quoted && sh.get_var("IFS") != Some("") {
        // Unquoted: bash joins the elements with IFS's first character
        // and splits the result (`IFS=-` keeps an empty element).
        let joined = values.join(&sep());
        e.push_expansion(&joined);
        return Ok(());
    }
    for (i, p) in values.iter().enumerate() {
        if i > 0 {
            if quoted {
                e.finish();
                e.cur.started = true;
            } else {
                if e.cur.started {
                    e.finish();
                }
                e.state = SplitState::None;
            }
        }
        if quoted {
            e.push_text(p, true);
        } else {
            e.push_expansion(p);
        }
    }
    Ok(())
}

/// `$@`, `$*`, `${a[@]}`, `${a[*]}` with an operator.
fn list_param(
    sh: &mut Shell,
    pe: &ParamExp,
    name: &str,
    array: bool,
    at: bool,
    e: &mut Exp,
    quoted: bool,
) -> Result<(), Ctl> {
    let elems: Vec<(i64, String)> = if array && sh.is_assoc(name) {
        // An associative array's values, numbered from 1 in bash's order
        // (its slices count like the positional parameters').
        sh.assoc_items(name)
            .into_iter()
            .enumerate()
            .map(|(i, (_, v))| (i as i64 + 1, v))
            .collect()
    } else if array {
        sh.elems(name)
            .map(|m| m.into_iter().collect())
            .unwrap_or_default()
    } else {
        sh.params
            .iter()
            .enumerate()
            .map(|(i, p)| (i as i64 + 1, p.clone()))
            .collect()
    };
    let shown = if array {
        format!("{name}[{}]", if at { "@" } else { "*" })
    } else {
        name.to_string()
    };
    let values: Vec<String> = elems.iter().map(|(_, v)| v.clone()).collect();
    let unset = values.is_empty();
    // Null as bash tests it: the elements joined with spaces.
    let null = values.len() <= 1 && values.iter().all(|v| v.is_empty());
    let set_nonnull = |colon: bool| !(unset || (colon && null));
    let out: Vec<String> = match pe.op {
        ParamOp::Plain | ParamOp::Names { .. } => values,
        ParamOp::Length => {
            if array && sh.opts.nounset && sh.elems(name).is_none() {
                // bash reports it but, unlike other unset variables, goes
                // on with the next command.
                sh.error(&format!("{name}: unbound variable"));
                return Err(Ctl::Abort(1));
            }
            let n = values.len().to_string();
            return push_out(e, &n, quoted);
        }
        ParamOp::Default { colon } => {
            if set_nonnull(colon) {
                values
            } else {
                return word_into(sh, pe, e, quoted);
            }
        }
        ParamOp::Alt { colon } => {
            if set_nonnull(colon) {
                return word_into(sh, pe, e, quoted);
            } else {
                Vec::new()
            }
        }
        ParamOp::Assign { colon } => {
            if set_nonnull(colon) {
                values
            } else {
                sh.error(&format!("{shown}: cannot assign in this way"));
                return Err(Ctl::Abort(1));
            }
        }
        ParamOp::Error { colon } => {
            if set_nonnull(colon) {
                values
            } else {
                let msg = match &pe.word {
                    Some(w) => expand_single(sh, w)?,
                    None => String::new(),
                };
                let msg = if !msg.is_empty() {
                    msg
                } else if colon {
                    "parameter null or not set".to_string()
                } else {
                    "parameter not set".to_string()
                };
                sh.error(&format!("{shown}: {msg}"));
                return Err(Ctl::Exit(sh.expansion_fatal_status()));
            }
        }
        ParamOp::StripPrefix { longest } | ParamOp::StripSuffix { longest } => {
            let pat = match &pe.word {
                Some(w) => expand_pattern(sh, w)?,
                None => String::new(),
            };
            let prefix = matches!(pe.op, ParamOp::StripPrefix { .. });
            values
                .iter()
                .map(|v| {
                    if prefix {
                        pattern::strip_prefix(&pat, v, longest)
                    } else {
                        pattern::strip_suffix(&pat, v, longest)
                    }
                })
                .collect()
        }
        ParamOp::Subst { all, anchor } => {
            let pat = match &pe.word {
                Some(w) => expand_pattern(sh, w)?,
                None => String::new(),
            };
            let rep = match &pe.word2 {
                Some(w) => expand_single(sh, w)?,
                None => String::new(),
            };
            values
                .iter()
                .map(|v| pattern::replace(&pat, v, &rep, all, anchor))
                .collect()
        }
        ParamOp::Case { .. } | ParamOp::Toggle { .. } => {
            let pat = case_pattern(sh, pe)?;
            values
                .iter()
                .map(|v| modcase(v, pe.op, pat.as_deref()))
                .collect()
        }
        ParamOp::Transform(c @ ('A' | 'K' | 'k')) => whole_transform(sh, name, array, &values, c),
        ParamOp::Transform(c) => values.iter().map(|v| transform(sh, name, v, c)).collect(),
        ParamOp::Slice => {
            let mut off = slice_num(sh, &pe.word)?.unwrap_or(0);
            let len = slice_num(sh, &pe.word2)?;
            let mut items = elems;
            if !array {
                items.insert(0, (0, sh.arg0.clone()));
            }
            let top = if array {
                items.last().map_or(0, |(k, _)| k + 1)
            } else {
                items.len() as i64
            };
            if array && sh.is_assoc(name) && off == 0 {
                off = 1;
            }
            if off < 0 {
                off += top;
                if off < 0 {
                    return if quoted && at {
                        Ok(())
                    } else {
                        push_out(e, "", quoted)
                    };
                }
            }
            if let Some(l) = len {
                if l < 0 {
                    let t = pe.word2.as_ref().map(|w| w.to_string()).unwrap_or_default();
                    sh.error(&format!("{t}: substring expression < 0"));
                    return Err(Ctl::Abort(1));
                }
            }
            items
                .into_iter()
                .filter(|(k, _)| *k >= off)
                .take(len.map_or(usize::MAX, |l| l as usize))
                .map(|(_, v)| v)
                .collect()
        }
    };
    emit_list(sh, e, &out, quoted, at)
}

fn push_out(e: &mut Exp, s: &str, quoted: bool) -> Result<(), Ctl> {
    if quoted {
        e.push_text(s, true);
    } else {
        e.push_expansion(s);
    }
    Ok(())
}

fn slice_num(sh: &mut Shell, w: &Option<Word>) -> Result<Option<i64>, Ctl> {
    match w {
        Some(w) => {
            let t = expand_single(sh, w)?;
            Ok(Some(arith_eval(sh, &t)?))
        }
        None => Ok(None),
    }
}

/// `${A[@]@A}`, `${A[@]@K}`, `${A[@]@k}` (and of `$@`): forms that
/// show the whole array, as bash builds them.
fn whole_transform(sh: &Shell, name: &str, array: bool, values: &[String], c: char) -> Vec<String> {
    use super::arrays::{dq, key_text};
    let quote = super::printf::quote_reusable;
    if !array {
        // The positional parameters.
        return match c {
            'A' if !values.is_empty() => ["set", "--"]
                .iter()
                .map(|s| s.to_string())
                .chain(values.iter().map(|v| quote(v)))
                .collect(),
            'A' => Vec::new(),
            _ => values.iter().map(|v| quote(v)).collect(),
        };
    }
    let pairs: Vec<(String, String)> = if sh.is_assoc(name) {
        sh.assoc_items(name)
    } else {
        sh.elems(name)
            .unwrap_or_default()
            .into_iter()
            .map(|(i, v)| (i.to_string(), v))
            .collect()
    };
    match c {
        // `declare -a a=(…)` as three words.
        'A' => match super::arrays::print_decl(sh, sh.resolve(name).as_ref()) {
            Some(line) => line.splitn(3, ' ').map(str::to_string).collect(),
            None => Vec::new(),
        },
        'K' if pairs.is_empty() => Vec::new(),
        // An associative array's pairs each end with a space.
        'K' if sh.is_assoc(name) => vec![pairs
            .iter()
            .map(|(k, v)| format!("{} {} ", key_text(k), dq(v)))
            .collect()],
        'K' => vec![pairs
            .iter()
            .map(|(k, v)| format!("{k} {}", dq(v)))
            .collect::<Vec<_>>()
            .join(" ")],
        _ => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(),
    }
}

/// `${X@A}` of a scalar (or one element): the assignment that recreates
/// it, with `declare` and the attributes when it has some.
fn assignment_text(sh: &Shell, name: &str, v: &str) -> String {
    let letters = sh
        .vars
        .get(sh.resolve(name).as_ref())
        .map(super::attrs::letters)
        .unwrap_or_default();
    let q = super::printf::quote_reusable(v);
    if letters.is_empty() {
        format!("{name}={q}")
    } else {
        format!("declare -{letters} {name}={q}")
    }
}

/// `${X@c}` of one value of the variable `name`.
fn transform(sh: &mut Shell, name: &str, v: &str, c: char) -> String {
    match c {
        'Q' | 'K' | 'k' => super::printf::quote_reusable(v),
        'A' if is_name(name) => assignment_text(sh, name, v),
        'A' => String::new(),
        'P' => prompt::expand(sh, v),
        'E' => super::printf::ansi_c(v),
        'U' => case_conv(v, true, true),
        'u' => case_conv(v, true, false),
        'L' => case_conv(v, false, true),
        // `a`: the attributes, in bash's order.
        _ => sh
            .vars
            .get(sh.resolve(name).as_ref())
            .map(super::attrs::letters)
            .unwrap_or_default(),
    }
}

/// The pattern of `${X^^PAT}` and the like, expanded; `None` without one.
fn case_pattern(sh: &mut Shell, pe: &ParamExp) -> Result<Option<String>, Ctl> {
    match &pe.word {
        Some(w) => Ok(Some(expand_pattern(sh, w)?).filter(|p| !p.is_empty())),
        None => Ok(None),
    }
}

/// `${X^^}`, `${X,}`, `${X~~}`… with an optional pattern: only the
/// characters it matches change (with `^`, `,`, `~`: the first one only,
/// if it matches), as bash's `sh_modcase`.
fn modcase(v: &str, op: ParamOp, pat: Option<&str>) -> String {
    let (all, toggle, upper) = match op {
        ParamOp::Case { upper, all } => (all, false, upper),
        ParamOp::Toggle { all } => (all, true, false),
        _ => return v.to_string(),
    };
    let conv = |s: &str, all: bool| {
        if toggle {
            case_toggle(s, all)
        } else {
            case_conv(s, upper, all)
        }
    };
    let Some(pat) = pat else {
        return conv(v, all);
    };
    let mut out = String::with_capacity(v.len());
    for (i, c) in v.chars().enumerate() {
        let s = c.to_string();
        if (all || i == 0) && pattern::fnmatch(pat, &s) {
            out.push_str(&conv(&s, true));
        } else {
            out.push(c);
        }
    }
    out
}

/// `${X^^}`, `${X,}`… and `declare -u`/`-l`: bash maps each character
/// with glibc's towupper/towlower, one character to one. Where Unicode's
/// full mapping is longer, glibc keeps an upper-cased `ß` as it is and
/// lower-cases `İ` to the `i` that the full mapping starts with.
pub(super) fn case_conv(v: &str, upper: bool, all: bool) -> String {
    let conv = |c: char| -> char {
        if upper {
            let mut m = c.to_uppercase();
            match (m.next(), m.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        } else {
            c.to_lowercase().next().unwrap_or(c)
        }
    };
    if all {
        v.chars().map(conv).collect()
    } else {
        let mut it = v.chars();
        match it.next() {
            Some(c) => format!("{}{}", conv(c), it.as_str()),
            None => String::new(),
        }
    }
}

/// `${X~~}` / `${X~}`: bash's `sh_modcase` with `CASE_TOGGLE`, one
/// character to one: a character that has a lower case becomes it, else one
/// that has an upper case (`towlower`/`towupper`); `ß` stays.
fn case_toggle(v: &str, all: bool) -> String {
    let toggle = |c: char| -> char {
        let lower = case_conv(c.encode_utf8(&mut [0; 4]), false, true);
        let upper = case_conv(c.encode_utf8(&mut [0; 4]), true, true);
        match (lower.chars().next(), upper.chars().next()) {
            (Some(l), _) if l != c => l,
            (_, Some(u)) => u,
            _ => c,
        }
    };
    if all {
        v.chars().map(toggle).collect()
    } else {
        let mut it = v.chars();
        match it.next() {
            Some(c) => format!("{}{}", toggle(c), it.as_str()),
            None => String::new(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn scalar_param(
    sh: &mut Shell,
    pe: &ParamExp,
    name: &str,
    shown: &str,
    val: Option<String>,
    e: &mut Exp,
    quoted: bool,
    index: Option<&Sub>,
) -> Result<(), Ctl> {
    let set_nonnull = |v: &Option<String>, colon: bool| match v {
        None => false,
        Some(s) => !(colon && s.is_empty()),
    };
    let out: String = match pe.op {
        ParamOp::Plain => match val {
            Some(v) => v,
            None => {
                unbound(sh, shown)?;
                String::new()
            }
        },
        ParamOp::Names { .. } => String::new(),
        ParamOp::Length => match val {
            Some(v) => v.chars().count().to_string(),
            None => {
                unbound(sh, shown)?;
                "0".into()
            }
        },
        ParamOp::Default { colon } => {
            if set_nonnull(&val, colon) {
                val.unwrap_or_default()
            } else {
                return word_into(sh, pe, e, quoted);
            }
        }
        ParamOp::Alt { colon } => {
            if set_nonnull(&val, colon) {
                return word_into(sh, pe, e, quoted);
            } else {
                String::new()
            }
        }
        ParamOp::Assign { colon } => {
            if set_nonnull(&val, colon) {
                val.unwrap_or_default()
            } else {
                let w = match &pe.word {
                    Some(w) => expand_single(sh, w)?,
                    None => String::new(),
                };
                if name.parse::<usize>().is_ok() || !is_name(name) {
                    sh.error(&format!("${name}: cannot assign in this way"));
                    return Err(Ctl::Abort(1));
                }
                let r = match index {
                    Some(Sub::Idx(i)) => sh.set_elem(name, *i, w.clone()),
                    Some(Sub::Key(k)) => sh.assoc_set(name, k.clone(), w.clone()),
                    _ => sh.set_var(name, w.clone()),
                };
                if let Err(m) = r {
                    sh.error(&m);
                    return Err(Ctl::Abort(1));
                }
                w
            }
        }
        ParamOp::Error { colon } => {
            if set_nonnull(&val, colon) {
                val.unwrap_or_default()
            } else {
                let msg = match &pe.word {
                    Some(w) => expand_single(sh, w)?,
                    None => String::new(),
                };
                let msg = if msg.is_empty() {
                    if colon {
                        "parameter null or not set".to_string()
                    } else {
                        "parameter not set".to_string()
                    }
                } else {
                    msg
                };
                sh.error(&format!("{shown}: {msg}"));
                return Err(Ctl::Exit(sh.expansion_fatal_status()));
            }
        }
        ParamOp::StripPrefix { longest } | ParamOp::StripSuffix { longest } => {
            let v = set_or_unbound(sh, shown, val)?;
            let pat = match &pe.word {
                Some(w) => expand_pattern(sh, w)?,
                None => String::new(),
            };
            if matches!(pe.op, ParamOp::StripPrefix { .. }) {
                pattern::strip_prefix(&pat, &v, longest)
            } else {
                pattern::strip_suffix(&pat, &v, longest)
            }
        }
        ParamOp::Subst { all, anchor } => {
            let v = set_or_unbound(sh, shown, val)?;
            let pat = match &pe.word {
                Some(w) => expand_pattern(sh, w)?,
                None => String::new(),
            };
            // `patsub_replacement`: an unquoted `&` is the match.
            let amp = sh.shopts.patsub_replacement;
            let rep = match &pe.word2 {
                Some(w) if amp => expand_replacement(sh, w)?,
                Some(w) => expand_single(sh, w)?,
                None => String::new(),
            };
            // `nocasematch` applies to `${X/p/r}`, not to `${X#p}` (bash).
            pattern::with_case(sh.shopts.nocasematch, || {
                if amp {
                    pattern::replace_with(
                        &pat,
                        &v,
                        |m| pattern::amp_replacement(&rep, m),
                        all,
                        anchor,
                    )
                } else {
                    pattern::replace(&pat, &v, &rep, all, anchor)
                }
            })
        }
        ParamOp::Slice => {
            let v = set_or_unbound(sh, shown, val)?;
            let chars: Vec<char> = v.chars().collect();
            let len = chars.len() as i64;
            let num = |sh: &mut Shell, w: &Option<Word>| -> Result<Option<i64>, Ctl> {
                match w {
                    Some(w) => {
                        let t = expand_single(sh, w)?;
                        Ok(Some(arith_eval(sh, &t)?))
                    }
                    None => Ok(None),
                }
            };
            let mut off = num(sh, &pe.word)?.unwrap_or(0);
            if off < 0 {
                off += len;
            }
            let end = match num(sh, &pe.word2)? {
                None => len,
                Some(l) if l < 0 => {
                    let end = len + l;
                    if end < off.max(0) && off <= len && off >= 0 {
                        let t = pe.word2.as_ref().map(|w| w.to_string()).unwrap_or_default();
                        sh.error(&format!("{t}: substring expression < 0"));
                        return Err(Ctl::Abort(1));
                    }
                    end
                }
                Some(l) => off.saturating_add(l),
            };
            if off < 0 || off > len {
                String::new()
            } else {
                chars[off as usize..end.clamp(off, len) as usize]
                    .iter()
                    .collect()
            }
        }
        ParamOp::Case { .. } | ParamOp::Toggle { .. } => {
            let v = set_or_unbound(sh, shown, val)?;
            let pat = case_pattern(sh, pe)?;
            modcase(&v, pe.op, pat.as_deref())
        }
        // The attributes even of a variable without a value (`declare -A
        // m`); an unset variable otherwise gives nothing (not `''`).
        ParamOp::Transform('a') => transform(sh, name, "", 'a'),
        // A variable declared without a value: `declare -a x`.
        ParamOp::Transform('A') if val.is_none() => sh
            .vars
            .get(sh.resolve(name).as_ref())
            .map(|v| format!("declare -{} {name}", super::attrs::letters(v)))
            .unwrap_or_default(),
        ParamOp::Transform(c) => match val {
            Some(v) => transform(sh, name, &v, c),
            None => {
                unbound(sh, shown)?;
                String::new()
            }
        },
    };
    if quoted {
        e.push_text(&out, true);
    } else {
        e.push_expansion(&out);
    }
    Ok(())
}

fn word_into(sh: &mut Shell, pe: &ParamExp, e: &mut Exp, quoted: bool) -> Result<(), Ctl> {
    if let Some(w) = &pe.word {
        if quoted {
            // Inside "…" the word is expanded as if double-quoted.
            let mut sub = Exp::new(false, String::new());
            parts(sh, &w.parts, &mut sub, true, false)?;
            e.push_text(&sub.cur.text, true);
        } else {
            // Unquoted, the word's own text is split as well.
            for p in &w.parts {
                match p {
                    WordPart::Lit(s) => e.push_expansion(s),
                    other => parts(sh, std::slice::from_ref(other), e, false, false)?,
                }
            }
        }
    } else if quoted {
        e.push_text("", true);
    }
    Ok(())
}

/// A parameter's value for an operator on it: unset is empty, or the
/// `set -u` error.
fn set_or_unbound(sh: &mut Shell, name: &str, val: Option<String>) -> Result<String, Ctl> {
    match val {
        Some(v) => Ok(v),
        None => {
            unbound(sh, name)?;
            Ok(String::new())
        }
    }
}

fn unbound(sh: &mut Shell, name: &str) -> Result<(), Ctl> {
    if sh.opts.nounset && name != "@" && name != "*" {
        sh.error(&format!("{name}: unbound variable"));
        return Err(Ctl::Exit(sh.expansion_fatal_status()));
    }
    Ok(())
}

pub fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch == '_' || ch.is_ascii_alphabetic())
        && c.all(|ch| ch == '_' || ch.is_ascii_alphanumeric())
}

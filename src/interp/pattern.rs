//! bash pattern matching: `case` patterns, `${X#p}` / `${X%p}`, and
//! pathname expansion.
//!
//! A pattern is a string in which a backslash makes the next character
//! literal; the expander escapes quoted text before calling in here.
//!
//! Extended patterns (`shopt -s extglob`; always in `[[ x == p ]]`) are
//! matched by backtracking, as bash's lib/glob/sm_loop.c does, including
//! its habits where they show: a `*` followed by more pattern leaves it a
//! non-empty rest, and `${X/p/r}` first tries `*p*` on the whole text
//! (subst.c: match_upattern). Patterns without them keep the iterative
//! single-star matcher. `globstar` makes a `**` component match any depth
//! of directories (without following symbolic links, as bash 4.3 on).

/// One element of a compiled pattern.
#[derive(Debug, Clone)]
enum Tok {
    Char(char),
    Any,
    Star,
    /// A bracket expression: negated?, items.
    Class(bool, Vec<ClassItem>),
    /// An extended pattern (`shopt -s extglob`): `?(…)`, `*(…)`, `+(…)`,
    /// `@(…)` or `!(…)` (the character before the parenthesis) and its
    /// `|`-separated alternatives.
    Ext(char, Vec<Vec<Tok>>),
}

#[derive(Debug, Clone)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Named(String),
}

/// The matching units of `s`: characters in a UTF-8 locale, else bytes
/// (each byte as the char of the same value), as bash in the C locale.
fn units(s: &str, utf8: bool) -> Vec<char> {
    if utf8 {
        s.chars().collect()
    } else {
        s.bytes().map(char::from).collect()
    }
}

fn from_units(u: &[char], utf8: bool) -> String {
    if utf8 {
        u.iter().collect()
    } else {
        let b: Vec<u8> = u.iter().map(|&c| c as u32 as u8).collect();
        String::from_utf8_lossy(&b).into_owned()
    }
}

thread_local! {
    /// Read `?(…)` & co. as extended patterns (`shopt -s extglob`; always
    /// in `[[ == ]]`).
    static EXTGLOB: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `shopt -s extglob` / `-u extglob`.
pub fn set_extglob(on: bool) {
    EXTGLOB.with(|c| c.set(on));
}

/// Run `f` with extended patterns on (`[[ x == pat ]]`: bash 5.2 matches
/// them there whatever `shopt extglob` says).
pub fn with_extglob<T>(f: impl FnOnce() -> T) -> T {
    let old = EXTGLOB.with(|c| c.replace(true));
    let r = f();
    EXTGLOB.with(|c| c.set(old));
    r
}

fn extglob_on() -> bool {
    EXTGLOB.with(|c| c.get())
}

/// The end of the extended pattern whose `(` is at `open`: the index of
/// its `)` and where each alternative starts and ends, or None if the
/// parenthesis is not closed (then the text is literal, as in bash's
/// glob_patscan). Backslashes and bracket expressions are skipped over.
fn ext_end(chars: &[char], open: usize) -> Option<(usize, Vec<(usize, usize)>)> {
    let mut depth = 0usize;
    let mut alts = Vec::new();
    let mut from = open + 1;
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => {
                if let Some((_, next)) = parse_class(chars, i) {
                    i = next;
                    continue;
                }
            }
            '(' => depth += 1,
            '|' if depth == 0 => {
                alts.push((from, i));
                from = i + 1;
            }
            ')' if depth == 0 => {
                alts.push((from, i));
                return Some((i, alts));
            }
            ')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn compile(pat: &str, utf8: bool) -> Vec<Tok> {
    compile_units(&units(pat, utf8), extglob_on())
}

fn compile_units(chars: &[char], ext: bool) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if ext && matches!(chars[i], '?' | '*' | '+' | '@' | '!') && chars.get(i + 1) == Some(&'(')
        {
            if let Some((close, alts)) = ext_end(chars, i + 1) {
                let alts = alts
                    .into_iter()
                    .map(|(a, b)| compile_units(&chars[a..b], ext))
                    .collect();
                out.push(Tok::Ext(chars[i], alts));
                i = close + 1;
                continue;
            }
        }
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(Tok::Char(chars[i + 1]));
                i += 2;
            }
            '*' => {
                if !matches!(out.last(), Some(Tok::Star)) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                i += 1;
            }
            '[' => match parse_class(chars, i) {
                Some((tok, next)) => {
                    out.push(tok);
                    i = next;
                }
                None => {
                    out.push(Tok::Char('['));
                    i += 1;
                }
            },
            c => {
                out.push(Tok::Char(c));
                i += 1;
            }
        }
    }
    out
}

/// Parse `[...]` starting at `start`; None if it is not a complete bracket
/// expression (then `[` is literal).
fn parse_class(chars: &[char], start: usize) -> Option<(Tok, usize)> {
    let mut i = start + 1;
    let mut neg = false;
    if i < chars.len() && (chars[i] == '!' || chars[i] == '^') {
        neg = true;
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && !first {
            return Some((Tok::Class(neg, items), i + 1));
        }
        first = false;
        if c == '[' && i + 1 < chars.len() && matches!(chars[i + 1], ':' | '.' | '=') {
            // [:class:], [.sym.], [=equiv=]
            let kind = chars[i + 1];
            let body = i + 2;
            let end = (body..chars.len().saturating_sub(1))
                .find(|&k| chars[k] == kind && chars[k + 1] == ']');
            if let Some(end) = end {
                let name: String = chars[body..end].iter().collect();
                if kind == ':' {
                    items.push(ClassItem::Named(name));
                } else {
                    let mut it = name.chars();
                    if let (Some(x), None) = (it.next(), it.next()) {
                        items.push(ClassItem::Char(x));
                    }
                }
                i = end + 2;
                continue;
            }
        }
        let lo = if c == '\\' && i + 1 < chars.len() {
            i += 1;
            chars[i]
        } else {
            c
        };
        if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i + 2] != ']' {
            let mut hi = chars[i + 2];
            let mut adv = 3;
            if hi == '\\' && i + 3 < chars.len() {
                hi = chars[i + 3];
                adv = 4;
            }
            items.push(ClassItem::Range(lo, hi));
            i += adv;
        } else {
            items.push(ClassItem::Char(lo));
            i += 1;
        }
    }
    None
}

fn class_matches(neg: bool, items: &[ClassItem], c: char, utf8: bool) -> bool {
    let wide = utf8 && !c.is_ascii();
    let hit = items.iter().any(|it| match it {
        ClassItem::Char(x) => *x == c,
        ClassItem::Range(a, b) => *a <= c && c <= *b,
        ClassItem::Named(n) => match n.as_str() {
            "alpha" => c.is_ascii_alphabetic() || (wide && c.is_alphabetic()),
            "digit" => c.is_ascii_digit(),
            "alnum" => c.is_ascii_alphanumeric() || (wide && c.is_alphanumeric()),
            "upper" => c.is_ascii_uppercase() || (wide && c.is_uppercase()),
            "lower" => c.is_ascii_lowercase() || (wide && c.is_lowercase()),
            "space" => matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'),
            "blank" => c == ' ' || c == '\t',
            "punct" => c.is_ascii_punctuation(),
            "xdigit" => c.is_ascii_hexdigit(),
            "cntrl" => c.is_ascii_control() || (wide && c.is_control()),
            "print" => (' '..='~').contains(&c) || (wide && !c.is_control()),
            "graph" => c.is_ascii_graphic() || (wide && !c.is_control() && !c.is_whitespace()),
            "word" => c.is_ascii_alphanumeric() || c == '_' || (wide && c.is_alphanumeric()),
            _ => false,
        },
    });
    hit != neg
}

thread_local! {
    /// Match without regard to case (`nocasematch`, `nocaseglob`).
    static NOCASE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with case-insensitive matching on or off.
pub fn with_case<T>(nocase: bool, f: impl FnOnce() -> T) -> T {
    let old = NOCASE.with(|c| c.replace(nocase));
    let r = f();
    NOCASE.with(|c| c.set(old));
    r
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Does the one-character token `tok` match `c`?
fn tok_matches(tok: &Tok, c: char, nocase: bool, utf8: bool) -> bool {
    match tok {
        Tok::Char(x) => *x == c || nocase && fold(*x) == fold(c),
        Tok::Any => true,
        Tok::Class(neg, items) if nocase => {
            let lo = c.to_lowercase().next().unwrap_or(c);
            let up = c.to_uppercase().next().unwrap_or(c);
            let hit = |x| class_matches(false, items, x, utf8);
            (hit(c) || hit(lo) || hit(up)) != *neg
        }
        Tok::Class(neg, items) => class_matches(*neg, items, c, utf8),
        Tok::Star | Tok::Ext(..) => false,
    }
}

/// The matcher for patterns holding extended patterns: backtracking over
/// where each `*` and extended pattern ends (as bash's extmatch does).
fn match_ext(toks: &[Tok], text: &[char], nocase: bool, utf8: bool) -> bool {
    let Some((tok, rest)) = toks.split_first() else {
        return text.is_empty();
    };
    let any_alt =
        |alts: &[Vec<Tok>], s: &[char]| alts.iter().any(|a| match_ext(a, s, nocase, utf8));
    match tok {
        Tok::Star if rest.iter().all(|t| matches!(t, Tok::Star)) => true,
        Tok::Star if matches!(rest.first(), Some(Tok::Star)) => match_ext(rest, text, nocase, utf8),
        // bash's gmatch: a `*` followed by more of the pattern leaves it a
        // non-empty rest of the text (`hello` does not match `*@(|x)`),
        // except for a `?(…)` or `*(…)` that may match nothing and, at the
        // end of the text, a `!(…)`.
        Tok::Star => match rest.first() {
            Some(Tok::Ext('?' | '*', _)) => {
                (0..text.len()).any(|k| match_ext(rest, &text[k..], nocase, utf8)) || {
                    // No occurrence: `*` and the rest after it.
                    let mut star_rest = vec![Tok::Star];
                    star_rest.extend_from_slice(&rest[1..]);
                    match_ext(&star_rest, text, nocase, utf8)
                }
            }
            Some(Tok::Ext('!', _)) if text.is_empty() => match_ext(rest, text, nocase, utf8),
            _ => (0..text.len()).any(|k| match_ext(rest, &text[k..], nocase, utf8)),
        },
        Tok::Ext(kind, alts) => match kind {
            '@' | '?' => {
                (*kind == '?' && match_ext(rest, text, nocase, utf8))
                    || (0..=text.len()).any(|k| {
                        any_alt(alts, &text[..k]) && match_ext(rest, &text[k..], nocase, utf8)
                    })
            }
            '!' => (0..=text.len())
                .any(|k| !any_alt(alts, &text[..k]) && match_ext(rest, &text[k..], nocase, utf8)),
            // `*(…)`: zero or more; `+(…)`: one or more. Each repetition
            // takes at least one character (an empty one adds nothing).
            _ => {
                if *kind == '*' && match_ext(rest, text, nocase, utf8) {
                    return true;
                }
                (1..=text.len()).any(|k| {
                    any_alt(alts, &text[..k])
                        && (match_ext(rest, &text[k..], nocase, utf8)
                            || match_ext(toks, &text[k..], nocase, utf8))
                }) || (*kind == '+' && any_alt(alts, &[]) && match_ext(rest, text, nocase, utf8))
            }
        },
        t => {
            !text.is_empty()
                && tok_matches(t, text[0], nocase, utf8)
                && match_ext(rest, &text[1..], nocase, utf8)
        }
    }
}

fn match_toks(toks: &[Tok], text: &[char], utf8: bool) -> bool {
    let nocase = NOCASE.with(|c| c.get());
    if toks.iter().any(|t| matches!(t, Tok::Ext(..))) {
        return match_ext(toks, text, nocase, utf8);
    }
    // Iterative matcher with single-star backtracking (classic wildcard).
    let (mut t, mut s) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while s < text.len() {
        if t < toks.len() {
            let ok = match &toks[t] {
                Tok::Star => {
                    star = Some((t, s));
                    t += 1;
                    continue;
                }
                tok => tok_matches(tok, text[s], nocase, utf8),
            };
            if ok {
                t += 1;
                s += 1;
                continue;
            }
        }
        match star {
            Some((st, ss)) => {
                t = st + 1;
                s = ss + 1;
                star = Some((st, ss + 1));
            }
            None => return false,
        }
    }
    while t < toks.len() && matches!(toks[t], Tok::Star) {
        t += 1;
    }
    t == toks.len()
}

/// Does the whole of `text` match `pat`?
pub fn fnmatch(pat: &str, text: &str) -> bool {
    let utf8 = super::printf::utf8_locale();
    let toks = compile(pat, utf8);
    match_toks(&toks, &units(text, utf8), utf8)
}

/// [`fnmatch`], ignoring case when `nocase` (`shopt -s nocasematch` in
/// `case` and `[[ == ]]`).
pub fn fnmatch_case(pat: &str, text: &str, nocase: bool) -> bool {
    if !nocase {
        return fnmatch(pat, text);
    }
    with_case(true, || fnmatch(pat, text))
}

/// `${X#pat}` (shortest) / `${X##pat}` (longest).
pub fn strip_prefix(pat: &str, text: &str, longest: bool) -> String {
    let utf8 = super::printf::utf8_locale();
    let toks = compile(pat, utf8);
    let chars = units(text, utf8);
    let mut lens: Vec<usize> = (0..=chars.len()).collect();
    if longest {
        lens.reverse();
    }
    for n in lens {
        if match_toks(&toks, &chars[..n], utf8) {
            return from_units(&chars[n..], utf8);
        }
    }
    text.to_string()
}

/// `${X/pat/rep}`: the longest match of `pat` replaced by `rep` — the
/// first match, every match (`all`), or only at the start (`anchor` `#`)
/// or the end (`%`). An empty pattern replaces nothing.
pub fn replace(pat: &str, text: &str, rep: &str, all: bool, anchor: Option<char>) -> String {
    replace_with(pat, text, |_| rep.to_string(), all, anchor)
}

/// bash's `patsub_replacement` (its `strcreplace`): in `rep`, where the
/// expansion put a backslash before quoted `&` and backslashes, an
/// unescaped `&` stands for the matched text and a backslash before `&` or
/// a backslash is removed; other backslashes stay.
pub fn amp_replacement(rep: &str, matched: &str) -> String {
    let mut out = String::new();
    let mut chars = rep.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str(matched),
            '\\' if matches!(chars.peek(), Some('&' | '\\')) => {
                out.extend(chars.next());
            }
            c => out.push(c),
        }
    }
    out
}

/// [`replace`] with the replacement made from the matched text.
pub fn replace_with(
    pat: &str,
    text: &str,
    rep: impl Fn(&str) -> String,
    all: bool,
    anchor: Option<char>,
) -> String {
    let utf8 = super::printf::utf8_locale();
    if pat.is_empty() {
        // `${X/#/r}` and `${X/%/r}` insert at the start or the end (the
        // match is empty).
        return match anchor {
            Some('#') => format!("{}{text}", rep("")),
            Some(_) => format!("{text}{}", rep("")),
            None => text.to_string(),
        };
    }
    let toks = compile(pat, utf8);
    let chars = units(text, utf8);
    let n = chars.len();
    if !quick_match(&toks, &chars, anchor, utf8) {
        return text.to_string();
    }
    let matches = |s: usize, e: usize| match_toks(&toks, &chars[s..e], utf8);
    // bash (subst.c: match_pattern_char) lets only a pattern starting with
    // `*` match the empty string at a position of `/` and `/#`.
    let star_first = matches!(toks.first(), Some(Tok::Star | Tok::Ext('*', _)));
    if n == 0 {
        return if (star_first || anchor == Some('%')) && matches(0, 0) {
            rep("")
        } else {
            String::new()
        };
    }
    match anchor {
        Some('#') => {
            for e in (0..=n).rev() {
                if matches(0, e) {
                    let r = rep(&from_units(&chars[..e], utf8));
                    return format!("{r}{}", from_units(&chars[e..], utf8));
                }
            }
            text.to_string()
        }
        Some(_) => {
            for s in 0..=n {
                if matches(s, n) {
                    let r = rep(&from_units(&chars[s..], utf8));
                    return format!("{}{r}", from_units(&chars[..s], utf8));
                }
            }
            text.to_string()
        }
        None => {
            // bash's pat_subst: the first position with a match, its
            // longest match replaced; after an empty match one character
            // is copied.
            let mut out = String::new();
            let mut i = 0;
            while i < n {
                let hit = if i > 0 && !quick_match(&toks, &chars[i..], None, utf8) {
                    None
                } else {
                    (i..=n).find_map(|p| {
                        if p == n && !star_first {
                            return None;
                        }
                        (p..=n).rev().find(|&e| matches(p, e)).map(|e| (p, e))
                    })
                };
                let Some((p, e)) = hit else {
                    break;
                };
                out.push_str(&from_units(&chars[i..p], utf8));
                out.push_str(&rep(&from_units(&chars[p..e], utf8)));
                i = e;
                if !all {
                    break;
                }
                if p == e && i < n {
                    out.push_str(&from_units(&chars[i..i + 1], utf8));
                    i += 1;
                }
            }
            out.push_str(&from_units(&chars[i.min(n)..], utf8));
            out
        }
    }
}

/// bash's first test in `${X/pat/rep}` (subst.c: match_upattern): does
/// `*pat*` (`pat*` for `/#`, `*pat` for `/%`) match the whole text? With
/// extended patterns this can say no where a match exists, as a `*`
/// followed by more pattern never leaves it an empty rest (`hello` has no
/// match of `!(*o)` at its end for bash).
fn quick_match(toks: &[Tok], text: &[char], anchor: Option<char>, utf8: bool) -> bool {
    if !toks.iter().any(|t| matches!(t, Tok::Ext(..))) {
        return true;
    }
    let mut wrapped = Vec::with_capacity(toks.len() + 2);
    if anchor != Some('#') && !matches!(toks.first(), Some(Tok::Star)) {
        wrapped.push(Tok::Star);
    }
    wrapped.extend_from_slice(toks);
    if anchor != Some('%') && !matches!(toks.last(), Some(Tok::Star)) {
        wrapped.push(Tok::Star);
    }
    match_toks(&wrapped, text, utf8)
}

/// `${X%pat}` (shortest) / `${X%%pat}` (longest).
pub fn strip_suffix(pat: &str, text: &str, longest: bool) -> String {
    let utf8 = super::printf::utf8_locale();
    let toks = compile(pat, utf8);
    let chars = units(text, utf8);
    let mut starts: Vec<usize> = (0..=chars.len()).collect();
    if !longest {
        starts.reverse();
    }
    for n in starts {
        if match_toks(&toks, &chars[n..], utf8) {
            return from_units(&chars[..n], utf8);
        }
    }
    text.to_string()
}

/// Does `pat` contain an unescaped glob character or the start of an
/// extended pattern?
pub fn has_glob(pat: &str) -> bool {
    let chars: Vec<char> = pat.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '*' | '?' => return true,
            // bash's glob_pattern_p, whatever `shopt extglob` says.
            '+' | '@' | '!' if chars.get(i + 1) == Some(&'(') => return true,
            '[' => {
                if parse_class(&chars, i).is_some() {
                    return true;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    false
}

/// Remove pattern escapes: the literal text of a pattern.
pub fn unescape(pat: &str) -> String {
    let mut out = String::new();
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `shopt` options of pathname expansion.
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobOpts {
    /// `dotglob`: `*` also matches names starting with `.`.
    pub dotglob: bool,
    /// `nocaseglob`.
    pub nocase: bool,
    /// `globskipdots` off: a pattern starting with `.` matches `.` and `..`.
    pub dots: bool,
    /// `globstar`: a component `**` matches any number of directories.
    pub globstar: bool,
}

/// Does the pattern begin with an explicit `.` (then it may match names
/// starting with one)? bash 5.2 also looks into the alternatives of a
/// leading `@(…)`, `?(…)`, `*(…)`, `+(…)`: `@(.a|b)` matches `.a`.
fn dot_explicit(toks: &[Tok]) -> bool {
    match toks.first() {
        Some(Tok::Char('.')) => true,
        Some(Tok::Ext(k, alts)) if *k != '!' => alts.iter().any(|a| dot_explicit(a)),
        _ => false,
    }
}

/// The pattern a name starting with `.` is matched with: only the
/// alternatives of a leading extended pattern that begin with an explicit
/// `.` (bash: `@(.a|*)` matches `.a` but not `.b`).
fn dot_alternatives(toks: &[Tok]) -> Vec<Tok> {
    let mut out = toks.to_vec();
    if let Some(Tok::Ext(k, alts)) = out.first_mut() {
        if *k != '!' {
            *alts = alts
                .iter()
                .filter(|a| dot_explicit(a))
                .map(|a| dot_alternatives(a))
                .collect();
        }
    }
    out
}

/// The names below `dir` (written `prefix` in the results), depth first
/// and sorted in each directory, each with whether it is a directory.
/// Symbolic links are listed but not followed (bash 4.3 and later).
fn walk(prefix: &str, dotglob: bool, out: &mut Vec<(String, bool)>) {
    let dir = if prefix.is_empty() { "." } else { prefix };
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<(String, bool)> = rd
        .flatten()
        .filter_map(|e| {
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            e.file_name().into_string().ok().map(|n| (n, is_dir))
        })
        .filter(|(n, _)| dotglob || !n.starts_with('.'))
        .collect();
    names.sort();
    for (name, is_dir) in names {
        let p = format!("{prefix}{name}");
        out.push((p.clone(), is_dir));
        if is_dir {
            walk(&format!("{p}/"), dotglob, out);
        }
    }
}

/// Pathname expansion of `pat`, sorted as bash sorts in the C locale; empty
/// when nothing matches. The text of the pattern outside the matched names
/// (`./`, `//`) is kept as written.
pub fn glob(pat: &str) -> Vec<String> {
    glob_names(pat, GlobOpts::default())
}

/// [`glob`] under `shopt` options.
pub fn glob_with(pat: &str, opts: GlobOpts) -> Vec<String> {
    with_case(opts.nocase, || glob_names(pat, opts))
}

fn glob_names(pat: &str, opts: GlobOpts) -> Vec<String> {
    let utf8 = super::printf::utf8_locale();
    // Leading slashes, then (component, following slashes) pairs.
    let lead = pat.len() - pat.trim_start_matches('/').len();
    let prefix = &pat[..lead];
    let mut comps: Vec<(String, String)> = Vec::new();
    let mut cur = String::new();
    let mut sep = String::new();
    let mut chars = pat[lead..].chars();
    while let Some(c) = chars.next() {
        match c {
            '/' => sep.push('/'),
            _ => {
                if !sep.is_empty() {
                    comps.push((std::mem::take(&mut cur), std::mem::take(&mut sep)));
                }
                cur.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                }
            }
        }
    }
    if !cur.is_empty() || !sep.is_empty() {
        comps.push((cur, sep));
    }
    let mut results: Vec<String> = vec![prefix.to_string()];
    let n = comps.len();
    for (idx, (comp, sep)) in comps.iter().enumerate() {
        let last = idx + 1 == n;
        // A name followed by a slash must be a directory.
        let need_dir = !last || !sep.is_empty();
        let mut next = Vec::new();
        if opts.globstar && comp == "**" {
            for base in &results {
                let mut below = Vec::new();
                walk(base, opts.dotglob, &mut below);
                if last && sep.is_empty() {
                    // `**` at the end: every file and directory below.
                    if !base.is_empty() {
                        next.push(base.clone());
                    }
                    next.extend(below.into_iter().map(|(p, _)| p));
                    continue;
                }
                // `**/`: zero or more directories (`DIR/**`: DIR/ too).
                if !last || !base.is_empty() {
                    next.push(base.clone());
                }
                next.extend(
                    below
                        .into_iter()
                        .filter(|(_, d)| *d)
                        .map(|(p, _)| format!("{p}{sep}")),
                );
            }
            results = next;
            continue;
        }
        if !has_glob(comp) {
            let lit = unescape(comp);
            for base in &results {
                let p = format!("{base}{lit}");
                if !last {
                    next.push(format!("{p}{sep}"));
                } else if need_dir {
                    if std::path::Path::new(&p).is_dir() {
                        next.push(format!("{p}{sep}"));
                    }
                } else if std::fs::symlink_metadata(&p).is_ok() {
                    next.push(p);
                }
            }
            results = next;
            continue;
        }
        let toks = compile(comp, utf8);
        let explicit_dot = dot_explicit(&toks);
        let dot_toks = dot_alternatives(&toks);
        for base in &results {
            let dir = if base.is_empty() { "." } else { base.as_str() };
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let dots = if explicit_dot && opts.dots {
                vec![".".to_string(), "..".to_string()]
            } else {
                Vec::new()
            };
            let mut names: Vec<String> = rd
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .chain(dots)
                .filter(|n| !n.starts_with('.') || explicit_dot || opts.dotglob)
                .filter(|n| {
                    let toks = if n.starts_with('.') && !opts.dotglob {
                        &dot_toks
                    } else {
                        &toks
                    };
                    match_toks(toks, &units(n, utf8), utf8)
                })
                .collect();
            names.sort();
            for name in names {
                let p = format!("{base}{name}");
                if need_dir {
                    if std::path::Path::new(&p).is_dir() {
                        next.push(format!("{p}{sep}"));
                    }
                } else {
                    next.push(p);
                }
            }
        }
        results = next;
    }
    if results.len() == 1 && results[0] == prefix && comps.is_empty() {
        return Vec::new();
    }
    results.sort();
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_matching() {
        assert!(fnmatch("*.sh", "a.sh"));
        assert!(!fnmatch("*.sh", "a.py"));
        assert!(fnmatch("veth[0-9]", "veth3"));
        assert!(fnmatch("[!a]*", "bcd"));
        assert!(fnmatch("a\\*", "a*"));
        assert!(!fnmatch("a\\*", "ab"));
        assert!(fnmatch("ns?-*", "ns1-ext"));
        assert!(fnmatch("[[:digit:]]x", "5x"));
    }

    /// `fnmatch` with `shopt -s extglob`.
    fn ext(pat: &str, text: &str) -> bool {
        with_extglob(|| fnmatch(pat, text))
    }

    #[test]
    fn extended_patterns() {
        assert!(ext("a@(b|x)c", "abc") && ext("a@(b|x)c", "axc") && !ext("a@(b|x)c", "ac"));
        assert!(ext("*(ab)", "") && ext("*(ab)", "abab") && !ext("*(ab)", "aba"));
        assert!(!ext("+(ab)", "") && ext("+(ab)", "ab") && ext("+(ab|c)", "abcab"));
        assert!(ext("?(ab)", "") && ext("?(ab)", "ab") && !ext("?(ab)", "abab"));
        assert!(ext("!(ab)", "a") && ext("!(ab)", "") && !ext("!(ab)", "ab"));
        assert!(ext("!(*.md)", "a.txt") && !ext("!(*.md)", "a.md"));
        assert!(ext("@(a@(b|x)c)+(abc)", "abcabc"), "nested");
        assert!(ext("@([xy]|z)", "y") && ext("@(a\\|b)", "a|b") && !ext("@(a\\|b)", "a"));
        // Not closed: literal.
        assert!(ext("@(a", "@(a") && !ext("@(a", "a"));
        // Off: literal too.
        assert!(fnmatch("@(a)", "@(a)") && !fnmatch("@(a)", "a"));
        // bash's `*` followed by more pattern leaves it a non-empty rest.
        assert!(!ext("*@(|x)", "hello") && !ext("*!(*o)", "hello") && ext("*!(x)", "hello"));
        assert!(ext("*?(x)", "hello") && ext("a*!(x)", "a") && !ext("a*@(|x)", "a"));
    }

    #[test]
    fn extended_replacement_follows_bash() {
        let r = |pat: &str, text: &str, all, anchor| {
            with_extglob(|| replace(pat, text, "_", all, anchor))
        };
        assert_eq!(r("?(b)", "hello", true, None), "_h_e_l_l_o");
        assert_eq!(r("?(b)", "aab", true, None), "_a_a_");
        assert_eq!(r("!(*o)", "hello", false, Some('%')), "hello");
        assert_eq!(r("@(l|o)", "hello", true, None), "he___");
        assert_eq!(r("*(a)", "", true, None), "_");
        assert_eq!(r("!(x)", "", true, None), "");
        assert_eq!(replace("*", "", "x", true, None), "x");
    }

    #[test]
    fn strip() {
        assert_eq!(strip_prefix("*/", "a/b/c", false), "b/c");
        assert_eq!(strip_prefix("*/", "a/b/c", true), "c");
        assert_eq!(strip_suffix(".*", "f.tar.gz", false), "f.tar");
        assert_eq!(strip_suffix(".*", "f.tar.gz", true), "f");
    }
}

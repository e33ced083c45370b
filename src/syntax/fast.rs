//! A hand-written reading of `grammar/shell.pest` for the constructs long
//! scripts are made of: simple commands, words with quotes, parameters,
//! `$(…)` and `$((…))`, pipelines, and-or lists, `if`, `for`, `while`,
//! `until`, `case`, brace groups, subshells and function definitions.
//!
//! pest stays the definition of the language. This reader follows the
//! grammar rule by rule as a PEG does (ordered choice, greedy repetition,
//! the implicit `WHITESPACE`/`COMMENT` skip between the elements of a
//! non-atomic rule, which is why spans end where pest's end), and builds the
//! AST the pest builder would, spans included. Whatever it does not read
//! itself (here-documents, backticks, `${X/p/r}` and the other rarer
//! parameter forms, `(( ))`, `for ((…))`, `[[ ]]`, `select`, `coproc`) or
//! cannot parse, it hands back:
//! the top-level command it stands in goes to pest, from the start of its
//! line, in runs. A run that stops inside a construct later lines finish (a
//! quote, a here-document, a trailing `\`) grows, doubling, until it
//! parses; any other syntax error gives up (`None`), and the caller parses
//! the whole text with pest, which finds the error bash would report first.
//! The tests build every script of the repository, a corpus of snippets and
//! thousands of random texts both ways and compare the ASTs.
//!
//! Why: pest costs ~100 rule calls and ~12 µs a line of this kind; this
//! reader about a tenth of that, which is what lets a 10,000-line script
//! start as fast as bash runs it.

use std::sync::Arc;

use crate::ast::*;
use crate::span::Span;

use super::{at_end_of_input, ends_with_joiner, parse_at, push_lit, push_quoted, Rule};

/// Parse `text` (whose first byte is at `base` in the source): the reader
/// below where it can, pest elsewhere. `None` on any syntax error.
pub(super) fn parse_lines(text: &str, base: usize) -> Option<List> {
    let starts = line_starts(text);
    let mut p = Reader::new(text, base);
    let mut items: Vec<ListItem> = Vec::new();
    loop {
        // The top-level `cmd_list`: blanks, comments and newlines between
        // list items.
        p.skip();
        p.nls();
        p.skip();
        if p.pos >= text.len() {
            break;
        }
        let at = p.pos;
        p.bail = false;
        p.far = at;
        if let Some(item) = p.list_item() {
            if !p.bail {
                items.push(item);
                continue;
            }
        }
        // pest's turn, from the start of the line (and of any command
        // already read that shares a line with it).
        let mut line = line_of(&starts, at);
        while let Some(last) = items.last() {
            if last.span.end - base <= starts[line] {
                break;
            }
            line = line_of(&starts, last.span.start - base);
            items.pop();
        }
        let first = line_of(&starts, p.far.min(text.len().saturating_sub(1))) + 1;
        let (list, next) = pest_run(text, base, &starts, line, first.max(line + 1))?;
        items.extend(list.items);
        p.pos = starts.get(next).copied().unwrap_or(text.len());
    }
    Some(List {
        items,
        span: Span::new(base, base + text.len()),
    })
}

/// Parse lines `from..` with pest, first up to line `to` (exclusive), then
/// doubling while the text stops inside a construct. The list and the
/// line after it.
fn pest_run(
    text: &str,
    base: usize,
    starts: &[usize],
    from: usize,
    mut to: usize,
) -> Option<(List, usize)> {
    let n = starts.len();
    to = to.min(n);
    loop {
        let s = starts[from];
        let end = starts.get(to).copied().unwrap_or(text.len());
        let chunk = &text[s..end];
        match parse_at(chunk, base + s, Rule::program) {
            Ok((list, false))
                if to >= n || (!ends_with_joiner(chunk) && !open_brace_param(chunk)) =>
            {
                return Some((list, to))
            }
            Ok(_) => {}
            Err(e) if at_end_of_input(&e) => {}
            Err(_) => return None,
        }
        if to >= n {
            return None;
        }
        to = (to + (to - from)).min(n);
    }
}

/// Whether `chunk` ends inside a `${…}` (whose word may go on over the
/// next lines: `${x:-` then `+}`), where pest alone would read `${` as
/// text. Quotes, escapes and comments are skipped; a stray `${` only makes
/// the pest run longer.
fn open_brace_param(chunk: &str) -> bool {
    let b = chunk.as_bytes();
    if memchr::memmem::find(b, b"${").is_none() {
        return false;
    }
    let (mut depth, mut dq) = (0usize, false);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'"' => dq = !dq,
            b'\'' if !dq => match memchr::memchr(b'\'', &b[i + 1..]) {
                Some(k) => i += k + 1,
                None => break,
            },
            b'#' if !dq && depth == 0 && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n')) => {
                match memchr::memchr(b'\n', &b[i..]) {
                    Some(k) => i += k,
                    None => break,
                }
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    depth > 0
}

/// The byte offset where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::with_capacity(text.len() / 32 + 1);
    out.push(0);
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        if nl + 1 < text.len() {
            out.push(nl + 1);
        }
    }
    out
}

/// The line holding byte `at`.
fn line_of(starts: &[usize], at: usize) -> usize {
    starts.partition_point(|&s| s <= at).saturating_sub(1)
}

/// `delim` of the grammar (what may follow a reserved word), at `i`.
fn delim_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_none_or(|c| {
        matches!(
            c,
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
        )
    })
}

/// Characters that end a `lit` run (`lit_stop`).
fn lit_stop(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t'
            | b'\n'
            | b';'
            | b'&'
            | b'|'
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'$'
            | b'`'
            | b'\\'
            | b'"'
            | b'\''
    )
}

/// Characters that end a function name (`fname_stop`).
fn fname_stop(c: u8) -> bool {
    lit_stop(c) || c == b'='
}

const RESERVED: [&str; 19] = [
    "if", "in", "then", "elif", "else", "esac", "fi", "for", "function", "do", "done", "case",
    "while", "until", "{", "}", "!", "[[", "]]",
];

/// Which list a caller of [`Reader::dollar`] stands in: the grammar offers
/// different `$` forms in each.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Word,
    Dq,
    ParamWord,
    Arith,
}

struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    base: usize,
    /// Set when the text holds something this reader leaves to pest; the
    /// result of the current top-level command is then thrown away.
    bail: bool,
    /// The furthest offset reached (where pest's run should reach to).
    far: usize,
}

impl<'a> Reader<'a> {
    fn new(s: &'a str, base: usize) -> Self {
        Reader {
            s,
            b: s.as_bytes(),
            pos: 0,
            base,
            bail: false,
            far: 0,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn at(&self, lit: &str) -> bool {
        self.b[self.pos..].starts_with(lit.as_bytes())
    }

    /// A reserved word followed by `delim`.
    fn kw(&self, w: &str) -> bool {
        self.at(w) && delim_at(self.b, self.pos + w.len())
    }

    /// Give the current command to pest. Always `None`.
    fn give_up<T>(&mut self) -> Option<T> {
        self.bail = true;
        self.far = self.far.max(self.pos);
        None
    }

    /// [`Reader::give_up`] where a rule answers with a `bool`.
    fn stop(&mut self) -> bool {
        self.give_up::<()>();
        false
    }

    /// The implicit skip of a non-atomic rule: `WHITESPACE` (blank or
    /// `\`-newline) and `COMMENT`s.
    fn skip(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => {
                    self.pos = memchr::memchr(b'\n', &self.b[self.pos..])
                        .map_or(self.b.len(), |k| self.pos + k)
                }
                _ => break,
            }
        }
    }

    /// `ws*` inside an atomic rule; says whether it consumed anything.
    fn ws(&mut self) -> bool {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                _ => break,
            }
        }
        self.pos > start
    }

    /// `nls`: newlines, with the implicit skip between them.
    fn nls(&mut self) {
        if self.peek() != Some(b'\n') {
            return;
        }
        self.pos += 1;
        loop {
            let save = self.pos;
            self.skip();
            if self.peek() == Some(b'\n') {
                self.pos += 1;
            } else {
                self.pos = save;
                return;
            }
        }
    }

    /// `cmd_list = { nls ~ (list_item ~ nls)* }`. (Vectors here start
    /// with room for one element, not `Vec`'s four: most lists, pipelines
    /// and words hold one, and a 10,000-line script's AST was three times
    /// the memory, paid in page faults.)
    fn cmd_list(&mut self) -> List {
        let start = self.pos;
        self.nls();
        self.skip();
        let mut items = Vec::with_capacity(1);
        while !self.bail {
            let save = self.pos;
            self.skip();
            match self.list_item() {
                Some(item) => {
                    items.push(item);
                    self.skip();
                    self.nls();
                }
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        List {
            items: tight(items),
            span: self.span(start, self.pos),
        }
    }

    /// `list_item = { and_or ~ (amp | semi | &newline | !ANY | &close_tok) }`
    fn list_item(&mut self) -> Option<ListItem> {
        let start = self.pos;
        let and_or = self.and_or()?;
        self.skip();
        let mut background = false;
        match (self.peek(), self.peek_at(1)) {
            (Some(b'&'), n) if !matches!(n, Some(b'&' | b'>')) => {
                background = true;
                self.pos += 1;
            }
            (Some(b';'), n) if !matches!(n, Some(b';' | b'&')) => self.pos += 1,
            (Some(b'\n') | None, _) => {}
            (Some(b')' | b'}' | b'`'), _) => {}
            (Some(b';'), Some(b';' | b'&')) => {}
            // `kw_next`: a reserved word after a compound command.
            (Some(b't' | b'd' | b'f' | b'e'), _)
                if ["then", "do", "done", "fi", "elif", "else", "esac"]
                    .iter()
                    .any(|w| self.kw(w)) =>
            {
                if !super::ends_in_closing_token(&and_or) {
                    return None;
                }
            }
            _ => return None,
        }
        Some(ListItem {
            and_or,
            background,
            span: self.span(start, self.pos),
        })
    }

    /// `and_or = { pipeline ~ (and_or_op ~ nls ~ pipeline)* }`
    fn and_or(&mut self) -> Option<AndOr> {
        let start = self.pos;
        let first = self.pipeline()?;
        self.skip();
        let mut rest = Vec::new();
        loop {
            let save = self.pos;
            self.skip();
            let op = if self.at("&&") {
                AndOrOp::And
            } else if self.at("||") {
                AndOrOp::Or
            } else {
                self.pos = save;
                break;
            };
            self.pos += 2;
            self.skip();
            self.nls();
            self.skip();
            match self.pipeline() {
                Some(p) => rest.push((op, p)),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        Some(AndOr {
            first,
            rest,
            span: self.span(start, self.pos),
        })
    }

    /// `pipeline = { bang? ~ command ~ (pipe_op ~ nls ~ command)* }`
    fn pipeline(&mut self) -> Option<Pipeline> {
        let start = self.pos;
        let bang = self.peek() == Some(b'!') && delim_at(self.b, self.pos + 1);
        if bang {
            self.pos += 1;
        }
        self.skip();
        let mut cmds = vec![self.command()?];
        self.skip();
        loop {
            let save = self.pos;
            self.skip();
            if self.at("|&") {
                return self.give_up();
            }
            if self.peek() != Some(b'|') || self.peek_at(1) == Some(b'|') {
                self.pos = save;
                break;
            }
            self.pos += 1;
            self.skip();
            self.nls();
            self.skip();
            match self.command() {
                Some(c) => cmds.push(c),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        Some(Pipeline {
            bang,
            time: None,
            cmds,
            span: self.span(start, self.pos),
        })
    }

    /// `command`: `(( ))`, `for ((…))`, `[[ ]]`, `select` and `coproc`
    /// go to pest, then a function definition, a compound command, a simple
    /// command.
    fn command(&mut self) -> Option<Command> {
        let start = self.pos;
        if self.at("((")
            || self.kw("[[")
            || self.kw("select")
            || self.kw("time")
            || self.kw("coproc")
            || self.for_arith()
        {
            return self.give_up();
        }
        if self.kw("function") || self.fname_paren() {
            let kind = self.func_def()?;
            return Some(Command {
                kind,
                redirs: Vec::new(),
                span: self.span(start, self.pos),
            });
        }
        if self.kw("{")
            || self.peek() == Some(b'(')
            || self.kw("if")
            || self.kw("for")
            || self.kw("while")
            || self.kw("until")
            || self.kw("case")
        {
            let Some(kind) = self.compound() else {
                return self.give_up();
            };
            let redirs = self.redirects();
            return Some(Command {
                kind,
                redirs,
                span: self.span(start, self.pos),
            });
        }
        let mut s = self.simple_cmd()?;
        s.assigns = tight(s.assigns);
        s.words = tight(s.words);
        s.redirs = tight(s.redirs);
        Some(Command {
            kind: CommandKind::Simple(s),
            redirs: Vec::new(),
            span: self.span(start, self.pos),
        })
    }

    /// `"for" ~ ws* ~ "(("` at the current offset.
    fn for_arith(&mut self) -> bool {
        if !self.at("for") {
            return false;
        }
        let save = self.pos;
        self.pos += 3;
        self.ws();
        let yes = self.at("((");
        self.pos = save;
        yes
    }

    /// The look-ahead `fname_raw ~ ws* ~ "("`.
    fn fname_paren(&mut self) -> bool {
        let save = self.pos;
        while self.peek().is_some_and(|c| !fname_stop(c)) {
            self.pos += 1;
        }
        let named = self.pos > save;
        self.ws();
        let yes = named && self.peek() == Some(b'(');
        self.pos = save;
        yes
    }

    /// `fname`: a name that is not a reserved word.
    fn fname(&mut self) -> Option<String> {
        if self.reserved() {
            return None;
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| !fname_stop(c)) {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.s[start..self.pos].to_string())
    }

    /// `func_def`; any failure is left to pest (it would try the other
    /// alternatives of `command`).
    fn func_def(&mut self) -> Option<CommandKind> {
        let name = if self.kw("function") {
            self.pos += "function".len();
            self.skip();
            let Some(name) = self.fname() else {
                return self.give_up();
            };
            self.skip();
            let save = self.pos;
            if self.peek() == Some(b'(') {
                self.pos += 1;
                self.skip();
                if self.peek() == Some(b')') {
                    self.pos += 1;
                } else {
                    self.pos = save;
                }
            }
            name
        } else {
            let Some(name) = self.fname() else {
                return self.give_up();
            };
            self.skip();
            if self.peek() != Some(b'(') {
                return self.give_up();
            }
            self.pos += 1;
            self.skip();
            if self.peek() != Some(b')') {
                return self.give_up();
            }
            self.pos += 1;
            name
        };
        self.skip();
        self.nls();
        self.skip();
        let start = self.pos;
        let is_compound = self.kw("{")
            || self.peek() == Some(b'(')
            || self.kw("if")
            || self.kw("for")
            || self.kw("while")
            || self.kw("until")
            || self.kw("case");
        if !is_compound || self.for_arith() || self.at("((") {
            return self.give_up();
        }
        let Some(kind) = self.compound() else {
            return self.give_up();
        };
        let span = self.span(start, self.pos);
        let redirs = self.redirects();
        Some(CommandKind::FuncDef {
            name,
            body: Arc::new(Command { kind, redirs, span }),
        })
    }

    /// `redirect*` after a compound command, each after the implicit skip.
    fn redirects(&mut self) -> Vec<Redir> {
        self.skip();
        let mut out = Vec::new();
        loop {
            let save = self.pos;
            self.skip();
            match self.redirect() {
                Some(r) => out.push(r),
                None => {
                    self.pos = save;
                    return out;
                }
            }
        }
    }

    /// The `cmd_list` of a compound command: the builder refuses an empty
    /// one (bash's `compound_list`), so an empty one goes to pest.
    fn compound_list(&mut self) -> Option<List> {
        let l = self.cmd_list();
        (!l.items.is_empty()).then_some(l)
    }

    /// `compound`, at a keyword, `{` or `(` that `command` has seen.
    fn compound(&mut self) -> Option<CommandKind> {
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip();
            let l = self.compound_list()?;
            self.skip();
            return self.eat(b')').then_some(CommandKind::Subshell(l));
        }
        if self.kw("{") {
            self.pos += 1;
            self.skip();
            let l = self.compound_list()?;
            self.skip();
            return self.eat_kw("}").then_some(CommandKind::Brace(l));
        }
        if self.eat_kw("if") {
            let mut branches = Vec::with_capacity(1);
            let mut else_ = None;
            let (c, b) = self.cond_then()?;
            branches.push((c, b));
            loop {
                self.skip();
                if !self.eat_kw("elif") {
                    break;
                }
                let (c, b) = self.cond_then()?;
                branches.push((c, b));
            }
            self.skip();
            if self.eat_kw("else") {
                self.skip();
                else_ = Some(self.compound_list()?);
                self.skip();
            }
            return self
                .eat_kw("fi")
                .then_some(CommandKind::If { branches, else_ });
        }
        if self.eat_kw("for") {
            return self.for_rest();
        }
        for (k, until) in [("while", false), ("until", true)] {
            if self.eat_kw(k) {
                self.skip();
                let cond = self.compound_list()?;
                let body = self.do_group()?;
                return Some(CommandKind::While { cond, body, until });
            }
        }
        if self.eat_kw("case") {
            return self.case_rest();
        }
        None
    }

    fn eat(&mut self, c: u8) -> bool {
        let yes = self.peek() == Some(c);
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn eat_kw(&mut self, w: &str) -> bool {
        let yes = self.kw(w);
        if yes {
            self.pos += w.len();
        }
        yes
    }

    /// `cmd_list ~ k_then ~ cmd_list` after `if`/`elif`.
    fn cond_then(&mut self) -> Option<(List, List)> {
        self.skip();
        let c = self.compound_list()?;
        self.skip();
        if !self.eat_kw("then") {
            return None;
        }
        self.skip();
        let b = self.compound_list()?;
        Some((c, b))
    }

    /// `do_group = _{ k_do ~ cmd_list ~ k_done }`, after the implicit skip.
    fn do_group(&mut self) -> Option<List> {
        self.skip();
        if !self.eat_kw("do") {
            return None;
        }
        self.skip();
        let body = self.compound_list()?;
        self.skip();
        self.eat_kw("done").then_some(body)
    }

    /// `for_cmd` after `for`: `name ~ ((nls ~ k_in ~ word* ~ (semi |
    /// newline) | semi | newline) ~ nls ~ (do_group | brace_group) | nls ~
    /// do_group)`
    fn for_rest(&mut self) -> Option<CommandKind> {
        self.skip();
        let var = self.name()?.to_string();
        self.skip();
        let save = self.pos;
        let mut words = None;
        self.nls();
        self.skip();
        if self.eat_kw("in") {
            let mut ws = Vec::new();
            self.skip();
            loop {
                let s = self.pos;
                self.skip();
                match self.word() {
                    Some(w) => ws.push(w),
                    None => {
                        self.pos = s;
                        break;
                    }
                }
            }
            self.skip();
            if self.semi() || self.eat(b'\n') {
                words = Some(ws);
            }
        }
        // Whether a separator came before the body (a brace group needs one).
        let mut sep = words.is_some();
        if words.is_none() {
            self.pos = save;
            sep = self.semi() || self.peek() == Some(b'\n');
        }
        self.skip();
        self.nls();
        self.skip();
        if sep && self.kw("{") {
            return match self.compound()? {
                CommandKind::Brace(body) => Some(CommandKind::For { var, words, body }),
                _ => None,
            };
        }
        let body = self.do_group()?;
        Some(CommandKind::For { var, words, body })
    }

    /// `semi = @{ ";" ~ !(";" | "&") }`
    fn semi(&mut self) -> bool {
        let yes = self.peek() == Some(b';') && !matches!(self.peek_at(1), Some(b';' | b'&'));
        if yes {
            self.pos += 1;
        }
        yes
    }

    /// `case_cmd` after `case`: `word ~ nls ~ k_in ~ nls ~ case_arm* ~ k_esac`
    fn case_rest(&mut self) -> Option<CommandKind> {
        self.skip();
        let word = self.word()?;
        self.skip();
        self.nls();
        self.skip();
        if !self.eat_kw("in") {
            return None;
        }
        self.skip();
        self.nls();
        let mut arms = Vec::new();
        loop {
            let save = self.pos;
            self.skip();
            match self.case_arm() {
                Some(a) => arms.push(a),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        self.skip();
        self.eat_kw("esac").then_some(CommandKind::Case {
            word,
            arms: tight(arms),
        })
    }

    /// `case_arm = { !k_esac ~ "("? ~ word ~ ("|" ~ word)* ~ ")" ~ cmd_list
    /// ~ (case_end | &k_esac) ~ nls }`
    fn case_arm(&mut self) -> Option<CaseArm> {
        if self.bail || self.kw("esac") {
            return None;
        }
        let start = self.pos;
        self.eat(b'(');
        self.skip();
        let mut patterns = vec![self.word()?];
        loop {
            let save = self.pos;
            self.skip();
            if !self.eat(b'|') {
                self.pos = save;
                break;
            }
            self.skip();
            match self.word() {
                Some(w) => patterns.push(w),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        self.skip();
        if !self.eat(b')') {
            return None;
        }
        self.skip();
        let body = self.cmd_list();
        self.skip();
        let (mut fallthrough, mut test_next) = (false, false);
        if self.at(";;&") {
            test_next = true;
            self.pos += 3;
        } else if self.at(";;") {
            self.pos += 2;
        } else if self.at(";&") {
            fallthrough = true;
            self.pos += 2;
        } else if !self.kw("esac") {
            return None;
        }
        self.skip();
        self.nls();
        Some(CaseArm {
            patterns,
            body,
            fallthrough,
            test_next,
            span: self.span(start, self.pos),
        })
    }

    /// `name = @{ (ASCII_ALPHA | "_") ~ (ASCII_ALPHANUMERIC | "_")* }`
    fn name(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        {
            return None;
        }
        self.pos += 1;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        Some(&self.s[start..self.pos])
    }

    /// `reserved` at the current offset (most words fail on the first
    /// byte).
    fn reserved(&self) -> bool {
        let Some(c) = self.peek() else {
            return false;
        };
        matches!(
            c,
            b'i' | b't'
                | b'e'
                | b'f'
                | b'd'
                | b'c'
                | b'w'
                | b'u'
                | b'{'
                | b'}'
                | b'!'
                | b'['
                | b']'
        ) && RESERVED.iter().any(|w| w.as_bytes()[0] == c && self.kw(w))
    }

    /// `simple_cmd` (compound-atomic: blanks are explicit `ws`).
    fn simple_cmd(&mut self) -> Option<SimpleCmd> {
        let mut s = SimpleCmd::default();
        if self.assign_or_redirect(&mut s) {
            loop {
                let save = self.pos;
                self.ws();
                if !self.assign_or_redirect(&mut s) {
                    self.pos = save;
                    break;
                }
            }
            let save = self.pos;
            if self.ws() && self.peek() != Some(b'#') {
                if let Some(w) = self.cmd_word() {
                    s.words.push(w);
                    self.sc_rest(&mut s);
                    return Some(s);
                }
            }
            self.pos = save;
            return Some(s);
        }
        let w = self.cmd_word()?;
        s.words.push(w);
        self.sc_rest(&mut s);
        Some(s)
    }

    fn assign_or_redirect(&mut self, s: &mut SimpleCmd) -> bool {
        if let Some(a) = self.assignment() {
            s.assigns.push(a);
            return true;
        }
        if let Some(r) = self.redirect() {
            s.redirs.push(r);
            return true;
        }
        false
    }

    /// `sc_rest = _{ (ws* ~ redirect | ws+ ~ !"#" ~ word)* }`
    fn sc_rest(&mut self, s: &mut SimpleCmd) {
        while !self.bail {
            let save = self.pos;
            self.ws();
            if let Some(r) = self.redirect() {
                s.redirs.push(r);
                continue;
            }
            self.pos = save;
            if self.ws() && self.peek() != Some(b'#') {
                if let Some(w) = self.word() {
                    // `declare a=(…)`: an `array_word`, pest's.
                    if self.peek() == Some(b'(') {
                        self.give_up::<()>();
                        break;
                    }
                    s.words.push(w);
                    continue;
                }
            }
            self.pos = save;
            break;
        }
    }

    /// `cmd_word = ${ !reserved ~ word }`
    fn cmd_word(&mut self) -> Option<Word> {
        if self.reserved() {
            return None;
        }
        self.word()
    }

    /// `assignment = ${ name ~ assign_op ~ (array_value | word)? }`
    fn assignment(&mut self) -> Option<Assign> {
        let start = self.pos;
        let Some(name) = self.name() else {
            self.pos = start;
            return None;
        };
        // `NAME[SUB]=…` (or a word `NAME[…]`): pest's.
        if self.peek() == Some(b'[') {
            return self.give_up();
        }
        let append = if self.at("+=") {
            self.pos += 2;
            true
        } else if self.eat(b'=') {
            false
        } else {
            self.pos = start;
            return None;
        };
        if self.peek() == Some(b'(') {
            return self.give_up();
        }
        let value = self.word();
        Some(Assign {
            name: name.to_string(),
            append,
            value,
            span: self.span(start, self.pos),
            index: None,
            array: None,
        })
    }

    /// `redirect`; here-documents and process substitutions go to pest.
    fn redirect(&mut self) -> Option<Redir> {
        let start = self.pos;
        if self.peek() == Some(b'{') {
            // `{NAME}>…`, `{NAME[SUB]}>…` go to pest; `{` otherwise
            // starts no redirect.
            let save = self.pos;
            self.pos += 1;
            let mut named = self.name().is_some();
            if named && self.eat(b'[') {
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, b']' | b'}' | b'\n'))
                {
                    self.pos += 1;
                }
                named = self.eat(b']');
            }
            let named = named && self.eat(b'}');
            let redir = named && matches!(self.peek(), Some(b'<' | b'>'));
            self.pos = save;
            return if redir { self.give_up() } else { None };
        }
        if !self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'<' | b'>' | b'&'))
        {
            return None;
        }
        // io_number = @{ ASCII_DIGIT+ ~ &("<" | ">") }
        let mut fd = None;
        let digits = self.b[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits > 0 && matches!(self.peek_at(digits), Some(b'<' | b'>')) {
            let Ok(n) = self.s[start..start + digits].parse::<i32>() else {
                return self.give_up();
            };
            fd = Some(n);
            self.pos += digits;
        }
        if self.at("<<") && !self.at("<<<") {
            return self.give_up();
        }
        let op = if self.at("<<<") {
            self.pos += 3;
            RedirOp::HereString
        } else {
            let ops: [(&str, RedirOp); 9] = [
                ("&>>", RedirOp::AppendOutErr),
                ("&>", RedirOp::OutErr),
                (">>", RedirOp::Append),
                (">&", RedirOp::DupOut),
                (">|", RedirOp::Clobber),
                (">", RedirOp::Out),
                ("<&", RedirOp::DupIn),
                ("<>", RedirOp::ReadWrite),
                ("<", RedirOp::In),
            ];
            let Some(&(t, op)) = ops.iter().find(|(t, _)| self.at(t)) else {
                self.pos = start;
                return None;
            };
            self.pos += t.len();
            op
        };
        self.ws();
        let Some(target) = self.word() else {
            self.pos = start;
            if self.at("<(") || self.at(">(") {
                return self.give_up();
            }
            return None;
        };
        Some(Redir {
            fd,
            fd_var: None,
            op,
            target,
            delim: None,
            span: self.span(start, self.pos),
        })
    }

    /// `word = ${ word_part+ }`
    fn word(&mut self) -> Option<Word> {
        let start = self.pos;
        let mut parts = Vec::with_capacity(1);
        while !self.bail && self.word_part(&mut parts) {}
        if self.pos == start {
            return None;
        }
        Some(Word {
            parts: tight(parts),
            span: self.span(start, self.pos),
        })
    }

    /// `word_part = _{ lit | &"$" ~ dollar_part | &"\\" ~ (line_cont |
    /// escape) | sq | dq | backtick | proc_in | proc_out }`; the last
    /// two go to pest.
    fn word_part(&mut self, parts: &mut Vec<WordPart>) -> bool {
        let Some(c) = self.peek() else {
            return false;
        };
        match c {
            c if !lit_stop(c) => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| !lit_stop(c)) {
                    self.pos += 1;
                }
                // An extended glob pattern (`@(…)` & co.) goes to pest.
                if self.peek() == Some(b'(')
                    && matches!(self.b[self.pos - 1], b'@' | b'!' | b'?' | b'*' | b'+')
                {
                    return self.stop();
                }
                push_lit(parts, &self.s[start..self.pos]);
                true
            }
            b'$' => self.dollar(parts, In::Word),
            b'\\' => self.escape(parts),
            b'\'' => self.sq(parts),
            b'"' => self.dq(parts),
            b'`' => self.stop(),
            b'<' | b'>' if self.peek_at(1) == Some(b'(') => self.stop(),
            _ => false,
        }
    }

    /// `line_cont | escape` (a word's or a parameter word's `\`).
    fn escape(&mut self, parts: &mut Vec<WordPart>) -> bool {
        let Some(ch) = self.s[self.pos + 1..].chars().next() else {
            return false;
        };
        self.pos += 1 + ch.len_utf8();
        if ch != '\n' {
            parts.push(WordPart::Quoted(ch.to_string()));
        }
        true
    }

    /// `sq = ${ "'" ~ sq_text ~ "'" }`
    fn sq(&mut self, parts: &mut Vec<WordPart>) -> bool {
        let Some(k) = memchr::memchr(b'\'', &self.b[self.pos + 1..]) else {
            return false;
        };
        let t = &self.s[self.pos + 1..self.pos + 1 + k];
        parts.push(WordPart::Quoted(t.to_string()));
        self.pos += k + 2;
        true
    }

    /// `dq = ${ "\"" ~ dq_part* ~ "\"" }`; an unclosed one goes to pest.
    fn dq(&mut self, parts: &mut Vec<WordPart>) -> bool {
        let save = self.pos;
        self.pos += 1;
        let mut inner = Vec::with_capacity(1);
        loop {
            match self.peek() {
                None => {
                    self.pos = save;
                    return self.stop();
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\')
                    if matches!(self.peek_at(1), Some(b'$' | b'`' | b'"' | b'\\' | b'\n')) =>
                {
                    if self.peek_at(1) != Some(b'\n') {
                        push_quoted(&mut inner, &self.s[self.pos + 1..self.pos + 2]);
                    }
                    self.pos += 2;
                }
                Some(b'$') => {
                    if !self.dollar(&mut inner, In::Dq) {
                        return false;
                    }
                }
                Some(b'`') => return self.stop(),
                Some(_) => {
                    // dq_lit: runs of other characters and lone `\`s.
                    let start = self.pos;
                    while let Some(c) = self.peek() {
                        match c {
                            b'"' | b'$' | b'`' => break,
                            b'\\'
                                if matches!(
                                    self.peek_at(1),
                                    Some(b'$' | b'`' | b'"' | b'\\' | b'\n')
                                ) =>
                            {
                                break
                            }
                            _ => self.pos += 1,
                        }
                    }
                    push_quoted(&mut inner, &self.s[start..self.pos]);
                }
            }
            if self.bail {
                return false;
            }
        }
        parts.push(WordPart::Dq(tight(inner)));
        true
    }

    /// A `$` form: which ones the grammar offers depends on where it
    /// stands (`ctx`). Always consumes at least the `$` (`dollar_lit`)
    /// unless it gives up.
    fn dollar(&mut self, parts: &mut Vec<WordPart>, ctx: In) -> bool {
        match self.peek_at(1) {
            Some(b'\'') if matches!(ctx, In::Word | In::ParamWord) => {
                // ansi = ${ "$'" ~ ansi_text ~ "'" }
                let mut i = self.pos + 2;
                while i < self.b.len() && self.b[i] != b'\'' {
                    i += if self.b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= self.b.len() {
                    return self.stop();
                }
                let t = &self.s[self.pos + 2..i];
                parts.push(WordPart::Quoted(crate::interp::printf::ansi_c(t)));
                self.pos = i + 1;
                true
            }
            Some(b'"') if ctx == In::Word => {
                // locale_dq: `$"…"` is `"…"`.
                self.pos += 1;
                self.dq(parts)
            }
            Some(b'(') if self.peek_at(2) == Some(b'(') => {
                if ctx == In::Arith {
                    return self.stop();
                }
                self.arith(parts)
            }
            Some(b'(') => {
                // cmdsub = !{ "$(" ~ cmd_list ~ ")" }
                self.pos += 2;
                self.skip();
                let l = self.cmd_list();
                self.skip();
                if self.bail || !self.eat(b')') {
                    return self.stop();
                }
                parts.push(WordPart::CmdSub(Arc::new(l)));
                true
            }
            Some(b'{') => self.brace_param(parts),
            Some(c @ (b'0'..=b'9' | b'?' | b'$' | b'!' | b'#' | b'@' | b'*' | b'-')) => {
                self.pos += 2;
                parts.push(param(&(c as char).to_string(), ParamOp::Plain, None, false));
                true
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.pos += 1;
                let name = self.name().unwrap_or_default();
                parts.push(param(name, ParamOp::Plain, None, false));
                true
            }
            _ => {
                self.pos += 1;
                push_lit(parts, "$");
                true
            }
        }
    }

    /// `arith = ${ "$((" ~ arith_body ~ "))" }`; a failure goes to pest.
    fn arith(&mut self, parts: &mut Vec<WordPart>) -> bool {
        self.pos += 3;
        let mut inner = Vec::with_capacity(1);
        self.arith_body(&mut inner);
        if self.bail || !self.at("))") {
            return self.stop();
        }
        self.pos += 2;
        parts.push(WordPart::Arith(inner));
        true
    }

    /// `arith_body = ${ (arith_paren | escape | cmdsub | backtick | param |
    /// arith_lit | dollar_lit)* }`, flattened as the builder does.
    fn arith_body(&mut self, out: &mut Vec<WordPart>) {
        while !self.bail {
            match self.peek() {
                None | Some(b')') => return,
                Some(b'(') => {
                    self.pos += 1;
                    push_lit(out, "(");
                    self.arith_body(out);
                    if !self.eat(b')') {
                        self.give_up::<()>();
                        return;
                    }
                    push_lit(out, ")");
                }
                Some(b'\\') => {
                    let Some(ch) = self.s[self.pos + 1..].chars().next() else {
                        return;
                    };
                    let end = self.pos + 1 + ch.len_utf8();
                    push_lit(out, &self.s[self.pos..end]);
                    self.pos = end;
                }
                Some(b'$') => {
                    self.dollar(out, In::Arith);
                }
                Some(b'`' | b'"') => {
                    self.give_up::<()>();
                }
                Some(_) => {
                    let start = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| !matches!(c, b'(' | b')' | b'$' | b'`' | b'\\' | b'"'))
                    {
                        self.pos += 1;
                    }
                    push_lit(out, &self.s[start..self.pos]);
                }
            }
        }
    }

    /// `"${" ~ brace_param ~ "}"`: `${X}`, `${#X}` and the operators with
    /// a word; the other forms go to pest. When it gives up, pest's run
    /// reaches at least the `}` that closes it: the lines before it alone
    /// may parse differently (`${x:-` as literal text).
    fn brace_param(&mut self, parts: &mut Vec<WordPart>) -> bool {
        let save = self.pos;
        let ok = self.brace_param_inner(parts);
        if self.bail {
            let mut depth = 0usize;
            let mut end = self.b.len();
            for (i, &c) in self.b.iter().enumerate().skip(save + 1) {
                match c {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            self.far = self.far.max(end);
        }
        ok
    }

    fn brace_param_inner(&mut self, parts: &mut Vec<WordPart>) -> bool {
        let save = self.pos;
        self.pos += 2;
        // param_len = ${ "#" ~ param_name ~ &"}" }
        if self.peek() == Some(b'#') {
            self.pos += 1;
            if let Some(n) = self.param_name() {
                if self.eat(b'}') {
                    parts.push(param(n, ParamOp::Length, None, true));
                    return true;
                }
            }
            self.pos = save + 2;
        }
        let Some(name) = self.param_name() else {
            self.pos = save;
            return self.stop();
        };
        let (op, word) = match (self.peek(), self.peek_at(1)) {
            (Some(b'}'), _) => (ParamOp::Plain, None),
            (Some(b'/' | b'^' | b',' | b'~'), _) => return self.stop(),
            (Some(b':'), n) if !matches!(n, Some(b'-' | b'=' | b'+' | b'?')) => return self.stop(),
            (Some(c), n) => {
                let colon = c == b':';
                let k = if colon { n } else { Some(c) };
                let double = !colon && self.peek_at(1) == k;
                let op = match k {
                    Some(b'-') => ParamOp::Default { colon },
                    Some(b'=') => ParamOp::Assign { colon },
                    Some(b'+') => ParamOp::Alt { colon },
                    Some(b'?') => ParamOp::Error { colon },
                    Some(b'#') => ParamOp::StripPrefix { longest: double },
                    Some(b'%') => ParamOp::StripSuffix { longest: double },
                    _ => return self.stop(),
                };
                let len = if colon
                    || (double
                        && matches!(
                            op,
                            ParamOp::StripPrefix { .. } | ParamOp::StripSuffix { .. }
                        )) {
                    2
                } else {
                    1
                };
                self.pos += len;
                (op, Some(self.param_word()))
            }
            (None, _) => return self.stop(),
        };
        if self.bail || !self.eat(b'}') {
            return self.stop();
        }
        parts.push(param(name, op, word, true));
        true
    }

    /// `param_name = @{ name | ASCII_DIGIT+ | "?" | "$" | "!" | "#" | "@" |
    /// "*" | "-" }`
    fn param_name(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if let Some(n) = self.name() {
            return Some(n);
        }
        let digits = self.b[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits > 0 {
            self.pos += digits;
            return Some(&self.s[start..self.pos]);
        }
        if matches!(
            self.peek(),
            Some(b'?' | b'$' | b'!' | b'#' | b'@' | b'*' | b'-')
        ) {
            self.pos += 1;
            return Some(&self.s[start..self.pos]);
        }
        None
    }

    /// `param_word = ${ (line_cont | sq | ansi | dq | escape | arith |
    /// cmdsub | backtick | param | brace_lit | dollar_lit)* }`
    fn param_word(&mut self) -> Word {
        let start = self.pos;
        let mut parts = Vec::with_capacity(1);
        while !self.bail {
            let ok = match self.peek() {
                None | Some(b'}') => break,
                Some(b'\\') => self.escape(&mut parts),
                Some(b'\'') => self.sq(&mut parts),
                Some(b'"') => self.dq(&mut parts),
                Some(b'$') => self.dollar(&mut parts, In::ParamWord),
                Some(b'`') => self.stop(),
                Some(_) => {
                    let s = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| !matches!(c, b'}' | b'$' | b'`' | b'\\' | b'"' | b'\''))
                    {
                        self.pos += 1;
                    }
                    push_lit(&mut parts, &self.s[s..self.pos]);
                    true
                }
            };
            if !ok {
                break;
            }
        }
        Word {
            parts,
            span: self.span(start, self.pos),
        }
    }
}

/// `v` without spare capacity (a shrinking `realloc` splits the block in
/// place, and the rest serves the next allocations).
fn tight<T>(mut v: Vec<T>) -> Vec<T> {
    if v.len() < v.capacity() {
        v.shrink_to_fit();
    }
    v
}

fn param(name: &str, op: ParamOp, word: Option<Word>, braced: bool) -> WordPart {
    WordPart::Param(Box::new(ParamExp {
        name: name.to_string(),
        op,
        word,
        word2: None,
        braced,
        index: None,
        indirect: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AST pest builds for `text`, as text (spans included).
    fn by_pest(text: &str) -> String {
        let (list, _) = parse_at(text, 0, Rule::program).expect("pest parses it");
        format!("{:?}", list.items)
    }

    /// The AST of the whole parse path (the reader, pest runs, and pest
    /// alone when a run cannot end, e.g. at an open here-document).
    fn by_lines(text: &str) -> String {
        let list = super::super::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        format!("{:?}", list.items)
    }

    /// Whether the reader reads all of `text` without handing any of it to
    /// pest.
    fn read_alone(text: &str) -> bool {
        let mut p = Reader::new(text, 0);
        loop {
            p.skip();
            p.nls();
            p.skip();
            if p.pos >= text.len() {
                return true;
            }
            if p.list_item().is_none() || p.bail {
                return false;
            }
        }
    }

    fn same(text: &str) {
        assert_eq!(by_lines(text), by_pest(text), "{text:?}");
    }

    #[test]
    fn a_braced_parameter_open_at_a_line_end_goes_on() {
        assert!(open_brace_param("echo ${x:-\n"));
        assert!(!open_brace_param("echo ${x} '${' \"a\" # ${\n"));
        same(" }a${!x}${#x}${x:-\n+}${x}case esac\n");
    }

    #[test]
    fn plain_lines_build_what_pest_builds() {
        let lines = [
            "iptables -A FORWARD -s 10.0.1.0/24 -i veth1 -p tcp --dport 1000 -j ACCEPT",
            "ip link set dev veth0 up",
            "  ip   addr add 192.168.0.1/24 dev veth0   ",
            "\tsysctl -w net.ipv4.ip_forward=1\t",
            "X=1",
            "X=",
            "X+=abc",
            "A=1 B=2 env",
            "A=1 B+= cmd x=y",
            "x==1 y=a=b",
            "x+y=1 arg",
            "1x=2",
            "--opt=value",
            "echo if then done in",
            "e a%b @c d:e f,g h+i",
            "",
            "   ",
        ];
        for l in lines {
            for text in [format!("{l}\n"), l.to_string(), format!("{l}\necho next\n")] {
                same(&text);
                assert!(read_alone(&text), "{text:?}");
            }
        }
        let all: String = lines.iter().map(|l| format!("{l}\n")).collect();
        same(&all);
    }

    /// The constructs the reader reads itself, each checked against pest.
    #[test]
    fn constructs_build_what_pest_builds() {
        let texts = [
            "total=$((total + 12 % 7))\n",
            "if [ \"$total\" -gt 5 ]; then i=$((i+1)); fi\n",
            "case \"x1\" in x1) y=one ;; x2|x3) y=two ;; *) y=other ;; esac\n",
            "printf -v s \"%s-%d\" \"$y\" 4\n",
            "name=\"host5\"; len=${#name}\n",
            "echo a 'b c' \"$x ${y:-d}\" $(ls) $((1 + 2)) $'a\\tb' $\"loc $x\"\n",
            "if a; then b; elif c; then d; else e; fi\n",
            "if a\nthen\n  b\nelif c\nthen\n  d\nelse\n  e\nfi\n",
            "for x in 1 2; do echo $x; done\n",
            "select x in a b; do echo $x; done\necho after\n",
            "f() { select x\nin a\ndo :; done; }; g() select y; { :; }\n",
            "coproc cat; coproc N { a; } 2>/dev/null; coproc N echo; coproc 1x (b) | c\n",
            "exec {COPROC[1]}>&- {a[i+1]}<x; echo {b[1]} >y\n",
            "for x\ndo\n  echo $x\ndone\n",
            "for x; do :; done\n",
            "for x in\ndo :; done\n",
            "for x in a b\ndo\n echo\ndone\n",
            "while read -r a b; do echo \"$a\" >&2; done < file\n",
            "until false; do break; done 2>/dev/null\n",
            "case $x in\n  a|b) echo ab ;;\n  (c) echo c\n    ;;\n  d) ;&\n  e) echo e ;;&\n  *) echo other\nesac\n",
            "case x in esac\n",
            "f() { echo hi; }\n",
            "f () {\n  local a=$1\n  echo \"$a\"\n} > out 2>&1\n",
            "function g { echo g; }\nfunction h() (echo h)\n",
            "f()\n{\n  x=${id:2}\n}\nfunction g\n\n{ echo `g`; }\n",
            "{ a; b; } | c && d || e &\n",
            "( cd /tmp && ls ) ; ! true | false\n",
            "a && \\\n  b\n",
            "a |\n\n  b\n",
            "a &&\n# comment\n  b\n",
            "echo a # comment ; b\n# whole line\n  # indented\n",
            "echo ${x} ${x-} ${x:-} ${x=a} ${x:=a} ${x+a} ${x:+a} ${x?m} ${x:?m}\n",
            "echo ${x#a} ${x##a*} ${x%b} ${x%%b*} ${#x} ${#} ${##} ${#@} ${10} ${?}\n",
            "echo $0 $1 $? $$ $! $# $@ $* $- $_x $x_1 $ a$ \"$\" \"a$\"\n",
            "echo \"a\\\"b\\$c\\\\d\\e\\\nf\" \"${x:-\"q\"}\" \"$(echo \"in\")\"\n",
            "echo ${x:-'a b'} ${x:-$'t'} ${x:-$(echo y)} ${x:-${y:-z}} ${x:-a\\}b}\n",
            "echo $(( (1+2)*3 )) $((x > 3 && x < 10)) $(( $x - ${y} )) $((a\\+b))\n",
            "echo $(a; b\n c) $( ) $(echo $(echo nested))\n",
            "x=$(date) y=\"$(hostname)\" cmd arg >o 2>>e <i 3<>rw 4>&- &>both &>>both2 >|c\n",
            "cat <<< \"here $x\" 2<<<w\n",
            "X=1 Y=2\nX=1 >f\n>f X=1 cmd\n2>&1 cmd\n",
            "X=1 # it's a comment\n{ Y=2 #c\n}\n>f #c\n",
            "echo a\\ b \\$x \\\\ \\\n c\n",
            "echo é 'ü' \"ß\" \\é\n",
            "a=1;b=2;c=3\n",
            "echo }; echo {; echo {a} a}\n",
            "{ echo;}\n",
            "echo a&echo b&\n",
            "a;\nb;\n\n\n",
            "sudo ip netns exec red ping -c 1 10.0.0.2 || exit 1\n",
            "[ -n \"$x\" ] && [ \"$x\" != y ] || echo no\n",
            "trap 'echo bye' EXIT\n",
            "kill $! 2>/dev/null; wait\n",
            "while :; do\n  case $1 in\n    -v) v=1; shift ;;\n    *) break ;;\n  esac\ndone\n",
            "echo \"$(cat <<EOF\nx\nEOF\n)\"\n",
            "echo `date` \"`id`\"\n",
            "echo ${x/a/b} ${x:1:2} ${x^^}\n",
            // A reserved word right after a compound command.
            "if { true; } then echo ok; fi\n",
            "if ( true ) then :; elif (false) then :; else { :; } fi\n",
            "while { false; } do :; done; until (true) do { :; } done\n",
            "if true; then if true; then echo a; fi fi\n",
            "for i in 1; do case $i in 1) echo c;; esac done\n",
            "for i in 1; do for j in 2; do echo $j; done done\n",
            "case x in x) { echo y; } esac\n",
            "if f() { :; } then :; fi\nif a | { b; } && (c) then :; fi\n",
            "if [[ 1 ]] then :; fi; while (( 0 )) do :; done\n",
            // A brace group as the body of `for`.
            "for i in 1 2; { echo $i; }\nfor i; { :; }\nfor i\n{ :; }\n",
            "for i in a\n\n  { :; } >f\nfor i in a;\n# c\n{ :; }\n",
            "cat <<EOF; echo same line\nbody\nEOF\necho after\n",
            "echo one; cat <<'E'\nraw\nE\n",
            "cat <<A; cat <<-'B' | cat 3<<\\C\na\nA\n\tb\n\tB\nc\nC\necho z\n",
            "while read l; do :; done <<A 3<<B\n1\nA\n2\nB\n",
            "if true; then\n  cat <<EOF\n  in if\nEOF\nfi\necho z\n",
            "echo *.@(txt|md) !(a b|\"c)\"|$x) a?(b)c +(x*(y)) ${v#@(a|b)}\n",
            "case $f in @(a|b)) x ;; !(*.sh)|+(z)) y ;; esac\n",
            "!(false); ! (true) | x\n",
            "[[ $x == @(a|b c) && !(y == z) ]]\n",
            "f() { echo @(a); }; a=(1 2) b+=(3)\n",
        ];
        for t in texts {
            same(t);
            same(t.trim_end_matches('\n'));
            let doubled = format!("{t}{t}");
            same(&doubled);
        }
    }

    #[test]
    fn the_benchmark_lines_are_read_without_pest() {
        for t in [
            "x3=42\n",
            "total=$((total + 7 % 7))\n",
            "if [ \"$total\" -gt 8 ]; then i=$((i+1)); fi\n",
            "case \"x4\" in x1) y=one ;; x2|x3) y=two ;; *) y=other ;; esac\n",
            "printf -v s \"%s-%d\" \"$y\" 10\n",
            "name=\"host11\"; len=${#name}\n",
            "f() {\n  local a=\"$1\"\n  for x in $a; do echo \"$x\"; done\n}\n",
            "while [ $n -lt 3 ]; do n=$((n+1)); done\n",
            "if { true; } then echo ok; fi\n",
            "for i in 1; do for j in 2; do echo $j; done done\n",
            "for i in 1 2; { echo $i; }\nfor i\n{ :; }\n",
        ] {
            assert!(read_alone(t), "{t:?}");
        }
        for t in [
            "cat <<EOF\nx\nEOF\n",
            "echo `x`\n",
            "echo ${x/a/b}\n",
            "((i++))\n",
            "for ((i=0; i<2; i++)); do :; done\n",
            "[[ -n $x ]]\n",
            "echo $(( \"1\" + $((2)) ))\n",
            "echo a@(b)\n",
            "case x in *(x)) ;; esac\n",
        ] {
            assert!(!read_alone(t), "{t:?}");
        }
    }

    #[test]
    fn errors_give_up_for_the_whole_parse() {
        for t in [
            "echo a\nfi\necho b\n",
            "if true\nthen\n echo\n",
            "echo 'open\n",
            "cat <<EOF\nno end\n",
            "done\n",
            "x=1 then\n",
            "echo $(\n",
            "a &&\n",
            "f() echo\n",
            "case x in a) b ;; \n",
            "echo a=(1 2)\n",
            "if then echo X; fi\n",
            "while do :; done\n",
            "if true; then x=1 fi\n",
            "{ true; } >f then\n",
            "for i { :; }\n",
            "{ }\n",
        ] {
            assert!(parse_lines(t, 0).is_none(), "{t:?}");
        }
    }

    /// Every script in the tree (tutorials, the shell corpus, benchmarks).
    #[test]
    fn the_repository_scripts_build_what_pest_builds() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut n = 0;
        for dir in [
            "scripts",
            "scripts/lib",
            "scripts/bench",
            "tests/corpus",
            "tests/it",
        ] {
            let Ok(rd) = std::fs::read_dir(format!("{root}/{dir}")) else {
                continue;
            };
            for f in rd.flatten() {
                let p = f.path();
                if p.extension().is_some_and(|e| e == "sh") {
                    let t = std::fs::read_to_string(&p).expect("read");
                    if parse_at(&t, 0, Rule::program).is_ok() {
                        assert_eq!(by_lines(&t), by_pest(&t), "{}", p.display());
                        n += 1;
                    }
                }
            }
        }
        assert!(n >= 10, "only {n} scripts");
    }

    /// Random texts over words, quotes, parameters, keywords and operators.
    #[test]
    fn random_texts_build_what_pest_builds() {
        let atoms = [
            "a",
            "x=",
            "=",
            "+",
            "1",
            "-",
            "if ",
            "then ",
            "fi",
            "do ",
            "done",
            "for ",
            "in ",
            "while ",
            "case ",
            "esac",
            "elif ",
            "else ",
            " ",
            " ",
            "\t",
            ";",
            ";;",
            "\n",
            "\n",
            "&&",
            "||",
            "|",
            "&",
            "!",
            "{ ",
            " }",
            "(",
            ")",
            "$x",
            "${x}",
            "${#x}",
            "${x:-",
            "}",
            "${x%%a}",
            "\"",
            "\"$y\"",
            "'",
            "'q'",
            "$(",
            "$((",
            "))",
            "$1",
            "$?",
            "\\",
            "\\\n",
            "#",
            ">",
            "2>&1",
            "<",
            ">>",
            "f()",
            "*",
            "echo ",
            "$'\\n'",
            "<<<",
            "x)",
            "a|b)",
            "((",
            "[[ ",
            " ]]",
            "for ((",
            "$((\"",
            "a[1]=",
            "a[",
            "]",
            "=(",
            "+=(",
            "${a[@]}",
            "${!x}",
            "${!a[@]}",
            "${#a[@]}",
            "${@:2}",
            "${!x*}",
            "declare ",
            "[i]=",
            "time ",
            "-p ",
            "{v}>",
            "{a[1]}>",
            "{a,b}",
            "<(",
            "|&",
            "${x@Q}",
            "${a[@]@Q}",
            "then ",
            " do ",
            "done",
            " fi",
            "esac",
            "for i in a; ",
            "for i; ",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut checked, mut alone) = (0, 0);
        for _ in 0..40_000 {
            let len = 1 + next() % 14;
            let mut t = String::new();
            for _ in 0..len {
                t.push_str(atoms[(next() % atoms.len() as u64) as usize]);
            }
            if next() % 2 == 0 {
                t.push('\n');
            }
            if parse_at(&t, 0, Rule::program).is_ok() {
                same(&t);
                checked += 1;
                alone += usize::from(read_alone(&t));
            } else {
                assert!(parse_lines(&t, 0).is_none(), "{t:?}");
            }
        }
        eprintln!("random texts: {checked} parsed, {alone} read without pest");
        assert!(checked > 2000 && alone > checked / 2, "{checked} {alone}");
    }
}

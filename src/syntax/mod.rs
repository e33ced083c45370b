//! Source text → AST. The only module that names pest's `Rule`, `Pair` and
//! `Pairs`: the grammar is `grammar/shell.pest`; this module turns its parse
//! tree into the owned [`crate::ast`] and its failures into [`SyntaxError`].

use std::sync::Arc;

use pest::iterators::Pair;
use pest::Parser as _;

use crate::ast::*;
use crate::span::Span;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/shell.pest"]
struct ShellParser;

/// A syntax error: where, and what bash would name as the unexpected token.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(nsh::syntax::error))]
pub struct SyntaxError {
    /// What is wrong (`syntax error near unexpected token `fi'`).
    pub message: String,
    /// Byte offset of the offending token.
    pub offset: usize,
    #[label("{label}")]
    pub span: miette::SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl SyntaxError {
    fn new(message: String, span: Span, label: &str, help: Option<String>) -> Self {
        SyntaxError {
            message,
            offset: span.start,
            span: span.into(),
            label: label.to_string(),
            help,
        }
    }

    /// bash's error for the extended glob pattern whose `(` is at
    /// `offset` (see [`extglob_sites`]) while `shopt extglob` is off.
    pub fn extglob_off(offset: usize, message: &str) -> Self {
        SyntaxError::new(
            message.into(),
            Span::new(offset, offset + 1),
            "an extended glob pattern",
            Some("bash reads `@(…)`, `!(…)`, `?(…)`, `*(…)`, `+(…)` only after `shopt -s extglob` on an earlier line".into()),
        )
    }

    fn unsupported(what: &str, span: Span) -> Self {
        SyntaxError::new(
            format!("syntax error: {what} is not supported by nsh"),
            span,
            "not supported",
            Some("nsh runs a POSIX-sh subset of bash; see README".into()),
        )
    }
}

mod fast;

/// Parse a whole program: the hand-written reader where it can, the
/// grammar elsewhere (see [`fast`]). On a syntax error, the whole text
/// again with the grammar alone, which finds the error bash would report
/// first.
pub fn parse(text: &str) -> Result<List, SyntaxError> {
    EXTGLOB_SITES.with(|s| s.borrow_mut().clear());
    match fast::parse_lines(text, 0) {
        Some(list) => Ok(list),
        None => {
            EXTGLOB_SITES.with(|s| s.borrow_mut().clear());
            parse_at(text, 0, Rule::program)
                .map(|(list, _)| list)
                .map_err(|e| earlier_error(text, e))
        }
    }
}

/// bash reads a script a command at a time, so an error inside a compound
/// command that is never closed (`if then` … with no `fi`) comes before
/// the end of the file. The grammar only finds the end: close what it
/// expects there (`fi`, `done`, `esac`, `}`) and, if the text then fails
/// earlier (the builder's checks), report that error.
fn earlier_error(text: &str, e: SyntaxError) -> SyntaxError {
    if e.message != "syntax error: unexpected end of file" {
        return e;
    }
    let mut more = text.to_string();
    let mut err = e.clone();
    for _ in 0..8 {
        let Some(help) = err.help.as_deref() else {
            return e;
        };
        let Some(closer) = ["`fi'", "`done'", "`esac'", "`}'"]
            .iter()
            .find(|c| help.contains(**c))
        else {
            return e;
        };
        if !more.ends_with('\n') {
            more.push('\n');
        }
        more.push_str(&closer[1..closer.len() - 1]);
        more.push('\n');
        match parse_at(&more, 0, Rule::program) {
            Ok(_) => return e,
            Err(next) if next.offset < text.len() && next.message != e.message => {
                return next;
            }
            Err(next) if next.message == e.message => err = next,
            Err(_) => return e,
        }
    }
    e
}

thread_local! {
    /// The offsets of the `(` of the extended glob patterns the builder
    /// met since [`parse`] began (see [`extglob_sites`]).
    static EXTGLOB_SITES: std::cell::RefCell<Vec<ExtglobSite>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// The extended glob patterns (`@(…)`, `!(…)`, `?(…)`, `*(…)`, `+(…)`) of
/// the text the last [`parse`] read, in the order of their `(`.
///
/// bash reads them only while `shopt extglob` is on, and it parses a
/// script a line (a complete command) at a time, so a `shopt -s extglob`
/// on an earlier line lets the next lines use them. nsh parses the whole
/// text first, accepting them everywhere, and the shell reports bash's
/// `syntax error near unexpected token `('` when it reaches a line holding
/// one while the option is off (`nsh -n`: the option is off). The patterns
/// after `==`, `=` and `!=` in `[[ ]]` are not listed: bash 5.2 reads
/// those whatever the option says.
pub fn extglob_sites() -> Vec<ExtglobSite> {
    let mut v = EXTGLOB_SITES.with(|s| std::mem::take(&mut *s.borrow_mut()));
    v.sort_unstable_by_key(|s| s.offset);
    v.dedup_by_key(|s| s.offset);
    v
}

/// An extended glob pattern (see [`extglob_sites`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtglobSite {
    /// The offset of its `(`.
    pub offset: usize,
    /// bash's message for it while `shopt extglob` is off.
    pub message: &'static str,
}

const EXTGLOB_OFF: &str = "syntax error near unexpected token `('";
/// In `[[ ]]`, as the operand of a unary operator.
const EXTGLOB_OFF_UNARY: &str = "syntax error in conditional expression: unexpected token `('";
/// In `[[ ]]`, where a binary operator may follow.
const EXTGLOB_OFF_BINARY: &str = "unexpected token `(', conditional binary operator expected";

/// Parse `text` whose first byte is at `base` in the enclosing source
/// (backtick contents, a run of lines of a program). Also says
/// whether a here-document is still open at the end of `text` (its body ran
/// to the end without the closing delimiter).
fn parse_at(text: &str, base: usize, rule: Rule) -> Result<(List, bool), SyntaxError> {
    let mut pairs = match ShellParser::parse(rule, text) {
        Ok(p) => p,
        Err(e) => return Err(convert_error(text, base, &e)),
    };
    let prog = pairs.next().ok_or_else(|| {
        SyntaxError::new("syntax error".into(), Span::new(base, base), "here", None)
    })?;
    // Here-document bodies, in source order (see the top of the grammar).
    let mut bodies = std::collections::VecDeque::new();
    let mut open_heredoc = false;
    let has_heredoc = text.contains("<<");
    for b in prog
        .clone()
        .into_inner()
        .flatten()
        .take(if has_heredoc { usize::MAX } else { 0 })
    {
        if b.as_rule() == Rule::hd_too_many {
            // At the newline that ends the line.
            let at = base + b.as_span().start().saturating_sub(1);
            return Err(SyntaxError::unsupported(
                "more than six here-documents on a line",
                Span::new(at, at + 1),
            ));
        }
        if is_heredoc_body(b.as_rule()) {
            let body_end = b.as_span().end();
            let mut body = String::new();
            let mut start = None;
            let mut lines_end = b.as_span().start();
            for l in b.into_inner() {
                start.get_or_insert(l.as_span().start());
                lines_end = l.as_span().end();
                body.push_str(l.as_str());
            }
            open_heredoc = body_end == text.len() && lines_end == body_end;
            // The line that ended it, without its leading tabs (none at
            // the end of the text).
            let end_line = text[lines_end..body_end]
                .trim_start_matches('\t')
                .trim_end_matches('\n');
            let closed = lines_end < body_end;
            bodies.push_back(HereBody {
                text: body,
                at: base + start.unwrap_or(lines_end),
                end_line: closed.then(|| end_line.to_string()),
            });
        }
    }
    let b = Builder {
        base,
        bodies: std::cell::RefCell::new(bodies),
    };
    let list = prog
        .into_inner()
        .find(|p| p.as_rule() == Rule::cmd_list)
        .ok_or_else(|| {
            SyntaxError::new("syntax error".into(), Span::new(base, base), "here", None)
        })?;
    Ok((b.cmd_list(list)?, open_heredoc))
}

/// Whether an and-or list ends with a compound command's closing token
/// (`}`, `)`, `fi`, `done`, `esac`, `]]`, `))`), after which bash reads a
/// reserved word (its `reserved_word_acceptable`): a compound command or a
/// function definition without redirections.
fn ends_in_closing_token(a: &AndOr) -> bool {
    let p = a.rest.last().map_or(&a.first, |(_, p)| p);
    p.cmds.last().is_some_and(|c| {
        c.redirs.is_empty()
            && match &c.kind {
                CommandKind::Simple(_) => false,
                CommandKind::FuncDef { body, .. } => body.redirs.is_empty(),
                _ => true,
            }
    })
}

/// The number of blanks at `pos`.
fn skip_blanks(text: &str, pos: usize) -> usize {
    let rest = &text[pos.min(text.len())..];
    rest.len() - rest.trim_start_matches([' ', '\t']).len()
}

/// The token bash would report at a failure offset.
fn token_at(text: &str, pos: usize) -> Option<String> {
    let rest = &text[pos.min(text.len())..];
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return None;
    }
    if rest.starts_with('\n') {
        return Some("newline".into());
    }
    for op in [
        ";;&", ";;", ";&", "&&", "||", "&>>", "&>", ">>", "<<<", "<<-", "<<", ">&", "<&", "<>",
        ">|", "|&", "|", "&", ";", "(", ")", "<", ">",
    ] {
        if rest.starts_with(op) {
            return Some(op.to_string());
        }
    }
    let end = rest
        .find(|c: char| " \t\n;&|()<>".contains(c))
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

fn convert_error(text: &str, base: usize, e: &pest::error::Error<Rule>) -> SyntaxError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    // Skip blanks to the token itself.
    let skip = text[pos.min(text.len())..]
        .find(|c: char| c != ' ' && c != '\t')
        .unwrap_or(text.len() - pos.min(text.len()));
    let at = pos + skip;
    let tok = token_at(text, pos);
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let names: Vec<String> = positives.iter().map(|r| rule_name(*r)).collect();
            let mut names: Vec<String> = names.into_iter().filter(|n| !n.is_empty()).collect();
            names.dedup();
            if names.is_empty() {
                None
            } else {
                Some(format!("expected {}", names.join(", ")))
            }
        }
        _ => None,
    };
    if let Some((q, at)) = unclosed(text) {
        return SyntaxError::new(
            format!("unexpected EOF while looking for matching `{q}'"),
            Span::new(base + at, base + at + 1),
            "not closed",
            None,
        );
    }
    match tok {
        None => SyntaxError::new(
            "syntax error: unexpected end of file".into(),
            Span::new(base + at, base + at),
            "unexpected end of file",
            expected,
        ),
        Some(t) => {
            let len = if t == "newline" { 1 } else { t.len() };
            SyntaxError::new(
                format!("syntax error near unexpected token `{t}'"),
                Span::new(base + at, base + at + len),
                "unexpected token",
                expected,
            )
        }
    }
}

/// The quote or parenthesis left open at the end of `text` (approximate
/// scan: quotes, `$(`, `${`, backticks, comments), as bash reports it.
fn unclosed(text: &str) -> Option<(char, usize)> {
    let b = text.as_bytes();
    // Stack of (closing char, offset of the opener).
    let mut st: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    let mut word_start = true;
    while i < b.len() {
        let c = b[i];
        let top = st.last().map(|t| t.0);
        match top {
            Some(b'\'') => {
                if c == b'\'' {
                    st.pop();
                }
            }
            Some(b'"') => match c {
                b'\\' => i += 1,
                b'"' => {
                    st.pop();
                }
                b'$' if b.get(i + 1) == Some(&b'(') => {
                    st.push((b')', i + 1));
                    i += 1;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    st.push((b'}', i + 1));
                    i += 1;
                }
                b'`' => st.push((b'`', i)),
                _ => {}
            },
            _ => match c {
                b'\\' => i += 1,
                b'#' if word_start => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\'' => st.push((b'\'', i)),
                b'"' => st.push((b'"', i)),
                b'`' if top == Some(b'`') => {
                    st.pop();
                }
                b'`' => st.push((b'`', i)),
                b'$' if b.get(i + 1) == Some(&b'(') => {
                    st.push((b')', i + 1));
                    i += 1;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    st.push((b'}', i + 1));
                    i += 1;
                }
                b'(' if top == Some(b')') => st.push((b')', i)),
                // `((…))`: an arithmetic command.
                b'(' if word_start && b.get(i + 1) == Some(&b'(') => st.push((b')', i)),
                // `a=(…` / `a+=(…`: an array assignment.
                b'(' if i > 0 && b[i - 1] == b'=' => st.push((b')', i)),
                // `@(…`: an extended glob pattern (`!(` starting a command
                // is `! (…)`).
                b'(' if i > 0 && matches!(b[i - 1], b'@' | b'?' | b'*' | b'+')
                    || i > 1 && b[i - 1] == b'!' && !b" \t\n;&|(".contains(&b[i - 2]) =>
                {
                    st.push((b')', i))
                }
                b')' | b'}' if top == Some(c) => {
                    st.pop();
                }
                _ => {}
            },
        }
        word_start = matches!(c, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(');
        i += 1;
    }
    st.last().map(|&(c, at)| (c as char, at))
}

fn rule_name(r: Rule) -> String {
    let s = match r {
        Rule::k_then => "`then'",
        Rule::k_fi => "`fi'",
        Rule::k_do => "`do'",
        Rule::k_done => "`done'",
        Rule::k_esac => "`esac'",
        Rule::k_in => "`in'",
        Rule::k_rbrace => "`}'",
        Rule::k_elif => "`elif'",
        Rule::k_else => "`else'",
        Rule::word | Rule::cmd_word => "a word",
        Rule::command | Rule::pipeline | Rule::and_or | Rule::list_item => "a command",
        Rule::name => "a name",
        _ => "",
    };
    s.to_string()
}

struct Builder {
    base: usize,
    bodies: std::cell::RefCell<std::collections::VecDeque<HereBody>>,
}

/// A here-document body as the grammar read it at a newline.
struct HereBody {
    text: String,
    /// Offset of its first byte in the source.
    at: usize,
    /// The delimiter line that ended it (`None`: the text ended first).
    end_line: Option<String>,
}

/// The rules that read a here-document body (one per place on its line).
fn is_heredoc_body(r: Rule) -> bool {
    matches!(
        r,
        Rule::heredoc_body
            | Rule::heredoc_body_2
            | Rule::heredoc_body_3
            | Rule::heredoc_body_4
            | Rule::heredoc_body_5
            | Rule::heredoc_body_6
    )
}

type R<T> = Result<T, SyntaxError>;

impl Builder {
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn cmd_list(&self, p: Pair<Rule>) -> R<List> {
        let span = self.span(&p);
        let mut items = Vec::new();
        for item in p.into_inner() {
            if item.as_rule() != Rule::list_item {
                continue;
            }
            let ispan = self.span(&item);
            let mut and_or = None;
            let mut background = false;
            for c in item.into_inner() {
                match c.as_rule() {
                    Rule::and_or => and_or = Some(self.and_or(c)?),
                    Rule::amp => background = true,
                    Rule::kw_next if !and_or.as_ref().is_some_and(ends_in_closing_token) => {
                        let at = self.span(&c).start;
                        let t = token_at(c.get_input(), c.as_span().start()).unwrap_or_default();
                        return Err(SyntaxError::new(
                            format!("syntax error near unexpected token `{t}'"),
                            Span::new(at, at + t.len()),
                            "unexpected token",
                            None,
                        ));
                    }
                    _ => {}
                }
            }
            if let Some(and_or) = and_or {
                items.push(ListItem {
                    and_or,
                    background,
                    span: ispan,
                });
            }
        }
        Ok(List { items, span })
    }

    fn and_or(&self, p: Pair<Rule>) -> R<AndOr> {
        let span = self.span(&p);
        let mut first = None;
        let mut rest = Vec::new();
        let mut op = AndOrOp::And;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::pipeline => {
                    let pl = self.pipeline(c)?;
                    if first.is_none() {
                        first = Some(pl);
                    } else {
                        rest.push((op, pl));
                    }
                }
                Rule::and_or_op => {
                    op = if c.as_str() == "&&" {
                        AndOrOp::And
                    } else {
                        AndOrOp::Or
                    }
                }
                _ => {}
            }
        }
        let first =
            first.ok_or_else(|| SyntaxError::new("syntax error".into(), span, "here", None))?;
        Ok(AndOr { first, rest, span })
    }

    fn pipeline(&self, p: Pair<Rule>) -> R<Pipeline> {
        let span = self.span(&p);
        let mut bang = false;
        let mut time = None;
        let mut cmds = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::bang => bang = true,
                Rule::time_spec => {
                    let posix = c
                        .into_inner()
                        .any(|t| matches!(t.as_rule(), Rule::time_p | Rule::time_ign));
                    time = Some(if posix || time == Some(TimeFormat::Posix) {
                        TimeFormat::Posix
                    } else {
                        TimeFormat::Default
                    });
                }
                Rule::command => cmds.push(self.command(c)?),
                // `|&`: the command before it gets `2>&1`, after its own
                // redirections (bash prints it so).
                Rule::pipe_op if c.as_str() == "|&" => {
                    let sp = self.span(&c);
                    let redir = Redir {
                        fd: Some(2),
                        fd_var: None,
                        op: RedirOp::DupOut,
                        target: Word {
                            parts: vec![WordPart::Lit("1".into())],
                            span: sp,
                        },
                        delim: None,
                        span: sp,
                    };
                    if let Some(last) = cmds.last_mut() {
                        match &mut last.kind {
                            CommandKind::Simple(s) => s.redirs.push(redir),
                            _ => last.redirs.push(redir),
                        }
                    }
                }
                Rule::time_null => cmds.push(Command {
                    kind: CommandKind::Simple(SimpleCmd {
                        assigns: Vec::new(),
                        words: Vec::new(),
                        redirs: Vec::new(),
                    }),
                    redirs: Vec::new(),
                    span: self.span(&c),
                }),
                _ => {}
            }
        }
        Ok(Pipeline {
            bang,
            time,
            cmds,
            span,
        })
    }

    fn command(&self, p: Pair<Rule>) -> R<Command> {
        let span = self.span(&p);
        let mut kind = None;
        let mut redirs = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::coproc_cmd => kind = Some(self.coproc(c)?),
                Rule::redirect => redirs.push(self.redirect(c)?),
                Rule::simple_cmd => kind = Some(CommandKind::Simple(self.simple(c)?)),
                Rule::func_def => kind = Some(self.func_def(c)?),
                _ => kind = Some(self.compound(c)?),
            }
        }
        let kind =
            kind.ok_or_else(|| SyntaxError::new("syntax error".into(), span, "here", None))?;
        Ok(Command { kind, redirs, span })
    }

    /// `coproc [NAME] COMMAND`: the command with its redirections.
    fn coproc(&self, p: Pair<Rule>) -> R<CommandKind> {
        let span = self.span(&p);
        let mut name = "COPROC".to_string();
        let mut body: Option<Command> = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::k_coproc => {}
                Rule::coproc_name => name = c.as_str().to_string(),
                Rule::redirect => {
                    let r = self.redirect(c)?;
                    if let Some(b) = body.as_mut() {
                        b.span = Span::new(b.span.start, r.span.end);
                        b.redirs.push(r);
                    }
                }
                Rule::simple_cmd => {
                    let cs = self.span(&c);
                    body = Some(Command {
                        kind: CommandKind::Simple(self.simple(c)?),
                        redirs: Vec::new(),
                        span: cs,
                    });
                }
                _ => {
                    let cs = self.span(&c);
                    body = Some(Command {
                        kind: self.compound(c)?,
                        redirs: Vec::new(),
                        span: cs,
                    });
                }
            }
        }
        let body =
            body.ok_or_else(|| SyntaxError::new("syntax error".into(), span, "here", None))?;
        Ok(CommandKind::Coproc {
            name,
            body: Box::new(body),
        })
    }

    fn func_def(&self, p: Pair<Rule>) -> R<CommandKind> {
        let span = self.span(&p);
        let mut name = String::new();
        let mut body = None;
        let mut redirs = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::fname => name = c.as_str().to_string(),
                // The newlines between `name()` and the body.
                Rule::k_function | Rule::newline => {}
                Rule::redirect => redirs.push(self.redirect(c)?),
                _ => {
                    let cs = self.span(&c);
                    body = Some(Command {
                        kind: self.compound(c)?,
                        redirs: Vec::new(),
                        span: cs,
                    })
                }
            }
        }
        let mut body =
            body.ok_or_else(|| SyntaxError::new("syntax error".into(), span, "here", None))?;
        body.redirs = redirs;
        Ok(CommandKind::FuncDef {
            name,
            body: Arc::new(body),
        })
    }

    fn compound(&self, p: Pair<Rule>) -> R<CommandKind> {
        let rule = p.as_rule();
        let span = self.span(&p);
        let inner: Vec<Pair<Rule>> = p.into_inner().collect();
        // The lists of a compound command, each holding a command (bash's
        // `compound_list`; a case arm's list may be empty).
        let lists = |v: &[Pair<Rule>]| -> R<Vec<List>> {
            v.iter()
                .filter(|c| c.as_rule() == Rule::cmd_list)
                .map(|c| {
                    if !c
                        .clone()
                        .into_inner()
                        .any(|i| i.as_rule() == Rule::list_item)
                    {
                        let end = c.as_span().end();
                        let t = token_at(c.get_input(), end).unwrap_or_default();
                        let at = self.base + end + skip_blanks(c.get_input(), end);
                        return Err(SyntaxError::new(
                            format!("syntax error near unexpected token `{t}'"),
                            Span::new(at, at + t.len()),
                            "unexpected token",
                            Some("bash wants a command here".into()),
                        ));
                    }
                    self.cmd_list(c.clone())
                })
                .collect()
        };
        Ok(match rule {
            Rule::brace_group => {
                CommandKind::Brace(lists(&inner)?.into_iter().next().unwrap_or_default())
            }
            Rule::subshell => {
                CommandKind::Subshell(lists(&inner)?.into_iter().next().unwrap_or_default())
            }
            Rule::if_cmd => {
                let mut branches = Vec::new();
                let mut else_ = None;
                let mut top = lists(&inner)?.into_iter();
                if let (Some(c), Some(b)) = (top.next(), top.next()) {
                    branches.push((c, b));
                }
                for c in &inner {
                    match c.as_rule() {
                        Rule::elif_part => {
                            let v: Vec<Pair<Rule>> = c.clone().into_inner().collect();
                            let mut l = lists(&v)?.into_iter();
                            if let (Some(c), Some(b)) = (l.next(), l.next()) {
                                branches.push((c, b));
                            }
                        }
                        Rule::else_part => {
                            let v: Vec<Pair<Rule>> = c.clone().into_inner().collect();
                            else_ = lists(&v)?.into_iter().next();
                        }
                        _ => {}
                    }
                }
                CommandKind::If { branches, else_ }
            }
            // `for`/`select NAME [in WORDS]`, a do-group or (`for i in a;
            // { …; }`) a brace group's list as the body.
            Rule::for_cmd | Rule::select_cmd => {
                let mut var = String::new();
                let mut words = None;
                for c in &inner {
                    match c.as_rule() {
                        Rule::name => var = c.as_str().to_string(),
                        Rule::k_in => words = Some(Vec::new()),
                        Rule::word => {
                            if let Some(w) = words.as_mut() {
                                w.push(self.word(c.clone())?)
                            }
                        }
                        _ => {}
                    }
                }
                let brace: Vec<Pair<Rule>> = inner
                    .iter()
                    .filter(|c| c.as_rule() == Rule::brace_group)
                    .flat_map(|c| c.clone().into_inner())
                    .collect();
                let body = lists(&inner)?
                    .into_iter()
                    .chain(lists(&brace)?)
                    .next()
                    .unwrap_or_default();
                if rule == Rule::select_cmd {
                    CommandKind::Select { var, words, body }
                } else {
                    CommandKind::For { var, words, body }
                }
            }
            Rule::while_cmd | Rule::until_cmd => {
                let mut l = lists(&inner)?.into_iter();
                let cond = l.next().unwrap_or_default();
                let body = l.next().unwrap_or_default();
                CommandKind::While {
                    cond,
                    body,
                    until: rule == Rule::until_cmd,
                }
            }
            Rule::case_cmd => {
                let mut word = None;
                let mut arms = Vec::new();
                for c in &inner {
                    match c.as_rule() {
                        Rule::word => word = Some(self.word(c.clone())?),
                        Rule::case_arm => {
                            let aspan = self.span(c);
                            let mut patterns = Vec::new();
                            let mut body = List::default();
                            let mut fallthrough = false;
                            let mut test_next = false;
                            for a in c.clone().into_inner() {
                                match a.as_rule() {
                                    Rule::word => patterns.push(self.word(a)?),
                                    Rule::cmd_list => body = self.cmd_list(a)?,
                                    Rule::case_end => match a.as_str() {
                                        ";&" => fallthrough = true,
                                        ";;&" => test_next = true,
                                        _ => {}
                                    },
                                    _ => {}
                                }
                            }
                            arms.push(CaseArm {
                                patterns,
                                body,
                                fallthrough,
                                test_next,
                                span: aspan,
                            });
                        }
                        _ => {}
                    }
                }
                let word = word
                    .ok_or_else(|| SyntaxError::new("syntax error".into(), span, "here", None))?;
                CommandKind::Case { word, arms }
            }
            Rule::arith_cmd => {
                let mut parts = Vec::new();
                for c in inner {
                    if c.as_rule() == Rule::arith_body {
                        self.arith_body(c, &mut parts)?;
                    }
                }
                CommandKind::Arith(parts)
            }
            Rule::arith_for => {
                let mut exprs = Vec::new();
                for c in inner.iter().filter(|c| c.as_rule() == Rule::arith_part) {
                    let mut parts = Vec::new();
                    self.arith_body(c.clone(), &mut parts)?;
                    if parts.is_empty() {
                        parts.push(WordPart::Lit("1".into()));
                    }
                    exprs.push(parts);
                }
                if exprs.len() != 3 {
                    let what = if exprs.len() < 3 {
                        "syntax error: arithmetic expression required"
                    } else {
                        "syntax error: `;' unexpected"
                    };
                    return Err(SyntaxError::new(what.into(), span, "here", None));
                }
                let brace: Vec<Pair<Rule>> = inner
                    .iter()
                    .filter(|c| c.as_rule() == Rule::brace_group)
                    .flat_map(|c| c.clone().into_inner())
                    .collect();
                let body = lists(&inner)?
                    .into_iter()
                    .chain(lists(&brace)?)
                    .next()
                    .unwrap_or_default();
                let mut it = exprs.into_iter();
                let (Some(init), Some(cond), Some(step)) = (it.next(), it.next(), it.next()) else {
                    return Err(SyntaxError::new("syntax error".into(), span, "here", None));
                };
                CommandKind::ArithFor {
                    init,
                    cond,
                    step,
                    body,
                }
            }
            Rule::cond_cmd => CommandKind::Cond(self.cond(inner, span)?),
            _ => return Err(SyntaxError::new("syntax error".into(), span, "here", None)),
        })
    }

    /// The tokens of `[[ … ]]` parsed as bash's `parse_cond_command`.
    fn cond(&self, inner: Vec<Pair<Rule>>, span: Span) -> R<CondExpr> {
        let mut toks = Vec::new();
        for c in inner {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::word => {
                    let raw = c.as_str().to_string();
                    // bash's words here end before the `(` while `shopt
                    // extglob` is off: its message names what it
                    // expected there instead.
                    let word = self.word(c)?;
                    let unary = matches!(toks.last(), Some((CTok::Word(_, op), _))
                        if crate::interp::test_cmd::test_unop(op));
                    EXTGLOB_SITES.with(|s| {
                        for x in s.borrow_mut().iter_mut() {
                            if (sp.start..sp.end).contains(&x.offset) {
                                x.message = if unary {
                                    EXTGLOB_OFF_UNARY
                                } else {
                                    EXTGLOB_OFF_BINARY
                                };
                            }
                        }
                    });
                    toks.push((CTok::Word(word, raw), sp));
                }
                Rule::cond_pat => {
                    let mut it = c.into_inner();
                    if let Some(op) = it.next() {
                        let osp = self.span(&op);
                        let raw = op.as_str().to_string();
                        let w = Word {
                            parts: vec![WordPart::Lit(raw.clone())],
                            span: osp,
                        };
                        toks.push((CTok::Word(w, raw), osp));
                    }
                    if let Some(w) = it.next() {
                        let wsp = self.span(&w);
                        let raw = w.as_str().to_string();
                        let word = self.word(w)?;
                        // Read whatever `shopt extglob` says.
                        EXTGLOB_SITES.with(|s| {
                            s.borrow_mut()
                                .retain(|x| !(wsp.start..wsp.end).contains(&x.offset))
                        });
                        toks.push((CTok::Word(word, raw), wsp));
                    }
                }
                Rule::cond_bang => {
                    let w = Word {
                        parts: vec![WordPart::Lit("!".into())],
                        span: sp,
                    };
                    toks.push((CTok::Word(w, "!".into()), sp));
                }
                Rule::cond_op => toks.push((CTok::Op(c.as_str().to_string()), sp)),
                Rule::cond_nl => toks.push((CTok::Nl, sp)),
                Rule::cond_end => toks.push((CTok::End, sp)),
                Rule::cond_re => {
                    let op = Span::new(sp.start, sp.start + 2);
                    let op_word = Word {
                        parts: vec![WordPart::Lit("=~".into())],
                        span: op,
                    };
                    toks.push((CTok::Word(op_word, "=~".into()), op));
                    if let Some(re) = c.into_inner().next() {
                        let rsp = self.span(&re);
                        let raw = re.as_str().to_string();
                        let mut parts = Vec::new();
                        self.regex_parts(re, &mut parts)?;
                        // A regular expression, never a glob pattern:
                        // `*(` there is `*` and a group.
                        EXTGLOB_SITES.with(|s| {
                            s.borrow_mut()
                                .retain(|x| !(rsp.start..rsp.end).contains(&x.offset))
                        });
                        let w = Word { parts, span: rsp };
                        toks.push((CTok::Word(w, raw), rsp));
                    }
                }
                _ => {}
            }
        }
        if !matches!(toks.last(), Some((CTok::End, _))) {
            // bash reads the line's newline, then meets the end of file.
            let end = Span::new(span.end, span.end);
            if !matches!(toks.last(), Some((CTok::Nl, _))) {
                toks.push((CTok::Nl, end));
            }
            toks.push((CTok::Eof, end));
        }
        let mut p = CondParser {
            toks,
            pos: 0,
            token: 0,
        };
        let e = p.expr()?;
        match &p.toks[p.token].0 {
            CTok::End => Ok(e),
            CTok::Eof => Err(cond_error(
                "unexpected EOF while looking for `]]'".into(),
                span,
            )),
            t => {
                let msg = match t.error_text() {
                    Some(x) => {
                        format!("syntax error in conditional expression: unexpected token `{x}'")
                    }
                    None => "syntax error in conditional expression".into(),
                };
                Err(cond_error(msg, p.toks[p.token].1))
            }
        }
    }

    /// The right operand of `=~`: groups and `|` are literal parts.
    fn regex_parts(&self, p: Pair<Rule>, out: &mut Vec<WordPart>) -> R<()> {
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::re_group => {
                    push_lit(out, "(");
                    self.regex_parts(c, out)?;
                    push_lit(out, ")");
                }
                Rule::re_lit | Rule::re_bar => push_lit(out, c.as_str()),
                _ => self.part(c, out)?,
            }
        }
        Ok(())
    }

    fn simple(&self, p: Pair<Rule>) -> R<SimpleCmd> {
        let mut s = SimpleCmd::default();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::assignment => s.assigns.push(self.assignment(c)?),
                Rule::redirect => s.redirs.push(self.redirect(c)?),
                Rule::cmd_word => {
                    if let Some(w) = c.into_inner().next() {
                        s.words.push(self.word(w)?);
                    }
                }
                Rule::word => s.words.push(self.word(c)?),
                Rule::array_word => {
                    let decl = s.words.first().is_some_and(|w| {
                        matches!(w.parts.as_slice(), [WordPart::Lit(l)]
                            if matches!(l.as_str(), "declare" | "local" | "typeset" | "readonly" | "export"))
                    });
                    let span = self.span(&c);
                    let start = c.as_span().start();
                    let full = c.as_str();
                    let mut parts = Vec::new();
                    for a in c.clone().into_inner() {
                        if a.as_rule() == Rule::array_value {
                            if !decl {
                                let at = self.span(&a);
                                return Err(SyntaxError::new(
                                    "syntax error near unexpected token `('".into(),
                                    Span::new(at.start, at.start + 1),
                                    "here",
                                    None,
                                ));
                            }
                            let text = &full[..a.as_span().start() - start];
                            parts.push(WordPart::Lit(text.to_string()));
                            parts.push(WordPart::Array(self.array_value(a)?));
                        }
                    }
                    s.words.push(Word { parts, span });
                }
                _ => {}
            }
        }
        Ok(s)
    }

    fn assignment(&self, c: Pair<Rule>) -> R<Assign> {
        let span = self.span(&c);
        let mut name = String::new();
        let mut value = None;
        let mut index = None;
        let mut array = None;
        let full = c.as_str();
        let start = c.as_span().start();
        let mut after = start;
        for a in c.into_inner() {
            match a.as_rule() {
                Rule::name => {
                    name = a.as_str().to_string();
                    after = a.as_span().end();
                }
                Rule::subscript => {
                    after = a.as_span().end();
                    index = Some(self.subscript(a)?);
                }
                Rule::array_value => array = Some(self.array_value(a)?),
                Rule::word => value = Some(self.word(a)?),
                _ => {}
            }
        }
        let append = full[after - start..].starts_with("+=");
        Ok(Assign {
            name,
            append,
            value,
            span,
            index,
            array,
        })
    }

    /// `subscript = ${ "[" ~ sub_body ~ "]" }`: the parts between the
    /// brackets, flattened as `arith_body`.
    fn subscript(&self, p: Pair<Rule>) -> R<Vec<WordPart>> {
        let mut out = Vec::new();
        for b in p.into_inner() {
            self.sub_body(b, &mut out)?;
        }
        Ok(out)
    }

    fn sub_body(&self, p: Pair<Rule>, out: &mut Vec<WordPart>) -> R<()> {
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::sub_brack => {
                    push_lit(out, "[");
                    if let Some(b) = c.into_inner().next() {
                        self.sub_body(b, out)?;
                    }
                    push_lit(out, "]");
                }
                Rule::escape | Rule::sub_lit => push_lit(out, c.as_str()),
                _ => self.part(c, out)?,
            }
        }
        Ok(())
    }

    /// `array_value = ${ "(" ~ … ~ ")" }`
    fn array_value(&self, p: Pair<Rule>) -> R<Vec<ArrayElem>> {
        let mut elems = Vec::new();
        for e in p.into_inner() {
            if e.as_rule() != Rule::array_elem {
                continue;
            }
            let espan = self.span(&e);
            let mut index = None;
            let mut value = None;
            for x in e.into_inner() {
                match x.as_rule() {
                    Rule::subscript => index = Some(self.subscript(x)?),
                    Rule::word => value = Some(self.word(x)?),
                    _ => {}
                }
            }
            let value = value.unwrap_or(Word {
                parts: Vec::new(),
                span: Span::new(espan.end, espan.end),
            });
            elems.push(ArrayElem { index, value });
        }
        Ok(elems)
    }

    fn redirect(&self, p: Pair<Rule>) -> R<Redir> {
        let span = self.span(&p);
        let mut fd = None;
        let mut fd_var = None;
        let mut op = RedirOp::Out;
        let mut target = None;
        let mut delim = None;
        let mut heredoc: Option<(bool, bool, String)> = None; // strip, quoted, delimiter
        let mut stack = vec![p];
        while let Some(c) = stack.pop() {
            match c.as_rule() {
                Rule::redirect | Rule::heredoc | Rule::herestring | Rule::heredoc_delim => {
                    if c.as_rule() == Rule::herestring {
                        op = RedirOp::HereString;
                    }
                    if c.as_rule() == Rule::heredoc_delim {
                        let t = c.as_str();
                        let quoted = t.starts_with(['\'', '"', '\\']);
                        if let Some(h) = heredoc.as_mut() {
                            h.1 = quoted;
                        }
                        delim = Some(t.to_string());
                    }
                    let mut kids: Vec<Pair<Rule>> = c.into_inner().collect();
                    kids.reverse();
                    stack.extend(kids);
                }
                Rule::io_var => fd_var = Some(c.as_str()[1..c.as_str().len() - 1].to_string()),
                Rule::io_number => {
                    fd = Some(c.as_str().parse::<i32>().map_err(|_| {
                        SyntaxError::new("bad file descriptor".into(), self.span(&c), "here", None)
                    })?)
                }
                Rule::redir_op => {
                    op = match c.as_str() {
                        "<" => RedirOp::In,
                        ">" => RedirOp::Out,
                        ">|" => RedirOp::Clobber,
                        ">>" => RedirOp::Append,
                        "<>" => RedirOp::ReadWrite,
                        ">&" => RedirOp::DupOut,
                        "<&" => RedirOp::DupIn,
                        "&>" => RedirOp::OutErr,
                        _ => RedirOp::AppendOutErr,
                    }
                }
                Rule::heredoc_op => {
                    let strip = c.as_str() == "<<-";
                    op = RedirOp::HereDoc { strip_tabs: strip };
                    heredoc = Some((strip, false, String::new()));
                }
                Rule::hd_sq | Rule::hd_dq | Rule::hd_plain => {
                    if let Some(h) = heredoc.as_mut() {
                        h.2 = c.as_str().to_string();
                    }
                }
                Rule::word => target = Some(self.word(c)?),
                _ => {}
            }
        }
        if let Some((strip, quoted, hd_delim)) = heredoc {
            let body = self.bodies.borrow_mut().pop_front();
            // The bodies are handed out in the order of the operators; one
            // ended by another's delimiter means the grammar paired them
            // wrongly (a here-document inside `$(…)` on a line holding one
            // of its own): refuse rather than misread.
            if let Some(HereBody {
                end_line: Some(l), ..
            }) = &body
            {
                if *l != hd_delim {
                    return Err(SyntaxError::unsupported(
                        "a here-document inside a substitution on a line with another",
                        span,
                    ));
                }
            }
            let (mut text, at) = body.map_or((String::new(), span.end), |b| (b.text, b.at));
            if strip {
                text = text
                    .split_inclusive('\n')
                    .map(|l| l.trim_start_matches('\t'))
                    .collect();
            }
            let parts = if quoted {
                vec![WordPart::Quoted(text.clone())]
            } else {
                self.heredoc_parts(&text, at)?
            };
            target = Some(Word {
                parts,
                span: Span::new(at, at + text.len()),
            });
        }
        let target =
            target.ok_or_else(|| SyntaxError::new("syntax error".into(), span, "here", None))?;
        Ok(Redir {
            fd,
            fd_var,
            op,
            target,
            delim,
            span,
        })
    }

    fn word(&self, p: Pair<Rule>) -> R<Word> {
        let span = self.span(&p);
        let mut parts = Vec::new();
        for c in p.into_inner() {
            self.part(c, &mut parts)?;
        }
        Ok(Word { parts, span })
    }

    fn part(&self, c: Pair<Rule>, parts: &mut Vec<WordPart>) -> R<()> {
        match c.as_rule() {
            Rule::line_cont => {}
            Rule::lit
            | Rule::brace_lit
            | Rule::arith_lit
            | Rule::arith_part_lit
            | Rule::pat_lit
            | Rule::slice_lit => push_lit(parts, c.as_str()),
            Rule::dollar_lit => push_lit(parts, "$"),
            // The pattern's text stays one unquoted word: the matcher
            // reads `@(`, `|` and `)` (pattern.rs).
            Rule::extglob => {
                let at = self.base + c.as_span().start() + 1;
                EXTGLOB_SITES.with(|s| {
                    s.borrow_mut().push(ExtglobSite {
                        offset: at,
                        message: EXTGLOB_OFF,
                    })
                });
                for k in c.into_inner() {
                    self.part(k, parts)?;
                }
                push_lit(parts, ")");
            }
            Rule::eg_open | Rule::eg_lit => push_lit(parts, c.as_str()),
            Rule::eg_group => {
                push_lit(parts, "(");
                for k in c.into_inner() {
                    self.part(k, parts)?;
                }
                push_lit(parts, ")");
            }
            Rule::sq => {
                let t = c.into_inner().next().map(|t| t.as_str()).unwrap_or("");
                parts.push(WordPart::Quoted(t.to_string()));
            }
            Rule::ansi => {
                let t = c.into_inner().next().map(|t| t.as_str()).unwrap_or("");
                parts.push(WordPart::Quoted(ansi_c(t)));
            }
            Rule::escape => {
                let t = &c.as_str()[1..];
                if t != "\n" {
                    parts.push(WordPart::Quoted(t.to_string()));
                }
            }
            Rule::dq => {
                let mut inner = Vec::new();
                for d in c.into_inner() {
                    self.part(d, &mut inner)?;
                }
                parts.push(WordPart::Dq(inner));
            }
            Rule::dq_lit | Rule::hd_lit => push_quoted(parts, c.as_str()),
            Rule::dq_escape | Rule::hd_escape => {
                let t = &c.as_str()[1..];
                if t != "\n" {
                    push_quoted(parts, t);
                }
            }
            Rule::proc_in | Rule::proc_out => {
                let output = c.as_rule() == Rule::proc_out;
                let list = match c.into_inner().next() {
                    Some(l) => self.cmd_list(l)?,
                    None => List::default(),
                };
                parts.push(WordPart::ProcSubst {
                    list: Arc::new(list),
                    output,
                });
            }
            Rule::cmdsub => {
                let list = match c.into_inner().next() {
                    Some(l) => self.cmd_list(l)?,
                    None => List::default(),
                };
                parts.push(WordPart::CmdSub(Arc::new(list)));
            }
            Rule::backtick => {
                let Some(t) = c.into_inner().next() else {
                    return Ok(());
                };
                let start = self.base + t.as_span().start();
                let raw = t.as_str();
                // Inside backticks a backslash quotes only $ ` and \.
                let mut text = String::with_capacity(raw.len());
                let mut it = raw.chars().peekable();
                while let Some(ch) = it.next() {
                    if ch == '\\' {
                        if let Some(&n) = it.peek() {
                            if matches!(n, '$' | '`' | '\\') {
                                text.push(n);
                                it.next();
                                continue;
                            }
                        }
                    }
                    text.push(ch);
                }
                // bash parses backticks when it runs them: the option is
                // not checked here (see `extglob_sites`).
                let sites = EXTGLOB_SITES.with(|s| s.borrow().len());
                let (list, _) = parse_at(&text, start, Rule::backtick_program)?;
                EXTGLOB_SITES.with(|s| s.borrow_mut().truncate(sites));
                parts.push(WordPart::CmdSub(Arc::new(list)));
            }
            Rule::arith => {
                let mut inner = Vec::new();
                if let Some(body) = c.into_inner().next() {
                    self.arith_body(body, &mut inner)?;
                }
                parts.push(WordPart::Arith(inner));
            }
            Rule::param => {
                let braced = c.as_str().starts_with("${");
                let mut name = String::new();
                let mut op = ParamOp::Plain;
                let mut word = None;
                let mut word2 = None;
                let mut index = None;
                let mut indirect = false;
                let cspan = self.span(&c);
                for k in c.into_inner() {
                    match k.as_rule() {
                        Rule::special_param | Rule::name => name = k.as_str().to_string(),
                        Rule::brace_param => {
                            for b in k.into_inner() {
                                match b.as_rule() {
                                    Rule::param_len => {
                                        op = ParamOp::Length;
                                        for n in b.into_inner() {
                                            match n.as_rule() {
                                                Rule::subscript => index = Some(self.subscript(n)?),
                                                _ => name = n.as_str().to_string(),
                                            }
                                        }
                                    }
                                    Rule::param_keys => {
                                        for n in b.into_inner() {
                                            match n.as_rule() {
                                                Rule::keys_op => {
                                                    op = ParamOp::Names {
                                                        at: n.as_str() == "@",
                                                    }
                                                }
                                                _ => name = n.as_str().to_string(),
                                            }
                                        }
                                    }
                                    Rule::param_bang => indirect = true,
                                    Rule::param_ref => {
                                        for n in b.into_inner() {
                                            match n.as_rule() {
                                                Rule::subscript => index = Some(self.subscript(n)?),
                                                _ => name = n.as_str().to_string(),
                                            }
                                        }
                                    }
                                    Rule::param_op => {
                                        let s = b.as_str();
                                        let colon = s.starts_with(':');
                                        op = match s.trim_start_matches(':') {
                                            "-" => ParamOp::Default { colon },
                                            "=" => ParamOp::Assign { colon },
                                            "+" => ParamOp::Alt { colon },
                                            "?" => ParamOp::Error { colon },
                                            "#" => ParamOp::StripPrefix { longest: false },
                                            "##" => ParamOp::StripPrefix { longest: true },
                                            "%" => ParamOp::StripSuffix { longest: false },
                                            _ => ParamOp::StripSuffix { longest: true },
                                        };
                                    }
                                    Rule::param_word => word = Some(self.word(b)?),
                                    Rule::param_subst => {
                                        let mut all = false;
                                        let mut anchor = None;
                                        for x in b.into_inner() {
                                            match x.as_rule() {
                                                Rule::subst_op => {
                                                    let t = x.as_str();
                                                    all = t == "//";
                                                    anchor =
                                                        t[1..].chars().next().filter(|c| *c != '/');
                                                }
                                                Rule::param_pat => word = Some(self.word(x)?),
                                                Rule::param_word => word2 = Some(self.word(x)?),
                                                _ => {}
                                            }
                                        }
                                        op = ParamOp::Subst { all, anchor };
                                    }
                                    Rule::param_slice => {
                                        op = ParamOp::Slice;
                                        for x in b.into_inner() {
                                            let w = self.word(x)?;
                                            if word.is_none() {
                                                word = Some(w);
                                            } else {
                                                word2 = Some(w);
                                            }
                                        }
                                    }
                                    Rule::param_case => {
                                        let t = b.as_str();
                                        op = if t.starts_with('~') {
                                            ParamOp::Toggle { all: t.len() == 2 }
                                        } else {
                                            ParamOp::Case {
                                                upper: t.starts_with('^'),
                                                all: t.len() == 2,
                                            }
                                        };
                                    }
                                    Rule::param_transform => {
                                        let t = b.as_str();
                                        let c = t[1..].chars().next().unwrap_or('Q');
                                        op = ParamOp::Transform(c);
                                    }
                                    Rule::param_bad => {
                                        return Err(SyntaxError::unsupported(
                                            &format!("`{}'", c_text(&cspan, b.as_str())),
                                            cspan,
                                        ))
                                    }
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
                parts.push(WordPart::Param(Box::new(ParamExp {
                    name,
                    op,
                    word,
                    word2,
                    braced,
                    index,
                    indirect,
                })));
            }
            _ => {}
        }
        Ok(())
    }

    fn heredoc_parts(&self, text: &str, at: usize) -> R<Vec<WordPart>> {
        let mut pairs = match ShellParser::parse(Rule::heredoc_text, text) {
            Ok(p) => p,
            Err(e) => return Err(convert_error(text, at, &e)),
        };
        let sub = Builder {
            base: at,
            bodies: Default::default(),
        };
        let mut parts = Vec::new();
        if let Some(top) = pairs.next() {
            for c in top.into_inner() {
                sub.part(c, &mut parts)?;
            }
        }
        Ok(parts)
    }

    fn arith_body(&self, p: Pair<Rule>, out: &mut Vec<WordPart>) -> R<()> {
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::arith_paren => {
                    push_lit(out, "(");
                    if let Some(b) = c.into_inner().next() {
                        self.arith_body(b, out)?;
                    }
                    push_lit(out, ")");
                }
                Rule::escape => push_lit(out, c.as_str()),
                _ => self.part(c, out)?,
            }
        }
        Ok(())
    }
}

/// A token of `[[ … ]]`.
enum CTok {
    /// A word and its text as written (operators are recognised on it).
    Word(Word, String),
    /// `&&`, `||`, `(`, `)`, `<`, `>` and the misplaced `;`, `&`, `|`.
    Op(String),
    Nl,
    /// `]]`
    End,
    /// The end of the text without `]]`.
    Eof,
}

impl CTok {
    /// bash's `error_token_from_token`: operators are named, words not.
    fn error_text(&self) -> Option<String> {
        match self {
            CTok::Word(..) => None,
            CTok::Op(o) => Some(o.clone()),
            CTok::Nl => Some("newline".into()),
            CTok::End => Some("]]".into()),
            CTok::Eof => Some("EOF".into()),
        }
    }

    fn is_op(&self, o: &str) -> bool {
        matches!(self, CTok::Op(x) if x == o)
    }
}

/// The end of the text where `[[` wants an operand.
const COND_EOF: &str = "unexpected token `EOF' in conditional command";

fn cond_error(message: String, span: Span) -> SyntaxError {
    SyntaxError::new(message, span, "here", None)
}

/// bash's `cond_expr` / `cond_or` / `cond_and` / `cond_term` (parse.y):
/// `token` is bash's `cond_token`, the token read after a term.
struct CondParser {
    toks: Vec<(CTok, Span)>,
    pos: usize,
    token: usize,
}

impl CondParser {
    /// The index of the next token (the last one, `]]` or the end, stays).
    fn next(&mut self) -> usize {
        let i = self.pos.min(self.toks.len() - 1);
        self.pos = i + 1;
        i
    }

    fn skip_newlines(&mut self) -> usize {
        loop {
            let i = self.next();
            if !matches!(self.toks[i].0, CTok::Nl) {
                return i;
            }
        }
    }

    fn expr(&mut self) -> R<CondExpr> {
        let l = self.and()?;
        if self.toks[self.token].0.is_op("||") {
            let r = self.expr()?;
            return Ok(CondExpr::Or(Box::new(l), Box::new(r)));
        }
        Ok(l)
    }

    fn and(&mut self) -> R<CondExpr> {
        let l = self.term()?;
        if self.toks[self.token].0.is_op("&&") {
            let r = self.and()?;
            return Ok(CondExpr::And(Box::new(l), Box::new(r)));
        }
        Ok(l)
    }

    fn word(&self, i: usize) -> Option<(&Word, &str)> {
        match &self.toks[i].0 {
            CTok::Word(w, raw) => Some((w, raw.as_str())),
            _ => None,
        }
    }

    fn err_at(&self, i: usize, with: impl Fn(&str) -> String, without: &str) -> SyntaxError {
        let msg = match self.toks[i].0.error_text() {
            Some(t) => with(&t),
            None => without.to_string(),
        };
        cond_error(msg, self.toks[i].1)
    }

    fn term(&mut self) -> R<CondExpr> {
        let i = self.skip_newlines();
        let term = match &self.toks[i].0 {
            CTok::Eof => return Err(cond_error(COND_EOF.into(), self.toks[i].1)),
            CTok::End => {
                // bash 5.2 gives up without a message here.
                return Err(cond_error(
                    "unexpected token `]]' in conditional command".into(),
                    self.toks[i].1,
                ));
            }
            CTok::Op(o) if o == "(" => {
                let e = self.expr()?;
                if !self.toks[self.token].0.is_op(")") {
                    return Err(self.err_at(
                        self.token,
                        |t| format!("unexpected token `{t}', expected `)'"),
                        "expected `)'",
                    ));
                }
                self.token = self.skip_newlines();
                CondExpr::Group(Box::new(e))
            }
            CTok::Word(_, raw) if raw == "!" => {
                return Ok(match self.term()? {
                    CondExpr::Not(e) => *e,
                    e => CondExpr::Not(Box::new(e)),
                });
            }
            CTok::Word(_, raw) if crate::interp::test_cmd::test_unop(raw) => {
                let op = raw.clone();
                let j = self.next();
                let Some((w, _)) = self.word(j) else {
                    return Err(self.err_at(
                        j,
                        |t| format!("unexpected argument `{t}' to conditional unary operator"),
                        "unexpected argument to conditional unary operator",
                    ));
                };
                let e = CondExpr::Unary(op, w.clone());
                self.token = self.skip_newlines();
                e
            }
            CTok::Word(lhs, _) => {
                let lhs = lhs.clone();
                let j = self.next();
                let t = &self.toks[j].0;
                if matches!(t, CTok::End) || t.is_op("&&") || t.is_op("||") || t.is_op(")") {
                    // `[[ x ]]` is `[[ -n x ]]`, as for `test`.
                    self.token = j;
                    return Ok(CondExpr::Unary("-n".into(), lhs));
                }
                let op = match t {
                    CTok::Word(_, raw)
                        if crate::interp::test_cmd::test_binop(raw) || raw == "=~" =>
                    {
                        raw.clone()
                    }
                    CTok::Op(o) if o == "<" || o == ">" => o.clone(),
                    _ => {
                        return Err(self.err_at(
                            j,
                            |t| {
                                format!(
                                    "unexpected token `{t}', conditional binary operator expected"
                                )
                            },
                            "conditional binary operator expected",
                        ))
                    }
                };
                let k = self.next();
                let Some((rhs, _)) = self.word(k) else {
                    return Err(self.err_at(
                        k,
                        |t| format!("unexpected argument `{t}' to conditional binary operator"),
                        "unexpected argument to conditional binary operator",
                    ));
                };
                let e = CondExpr::Binary(op, lhs, rhs.clone());
                self.token = self.skip_newlines();
                e
            }
            t => {
                let t = t.error_text().unwrap_or_default();
                return Err(cond_error(
                    format!("unexpected token `{t}' in conditional command"),
                    self.toks[i].1,
                ));
            }
        };
        Ok(term)
    }
}

fn c_text(_span: &Span, inner: &str) -> String {
    format!("${{{inner}}}")
}

fn push_lit(parts: &mut Vec<WordPart>, s: &str) {
    if let Some(WordPart::Lit(l)) = parts.last_mut() {
        l.push_str(s);
    } else {
        parts.push(WordPart::Lit(s.to_string()));
    }
}

fn push_quoted(parts: &mut Vec<WordPart>, s: &str) {
    if let Some(WordPart::Quoted(l)) = parts.last_mut() {
        l.push_str(s);
    } else {
        parts.push(WordPart::Quoted(s.to_string()));
    }
}

use crate::interp::printf::ansi_c;

/// Whether `text` stops inside a construct that more lines could finish (the
/// REPL's `> ` continuation): a syntax error at the end of the input (an
/// open `do`/`then`/`{`/quote/`$(`, a trailing `|` or `&&`), a here-document
/// whose delimiter line has not come yet, or a trailing `\` line joiner.
pub fn needs_more_input(text: &str) -> bool {
    match ShellParser::parse(Rule::program, text) {
        Err(_) => matches!(parse(text), Err(e) if at_end_of_input(&e)),
        Ok(pairs) => {
            let open_heredoc = pairs.flatten().any(|p| {
                is_heredoc_body(p.as_rule())
                    && p.as_span().end() == text.len()
                    && p.clone()
                        .into_inner()
                        .last()
                        .map(|l| l.as_span().end())
                        .unwrap_or(p.as_span().start())
                        == text.len()
            });
            // `[[ a &&` parses (the builder finds the missing `]]`).
            let open_cond =
                text.contains("[[") && matches!(parse(text), Err(e) if at_end_of_input(&e));
            open_heredoc || open_cond || ends_with_joiner(text)
        }
    }
}

/// A syntax error that more text could cure: the end of the input came
/// inside a construct (a quote, `do`, `then`, `{`, `$(`, `[[`, after `&&`).
fn at_end_of_input(e: &SyntaxError) -> bool {
    e.message == "syntax error: unexpected end of file"
        || e.message
            .starts_with("unexpected EOF while looking for matching")
        || e.message == "unexpected EOF while looking for `]]'"
        || e.message == COND_EOF
}

/// A last line ending in an unescaped `\` (outside a comment).
fn ends_with_joiner(text: &str) -> bool {
    let Some(body) = text.strip_suffix('\n') else {
        return false;
    };
    let line = body.rsplit('\n').next().unwrap_or(body);
    let slashes = line.len() - line.trim_end_matches('\\').len();
    let comment = line
        .char_indices()
        .any(|(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t', ';'])));
    slashes % 2 == 1 && !comment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(l: &List, i: usize) -> &SimpleCmd {
        match &l.items[i].and_or.first.cmds[0].kind {
            CommandKind::Simple(s) => s,
            k => panic!("not a simple command: {k:?}"),
        }
    }

    #[test]
    fn words_keep_their_spans() {
        let l = parse("echo  a \"b c\"\n").expect("parses");
        let s = simple(&l, 0);
        let spans: Vec<(usize, usize)> =
            s.words.iter().map(|w| (w.span.start, w.span.end)).collect();
        assert_eq!(spans, vec![(0, 4), (6, 7), (8, 13)]);
        assert_eq!(l.items[0].span.start, 0);
    }

    #[test]
    fn assignments_redirections_and_lists() {
        let l = parse("X=1 Y+=2 cmd >out 2>&1 & a && b || c; ! d | e\n").expect("parses");
        assert_eq!(l.items.len(), 3);
        assert!(l.items[0].background);
        let s = simple(&l, 0);
        assert_eq!(s.assigns.len(), 2);
        assert!(s.assigns[1].append);
        assert_eq!(s.redirs.len(), 2);
        assert_eq!(s.redirs[1].fd, Some(2));
        assert_eq!(s.redirs[1].op, RedirOp::DupOut);
        assert_eq!(l.items[1].and_or.rest.len(), 2);
        assert!(l.items[2].and_or.first.bang);
        assert_eq!(l.items[2].and_or.first.cmds.len(), 2);
    }

    #[test]
    fn display_prints_shell_text_back() {
        for src in [
            "echo a 'b c' \"$x ${y:-d}\" $(ls) $((1 + 2))",
            "if a; then b; elif c; then d; else e; fi",
            "for x in 1 2; do echo $x; done",
            "case $x in a|b) echo ab ;; esac",
            "f () { echo hi; }",
            "(( i++ ))",
            "for ((i=0; i<3; i++)); do echo $i; done",
            "[[ -n $x && ( $y == a* || ! -d / ) ]]",
            "[[ $x =~ ^(a|b)$ ]]",
        ] {
            let l = parse(src).expect("parses");
            let printed = l.items[0].and_or.to_string();
            let again = parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e:?}"));
            assert_eq!(again.items[0].and_or.to_string(), printed, "{src}");
        }
    }

    #[test]
    fn here_document_bodies() {
        let l = parse("cat <<EOF\nhello $x\nEOF\ncat <<'E'\nraw $x\nE\n\tcat <<-T\n\tx\n\tT\n")
            .expect("parses");
        let r0 = &simple(&l, 0).redirs[0];
        assert!(matches!(r0.op, RedirOp::HereDoc { strip_tabs: false }));
        assert!(r0
            .target
            .parts
            .iter()
            .any(|p| matches!(p, WordPart::Param(_))));
        let r1 = &simple(&l, 1).redirs[0];
        assert!(matches!(&r1.target.parts[..], [WordPart::Quoted(t)] if t == "raw $x\n"));
        let r2 = &simple(&l, 2).redirs[0];
        assert!(matches!(&r2.target.parts[..], [WordPart::Quoted(t)] if t == "x\n"));
    }

    fn command(src: &str) -> Command {
        let l = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        l.items[0].and_or.first.cmds[0].clone()
    }

    fn kind(src: &str) -> CommandKind {
        command(src).kind
    }

    fn arith_text(parts: &[WordPart]) -> String {
        ArithText(parts).to_string()
    }

    #[test]
    fn arith_for_has_its_three_parts() {
        let CommandKind::ArithFor {
            init,
            cond,
            step,
            body,
        } = kind("for ((i=0; i<3; i++)); do echo $i; done\n")
        else {
            panic!("not an arithmetic for")
        };
        assert_eq!(
            (arith_text(&init), arith_text(&cond), arith_text(&step)),
            ("i=0".into(), "i<3".into(), "i++".into())
        );
        assert_eq!(body.items.len(), 1);
        // Blanks before a part are dropped, after it kept; an empty part
        // is `1`; newlines may come before `do`.
        let CommandKind::ArithFor {
            init, cond, step, ..
        } = kind("for ((  k = $(( 1 + 1 )) ;; k-- ))\n\ndo :; done\n")
        else {
            panic!("not an arithmetic for")
        };
        assert_eq!(arith_text(&init), "k = $(( 1 + 1 )) ");
        assert_eq!(arith_text(&cond), "1");
        assert_eq!(arith_text(&step), "k-- ");
        assert!(init.iter().any(|p| matches!(p, WordPart::Arith(_))));
        let CommandKind::ArithFor { body, .. } = kind("for ((;;)) { echo a; break; }\n") else {
            panic!("not an arithmetic for")
        };
        assert_eq!(body.items.len(), 2);
        let e = parse("for ((i=0; i<3)); do :; done\n").expect_err("two parts");
        assert_eq!(e.message, "syntax error: arithmetic expression required");
        let e = parse("for ((a; b; c; d)); do :; done\n").expect_err("four parts");
        assert_eq!(e.message, "syntax error: `;' unexpected");
    }

    #[test]
    fn arith_command_and_nested_subshells() {
        let CommandKind::Arith(parts) = kind("(( x = $y * 2 ))\n") else {
            panic!("not arithmetic")
        };
        assert_eq!(arith_text(&parts), " x = $y * 2 ");
        assert!(parts.iter().any(|p| matches!(p, WordPart::Param(_))));
        // `((a) | b)` is a subshell holding a subshell, as in bash.
        assert!(matches!(
            kind("((echo a) | cat)\n"),
            CommandKind::Subshell(_)
        ));
        // `$((…))` inside arithmetic is arithmetic, not `$( (…) )`.
        let CommandKind::Arith(parts) = kind("(( $((1+2)) ))\n") else {
            panic!("not arithmetic")
        };
        assert!(parts.iter().any(|p| matches!(p, WordPart::Arith(_))));
    }

    #[test]
    fn conditional_expressions_parse_as_bash() {
        let CommandKind::Cond(e) = kind("[[ -n $x && ( $y == a* || ! -d / ) ]]\n") else {
            panic!("not [[")
        };
        let CondExpr::And(l, r) = &e else {
            panic!("{e:?}")
        };
        assert!(matches!(&**l, CondExpr::Unary(op, _) if op == "-n"));
        let CondExpr::Group(g) = &**r else {
            panic!("{r:?}")
        };
        let CondExpr::Or(a, b) = &**g else {
            panic!("{g:?}")
        };
        assert!(matches!(&**a, CondExpr::Binary(op, _, _) if op == "=="));
        assert!(matches!(&**b, CondExpr::Not(_)));
        // `[[ x ]]` is `[[ -n x ]]`; `! !` cancels.
        assert_eq!(command("[[ ! ! $x ]]\n").to_string(), "[[ -n $x ]]");
        // `<` and `>` compare strings; `=~` takes a regular expression
        // with groups, `|` and blanks inside groups.
        assert_eq!(command("[[ a<b ]]\n").to_string(), "[[ a < b ]]");
        let CommandKind::Cond(CondExpr::Binary(op, _, re)) =
            kind("[[ $x =~ ^(a b|c)+\\.\"d\"$ ]]\n")
        else {
            panic!("not =~")
        };
        assert_eq!(op, "=~");
        assert_eq!(re.to_string(), "^(a b|c)+'.'\"d\"$");
        // Newlines are allowed between terms.
        assert!(matches!(
            kind("[[ a &&\n  b ]]\n"),
            CommandKind::Cond(CondExpr::And(..))
        ));
    }

    #[test]
    fn conditional_errors_use_bash_messages() {
        for (src, msg) in [
            ("[[ a b ]]\n", "conditional binary operator expected"),
            (
                "[[ -n ]]\n",
                "unexpected argument `]]' to conditional unary operator",
            ),
            (
                "[[ a == ]]\n",
                "unexpected argument `]]' to conditional binary operator",
            ),
            (
                "[[ a =~ ]]\n",
                "unexpected argument `]]' to conditional binary operator",
            ),
            ("[[ ( a ]]\n", "unexpected token `]]', expected `)'"),
            ("[[ a == b c ]]\n", "syntax error in conditional expression"),
            (
                "[[ ( a ) ) ]]\n",
                "syntax error in conditional expression: unexpected token `)'",
            ),
            ("[[ ) ]]\n", "unexpected token `)' in conditional command"),
            (
                "[[ a ; ]]\n",
                "unexpected token `;', conditional binary operator expected",
            ),
            (
                "[[ a\n",
                "unexpected token `newline', conditional binary operator expected",
            ),
            ("[[ a == b\n", "unexpected EOF while looking for `]]'"),
            ("[[ a &&\n", "unexpected token `EOF' in conditional command"),
        ] {
            let e = parse(src).expect_err(src);
            assert_eq!(e.message, msg, "{src}");
        }
        // bash 5.2 reads an extended pattern after `==` whatever
        // `shopt extglob` says; elsewhere only with it.
        parse("[[ $x == @(a|b c) ]]\n").expect("extglob in [[ ]]");
        assert_eq!(extglob_sites(), vec![]);
        parse("[[ -n @(x) ]]\n").expect("extglob operand");
        let site = |offset, message| ExtglobSite { offset, message };
        assert_eq!(extglob_sites(), vec![site(7, EXTGLOB_OFF_UNARY)]);
        parse("[[ @(x) == y ]]; echo +(a)\n").expect("extglob operand");
        let want = vec![site(4, EXTGLOB_OFF_BINARY), site(23, EXTGLOB_OFF)];
        assert_eq!(extglob_sites(), want);
        assert!(needs_more_input("[[ a &&\n"));
        assert!(!needs_more_input("[[ a b ]]\n"));
    }

    #[test]
    fn errors_name_bash_token_and_offset() {
        let e = parse("if true; then\n  echo x\nfi fi\n").expect_err("fails");
        assert_eq!(e.message, "syntax error near unexpected token `fi'");
        assert_eq!(e.offset, 26);
        let e = parse("while true; do\n").expect_err("fails");
        assert_eq!(e.message, "syntax error: unexpected end of file");
        let e = parse("echo 'x\n").expect_err("fails");
        assert_eq!(e.message, "unexpected EOF while looking for matching `''");
    }
}

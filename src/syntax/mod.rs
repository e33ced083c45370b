//! Source text → AST. The only module that names pest's `Rule`, `Pair` and
//! `Pairs` (grammar in `grammar/shell.pest`).
//!
//! The whole source is parsed before anything runs, like `bash -n` would
//! check it, so a syntax error anywhere means nothing of the script ran.
//! Here-document bodies are matched by the grammar (with pest's stack, at
//! the newline that ends the line holding the `<<`) and attached to their
//! redirections here, in document order.

// ParseError carries its source text for the diagnostic; it is built once,
// on the cold path, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use pest::iterators::Pair;
use pest::Parser as _;

use crate::ast::*;
use crate::span::{SourceFile, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/shell.pest"]
struct ShellParser;

/// A syntax error, located in its source.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ParseError {
    /// bash: `syntax error near unexpected token `fi'`
    #[error("syntax error near unexpected token `{token}'")]
    #[diagnostic(code(nsh::syntax::unexpected))]
    Unexpected {
        token: String,
        line: usize,
        #[source_code]
        src: miette::NamedSource<String>,
        #[label("{expected}")]
        span: miette::SourceSpan,
        expected: String,
    },
    /// bash: `syntax error: unexpected end of file`
    #[error("syntax error: unexpected end of file")]
    #[diagnostic(code(nsh::syntax::eof))]
    UnexpectedEof {
        line: usize,
        #[source_code]
        src: miette::NamedSource<String>,
        #[label("{expected}")]
        span: miette::SourceSpan,
        expected: String,
    },
    /// A construct outside nsh's subset (`[[`, `((`, arrays, …).
    #[error("syntax error: `{what}' is not supported by nsh")]
    #[diagnostic(
        code(nsh::syntax::unsupported),
        help("nsh runs a POSIX sh subset with common bash habits; see README.md")
    )]
    Unsupported {
        what: String,
        line: usize,
        #[source_code]
        src: miette::NamedSource<String>,
        #[label("not supported")]
        span: miette::SourceSpan,
    },
}

impl ParseError {
    /// The 1-based line of the error, as bash reports it.
    pub fn line(&self) -> usize {
        match self {
            ParseError::Unexpected { line, .. }
            | ParseError::UnexpectedEof { line, .. }
            | ParseError::Unsupported { line, .. } => *line,
        }
    }
}

/// Parse a whole program.
pub fn parse_program(src: &SourceFile) -> Result<List, ParseError> {
    parse_at(src, &src.text, 0)
}

/// Parse `text`, which sits at byte `base` of `src` (for backticks).
fn parse_at(src: &SourceFile, text: &str, base: usize) -> Result<List, ParseError> {
    let mut pairs =
        ShellParser::parse(Rule::program, text).map_err(|e| to_error(src, text, base, e))?;
    let program = pairs.next().expect("program pair");
    let mut b = Builder {
        src,
        base,
        heredocs: HashMap::new(),
    };
    b.collect_heredocs(program.clone());
    let mut list = List::default();
    for p in program.into_inner() {
        if p.as_rule() == Rule::list {
            list = b.list(p)?;
        }
    }
    Ok(list)
}

/// Does `text` parse as a complete program? (`Err(true)`: it is incomplete
/// and more lines could complete it: the REPL's continuation prompt.)
pub fn is_complete(text: &str) -> Result<(), bool> {
    match ShellParser::parse(Rule::program, text) {
        Ok(_) => Ok(()),
        Err(e) => {
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((p, _)) => p,
            };
            Err(pos >= text.trim_end().len())
        }
    }
}

fn to_error(src: &SourceFile, text: &str, base: usize, e: pest::error::Error<Rule>) -> ParseError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((p, _)) => p,
    };
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => describe(positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let rest = &text[pos..];
    let abs = base + pos;
    let line = src.line_of(abs);
    let token = token_at(rest);
    match token {
        None => ParseError::UnexpectedEof {
            line: src.line_of(base + text.trim_end().len()),
            src: src.named_source(),
            span: (
                base + text.len().saturating_sub(1).max(pos.min(text.len())),
                0,
            )
                .into(),
            expected,
        },
        Some(tok) => ParseError::Unexpected {
            span: (abs, tok.len().max(1)).into(),
            token: if tok == "\n" { "newline".into() } else { tok },
            line,
            src: src.named_source(),
            expected,
        },
    }
}

/// The shell token starting at the beginning of `rest`, as bash names it in
/// `syntax error near unexpected token`.
fn token_at(rest: &str) -> Option<String> {
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return None;
    }
    for op in [
        ";;&", ";;", ";&", "&&", "||", "<<-", "<<", ">>", "&>", ";", "&", "|", "(", ")", "<", ">",
        "\n",
    ] {
        if rest.starts_with(op) {
            return Some(op.to_string());
        }
    }
    let end = rest
        .find([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>'])
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

fn describe(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = rules
        .iter()
        .map(|r| match r {
            Rule::word
            | Rule::simple_command
            | Rule::command
            | Rule::pipeline
            | Rule::and_or
            | Rule::list => "a command",
            Rule::compound_list => "a command list",
            Rule::name => "a name",
            Rule::do_group => "`do'",
            Rule::case_item => "a case pattern or `esac'",
            Rule::newline => "a newline",
            Rule::EOI => "end of input",
            Rule::redirect => "a redirection",
            _ => "",
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return "unexpected here".to_string();
    }
    format!("expected {}", names.join(" or "))
}

struct Builder<'s> {
    src: &'s SourceFile,
    base: usize,
    /// Here-document bodies by the start of their redirection.
    heredocs: HashMap<usize, (String, Span)>,
}

type R<T> = Result<T, ParseError>;

impl Builder<'_> {
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn unsupported(&self, what: &str, span: Span) -> ParseError {
        ParseError::Unsupported {
            what: what.to_string(),
            line: self.src.line_of(span.start),
            src: self.src.named_source(),
            span: span.into(),
        }
    }

    /// Pair each here-document redirection with its body, in document order.
    fn collect_heredocs(&mut self, program: Pair<Rule>) {
        let mut pending: VecDeque<usize> = VecDeque::new();
        for p in program.into_inner().flatten() {
            match p.as_rule() {
                Rule::redirect
                    if p.clone()
                        .into_inner()
                        .any(|c| c.as_rule() == Rule::heredoc_op) =>
                {
                    pending.push_back(p.as_span().start());
                }
                Rule::heredoc_body => {
                    if let Some(at) = pending.pop_front() {
                        let content = p
                            .clone()
                            .into_inner()
                            .find(|c| c.as_rule() == Rule::hd_content)
                            .map(|c| (c.as_str().to_string(), self.span(&c)))
                            .unwrap_or_default();
                        self.heredocs.insert(at, content);
                    }
                }
                _ => {}
            }
        }
    }

    fn list(&mut self, p: Pair<Rule>) -> R<List> {
        let mut items: Vec<ListItem> = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::and_or => {
                    let span = self.span(&c);
                    items.push(ListItem {
                        and_or: self.and_or(c)?,
                        background: false,
                        span,
                    });
                }
                Rule::amp => {
                    if let Some(last) = items.last_mut() {
                        last.background = true;
                    }
                }
                _ => {}
            }
        }
        Ok(List { items })
    }

    fn compound_list(&mut self, p: Pair<Rule>) -> R<List> {
        for c in p.into_inner() {
            if c.as_rule() == Rule::list {
                return self.list(c);
            }
        }
        Ok(List::default())
    }

    fn and_or(&mut self, p: Pair<Rule>) -> R<AndOr> {
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
                Rule::andor_op => {
                    op = if c.as_str() == "&&" {
                        AndOrOp::And
                    } else {
                        AndOrOp::Or
                    };
                }
                _ => {}
            }
        }
        Ok(AndOr {
            first: first.expect("and_or has a pipeline"),
            rest,
        })
    }

    fn pipeline(&mut self, p: Pair<Rule>) -> R<Pipeline> {
        let span = self.span(&p);
        let mut bang = false;
        let mut commands = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::bang => bang = true,
                Rule::command => commands.push(self.command(c)?),
                _ => {}
            }
        }
        Ok(Pipeline {
            bang,
            commands,
            span,
        })
    }

    fn command(&mut self, p: Pair<Rule>) -> R<Command> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let first = inner.next().expect("command has content");
        match first.as_rule() {
            Rule::unsupported => {
                let text = first.as_str();
                let what = ["((", "[[", "select", "coproc", "time", "for"]
                    .into_iter()
                    .find(|w| text.starts_with(w))
                    .map(|w| if w == "for" { "for ((" } else { w })
                    .unwrap_or(text);
                let span = self.span(&first);
                Err(self.unsupported(what, Span::new(span.start, span.start + what.len())))
            }
            Rule::function_def => self.function_def(first),
            Rule::compound_command => {
                let body = self.compound(first)?;
                let mut redirects = Vec::new();
                for r in inner {
                    if r.as_rule() == Rule::redirect {
                        redirects.push(self.redirect(r)?);
                    }
                }
                Ok(Command::Compound(body, redirects, span))
            }
            Rule::simple_command => Ok(Command::Simple(self.simple(first)?)),
            r => unreachable!("command: {r:?}"),
        }
    }

    fn function_def(&mut self, p: Pair<Rule>) -> R<Command> {
        let span = self.span(&p);
        let source = p.as_str().to_string();
        let mut name = String::new();
        let mut body = None;
        let mut redirects = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::fname => name = c.as_str().to_string(),
                Rule::compound_command => body = Some(self.compound(c)?),
                Rule::redirect => redirects.push(self.redirect(c)?),
                _ => {}
            }
        }
        Ok(Command::FunctionDef(Rc::new(FunctionDef {
            name,
            body: body.expect("function body"),
            redirects,
            source,
            span,
        })))
    }

    fn compound(&mut self, p: Pair<Rule>) -> R<Compound> {
        let c = p.into_inner().next().expect("compound content");
        match c.as_rule() {
            Rule::brace_group => Ok(Compound::Brace(self.first_compound_list(c)?)),
            Rule::subshell => Ok(Compound::Subshell(self.first_compound_list(c)?)),
            Rule::if_clause => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                let mut lists = Vec::new();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::compound_list => lists.push(self.compound_list(x)?),
                        Rule::elif_part => {
                            let mut ls = Vec::new();
                            for y in x.into_inner() {
                                if y.as_rule() == Rule::compound_list {
                                    ls.push(self.compound_list(y)?);
                                }
                            }
                            let body = ls.pop().unwrap_or_default();
                            let cond = ls.pop().unwrap_or_default();
                            branches.push((cond, body));
                        }
                        Rule::else_part => otherwise = Some(self.first_compound_list(x)?),
                        _ => {}
                    }
                }
                let body = lists.pop().unwrap_or_default();
                let cond = lists.pop().unwrap_or_default();
                branches.insert(0, (cond, body));
                Ok(Compound::If {
                    branches,
                    otherwise,
                })
            }
            Rule::for_clause => {
                let mut var = String::new();
                let mut words = None;
                let mut body = List::default();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::name => var = x.as_str().to_string(),
                        Rule::for_in => {
                            let mut ws = Vec::new();
                            for w in x.into_inner() {
                                if w.as_rule() == Rule::word {
                                    ws.push(self.word(w)?);
                                }
                            }
                            words = Some(ws);
                        }
                        Rule::do_group => body = self.first_compound_list(x)?,
                        _ => {}
                    }
                }
                Ok(Compound::For { var, words, body })
            }
            Rule::while_clause | Rule::until_clause => {
                let until = c.as_rule() == Rule::until_clause;
                let mut cond = List::default();
                let mut body = List::default();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::compound_list => cond = self.compound_list(x)?,
                        Rule::do_group => body = self.first_compound_list(x)?,
                        _ => {}
                    }
                }
                Ok(Compound::While { cond, body, until })
            }
            Rule::case_clause => {
                let mut word = None;
                let mut items = Vec::new();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::word => word = Some(self.word(x)?),
                        Rule::case_item => {
                            let mut patterns = Vec::new();
                            let mut body = List::default();
                            let mut end = CaseEnd::Break;
                            for y in x.into_inner() {
                                match y.as_rule() {
                                    Rule::word => patterns.push(self.word(y)?),
                                    Rule::compound_list => body = self.compound_list(y)?,
                                    Rule::case_end => {
                                        end = match y.as_str() {
                                            ";&" => CaseEnd::FallThrough,
                                            ";;&" => CaseEnd::TestNext,
                                            _ => CaseEnd::Break,
                                        }
                                    }
                                    _ => {}
                                }
                            }
                            items.push(CaseItem {
                                patterns,
                                body,
                                end,
                            });
                        }
                        _ => {}
                    }
                }
                Ok(Compound::Case {
                    word: word.expect("case word"),
                    items,
                })
            }
            r => unreachable!("compound: {r:?}"),
        }
    }

    fn first_compound_list(&mut self, p: Pair<Rule>) -> R<List> {
        for x in p.into_inner() {
            if x.as_rule() == Rule::compound_list {
                return self.compound_list(x);
            }
        }
        Ok(List::default())
    }

    fn simple(&mut self, p: Pair<Rule>) -> R<SimpleCommand> {
        let span = self.span(&p);
        let mut cmd = SimpleCommand {
            assigns: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::redirect => cmd.redirects.push(self.redirect(c)?),
                Rule::assignment => {
                    let aspan = self.span(&c);
                    let text = c.as_str().to_string();
                    let mut inner = c.into_inner();
                    let name = inner.next().expect("name").as_str().to_string();
                    let mut parts = Vec::new();
                    for x in inner {
                        self.word_part(x, &mut parts)?;
                    }
                    if cmd.words.is_empty() {
                        let vstart = aspan.start + name.len() + 1;
                        cmd.assigns.push(Assign {
                            value: Word {
                                parts,
                                span: Span::new(vstart, aspan.end),
                                text: text[name.len() + 1..].to_string(),
                            },
                            name,
                            span: aspan,
                        });
                    } else {
                        parts.insert(0, WordPart::Lit(format!("{name}=")));
                        cmd.words.push(Word {
                            parts,
                            span: aspan,
                            text,
                        });
                    }
                }
                Rule::word => cmd.words.push(self.word(c)?),
                _ => {}
            }
        }
        if let Some(w) = cmd.words.first() {
            if w.as_literal() == Some("[[") {
                return Err(self.unsupported("[[", w.span));
            }
        }
        Ok(cmd)
    }

    fn redirect(&mut self, p: Pair<Rule>) -> R<Redirect> {
        let span = self.span(&p);
        let start = p.as_span().start();
        let mut fd = None;
        let mut op = RedirOp::Out;
        let mut target = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::io_number => fd = c.as_str().parse().ok(),
                Rule::heredoc_op => op = RedirOp::HereDoc,
                Rule::redir_op => {
                    op = match c.as_str() {
                        "<" => RedirOp::In,
                        ">" | ">|" => RedirOp::Out,
                        ">>" => RedirOp::Append,
                        "<>" => RedirOp::ReadWrite,
                        ">&" => RedirOp::DupOut,
                        "<&" => RedirOp::DupIn,
                        "&>" => RedirOp::OutErr,
                        "&>>" => RedirOp::AppendErr,
                        "<<<" => RedirOp::HereString,
                        o => unreachable!("redir op {o}"),
                    }
                }
                Rule::heredoc_delim => {
                    let quoted = c.as_str().contains(['\'', '"', '\\']);
                    let strip = p_is_strip(&self.src.text, self.base + start);
                    let (mut body, bspan) = self.heredocs.get(&start).cloned().unwrap_or_default();
                    if strip {
                        body = body
                            .split_inclusive('\n')
                            .map(|l| l.trim_start_matches('\t'))
                            .collect();
                    }
                    let word = if quoted {
                        Word {
                            parts: vec![WordPart::Quoted(body.clone())],
                            span: bspan,
                            text: body,
                        }
                    } else {
                        self.heredoc_word(&body, bspan)?
                    };
                    target = Some(RedirTarget::HereDoc {
                        body: word,
                        expand: !quoted,
                    });
                }
                Rule::word => target = Some(RedirTarget::Word(self.word(c)?)),
                _ => {}
            }
        }
        Ok(Redirect {
            fd,
            op,
            target: target.expect("redirect target"),
            span,
        })
    }

    /// Parse an unquoted here-document body for its expansions.
    fn heredoc_word(&mut self, body: &str, span: Span) -> R<Word> {
        let mut pairs = ShellParser::parse(Rule::heredoc_text, body)
            .map_err(|e| to_error(self.src, body, span.start, e))?;
        let top = pairs.next().expect("heredoc_text pair");
        let mut parts = Vec::new();
        let saved = self.base;
        self.base = span.start;
        for p in top.into_inner() {
            match p.as_rule() {
                Rule::hd_escape => {
                    let ch = &p.as_str()[1..];
                    if ch != "\n" {
                        parts.push(WordPart::Quoted(ch.to_string()));
                    }
                }
                Rule::hd_lit => parts.push(WordPart::Quoted(p.as_str().to_string())),
                Rule::EOI => {}
                _ => self.word_part(p, &mut parts)?,
            }
        }
        self.base = saved;
        Ok(Word {
            parts,
            span,
            text: body.to_string(),
        })
    }

    fn word(&mut self, p: Pair<Rule>) -> R<Word> {
        let span = self.span(&p);
        let text = p.as_str().to_string();
        let mut parts = Vec::new();
        for c in p.into_inner() {
            self.word_part(c, &mut parts)?;
        }
        Ok(Word { parts, span, text })
    }

    fn word_part(&mut self, p: Pair<Rule>, out: &mut Vec<WordPart>) -> R<()> {
        match p.as_rule() {
            Rule::lit | Rule::pw_lit => out.push(WordPart::Lit(p.as_str().to_string())),
            Rule::arith_lit => out.push(WordPart::Quoted(p.as_str().to_string())),
            Rule::sq => {
                let inner = p.into_inner().next().map(|x| x.as_str()).unwrap_or("");
                out.push(WordPart::Quoted(inner.to_string()));
            }
            Rule::ansi_c => {
                let inner = p.into_inner().next().map(|x| x.as_str()).unwrap_or("");
                out.push(WordPart::Quoted(crate::interp::printf::ansi_c(inner)));
            }
            Rule::bs_escape => {
                let ch = &p.as_str()[1..];
                if ch != "\n" {
                    out.push(WordPart::Quoted(ch.to_string()));
                }
            }
            Rule::dq => {
                let mut inner = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::dq_escape => {
                            let ch = &c.as_str()[1..];
                            if ch != "\n" {
                                inner.push(WordPart::Quoted(ch.to_string()));
                            }
                        }
                        Rule::dq_lit => inner.push(WordPart::Quoted(c.as_str().to_string())),
                        _ => self.word_part(c, &mut inner)?,
                    }
                }
                out.push(WordPart::DQuoted(inner));
            }
            Rule::backtick => {
                let span = self.span(&p);
                let inner = p.into_inner().next().map(|x| x.as_str()).unwrap_or("");
                // Inside backticks, \$ \` \\ lose their backslash.
                let mut text = String::new();
                let mut chars = inner.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        if let Some(&n) = chars.peek() {
                            if matches!(n, '$' | '`' | '\\') {
                                text.push(n);
                                chars.next();
                                continue;
                            }
                        }
                    }
                    text.push(c);
                }
                let list = parse_at(self.src, &text, span.start + 1)?;
                out.push(WordPart::CmdSub(Rc::new(list), span));
            }
            Rule::cmd_sub => {
                let span = self.span(&p);
                let mut list = List::default();
                for c in p.into_inner() {
                    if c.as_rule() == Rule::list {
                        list = self.list(c)?;
                    }
                }
                out.push(WordPart::CmdSub(Rc::new(list), span));
            }
            Rule::arith => {
                let span = self.span(&p);
                let mut parts = Vec::new();
                for c in p.into_inner() {
                    self.arith_text(c, &mut parts)?;
                }
                out.push(WordPart::Arith(parts, span));
            }
            Rule::param_simple => {
                let span = self.span(&p);
                let name = p.as_str()[1..].to_string();
                out.push(WordPart::Param(Box::new(ParamExp {
                    name,
                    length: false,
                    op: None,
                    span,
                })));
            }
            Rule::param_brace => {
                let span = self.span(&p);
                let mut pe = ParamExp {
                    name: String::new(),
                    length: false,
                    op: None,
                    span,
                };
                let mut op = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::param_len => {
                            pe.length = true;
                            pe.name = c.as_str()[1..].to_string();
                        }
                        Rule::param_name => pe.name = c.as_str().to_string(),
                        Rule::param_op => {
                            op = Some(match c.as_str() {
                                "-" => ParamOp::Default { colon: false },
                                ":-" => ParamOp::Default { colon: true },
                                "=" => ParamOp::Assign { colon: false },
                                ":=" => ParamOp::Assign { colon: true },
                                "+" => ParamOp::Alt { colon: false },
                                ":+" => ParamOp::Alt { colon: true },
                                "?" => ParamOp::Error { colon: false },
                                ":?" => ParamOp::Error { colon: true },
                                "#" => ParamOp::StripPrefix { longest: false },
                                "##" => ParamOp::StripPrefix { longest: true },
                                "%" => ParamOp::StripSuffix { longest: false },
                                _ => ParamOp::StripSuffix { longest: true },
                            })
                        }
                        Rule::param_word => {
                            let w = self.word(c)?;
                            if let Some(o) = op.take() {
                                pe.op = Some((o, w));
                            }
                        }
                        _ => {}
                    }
                }
                out.push(WordPart::Param(Box::new(pe)));
            }
            r => unreachable!("word part {r:?}"),
        }
        Ok(())
    }

    fn arith_text(&mut self, p: Pair<Rule>, out: &mut Vec<WordPart>) -> R<()> {
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::arith_paren => {
                    out.push(WordPart::Quoted("(".into()));
                    for x in c.into_inner() {
                        self.arith_text(x, out)?;
                    }
                    out.push(WordPart::Quoted(")".into()));
                }
                Rule::arith_text => self.arith_text(c, out)?,
                _ => self.word_part(c, out)?,
            }
        }
        Ok(())
    }
}

/// Is the `<<` at `at` a `<<-` (strip leading tabs)?
fn p_is_strip(text: &str, at: usize) -> bool {
    let rest = &text[at.min(text.len())..];
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.starts_with("<<-")
}

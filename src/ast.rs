//! The owned AST of a shell program. Every node carries the span of the
//! source text it came from, so runtime errors can point at it.
//!
//! Built by [`crate::syntax`] from pest's pairs; evaluated by
//! [`crate::interp`]. `Display` on [`Word`] prints its source form back.

use std::fmt;
use std::rc::Rc;

use crate::span::Span;

/// A sequence of and-or lists, each run in the foreground or (`&`) in the
/// background. Equivalent to a POSIX `list` / `compound_list`.
#[derive(Debug, Clone, Default)]
pub struct List {
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone)]
pub struct ListItem {
    pub and_or: AndOr,
    pub background: bool,
    pub span: Span,
}

/// `p1 && p2 || p3`.
#[derive(Debug, Clone)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(AndOrOp, Pipeline)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AndOrOp {
    And,
    Or,
}

/// `[!] c1 | c2 | …`.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub bang: bool,
    pub commands: Vec<Command>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Command {
    Simple(SimpleCommand),
    Compound(Compound, Vec<Redirect>, Span),
    FunctionDef(Rc<FunctionDef>),
}

impl Command {
    pub fn span(&self) -> Span {
        match self {
            Command::Simple(s) => s.span,
            Command::Compound(_, _, s) => *s,
            Command::FunctionDef(f) => f.span,
        }
    }
}

/// `[NAME=VALUE…] [WORD…] [REDIRECT…]` in any order (assignments first).
#[derive(Debug, Clone)]
pub struct SimpleCommand {
    pub assigns: Vec<Assign>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Assign {
    pub name: String,
    pub value: Word,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Compound {
    /// `{ list; }`
    Brace(List),
    /// `( list )`
    Subshell(List),
    /// `if c; then b; elif c; then b; else b; fi`
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    /// `for NAME [in WORDS]; do body; done` (`None`: iterate over "$@")
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: List,
    },
    /// `while c; do b; done` / `until c; do b; done`
    While { cond: List, body: List, until: bool },
    /// `case WORD in pat|pat) list ;; … esac`
    Case { word: Word, items: Vec<CaseItem> },
}

#[derive(Debug, Clone)]
pub struct CaseItem {
    pub patterns: Vec<Word>,
    pub body: List,
    pub end: CaseEnd,
}

/// How a case item ends: `;;`, `;&` (fall through), `;;&` (test next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEnd {
    Break,
    FallThrough,
    TestNext,
}

/// `name() compound` / `function name compound`.
#[derive(Debug)]
pub struct FunctionDef {
    pub name: String,
    pub body: Compound,
    pub redirects: Vec<Redirect>,
    /// The definition's source text, for `type NAME`.
    pub source: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Redirect {
    /// The explicit file descriptor (`2>`), if any.
    pub fd: Option<i32>,
    pub op: RedirOp,
    pub target: RedirTarget,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    In,
    /// `>` and `>|`
    Out,
    /// `>>`
    Append,
    /// `<>`
    ReadWrite,
    /// `>&`
    DupOut,
    /// `<&`
    DupIn,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendErr,
    /// `<<` / `<<-`
    HereDoc,
    /// `<<<`
    HereString,
}

#[derive(Debug, Clone)]
pub enum RedirTarget {
    Word(Word),
    /// A here-document body: expanded (unquoted delimiter) or literal.
    HereDoc {
        body: Word,
        expand: bool,
    },
}

/// A shell word: its parts before expansion.
#[derive(Debug, Clone)]
pub struct Word {
    pub parts: Vec<WordPart>,
    pub span: Span,
    /// The source text, as written.
    pub text: String,
}

impl Word {
    /// The word's text if it has no quoting and no expansion.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [WordPart::Lit(s)] => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[derive(Debug, Clone)]
pub enum WordPart {
    /// Unquoted literal text (subject to globbing, not to splitting).
    Lit(String),
    /// Quoted literal text: `'…'`, `$'…'`, `\c`, literal parts of `"…"`.
    Quoted(String),
    /// `"…"`: its parts are not split or globbed.
    DQuoted(Vec<WordPart>),
    /// `$NAME`, `${NAME…}`.
    Param(Box<ParamExp>),
    /// `$(…)` or `` `…` ``.
    CmdSub(Rc<List>, Span),
    /// `$((…))`: the expression text is expanded, then evaluated.
    Arith(Vec<WordPart>, Span),
}

#[derive(Debug, Clone)]
pub struct ParamExp {
    pub name: String,
    /// `${#NAME}`
    pub length: bool,
    pub op: Option<(ParamOp, Word)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamOp {
    /// `-` / `:-` (colon: also when empty)
    Default { colon: bool },
    /// `=` / `:=`
    Assign { colon: bool },
    /// `+` / `:+`
    Alt { colon: bool },
    /// `?` / `:?`
    Error { colon: bool },
    /// `#` / `##`
    StripPrefix { longest: bool },
    /// `%` / `%%`
    StripSuffix { longest: bool },
}

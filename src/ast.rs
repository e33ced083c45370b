//! The owned AST of a shell program. Every node carries the byte [`Span`] of
//! the text it came from; `Display` prints shell text back (normalised
//! spacing, as `type f` shows a function).

use std::fmt;
use std::sync::Arc;

use crate::span::Span;

/// A sequence of and-or lists (`a; b & c`), the body of a program, a brace
/// group, a subshell, a branch, a loop body.
#[derive(Clone, Debug, Default)]
pub struct List {
    pub items: Vec<ListItem>,
    pub span: Span,
}

/// One and-or list and whether it runs in the background (`&`).
#[derive(Clone, Debug)]
pub struct ListItem {
    pub and_or: AndOr,
    pub background: bool,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AndOrOp {
    And,
    Or,
}

/// `p1 && p2 || p3`.
#[derive(Clone, Debug)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(AndOrOp, Pipeline)>,
    pub span: Span,
}

/// `[time [-p]] [!] c1 | c2 | …`.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub bang: bool,
    /// The `time` keyword before the pipeline (`time` alone times a
    /// simple command without words).
    pub time: Option<TimeFormat>,
    pub cmds: Vec<Command>,
    pub span: Span,
}

/// How `time` reports: `TIMEFORMAT` (or bash's default), or `-p`'s
/// POSIX format (also chosen by `time --`, as in bash).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    Default,
    Posix,
}

impl TimeFormat {
    /// The keyword as bash's `type` prints it (`time `, `time -p `).
    pub fn prefix(self) -> &'static str {
        match self {
            TimeFormat::Default => "time ",
            TimeFormat::Posix => "time -p ",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Command {
    pub kind: CommandKind,
    /// Redirections of a compound command (`{ …; } > f`); a simple
    /// command keeps its own in [`SimpleCmd::redirs`].
    pub redirs: Vec<Redir>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum CommandKind {
    Simple(SimpleCmd),
    Brace(List),
    Subshell(List),
    If {
        branches: Vec<(List, List)>,
        else_: Option<List>,
    },
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: List,
    },
    /// `select NAME [in WORDS]; do LIST; done` (`None`: `in "$@"`).
    Select {
        var: String,
        words: Option<Vec<Word>>,
        body: List,
    },
    While {
        cond: List,
        body: List,
        until: bool,
    },
    Case {
        word: Word,
        arms: Vec<CaseArm>,
    },
    FuncDef {
        name: String,
        body: Arc<Command>,
    },
    /// `(( expr ))`: the parts of the expression, as in `$((…))`.
    Arith(Vec<WordPart>),
    /// `for ((init; cond; step))`: each part as written without its
    /// leading blanks; an empty part is `1`, as bash makes it.
    ArithFor {
        init: Vec<WordPart>,
        cond: Vec<WordPart>,
        step: Vec<WordPart>,
        body: List,
    },
    /// `[[ … ]]`.
    Cond(CondExpr),
    /// `coproc [NAME] COMMAND` (NAME is `COPROC` unless given; the
    /// command keeps its own redirections).
    Coproc {
        name: String,
        body: Box<Command>,
    },
}

/// The expression of `[[ … ]]`, as bash's parser builds it (`[[ x ]]` is
/// `[[ -n x ]]`; `!` toggles, so `! ! x` is `x`).
#[derive(Clone, Debug)]
pub enum CondExpr {
    /// `-f w`, `-n w`, …: the operator as written.
    Unary(String, Word),
    /// `w1 OP w2`: `==`, `=`, `!=` (the right side a pattern), `=~` (an
    /// extended regular expression), `<`, `>`, `-eq` … `-ge`, `-nt`, `-ot`,
    /// `-ef`.
    Binary(String, Word, Word),
    Not(Box<CondExpr>),
    And(Box<CondExpr>, Box<CondExpr>),
    Or(Box<CondExpr>, Box<CondExpr>),
    /// `( … )`.
    Group(Box<CondExpr>),
}

#[derive(Clone, Debug)]
pub struct CaseArm {
    pub patterns: Vec<Word>,
    pub body: List,
    /// `;&`: fall through into the next body.
    pub fallthrough: bool,
    /// `;;&`: go on testing the following arms' patterns.
    pub test_next: bool,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct SimpleCmd {
    pub assigns: Vec<Assign>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

/// `NAME=value`, `NAME+=value`, `NAME[i]=value`, `NAME=(…)`.
#[derive(Clone, Debug)]
pub struct Assign {
    pub name: String,
    pub append: bool,
    pub value: Option<Word>,
    pub span: Span,
    /// `NAME[SUB]=…`: the subscript's parts, as in `$((…))`.
    pub index: Option<Vec<WordPart>>,
    /// `NAME=(…)`: the elements.
    pub array: Option<Vec<ArrayElem>>,
}

/// An element of `NAME=(…)`: `word` or `[SUB]=word`.
#[derive(Clone, Debug)]
pub struct ArrayElem {
    pub index: Option<Vec<WordPart>>,
    pub value: Word,
}

#[derive(Clone, Debug)]
pub struct Word {
    pub parts: Vec<WordPart>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum WordPart {
    /// Unquoted text (subject to tilde expansion, splitting, globbing).
    Lit(String),
    /// Quoted text: `'…'`, `$'…'` (decoded), `\c`, literal parts of `"…"`.
    Quoted(String),
    /// `"…"`.
    Dq(Vec<WordPart>),
    Param(Box<ParamExp>),
    /// `$(…)` or backticks.
    CmdSub(Arc<List>),
    /// `$((…))`: its parts expand to the expression text.
    Arith(Vec<WordPart>),
    /// `<(…)` (`output` false) or `>(…)`: a /dev/fd/N path.
    ProcSubst {
        list: Arc<List>,
        output: bool,
    },
    /// The `(…)` of `declare NAME=(…)` (the last part of a word that
    /// starts with `NAME=` or `NAME+=`).
    Array(Vec<ArrayElem>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamOp {
    /// `$X`, `${X}`
    Plain,
    /// `${#X}`
    Length,
    /// `${X-w}` / `${X:-w}`
    Default { colon: bool },
    /// `${X=w}` / `${X:=w}`
    Assign { colon: bool },
    /// `${X+w}` / `${X:+w}`
    Alt { colon: bool },
    /// `${X?w}` / `${X:?w}`
    Error { colon: bool },
    /// `${X#p}` / `${X##p}`
    StripPrefix { longest: bool },
    /// `${X%p}` / `${X%%p}`
    StripSuffix { longest: bool },
    /// `${X/p/r}` (first), `${X//p/r}` (all), `${X/#p/r}` (at the start),
    /// `${X/%p/r}` (at the end): `word` the pattern, `word2` the
    /// replacement.
    Subst { all: bool, anchor: Option<char> },
    /// `${X:o}` / `${X:o:l}`: `word` the offset, `word2` the length.
    Slice,
    /// `${X^^}`, `${X^}`, `${X,,}`, `${X,}`.
    Case { upper: bool, all: bool },
    /// `${X~~}`, `${X~}`: the case of every / the first character toggled.
    Toggle { all: bool },
    /// `${X@Q}`, `${X@E}`, `${X@U}`, `${X@u}`, `${X@L}`, `${X@a}`.
    Transform(char),
    /// `${!X*}` / `${!X@}`: the names of the variables starting with X.
    Names { at: bool },
}

#[derive(Clone, Debug)]
pub struct ParamExp {
    pub name: String,
    pub op: ParamOp,
    pub word: Option<Word>,
    /// The replacement of `Subst`, the length of `Slice`.
    pub word2: Option<Word>,
    /// Written as `${…}` (for Display).
    pub braced: bool,
    /// `${NAME[SUB]…}`: the subscript's parts (`@`, `*` or an arithmetic
    /// expression).
    pub index: Option<Vec<WordPart>>,
    /// `${!NAME…}`: indirection (`${!NAME[@]}`: the indices).
    pub indirect: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    In,
    /// `>`
    Out,
    /// `>|`
    Clobber,
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
    AppendOutErr,
    /// `<<<`
    HereString,
    /// `<<` / `<<-`
    HereDoc { strip_tabs: bool },
}

#[derive(Clone, Debug)]
pub struct Redir {
    pub fd: Option<i32>,
    /// `{NAME}>…`: the variable that gets (or, with `>&-`, gives) the fd.
    pub fd_var: Option<String>,
    pub op: RedirOp,
    /// The target word; for a here-document, its body (a single quoted
    /// part when the delimiter was quoted).
    pub target: Word,
    /// The here-document delimiter as written (for Display).
    pub delim: Option<String>,
    pub span: Span,
}

impl RedirOp {
    fn text(self) -> &'static str {
        match self {
            RedirOp::In => "<",
            RedirOp::Out => ">",
            RedirOp::Clobber => ">|",
            RedirOp::Append => ">>",
            RedirOp::ReadWrite => "<>",
            RedirOp::DupOut => ">&",
            RedirOp::DupIn => "<&",
            RedirOp::OutErr => "&>",
            RedirOp::AppendOutErr => "&>>",
            RedirOp::HereString => "<<<",
            RedirOp::HereDoc { strip_tabs: false } => "<<",
            RedirOp::HereDoc { strip_tabs: true } => "<<-",
        }
    }
}

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", item.and_or)?;
            f.write_str(if item.background { " &" } else { ";" })?;
        }
        Ok(())
    }
}

/// A list inside `$(…)` or `<(…)`, as bash prints it: no `;` after the
/// last command.
struct Enclosed<'a>(&'a List);

impl fmt::Display for Enclosed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.items.len();
        for (i, item) in self.0.items.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", item.and_or)?;
            if item.background {
                f.write_str(" &")?;
            } else if i + 1 < n {
                f.write_str(";")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for AndOr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for (op, p) in &self.rest {
            let o = if *op == AndOrOp::And { "&&" } else { "||" };
            write!(f, " {o} {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(t) = self.time {
            f.write_str(t.prefix())?;
        }
        if self.bang {
            f.write_str("! ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CommandKind::Simple(s) => {
                let mut first = true;
                let mut sep = |f: &mut fmt::Formatter<'_>| {
                    if !first {
                        f.write_str(" ")?;
                    }
                    first = false;
                    Ok::<(), fmt::Error>(())
                };
                for a in &s.assigns {
                    sep(f)?;
                    write!(f, "{a}")?;
                }
                for w in &s.words {
                    sep(f)?;
                    write!(f, "{w}")?;
                }
                for r in &s.redirs {
                    sep(f)?;
                    write!(f, "{r}")?;
                }
                return Ok(());
            }
            CommandKind::Brace(l) => write!(f, "{{ {l} }}")?,
            CommandKind::Subshell(l) => write!(f, "( {l} )")?,
            CommandKind::If { branches, else_ } => {
                for (i, (c, b)) in branches.iter().enumerate() {
                    let kw = if i == 0 { "if" } else { " elif" };
                    write!(f, "{kw} {c} then {b}")?;
                }
                if let Some(e) = else_ {
                    write!(f, " else {e}")?;
                }
                f.write_str(" fi")?;
            }
            CommandKind::For { var, words, body } => {
                write!(f, "{}; do {body} done", loop_head("for", var, words))?;
            }
            CommandKind::Select { var, words, body } => {
                write!(f, "{}; do {body} done", loop_head("select", var, words))?;
            }
            CommandKind::Coproc { name, body } => write!(f, "coproc {name} {body}")?,
            CommandKind::While { cond, body, until } => {
                let kw = if *until { "until" } else { "while" };
                write!(f, "{kw} {cond} do {body} done")?;
            }
            CommandKind::Case { word, arms } => {
                write!(f, "case {word} in")?;
                for a in arms {
                    f.write_str(" ")?;
                    for (i, p) in a.patterns.iter().enumerate() {
                        if i > 0 {
                            f.write_str("|")?;
                        }
                        write!(f, "{p}")?;
                    }
                    let end = case_end(a);
                    write!(f, ") {} {end}", a.body)?;
                }
                f.write_str(" esac")?;
            }
            CommandKind::FuncDef { name, body } => write!(f, "{name} () {body}")?,
            CommandKind::Arith(parts) => write!(f, "(({}))", ArithText(parts))?,
            CommandKind::ArithFor {
                init,
                cond,
                step,
                body,
            } => write!(
                f,
                "for (({}; {}; {})); do {body} done",
                ArithText(init),
                ArithText(cond),
                ArithText(step)
            )?,
            CommandKind::Cond(e) => write!(f, "[[ {e} ]]")?,
        }
        for r in &self.redirs {
            write!(f, " {r}")?;
        }
        Ok(())
    }
}

/// An arithmetic expression's parts printed back (`$((…))`, `((…))`).
pub struct ArithText<'a>(pub &'a [WordPart]);

impl fmt::Display for ArithText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.0 {
            match p {
                WordPart::Lit(s) => f.write_str(s)?,
                other => write_part(f, other, true)?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Assign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(ix) = &self.index {
            write!(f, "[{}]", ArithText(ix))?;
        }
        f.write_str(if self.append { "+=" } else { "=" })?;
        if let Some(elems) = &self.array {
            write_array(f, elems)?;
        } else if let Some(v) = &self.value {
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

/// `(w1 [i]=w2 …)` as bash prints it.
fn write_array(f: &mut fmt::Formatter<'_>, elems: &[ArrayElem]) -> fmt::Result {
    f.write_str("(")?;
    for (i, e) in elems.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        if let Some(ix) = &e.index {
            write!(f, "[{}]=", ArithText(ix))?;
        }
        write!(f, "{}", e.value)?;
    }
    f.write_str(")")
}

/// bash's `print_cond_node`.
impl fmt::Display for CondExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CondExpr::Unary(op, w) => write!(f, "{op} {w}"),
            CondExpr::Binary(op, a, b) => write!(f, "{a} {op} {b}"),
            CondExpr::Not(e) => write!(f, "! {e}"),
            CondExpr::And(a, b) => write!(f, "{a} && {b}"),
            CondExpr::Or(a, b) => write!(f, "{a} || {b}"),
            CondExpr::Group(e) => write!(f, "( {e} )"),
        }
    }
}

impl fmt::Display for Redir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(fd) = self.fd {
            write!(f, "{fd}")?;
        }
        if let Some(v) = &self.fd_var {
            write!(f, "{{{v}}}")?;
        }
        f.write_str(self.op.text())?;
        match &self.delim {
            Some(d) => write!(f, "{d}\n{}{d}\n", WordBody(&self.target)),
            None => write!(f, "{}", self.target),
        }
    }
}

/// A here-document body printed raw.
struct WordBody<'a>(&'a Word);

impl fmt::Display for WordBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0.parts {
            match p {
                WordPart::Quoted(s) | WordPart::Lit(s) => f.write_str(s)?,
                other => write_part(f, other, true)?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.parts {
            write_part(f, p, false)?;
        }
        Ok(())
    }
}

fn write_part(f: &mut fmt::Formatter<'_>, p: &WordPart, in_dq: bool) -> fmt::Result {
    match p {
        WordPart::Lit(s) => f.write_str(s),
        WordPart::Quoted(s) => {
            if in_dq {
                for c in s.chars() {
                    if matches!(c, '$' | '`' | '"' | '\\') {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                Ok(())
            } else if s.contains('\'') {
                write!(f, "'{}'", s.replace('\'', "'\\''"))
            } else {
                write!(f, "'{s}'")
            }
        }
        WordPart::Dq(parts) => {
            f.write_str("\"")?;
            for p in parts {
                write_part(f, p, true)?;
            }
            f.write_str("\"")
        }
        WordPart::Param(p) => {
            if !p.braced {
                return write!(f, "${}", p.name);
            }
            let ix = match &p.index {
                Some(ix) => format!("[{}]", ArithText(ix)),
                None => String::new(),
            };
            let bang = if p.indirect { "!" } else { "" };
            let op = match p.op {
                ParamOp::Plain => "",
                ParamOp::Length => return write!(f, "${{#{}{ix}}}", p.name),
                ParamOp::Names { at } => {
                    return write!(f, "${{!{}{}}}", p.name, if at { "@" } else { "*" })
                }
                ParamOp::Default { colon } => {
                    if colon {
                        ":-"
                    } else {
                        "-"
                    }
                }
                ParamOp::Assign { colon } => {
                    if colon {
                        ":="
                    } else {
                        "="
                    }
                }
                ParamOp::Alt { colon } => {
                    if colon {
                        ":+"
                    } else {
                        "+"
                    }
                }
                ParamOp::Error { colon } => {
                    if colon {
                        ":?"
                    } else {
                        "?"
                    }
                }
                ParamOp::StripPrefix { longest } => {
                    if longest {
                        "##"
                    } else {
                        "#"
                    }
                }
                ParamOp::StripSuffix { longest } => {
                    if longest {
                        "%%"
                    } else {
                        "%"
                    }
                }
                ParamOp::Subst { all, anchor } => match (all, anchor) {
                    (true, _) => "//",
                    (false, Some('#')) => "/#",
                    (false, Some(_)) => "/%",
                    (false, None) => "/",
                },
                ParamOp::Slice => ":",
                ParamOp::Case { upper, all } => match (upper, all) {
                    (true, true) => "^^",
                    (true, false) => "^",
                    (false, true) => ",,",
                    (false, false) => ",",
                },
                ParamOp::Toggle { all: true } => "~~",
                ParamOp::Toggle { all: false } => "~",
                ParamOp::Transform(c) => match c {
                    'Q' => "@Q",
                    'E' => "@E",
                    'U' => "@U",
                    'u' => "@u",
                    'L' => "@L",
                    _ => "@a",
                },
            };
            write!(f, "${{{bang}{}{ix}{op}", p.name)?;
            if let Some(w) = &p.word {
                write!(f, "{w}")?;
            }
            if let Some(w) = &p.word2 {
                let sep = if p.op == ParamOp::Slice { ":" } else { "/" };
                write!(f, "{sep}{w}")?;
            }
            f.write_str("}")
        }
        WordPart::CmdSub(l) => write!(f, "$({})", Enclosed(l)),
        WordPart::ProcSubst { list, output } => {
            let c = if *output { '>' } else { '<' };
            write!(f, "{c}({})", Enclosed(list))
        }
        WordPart::Arith(parts) => write!(f, "$(({}))", ArithText(parts)),
        WordPart::Array(elems) => write_array(f, elems),
    }
}

/// bash's layout of a function definition (`type f`, print_cmd.c): one
/// command per line, four spaces per level, `;` after all but the last.
pub fn function_text(name: &str, body: &Command) -> String {
    let mut p = Printer::default();
    p.out.push_str(&format!("{name} () \n"));
    p.command(body, 0);
    p.flush_heredocs();
    p.out
}

/// An and-or list as bash names a job (`jobs`, the `Killed` report):
/// `type`'s layout.
pub fn and_or_text(ao: &AndOr) -> String {
    let mut p = Printer {
        one_line: true,
        ..Printer::default()
    };
    p.and_or(ao, 0);
    p.out
}

/// One command as bash prints it (`$BASH_COMMAND`): `type`'s layout,
/// without here-document bodies.
pub fn command_text(c: &Command) -> String {
    let mut p = Printer::default();
    p.command(c, 0);
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
    /// Here-document bodies waiting for the end of the current line.
    pending: Vec<(String, String)>,
    /// A job's name: brace groups on one line.
    one_line: bool,
}

impl Printer {
    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    fn flush_heredocs(&mut self) {
        for (body, delim) in std::mem::take(&mut self.pending) {
            self.out.push('\n');
            self.out.push_str(&body);
            self.out.push_str(&delim);
            self.out.push('\n');
        }
    }

    /// The items of a list, one per line at `ind`.
    /// `last_semi`: bodies of if/for/while end their last command with `;`
    /// too; brace groups, case arms and functions do not.
    fn lines(&mut self, l: &List, ind: usize, last_semi: bool) {
        let n = l.items.len();
        let mut at_line_start = true;
        for (i, it) in l.items.iter().enumerate() {
            if at_line_start {
                self.indent(ind);
            }
            self.and_or(&it.and_or, ind);
            if it.background {
                // bash keeps `a & b` on one line.
                self.out.push_str(if i + 1 < n { " & " } else { " &" });
                at_line_start = i + 1 == n;
                if i + 1 < n {
                    continue;
                }
            } else if (i + 1 < n || last_semi) && self.pending.is_empty() {
                self.out.push(';');
            }
            self.flush_heredocs();
            at_line_start = true;
            if i + 1 < n {
                self.out.push('\n');
            }
        }
    }

    /// A list on one line (conditions, subshells).
    fn inline(&mut self, l: &List) {
        let n = l.items.len();
        for (i, it) in l.items.iter().enumerate() {
            self.and_or(&it.and_or, 0);
            if it.background {
                self.out.push_str(" &");
            }
            if i + 1 < n {
                self.out.push_str(if it.background { " " } else { "; " });
            }
        }
    }

    fn and_or(&mut self, a: &AndOr, ind: usize) {
        self.pipeline(&a.first, ind);
        for (op, p) in &a.rest {
            self.out
                .push_str(if *op == AndOrOp::And { " && " } else { " || " });
            self.pipeline(p, ind);
        }
    }

    fn pipeline(&mut self, p: &Pipeline, ind: usize) {
        if let Some(t) = p.time {
            self.out.push_str(t.prefix());
        }
        if p.bang {
            self.out.push_str("! ");
        }
        for (i, c) in p.cmds.iter().enumerate() {
            if i > 0 {
                self.out.push_str(" | ");
            }
            self.command(c, ind);
        }
    }

    fn command(&mut self, c: &Command, ind: usize) {
        match &c.kind {
            CommandKind::Simple(s) => {
                let mut parts: Vec<String> = Vec::new();
                for a in &s.assigns {
                    parts.push(a.to_string());
                }
                parts.extend(s.words.iter().map(|w| w.to_string()));
                self.out.push_str(&parts.join(" "));
                for r in &s.redirs {
                    self.out.push(' ');
                    self.redir(r);
                }
                return;
            }
            CommandKind::Brace(l) if self.one_line => {
                self.out.push_str("{ ");
                self.inline(l);
                self.out.push_str("; }");
            }
            CommandKind::Brace(l) => {
                self.out.push_str("{ \n");
                self.lines(l, ind + 4, false);
                self.out.push('\n');
                self.indent(ind);
                self.out.push('}');
            }
            CommandKind::Subshell(l) => {
                self.out.push_str("( ");
                self.inline(l);
                self.out.push_str(" )");
            }
            CommandKind::If { branches, else_ } => self.if_(branches, else_.as_ref(), ind),
            CommandKind::For { var, words, body } => {
                self.out.push_str(&loop_head("for", var, words));
                self.out.push_str(";\n");
                self.do_done(body, ind);
            }
            CommandKind::Select { var, words, body } => {
                self.out.push_str(&loop_head("select", var, words));
                self.out.push_str(";\n");
                self.do_done(body, ind);
            }
            CommandKind::Coproc { name, body } => {
                self.out.push_str(&format!("coproc {name} "));
                self.command(body, ind);
            }
            CommandKind::While { cond, body, until } => {
                self.out.push_str(if *until { "until " } else { "while " });
                self.inline(cond);
                self.out.push_str("; do\n");
                self.lines(body, ind + 4, true);
                self.out.push('\n');
                self.indent(ind);
                self.out.push_str("done");
            }
            CommandKind::Case { word, arms } => {
                self.out.push_str(&format!("case {word} in \n"));
                for a in arms {
                    self.indent(ind + 4);
                    let pats: Vec<String> = a.patterns.iter().map(|p| p.to_string()).collect();
                    self.out.push_str(&pats.join(" | "));
                    self.out.push_str(")\n");
                    self.lines(&a.body, ind + 8, false);
                    self.out.push('\n');
                    self.indent(ind + 4);
                    self.out.push_str(case_end(a));
                    self.out.push('\n');
                }
                self.indent(ind);
                self.out.push_str("esac");
            }
            CommandKind::FuncDef { name, body } => {
                self.out.push_str(&format!("{name} () \n"));
                self.indent(ind);
                self.command(body, ind);
            }
            CommandKind::Arith(parts) => {
                self.out.push_str(&format!("(({}))", ArithText(parts)));
            }
            CommandKind::ArithFor {
                init,
                cond,
                step,
                body,
            } => {
                self.out.push_str(&format!(
                    "for (({}; {}; {}))\n",
                    ArithText(init),
                    ArithText(cond),
                    ArithText(step)
                ));
                self.do_done(body, ind);
            }
            CommandKind::Cond(e) => self.out.push_str(&format!("[[ {e} ]]")),
        }
        for r in &c.redirs {
            self.out.push(' ');
            self.redir(r);
        }
    }

    fn if_(&mut self, branches: &[(List, List)], else_: Option<&List>, ind: usize) {
        let Some(((cond, body), rest)) = branches.split_first() else {
            return;
        };
        self.out.push_str("if ");
        self.inline(cond);
        self.out.push_str("; then\n");
        self.lines(body, ind + 4, true);
        self.out.push('\n');
        if !rest.is_empty() {
            // bash prints `elif` as an `if` nested in `else`.
            self.indent(ind);
            self.out.push_str("else\n");
            self.indent(ind + 4);
            self.if_(rest, else_, ind + 4);
            self.out.push_str(";\n");
        } else if let Some(e) = else_ {
            self.indent(ind);
            self.out.push_str("else\n");
            self.lines(e, ind + 4, true);
            self.out.push('\n');
        }
        self.indent(ind);
        self.out.push_str("fi");
    }

    /// A loop's body on its own lines: `do`, the body, `done`.
    fn do_done(&mut self, body: &List, ind: usize) {
        self.indent(ind);
        self.out.push_str("do\n");
        self.lines(body, ind + 4, true);
        self.out.push('\n');
        self.indent(ind);
        self.out.push_str("done");
    }

    fn redir(&mut self, r: &Redir) {
        let fd = match (&r.fd_var, r.fd) {
            (Some(v), _) => format!("{{{v}}}"),
            (None, Some(f)) => f.to_string(),
            (None, None) => String::new(),
        };
        let dup_fd = |default: i32| match (&r.fd_var, r.fd) {
            (Some(v), _) => format!("{{{v}}}"),
            (None, f) => f.unwrap_or(default).to_string(),
        };
        match r.op {
            RedirOp::DupOut => {
                let fd = dup_fd(1);
                self.out.push_str(&format!("{fd}>&{}", r.target));
            }
            RedirOp::DupIn => {
                let fd = dup_fd(0);
                self.out.push_str(&format!("{fd}<&{}", r.target));
            }
            RedirOp::HereDoc { .. } => {
                let d = r.delim.clone().unwrap_or_default();
                self.out.push_str(&format!("{fd}{}{d}", r.op.text()));
                let bare = d.trim_matches(['\'', '"', '\\']).to_string();
                self.pending.push((WordBody(&r.target).to_string(), bare));
            }
            op => self
                .out
                .push_str(&format!("{fd}{} {}", op.text(), r.target)),
        }
    }
}

/// The head of a `for` or `select` loop as bash prints it (`type`,
/// `$BASH_COMMAND`, `set -x`): without `in`, the words are `"$@"`
/// (print_cmd.c: print_for_command_head, print_select_command_head).
/// The head of `for`/`select` as bash prints it (`type`, `set -x`,
/// `$BASH_COMMAND`): without `in`, it is `in "$@"`.
pub fn loop_head(kw: &str, var: &str, words: &Option<Vec<Word>>) -> String {
    let mut h = format!("{kw} {var} in");
    match words {
        Some(ws) => {
            for w in ws {
                h.push(' ');
                h.push_str(&w.to_string());
            }
        }
        None => h.push_str(" \"$@\""),
    }
    h
}

/// How a case arm ends, as written.
fn case_end(a: &CaseArm) -> &'static str {
    if a.fallthrough {
        ";&"
    } else if a.test_next {
        ";;&"
    } else {
        ";;"
    }
}

//! Shell arithmetic (`$((…))`, `((…))`, `let`): bash 5.2's evaluator.
//!
//! The structure follows bash's `expr.c` closely because its quirks are
//! observable: variables are evaluated while the lexer reads them (a
//! variable whose value is an expression is evaluated recursively), the
//! error token is the text from the start of the last token read, and a few
//! operators (`++`, `--`) are recognised by looking at their neighbours.
//! Arithmetic is on `i64` with two's-complement wrap-around.

/// Variable access for arithmetic.
pub trait ArithVars {
    fn get_var(&self, name: &str) -> Option<String>;
    fn set_var(&mut self, name: &str, value: String) -> Result<(), String>;
    /// `NAME[I]` (without arrays: element 0 is the scalar).
    fn get_elem(&self, name: &str, i: i64) -> Result<Option<String>, String> {
        Ok(if i == 0 { self.get_var(name) } else { None })
    }
    /// `NAME[I]=V` (without arrays: only element 0).
    fn set_elem(&mut self, name: &str, i: i64, value: String) -> Result<(), String> {
        if i == 0 {
            self.set_var(name, value)
        } else {
            Ok(())
        }
    }
    /// Whether `NAME` is an associative array (its subscripts are keys).
    fn is_assoc(&self, _name: &str) -> bool {
        false
    }
    fn get_key(&self, _name: &str, _key: &str) -> Option<String> {
        None
    }
    fn set_key(&mut self, _name: &str, _key: &str, _value: String) -> Result<(), String> {
        Ok(())
    }
}

/// An arithmetic error; `Display` is bash's text after `FILE: line N: `
/// (and after `let: ` / `((: ` which the caller adds for those commands).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ArithError {
    /// bash's `evalerror`: `EXPR: MSG (error token is "TOKEN")`.
    #[error("{expr}: {msg} (error token is \"{token}\")")]
    Eval {
        expr: String,
        msg: String,
        token: String,
    },
    /// An assignment the shell refused (e.g. `r: readonly variable`).
    #[error("{0}")]
    Assign(String),
}

/// bash's limit on nested evaluation of variables holding expressions.
const MAX_EXPR_RECURSION_LEVEL: usize = 1024;

// Token codes (expr.c).
const EOF: i32 = 0;
const EQEQ: i32 = 1;
const NEQ: i32 = 2;
const LEQ: i32 = 3;
const GEQ: i32 = 4;
const STR: i32 = 5;
const NUM: i32 = 6;
const LAND: i32 = 7;
const LOR: i32 = 8;
const LSH: i32 = 9;
const RSH: i32 = 10;
const OP_ASSIGN: i32 = 11;
const COND: i32 = 12;
const POWER: i32 = 13;
const PREINC: i32 = 14;
const PREDEC: i32 = 15;
const POSTINC: i32 = 16;
const POSTDEC: i32 = 17;
const EQ: i32 = b'=' as i32;
const GT: i32 = b'>' as i32;
const LT: i32 = b'<' as i32;
const PLUS: i32 = b'+' as i32;
const MINUS: i32 = b'-' as i32;
const MUL: i32 = b'*' as i32;
const DIV: i32 = b'/' as i32;
const MOD: i32 = b'%' as i32;
const NOT: i32 = b'!' as i32;
const LPAR: i32 = b'(' as i32;
const RPAR: i32 = b')' as i32;
const BAND: i32 = b'&' as i32;
const BOR: i32 = b'|' as i32;
const BXOR: i32 = b'^' as i32;
const BNOT: i32 = b'~' as i32;
const QUES: i32 = b'?' as i32;
const COL: i32 = b':' as i32;
const COMMA: i32 = b',' as i32;

type R<T> = Result<T, ArithError>;

/// Evaluate `expr` as bash does `$((expr))`.
pub fn eval(expr: &str, vars: &mut dyn ArithVars) -> Result<i64, ArithError> {
    subexpr(expr, vars, 0)
}

fn cr_whitespace(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n'
}

fn var_starter(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn var_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_arithop(c: i32) -> bool {
    matches!(
        c,
        EQ | GT
            | LT
            | PLUS
            | MINUS
            | MUL
            | DIV
            | MOD
            | NOT
            | LPAR
            | RPAR
            | BAND
            | BOR
            | BXOR
            | BNOT
            | QUES
            | COL
            | COMMA
    )
}

fn is_multiop(c: i32) -> bool {
    matches!(
        c,
        EQEQ | NEQ
            | LEQ
            | GEQ
            | LAND
            | LOR
            | LSH
            | RSH
            | OP_ASSIGN
            | COND
            | POWER
            | PREINC
            | PREDEC
            | POSTINC
            | POSTDEC
    )
}

/// bash's `subexpr`: evaluate one (sub)expression at nesting `depth`.
fn subexpr(expr: &str, vars: &mut dyn ArithVars, depth: usize) -> R<i64> {
    if expr.bytes().all(cr_whitespace) {
        return Ok(0);
    }
    let mut p = P {
        s: expr.as_bytes(),
        src: expr,
        tp: 0,
        lasttp: None,
        curtok: EOF,
        lasttok: EOF,
        assigntok: 0,
        tokval: 0,
        tokstr: None,
        noeval: 0,
        vars,
        depth: depth + 1,
        pending: None,
    };
    p.readtok()?;
    let v = p.expcomma()?;
    if p.curtok != EOF {
        return Err(p.err("syntax error in expression"));
    }
    Ok(v)
}

/// The lexer/evaluator state of one expression (bash's EXPR_CONTEXT).
struct P<'a> {
    s: &'a [u8],
    src: &'a str,
    tp: usize,
    lasttp: Option<usize>,
    curtok: i32,
    lasttok: i32,
    assigntok: i32,
    tokval: i64,
    tokstr: Option<String>,
    noeval: u32,
    vars: &'a mut dyn ArithVars,
    depth: usize,
    /// A variable (and subscript) read by `lex`, still to be evaluated.
    pending: Option<(String, Option<String>)>,
}

/// Saved token state (SAVETOK / RESTORETOK).
struct Saved {
    curtok: i32,
    lasttok: i32,
    tp: usize,
    lasttp: Option<usize>,
    tokval: i64,
    tokstr: Option<String>,
    noeval: u32,
}

impl P<'_> {
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn err(&self, msg: &str) -> ArithError {
        let expr = self.src.trim_start_matches([' ', '\t']).to_string();
        let token = match self.lasttp {
            Some(i) if i < self.s.len() => String::from_utf8_lossy(&self.s[i..]).into_owned(),
            _ => String::new(),
        };
        ArithError::Eval {
            expr,
            msg: msg.to_string(),
            token,
        }
    }

    fn save(&self) -> Saved {
        Saved {
            curtok: self.curtok,
            lasttok: self.lasttok,
            tp: self.tp,
            lasttp: self.lasttp,
            tokval: self.tokval,
            tokstr: self.tokstr.clone(),
            noeval: self.noeval,
        }
    }

    fn restore(&mut self, s: Saved) {
        self.curtok = s.curtok;
        self.lasttok = s.lasttok;
        self.tp = s.tp;
        self.lasttp = s.lasttp;
        self.tokval = s.tokval;
        self.tokstr = s.tokstr;
        self.noeval = s.noeval;
    }

    fn bind(&mut self, name: &str, v: i64) -> R<()> {
        self.vars
            .set_var(name, v.to_string())
            .map_err(ArithError::Assign)
    }

    /// Assign to `NAME` or `NAME[SUB]`.
    fn bind_lhs(&mut self, tok: &str, v: i64) -> R<()> {
        match tok.find('[') {
            None => self.bind(tok, v),
            Some(i) => {
                let sub = tok[i + 1..].strip_suffix(']').unwrap_or(&tok[i + 1..]);
                if self.vars.is_assoc(&tok[..i]) {
                    return self
                        .vars
                        .set_key(&tok[..i], sub, v.to_string())
                        .map_err(ArithError::Assign);
                }
                let ix = subexpr(sub, self.vars, self.depth)?;
                self.vars
                    .set_elem(&tok[..i], ix, v.to_string())
                    .map_err(ArithError::Assign)
            }
        }
    }

    /// bash's `expr_streval`: the value of variable `name`.
    fn streval(&mut self, name: &str) -> R<i64> {
        if self.noeval > 0 {
            return Ok(0);
        }
        let value = self.vars.get_var(name).unwrap_or_default();
        if value.is_empty() {
            return Ok(0);
        }
        if self.depth >= MAX_EXPR_RECURSION_LEVEL {
            return Err(self.err("expression recursion level exceeded"));
        }
        subexpr(&value, self.vars, self.depth)
    }

    /// bash's `readtok`: the next token; a variable's value is evaluated
    /// here (recursively for expressions), after the lexer's frame.
    fn readtok(&mut self) -> R<()> {
        self.lex()?;
        if let Some((name, index)) = self.pending.take() {
            self.tokval = match index {
                None => self.streval(&name)?,
                Some(ix) => {
                    if self.noeval > 0 {
                        0
                    } else {
                        let value = if self.vars.is_assoc(&name) {
                            self.vars.get_key(&name, &ix).unwrap_or_default()
                        } else {
                            let i = subexpr(&ix, self.vars, self.depth)?;
                            self.vars
                                .get_elem(&name, i)
                                .map_err(ArithError::Assign)?
                                .unwrap_or_default()
                        };
                        if value.is_empty() {
                            0
                        } else {
                            if self.depth >= MAX_EXPR_RECURSION_LEVEL {
                                return Err(self.err("expression recursion level exceeded"));
                            }
                            subexpr(&value, self.vars, self.depth)?
                        }
                    }
                }
            };
        }
        Ok(())
    }

    /// The lexer proper (bash's `readtok` without variable evaluation).
    fn lex(&mut self) -> R<()> {
        let mut cp = self.tp;
        while cp < self.s.len() && cr_whitespace(self.s[cp]) {
            cp += 1;
        }
        if cp >= self.s.len() {
            self.lasttok = self.curtok;
            self.curtok = EOF;
            self.tp = cp;
            return Ok(());
        }
        let c = self.s[cp];
        self.tp = cp;
        self.lasttp = Some(cp);
        let start = cp;
        cp += 1;
        if var_starter(c) {
            while cp < self.s.len() && var_char(self.s[cp]) {
                cp += 1;
            }
            let mut name_end = cp;
            let mut index: Option<String> = None;
            if self.at(cp) == b'[' {
                match skip_subscript(self.s, cp) {
                    Some(end) => {
                        index = Some(String::from_utf8_lossy(&self.s[cp + 1..end]).into_owned());
                        cp = end + 1;
                    }
                    None => return Err(self.err("bad array subscript")),
                }
            } else {
                name_end = cp;
            }
            let tok = String::from_utf8_lossy(&self.s[start..cp]).into_owned();
            let name = String::from_utf8_lossy(&self.s[start..name_end]).into_owned();
            self.tokstr = Some(tok);
            // Peek at the next token without evaluating anything.
            let saved = self.save();
            self.tp = cp;
            self.noeval = 1;
            self.curtok = STR;
            self.lex()?;
            let peektok = self.curtok;
            self.restore(saved);
            self.tp = cp;
            self.pending = None;
            if self.lasttok == PREINC || self.lasttok == PREDEC || peektok != EQ {
                // Evaluated by readtok once this (large) frame is gone.
                self.pending = Some((name, index));
            } else {
                self.tokval = 0;
            }
            self.lasttok = self.curtok;
            self.curtok = STR;
        } else if c.is_ascii_digit() {
            while cp < self.s.len() {
                let d = self.s[cp];
                if d.is_ascii_alphanumeric() || d == b'#' || d == b'@' || d == b'_' {
                    cp += 1;
                } else {
                    break;
                }
            }
            self.tokval = self.strlong(start, cp)?;
            self.tp = cp;
            self.lasttok = self.curtok;
            self.curtok = NUM;
        } else {
            let c = c as i32;
            let c1 = self.at(cp) as i32;
            cp += 1;
            let tok;
            if c == EQ && c1 == EQ {
                tok = EQEQ;
            } else if c == NOT && c1 == EQ {
                tok = NEQ;
            } else if c == GT && c1 == EQ {
                tok = GEQ;
            } else if c == LT && c1 == EQ {
                tok = LEQ;
            } else if c == LT && c1 == LT {
                if self.at(cp) == b'=' {
                    self.assigntok = LSH;
                    tok = OP_ASSIGN;
                    cp += 1;
                } else {
                    tok = LSH;
                }
            } else if c == GT && c1 == GT {
                if self.at(cp) == b'=' {
                    self.assigntok = RSH;
                    tok = OP_ASSIGN;
                    cp += 1;
                } else {
                    tok = RSH;
                }
            } else if c == BAND && c1 == BAND {
                tok = LAND;
            } else if c == BOR && c1 == BOR {
                tok = LOR;
            } else if c == MUL && c1 == MUL {
                tok = POWER;
            } else if (c == MINUS || c == PLUS) && c1 == c && self.curtok == STR {
                tok = if c == MINUS { POSTDEC } else { POSTINC };
            } else if (c == MINUS || c == PLUS)
                && c1 == c
                && self.curtok == NUM
                && (self.lasttok == PREINC || self.lasttok == PREDEC)
            {
                return Err(self.err(if c == MINUS {
                    "--: assignment requires lvalue"
                } else {
                    "++: assignment requires lvalue"
                }));
            } else if (c == MINUS || c == PLUS) && c1 == c {
                let mut xp = cp;
                while xp < self.s.len() && cr_whitespace(self.s[xp]) {
                    xp += 1;
                }
                if var_starter(self.at(xp)) {
                    tok = if c == MINUS { PREDEC } else { PREINC };
                } else {
                    cp -= 1;
                    tok = c;
                }
            } else if c1 == EQ && b"*/%+-&^|".contains(&(c as u8)) {
                self.assigntok = c;
                tok = OP_ASSIGN;
            } else if !is_arithop(c) {
                if self.curtok == EOF || is_arithop(self.curtok) || is_multiop(self.curtok) {
                    return Err(self.err("syntax error: operand expected"));
                }
                return Err(self.err("syntax error: invalid arithmetic operator"));
            } else {
                cp -= 1;
                tok = c;
            }
            self.lasttok = self.curtok;
            self.curtok = tok;
            self.tp = cp;
        }
        Ok(())
    }

    /// bash's `strlong`: a number token `s[a..b]`.
    fn strlong(&self, a: usize, b: usize) -> R<i64> {
        let s = &self.s[a..b];
        let mut i = 0;
        let mut base: i64 = 10;
        let mut foundbase = 0;
        if s[0] == b'0' {
            i = 1;
            if s.len() == 1 {
                return Ok(0);
            }
            if s[1] == b'x' || s[1] == b'X' {
                base = 16;
                i = 2;
            } else {
                base = 8;
            }
            foundbase += 1;
        }
        let valid = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'@';
        let mut val: i64 = 0;
        while i < s.len() {
            let c = s[i];
            i += 1;
            if c == b'#' {
                if foundbase > 0 {
                    return Err(self.err("invalid number"));
                }
                if !(2..=64).contains(&val) {
                    return Err(self.err("invalid arithmetic base"));
                }
                base = val;
                val = 0;
                foundbase += 1;
                if !valid(s.get(i).copied().unwrap_or(0)) {
                    return Err(self.err("invalid integer constant"));
                }
            } else if valid(c) {
                let d: i64 = if c.is_ascii_digit() {
                    (c - b'0') as i64
                } else if c.is_ascii_lowercase() {
                    (c - b'a') as i64 + 10
                } else if c.is_ascii_uppercase() {
                    (c - b'A') as i64 + if base <= 36 { 10 } else { 36 }
                } else if c == b'@' {
                    62
                } else {
                    63
                };
                if d >= base {
                    return Err(self.err("value too great for base"));
                }
                val = val.wrapping_mul(base).wrapping_add(d);
            } else {
                break;
            }
        }
        Ok(val)
    }

    fn expcomma(&mut self) -> R<i64> {
        let mut v = self.expassign()?;
        while self.curtok == COMMA {
            self.readtok()?;
            v = self.expassign()?;
        }
        Ok(v)
    }

    fn expassign(&mut self) -> R<i64> {
        let mut value = self.expcond()?;
        if self.curtok == EQ || self.curtok == OP_ASSIGN {
            let special = self.curtok == OP_ASSIGN;
            if self.lasttok != STR {
                return Err(self.err("attempted assignment to non-variable"));
            }
            let op = self.assigntok;
            let lvalue = value;
            let Some(lhs) = self.tokstr.clone() else {
                return Err(self.err("syntax error in variable assignment"));
            };
            self.readtok()?;
            value = self.expassign()?;
            if special {
                if (op == DIV || op == MOD) && value == 0 {
                    if self.noeval == 0 {
                        return Err(self.err("division by 0"));
                    }
                    value = 1;
                }
                value = match op {
                    MUL => lvalue.wrapping_mul(value),
                    DIV => lvalue.wrapping_div(value),
                    MOD => lvalue.wrapping_rem(value),
                    PLUS => lvalue.wrapping_add(value),
                    MINUS => lvalue.wrapping_sub(value),
                    LSH => lvalue.wrapping_shl(value as u32),
                    RSH => lvalue.wrapping_shr(value as u32),
                    BAND => lvalue & value,
                    BOR => lvalue | value,
                    BXOR => lvalue ^ value,
                    _ => return Err(self.err("bug: bad expassign token")),
                };
            }
            if self.noeval == 0 {
                self.bind_lhs(&lhs, value)?;
            }
            self.tokstr = None;
        }
        Ok(value)
    }

    fn expcond(&mut self) -> R<i64> {
        let cval = self.explor()?;
        let mut rval = cval;
        if self.curtok == QUES {
            let mut set_noeval = false;
            if cval == 0 {
                set_noeval = true;
                self.noeval += 1;
            }
            self.readtok()?;
            if self.curtok == EOF || self.curtok == COL {
                return Err(self.err("expression expected"));
            }
            let val1 = self.expcomma()?;
            if set_noeval {
                self.noeval -= 1;
            }
            if self.curtok != COL {
                return Err(self.err("`:' expected for conditional expression"));
            }
            set_noeval = false;
            if cval != 0 {
                set_noeval = true;
                self.noeval += 1;
            }
            self.readtok()?;
            if self.curtok == EOF {
                return Err(self.err("expression expected"));
            }
            let val2 = self.expcond()?;
            if set_noeval {
                self.noeval -= 1;
            }
            rval = if cval != 0 { val1 } else { val2 };
            self.lasttok = COND;
        }
        Ok(rval)
    }

    fn explor(&mut self) -> R<i64> {
        let mut v1 = self.expland()?;
        while self.curtok == LOR {
            let set = v1 != 0;
            if set {
                self.noeval += 1;
            }
            self.readtok()?;
            let v2 = self.expland()?;
            if set {
                self.noeval -= 1;
            }
            v1 = (v1 != 0 || v2 != 0) as i64;
            self.lasttok = LOR;
        }
        Ok(v1)
    }

    fn expland(&mut self) -> R<i64> {
        let mut v1 = self.expbor()?;
        while self.curtok == LAND {
            let set = v1 == 0;
            if set {
                self.noeval += 1;
            }
            self.readtok()?;
            let v2 = self.expbor()?;
            if set {
                self.noeval -= 1;
            }
            v1 = (v1 != 0 && v2 != 0) as i64;
            self.lasttok = LAND;
        }
        Ok(v1)
    }

    fn expbor(&mut self) -> R<i64> {
        let mut v1 = self.expbxor()?;
        while self.curtok == BOR {
            self.readtok()?;
            let v2 = self.expbxor()?;
            v1 |= v2;
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn expbxor(&mut self) -> R<i64> {
        let mut v1 = self.expband()?;
        while self.curtok == BXOR {
            self.readtok()?;
            let v2 = self.expband()?;
            v1 ^= v2;
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn expband(&mut self) -> R<i64> {
        let mut v1 = self.exp5()?;
        while self.curtok == BAND {
            self.readtok()?;
            let v2 = self.exp5()?;
            v1 &= v2;
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn exp5(&mut self) -> R<i64> {
        let mut v1 = self.exp4()?;
        while self.curtok == EQEQ || self.curtok == NEQ {
            let op = self.curtok;
            self.readtok()?;
            let v2 = self.exp4()?;
            v1 = if op == EQEQ { v1 == v2 } else { v1 != v2 } as i64;
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn exp4(&mut self) -> R<i64> {
        let mut v1 = self.expshift()?;
        while matches!(self.curtok, LEQ | GEQ | LT | GT) {
            let op = self.curtok;
            self.readtok()?;
            let v2 = self.expshift()?;
            v1 = match op {
                LEQ => v1 <= v2,
                GEQ => v1 >= v2,
                LT => v1 < v2,
                _ => v1 > v2,
            } as i64;
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn expshift(&mut self) -> R<i64> {
        let mut v1 = self.exp3()?;
        while self.curtok == LSH || self.curtok == RSH {
            let op = self.curtok;
            self.readtok()?;
            let v2 = self.exp3()?;
            v1 = if op == LSH {
                v1.wrapping_shl(v2 as u32)
            } else {
                v1.wrapping_shr(v2 as u32)
            };
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn exp3(&mut self) -> R<i64> {
        let mut v1 = self.expmuldiv()?;
        while self.curtok == PLUS || self.curtok == MINUS {
            let op = self.curtok;
            self.readtok()?;
            let v2 = self.expmuldiv()?;
            v1 = if op == PLUS {
                v1.wrapping_add(v2)
            } else {
                v1.wrapping_sub(v2)
            };
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn expmuldiv(&mut self) -> R<i64> {
        let mut v1 = self.exppower()?;
        while matches!(self.curtok, MUL | DIV | MOD) {
            let op = self.curtok;
            let stp = self.tp;
            self.readtok()?;
            let mut v2 = self.exppower()?;
            if (op == DIV || op == MOD) && v2 == 0 {
                if self.noeval == 0 {
                    let mut at = stp;
                    while at < self.s.len() && (self.s[at] == b' ' || self.s[at] == b'\t') {
                        at += 1;
                    }
                    self.lasttp = Some(at);
                    return Err(self.err("division by 0"));
                }
                v2 = 1;
            }
            v1 = match op {
                MUL => v1.wrapping_mul(v2),
                DIV => v1.wrapping_div(v2),
                _ => v1.wrapping_rem(v2),
            };
            self.lasttok = NUM;
        }
        Ok(v1)
    }

    fn exppower(&mut self) -> R<i64> {
        let mut v1 = self.exp1()?;
        while self.curtok == POWER {
            self.readtok()?;
            let v2 = self.exppower()?;
            self.lasttok = NUM;
            if v2 == 0 {
                return Ok(1);
            }
            if v2 < 0 {
                return Err(self.err("exponent less than 0"));
            }
            v1 = ipow(v1, v2);
        }
        Ok(v1)
    }

    fn exp1(&mut self) -> R<i64> {
        let v = match self.curtok {
            NOT => {
                self.readtok()?;
                let v = (self.exp1()? == 0) as i64;
                self.lasttok = NUM;
                v
            }
            BNOT => {
                self.readtok()?;
                let v = !self.exp1()?;
                self.lasttok = NUM;
                v
            }
            MINUS => {
                self.readtok()?;
                let v = self.exp1()?.wrapping_neg();
                self.lasttok = NUM;
                v
            }
            PLUS => {
                self.readtok()?;
                let v = self.exp1()?;
                self.lasttok = NUM;
                v
            }
            _ => self.exp0()?,
        };
        Ok(v)
    }

    fn exp0(&mut self) -> R<i64> {
        let val;
        if self.curtok == PREINC || self.curtok == PREDEC {
            let stok = self.curtok;
            self.lasttok = stok;
            self.readtok()?;
            if self.curtok != STR {
                return Err(self.err("identifier expected after pre-increment or pre-decrement"));
            }
            let v2 = self
                .tokval
                .wrapping_add(if stok == PREINC { 1 } else { -1 });
            if self.noeval == 0 {
                if let Some(name) = self.tokstr.clone() {
                    self.bind_lhs(&name, v2)?;
                }
            }
            val = v2;
            self.curtok = NUM;
            self.readtok()?;
        } else if self.curtok == LPAR {
            self.readtok()?;
            val = self.expcomma()?;
            if self.curtok != RPAR {
                return Err(self.err("missing `)'"));
            }
            self.readtok()?;
        } else if self.curtok == NUM || self.curtok == STR {
            val = self.tokval;
            if self.curtok == STR {
                let ec = self.save();
                self.tokstr = None;
                self.noeval = 1;
                self.readtok()?;
                let stok = self.curtok;
                if stok == POSTINC || stok == POSTDEC {
                    self.tokstr = ec.tokstr;
                    self.noeval = ec.noeval;
                    self.lasttok = STR;
                    let v2 = val.wrapping_add(if stok == POSTINC { 1 } else { -1 });
                    if self.noeval == 0 {
                        if let Some(name) = self.tokstr.clone() {
                            self.bind_lhs(&name, v2)?;
                        }
                    }
                    self.curtok = NUM;
                } else {
                    self.restore(ec);
                }
            }
            self.readtok()?;
        } else {
            return Err(self.err("syntax error: operand expected"));
        }
        Ok(val)
    }
}

/// The index of the `]` closing the subscript that opens at `s[open]`.
fn skip_subscript(s: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, &c) in s.iter().enumerate().skip(open) {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn ipow(mut base: i64, mut exp: i64) -> i64 {
    let mut result: i64 = 1;
    while exp != 0 {
        if exp & 1 != 0 {
            result = result.wrapping_mul(base);
        }
        exp >>= 1;
        base = base.wrapping_mul(base);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct V(HashMap<String, String>);
    impl ArithVars for V {
        fn get_var(&self, n: &str) -> Option<String> {
            self.0.get(n).cloned()
        }
        fn set_var(&mut self, n: &str, v: String) -> Result<(), String> {
            if n == "ro" {
                return Err(format!("{n}: readonly variable"));
            }
            self.0.insert(n.into(), v);
            Ok(())
        }
    }

    fn e(s: &str) -> Result<i64, String> {
        let mut v = V(HashMap::new());
        v.0.insert("x".into(), "5".into());
        v.0.insert("y".into(), "x*2".into());
        v.0.insert("r".into(), "r+1".into());
        eval(s, &mut v).map_err(|e| e.to_string())
    }

    #[test]
    fn precedence_and_ops() {
        assert_eq!(e("1+2*3"), Ok(7));
        assert_eq!(e("(1+2)*3"), Ok(9));
        assert_eq!(e("2**10"), Ok(1024));
        assert_eq!(e("x+1"), Ok(6));
        assert_eq!(e("y+1"), Ok(11));
        assert_eq!(e("x>3 && x<10"), Ok(1));
        assert_eq!(e("x==5 ? 10 : 20"), Ok(10));
        assert_eq!(e("0x10 + 010"), Ok(24));
        assert_eq!(e("2#101"), Ok(5));
        assert_eq!(e("64#@_"), Ok(4031));
        assert_eq!(e("-3/2"), Ok(-1));
        assert_eq!(e("7%3"), Ok(1));
        assert_eq!(e(""), Ok(0));
        assert_eq!(e("0 && 1/0"), Ok(0));
        assert_eq!(e("x++ + x"), Ok(11));
        assert_eq!(e("1<<64"), Ok(1));
        assert_eq!(e("-9223372036854775808/-1"), Ok(i64::MIN));
    }

    #[test]
    fn errors_as_bash() {
        assert_eq!(
            e("1/0"),
            Err("1/0: division by 0 (error token is \"0\")".into())
        );
        assert_eq!(
            e("1 / 0 + 3"),
            Err("1 / 0 + 3: division by 0 (error token is \"0 + 3\")".into())
        );
        assert_eq!(
            e("1+"),
            Err("1+: syntax error: operand expected (error token is \"+\")".into())
        );
        assert_eq!(
            e("--x--"),
            Err("--x--: --: assignment requires lvalue (error token is \"--\")".into())
        );
        assert_eq!(e("ro=1"), Err("ro: readonly variable".into()));
    }

    #[test]
    fn recursion_limit() {
        // Deep recursion needs more than a test thread's default stack.
        let h = std::thread::Builder::new()
            .stack_size(4 << 20)
            .spawn(|| e("r"))
            .expect("thread");
        assert_eq!(
            h.join().expect("join"),
            Err("r+1: expression recursion level exceeded (error token is \"r+1\")".into())
        );
    }
}

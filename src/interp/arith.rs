//! Shell arithmetic (`$((…))`): bash's operators, precedence, 64-bit
//! wrap-around, and its error wording.

/// Variable access for arithmetic.
pub trait ArithVars {
    fn get_var(&self, name: &str) -> Option<String>;
    fn set_var(&mut self, name: &str, value: String) -> Result<(), String>;
}

/// An arithmetic error; `Display` is bash's text after `FILE: line N: `.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("{expr}: {msg} (error token is \"{token}\")")]
pub struct ArithError {
    pub expr: String,
    pub msg: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Ident(String),
    Op(&'static str),
    End,
}

const OPS: &[&str] = &[
    "<<=", ">>=", "**", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=",
    "%=", "+=", "-=", "&=", "^=", "|=", "+", "-", "*", "/", "%", "<", ">", "&", "^", "|", "!", "~",
    "?", ":", "=", "(", ")", ",",
];

struct P<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
    vars: &'a mut dyn ArithVars,
    depth: usize,
}

type R<T> = Result<T, ArithError>;

/// Evaluate `expr` as bash does `$((expr))`.
pub fn eval(expr: &str, vars: &mut dyn ArithVars) -> Result<i64, ArithError> {
    eval_depth(expr, vars, 0)
}

fn eval_depth(expr: &str, vars: &mut dyn ArithVars, depth: usize) -> R<i64> {
    let toks = lex(expr)?;
    let mut p = P {
        src: expr,
        toks,
        pos: 0,
        vars,
        depth,
    };
    if matches!(p.peek(), Tok::End) {
        return Ok(0);
    }
    let v = p.comma(true)?;
    if !matches!(p.peek(), Tok::End) {
        return Err(p.err("syntax error in expression"));
    }
    Ok(v)
}

fn lex(s: &str) -> R<Vec<(Tok, usize)>> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == '#' as u8
                    || b[i] == b'_'
                    || b[i] == b'@')
            {
                i += 1;
            }
            let text = &s[start..i];
            let n = parse_num(text).ok_or_else(|| ArithError {
                expr: s.to_string(),
                msg: if text.contains('#') {
                    "invalid arithmetic base".into()
                } else {
                    "value too great for base".into()
                },
                token: text.to_string(),
            })?;
            out.push((Tok::Num(n), start));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(s[start..i].to_string()), start));
            continue;
        }
        let rest = &s[i..];
        match OPS.iter().find(|op| rest.starts_with(**op)) {
            Some(op) => {
                out.push((Tok::Op(op), i));
                i += op.len();
            }
            None => {
                return Err(ArithError {
                    expr: s.to_string(),
                    msg: "syntax error: invalid arithmetic operator".into(),
                    token: rest.to_string(),
                })
            }
        }
    }
    out.push((Tok::End, s.len()));
    Ok(out)
}

fn parse_num(t: &str) -> Option<i64> {
    if let Some((base, digits)) = t.split_once('#') {
        let base: u32 = base.parse().ok()?;
        if !(2..=64).contains(&base) {
            return None;
        }
        let mut v: i64 = 0;
        for ch in digits.chars() {
            let d = match ch {
                '0'..='9' => ch as u32 - '0' as u32,
                'a'..='z' => ch as u32 - 'a' as u32 + 10,
                'A'..='Z' if base <= 36 => ch as u32 - 'A' as u32 + 10,
                'A'..='Z' => ch as u32 - 'A' as u32 + 36,
                '@' => 62,
                '_' => 63,
                _ => return None,
            };
            if d >= base {
                return None;
            }
            v = v.wrapping_mul(base as i64).wrapping_add(d as i64);
        }
        return Some(v);
    }
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16).ok().map(|v| v as i64);
    }
    if t.len() > 1 && t.starts_with('0') {
        return u64::from_str_radix(&t[1..], 8).ok().map(|v| v as i64);
    }
    t.parse::<u64>().ok().map(|v| v as i64)
}

impl P<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn next(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn err(&self, msg: &str) -> ArithError {
        let at = self.toks[self.pos].1;
        ArithError {
            expr: self.src.to_string(),
            msg: msg.to_string(),
            token: self.src[at..].to_string(),
        }
    }
    fn err_at(&self, msg: &str, at: usize) -> ArithError {
        ArithError {
            expr: self.src.to_string(),
            msg: msg.to_string(),
            token: self.src[at..].to_string(),
        }
    }

    fn var_value(&mut self, name: &str) -> R<i64> {
        let v = self.vars.get_var(name).unwrap_or_default();
        let t = v.trim();
        if t.is_empty() {
            return Ok(0);
        }
        if let Some(n) = parse_num(t) {
            return Ok(n);
        }
        if self.depth > 64 {
            return Err(self.err("expression recursion level exceeded"));
        }
        eval_depth(t, self.vars, self.depth + 1)
    }

    fn set(&mut self, name: &str, v: i64) -> R<()> {
        self.vars
            .set_var(name, v.to_string())
            .map_err(|m| ArithError {
                expr: self.src.to_string(),
                msg: m,
                token: name.to_string(),
            })
    }

    fn comma(&mut self, ev: bool) -> R<i64> {
        let mut v = self.assign(ev)?;
        while self.is_op(",") {
            self.next();
            v = self.assign(ev)?;
        }
        Ok(v)
    }

    fn assign(&mut self, ev: bool) -> R<i64> {
        if let Tok::Ident(name) = self.peek().clone() {
            if let Tok::Op(op) = self.toks[self.pos + 1].0.clone() {
                if matches!(
                    op,
                    "=" | "*=" | "/=" | "%=" | "+=" | "-=" | "<<=" | ">>=" | "&=" | "^=" | "|="
                ) {
                    self.next();
                    let op_at = self.toks[self.pos].1;
                    self.next();
                    let rhs = self.assign(ev)?;
                    if !ev {
                        return Ok(0);
                    }
                    let v = if op == "=" {
                        rhs
                    } else {
                        let cur = self.var_value(&name)?;
                        binop(&op[..op.len() - 1], cur, rhs)
                            .map_err(|m| self.err_at(m, op_at + op.len()))?
                    };
                    self.set(&name, v)?;
                    return Ok(v);
                }
            }
        }
        self.ternary(ev)
    }

    fn ternary(&mut self, ev: bool) -> R<i64> {
        let c = self.binary(0, ev)?;
        if self.is_op("?") {
            self.next();
            let a = self.comma(ev && c != 0)?;
            if !self.is_op(":") {
                return Err(self.err("`:' expected for conditional expression"));
            }
            self.next();
            let b = self.assign(ev && c == 0)?;
            return Ok(if c != 0 { a } else { b });
        }
        Ok(c)
    }

    fn binary(&mut self, level: usize, ev: bool) -> R<i64> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["|"],
            &["^"],
            &["&"],
            &["==", "!="],
            &["<=", ">=", "<", ">"],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.power(ev);
        }
        let mut lhs = self.binary(level + 1, ev)?;
        loop {
            let op = match self.peek() {
                Tok::Op(o) if LEVELS[level].contains(o) => *o,
                _ => break,
            };
            let op_at = self.toks[self.pos].1;
            self.next();
            if op == "&&" {
                let rhs = self.binary(level + 1, ev && lhs != 0)?;
                lhs = (lhs != 0 && rhs != 0) as i64;
                continue;
            }
            if op == "||" {
                let rhs = self.binary(level + 1, ev && lhs == 0)?;
                lhs = (lhs != 0 || rhs != 0) as i64;
                continue;
            }
            let rhs = self.binary(level + 1, ev)?;
            if ev {
                lhs = binop(op, lhs, rhs).map_err(|m| self.err_at(m, op_at + op.len()))?;
            }
        }
        Ok(lhs)
    }

    fn power(&mut self, ev: bool) -> R<i64> {
        let base = self.unary(ev)?;
        if self.is_op("**") {
            let at = self.toks[self.pos].1;
            self.next();
            let exp = self.power(ev)?;
            if !ev {
                return Ok(0);
            }
            if exp < 0 {
                return Err(self.err_at("exponent less than 0", at + 2));
            }
            return Ok(base.wrapping_pow(exp.min(u32::MAX as i64) as u32));
        }
        Ok(base)
    }

    fn unary(&mut self, ev: bool) -> R<i64> {
        match self.peek().clone() {
            Tok::Op("-") => {
                self.next();
                Ok(self.unary(ev)?.wrapping_neg())
            }
            Tok::Op("+") => {
                self.next();
                self.unary(ev)
            }
            Tok::Op("!") => {
                self.next();
                Ok((self.unary(ev)? == 0) as i64)
            }
            Tok::Op("~") => {
                self.next();
                Ok(!self.unary(ev)?)
            }
            Tok::Op(op @ ("++" | "--")) => {
                self.next();
                match self.next() {
                    Tok::Ident(name) => {
                        if !ev {
                            return Ok(0);
                        }
                        let v = self.var_value(&name)?;
                        let nv = if op == "++" {
                            v.wrapping_add(1)
                        } else {
                            v.wrapping_sub(1)
                        };
                        self.set(&name, nv)?;
                        Ok(nv)
                    }
                    _ => Err(self.err("syntax error: operand expected")),
                }
            }
            _ => self.postfix(ev),
        }
    }

    fn postfix(&mut self, ev: bool) -> R<i64> {
        match self.peek().clone() {
            Tok::Num(n) => {
                self.next();
                Ok(n)
            }
            Tok::Ident(name) => {
                self.next();
                if let Tok::Op(op @ ("++" | "--")) = self.peek().clone() {
                    self.next();
                    if !ev {
                        return Ok(0);
                    }
                    let v = self.var_value(&name)?;
                    let nv = if op == "++" {
                        v.wrapping_add(1)
                    } else {
                        v.wrapping_sub(1)
                    };
                    self.set(&name, nv)?;
                    return Ok(v);
                }
                if !ev {
                    return Ok(0);
                }
                self.var_value(&name)
            }
            Tok::Op("(") => {
                self.next();
                let v = self.comma(ev)?;
                if !self.is_op(")") {
                    return Err(self.err("missing `)'"));
                }
                self.next();
                Ok(v)
            }
            _ => Err(self.err("syntax error: operand expected")),
        }
    }
}

fn binop(op: &str, a: i64, b: i64) -> Result<i64, &'static str> {
    Ok(match op {
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" | "%" if b == 0 => return Err("division by 0"),
        "/" => a.wrapping_div(b),
        "%" => a.wrapping_rem(b),
        "<<" => a.wrapping_shl(b as u32),
        ">>" => a.wrapping_shr(b as u32),
        "<" => (a < b) as i64,
        ">" => (a > b) as i64,
        "<=" => (a <= b) as i64,
        ">=" => (a >= b) as i64,
        "==" => (a == b) as i64,
        "!=" => (a != b) as i64,
        "&" => a & b,
        "^" => a ^ b,
        "|" => a | b,
        _ => return Err("syntax error in expression"),
    })
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
            self.0.insert(n.into(), v);
            Ok(())
        }
    }

    fn e(s: &str) -> Result<i64, String> {
        let mut v = V(HashMap::new());
        v.0.insert("x".into(), "5".into());
        v.0.insert("y".into(), "x*2".into());
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
        assert_eq!(e("-3/2"), Ok(-1));
        assert_eq!(e("7%3"), Ok(1));
        assert_eq!(e(""), Ok(0));
        assert_eq!(e("0 && 1/0"), Ok(0));
    }

    #[test]
    fn errors_as_bash() {
        assert_eq!(
            e("1/0"),
            Err("1/0: division by 0 (error token is \"0\")".into())
        );
        assert_eq!(
            e("1+"),
            Err("1+: syntax error: operand expected (error token is \"+\")".into())
        );
    }
}

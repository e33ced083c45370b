//! bash's `printf` builtin, `echo -e` escapes and `$'…'` quoting.

/// Decode one backslash escape starting after the backslash at `chars[i]`.
/// Returns the bytes and the index after the escape. `echo_mode`: `\0NNN`
/// octal and `\c`; otherwise `\NNN` octal (printf / `$'…'`).
fn escape(chars: &[char], mut i: usize, echo_mode: bool, out: &mut Vec<u8>) -> (usize, bool) {
    let c = chars[i];
    i += 1;
    let push = |out: &mut Vec<u8>, ch: char| {
        let mut b = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
    };
    match c {
        'n' => out.push(b'\n'),
        't' => out.push(b'\t'),
        'r' => out.push(b'\r'),
        'a' => out.push(7),
        'b' => out.push(8),
        'e' | 'E' => out.push(27),
        'f' => out.push(12),
        'v' => out.push(11),
        '\\' => out.push(b'\\'),
        '\'' => out.push(b'\''),
        '"' => out.push(b'"'),
        '?' => out.push(b'?'),
        'c' if echo_mode => return (i, true),
        'x' => {
            let mut v = 0u32;
            let mut n = 0;
            while n < 2 && i < chars.len() && chars[i].is_ascii_hexdigit() {
                v = v * 16 + chars[i].to_digit(16).unwrap_or(0);
                i += 1;
                n += 1;
            }
            if n == 0 {
                out.extend_from_slice(b"\\x");
            } else {
                out.push(v as u8);
            }
        }
        'u' | 'U' => {
            let max = if c == 'u' { 4 } else { 8 };
            let mut v = 0u32;
            let mut n = 0;
            while n < max && i < chars.len() && chars[i].is_ascii_hexdigit() {
                v = v * 16 + chars[i].to_digit(16).unwrap_or(0);
                i += 1;
                n += 1;
            }
            if n == 0 {
                out.push(b'\\');
                push(out, c);
            } else if let Some(ch) = char::from_u32(v) {
                push(out, ch);
            }
        }
        '0'..='7' => {
            let mut v = 0u32;
            let mut n = 0;
            let mut j = i - 1;
            let max = if echo_mode && c == '0' {
                j = i;
                3
            } else {
                3
            };
            while n < max && j < chars.len() && ('0'..='7').contains(&chars[j]) {
                v = v * 8 + chars[j].to_digit(8).unwrap_or(0);
                j += 1;
                n += 1;
            }
            if echo_mode && c != '0' {
                // echo -e: only \0NNN is octal; \1 is literal.
                out.push(b'\\');
                push(out, c);
                return (i, false);
            }
            out.push(v as u8);
            i = j;
        }
        other => {
            out.push(b'\\');
            push(out, other);
        }
    }
    (i, false)
}

/// `$'…'` decoding.
pub fn ansi_c(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            if chars[i + 1] == 'c' && i + 2 < chars.len() {
                out.push((chars[i + 2] as u8) & 0x1f);
                i += 3;
                continue;
            }
            let (ni, _) = escape(&chars, i + 1, false, &mut out);
            i = ni;
        } else {
            let mut b = [0u8; 4];
            out.extend_from_slice(chars[i].encode_utf8(&mut b).as_bytes());
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `echo -e` escapes; the bool is true when `\c` stopped the output.
pub fn echo_escapes(s: &str) -> (String, bool) {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let (ni, stop) = escape(&chars, i + 1, true, &mut out);
            if stop {
                return (String::from_utf8_lossy(&out).into_owned(), true);
            }
            i = ni;
        } else {
            let mut b = [0u8; 4];
            out.extend_from_slice(chars[i].encode_utf8(&mut b).as_bytes());
            i += 1;
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), false)
}

fn parse_int(s: &str, errs: &mut Vec<String>) -> i64 {
    let t = s.trim_start();
    if t.is_empty() {
        return 0;
    }
    if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return c.chars().next().map(|c| c as i64).unwrap_or(0);
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if body.len() > 1 && body.starts_with('0') {
        i64::from_str_radix(&body[1..], 8).ok()
    } else {
        body.parse::<i64>().ok()
    };
    match v {
        Some(v) => {
            if neg {
                -v
            } else {
                v
            }
        }
        None => {
            errs.push(format!("printf: {s}: invalid number"));
            // bash uses the leading digits it could read
            let digits: String = body.chars().take_while(|c| c.is_ascii_digit()).collect();
            let v = digits.parse::<i64>().unwrap_or(0);
            if neg {
                -v
            } else {
                v
            }
        }
    }
}

fn parse_float(s: &str, errs: &mut Vec<String>) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return c.chars().next().map(|c| c as u32 as f64).unwrap_or(0.0);
    }
    t.parse::<f64>().unwrap_or_else(|_| {
        errs.push(format!("printf: {s}: invalid number"));
        0.0
    })
}

/// bash's `%q`: quote so the shell reads the word back.
pub fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "_-./=+,:@%^".contains(c) {
            out.push(c);
        } else if c == '\n' {
            return format!(
                "$'{}'",
                s.replace('\\', "\\\\")
                    .replace('\'', "\\'")
                    .replace('\n', "\\n")
            );
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}

/// `printf FORMAT ARGS…`: output, error messages, status.
pub fn printf(fmt: &str, args: &[String]) -> (Vec<u8>, Vec<String>, i32) {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut argi = 0;
    loop {
        let mut consumed = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' && i + 1 < chars.len() {
                let (ni, stop) = escape(&chars, i + 1, false, &mut out);
                if stop {
                    return (out, errs, 0);
                }
                i = ni;
                continue;
            }
            if c != '%' {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                i += 1;
                continue;
            }
            // %[flags][width][.prec]conv
            let start = i;
            i += 1;
            if i < chars.len() && chars[i] == '%' {
                out.push(b'%');
                i += 1;
                continue;
            }
            let mut flags = String::new();
            while i < chars.len() && "-+ 0#".contains(chars[i]) {
                flags.push(chars[i]);
                i += 1;
            }
            let mut width: Option<usize> = None;
            if i < chars.len() && chars[i] == '*' {
                let a = args.get(argi).cloned().unwrap_or_default();
                argi += 1;
                let w = parse_int(&a, &mut errs);
                if w < 0 {
                    flags.push('-');
                }
                width = Some(w.unsigned_abs() as usize);
                i += 1;
            } else {
                let mut w = String::new();
                while i < chars.len() && chars[i].is_ascii_digit() {
                    w.push(chars[i]);
                    i += 1;
                }
                if !w.is_empty() {
                    width = w.parse().ok();
                }
            }
            let mut prec: Option<usize> = None;
            if i < chars.len() && chars[i] == '.' {
                i += 1;
                if i < chars.len() && chars[i] == '*' {
                    let a = args.get(argi).cloned().unwrap_or_default();
                    argi += 1;
                    prec = Some(parse_int(&a, &mut errs).max(0) as usize);
                    i += 1;
                } else {
                    let mut p = String::new();
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        p.push(chars[i]);
                        i += 1;
                    }
                    prec = Some(p.parse().unwrap_or(0));
                }
            }
            // length modifiers are accepted and ignored
            while i < chars.len() && "hlLqjzt".contains(chars[i]) {
                i += 1;
            }
            if i >= chars.len() {
                errs.push(format!(
                    "printf: `{}': missing format character",
                    chars[start..].iter().collect::<String>()
                ));
                return (out, errs, 1);
            }
            let conv = chars[i];
            i += 1;
            let arg = args.get(argi).cloned();
            if !matches!(
                conv,
                'b' | 's'
                    | 'c'
                    | 'd'
                    | 'i'
                    | 'o'
                    | 'u'
                    | 'x'
                    | 'X'
                    | 'e'
                    | 'E'
                    | 'f'
                    | 'F'
                    | 'g'
                    | 'G'
                    | 'q'
            ) {
                errs.push(format!("printf: `{conv}': invalid format character"));
                return (out, errs, 1);
            }
            argi += 1;
            consumed = true;
            let a = arg.unwrap_or_default();
            let body: String = match conv {
                's' => match prec {
                    Some(p) => a.chars().take(p).collect(),
                    None => a,
                },
                'b' => {
                    let (s, stop) = echo_escapes(&a);
                    if stop {
                        out.extend_from_slice(pad(&s, width, &flags).as_bytes());
                        let status = if errs.is_empty() { 0 } else { 1 };
                        return (out, errs, status);
                    }
                    s
                }
                'q' => shell_quote(&a),
                'c' => a.chars().next().map(|c| c.to_string()).unwrap_or_default(),
                'd' | 'i' => {
                    let v = parse_int(&a, &mut errs);
                    let mut s = v.unsigned_abs().to_string();
                    if let Some(p) = prec {
                        while s.len() < p {
                            s.insert(0, '0');
                        }
                    }
                    let sign = if v < 0 {
                        "-"
                    } else if flags.contains('+') {
                        "+"
                    } else if flags.contains(' ') {
                        " "
                    } else {
                        ""
                    };
                    num_pad(sign, &s, width, &flags, prec.is_some())
                }
                'o' | 'u' | 'x' | 'X' => {
                    let v = parse_int(&a, &mut errs) as u64;
                    let mut s = match conv {
                        'o' => format!("{v:o}"),
                        'u' => v.to_string(),
                        'x' => format!("{v:x}"),
                        _ => format!("{v:X}"),
                    };
                    if let Some(p) = prec {
                        while s.len() < p {
                            s.insert(0, '0');
                        }
                    }
                    let prefix = if flags.contains('#') && v != 0 {
                        match conv {
                            'o' => "0",
                            'x' => "0x",
                            'X' => "0X",
                            _ => "",
                        }
                    } else {
                        ""
                    };
                    num_pad(prefix, &s, width, &flags, prec.is_some())
                }
                _ => {
                    let v = parse_float(&a, &mut errs);
                    let p = prec.unwrap_or(6);
                    let s = match conv {
                        'f' | 'F' => format!("{:.*}", p, v.abs()),
                        'e' | 'E' => {
                            let s = fmt_exp(v.abs(), p);
                            if conv == 'E' {
                                s.to_uppercase()
                            } else {
                                s
                            }
                        }
                        _ => fmt_g(v.abs(), if p == 0 { 1 } else { p }, flags.contains('#')),
                    };
                    let sign = if v < 0.0 || (v == 0.0 && v.is_sign_negative()) {
                        "-"
                    } else if flags.contains('+') {
                        "+"
                    } else if flags.contains(' ') {
                        " "
                    } else {
                        ""
                    };
                    num_pad(sign, &s, width, &flags, false)
                }
            };
            let padded = if matches!(conv, 's' | 'b' | 'q' | 'c') {
                pad(&body, width, &flags)
            } else {
                body
            };
            out.extend_from_slice(padded.as_bytes());
        }
        if !consumed || argi >= args.len() {
            break;
        }
    }
    let status = if errs.is_empty() { 0 } else { 1 };
    (out, errs, status)
}

fn pad(s: &str, width: Option<usize>, flags: &str) -> String {
    let w = width.unwrap_or(0);
    let n = s.chars().count();
    if n >= w {
        return s.to_string();
    }
    let fill = " ".repeat(w - n);
    if flags.contains('-') {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

fn num_pad(sign: &str, digits: &str, width: Option<usize>, flags: &str, has_prec: bool) -> String {
    let w = width.unwrap_or(0);
    let len = sign.len() + digits.len();
    if len >= w {
        return format!("{sign}{digits}");
    }
    if flags.contains('-') {
        format!("{sign}{digits}{}", " ".repeat(w - len))
    } else if flags.contains('0') && !has_prec {
        format!("{sign}{}{digits}", "0".repeat(w - len))
    } else {
        format!("{}{sign}{digits}", " ".repeat(w - len))
    }
}

fn fmt_exp(v: f64, p: usize) -> String {
    let s = format!("{:.*e}", p, v);
    // Rust: 1.5e2 → C: 1.5e+02
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

fn fmt_g(v: f64, p: usize, alt: bool) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let exp = v.log10().floor() as i32;
    let s = if exp < -4 || exp >= p as i32 {
        let s = fmt_exp(v, p.saturating_sub(1));
        if alt {
            s
        } else {
            let (m, e) = s.split_once('e').unwrap_or((&s, ""));
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{e}")
        }
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let s = format!("{:.*}", decimals, v);
        if alt || !s.contains('.') {
            s
        } else {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    fn p(f: &str, a: &[&str]) -> String {
        let v: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        String::from_utf8(printf(f, &v).0).unwrap_or_default()
    }
    #[test]
    fn formats() {
        assert_eq!(p("%s-%s\\n", &["a", "b", "c"]), "a-b\nc-\n");
        assert_eq!(p("%5d|%-5d|%05d", &["42", "42", "42"]), "   42|42   |00042");
        assert_eq!(p("%x %o %X", &["255", "8", "255"]), "ff 10 FF");
        assert_eq!(p("%.2f", &["3.14159"]), "3.14");
        assert_eq!(p("%b", &["a\\tb"]), "a\tb");
        assert_eq!(p("%d", &["'A"]), "65");
        assert_eq!(ansi_c("a\\nb\\x41"), "a\nbA");
        assert_eq!(echo_escapes("x\\cy"), ("x".into(), true));
    }
}

//! bash's `printf` builtin, `echo -e` escapes and `$'…'` quoting, after
//! bash 5.2's `printf.def` and `strtrans.c`.
//!
//! Text is handled as bytes, as bash does in the C locale; `\u` escapes
//! and `'c` character codes use UTF-8 only when the locale is UTF-8.

/// Is the locale (LC_ALL, else LC_CTYPE, else LANG) a UTF-8 one? Read
/// once from the process environment (nsh does not change its own).
pub fn utf8_locale() -> bool {
    static UTF8: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *UTF8.get_or_init(|| {
        for k in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let Some(v) = std::env::var_os(k) {
                let v = v.to_string_lossy().to_ascii_lowercase();
                if !v.is_empty() {
                    return v.contains("utf-8") || v.contains("utf8");
                }
            }
        }
        false
    })
}

/// The bytes of code point `v` for a `\u`/`\U` escape: UTF-8 in a UTF-8
/// locale, else bash's ISO C escape fallback (`\u00E9`).
fn unicode_bytes(v: u32, out: &mut Vec<u8>) {
    if v <= 0x7f {
        out.push(v as u8);
    } else if utf8_locale() {
        match char::from_u32(v) {
            Some(ch) => {
                let mut b = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
            }
            None => out.extend_from_slice(format!("\\U{v:08X}").as_bytes()),
        }
    } else if v <= 0xffff {
        out.extend_from_slice(format!("\\u{v:04X}").as_bytes());
    } else {
        out.extend_from_slice(format!("\\U{v:08X}").as_bytes());
    }
}

fn hexval(c: u8) -> u32 {
    (c as char).to_digit(16).unwrap_or(0)
}

fn is_octal(c: u8) -> bool {
    (b'0'..=b'7').contains(&c)
}

/// bash's `tescape`: one escape in a printf format (`bmode` false) or in a
/// `%b` argument (`bmode` true), starting after the backslash at `s[i]`.
/// Returns the index after it; `*sawc` is set for `\c` in `%b`.
fn tescape(
    s: &[u8],
    i: usize,
    bmode: bool,
    out: &mut Vec<u8>,
    errs: &mut Vec<String>,
    sawc: &mut bool,
) -> usize {
    let at = |k: usize| s.get(k).copied().unwrap_or(0);
    let c = at(i);
    let mut p = i + 1;
    match c {
        b'a' => out.push(7),
        b'b' => out.push(8),
        b'e' | b'E' => out.push(27),
        b'f' => out.push(12),
        b'n' => out.push(b'\n'),
        b'r' => out.push(b'\r'),
        b't' => out.push(b'\t'),
        b'v' => out.push(11),
        b'0'..=b'7' => {
            let mut v = (c - b'0') as u32;
            let mut temp = 2 + usize::from(v == 0 && bmode);
            while is_octal(at(p)) && temp > 0 {
                v = v * 8 + (at(p) - b'0') as u32;
                p += 1;
                temp -= 1;
            }
            out.push((v & 0xff) as u8);
        }
        b'x' => {
            let mut v = 0u32;
            let mut temp = 2;
            while at(p).is_ascii_hexdigit() && temp > 0 {
                v = v * 16 + hexval(at(p));
                p += 1;
                temp -= 1;
            }
            if p == i + 1 {
                errs.push("printf: missing hex digit for \\x".to_string());
                out.push(b'\\');
                return i;
            }
            out.push((v & 0xff) as u8);
        }
        b'u' | b'U' => {
            let mut temp = if c == b'u' { 4 } else { 8 };
            let mut v = 0u32;
            while at(p).is_ascii_hexdigit() && temp > 0 {
                v = v.wrapping_mul(16).wrapping_add(hexval(at(p)));
                p += 1;
                temp -= 1;
            }
            if p == i + 1 {
                errs.push(format!("printf: missing unicode digit for \\{}", c as char));
                out.push(b'\\');
                return i;
            }
            unicode_bytes(v, out);
        }
        b'\\' => out.push(b'\\'),
        b'\'' | b'"' | b'?' => {
            if bmode {
                out.push(b'\\');
                return i;
            }
            out.push(c);
        }
        b'c' if bmode => {
            *sawc = true;
        }
        _ => {
            out.push(b'\\');
            return i;
        }
    }
    p
}

/// bash's `bexpand`: the escapes of a `%b` argument; the bool is `\c`.
fn bexpand(s: &[u8], errs: &mut Vec<String>) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c != b'\\' || i >= s.len() {
            out.push(c);
            continue;
        }
        let mut sawc = false;
        i = tescape(s, i, true, &mut out, errs, &mut sawc);
        if sawc {
            return (out, true);
        }
    }
    (out, false)
}

/// bash's `ansicstr`: `flags` 1 = `echo -e`, 2 = `$'…'`. Returns the bytes
/// and whether `\c` stopped the text (echo only).
fn ansicstr(s: &[u8], echo: bool) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let at = |k: usize| s.get(k).copied().unwrap_or(0);
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c != b'\\' || i >= s.len() {
            out.push(c);
            continue;
        }
        let c = s[i];
        i += 1;
        let v: u8 = match c {
            b'a' => 7,
            b'v' => 11,
            b'b' => 8,
            b'e' | b'E' => 27,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'1'..=b'7' if echo => {
                out.push(b'\\');
                c
            }
            b'0'..=b'7' => {
                let mut temp = 2 + usize::from(echo && c == b'0');
                let mut v = (c - b'0') as u32;
                while is_octal(at(i)) && temp > 0 {
                    v = v * 8 + (at(i) - b'0') as u32;
                    i += 1;
                    temp -= 1;
                }
                (v & 0xff) as u8
            }
            b'x' => {
                let braced = !echo && at(i) == b'{';
                if braced {
                    i += 1;
                }
                let mut temp = 2;
                let mut v = 0u32;
                while at(i).is_ascii_hexdigit() && temp > 0 {
                    v = v * 16 + hexval(at(i));
                    i += 1;
                    temp -= 1;
                }
                if braced {
                    while at(i).is_ascii_hexdigit() {
                        v = v.wrapping_mul(16).wrapping_add(hexval(at(i)));
                        i += 1;
                    }
                    if at(i) == b'}' {
                        i += 1;
                    }
                    (v & 0xff) as u8
                } else if temp == 2 {
                    out.push(b'\\');
                    b'x'
                } else {
                    (v & 0xff) as u8
                }
            }
            b'u' | b'U' => {
                let max = if c == b'u' { 4 } else { 8 };
                let mut temp = max;
                let mut v = 0u32;
                while at(i).is_ascii_hexdigit() && temp > 0 {
                    v = v.wrapping_mul(16).wrapping_add(hexval(at(i)));
                    i += 1;
                    temp -= 1;
                }
                if temp == max {
                    out.push(b'\\');
                    c
                } else {
                    unicode_bytes(v, &mut out);
                    continue;
                }
            }
            b'\\' => b'\\',
            b'\'' | b'"' | b'?' => {
                if echo {
                    out.push(b'\\');
                }
                c
            }
            b'c' => {
                if echo {
                    return (out, true);
                }
                if i >= s.len() {
                    out.push(b'\\');
                    b'c'
                } else {
                    let mut x = s[i];
                    i += 1;
                    if x == b'\\' && at(i) == b'\\' {
                        i += 1;
                    }
                    if x == b'?' {
                        0x7f
                    } else {
                        x = x.to_ascii_uppercase();
                        x & 0x1f
                    }
                }
            }
            _ => {
                out.push(b'\\');
                c
            }
        };
        out.push(v);
    }
    (out, false)
}

/// `$'…'` decoding (the text between the quotes). bash strings end at a
/// NUL byte, so a `\0` (or `\c@`) ends the result.
pub fn ansi_c(s: &str) -> String {
    let (mut b, _) = ansicstr(s.as_bytes(), false);
    if let Some(n) = b.iter().position(|&c| c == 0) {
        b.truncate(n);
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// `echo -e` escapes; the bool is true when `\c` stopped the output.
pub fn echo_escapes(s: &str) -> (String, bool) {
    let (b, stop) = ansicstr(s.as_bytes(), true);
    (String::from_utf8_lossy(&b).into_owned(), stop)
}

/// bash's `%q` quoting (also `${X@Q}`-like uses): `''` for the empty
/// string, `$'…'` when there are unprintable characters, else backslashes.
pub fn shell_quote(s: &str) -> String {
    String::from_utf8_lossy(&quote_bytes(s.as_bytes())).into_owned()
}

fn printable_run(s: &[u8], utf8: bool) -> Option<usize> {
    // Length of the printable multibyte character at the start of `s`.
    if !utf8 {
        return None;
    }
    let n = match s[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let ch = std::str::from_utf8(s.get(..n)?).ok()?.chars().next()?;
    if ch.is_control() {
        None
    } else {
        Some(n)
    }
}

/// bash's `ansic_shouldquote`: a byte `$'…'` must spell (a control
/// character, or one that is not a printable character of the locale).
fn ansic_should_quote(s: &[u8], utf8: bool) -> bool {
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c >= 0x80 {
            match printable_run(&s[i..], utf8) {
                Some(n) => {
                    i += n;
                    continue;
                }
                None => return true,
            }
        }
        if !(0x20..0x7f).contains(&c) {
            return true;
        }
        i += 1;
    }
    false
}

/// bash's `ansic_quote`: `$'…'` with C escapes.
fn ansic_quote(s: &[u8], utf8: bool) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"$'");
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        let e = match c {
            27 => Some(b'E'),
            7 => Some(b'a'),
            11 => Some(b'v'),
            8 => Some(b'b'),
            12 => Some(b'f'),
            b'\n' => Some(b'n'),
            b'\r' => Some(b'r'),
            b'\t' => Some(b't'),
            b'\\' | b'\'' => Some(c),
            _ => None,
        };
        if let Some(e) = e {
            out.push(b'\\');
            out.push(e);
            continue;
        }
        if c >= 0x80 {
            if let Some(n) = printable_run(&s[i - 1..], utf8) {
                out.extend_from_slice(&s[i - 1..i - 1 + n]);
                i += n - 1;
                continue;
            }
        }
        if !(0x20..0x7f).contains(&c) {
            out.extend_from_slice(format!("\\{:03o}", c).as_bytes());
            continue;
        }
        out.push(c);
    }
    out.push(b'\'');
    out
}

/// `${X@Q}` (bash's `sh_quote_reusable`): `''`, `$'…'` when a character
/// needs it, otherwise single quotes.
pub fn quote_reusable(s: &str) -> String {
    let b = s.as_bytes();
    if b.is_empty() {
        return "''".into();
    }
    if ansic_should_quote(b, utf8_locale()) {
        return String::from_utf8_lossy(&ansic_quote(b, utf8_locale())).into_owned();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn quote_bytes(s: &[u8]) -> Vec<u8> {
    if s.is_empty() {
        return b"''".to_vec();
    }
    let utf8 = utf8_locale();
    if ansic_should_quote(s, utf8) {
        return ansic_quote(s, utf8);
    }
    let mut out = Vec::new();
    // sh_backslash_quote (string, 0, 3)
    for (i, &c) in s.iter().enumerate() {
        let special = matches!(
            c,
            b'\t'
                | b'\n'
                | b' '
                | b'!'
                | b'"'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b','
                | b';'
                | b'<'
                | b'>'
                | b'?'
                | b'['
                | b'\\'
                | b']'
                | b'^'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
        );
        if special
            || (c == b'#' && i == 0)
            || (c == b'~' && (i == 0 || s[i - 1] == b':' || s[i - 1] == b'='))
        {
            out.push(b'\\');
        }
        out.push(c);
    }
    out
}

/// Arguments of one printf call, consumed in order.
struct Args<'a> {
    args: &'a [String],
    next: usize,
    errs: Vec<String>,
    conversion_error: bool,
}

/// glibc's `strtoimax`/`strtoumax` with base 0 on `s`: (value, index
/// after the number, out of range). `unsigned` negates in u64 as C does.
fn strtoint(s: &[u8], unsigned: bool) -> (i128, usize, bool) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 11 | 12 | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut base = 10;
    if i < s.len() && s[i] == b'0' {
        if i + 2 < s.len() + 1
            && matches!(s.get(i + 1), Some(b'x' | b'X'))
            && s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
        {
            base = 16;
            i += 2;
        } else {
            base = 8;
        }
    }
    let start = i;
    let mut v: u128 = 0;
    let mut over = false;
    while i < s.len() {
        let d = match (s[i] as char).to_digit(base) {
            Some(d) => d,
            None => break,
        };
        v = v * base as u128 + d as u128;
        if v > u64::MAX as u128 {
            over = true;
            v = u64::MAX as u128 + 1;
        }
        i += 1;
    }
    if i == start {
        return (0, 0, false);
    }
    let val: i128 = if unsigned {
        if over {
            u64::MAX as i128
        } else if neg {
            (v as u64).wrapping_neg() as i128
        } else {
            v as i128
        }
    } else if neg {
        let m = i64::MAX as u128 + 1;
        if v > m {
            over = true;
            i64::MIN as i128
        } else {
            -(v as i128)
        }
    } else if v > i64::MAX as u128 {
        over = true;
        i64::MAX as i128
    } else {
        v as i128
    };
    (val, i, over)
}

/// glibc's `strtold` on `s`: (value, index after the number).
fn strtofloat(s: &[u8]) -> (f64, usize) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 11 | 12 | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let rest = &s[i..];
    let lower: Vec<u8> = rest.iter().map(|c| c.to_ascii_lowercase()).collect();
    let sign = |v: f64| if neg { -v } else { v };
    if lower.starts_with(b"infinity") {
        return (sign(f64::INFINITY), i + 8);
    }
    if lower.starts_with(b"inf") {
        return (sign(f64::INFINITY), i + 3);
    }
    if lower.starts_with(b"nan") {
        let mut j = i + 3;
        if s.get(j) == Some(&b'(') {
            if let Some(k) = s[j..].iter().position(|&c| c == b')') {
                j += k + 1;
            }
        }
        return (sign(f64::NAN), j);
    }
    if lower.starts_with(b"0x")
        && lower
            .get(2)
            .is_some_and(|c| c.is_ascii_hexdigit() || *c == b'.')
    {
        let mut j = 2;
        let mut v = 0f64;
        let mut any = false;
        while j < lower.len() && lower[j].is_ascii_hexdigit() {
            v = v * 16.0 + hexval(lower[j]) as f64;
            j += 1;
            any = true;
        }
        if j < lower.len() && lower[j] == b'.' {
            j += 1;
            let mut scale = 1.0 / 16.0;
            while j < lower.len() && lower[j].is_ascii_hexdigit() {
                v += hexval(lower[j]) as f64 * scale;
                scale /= 16.0;
                j += 1;
                any = true;
            }
        }
        if !any {
            return (0.0, i + 1);
        }
        if j < lower.len() && lower[j] == b'p' {
            let (e, n, _) = strtoint_dec(&lower[j + 1..]);
            if n > 0 {
                v *= 2f64.powi(e.clamp(-100_000, 100_000) as i32);
                j += 1 + n;
            }
        }
        return (sign(v), i + j);
    }
    // Decimal: digits [. digits] [e [sign] digits]
    let mut j = 0;
    let mut digits = 0;
    while j < rest.len() && rest[j].is_ascii_digit() {
        j += 1;
        digits += 1;
    }
    if j < rest.len() && rest[j] == b'.' {
        j += 1;
        while j < rest.len() && rest[j].is_ascii_digit() {
            j += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return (0.0, 0);
    }
    if j < rest.len() && (rest[j] == b'e' || rest[j] == b'E') {
        let (_, n, _) = strtoint_dec(&rest[j + 1..]);
        if n > 0 {
            j += 1 + n;
        }
    }
    let text = std::str::from_utf8(&rest[..j]).unwrap_or("0");
    let v: f64 = text.parse().unwrap_or(0.0);
    (sign(v), i + j)
}

/// An optionally signed decimal integer at the start of `s`.
fn strtoint_dec(s: &[u8]) -> (i64, usize, bool) {
    let mut i = 0;
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut v: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add((s[i] - b'0') as i64);
        i += 1;
    }
    if i == start {
        return (0, 0, false);
    }
    (if neg { -v } else { v }, i, false)
}

impl Args<'_> {
    fn take(&mut self) -> Option<&[u8]> {
        let a = self.args.get(self.next)?;
        self.next += 1;
        Some(a.as_bytes())
    }

    fn invalid(&mut self, w: &[u8]) {
        let s = String::from_utf8_lossy(w);
        let msg = if w.first() == Some(&b'0') && w.get(1).is_some_and(|c| c.is_ascii_digit()) {
            "invalid octal number"
        } else if w.first() == Some(&b'0') && w.get(1) == Some(&b'x') {
            "invalid hex number"
        } else {
            "invalid number"
        };
        self.errs.push(format!("printf: {s}: {msg}"));
        self.conversion_error = true;
    }

    fn erange(&mut self, w: &[u8]) {
        self.errs.push(format!(
            "printf: warning: {}: Numerical result out of range",
            String::from_utf8_lossy(w)
        ));
    }

    /// bash's `asciicode` for an argument starting with a quote.
    fn asciicode(w: &[u8]) -> i128 {
        let rest = &w[1..];
        if rest.is_empty() {
            return 0;
        }
        if rest[0] >= 0x80 && utf8_locale() {
            let n = match rest[0] {
                0xc2..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf4 => 4,
                _ => 1,
            };
            if let Some(ch) = rest
                .get(..n)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.chars().next())
            {
                return ch as i128;
            }
        }
        rest[0] as i128
    }

    fn int(&mut self, unsigned: bool) -> i128 {
        let Some(w) = self.take() else {
            return 0;
        };
        let w = w.to_vec();
        if w.first().is_some_and(|&c| c == b'\'' || c == b'"') {
            return Self::asciicode(&w);
        }
        let (v, end, over) = strtoint(&w, unsigned);
        if end < w.len() {
            self.invalid(&w);
        } else if over {
            self.erange(&w);
        }
        v
    }

    /// `getint` (for `*` widths and precisions). Like bash, the range is
    /// checked only when another argument follows, and the warning names
    /// that next argument.
    fn small_int(&mut self) -> i64 {
        let v = self.int(false) as i64;
        let Some(next) = self.args.get(self.next).cloned() else {
            return v as i32 as i64;
        };
        if v > i32::MAX as i64 {
            self.erange(next.as_bytes());
            return i32::MAX as i64;
        }
        if v < i32::MIN as i64 {
            self.erange(next.as_bytes());
            return i32::MIN as i64;
        }
        v
    }

    fn float(&mut self) -> f64 {
        let Some(w) = self.take() else {
            return 0.0;
        };
        let w = w.to_vec();
        if w.first().is_some_and(|&c| c == b'\'' || c == b'"') {
            return Self::asciicode(&w) as f64;
        }
        let (v, end) = strtofloat(&w);
        if end < w.len() {
            self.invalid(&w);
        }
        v
    }
}

/// `strftime(fmt)` of `secs` (-1: now) in local time.
fn strftime(fmt: &[u8], secs: i64) -> Vec<u8> {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    };
    let t: libc::time_t = if secs == -1 || secs == -2 {
        now()
    } else {
        secs
    };
    let Ok(cfmt) = std::ffi::CString::new(fmt) else {
        return Vec::new();
    };
    let mut buf = vec![0u8; 1024];
    // SAFETY: tm is a plain C struct filled by localtime_r; strftime writes
    // at most buf.len() bytes into buf and NUL-terminates.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            let zero: libc::time_t = 0;
            libc::localtime_r(&zero, &mut tm);
        }
        let n = libc::strftime(buf.as_mut_ptr().cast(), buf.len(), cfmt.as_ptr(), &tm);
        buf.truncate(n);
    }
    buf
}

/// A parsed conversion specification.
#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    prec: Option<usize>,
}

fn pad_bytes(out: &mut Vec<u8>, body: &[u8], sp: &Spec) {
    let fill = sp.width.saturating_sub(body.len());
    if !sp.left {
        out.extend(std::iter::repeat_n(b' ', fill));
    }
    out.extend_from_slice(body);
    if sp.left {
        out.extend(std::iter::repeat_n(b' ', fill));
    }
}

/// Pad a number: `prefix` (sign, 0x) then `digits`, zero-filled when
/// `zero_ok`.
fn pad_num(out: &mut Vec<u8>, prefix: &str, digits: &str, sp: &Spec, zero_ok: bool) {
    let len = prefix.len() + digits.len();
    let fill = sp.width.saturating_sub(len);
    if sp.left {
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(digits.as_bytes());
        out.extend(std::iter::repeat_n(b' ', fill));
    } else if sp.zero && zero_ok {
        out.extend_from_slice(prefix.as_bytes());
        out.extend(std::iter::repeat_n(b'0', fill));
        out.extend_from_slice(digits.as_bytes());
    } else {
        out.extend(std::iter::repeat_n(b' ', fill));
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(digits.as_bytes());
    }
}

fn fmt_signed(out: &mut Vec<u8>, v: i64, sp: &Spec) {
    let mut digits = v.unsigned_abs().to_string();
    if let Some(p) = sp.prec {
        if p == 0 && v == 0 {
            digits.clear();
        }
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    let sign = if v < 0 {
        "-"
    } else if sp.plus {
        "+"
    } else if sp.space {
        " "
    } else {
        ""
    };
    pad_num(out, sign, &digits, sp, sp.prec.is_none());
}

fn fmt_unsigned(out: &mut Vec<u8>, v: u64, conv: u8, sp: &Spec) {
    let mut digits = match conv {
        b'o' => format!("{v:o}"),
        b'x' => format!("{v:x}"),
        b'X' => format!("{v:X}"),
        _ => v.to_string(),
    };
    if let Some(p) = sp.prec {
        if p == 0 && v == 0 {
            digits.clear();
        }
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    let mut prefix = "";
    if sp.alt {
        match conv {
            b'o' if !digits.starts_with('0') => digits.insert(0, '0'),
            b'x' if v != 0 => prefix = "0x",
            b'X' if v != 0 => prefix = "0X",
            _ => {}
        }
    }
    pad_num(out, prefix, &digits, sp, sp.prec.is_none());
}

/// C's `%e` body for a finite non-negative `v`.
fn fmt_e(v: f64, p: usize, alt: bool) -> String {
    let s = format!("{:.*e}", p, v);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = match e.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', e),
    };
    let m = if alt && !m.contains('.') {
        format!("{m}.")
    } else {
        m.to_string()
    };
    format!("{m}e{sign}{digits:0>2}")
}

/// C's `%g` body for a finite non-negative `v`.
fn fmt_g(v: f64, p: usize, alt: bool) -> String {
    let p = if p == 0 { 1 } else { p };
    // The exponent X that %e with precision P-1 would show.
    let e = format!("{:.*e}", p - 1, v);
    let x: i64 = e
        .split_once('e')
        .and_then(|(_, x)| x.parse().ok())
        .unwrap_or(0);
    let s = if (p as i64) > x && x >= -4 {
        let decimals = (p as i64 - 1 - x) as usize;
        let s = format!("{:.*}", decimals, v);
        if alt && !s.contains('.') {
            format!("{s}.")
        } else {
            s
        }
    } else {
        fmt_e(v, p - 1, alt)
    };
    if alt {
        return s;
    }
    match s.split_once('e') {
        Some((m, e)) => {
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{e}")
        }
        None => {
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            }
        }
    }
}

fn fmt_float(out: &mut Vec<u8>, v: f64, conv: u8, sp: &Spec) {
    let upper = conv.is_ascii_uppercase();
    let sign = if v.is_sign_negative() {
        "-"
    } else if sp.plus {
        "+"
    } else if sp.space {
        " "
    } else {
        ""
    };
    let a = v.abs();
    let body = if a.is_nan() {
        "nan".to_string()
    } else if a.is_infinite() {
        "inf".to_string()
    } else {
        let p = sp.prec.unwrap_or(6);
        match conv.to_ascii_lowercase() {
            b'f' => {
                let s = format!("{:.*}", p, a);
                if sp.alt && p == 0 {
                    format!("{s}.")
                } else {
                    s
                }
            }
            b'e' => fmt_e(a, p, sp.alt),
            _ => fmt_g(a, p, sp.alt),
        }
    };
    let body = if upper { body.to_uppercase() } else { body };
    pad_num(out, sign, &body, sp, a.is_finite());
}

/// `printf FORMAT ARGS…`: (output, error messages without the `FILE: line
/// N: ` prefix, status).
pub fn printf(fmt: &str, args: &[String]) -> (Vec<u8>, Vec<String>, i32) {
    let f = fmt.as_bytes();
    let mut out = Vec::new();
    let mut a = Args {
        args,
        next: 0,
        errs: Vec::new(),
        conversion_error: false,
    };
    let at = |k: usize| f.get(k).copied().unwrap_or(0);
    loop {
        let pass_start = a.next;
        let mut i = 0;
        while i < f.len() {
            let c = f[i];
            if c == b'\\' {
                let mut sawc = false;
                let n = tescape(f, i + 1, false, &mut out, &mut a.errs, &mut sawc);
                // tescape consumed nothing: the backslash alone was output.
                i = if n == i + 1 { i + 1 } else { n };
                continue;
            }
            if c != b'%' {
                out.push(c);
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            if at(i) == b'%' {
                out.push(b'%');
                i += 1;
                continue;
            }
            let mut sp = Spec::default();
            while i < f.len() && b"#'-+ 0".contains(&f[i]) {
                match f[i] {
                    b'#' => sp.alt = true,
                    b'-' => sp.left = true,
                    b'+' => sp.plus = true,
                    b' ' => sp.space = true,
                    b'0' => sp.zero = true,
                    _ => {}
                }
                i += 1;
            }
            if at(i) == b'*' {
                i += 1;
                let w = a.small_int();
                if w < 0 {
                    sp.left = true;
                }
                sp.width = w.unsigned_abs() as usize;
            } else {
                let mut w: usize = 0;
                while at(i).is_ascii_digit() {
                    w = w.saturating_mul(10).saturating_add((at(i) - b'0') as usize);
                    i += 1;
                }
                sp.width = w.min(i32::MAX as usize);
            }
            if at(i) == b'.' {
                i += 1;
                if at(i) == b'*' {
                    i += 1;
                    let p = a.small_int();
                    sp.prec = if p < 0 { None } else { Some(p as usize) };
                } else {
                    let neg = at(i) == b'-';
                    if neg {
                        i += 1;
                    }
                    let mut p: usize = 0;
                    while at(i).is_ascii_digit() {
                        p = p.saturating_mul(10).saturating_add((at(i) - b'0') as usize);
                        i += 1;
                    }
                    sp.prec = if neg {
                        None
                    } else {
                        Some(p.min(i32::MAX as usize))
                    };
                }
            }
            while i < f.len() && b"hjlLtz".contains(&f[i]) {
                i += 1;
            }
            if i >= f.len() {
                a.errs.push(format!(
                    "printf: `{}': missing format character",
                    String::from_utf8_lossy(&f[start..])
                ));
                return (out, a.errs, 1);
            }
            let conv = f[i];
            i += 1;
            if conv == b'(' {
                // %(strftime)T
                let mut depth = 1;
                let fstart = i;
                while i < f.len() {
                    if f[i] == b'(' {
                        depth += 1;
                    } else if f[i] == b')' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    i += 1;
                }
                let tf = f[fstart..i.min(f.len())].to_vec();
                i += 1;
                if at(i) != b'T' {
                    let shown = if i < f.len() { at(i) as char } else { '\0' };
                    a.errs.push(format!(
                        "printf: warning: `{shown}': invalid time format specification"
                    ));
                    out.push(b'%');
                    i = start + 1;
                    continue;
                }
                i += 1;
                let tf = if tf.is_empty() { b"%X".to_vec() } else { tf };
                let secs = if a.next < a.args.len() {
                    a.int(false) as i64
                } else {
                    -1
                };
                let body = strftime(&tf, secs);
                let n = sp.prec.map_or(body.len(), |p| p.min(body.len()));
                pad_bytes(&mut out, &body[..n], &sp);
                continue;
            }
            match conv {
                b'n' => {
                    // Assigns the count so far to a variable: the shell
                    // does not see it from here; the argument is used up.
                    a.take();
                }
                b'c' => {
                    let ch = a
                        .take()
                        .map(|w| w.first().copied().unwrap_or(0))
                        .unwrap_or(0);
                    pad_bytes(&mut out, &[ch], &sp);
                }
                b's' => {
                    let w = a.take().unwrap_or(b"").to_vec();
                    let n = sp.prec.map_or(w.len(), |p| p.min(w.len()));
                    pad_bytes(&mut out, &w[..n], &sp);
                }
                b'b' => {
                    let w = a.take().unwrap_or(b"").to_vec();
                    let (x, sawc) = bexpand(&w, &mut a.errs);
                    let n = sp.prec.map_or(x.len(), |p| p.min(x.len()));
                    pad_bytes(&mut out, &x[..n], &sp);
                    if sawc {
                        return (out, a.errs, 0);
                    }
                }
                b'q' => {
                    let w = a.take().unwrap_or(b"").to_vec();
                    let x = quote_bytes(&w);
                    let n = sp.prec.map_or(x.len(), |p| p.min(x.len()));
                    pad_bytes(&mut out, &x[..n], &sp);
                }
                b'd' | b'i' => {
                    let v = a.int(false) as i64;
                    fmt_signed(&mut out, v, &sp);
                }
                b'o' | b'u' | b'x' | b'X' => {
                    let v = a.int(true) as u64;
                    fmt_unsigned(&mut out, v, conv, &sp);
                }
                b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
                    let v = a.float();
                    fmt_float(&mut out, v, conv, &sp);
                }
                _ => {
                    a.errs.push(format!(
                        "printf: `{}': invalid format character",
                        conv as char
                    ));
                    return (out, a.errs, 1);
                }
            }
        }
        if a.next >= args.len() || a.next == pass_start {
            break;
        }
    }
    let st = i32::from(a.conversion_error);
    (out, a.errs, st)
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
        assert_eq!(p("%q", &["a b"]), "a\\ b");
        assert_eq!(p("%g", &["100000"]), "100000");
        assert_eq!(p("%g", &["1000000"]), "1e+06");
        assert_eq!(ansi_c("a\\nb\\x41"), "a\nbA");
        assert_eq!(echo_escapes("x\\cy"), ("x".into(), true));
    }

    #[test]
    fn invalid_number() {
        let (out, errs, st) = printf("%d", &["x".to_string()]);
        assert_eq!(out, b"0");
        assert_eq!(errs, vec!["printf: x: invalid number".to_string()]);
        assert_eq!(st, 1);
    }
}

//! A fast path for the commonest line of a long script: a plain simple
//! command (`iptables -A FORWARD -i veth0 -j ACCEPT`, `ip link set dev x
//! up`, `X=1`), made only of words of literal characters. Such a line means
//! the same wherever it stands at the top level, so it is turned into its
//! AST directly; every other line goes to the pest grammar, in runs, as
//! before. The grammar stays the definition of the language: a plain line
//! is built exactly as the grammar's parse tree would be (spans included),
//! which the tests check line by line against pest.
//!
//! A run of non-plain lines is parsed as a program of its own. When it
//! stops inside a construct that later lines finish (an open `if`, a quote,
//! a here-document, a trailing `\` or `&&`), it grows, doubling, until it
//! parses; a plain line inside such a construct is parsed by pest with it.
//! Any other syntax error gives up (`None`): the caller parses the whole
//! text with pest, which finds the error bash would report first.

use crate::ast::*;
use crate::span::Span;

use super::{ends_with_joiner, parse_at, Rule, SyntaxError};

/// Parse `text` (whose first byte is at `base` in the source) line by line:
/// plain lines directly, the rest with pest. `None` on any syntax error.
pub(super) fn parse_lines(text: &str, base: usize) -> Option<List> {
    let lines = line_ranges(text);
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (s, e) = lines[i];
        if let Some(item) = plain_line(&text[s..e], base + s) {
            items.extend(item);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < lines.len() && !is_plain(&text[lines[j].0..lines[j].1]) {
            j += 1;
        }
        loop {
            let end = lines.get(j).map_or(text.len(), |l| l.0);
            let chunk = &text[s..end];
            match parse_at(chunk, base + s, Rule::program) {
                Ok((list, false)) if !ends_with_joiner(chunk) => {
                    items.extend(list.items);
                    i = j;
                    break;
                }
                Ok(_) => {}
                Err(e) if at_end_of_input(&e) => {}
                Err(_) => return None,
            }
            if j >= lines.len() {
                return None;
            }
            j = (j + (j - i)).min(lines.len());
        }
    }
    Some(List {
        items,
        span: Span::new(base, base + text.len()),
    })
}

/// A syntax error that more text could cure (what `needs_more_input` asks).
fn at_end_of_input(e: &SyntaxError) -> bool {
    e.message == "syntax error: unexpected end of file"
        || e.message
            .starts_with("unexpected EOF while looking for matching")
}

/// Each line's byte range, without its `\n`.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        out.push((start, nl));
        start = nl + 1;
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Bytes that are literal wherever they stand in an unquoted word, and
/// the blanks between words.
fn plain_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b' ' | b'\t' | b'_' | b'-' | b'.' | b'/' | b':' | b',' | b'+' | b'=' | b'@' | b'%'
        )
}

fn is_plain(line: &str) -> bool {
    line.bytes().all(plain_byte)
}

/// Words the grammar does not take as a command name: reserved words and
/// the unsupported `select`/`coproc`.
fn reserved(w: &str) -> bool {
    matches!(
        w,
        "if" | "in"
            | "then"
            | "elif"
            | "else"
            | "esac"
            | "fi"
            | "for"
            | "function"
            | "do"
            | "done"
            | "case"
            | "while"
            | "until"
            | "select"
            | "coproc"
    )
}

/// `NAME=` or `NAME+=` at the start of `w`: (name length, append).
fn assignment_head(w: &str) -> Option<(usize, bool)> {
    let eq = w.find('=')?;
    let (name, append) = match w[..eq].strip_suffix('+') {
        Some(n) => (n, true),
        None => (&w[..eq], false),
    };
    let mut b = name.bytes();
    let first = b.next()?;
    if !(first.is_ascii_alphabetic() || first == b'_')
        || !b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
    {
        return None;
    }
    Some((name.len(), append))
}

/// A plain line's AST: `Some(None)` for a blank line, `Some(Some(item))`
/// for a simple command, `None` when the line is not plain (pest's).
fn plain_line(line: &str, base: usize) -> Option<Option<ListItem>> {
    if !is_plain(line) {
        return None;
    }
    let mut words = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' || b[i] == b'\t' {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            i += 1;
        }
        words.push((s, i));
    }
    let (Some(&(first, _)), Some(&(_, last))) = (words.first(), words.last()) else {
        return Some(None);
    };
    let mut cmd = SimpleCmd::default();
    let mut rest = words.iter();
    for &(s, e) in rest.by_ref() {
        let w = &line[s..e];
        let span = Span::new(base + s, base + e);
        if cmd.words.is_empty() {
            if let Some((n, append)) = assignment_head(w) {
                let v = s + n + if append { 2 } else { 1 };
                cmd.assigns.push(Assign {
                    name: w[..n].to_string(),
                    append,
                    value: (v < e).then(|| lit_word(&line[v..e], Span::new(base + v, base + e))),
                    span,
                });
                continue;
            }
            if reserved(w) {
                return None;
            }
        }
        cmd.words.push(lit_word(w, span));
    }
    // list_item, and_or and pipeline run on over trailing blanks (pest
    // skips them before looking for `&&`, `|` or the terminator).
    let trailing = Span::new(base + first, base + line.len());
    let span = Span::new(base + first, base + last);
    let command = Command {
        kind: CommandKind::Simple(cmd),
        redirs: Vec::new(),
        span,
    };
    Some(Some(ListItem {
        and_or: AndOr {
            first: Pipeline {
                bang: false,
                cmds: vec![command],
                span: trailing,
            },
            rest: Vec::new(),
            span: trailing,
        },
        background: false,
        span: trailing,
    }))
}

fn lit_word(text: &str, span: Span) -> Word {
    Word {
        parts: vec![WordPart::Lit(text.to_string())],
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AST pest builds for `text`, as text (spans included).
    fn by_pest(text: &str) -> String {
        let (list, _) = parse_at(text, 0, Rule::program).expect("pest parses it");
        format!("{:?}", list.items)
    }

    fn by_lines(text: &str) -> String {
        let list = parse_lines(text, 0).expect("parses");
        format!("{:?}", list.items)
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
                assert_eq!(by_lines(&text), by_pest(&text), "{text:?}");
            }
        }
        let all: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(by_lines(&all), by_pest(&all));
    }

    #[test]
    fn mixed_scripts_build_what_pest_builds() {
        let texts = [
            "if true\nthen\n  echo a b\nfi\necho c\n",
            "for x in 1 2\ndo\n  ip link show\n  echo $x\ndone\nX=2\n",
            "cat <<EOF\nplain body\nEOF\necho after\n",
            "cat <<-EOF | tr a b\n\tx y\n\tEOF\nz\n",
            "echo a \\\n  b c\nd e\n",
            "true &&\n  echo yes\necho no\n",
            "echo \"a\nb c\nd\" e\nf\n",
            "f() {\n  echo in f\n  g x\n}\nf\n",
            "case x in\n  a) echo a ;;\n  *) echo b ;;\nesac\necho c\n",
            "x=$(\n  echo inner\n  date\n)\necho $x\n",
            "# comment\necho a # trailing\nb\n",
            "while false\ndo\n  a\n  b\n  c\n  d\n  e\ndone\n",
        ];
        for t in texts {
            assert_eq!(by_lines(t), by_pest(t), "{t:?}");
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
        ] {
            assert!(parse_lines(t, 0).is_none(), "{t:?}");
        }
    }

    /// Every script in the tree (tutorials, the shell corpus, benchmarks).
    #[test]
    fn the_repository_scripts_build_what_pest_builds() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut n = 0;
        for dir in ["scripts", "scripts/lib", "scripts/bench", "tests/corpus"] {
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

    /// Random lines over a small alphabet of plain characters, keywords and
    /// a few shell operators, in random order.
    #[test]
    fn random_lines_build_what_pest_builds() {
        let atoms = [
            "a", "x=", "=", "+", "X+=", "1", "-", "if", "then", "fi", "do", "done", " ", " ", "\t",
            "in", ";", "\n", "ip", "/", ".", ",", ":", "@", "%", "_", "echo", "&&", "for", "y",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        for _ in 0..3000 {
            let len = 1 + next() % 12;
            let mut t = String::new();
            for _ in 0..len {
                t.push_str(atoms[(next() % atoms.len() as u64) as usize]);
            }
            t.push('\n');
            if parse_at(&t, 0, Rule::program).is_ok() {
                assert_eq!(by_lines(&t), by_pest(&t), "{t:?}");
                checked += 1;
            } else {
                assert!(parse_lines(&t, 0).is_none(), "{t:?}");
            }
        }
        assert!(checked > 500, "only {checked}");
    }
}

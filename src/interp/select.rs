//! `select NAME [in WORDS]; do LIST; done` (bash's execute_select_command,
//! select_query and print_select_list in execute_cmd.c, 5.2).
//!
//! The menu and the `$PS3` prompt go to stderr; a line read as `read`
//! without names reads it (backslashes processed, the line kept whole in
//! `REPLY`). An empty line shows the menu again; a number in range picks
//! its word, anything else the empty string; end of input writes a newline
//! on stdout and ends the loop with status 1. After the body, the menu is
//! shown again only if `REPLY` is empty (bash's KSH_COMPATIBLE_SELECT).

use super::*;

impl Shell {
    pub(super) fn run_select(
        &mut self,
        span: Span,
        var: &str,
        words: &Option<Vec<Word>>,
        body: &List,
    ) -> Ex {
        self.set_line(span);
        // bash traces the head before the DEBUG trap runs, once.
        if self.opts.xtrace {
            let h = loop_head("select", var, words);
            builtins::xtrace(self, &h);
        }
        self.before_command(|| loop_head("select", var, words))?;
        let items = self.loop_items(words)?;
        if items.is_empty() {
            return Ok(0);
        }
        self.loop_depth += 1;
        let r = (|| {
            let mut show_menu = true;
            loop {
                self.set_line(span);
                let prompt = self.get_var("PS3").unwrap_or("#? ").to_string();
                let Some(choice) = self.select_query(&items, &prompt, show_menu) else {
                    return Ok(1);
                };
                if let Err(e) = self.set_for_var(var, choice) {
                    self.error(&e);
                    if self.assign_aborted {
                        return Err(self.assign_abort());
                    }
                    return Ok(1);
                }
                match loop_step(self.run_list(body))? {
                    Step::Ran(_) => {}
                    // The status of the body that `break` ended: `break`'s.
                    Step::Break => return Ok(0),
                    Step::Continue => {}
                }
                show_menu = self.get_var("REPLY").is_some_and(str::is_empty);
            }
        })();
        self.loop_depth -= 1;
        r
    }

    /// bash's select_query: the chosen word, `""` for a reply that is not
    /// a number of the menu, `None` at the end of input.
    fn select_query(&mut self, items: &[String], prompt: &str, mut menu: bool) -> Option<String> {
        // atoi($COLUMNS), 80 when unset, empty or not positive.
        let cols = self
            .get_var("COLUMNS")
            .map(atoi)
            .filter(|&c| c > 0)
            .unwrap_or(80);
        let max_len = items.iter().map(|w| w.chars().count()).max().unwrap_or(0);
        let ind_len = number_len(items.len());
        let max_len = max_len + ind_len + RP_SPACE.len() + 2;
        loop {
            if menu {
                let text = menu_text(items, cols, max_len, ind_len);
                proc::write_fd(2, text.as_bytes());
            }
            proc::write_fd(2, prompt.as_bytes());
            if builtins::read(self, &[]) != 0 {
                proc::write_fd(1, b"\n");
                return None;
            }
            let reply = self.get_var("REPLY")?.to_string();
            if reply.is_empty() {
                menu = true;
                continue;
            }
            return Some(match test_cmd::legal_number(&reply) {
                Some(n) if n >= 1 && n as usize <= items.len() => items[n as usize - 1].clone(),
                _ => String::new(),
            });
        }
    }
}

const RP_SPACE: &str = ") ";
const TABSIZE: usize = 8;

/// bash's NUMBER_LEN: the width of a menu number (at most 6).
fn number_len(n: usize) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        10000..=99999 => 5,
        _ => 6,
    }
}

/// C's `atoi`: blanks, a sign, digits; 0 when there are none.
fn atoi(s: &str) -> i64 {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i64 = 0;
    for b in t.bytes().take_while(u8::is_ascii_digit) {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

/// bash's print_select_list: the items numbered, in as many columns of
/// `max_len` as `cols` allows, filled down the rows first; a single row is
/// printed as a single column. Blanks up to a column are tabs where a tab
/// stop (every 8) fits (bash's `indent`).
fn menu_text(items: &[String], cols: i64, max_len: usize, ind_len: usize) -> String {
    let n = items.len();
    let ncols = (cols as usize).checked_div(max_len).unwrap_or(1).max(1);
    let mut rows = n / ncols + usize::from(n % ncols != 0);
    if rows == 1 {
        // Everything fits on one row: one item a line instead.
        rows = n / rows + usize::from(n % rows != 0);
    }
    let first_ind_len = number_len(rows);
    let mut out = String::new();
    for row in 0..rows {
        let mut ind = row;
        let mut pos = 0;
        loop {
            let w = if pos == 0 { first_ind_len } else { ind_len };
            let item = &items[ind];
            out.push_str(&format!("{:>w$}{RP_SPACE}{item}", ind + 1));
            let elem_len = item.chars().count() + w + RP_SPACE.len();
            ind += rows;
            if ind >= n {
                break;
            }
            indent(&mut out, pos + elem_len, pos + max_len);
            pos += max_len;
        }
        out.push('\n');
    }
    out
}

/// bash's `indent`: from column `from` to `to` with tabs and spaces.
fn indent(out: &mut String, mut from: usize, to: usize) {
    while from < to {
        if to / TABSIZE > from / TABSIZE {
            out.push('\t');
            from += TABSIZE - from % TABSIZE;
        } else {
            out.push(' ');
            from += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_columns_follow_bash() {
        let items: Vec<String> = ["a", "bb", "ccc", "dddd", "e", "f", "g"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ind = number_len(items.len());
        // COLUMNS=20: max_len 4+1+2+2 = 9, two columns of four rows.
        assert_eq!(
            menu_text(&items, 20, 9, ind),
            "1) a\t 5) e\n2) bb\t 6) f\n3) ccc\t 7) g\n4) dddd\n"
        );
        // Everything fits on one row: one per line.
        assert_eq!(menu_text(&items[..2], 80, 9, ind), "1) a\n2) bb\n");
    }

    #[test]
    fn atoi_is_c_atoi() {
        assert_eq!(atoi(" 20x"), 20);
        assert_eq!(atoi("-5"), -5);
        assert_eq!(atoi("x"), 0);
    }
}

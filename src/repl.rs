//! The interactive shell: a line reader that continues incomplete input.
//!
//! Kept apart from `main.rs` so the rustyline editor (completion, history,
//! hints) can replace the plain reader without touching the rest.

use std::io::{BufRead, Write};

use crate::interp::{Flow, Shell};
use crate::span::SourceFile;

/// Read commands from the terminal until end of input; the status of the
/// last command.
pub fn run(sh: &mut Shell) -> i32 {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let root = nix::unistd::geteuid().is_root();
    let mut buf = String::new();
    loop {
        let prompt = if !buf.is_empty() {
            "> "
        } else if root {
            "nsh# "
        } else {
            "nsh$ "
        };
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match lines.read_line(&mut line) {
            Ok(0) | Err(_) => {
                eprintln!();
                return sh.finish(sh.last_status);
            }
            Ok(_) => {}
        }
        buf.push_str(&line);
        if let Err(true) = crate::syntax::is_complete(&buf) {
            continue;
        }
        let text = std::mem::take(&mut buf);
        let src = SourceFile::new("nsh", text);
        match crate::syntax::parse_program(&src) {
            Ok(list) => match sh.run_source(&src, &list) {
                Ok(s) => sh.last_status = s,
                Err(Flow::Exit(s)) => return sh.finish(s),
                Err(_) => {}
            },
            Err(e) => {
                let report = miette::Report::new(e);
                eprintln!("{report:?}");
                sh.last_status = 2;
            }
        }
    }
}

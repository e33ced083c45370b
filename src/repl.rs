//! The interactive loop: a minimal line reader until the rustyline REPL
//! (its own issue) replaces it.

use std::io::{BufRead, Write};
use std::rc::Rc;

use crate::interp::{Ctl, Shell, Source};

/// Read commands line by line from the terminal and run them.
pub fn run(sh: &mut Shell) -> i32 {
    let stdin = std::io::stdin();
    let mut buf = String::new();
    loop {
        let prompt = if buf.is_empty() { "nsh$ " } else { "> " };
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        buf.push_str(&line);
        let list = match crate::syntax::parse(&buf) {
            Ok(l) => l,
            Err(e) if e.message.contains("end of file") => continue,
            Err(e) => {
                eprintln!("nsh: {}", e.message);
                buf.clear();
                continue;
            }
        };
        let src = Rc::new(Source::new("nsh", &buf));
        buf.clear();
        if let Err(Ctl::Exit(s)) = sh.run_interactive(&list, src) {
            return sh.exit_shell(s);
        }
    }
    let st = sh.status;
    sh.exit_shell(st)
}

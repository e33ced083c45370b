//! Syntax errors: bash's one-line message (file, line, token), then the
//! located diagnostic with the line and a caret, status 2, and nothing of
//! the script has run.

use crate::common::{nsh_bin, run_script_with};

fn nsh(script: &str) -> crate::common::Run {
    run_script_with(&[nsh_bin().to_str().expect("path")], script, &[], false)
}

#[test]
fn unexpected_token_names_line_and_token() {
    let r = nsh("echo ran\nif true; then\n  echo x\nfi fi\n");
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "", "nothing may run before the whole file parsed");
    let lines: Vec<&str> = r.stderr.lines().collect();
    // bash's own two lines first
    assert_eq!(
        lines[0],
        "t.sh: line 4: syntax error near unexpected token `fi'"
    );
    assert_eq!(lines[1], "t.sh: line 4: `fi fi'");
    // then the located diagnostic: file:line:col, the line, the caret
    assert!(r.stderr.contains("[t.sh:4:4]"), "{}", r.stderr);
    assert!(r.stderr.contains(" 4 | fi fi"), "{}", r.stderr);
    assert!(r.stderr.contains(":    ^"), "{}", r.stderr);
}

#[test]
fn missing_do_points_at_the_word() {
    let r = nsh("for i in a b\n  echo $i\ndone\n");
    assert_eq!(r.status, 2);
    assert!(
        r.stderr
            .starts_with("t.sh: line 2: syntax error near unexpected token `echo'\n"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[t.sh:2:3]"), "{}", r.stderr);
    assert!(r.stderr.contains("expected `do'"), "{}", r.stderr);
}

#[test]
fn unterminated_quote_names_the_quote() {
    let r = nsh("echo \"unterminated\n");
    assert_eq!(r.status, 2);
    // bash's own wording, then the quote that is not closed, located.
    assert!(
        r.stderr
            .starts_with("t.sh: line 1: unexpected EOF while looking for matching `\"'\n"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[t.sh:1:6]"), "{}", r.stderr);
}

#[test]
fn check_only_runs_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("ran");
    let script = dir.path().join("s.sh");
    std::fs::write(&script, format!("touch {}\n", marker.display())).expect("write");
    let r = crate::common::run(
        &[
            nsh_bin().to_str().expect("path"),
            "-n",
            script.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!marker.exists());
    std::fs::write(&script, "if true; then\n").expect("write");
    let r = crate::common::run(
        &[
            nsh_bin().to_str().expect("path"),
            "-n",
            script.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(r.status, 2);
}

#[test]
fn tutorial_scripts_parse() {
    let dir = format!("{}/scripts", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(&dir).expect("scripts") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "sh") {
            let r = crate::common::run(
                &[
                    nsh_bin().to_str().expect("path"),
                    "-n",
                    p.to_str().expect("path"),
                ],
                "",
            );
            assert_eq!(r.status, 0, "{}: {}", p.display(), r.stderr);
        }
    }
}

/// `time` alone times a null command only before `;`, a newline or the
/// end: before an operator it is bash's syntax error, not /usr/bin/time.
#[test]
fn time_alone_before_an_operator_is_a_syntax_error() {
    for (src, tok) in [
        ("time | cat\n", "|"),
        ("time && echo x\n", "&&"),
        ("(time)\n", ")"),
    ] {
        let r = nsh(src);
        assert_eq!(r.status, 2, "{src}");
        assert!(
            r.stderr.starts_with(&format!(
                "t.sh: line 1: syntax error near unexpected token `{tok}'\n"
            )),
            "{}",
            r.stderr
        );
    }
}

/// A `shopt` option nsh does not implement cannot be turned away from
/// bash's default: an error that says so (status 1), never a silent no-op.
#[test]
fn unimplemented_shopt_options_are_refused() {
    let r = nsh("shopt -s extdebug; echo \"st=$?\"\nshopt -u extdebug; echo \"st=$?\"\nshopt -s gnu_errfmt nullglob; echo \"st=$?\"; shopt gnu_errfmt nullglob\nshopt -so vi; echo \"st=$?\"\n");
    assert_eq!(
        r.stderr,
        "t.sh: line 1: shopt: extdebug: not supported by nsh\n\
         t.sh: line 3: shopt: gnu_errfmt: not supported by nsh\n\
         t.sh: line 4: shopt: vi: not supported by nsh\n"
    );
    assert_eq!(
        r.stdout,
        "st=1\nst=0\nst=1\ngnu_errfmt     \toff\nnullglob       \ton\nst=1\n"
    );
}

/// `nsh -n` runs no `shopt -s extglob`: an extended glob pattern is
/// bash's syntax error (as `bash -n` says), with the located diagnostic.
#[test]
fn extended_glob_pattern_under_dash_n() {
    let nsh = nsh_bin();
    let nsh = nsh.to_str().expect("path");
    let script = "shopt -s extglob\necho ok\ncase x in @(a|x)) echo y;; esac\n";
    let r = run_script_with(&[nsh, "-n"], script, &[], false);
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.starts_with(
            "t.sh: line 3: syntax error near unexpected token `('\n\
             t.sh: line 3: `case x in @(a|x)) echo y;; esac'\n"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[t.sh:3:12]"), "{}", r.stderr);
    // Run, the same script works: the option is on from line 2.
    let r = run_script_with(&[nsh], script, &[], false);
    assert_eq!((r.status, r.stdout.as_str()), (0, "ok\ny\n"));
}

#[test]
fn array_syntax_errors() {
    // An array assignment left open: bash's wording.
    let r = nsh("echo ran\na=(1 2\n");
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .starts_with("t.sh: line 2: unexpected EOF while looking for matching `)'\n"),
        "{}",
        r.stderr
    );
    // `NAME=(…)` as an argument of anything but a declaration builtin.
    let r = nsh("echo ran\necho a=(1)\n");
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .starts_with("t.sh: line 2: syntax error near unexpected token `('\n"),
        "{}",
        r.stderr
    );
}

//! Differential tests of the shell's pure helpers (arithmetic, patterns and
//! globbing, `test`, `printf` / `echo -e` / `$'…'`) against bash itself:
//! the same input goes through `bash -c` and through the Rust function.

use std::collections::HashMap;
use std::process::Command;

use nsh::interp::{arith, pattern, printf, test_cmd};

/// Run `bash -c SCRIPT bash ARGS…` in `dir`; (stdout bytes, stderr, status).
fn bash(script: &str, args: &[&str], dir: Option<&std::path::Path>) -> (Vec<u8>, String, i32) {
    let mut c = Command::new("bash");
    c.arg("-c").arg(script).arg("bash").args(args);
    // bash inherits the test's locale, as the helpers read it too.
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let out = c.output().expect("run bash");
    (
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// bash's messages without the `bash: line N: ` / `bash: ` prefix.
fn strip_prefix(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|l| {
            let l = l.strip_prefix("bash: ").unwrap_or(l);
            if let Some(rest) = l.strip_prefix("line ") {
                if let Some((_, m)) = rest.split_once(": ") {
                    return m.to_string();
                }
            }
            l.to_string()
        })
        .collect()
}

struct Vars(HashMap<String, String>);

impl arith::ArithVars for Vars {
    fn get_var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
    fn set_var(&mut self, name: &str, value: String) -> Result<(), String> {
        if name == "ro" {
            return Err(format!("{name}: readonly variable"));
        }
        self.0.insert(name.to_string(), value);
        Ok(())
    }
}

const ARITH_VARS: &[(&str, &str)] = &[
    ("x", "5"),
    ("y", "x*2"),
    ("z", ""),
    ("s", "abc"),
    ("n", "-3"),
    ("e", "1+"),
    ("w", " 7 "),
    ("h", "0x1F"),
    ("o", "017"),
    ("i", "0"),
    ("ro", "1"),
    ("q", "x++"),
];

#[test]
fn arith_matches_bash() {
    let exprs = [
        "1+2*3",
        "(1+2)*3",
        "2**10",
        "2**0",
        "0**0",
        "2**63",
        "2**64",
        "3**-1",
        "-2**2",
        "2**3**2",
        "1 ** 2 ** 3",
        "x+1",
        "y+1",
        "z+1",
        "s",
        "s+1",
        "n*2",
        "e",
        "w*2",
        "h+o",
        "q",
        "q+x",
        "x>3 && x<10",
        "x==5 ? 10 : 20",
        "x!=5 ? 10 : 20",
        "0 ? 1 : 0 ? 2 : 3",
        "1 ? 2 : 3, 4",
        "0x10 + 010",
        "0X1f",
        "0x",
        "0xg",
        "08",
        "012345678",
        "2#101",
        "2#",
        "2#2",
        "36#zz",
        "37#Z",
        "64#@_",
        "65#1",
        "1#1",
        "0#1",
        "010#9",
        "10#0x",
        "9223372036854775807",
        "9223372036854775808",
        "99999999999999999999",
        "-9223372036854775808/-1",
        "-9223372036854775808%-1",
        "9223372036854775807+1",
        "-3/2",
        "-3%2",
        "7%-3",
        "1/0",
        "1%0",
        "1 / 0 + 3",
        "5/(2-2)",
        "x/=0",
        "x%=0",
        "0 && 1/0",
        "1 || 1/0",
        "0 ? 1/0 : 2",
        "1 ? 2 : 1/0",
        "1<<3",
        "1<<64",
        "1<<-1",
        "-16>>2",
        "-1>>63",
        "~0",
        "!0",
        "!5",
        "!!5",
        "-(-5)",
        "+-+5",
        "- -5",
        "--5",
        "++5",
        "5--",
        "x++",
        "x--",
        "++x",
        "--x",
        "x++ + x",
        "x++ ++",
        "--x--",
        "++x++",
        "x+++x",
        "x---x",
        "x = 3",
        "x += 3",
        "x -= 3",
        "x *= 3",
        "x /= 2",
        "x %= 3",
        "x <<= 2",
        "x >>= 1",
        "x &= 4",
        "x |= 2",
        "x ^= 1",
        "x = y = 3",
        "a = 4, b = a * 2, a + b",
        "x=1, x++, x",
        "i++ ? 1 : 2",
        "3 ? x=1 : x=2",
        "3 ? (x=1) : (x=2)",
        "0 ? x=1 : (x=2)",
        "5=3",
        "x+1=3",
        "(x)=3",
        "x++=3",
        "--x=3",
        "ro=2",
        "ro+=1",
        "1 +",
        "1 + ",
        "1 2",
        "x y",
        "(1",
        "1)",
        "((1)",
        "()",
        "a=",
        "1?2",
        "1?2:",
        "1?:2",
        "?",
        ":",
        "1,,2",
        ",",
        "$x",
        "\"1\"",
        "1 @ 2",
        "a.b",
        "1.5",
        "x[0]",
        "x[1]",
        "x[",
        "!",
        "~",
        "(",
        ")",
        "",
        "  ",
        " 1 ",
        "\t1\n+\n2",
        "1 == 1 == 1",
        "1 < 2 < 3",
        "3 > 2 > 1",
        "5 & 3 | 8 ^ 1",
        "1 && 2 || 0 && 0",
        "7 <= 7 >= 1",
        "x = 2, x ** x ** x",
        "(x = 2) + x",
        "x + (x = 2)",
        "   1/0",
        "1/0   ",
        "1 / x-5",
        "x>",
        "x>>",
        "x>>=",
        "x===1",
        "x!==1",
        "x=!1",
        "x==!1",
        "&&1",
        "1&&",
        "1 & & 1",
        "1 <> 2",
        "x ? y : z",
        "(x) ? (y) : (z)",
        "x++ ? x : -x",
        "++x, ++x, x",
        "x = x++ + ++x",
        "y++",
        "q = 3",
        "e ? 1 : 2",
        "1 ? e : 2",
        "0 ? e : 2",
        "0 && e",
        "a[1]=5",
        "x+=2**3",
        "x<<=65",
        "-x**2",
        "(-x)**2",
        "~x+1",
        "!x == 0",
        "x == 5 && y == 10 || z",
        "1 ? 2 ? 3 : 4 : 5",
        "0 ? 2 : 0 ? 4 : 5",
        "x,y,z",
        "x = (1, 2)",
        "3 % -2 * -1",
        "2 ** 62 * 2",
        "2 ** 62 * 4",
        "(1 + 2",
        "1 + 2)",
        "1 + (2 * 3",
        "x = ",
        "= 1",
        "+= 1",
        "x ++",
        "x --",
        "++ x",
        "x+ +",
        "1 ++ 2",
        "1 -- 2",
        "1 +++ 2",
        "x +++ y",
        "0x7fffffffffffffff + 1",
        "0xffffffffffffffff",
        "1 < 2 ? 3 : 4",
        "n ** 2",
        "n << 1",
        "n >> 1",
        "n % 2",
        "-n",
        "h * o",
        "w == 7",
        "x == y / 2",
    ];
    let mut failures = Vec::new();
    let setup: String = ARITH_VARS
        .iter()
        .map(|(k, v)| format!("{k}='{v}'; "))
        .collect();
    for ex in exprs {
        let script =
            format!("{setup}readonly ro\nr=$(($1)) && echo \"r=$r\"\necho \"x=$x a=$a b=$b i=$i\"");
        let (out, err, _) = bash(&script, &[ex], None);
        let bash_out = String::from_utf8_lossy(&out).into_owned();
        let bash_err = strip_prefix(&err);
        let mut vars = Vars(
            ARITH_VARS
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let r = arith::eval(ex, &mut vars);
        let mut mine = String::new();
        let mut mine_err = Vec::new();
        match r {
            Ok(v) => mine.push_str(&format!("r={v}\n")),
            Err(e) => mine_err.push(e.to_string()),
        }
        let g = |k: &str| vars.0.get(k).cloned().unwrap_or_default();
        mine.push_str(&format!(
            "x={} a={} b={} i={}\n",
            g("x"),
            g("a"),
            g("b"),
            g("i")
        ));
        if mine != bash_out || mine_err != bash_err {
            failures.push(format!(
                "{ex:?}:\n  bash: {bash_out:?} {bash_err:?}\n  nsh:  {mine:?} {mine_err:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pattern_matching_matches_bash() {
    let cases: &[(&str, &[&str])] = &[
        ("*", &["", "a", ".a", "a/b", "*"]),
        ("?", &["", "a", "ab", "/", "."]),
        ("a*b", &["ab", "axxb", "a/b", "abx", "ba"]),
        ("*.sh", &["a.sh", "a.py", ".sh", "a.sh.bak"]),
        ("a\\*", &["a*", "ab", "a\\b"]),
        ("a\\\\b", &["a\\b", "ab"]),
        ("\\a", &["a", "\\a"]),
        ("a\\", &["a\\", "a"]),
        ("[abc]", &["a", "b", "d", "", "ab"]),
        ("[a-c]x", &["bx", "dx", "-x"]),
        ("[!a-c]", &["a", "d", "!", "/"]),
        ("[^a-c]", &["a", "d", "^"]),
        ("[]a]", &["]", "a", "b"]),
        ("[!]a]", &["]", "a", "b"]),
        ("[a-]", &["a", "-", "b"]),
        ("[-a]", &["a", "-", "b"]),
        ("[z-a]", &["a", "m", "z"]),
        ("[[:alpha:]]", &["a", "Z", "1", "_"]),
        ("[[:digit:][:upper:]]", &["1", "A", "a"]),
        ("[[:alnum:]_]*", &["a_1", "_x", "-x"]),
        ("[[:space:]]", &[" ", "\t", "x"]),
        ("[[:blank:]]", &[" ", "\t", "\n"]),
        ("[[:punct:]]", &["!", "a", "_", "~"]),
        ("[[:xdigit:]]", &["f", "G", "9"]),
        ("[[:lower:]]", &["a", "A"]),
        ("[[:print:]]", &["a", " ", "\t"]),
        ("[[:graph:]]", &["a", " "]),
        ("[[:cntrl:]]", &["\t", "a"]),
        ("[[:word:]]", &["a", "_"]),
        ("[[:bogus:]]", &["a", "b"]),
        ("[[:alpha:]", &["a", "[", ":"]),
        ("[", &["[", "a"]),
        ("[a", &["[a", "a"]),
        ("a]", &["a]"]),
        ("[\\]]", &["]", "\\"]),
        ("[a\\-z]", &["-", "b", "a", "z"]),
        ("[\\!a]", &["!", "a", "b"]),
        ("[.]*", &[".a", "a"]),
        ("*[0-9]", &["veth0", "veth", "10"]),
        ("veth[0-9]*", &["veth12", "vethx"]),
        ("ns?-*", &["ns1-ext", "ns-ext"]),
        ("**a", &["a", "ba", "b"]),
        ("*a*a*", &["aa", "bab", "baab"]),
        ("[*]", &["*", "a"]),
        ("[?]", &["?", "a"]),
        ("*[", &["a[", "a"]),
        ("x[[]", &["x["]),
        ("[a-z0-9-]", &["-", "5", "A"]),
        ("[]-]", &["]", "-", "a"]),
        ("[!]", &["!", "[!]"]),
        ("[]", &["[]", "]"]),
        ("[a-\\z]", &["m", "\\", "z"]),
        ("[!-]", &["-", "a"]),
        ("[--0]", &["-", ".", "/", "0", "1"]),
        ("[a-]]", &["a]", "-]", "]", "b]"]),
        ("[\\\\]", &["\\", "a"]),
        ("[[]", &["["]),
        ("[[]]", &["[]", "]"]),
        ("[*-]", &["*", "-", "+"]),
        ("a[]b]c", &["a]c", "abc", "a]b]c"]),
        ("[[.a.]]", &["a", "."]),
        ("[[=a=]]", &["a", "="]),
        ("[a[:digit:]]", &["a", "5", ":"]),
        ("[:digit:]", &["d", "5", ":"]),
        ("[![:digit:]]", &["a", "5"]),
        ("[^[:alpha:]]x", &["1x", "ax"]),
        ("\\[a]", &["[a]", "a"]),
        ("*\\\\x", &["a\\x", "ax"]),
        ("[a", &["[a", "a"]),
        ("?*?", &["ab", "a", "abc"]),
        ("*?", &["", "a"]),
        ("a*b*c*d", &["abcd", "aXbXcXd", "abdc"]),
        ("é*", &["éa", "e"]),
        ("?", &["é"]),
        ("[é]", &["é", "e"]),
    ];
    let mut failures = Vec::new();
    for (pat, texts) in cases {
        for text in *texts {
            let (out, _, _) = bash(
                "case $2 in $1) echo y;; *) echo n;; esac",
                &[pat, text],
                None,
            );
            let b = out == b"y\n";
            let m = pattern::fnmatch(pat, text);
            if b != m {
                failures.push(format!("fnmatch({pat:?}, {text:?}): bash {b}, nsh {m}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn strip_matches_bash() {
    let cases: &[(&str, &str)] = &[
        ("*/", "a/b/c"),
        ("*.", "f.tar.gz"),
        (".*", "f.tar.gz"),
        ("*", "abc"),
        ("?", "abc"),
        ("", "abc"),
        ("a", "abc"),
        ("c", "abc"),
        ("[ab]", "abba"),
        ("*b", "abcb"),
        ("b*", "abcb"),
        ("x", ""),
        ("*", ""),
        ("\\*", "*a*"),
        ("/*", "/usr/bin/"),
        ("*/", "/usr/bin/"),
        ("[0-9]*", "12ab34"),
        ("*[0-9]", "12ab34"),
        ("é", "éaé"),
    ];
    let mut failures = Vec::new();
    for (pat, text) in cases {
        for (op, pre, longest) in [
            ("#", true, false),
            ("##", true, true),
            ("%", false, false),
            ("%%", false, true),
        ] {
            let (out, _, _) = bash(&format!("printf '%s' \"${{2{op}$1}}\""), &[pat, text], None);
            let b = String::from_utf8_lossy(&out).into_owned();
            let m = if pre {
                pattern::strip_prefix(pat, text, longest)
            } else {
                pattern::strip_suffix(pat, text, longest)
            };
            if b != m {
                failures.push(format!("${{X{op}{pat}}} X={text:?}: bash {b:?}, nsh {m:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn has_glob_cases() {
    assert!(pattern::has_glob("*"));
    assert!(pattern::has_glob("a?"));
    assert!(pattern::has_glob("[ab]"));
    assert!(!pattern::has_glob("a\\*"));
    assert!(!pattern::has_glob("abc"));
    assert!(!pattern::has_glob("["));
    assert!(!pattern::has_glob("a]"));
}

#[test]
fn glob_matches_bash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for f in [
        "a",
        "b",
        "ab",
        "a.sh",
        "b.sh",
        ".hidden",
        ".h.sh",
        "A",
        "B",
        "_u",
        "1",
        "10",
        "2",
        "x y",
        "c*",
        "sub/f1",
        "sub/f2",
        "sub/.dot",
        "sub/deep/g",
        "sub2/f1",
        "emp/.keep",
        "Z-z",
        "a[1]",
    ] {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, "").expect("write");
    }
    std::os::unix::fs::symlink("a", d.join("link")).expect("symlink");
    std::os::unix::fs::symlink("nowhere", d.join("dangling")).expect("symlink");
    std::os::unix::fs::symlink("sub", d.join("sublink")).expect("symlink");
    let noread = d.join("noread");
    std::fs::create_dir(&noread).expect("mkdir");
    std::fs::write(noread.join("f"), "").expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&noread, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let pats = [
        "*",
        ".*",
        "*.sh",
        ".*.sh",
        "?",
        "??",
        "[ab]*",
        "[!a]*",
        "[A-Z]*",
        "[[:upper:]]",
        "[[:digit:]]*",
        "*/",
        "*/*",
        "*/.*",
        "sub/*",
        "sub/.*",
        "sub/*/*",
        "*/f1",
        "s*/f?",
        "sub*/*",
        "*/deep",
        "*/deep/",
        "sub/deep/*",
        "./*.sh",
        "../*/a.sh",
        "sub/../a*",
        "nomatch*",
        "*.none",
        "c\\*",
        "c\\**",
        "s\\ub/f*",
        "[s]ub/f\\1",
        "sub/*/",
        "*/*/",
        "c[*]",
        "x?y",
        "a[[]1]",
        "*link*",
        "dangling*",
        "noread/*",
        "no*/f",
        "sub//f*",
        "./sub/./f*",
        "emp/*",
        "emp/.*",
        ".",
        "..",
        ".?",
        "*/.",
        "*/..",
        "[.]*",
    ];
    let mut failures = Vec::new();
    let cwd = std::env::current_dir().expect("cwd");
    // glob() works relative to the process's directory: compare on absolute
    // patterns (relative ones are checked through the absolute prefix).
    let _ = cwd;
    for pat in pats {
        if !pattern::has_glob(pat) {
            // The shell does not glob such a word at all.
            continue;
        }
        let (out, _, _) = bash(
            "shopt -s nullglob; IFS=; for f in $1; do echo \"$f\"; done",
            &[pat],
            Some(d),
        );
        let b = String::from_utf8_lossy(&out).into_owned();
        let prefix = format!("{}/", d.display());
        // Run relative patterns from the same directory via an absolute
        // pattern, then strip the prefix (glob is per process cwd).
        let abs = format!("{prefix}{pat}");
        let m: String = pattern::glob(&abs)
            .into_iter()
            .map(|p| format!("{}\n", p.strip_prefix(&prefix).unwrap_or(&p)))
            .collect();
        if b != m {
            failures.push(format!("glob {pat:?}:\n  bash: {b:?}\n  nsh:  {m:?}"));
        }
    }
    std::fs::set_permissions(&noread, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn glob_relative_and_absolute() {
    // A relative pattern is read from ".", and keeps its form.
    let got = pattern::glob("Cargo.t*");
    assert_eq!(got, vec!["Cargo.toml".to_string()]);
    let got = pattern::glob("./Cargo.t*");
    assert_eq!(got, vec!["./Cargo.toml".to_string()]);
    for pat in [
        "/bi?",
        "//bi?",
        "/./bi?",
        "/e*/host?",
        "/[b]in/",
        "/nonexistent*/x",
    ] {
        let (out, _, _) = bash(
            "shopt -s nullglob; IFS=; for f in $1; do echo \"$f\"; done",
            &[pat],
            None,
        );
        let b = String::from_utf8_lossy(&out).into_owned();
        let m: String = pattern::glob(pat)
            .into_iter()
            .map(|p| format!("{p}\n"))
            .collect();
        assert_eq!(m, b, "glob {pat:?}");
    }
}

#[test]
fn test_builtin_matches_bash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let f = d.join("file");
    std::fs::write(&f, "data").expect("write");
    let empty = d.join("empty");
    std::fs::write(&empty, "").expect("write");
    let exe = d.join("exe");
    std::fs::write(&exe, "#!/bin/sh\n").expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let sticky = d.join("sticky");
    std::fs::create_dir(&sticky).expect("mkdir");
    std::fs::set_permissions(&sticky, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
    let suid = d.join("suid");
    std::fs::write(&suid, "").expect("write");
    std::fs::set_permissions(&suid, std::fs::Permissions::from_mode(0o4755)).expect("chmod");
    let sgid = d.join("sgid");
    std::fs::write(&sgid, "").expect("write");
    std::fs::set_permissions(&sgid, std::fs::Permissions::from_mode(0o2755)).expect("chmod");
    let ro = d.join("ro");
    std::fs::write(&ro, "").expect("write");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::os::unix::fs::symlink(&f, d.join("link")).expect("symlink");
    std::os::unix::fs::symlink("nowhere", d.join("dangling")).expect("symlink");
    std::fs::hard_link(&f, d.join("hard")).expect("link");
    nix::unistd::mkfifo(
        &d.join("fifo"),
        nix::sys::stat::Mode::from_bits_truncate(0o644),
    )
    .expect("mkfifo");
    let _sock = std::os::unix::net::UnixListener::bind(d.join("sock")).expect("bind");
    // An older file for -nt / -ot.
    let old = d.join("old");
    std::fs::write(&old, "").expect("write");
    let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .expect("open")
        .set_modified(t)
        .expect("set mtime");

    let lists: &[&[&str]] = &[
        &[],
        &[""],
        &["x"],
        &["-n"],
        &["-z"],
        &["!"],
        &["("],
        &[")"],
        &["-a"],
        &["-o"],
        &["="],
        &["]"],
        &["-n", ""],
        &["-n", "x"],
        &["-z", ""],
        &["-z", "x"],
        &["!", ""],
        &["!", "x"],
        &["-x", "y"],
        &["x", "y"],
        &["(", "x"],
        &["x", ")"],
        &["-e", "file"],
        &["-e", "nonexist"],
        &["-f", "file"],
        &["-f", "sticky"],
        &["-d", "sticky"],
        &["-d", "file"],
        &["-s", "file"],
        &["-s", "empty"],
        &["-r", "file"],
        &["-w", "file"],
        &["-x", "file"],
        &["-x", "exe"],
        &["-x", "sticky"],
        &["-L", "link"],
        &["-h", "link"],
        &["-L", "file"],
        &["-L", "dangling"],
        &["-e", "dangling"],
        &["-p", "fifo"],
        &["-p", "file"],
        &["-S", "sock"],
        &["-S", "file"],
        &["-b", "file"],
        &["-c", "/dev/null"],
        &["-c", "file"],
        &["-b", "/dev/null"],
        &["-u", "suid"],
        &["-u", "file"],
        &["-g", "sgid"],
        &["-g", "file"],
        &["-k", "sticky"],
        &["-k", "file"],
        &["-O", "file"],
        &["-G", "file"],
        &["-O", "nonexist"],
        &["-N", "file"],
        &["-t", "0"],
        &["-t", "99"],
        &["-t", "x"],
        &["-t", ""],
        &["-a", "file"],
        &["-o", "x"],
        &["-v", "HOME"],
        &["-v", "NOPE_NOT_SET"],
        &["-e", ""],
        &["-d", "."],
        &["-d", "/"],
        &["a", "=", "a"],
        &["a", "=", "b"],
        &["a", "==", "a"],
        &["a", "!=", "a"],
        &["a", "<", "b"],
        &["b", "<", "a"],
        &["a", ">", "b"],
        &["B", "<", "a"],
        &["1", "-eq", "1"],
        &["1", "-eq", "2"],
        &["1", "-ne", "2"],
        &["1", "-lt", "2"],
        &["2", "-le", "2"],
        &["3", "-gt", "2"],
        &["2", "-ge", "3"],
        &[" 1 ", "-eq", "1"],
        &["-1", "-lt", "0"],
        &["+1", "-eq", "1"],
        &["01", "-eq", "1"],
        &["0x1", "-eq", "1"],
        &["x", "-eq", "1"],
        &["1", "-eq", "x"],
        &["", "-eq", "1"],
        &["1a", "-eq", "1"],
        &["9223372036854775807", "-eq", "9223372036854775807"],
        &["9223372036854775808", "-eq", "1"],
        &["-", "-eq", "1"],
        &["1", "-eq"],
        &["file", "-nt", "old"],
        &["old", "-nt", "file"],
        &["file", "-ot", "old"],
        &["old", "-ot", "file"],
        &["file", "-nt", "nonexist"],
        &["nonexist", "-nt", "file"],
        &["nonexist", "-ot", "file"],
        &["file", "-ef", "hard"],
        &["file", "-ef", "link"],
        &["file", "-ef", "old"],
        &["file", "-ef", "nonexist"],
        &["a", "-a", "b"],
        &["a", "-a", ""],
        &["", "-o", "b"],
        &["", "-o", ""],
        &["!", "-n", ""],
        &["!", "a", "=", "a"],
        &["!", "!", "a"],
        &["(", "a", ")"],
        &["(", "", ")"],
        &["(", "!", ")"],
        &["x", "-foo", "y"],
        &["-foo", "x", "y"],
        &["a", "=", "b", "c"],
        &["a", "b", "c"],
        &["!", "a", "b"],
        &["(", "a", "b", ")"],
        &["(", "a", "=", "a", ")"],
        &["(", "a", "=", "b", ")"],
        &["!", "(", "a", ")"],
        &["-n", "a", "-a", "-z", ""],
        &["-n", "a", "-a", "-n", ""],
        &["-n", "", "-o", "-n", "a"],
        &["a", "-o", "b", "-a", ""],
        &["", "-a", "b", "-o", "c"],
        &["!", "-n", "a", "-o", "b"],
        &["(", "-n", "a", ")", "-a", "b"],
        &["(", "-n", "a", "-o", "", ")", "-a", "(", "b", ")"],
        &["(", "a"],
        &["(", "a", "-a"],
        &["a", "-a"],
        &["-a", "a"],
        &["a", "-a", "-a"],
        &["!", "!"],
        &["!", "!", "!"],
        &["!", "=", "!"],
        &["=", "=", "="],
        &["-n", "=", "-n"],
        &["(", "(", "a", ")", ")"],
        &["-z", "-z"],
        &["-e", "file", "-a", "-f", "file"],
        &["-e", "file", "-a"],
        &["1", "-eq", "1", "-a", "x", "-lt", "2"],
        &["a", "=", "a", "=", "a"],
        &["a", "a", "a", "a", "a"],
        &["!", "a", "=", "b", "-a", "c"],
        &["abc", "=~", "a*"],
        &["abc", "!~", "a*"],
        &["abc", "=~", "b"],
        &["(", "a", ")", "-o"],
        &["(", "a", "-o", "b"],
        &["(", "a", "x", ")", ")"],
        &["-l", "abc"],
        &["-l", "abc", "-eq", "3"],
        &[")", "("],
        &["-", "x"],
        &["--", "x"],
        &["-R", "x"],
    ];
    let mut failures = Vec::new();
    for args in lists {
        for (name, script) in [("[", "[ \"$@\" ]"), ("test", "test \"$@\"")] {
            let (_, err, st) = bash(script, args, Some(d));
            let bash_err = strip_prefix(&err);
            let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let mut full = owned.clone();
            if name == "[" {
                full.push("]".to_string());
            }
            let cwd = std::env::current_dir().expect("cwd");
            // File operands are relative to d: run with absolute-path args
            // would change messages, so chdir is simulated by prefixing
            // only arguments naming files that exist there.
            let _ = cwd;
            let full: Vec<String> = full
                .into_iter()
                .map(|a| {
                    if !a.is_empty()
                        && !a.starts_with('-')
                        && !a.starts_with('/')
                        && a != "."
                        && std::fs::symlink_metadata(d.join(&a)).is_ok()
                    {
                        d.join(&a).display().to_string()
                    } else {
                        a
                    }
                })
                .collect();
            let (mst, msg) = test_cmd::run(name, &full);
            let dprefix = format!("{}/", d.display());
            let mine_err: Vec<String> = msg.into_iter().map(|m| m.replace(&dprefix, "")).collect();
            if mst != st || mine_err != bash_err {
                failures.push(format!(
                    "{name} {args:?}: bash {st} {bash_err:?}, nsh {mst} {mine_err:?}"
                ));
            }
        }
    }
    // `[` without its `]`.
    for args in [&["x"][..], &[][..], &["a", "=", "a"][..]] {
        let (_, err, st) = bash("[ \"$@\"", args, None);
        let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mst, msg) = test_cmd::run("[", &owned);
        let mine_err: Vec<String> = msg.into_iter().collect();
        if mst != st || mine_err != strip_prefix(&err) {
            failures.push(format!(
                "[ {args:?} (no ]): bash {st} {err:?}, nsh {mst} {mine_err:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn printf_matches_bash() {
    let cases: &[(&str, &[&str])] = &[
        ("%s\\n", &["a", "b", "c"]),
        ("%s-%s\\n", &["a", "b", "c"]),
        ("%s", &[]),
        ("%d", &[]),
        ("x\\n", &["ignored"]),
        ("%5s|%-5s|%.2s|%5.1s|", &["ab", "cd", "efg", "hij"]),
        ("%*s|%-*s|%.*s|", &["4", "a", "4", "b", "1", "cde"]),
        ("%*s|", &["-4", "a"]),
        ("%d %i %u", &["42", "-7", "3"]),
        (
            "%5d|%-5d|%05d|%+d|% d|%+5d|%-+5d|",
            &["42", "42", "42", "42", "42", "42", "42"],
        ),
        ("%.3d|%8.3d|%-8.3d|%08.3d|", &["5", "5", "5", "5"]),
        (
            "%x %X %o %#x %#X %#o",
            &["255", "255", "8", "255", "255", "8"],
        ),
        ("%#x %#o", &["0", "0"]),
        ("%u", &["-1"]),
        ("%x", &["-1"]),
        ("%o", &["-1"]),
        ("%d", &["'A"]),
        ("%d", &["\"B"]),
        ("%d", &["'"]),
        ("%d", &["'é"]),
        ("%d", &["0x1F"]),
        ("%d", &["010"]),
        ("%d", &["-010"]),
        ("%d", &[" 12"]),
        ("%d", &["12 "]),
        ("%d", &["+5"]),
        ("%d", &["x"]),
        ("%d", &["12abc"]),
        ("%d", &["0x"]),
        ("%d", &["08"]),
        ("%d", &["9223372036854775807"]),
        ("%d", &["9223372036854775808"]),
        ("%d", &["-9223372036854775809"]),
        ("%u", &["18446744073709551615"]),
        ("%u", &["18446744073709551616"]),
        ("%d %d\\n", &["1", "x", "3"]),
        ("%f", &["3.14159"]),
        (
            "%.2f|%8.3f|%-8.1f|%08.2f|%+.1f",
            &["3.14159", "2.5", "1.25", "-1.5", "2"],
        ),
        ("%e|%E|%.2e", &["12345.678", "0.000123", "0"]),
        (
            "%g|%g|%g|%g|%g",
            &["100000", "1000000", "0.0001", "0.00001", "123.456"],
        ),
        ("%G|%#g|%.3g|%.0g", &["1e-10", "1.5", "3.14159", "7"]),
        ("%f", &["x"]),
        ("%f", &["1e3"]),
        ("%f", &["0x10"]),
        ("%f", &["inf"]),
        ("%f", &["-nan"]),
        ("%.0f %.0f %.0f", &["0.5", "1.5", "2.5"]),
        ("%f", &["'A"]),
        ("%c|%c|%c", &["abc", "", "x"]),
        ("%5c|%-3c|", &["a", "b"]),
        ("%b", &["a\\tb\\n"]),
        ("%b|", &["\\0101\\101\\x41\\u00e9"]),
        ("%b", &["a\\cb"]),
        ("%b%s", &["x\\c", "y"]),
        ("%5b|%-5b|%.2b|", &["ab", "cd", "efgh"]),
        ("%b", &["\\e\\E\\a\\v\\f\\r\\'\\\"\\?\\q"]),
        ("%q", &["a b"]),
        ("%q", &["simple"]),
        ("%q", &[""]),
        ("%q", &["it's"]),
        ("%q", &["a\nb"]),
        ("%q", &["tab\there"]),
        ("%q", &["$x*?[]{}~#!&;|<>()`\"\\"]),
        ("%q", &["~user"]),
        ("%q", &["a~b"]),
        ("%q", &["#x"]),
        ("%q", &["x#"]),
        ("%q", &["=x"]),
        ("%q", &["é"]),
        ("%q", &["\u{1}"]),
        ("%10q|%-10q|", &["a b", "c"]),
        ("%%|%5%|", &[]),
        ("\\101\\0101\\x41\\x4a\\xZ|\\u00e9\\U0001F600", &[]),
        ("\\n\\t\\\\\\a\\b\\e\\f\\r\\v\\'\\\"\\?\\q", &[]),
        ("a\\cb", &[]),
        ("%s\\c%s", &["a", "b"]),
        ("\\", &[]),
        ("abc\\", &[]),
        ("%", &[]),
        ("%5", &["x"]),
        ("%z", &["x"]),
        ("%k", &["x"]),
        ("a%yb", &["x"]),
        (
            "%ld %lld %hd %hhd %jd %zd %td",
            &["1", "2", "3", "4", "5", "6", "7"],
        ),
        ("%Lf", &["1.5"]),
        ("%s %s", &["a"]),
        ("%1$s", &["a"]),
        ("%-05d|", &["3"]),
        ("%0-5d|", &["3"]),
        ("% +d|", &["3"]),
        ("%#5x|%#-8o|%#08x|", &["255", "8", "255"]),
        ("%.0d|%.0x|", &["0", "0"]),
        ("%.s|", &["abc"]),
        ("%-s|", &["abc"]),
        ("%+s|% s|%#s|%0s|", &["a", "b", "c", "d"]),
        ("%*d", &["x", "5"]),
        ("%.*d", &["-1", "5"]),
        ("%c", &["é"]),
        ("%.1s", &["é"]),
        ("%3s|", &["é"]),
        ("\\0", &[]),
        ("\\08", &[]),
        ("\\777", &[]),
        ("\\x", &[]),
        ("\\u", &[]),
        ("\\xff", &[]),
        ("%i|%i", &["1.5", "2"]),
        ("%d", &["-"]),
        ("%d", &["--5"]),
        ("%x", &["'a"]),
        ("[%s]", &["a", "", "b"]),
        // bash formats floats as long double; nsh uses f64, so only values
        // exact in both are compared (not 1e308 or %.17g of 0.1).
        ("%f|%f", &["1e-300", "123456789012"]),
        ("%.10f|%.15g", &["0.1", "0.1"]),
        ("%g|%g|%g|%g", &["0", "-0", "1e100", "123456789"]),
        ("%e", &["-1.5"]),
        ("%10.3e|%-12.2E|%+e", &["3.14159", "2.5", "1"]),
        ("%#.0f|%#.0e|%#g|%#x", &["3", "3", "3", "0"]),
        ("%5.1f%%", &["99.44"]),
        ("%F", &["1.5"]),
        ("%s %d %s\\n", &["a", "1", "b", "c", "2"]),
        ("%s=%d\\n", &["x", "1", "y"]),
        ("%b\\n", &["a", "b\\c", "c"]),
        ("%c%c", &["abc"]),
        ("%.3s|%-6.2s|", &["abcdef", "xyz"]),
        (
            "%08.3f|%-08.3f|% 08.3f",
            &["-3.14159", "3.14159", "3.14159"],
        ),
        ("%+05d|%+-5d|% 05d", &["7", "7", "-7"]),
        ("%x|%X|%o", &["0xfF", "-0x10", "-010"]),
        ("%d", &["1e3"]),
        ("%d", &["1.0"]),
        ("%d %d", &["' ", "'"]),
        ("%i", &["0x7fffffffffffffff"]),
        ("%u", &["-9223372036854775808"]),
        ("%.*s|", &["99999999999", "abc"]),
        ("%(%Y)T", &["0"]),
        ("%n", &["v"]),
        ("no newline", &[]),
        ("%s", &["-v"]),
        ("\\\"%s\\\"", &["q"]),
    ];
    let mut failures = Vec::new();
    for (fmt, args) in cases {
        let mut all = vec![*fmt];
        all.extend_from_slice(args);
        let (out, err, st) = bash("printf \"$@\"", &all, None);
        let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mout, merr, mst) = printf::printf(fmt, &owned);
        let berr = strip_prefix(&err);
        if out != mout || berr != merr || st != mst {
            failures.push(format!(
                "printf {fmt:?} {args:?}:\n  bash: {:?} {berr:?} {st}\n  nsh:  {:?} {merr:?} {mst}",
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&mout)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn echo_e_matches_bash() {
    let cases = [
        "a\\nb",
        "a\\tb\\\\c",
        "\\0101\\101\\0",
        "\\01234",
        "\\x41\\x4A\\xZ\\x",
        "\\u00e9\\U0001F600\\u",
        "a\\cb",
        "\\c",
        "\\e\\E\\a\\b\\f\\r\\v",
        "\\'\\\"\\?\\q",
        "trailing\\",
        "\\\\n",
        "\\08",
    ];
    let mut failures = Vec::new();
    for c in cases {
        let (out, _, _) = bash("echo -ne \"$1\"", &[c], None);
        let (m, stop) = printf::echo_escapes(c);
        let b = String::from_utf8_lossy(&out).into_owned();
        if b != m {
            failures.push(format!(
                "echo -e {c:?}: bash {b:?}, nsh {m:?} (stop {stop})"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ansi_c_matches_bash() {
    let cases = [
        "a\\nb",
        "\\t\\\\\\'\\\"\\?",
        "\\101\\0101\\1\\18",
        "\\x41\\x4a\\x4G\\xZ",
        "\\u00e9\\U0001F600",
        "\\cA\\ca\\c[\\c?\\c@",
        "\\e\\E\\a\\b\\f\\r\\v",
        "\\q",
        "plain",
        "\\x{41}",
        "\\0",
    ];
    let mut failures = Vec::new();
    for c in cases {
        let script = format!("printf '%s' $'{c}'");
        let (out, _, _) = bash(&script, &[], None);
        let b = String::from_utf8_lossy(&out).into_owned();
        let m = printf::ansi_c(c);
        if b != m {
            failures.push(format!("$'{c}': bash {b:?}, nsh {m:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

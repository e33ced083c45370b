//! `compgen`: the completions bash would offer for a word, printed one per
//! line (scripts use it to list functions, variables or commands by
//! prefix: `compgen -A function test_`).

use super::builtins::is_builtin;
use super::{pattern, proc, Shell};

const USAGE: &str = "compgen: usage: compgen [-abcdefgjksuv] [-o option] [-A action] [-G globpat] [-W wordlist] [-F function] [-C command] [-X filterpat] [-P prefix] [-S suffix] [word]\n";

/// bash's builtins in the order `compgen -b` lists them; the ones nsh
/// lacks are left out.
const BASH_BUILTINS: &[&str] = &[
    ".",
    ":",
    "[",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "cd",
    "command",
    "compgen",
    "complete",
    "compopt",
    "continue",
    "declare",
    "dirs",
    "disown",
    "echo",
    "enable",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "fc",
    "fg",
    "getopts",
    "hash",
    "help",
    "history",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "test",
    "times",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "wait",
];

/// bash's reserved words in the order `compgen -k` lists them.
const BASH_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc",
];

/// What to generate, in the order bash generates it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Action {
    Alias,
    Arrayvar,
    Binding,
    Builtin,
    Command,
    Directory,
    Disabled,
    Enabled,
    Export,
    File,
    Function,
    Group,
    Helptopic,
    Hostname,
    Job,
    Keyword,
    Running,
    Service,
    Setopt,
    Shopt,
    Signal,
    Stopped,
    User,
    Variable,
}

fn action_named(name: &str) -> Option<Action> {
    use Action::*;
    Some(match name {
        "alias" => Alias,
        "arrayvar" => Arrayvar,
        "binding" => Binding,
        "builtin" => Builtin,
        "command" => Command,
        "directory" => Directory,
        "disabled" => Disabled,
        "enabled" => Enabled,
        "export" => Export,
        "file" => File,
        "function" => Function,
        "group" => Group,
        "helptopic" => Helptopic,
        "hostname" => Hostname,
        "job" => Job,
        "keyword" => Keyword,
        "running" => Running,
        "service" => Service,
        "setopt" => Setopt,
        "shopt" => Shopt,
        "signal" => Signal,
        "stopped" => Stopped,
        "user" => User,
        "variable" => Variable,
        _ => return None,
    })
}

fn action_letter(c: char) -> Option<Action> {
    use Action::*;
    Some(match c {
        'a' => Alias,
        'b' => Builtin,
        'c' => Command,
        'd' => Directory,
        'e' => Export,
        'f' => File,
        'g' => Group,
        'j' => Job,
        'k' => Keyword,
        's' => Service,
        'u' => User,
        'v' => Variable,
        _ => return None,
    })
}

#[derive(Default)]
struct Spec {
    actions: Vec<Action>,
    glob: Option<String>,
    words: Option<String>,
    filter: Option<String>,
    prefix: String,
    suffix: String,
    plusdirs: bool,
}

/// `compgen [options] [word]`.
pub fn builtin(sh: &mut Shell, args: &[String]) -> i32 {
    let mut spec = Spec::default();
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-') && a.len() > 1) {
        i += 1;
        if a == "--" {
            break;
        }
        for (at, c) in a[1..].char_indices() {
            if let Some(act) = action_letter(c) {
                spec.actions.push(act);
                continue;
            }
            if !matches!(c, 'A' | 'G' | 'W' | 'X' | 'P' | 'S' | 'o' | 'F' | 'C') {
                sh.error(&format!("compgen: -{c}: invalid option"));
                proc::write_fd(2, USAGE.as_bytes());
                return 2;
            }
            // The argument: the rest of this word, or the next one.
            let rest = &a[1 + at + c.len_utf8()..];
            let arg = if !rest.is_empty() {
                rest.to_string()
            } else if let Some(v) = args.get(i) {
                i += 1;
                v.clone()
            } else {
                sh.error(&format!("compgen: -{c}: option requires an argument"));
                proc::write_fd(2, USAGE.as_bytes());
                return 2;
            };
            match c {
                'A' => match action_named(&arg) {
                    Some(act) => spec.actions.push(act),
                    None => {
                        sh.error(&format!("compgen: {arg}: invalid action name"));
                        return 2;
                    }
                },
                'G' => spec.glob = Some(arg),
                'W' => spec.words = Some(arg),
                'X' => spec.filter = Some(arg),
                'P' => spec.prefix = arg,
                'S' => spec.suffix = arg,
                'o' => match arg.as_str() {
                    "plusdirs" => spec.plusdirs = true,
                    "bashdefault" | "default" | "dirnames" | "filenames" | "noquote" | "nosort"
                    | "nospace" => {
                        if arg == "dirnames" {
                            spec.actions.push(Action::Directory);
                        }
                    }
                    _ => {
                        sh.error(&format!("compgen: {arg}: invalid option name"));
                        return 2;
                    }
                },
                _ => {
                    sh.error(&format!("compgen: -{c}: not supported by nsh"));
                    return 2;
                }
            }
            break;
        }
    }
    let word = args.get(i).map(String::as_str).unwrap_or("");
    if spec.actions.is_empty() && spec.glob.is_none() && spec.words.is_none() && !spec.plusdirs {
        return 0;
    }
    let mut found = generate(sh, &spec, word);
    if let Some(f) = &spec.filter {
        // `&` stands for the word; a leading `!` keeps the matches instead.
        let (keep, pat) = match f.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, f.as_str()),
        };
        let pat = pat.replace('&', word);
        found.retain(|m| pattern::fnmatch(&pat, m) == keep);
    }
    if spec.plusdirs {
        found.extend(files(word, true));
    }
    if found.is_empty() {
        return 1;
    }
    let mut out = String::new();
    for m in found {
        out.push_str(&spec.prefix);
        out.push_str(&m);
        out.push_str(&spec.suffix);
        out.push('\n');
    }
    proc::write_fd(1, out.as_bytes());
    0
}

fn generate(sh: &mut Shell, spec: &Spec, word: &str) -> Vec<String> {
    let mut found = Vec::new();
    for &act in &spec.actions {
        let names = match act {
            Action::File | Action::Directory => {
                found.extend(files(word, act == Action::Directory));
                continue;
            }
            Action::Command => {
                found.extend(commands(sh, word));
                continue;
            }
            a => names(sh, a),
        };
        found.extend(names.into_iter().filter(|n| n.starts_with(word)));
    }
    if let Some(g) = &spec.glob {
        let mut m = pattern::glob(g);
        if m.is_empty() && !pattern::has_glob(g) {
            m.push(g.clone());
        }
        found.extend(m.into_iter().filter(|n| n.starts_with(word)));
    }
    if let Some(w) = &spec.words {
        for item in split_ifs(sh, w) {
            let item = expand_item(sh, &item);
            if item.starts_with(word) {
                found.push(item);
            }
        }
    }
    found
}

/// The names an action offers, before the word filters them.
fn names(sh: &Shell, act: Action) -> Vec<String> {
    let strs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let vars = |keep: &dyn Fn(&super::Var) -> bool| {
        let mut v: Vec<String> = sh
            .vars
            .iter()
            .filter(|(_, v)| keep(v))
            .map(|(k, _)| k.clone())
            .collect();
        v.sort();
        v
    };
    match act {
        Action::Alias => sh.aliases.keys().cloned().collect(),
        Action::Arrayvar => vars(&|v| v.array.is_some() || v.assoc.is_some()),
        Action::Variable => vars(&|_| true),
        Action::Export => vars(&|v| v.exported),
        Action::Builtin | Action::Enabled | Action::Helptopic => builtins(),
        Action::Disabled | Action::Binding | Action::Stopped => Vec::new(),
        Action::Function => {
            let mut f: Vec<String> = sh.funcs.keys().cloned().collect();
            f.sort();
            f
        }
        Action::Keyword => strs(BASH_KEYWORDS),
        Action::Job | Action::Running => sh
            .jobs
            .iter()
            .filter(|j| act == Action::Job || j.status.is_none())
            .map(|j| j.text.split_whitespace().next().unwrap_or("").to_string())
            .collect(),
        Action::Setopt => strs(super::shopt::SET_OPTIONS),
        Action::Shopt => super::shopt::names().map(str::to_string).collect(),
        Action::Signal => {
            let mut s = vec!["EXIT".to_string()];
            for n in 1..=libc::SIGRTMAX() {
                if let Some(name) = proc::signal_full_name(n) {
                    s.push(format!("SIG{name}"));
                }
            }
            s
        }
        Action::User => file_fields("/etc/passwd", ':'),
        Action::Group => file_fields("/etc/group", ':'),
        Action::Service => services(),
        Action::Hostname => hostnames(),
        Action::File | Action::Directory | Action::Command => Vec::new(),
    }
}

/// bash's builtins that nsh has, in bash's order.
pub fn builtins() -> Vec<String> {
    BASH_BUILTINS
        .iter()
        .filter(|b| is_builtin(b))
        .map(|b| b.to_string())
        .collect()
}

/// `-c`: aliases, keywords, functions, builtins, then the executables of
/// each `PATH` directory in directory order (duplicates kept, as bash).
fn commands(sh: &Shell, word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for act in [
        Action::Alias,
        Action::Keyword,
        Action::Function,
        Action::Builtin,
    ] {
        out.extend(names(sh, act).into_iter().filter(|n| n.starts_with(word)));
    }
    if word.contains('/') {
        use std::os::unix::fs::PermissionsExt;
        out.extend(files(word, false).into_iter().filter(|f| {
            std::fs::metadata(f).is_ok_and(|m| m.is_dir() || m.permissions().mode() & 0o111 != 0)
        }));
        return out;
    }
    let path = sh.get_var("PATH").unwrap_or("").to_string();
    for dir in path.split(':') {
        let dir = if dir.is_empty() { "." } else { dir };
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(word) {
                continue;
            }
            let exec = std::fs::metadata(e.path()).is_ok_and(|m| {
                use std::os::unix::fs::PermissionsExt;
                m.is_file() && m.permissions().mode() & 0o111 != 0
            });
            if exec {
                out.push(name);
            }
        }
    }
    out
}

/// `-f` / `-d`: the names that begin with the word (`~` expanded), in
/// directory order; a directory's own entries when the word ends in `/`.
fn files(word: &str, dirs_only: bool) -> Vec<String> {
    let (dir, base) = match word.rfind('/') {
        Some(i) => (&word[..=i], &word[i + 1..]),
        None => ("", word),
    };
    let read = if dir.is_empty() { "." } else { dir };
    let Ok(rd) = std::fs::read_dir(read) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(base) || (base.is_empty() && name.starts_with('.')) {
            continue;
        }
        if dirs_only && !std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        out.push(format!("{dir}{name}"));
    }
    out
}

/// The first field of each line of a colon-separated file
/// (`/etc/passwd`, `/etc/group`).
fn file_fields(path: &str, sep: char) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split(sep).next())
        .filter(|f| !f.is_empty() && !f.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The service names of `/etc/services` (with their aliases).
fn services() -> Vec<String> {
    let mut out = Vec::new();
    for l in std::fs::read_to_string("/etc/services")
        .unwrap_or_default()
        .lines()
    {
        let l = l.split('#').next().unwrap_or("");
        let mut f = l.split_whitespace();
        if let (Some(name), Some(_port)) = (f.next(), f.next()) {
            out.push(name.to_string());
            out.extend(f.map(str::to_string));
        }
    }
    out
}

/// The names of `/etc/hosts` (or `$HOSTFILE`'s file), in file order.
fn hostnames() -> Vec<String> {
    let mut out = Vec::new();
    for l in std::fs::read_to_string("/etc/hosts")
        .unwrap_or_default()
        .lines()
    {
        let l = l.split('#').next().unwrap_or("");
        out.extend(l.split_whitespace().skip(1).map(str::to_string));
    }
    out
}

/// `-W`'s list split on `$IFS` (default blanks and newlines) outside
/// quotes, as bash splits it; a quote left open is closed.
fn split_ifs(sh: &Shell, list: &str) -> Vec<String> {
    let ifs = sh.get_var("IFS").unwrap_or(" \t\n").to_string();
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = list.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                continue;
            }
            (None, '\'' | '"') => quote = Some(c),
            (None, c) if ifs.contains(c) => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if let Some(q) = quote {
        cur.push(q);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// One `-W` word expanded as the shell expands a word (`$HOME`, `~`,
/// quotes); left as it is when it does not parse as one.
fn expand_item(sh: &mut Shell, item: &str) -> String {
    if !item.contains(['$', '~', '\'', '"', '\\', '`']) {
        return item.to_string();
    }
    let Ok(list) = crate::syntax::parse(&format!(": {item}\n")) else {
        return item.to_string();
    };
    let word = list.items.first().and_then(|it| {
        let p = &it.and_or.first;
        match p.cmds.first().map(|c| &c.kind) {
            Some(crate::ast::CommandKind::Simple(s)) if s.words.len() == 2 => {
                Some(s.words[1].clone())
            }
            _ => None,
        }
    });
    match word {
        Some(w) => super::expand::expand_single(sh, &w).unwrap_or_else(|_| item.to_string()),
        None => item.to_string(),
    }
}

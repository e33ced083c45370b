//! `shopt`: bash's shell options, with bash 5.2's names and defaults.
//!
//! The options nsh implements act (globbing, `case` / `[[ ]]` matching,
//! `echo`, `shift`, `source`, the command hash table). Options that only
//! matter to an interactive bash (history, completion, prompts) are kept
//! and listed but change nothing in a script. Setting any other
//! option away from bash's default is refused with a message saying so:
//! nsh never pretends to behave as an option asks when it does not.

use super::proc::write_fd;
use super::Shell;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// nsh implements it.
    Acts,
    /// No effect on a script (interactive, history, completion).
    Inert,
    /// bash's read-only options: `-s`/`-u` are ignored.
    ReadOnly,
    /// Not implemented: only bash's default value is accepted.
    Unsupported,
}

use Kind::*;

/// bash 5.2's `shopt` options in its order, with their defaults in a
/// non-interactive shell.
const OPTIONS: &[(&str, bool, Kind)] = &[
    ("autocd", false, Inert),
    ("assoc_expand_once", false, Unsupported),
    ("cdable_vars", false, Acts),
    ("cdspell", false, Inert),
    ("checkhash", false, Acts),
    ("checkjobs", false, Inert),
    ("checkwinsize", true, Inert),
    ("cmdhist", true, Inert),
    ("compat31", false, Unsupported),
    ("compat32", false, Unsupported),
    ("compat40", false, Unsupported),
    ("compat41", false, Unsupported),
    ("compat42", false, Unsupported),
    ("compat43", false, Unsupported),
    ("compat44", false, Unsupported),
    ("complete_fullquote", true, Inert),
    ("direxpand", false, Inert),
    ("dirspell", false, Inert),
    ("dotglob", false, Acts),
    ("execfail", false, Acts),
    ("expand_aliases", false, Unsupported),
    ("extdebug", false, Unsupported),
    ("extglob", false, Acts),
    ("extquote", true, Unsupported),
    ("failglob", false, Acts),
    ("force_fignore", true, Inert),
    ("globasciiranges", true, Unsupported),
    ("globskipdots", true, Acts),
    ("globstar", false, Acts),
    ("gnu_errfmt", false, Unsupported),
    ("histappend", false, Inert),
    ("histreedit", false, Inert),
    ("histverify", false, Inert),
    ("hostcomplete", true, Inert),
    ("huponexit", false, Inert),
    ("inherit_errexit", false, Acts),
    ("interactive_comments", true, Unsupported),
    ("lastpipe", false, Acts),
    ("lithist", false, Inert),
    ("localvar_inherit", false, Acts),
    ("localvar_unset", false, Unsupported),
    ("login_shell", false, ReadOnly),
    ("mailwarn", false, Inert),
    ("no_empty_cmd_completion", false, Inert),
    ("nocaseglob", false, Acts),
    ("nocasematch", false, Acts),
    ("noexpand_translation", false, Inert),
    ("nullglob", false, Acts),
    ("patsub_replacement", true, Acts),
    ("progcomp", true, Inert),
    ("progcomp_alias", false, Inert),
    ("promptvars", true, Inert),
    ("restricted_shell", false, ReadOnly),
    ("shift_verbose", false, Acts),
    ("sourcepath", true, Acts),
    ("varredir_close", false, Acts),
    ("xpg_echo", false, Acts),
];

/// The `shopt` option names, in bash's order.
pub fn names() -> impl Iterator<Item = &'static str> {
    OPTIONS.iter().map(|o| o.0)
}

/// bash 5.2's `set -o` options (for `shopt -o`).
pub const SET_OPTIONS: &[&str] = &[
    "allexport",
    "braceexpand",
    "emacs",
    "errexit",
    "errtrace",
    "functrace",
    "hashall",
    "histexpand",
    "history",
    "ignoreeof",
    "interactive-comments",
    "keyword",
    "monitor",
    "noclobber",
    "noexec",
    "noglob",
    "nolog",
    "notify",
    "nounset",
    "onecmd",
    "physical",
    "pipefail",
    "posix",
    "privileged",
    "verbose",
    "vi",
    "xtrace",
];

/// The values of the `shopt` options (indexed as [`OPTIONS`]), with the
/// ones the interpreter consults as fields.
#[derive(Clone, Debug)]
pub struct Shopts {
    values: Vec<bool>,
    pub cdable_vars: bool,
    pub checkhash: bool,
    pub dotglob: bool,
    pub execfail: bool,
    /// Also read by the pattern matcher ([`super::pattern::set_extglob`]).
    pub extglob: bool,
    pub failglob: bool,
    pub globskipdots: bool,
    pub globstar: bool,
    pub inherit_errexit: bool,
    pub lastpipe: bool,
    pub localvar_inherit: bool,
    pub nocaseglob: bool,
    pub nocasematch: bool,
    pub nullglob: bool,
    pub patsub_replacement: bool,
    pub shift_verbose: bool,
    pub sourcepath: bool,
    pub varredir_close: bool,
    pub xpg_echo: bool,
}

impl Default for Shopts {
    fn default() -> Self {
        let mut s = Shopts {
            values: OPTIONS.iter().map(|o| o.1).collect(),
            cdable_vars: false,
            checkhash: false,
            dotglob: false,
            execfail: false,
            extglob: false,
            failglob: false,
            globskipdots: false,
            globstar: false,
            inherit_errexit: false,
            lastpipe: false,
            localvar_inherit: false,
            nocaseglob: false,
            nocasematch: false,
            nullglob: false,
            patsub_replacement: false,
            shift_verbose: false,
            sourcepath: false,
            varredir_close: false,
            xpg_echo: false,
        };
        s.sync();
        s
    }
}

impl Shopts {
    /// `$BASHOPTS`: the options that are on, colon-separated.
    pub fn enabled_list(&self) -> String {
        OPTIONS
            .iter()
            .zip(&self.values)
            .filter(|(_, &on)| on)
            .map(|(o, _)| o.0)
            .collect::<Vec<_>>()
            .join(":")
    }

    fn get(&self, name: &str) -> bool {
        index(name).map(|i| self.values[i]).unwrap_or(false)
    }

    fn sync(&mut self) {
        self.cdable_vars = self.get("cdable_vars");
        self.checkhash = self.get("checkhash");
        self.dotglob = self.get("dotglob");
        self.execfail = self.get("execfail");
        self.extglob = self.get("extglob");
        super::pattern::set_extglob(self.extglob);
        self.failglob = self.get("failglob");
        self.globskipdots = self.get("globskipdots");
        self.globstar = self.get("globstar");
        self.inherit_errexit = self.get("inherit_errexit");
        self.lastpipe = self.get("lastpipe");
        self.localvar_inherit = self.get("localvar_inherit");
        self.nocaseglob = self.get("nocaseglob");
        self.nocasematch = self.get("nocasematch");
        self.nullglob = self.get("nullglob");
        self.patsub_replacement = self.get("patsub_replacement");
        self.shift_verbose = self.get("shift_verbose");
        self.sourcepath = self.get("sourcepath");
        self.varredir_close = self.get("varredir_close");
        self.xpg_echo = self.get("xpg_echo");
    }
}

fn index(name: &str) -> Option<usize> {
    OPTIONS.iter().position(|o| o.0 == name)
}

fn on_off(v: bool) -> &'static str {
    if v {
        "on"
    } else {
        "off"
    }
}

/// The value of a `set -o` option as nsh has it (bash's defaults for the
/// ones nsh does not have).
/// `$SHELLOPTS`: the `set -o` options that are on, colon-separated.
pub fn shellopts(sh: &Shell) -> String {
    SET_OPTIONS
        .iter()
        .filter(|o| set_option_value(sh, o))
        .copied()
        .collect::<Vec<_>>()
        .join(":")
}

pub fn set_option_value(sh: &Shell, name: &str) -> bool {
    let o = sh.opts;
    match name {
        "errexit" => o.errexit,
        "noclobber" => o.noclobber,
        "noexec" => o.noexec,
        "noglob" => o.noglob,
        "nounset" => o.nounset,
        "pipefail" => o.pipefail,
        "xtrace" => o.xtrace,
        "errtrace" => o.errtrace,
        "functrace" => o.functrace,
        "braceexpand" | "hashall" | "interactive-comments" => true,
        _ => false,
    }
}

const USAGE: &str = "shopt: usage: shopt [-pqsu] [-o] [optname ...]\n";

/// `shopt [-pqsu] [-o] [optname ...]` (bash's shopt_builtin).
pub fn builtin(sh: &mut Shell, args: &[String]) -> i32 {
    let (mut set, mut unset, mut quiet, mut print, mut o_mode) =
        (false, false, false, false, false);
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        for c in a[1..].chars() {
            match c {
                's' => set = true,
                'u' => unset = true,
                'q' => quiet = true,
                'p' => print = true,
                'o' => o_mode = true,
                c => {
                    sh.error(&format!("shopt: -{c}: invalid option"));
                    write_fd(2, USAGE.as_bytes());
                    return 2;
                }
            }
        }
        i += 1;
    }
    let names = &args[i..];
    if set && unset {
        sh.error("shopt: cannot set and unset shell options simultaneously");
        return 1;
    }
    // The (name, value) pairs of the option set this call is about.
    let all: Vec<(String, bool)> = if o_mode {
        SET_OPTIONS
            .iter()
            .map(|n| (n.to_string(), set_option_value(sh, n)))
            .collect()
    } else {
        OPTIONS
            .iter()
            .zip(&sh.shopts.values)
            .map(|(o, v)| (o.0.to_string(), *v))
            .collect()
    };
    let line = |name: &str, v: bool| -> String {
        match (print, o_mode) {
            (true, true) => format!("set {}o {name}\n", if v { "-" } else { "+" }),
            (true, false) => format!("shopt {} {name}\n", if v { "-s" } else { "-u" }),
            _ => format!("{name:<15}\t{}\n", on_off(v)),
        }
    };
    let unknown = |sh: &Shell, n: &str| {
        if o_mode {
            sh.error(&format!("shopt: {n}: invalid option name"));
        } else {
            sh.error(&format!("shopt: {n}: invalid shell option name"));
        }
    };
    if names.is_empty() {
        // `shopt`, `shopt -p`: all; `shopt -s` / `-u`: those on / off.
        let mut s = String::new();
        for (n, v) in &all {
            if (set && !v) || (unset && *v) {
                continue;
            }
            s.push_str(&line(n, *v));
        }
        if !quiet {
            write_fd(1, s.as_bytes());
        }
        return 0;
    }
    if !(set || unset) {
        let mut st = 0;
        let mut s = String::new();
        for n in names {
            match all.iter().find(|(a, _)| a == n) {
                Some((_, v)) => {
                    if !v {
                        st = 1;
                    }
                    s.push_str(&line(n, *v));
                }
                None => {
                    unknown(sh, n);
                    st = 1;
                }
            }
        }
        if !quiet {
            write_fd(1, s.as_bytes());
        }
        return st;
    }
    let mut st = 0;
    for n in names {
        if o_mode {
            if !SET_OPTIONS.contains(&n.as_str()) {
                // bash's status stays 0 here (set_shopt_o_options).
                unknown(sh, n);
            } else if set_option_value(sh, n) != set && !super::builtins::set_option(sh, n, set) {
                sh.error(&format!("shopt: {n}: not supported by nsh"));
                st = 1;
            }
            continue;
        }
        let Some(k) = index(n) else {
            unknown(sh, n);
            st = 1;
            continue;
        };
        let (_, default, kind) = OPTIONS[k];
        match kind {
            ReadOnly => {}
            Unsupported if set != default => {
                sh.error(&format!("shopt: {n}: not supported by nsh"));
                st = 1;
            }
            _ => sh.shopts.values[k] = set,
        }
    }
    sh.shopts.sync();
    st
}

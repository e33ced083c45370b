//! Reading and writing `/proc/sys`, as procps-ng 4.0.2 `sysctl` does.
//!
//! The functions mirror `sysctl.c` (`ReadSetting`, `DisplayAll`,
//! `WriteSetting`, `parse_setting_line`, `Preload`, `PreloadSystem`,
//! `write_setting_list`) closely, including their quirks, because scripts
//! depend on the exact output and exit status. They return a list of
//! [`Record`]s (values read, values written, warnings) in the order procps
//! prints them; `output::sysctl` renders them.
//!
//! Namespaces: files under `/proc/sys/net` resolve the network namespace of
//! the task that looks them up and opens them, so for `ip netns exec NS
//! sysctl …` the whole run happens on a thread inside NS
//! ([`crate::backend::netns::run_in`]), see [`run`].

use std::ffi::{CStr, CString};
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;

use crate::backend::netns::{self, NetnsError, NetnsRef};
use crate::netcmd::sysctl::{SysctlCmd, SysctlOpts};

/// procps `PROC_PATH`.
const PROC_PATH: &str = "/proc/sys/";
/// Names `DisplayAll` skips unless `--deprecated` (procps `DEPRECATED`).
const DEPRECATED: &[&str] = &["base_reachable_time", "retrans_time"];
/// Mode bits (`<sys/stat.h>`).
const S_IRUSR: u32 = 0o400;
const S_IWUSR: u32 = 0o200;

/// One thing procps prints, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// One line of a value read from `key` (with its `\n` if it had one).
    Value { key: String, line: String },
    /// `-N`: a key name.
    Name(String),
    /// A value written (or that `--dry-run` would write); `None` is printed
    /// as glibc prints a NULL `%s`, `(null)`.
    Written { key: String, value: Option<String> },
    /// `--system`: `* Applying FILE ...`.
    Applying(String),
    /// A message for stderr, without the `sysctl: ` prefix.
    Warn(String),
}

/// The result of one `sysctl` run: what to print, and the exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub records: Vec<Record>,
    pub status: i32,
}

/// Carry out `cmd` (one of the commands that touch `/proc/sys`), in `netns`
/// when given. `stdin` is the input of `-p -`, read by the caller.
pub fn run(
    cmd: &SysctlCmd,
    netns: Option<&NetnsRef>,
    stdin: Option<Vec<u8>>,
) -> Result<Report, NetnsError> {
    match netns {
        None => Ok(execute(cmd, stdin)),
        Some(ns) => netns::run_in(ns, || execute(cmd, stdin)),
    }
}

fn execute(cmd: &SysctlCmd, stdin: Option<Vec<u8>>) -> Report {
    let opts = match cmd {
        SysctlCmd::DisplayAll(o) | SysctlCmd::System(o) => o,
        SysctlCmd::Load { opts, .. } | SysctlCmd::Keys { opts, .. } => opts,
        _ => return Report::default(),
    };
    let mut s = Sysctl {
        opts,
        out: Vec::new(),
        stdin,
        line_no: 0,
    };
    let status = match cmd {
        SysctlCmd::DisplayAll(_) => s.display_all(PROC_PATH),
        SysctlCmd::Load { files, .. } => {
            let mut list = Vec::new();
            let mut rc = 0;
            for f in files {
                rc |= s.preload(&mut list, f);
            }
            rc | s.write_setting_list(&list)
        }
        SysctlCmd::System(_) => {
            let mut list = Vec::new();
            let rc = s.preload_system(&mut list);
            rc | s.write_setting_list(&list)
        }
        SysctlCmd::Keys { args, .. } => {
            let mut rc: i32 = 0;
            for a in args {
                if opts.write_mode || a.contains('=') {
                    match s.parse_setting_line("command line", 0, a) {
                        Some(set) => {
                            rc |= s.write_setting(
                                &set.key,
                                &set.path,
                                set.value.as_deref(),
                                set.ignore_failure,
                            )
                        }
                        None => rc |= 1,
                    }
                } else {
                    // procps adds read statuses (`ReturnCode += ReadSetting`).
                    rc = rc.wrapping_add(s.read_setting(a));
                }
            }
            rc
        }
        _ => 0,
    };
    Report {
        records: s.out,
        status: status & 0xff,
    }
}

/// One line of a configuration file (procps `SysctlSetting`).
#[derive(Clone, Debug)]
struct Setting {
    key: String,
    path: String,
    value: Option<String>,
    ignore_failure: bool,
    glob_exclude: bool,
}

struct Sysctl<'a> {
    opts: &'a SysctlOpts,
    out: Vec<Record>,
    stdin: Option<Vec<u8>>,
    /// procps `Preload`'s line counter (one count across the files its
    /// glob matched).
    line_no: usize,
}

/// glibc's `strerror` text of an I/O error (std formats it with the C
/// library's `strerror_r`; only its " (os error N)" suffix is dropped).
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

impl Sysctl<'_> {
    fn warn(&mut self, msg: String) {
        self.out.push(Record::Warn(msg));
    }

    /// procps `slashdot`: swap `.` and `/` unless the first separator is
    /// already `new`; warns (once per call) about repeated separators.
    fn slashdot(&mut self, s: &str, old: char, new: char) -> String {
        let bytes: Vec<char> = s.chars().collect();
        let Some(first) = bytes.iter().position(|&c| c == '/' || c == '.') else {
            return s.to_string();
        };
        if bytes[first] == new {
            return s.to_string();
        }
        let mut out = bytes.clone();
        let mut warned = false;
        for j in first..bytes.len() {
            let c = bytes[j];
            if c != '/' && c != '.' {
                continue;
            }
            if !warned && matches!(bytes.get(j + 1), Some('/') | Some('.')) {
                let rest: String = bytes[j..].iter().collect();
                self.warn(format!("separators should not be repeated: {rest}"));
                warned = true;
            }
            if c == old {
                out[j] = new;
            }
            if c == new {
                out[j] = old;
            }
        }
        out.into_iter().collect()
    }

    /// procps `is_proc_path`.
    fn is_proc_path(&mut self, path: &str) -> bool {
        let Ok(resolved) = fs::canonicalize(path) else {
            return false;
        };
        if resolved.to_string_lossy().starts_with(PROC_PATH) {
            return true;
        }
        self.warn(format!("Path is not under {PROC_PATH}: {path}"));
        false
    }

    fn pattern_ok(&self, s: &str) -> bool {
        match &self.opts.pattern {
            Some(p) => pattern_match(s, p),
            None => true,
        }
    }

    /// procps `ReadSetting`.
    fn read_setting(&mut self, name: &str) -> i32 {
        if name.is_empty() {
            self.warn("\"\" is an unknown key".to_string());
            return -1;
        }
        // 4.0.2 computes the display name twice (around the path), so a
        // repeated-separator warning about it appears twice.
        let _ = self.slashdot(name, '/', '.');
        let tmp = format!("{PROC_PATH}{}", self.slashdot(name, '.', '/'));
        let outname = self.slashdot(name, '/', '.');
        let meta = match fs::metadata(&tmp) {
            Ok(m) => m,
            Err(e) => {
                if !self.opts.ignore_error {
                    self.warn(format!("cannot stat {tmp}: {}", strerror(&e)));
                    return 1;
                }
                return 0;
            }
        };
        if meta.mode() & S_IRUSR == 0 {
            return 0;
        }
        if !self.is_proc_path(&tmp) {
            return -1;
        }
        if meta.is_dir() {
            return self.display_all(&format!("{tmp}/"));
        }
        if !self.pattern_ok(&outname) {
            return 0;
        }
        if self.opts.name_only {
            self.out.push(Record::Name(outname));
            return 0;
        }
        let mut file = match fs::File::open(&tmp) {
            Ok(f) => f,
            Err(e) => {
                return match errno_of(&e) {
                    libc::ENOENT => {
                        if self.opts.ignore_error {
                            0
                        } else {
                            self.warn(format!("\"{outname}\" is an unknown key"));
                            1
                        }
                    }
                    libc::EACCES => {
                        self.warn(format!("permission denied on key '{outname}'"));
                        1
                    }
                    // stable_secret below /proc/sys/net/ipv6/conf.
                    libc::EIO => 1,
                    _ => {
                        self.warn(format!("reading key \"{outname}\": {}", strerror(&e)));
                        1
                    }
                };
            }
        };
        let mut buf = Vec::new();
        if let Err(e) = file.read_to_end(&mut buf) {
            if buf.is_empty() {
                return match errno_of(&e) {
                    libc::EACCES => {
                        self.warn(format!("permission denied on key '{outname}'"));
                        1
                    }
                    libc::EISDIR => self.display_all(&format!("{tmp}/")),
                    libc::EIO => 1,
                    _ => {
                        self.warn(format!("reading key \"{outname}\""));
                        1
                    }
                };
            }
        }
        let text = String::from_utf8_lossy(&buf);
        for line in text.split_inclusive('\n') {
            self.out.push(Record::Value {
                key: outname.clone(),
                line: line.to_string(),
            });
        }
        0
    }

    /// procps `DisplayAll`: `path` ends with `/`. In 4.0.2 the status of
    /// subdirectories is dropped.
    fn display_all(&mut self, path: &str) -> i32 {
        let Ok(dir) = fs::read_dir(path) else {
            self.warn(format!("unable to open directory \"{path}\""));
            return 1;
        };
        let mut rc = 0;
        for entry in dir.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if self.opts.ignore_deprecated && DEPRECATED.contains(&name.as_ref()) {
                continue;
            }
            let tmp = format!("{path}{name}");
            match fs::metadata(&tmp) {
                Err(e) => self.warn(format!("cannot stat {tmp}: {}", strerror(&e))),
                Ok(m) if m.is_dir() => {
                    self.display_all(&format!("{tmp}/"));
                }
                Ok(_) => rc |= self.read_setting(&tmp[PROC_PATH.len()..]),
            }
        }
        rc
    }

    /// procps `WriteSetting`.
    fn write_setting(
        &mut self,
        key: &str,
        path: &str,
        value: Option<&str>,
        ignore_failure: bool,
    ) -> i32 {
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                if self.opts.ignore_error {
                    return 0;
                }
                self.warn(format!("cannot stat {path}: {}", strerror(&e)));
                return 1;
            }
        };
        if !self.is_proc_path(path) {
            return 1;
        }
        let _ = key;
        let dotted = self.slashdot(path.get(PROC_PATH.len()..).unwrap_or(""), '/', '.');
        // 4.0.2 prints errno as left by realpath() (its readlink() of a
        // non-link: EINVAL) and keeps status 0 for read-only files and
        // directories.
        if meta.mode() & S_IWUSR == 0 || meta.is_dir() {
            self.warn(format!("setting key \"{dotted}\": Invalid argument"));
            return 0;
        }
        let ignoring = if ignore_failure { ", ignoring" } else { "" };
        let shown = value.unwrap_or("(null)");
        let mut rc = 0;
        if !self.opts.dry_run {
            match fs::OpenOptions::new().write(true).truncate(true).open(path) {
                Err(e) => {
                    let errno = errno_of(&e);
                    match errno {
                        libc::ENOENT => {
                            if !self.opts.ignore_error {
                                self.warn(format!("\"{dotted}\" is an unknown key{ignoring}"));
                                if !ignore_failure {
                                    rc = 1;
                                }
                            }
                        }
                        libc::EPERM | libc::EROFS | libc::EACCES => {
                            self.warn(format!("permission denied on key \"{dotted}\"{ignoring}"))
                        }
                        _ => self.warn(format!(
                            "setting key \"{dotted}\"{ignoring}: {}",
                            strerror(&e)
                        )),
                    }
                    if !ignore_failure && errno != libc::ENOENT {
                        rc = 1;
                    }
                }
                Ok(mut f) => {
                    // One write(2) of "VALUE\n", as procps' procio does.
                    if let Err(e) = f.write(format!("{shown}\n").as_bytes()) {
                        self.warn(format!("setting key \"{dotted}\": {}", strerror(&e)));
                        return 1;
                    }
                }
            }
        }
        if (rc == 0 && !self.opts.quiet) || self.opts.dry_run {
            self.out.push(Record::Written {
                key: dotted,
                value: value.map(str::to_string),
            });
        }
        rc
    }

    /// procps `parse_setting_line`.
    fn parse_setting_line(&mut self, file: &str, line_no: usize, line: &str) -> Option<Setting> {
        let key = lstrip(line);
        if key.len() < 2 || key.starts_with('#') || key.starts_with(';') {
            return None;
        }
        if !self.pattern_ok(key) {
            return None;
        }
        let (key, value, ignore_failure, glob_exclude) = match key.split_once('=') {
            None => {
                let Some(k) = key.strip_prefix('-') else {
                    self.warn(format!("{file}({line_no}): invalid syntax, continuing..."));
                    return None;
                };
                (rstrip(k), None, false, true)
            }
            Some((k, v)) => {
                let (k, ign) = match k.strip_prefix('-') {
                    Some(k) => (k, true),
                    None => (k, false),
                };
                (rstrip(k), Some(rstrip(lstrip(v)).to_string()), ign, false)
            }
        };
        // procps `setting_new`.
        let bare = key.strip_prefix('-').unwrap_or(key);
        let path = format!("{PROC_PATH}{}", self.slashdot(bare, '.', '/'));
        Some(Setting {
            key: key.to_string(),
            path,
            value,
            ignore_failure,
            glob_exclude,
        })
    }

    /// procps `write_setting_list`.
    fn write_setting_list(&mut self, list: &[Setting]) -> i32 {
        let mut rc = 0;
        for node in list {
            if node.glob_exclude {
                continue;
            }
            if node.path.contains(['*', '?', '[']) {
                let Some(paths) = glob(&node.path, 0) else {
                    continue;
                };
                for p in paths {
                    // 4.0.2 `settinglist_findpath`: exact paths only.
                    if list.iter().any(|n| n.path == p) {
                        continue;
                    }
                    rc |= self.write_setting(
                        &node.key,
                        &p,
                        node.value.as_deref(),
                        node.ignore_failure,
                    );
                }
            } else {
                rc |= self.write_setting(
                    &node.key,
                    &node.path,
                    node.value.as_deref(),
                    node.ignore_failure,
                );
            }
        }
        rc
    }

    /// procps `Preload`.
    fn preload(&mut self, list: &mut Vec<Setting>, filename: &str) -> i32 {
        self.line_no = 0;
        let files = glob(
            filename,
            libc::GLOB_NOCHECK | libc::GLOB_BRACE | libc::GLOB_TILDE,
        )
        .unwrap_or_default();
        for f in files {
            let data = if f == "-" {
                self.stdin.take().unwrap_or_default()
            } else {
                match fs::read(&f) {
                    Ok(d) => d,
                    Err(e) => {
                        self.warn(format!("cannot open \"{f}\": {}", strerror(&e)));
                        return 1;
                    }
                }
            };
            let text = String::from_utf8_lossy(&data).into_owned();
            for line in text.split_inclusive('\n') {
                self.line_no += 1;
                if line.len() < 2 {
                    continue;
                }
                if let Some(s) = self.parse_setting_line(&f, self.line_no, line) {
                    list.push(s);
                }
            }
        }
        0
    }

    /// procps `PreloadSystem`.
    fn preload_system(&mut self, list: &mut Vec<Setting>) -> i32 {
        const DIRS: &[&str] = &[
            "/etc/sysctl.d",
            "/run/sysctl.d",
            "/usr/local/lib/sysctl.d",
            "/usr/lib/sysctl.d",
            "/lib/sysctl.d",
        ];
        let mut cfgs: Vec<(String, String)> = Vec::new();
        for dir in DIRS {
            let Ok(rd) = fs::read_dir(dir) else { continue };
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.len() < 5 || !name.ends_with(".conf") {
                    continue;
                }
                if cfgs.iter().any(|(n, _)| *n == name) {
                    continue;
                }
                cfgs.push((name.clone(), format!("{dir}/{name}")));
            }
        }
        cfgs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut rc = 0;
        for (_, path) in &cfgs {
            if !self.opts.quiet {
                self.out.push(Record::Applying(path.clone()));
            }
            rc |= self.preload(list, path);
        }
        let default = crate::netcmd::sysctl::DEFAULT_PRELOAD;
        if fs::metadata(default).is_ok_and(|m| m.is_file()) {
            if !self.opts.quiet {
                self.out.push(Record::Applying(default.to_string()));
            }
            rc |= self.preload(list, default);
        }
        rc
    }
}

/// C `isspace` in the C locale.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

fn lstrip(s: &str) -> &str {
    s.trim_start_matches(is_c_space)
}

fn rstrip(s: &str) -> &str {
    s.trim_end_matches(is_c_space)
}

/// procps `pattern_match`: POSIX extended regex, via the C library so that
/// the dialect is exactly the one procps uses. An invalid pattern matches
/// nothing.
pub fn pattern_match(s: &str, pat: &str) -> bool {
    let (Ok(cpat), Ok(cs)) = (CString::new(pat), CString::new(s)) else {
        return false;
    };
    // SAFETY: regex_t is plain old data that regcomp initialises.
    let mut re: libc::regex_t = unsafe { std::mem::zeroed() };
    // SAFETY: `re` is writable, `cpat` a NUL-terminated string.
    if unsafe { libc::regcomp(&mut re, cpat.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) } != 0 {
        return false;
    }
    // SAFETY: `re` was compiled above; no match offsets are requested.
    let status = unsafe { libc::regexec(&re, cs.as_ptr(), 0, std::ptr::null_mut(), 0) };
    // SAFETY: `re` was compiled by regcomp and is freed once.
    unsafe { libc::regfree(&mut re) };
    status == 0
}

/// The C library's `glob(3)` (procps expands `-p` files and keys with it):
/// the matched paths, or `None` on no match / error (without
/// `GLOB_NOCHECK`).
fn glob(pattern: &str, flags: libc::c_int) -> Option<Vec<String>> {
    let cpat = CString::new(pattern).ok()?;
    // SAFETY: glob_t is plain old data that glob() fills in.
    let mut g: libc::glob_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid pattern string and glob_t; no error callback.
    let rc = unsafe { libc::glob(cpat.as_ptr(), flags, None, &mut g) };
    let mut out = Vec::new();
    if rc == 0 {
        for i in 0..g.gl_pathc {
            // SAFETY: glob() filled gl_pathv with gl_pathc valid C strings.
            let p = unsafe { CStr::from_ptr(*g.gl_pathv.add(i)) };
            out.push(p.to_string_lossy().into_owned());
        }
    }
    // SAFETY: `g` was filled by glob() (or is zeroed), freed once.
    unsafe { libc::globfree(&mut g) };
    (rc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sysctl(opts: &SysctlOpts) -> Sysctl<'_> {
        Sysctl {
            opts,
            out: Vec::new(),
            stdin: None,
            line_no: 0,
        }
    }

    #[test]
    fn slashdot_keeps_dots_in_device_names_of_slashed_keys() {
        let o = SysctlOpts::default();
        let mut s = sysctl(&o);
        assert_eq!(
            s.slashdot("net.ipv4.conf.eth0/100.forwarding", '.', '/'),
            "net/ipv4/conf/eth0.100/forwarding"
        );
        assert_eq!(
            s.slashdot("net/ipv4/conf/eth0.100/forwarding", '/', '.'),
            "net.ipv4.conf.eth0/100.forwarding"
        );
        assert_eq!(
            s.slashdot("net/ipv4/ip_forward", '.', '/'),
            "net/ipv4/ip_forward"
        );
        assert!(s.out.is_empty());
        s.slashdot("a..b", '.', '/');
        assert_eq!(
            s.out,
            [Record::Warn(
                "separators should not be repeated: ..b".into()
            )]
        );
    }

    #[test]
    fn setting_lines() {
        let o = SysctlOpts::default();
        let mut s = sysctl(&o);
        let set = s
            .parse_setting_line("f", 1, "  -net.ipv4.ip_forward =  1 \n")
            .expect("setting");
        assert_eq!(set.key, "net.ipv4.ip_forward");
        assert_eq!(set.path, "/proc/sys/net/ipv4/ip_forward");
        assert_eq!(set.value.as_deref(), Some("1"));
        assert!(set.ignore_failure);
        assert!(s.parse_setting_line("f", 2, "# x = 1\n").is_none());
        assert!(s.parse_setting_line("f", 3, "bad\n").is_none());
        assert_eq!(
            s.out,
            [Record::Warn("f(3): invalid syntax, continuing...".into())]
        );
    }

    #[test]
    fn posix_regex() {
        assert!(pattern_match(
            "net.ipv4.conf.lo.rp_filter",
            "conf\\.lo\\.rp"
        ));
        assert!(!pattern_match("net.ipv4.ip_forward", "^ipv4"));
    }
}

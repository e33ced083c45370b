//! bash's table of remembered command locations (hashcmd.c, hashlib.c)
//! and the `hash` builtin.
//!
//! A command found by a PATH search is entered when it is run, with one
//! hit; every later lookup (running it, `type`, `command -v`, `hash -t`)
//! counts a hit. The table is walked as bash walks it: 256 buckets chosen
//! by FNV-1 of the name, the newest entry first in its bucket, so that
//! `hash` lists the commands in bash's order.

use super::builtins::shell_quote;
use super::proc::write_fd;
use super::Shell;

const BUCKETS: usize = 256;

#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub path: String,
    pub hits: u32,
}

#[derive(Clone, Debug, Default)]
pub struct CommandHash {
    buckets: Vec<Vec<Entry>>,
}

/// bash's `hash_string` (FNV-1, 32 bits).
fn bucket_of(name: &str) -> usize {
    let mut h: u32 = 2_166_136_261;
    for b in name.bytes() {
        h = h.wrapping_mul(16_777_619);
        h ^= u32::from(b);
    }
    h as usize & (BUCKETS - 1)
}

impl CommandHash {
    fn bucket(&mut self, name: &str) -> &mut Vec<Entry> {
        if self.buckets.is_empty() {
            self.buckets = vec![Vec::new(); BUCKETS];
        }
        &mut self.buckets[bucket_of(name)]
    }

    /// The remembered path of `name`, counting a hit.
    pub fn search(&mut self, name: &str) -> Option<String> {
        if self.buckets.is_empty() {
            return None;
        }
        let e = self.bucket(name).iter_mut().find(|e| e.name == name)?;
        e.hits += 1;
        Some(e.path.clone())
    }

    /// Remember `path` for `name` with `hits` (an existing entry keeps its
    /// place, as in bash's `phash_insert`).
    pub fn insert(&mut self, name: &str, path: &str, hits: u32) {
        let b = self.bucket(name);
        if let Some(e) = b.iter_mut().find(|e| e.name == name) {
            e.path = path.to_string();
            e.hits = hits;
        } else {
            b.insert(
                0,
                Entry {
                    name: name.to_string(),
                    path: path.to_string(),
                    hits,
                },
            );
        }
    }

    /// Forget `name`; whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        if self.buckets.is_empty() {
            return false;
        }
        let b = self.bucket(name);
        let n = b.len();
        b.retain(|e| e.name != name);
        b.len() != n
    }

    pub fn clear(&mut self) {
        self.buckets.clear();
    }

    /// The entries in bash's walking order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.buckets.iter().flatten()
    }
}

const USAGE: &str = "hash: usage: hash [-lr] [-p pathname] [-dt] [name ...]\n";

/// `hash [-lr] [-p pathname] [-dt] [name ...]` (bash's hash_builtin).
pub fn builtin(sh: &mut Shell, args: &[String]) -> i32 {
    let (mut delete, mut portable, mut flush, mut targets) = (false, false, false, false);
    let mut pathname: Option<String> = None;
    let mut i = 0;
    'opts: while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            match chars[k] {
                'd' => delete = true,
                'l' => portable = true,
                'r' => flush = true,
                't' => targets = true,
                'p' => {
                    let rest: String = chars[k + 1..].iter().collect();
                    if !rest.is_empty() {
                        pathname = Some(rest);
                    } else if let Some(p) = args.get(i + 1) {
                        pathname = Some(p.clone());
                        i += 1;
                    } else {
                        sh.error("hash: -p: option requires an argument");
                        write_fd(2, USAGE.as_bytes());
                        return 2;
                    }
                    i += 1;
                    continue 'opts;
                }
                c => {
                    sh.error(&format!("hash: -{c}: invalid option"));
                    write_fd(2, USAGE.as_bytes());
                    return 2;
                }
            }
            k += 1;
        }
        i += 1;
    }
    let names = &args[i..];
    if names.is_empty() && (delete || targets) {
        let o = if delete { "-d" } else { "-t" };
        sh.error(&format!("hash: {o}: option requires an argument"));
        return 1;
    }
    if names.is_empty() && !flush {
        let mut s = String::new();
        for e in sh.hash.entries() {
            if portable {
                s.push_str(&format!(
                    "builtin hash -p {} {}\n",
                    shell_quote(&e.path),
                    shell_quote(&e.name)
                ));
            } else {
                if s.is_empty() {
                    s.push_str("hits\tcommand\n");
                }
                s.push_str(&format!("{:4}\t{}\n", e.hits, e.path));
            }
        }
        if s.is_empty() && !portable {
            s.push_str("hash: hash table empty\n");
        }
        write_fd(1, s.as_bytes());
        return 0;
    }
    if flush {
        sh.hash.clear();
    }
    if targets {
        let multiple = names.len() > 1;
        let mut st = 0;
        for n in names {
            let Some(p) = sh.hash.search(n) else {
                sh.error(&format!("hash: {n}: not found"));
                st = 1;
                continue;
            };
            let line = if portable {
                format!("builtin hash -p {p} {n}\n")
            } else if multiple {
                format!("{n}\t{p}\n")
            } else {
                format!("{p}\n")
            };
            write_fd(1, line.as_bytes());
        }
        return st;
    }
    let mut st = 0;
    for n in names {
        if n.contains('/') {
            continue;
        }
        if let Some(p) = &pathname {
            if std::path::Path::new(p).is_dir() {
                sh.error(&format!("hash: {p}: Is a directory"));
                st = 1;
            } else {
                sh.hash.insert(n, p, 0);
            }
        } else if delete {
            if !sh.hash.remove(n) {
                sh.error(&format!("hash: {n}: not found"));
                st = 1;
            }
        } else if !sh.funcs.contains_key(n.as_str()) && !super::builtins::is_builtin(n) {
            sh.hash.remove(n);
            let path = sh.get_var("PATH").unwrap_or("").to_string();
            match super::proc::search_path(&path, n) {
                Some(p) if super::proc::is_executable_file(&p) => sh.hash.insert(n, &p, 0),
                _ => {
                    sh.error(&format!("hash: {n}: not found"));
                    st = 1;
                }
            }
        }
    }
    st
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_in_bash_order() {
        let mut h = CommandHash::default();
        for n in ["ls", "cat", "sed", "tr"] {
            h.insert(n, &format!("/usr/bin/{n}"), 0);
        }
        assert_eq!(h.search("ls"), Some("/usr/bin/ls".into()));
        let order: Vec<&str> = h.entries().map(|e| e.name.as_str()).collect();
        assert_eq!(order, ["tr", "ls", "cat", "sed"]);
        assert!(h.remove("cat"));
        assert!(!h.remove("cat"));
        assert_eq!(h.entries().map(|e| e.hits).sum::<u32>(), 1);
    }
}

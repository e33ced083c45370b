//! Indexed and associative arrays: the variables' elements, assignments (`a=(…)`,
//! `a[i]=v`, `declare a=(…)`), bash's array variables (`FUNCNAME`,
//! `BASH_SOURCE`, `BASH_LINENO`, `PIPESTATUS`, `BASH_REMATCH`) and the
//! builtins that know arrays (`declare`, `local`, `unset`, `mapfile`).

use std::collections::BTreeMap;

use super::attrs::Attrs;
use super::expand;
use super::{Ctl, Shell, Var};
use crate::ast::{ArrayElem, Assign, Word, WordPart};

/// The builtins of this module (besides `declare`, `local`, `unset`).
pub const BUILTINS: &[&str] = &["mapfile", "readarray"];

/// An array's elements by index.
pub type Elems = BTreeMap<i64, String>;

/// The subscript of an element of `(…)`: a number (indexed arrays), or
/// its text (an associative array's key, or an index still to evaluate).
#[derive(Clone, Debug)]
enum Ix {
    Num(i64),
    Key(String),
}

/// Expanded elements of `(…)`: the subscript of `[i]=v`, `None` for the
/// next.
type Items = Vec<(Option<Ix>, String)>;

/// An associative array. bash keeps it in a hash table of 1024 buckets
/// (FNV-1 hash, new entries first in their bucket) and lists it in that
/// order, which this reproduces (up to 2048 entries, where bash grows it).
#[derive(Clone, Debug, Default)]
pub struct Assoc {
    map: std::collections::HashMap<String, (u64, String)>,
    seq: u64,
}

/// bash's `hash_string` (FNV-1, 32 bits).
fn bash_hash(s: &str) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for b in s.bytes() {
        h = h.wrapping_mul(16_777_619);
        // bash XORs a `char`: signed, so bytes from 0x80 are sign-extended.
        h ^= i32::from(b as i8) as u32;
    }
    h
}

impl Assoc {
    pub fn get(&self, k: &str) -> Option<&String> {
        self.map.get(k).map(|e| &e.1)
    }

    /// Replace in place, or add.
    pub fn insert(&mut self, k: String, v: String) {
        if let Some(e) = self.map.get_mut(&k) {
            e.1 = v;
        } else {
            self.seq += 1;
            self.map.insert(k, (self.seq, v));
        }
    }

    pub fn remove(&mut self, k: &str) {
        self.map.remove(k);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The entries in bash's order.
    pub fn ordered(&self) -> Vec<(String, String)> {
        let mut v: Vec<(u32, u64, &String, &String)> = self
            .map
            .iter()
            .map(|(k, (seq, val))| (bash_hash(k) & 1023, *seq, k, val))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        v.into_iter()
            .map(|(_, _, k, val)| (k.clone(), val.clone()))
            .collect()
    }
}

/// The marker that starts the expanded `NAME=(…)` argument of a
/// declaration builtin (a shell word never holds a NUL byte).
const MARK: char = '\0';

/// `caller [N]`: where the current function (or the N-th caller up) was
/// called from, from `BASH_LINENO`, `FUNCNAME` and `BASH_SOURCE` as bash's
/// caller builtin reads them.
pub fn caller(sh: &mut Shell, args: &[String]) -> i32 {
    let at = |sh: &Shell, name: &str, i: usize| {
        sh.special_array(name)
            .and_then(|e| e.get(&(i as i64)).cloned())
    };
    let Some(a) = args.first() else {
        let line = at(sh, "BASH_LINENO", 0).unwrap_or_else(|| "0".into());
        let file = at(sh, "BASH_SOURCE", 1).unwrap_or_else(|| "NULL".into());
        super::proc::write_fd(1, format!("{line} {file}\n").as_bytes());
        return 0;
    };
    let Ok(n) = a.parse::<usize>() else {
        sh.error(&format!("caller: {a}: invalid number"));
        super::proc::write_fd(2, b"caller: usage: caller [expr]\n");
        return 2;
    };
    let Some(func) = at(sh, "FUNCNAME", n + 1) else {
        return 1;
    };
    let line = at(sh, "BASH_LINENO", n).unwrap_or_else(|| "0".into());
    let file = at(sh, "BASH_SOURCE", n + 1).unwrap_or_else(|| "NULL".into());
    super::proc::write_fd(1, format!("{line} {func} {file}\n").as_bytes());
    0
}

impl Shell {
    /// bash's dynamic array variables.
    fn special_array(&self, name: &str) -> Option<Elems> {
        let in_func = self.frames.iter().any(|f| f.func);
        let list: Vec<String> = match name {
            "FUNCNAME" => {
                if !in_func {
                    return None;
                }
                let mut v: Vec<String> = self.frames.iter().rev().map(|f| f.name.clone()).collect();
                v.push("main".into());
                v
            }
            "BASH_SOURCE" => {
                let mut v: Vec<String> = self.frames.iter().rev().map(|f| f.file.clone()).collect();
                if !self.command_string {
                    if let Some(s) = self.sources.first() {
                        v.push(s.name.clone());
                    }
                }
                v
            }
            "PIPESTATUS" => self.pipestatus.iter().map(|s| s.to_string()).collect(),
            // The supplementary groups, or the group alone without any.
            "GROUPS" => {
                let mut g = nix::unistd::getgroups().unwrap_or_default();
                if g.is_empty() {
                    g.push(nix::unistd::getgid());
                }
                g.iter().map(|g| g.as_raw().to_string()).collect()
            }
            "DIRSTACK" => {
                let mut v = vec![self.get_var("PWD").unwrap_or("").to_string()];
                v.extend(self.dirstack.iter().rev().cloned());
                v
            }
            "BASH_LINENO" => {
                let mut v: Vec<String> = self
                    .frames
                    .iter()
                    .rev()
                    .map(|f| f.line.to_string())
                    .collect();
                v.push("0".into());
                v
            }
            _ => return None,
        };
        Some(
            list.into_iter()
                .enumerate()
                .map(|(i, s)| (i as i64, s))
                .collect(),
        )
    }

    fn is_special_array(name: &str) -> bool {
        matches!(
            name,
            "FUNCNAME" | "BASH_SOURCE" | "BASH_LINENO" | "PIPESTATUS" | "GROUPS" | "DIRSTACK"
        )
    }

    /// Whether `name` is an indexed array.
    pub fn is_array(&self, name: &str) -> bool {
        let name = self.resolve(name);
        Self::is_special_array(&name)
            || self
                .vars
                .get(name.as_ref())
                .is_some_and(|v| v.array.is_some())
    }

    /// All elements of `name`: a scalar is element 0; `None` when unset.
    pub fn elems(&self, name: &str) -> Option<Elems> {
        let name = self.resolve(name);
        let name = name.as_ref();
        if Self::is_special_array(name) {
            return Some(self.special_array(name).unwrap_or_default());
        }
        let v = self.vars.get(name)?;
        match &v.array {
            Some(a) => Some((**a).clone()),
            None => Some(BTreeMap::from([(0, v.value.clone())])),
        }
    }

    /// Element `idx` of `name` (a negative index counts from the end):
    /// `Err` for a negative index before the first element.
    pub fn elem(&self, name: &str, idx: i64) -> Result<Option<String>, String> {
        let name = self.resolve(name);
        let name = name.as_ref();
        if Self::is_special_array(name) || self.is_array(name) {
            let e = self.elems(name).unwrap_or_default();
            let i = if idx < 0 {
                let top = e.keys().next_back().map_or(0, |k| k + 1);
                if top + idx < 0 {
                    return Err(format!("{name}: bad array subscript"));
                }
                top + idx
            } else {
                idx
            };
            return Ok(e.get(&i).cloned());
        }
        match self.vars.get(name) {
            Some(v) if idx == 0 || idx == -1 => Ok(Some(v.value.clone())),
            Some(_) if idx < -1 => Err(format!("{name}: bad array subscript")),
            _ => Ok(None),
        }
    }

    /// `name[idx]=value`: a scalar becomes an array.
    pub fn set_elem(&mut self, name: &str, idx: i64, value: String) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        let value = self.attr_value(&name, value, None)?;
        self.store_elem(&name, idx, value)
    }

    /// `name[idx]+=value`: appended, or added for an integer array.
    pub fn append_elem(&mut self, name: &str, idx: i64, value: String) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        let old = self.elem(&name, idx)?;
        let value = self.attr_value(&name, value, Some(old.unwrap_or_default()))?;
        self.store_elem(&name, idx, value)
    }

    /// Store element `idx` of `name` as it is (attributes applied).
    fn store_elem(&mut self, name: &str, idx: i64, value: String) -> Result<(), String> {
        let existed = self.vars.contains_key(name);
        let v = self.vars.entry(name.to_string()).or_default();
        if v.readonly {
            return Err(format!("{name}: readonly variable"));
        }
        let arr = v.array.get_or_insert_with(|| {
            Box::new(if existed {
                BTreeMap::from([(0, std::mem::take(&mut v.value))])
            } else {
                BTreeMap::new()
            })
        });
        let i = if idx < 0 {
            let top = arr.keys().next_back().map_or(0, |k| k + 1);
            if top + idx < 0 {
                return Err(format!("{name}[{idx}]: bad array subscript"));
            }
            top + idx
        } else {
            idx
        };
        arr.insert(i, value);
        v.value = arr.get(&0).cloned().unwrap_or_default();
        v.no_value = false;
        if v.exported {
            self.invalidate_env();
        }
        Ok(())
    }

    /// Make `name` an array holding `elems` (attributes kept).
    pub fn set_array(&mut self, name: &str, mut elems: Elems) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        let name = name.as_str();
        for e in elems.values_mut() {
            *e = self.attr_value(name, std::mem::take(e), None)?;
        }
        let v = self.vars.entry(name.to_string()).or_default();
        if v.readonly {
            return Err(format!("{name}: readonly variable"));
        }
        v.value = elems.get(&0).cloned().unwrap_or_default();
        v.array = Some(Box::new(elems));
        v.no_value = false;
        self.invalidate_env();
        Ok(())
    }

    /// `unset 'name[idx]'`.
    pub fn unset_elem(&mut self, name: &str, idx: i64) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        let name = name.as_str();
        let Some(v) = self.vars.get_mut(name) else {
            return Ok(());
        };
        if v.readonly {
            return Err(format!("{name}: cannot unset: readonly variable"));
        }
        match v.array.as_mut() {
            Some(a) => {
                let i = if idx < 0 {
                    let top = a.keys().next_back().map_or(0, |k| k + 1);
                    if top + idx < 0 {
                        return Err(format!("[{idx}]: bad array subscript"));
                    }
                    top + idx
                } else {
                    idx
                };
                a.remove(&i);
                v.value = a.get(&0).cloned().unwrap_or_default();
            }
            None => {
                if idx == 0 || idx == -1 {
                    self.vars.remove(name);
                    self.invalidate_env();
                } else if idx < -1 {
                    return Err(format!("[{idx}]: bad array subscript"));
                }
            }
        }
        Ok(())
    }

    /// Whether `name` is an associative array.
    pub fn is_assoc(&self, name: &str) -> bool {
        self.vars
            .get(self.resolve(name).as_ref())
            .is_some_and(|v| v.assoc.is_some())
    }

    /// An associative array's entries in bash's order.
    pub fn assoc_items(&self, name: &str) -> Vec<(String, String)> {
        self.vars
            .get(self.resolve(name).as_ref())
            .and_then(|v| v.assoc.as_ref())
            .map(|a| a.ordered())
            .unwrap_or_default()
    }

    pub fn assoc_get(&self, name: &str, key: &str) -> Option<String> {
        self.vars
            .get(self.resolve(name).as_ref())?
            .assoc
            .as_ref()?
            .get(key)
            .cloned()
    }

    /// `name[key]=value` of an associative array.
    pub fn assoc_set(&mut self, name: &str, key: String, value: String) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        let value = self.attr_value(&name, value, None)?;
        self.store_key(name, key, value)
    }

    /// `name[key]+=value` of an associative array.
    pub fn append_key(&mut self, name: &str, key: String, value: String) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        let old = self.assoc_get(&name, &key).unwrap_or_default();
        let value = self.attr_value(&name, value, Some(old))?;
        self.store_key(name, key, value)
    }

    fn store_key(&mut self, name: String, key: String, value: String) -> Result<(), String> {
        let v = self.vars.entry(name.clone()).or_default();
        if v.readonly {
            return Err(format!("{name}: readonly variable"));
        }
        let a = v.assoc.get_or_insert_with(Default::default);
        a.insert(key, value);
        v.no_value = false;
        v.value = a.get("0").cloned().unwrap_or_default();
        Ok(())
    }

    /// Make `name` an associative array holding `a` (attributes kept).
    pub fn set_assoc(&mut self, name: &str, mut a: Assoc) -> Result<(), String> {
        let name = self.resolve(name).into_owned();
        for e in a.map.values_mut() {
            e.1 = self.attr_value(&name, std::mem::take(&mut e.1), None)?;
        }
        let v = self.vars.entry(name.clone()).or_default();
        if v.readonly {
            return Err(format!("{name}: readonly variable"));
        }
        v.value = a.get("0").cloned().unwrap_or_default();
        v.array = None;
        v.assoc = Some(Box::new(a));
        v.no_value = false;
        self.invalidate_env();
        Ok(())
    }

    /// Whether element 0 of an array is set (`$a` of an array without it
    /// is unset).
    pub fn array_scalar(&self, name: &str) -> Option<Option<String>> {
        let name = self.resolve(name);
        let name = name.as_ref();
        if Self::is_special_array(name) {
            return Some(self.special_array(name).and_then(|e| e.get(&0).cloned()));
        }
        let v = self.vars.get(name)?;
        v.array.as_ref().map(|a| a.get(&0).cloned())
    }
}

/// Read-only variable access for arithmetic (`test -v 'a[i]'`).
pub(super) struct RoVars<'a>(pub(super) &'a Shell);

impl super::arith::ArithVars for RoVars<'_> {
    fn get_var(&self, name: &str) -> Option<String> {
        expand::lookup(self.0, name)
    }
    fn set_var(&mut self, name: &str, _: String) -> Result<(), String> {
        Err(format!("{name}: cannot assign here"))
    }
    fn get_elem(&self, name: &str, i: i64) -> Result<Option<String>, String> {
        self.0.elem(name, i)
    }
    fn set_elem(&mut self, name: &str, _: i64, _: String) -> Result<(), String> {
        Err(format!("{name}: cannot assign here"))
    }
    fn is_assoc(&self, name: &str) -> bool {
        self.0.is_assoc(name)
    }
    fn get_key(&self, name: &str, key: &str) -> Option<String> {
        self.0.assoc_get(name, key)
    }
}

/// `-v NAME` / `-v NAME[SUB]` of `test` and `[[ ]]`: is it set?
pub fn var_is_set(sh: &Shell, arg: &str) -> bool {
    if let Some((n, rest)) = arg.split_once('[') {
        if let Some(sub) = rest.strip_suffix(']').filter(|_| expand::is_name(n)) {
            if sh.is_assoc(n) {
                if sub == "@" || sub == "*" {
                    return !sh.assoc_items(n).is_empty();
                }
                return sh.assoc_get(n, sub).is_some();
            }
            if sub == "@" || sub == "*" {
                return sh.elems(n).is_some_and(|e| !e.is_empty());
            }
            let Ok(i) = super::arith::eval(sub, &mut RoVars(sh)) else {
                return false;
            };
            return sh.elem(n, i).ok().flatten().is_some();
        }
    }
    expand::lookup(sh, arg).is_some()
}

/// Assign to `NAME` or `NAME[SUB]` (`printf -v`, `read`).
pub fn set_ref(sh: &mut Shell, cmd: &str, r: &str, value: String) -> Result<(), String> {
    if let Some((n, rest)) = r.split_once('[') {
        if let Some(sub) = rest.strip_suffix(']').filter(|_| expand::is_name(n)) {
            let n = n.to_string();
            if sh.is_assoc(&n) {
                return sh.assoc_set(&n, sub.to_string(), value);
            }
            let Some(i) = expand::arith_eval_cmd(sh, sub, cmd) else {
                return Ok(());
            };
            return sh.set_elem(&n, i, value);
        }
    }
    sh.set_var(r, value)
}

/// The text of a subscript: its expansions as in `$((…))`, quotes and
/// backslashes of its literal text removed (an associative array's key;
/// an index is then evaluated).
pub fn subscript_text(sh: &mut Shell, ix: &[WordPart]) -> Result<String, Ctl> {
    let mut out = String::new();
    for p in ix {
        match p {
            WordPart::Lit(l) if l.contains(['\'', '\\']) => {
                let mut it = l.chars();
                while let Some(c) = it.next() {
                    match c {
                        '\'' => {
                            for q in it.by_ref() {
                                if q == '\'' {
                                    break;
                                }
                                out.push(q);
                            }
                        }
                        '\\' => {
                            if let Some(n) = it.next() {
                                out.push(n);
                            }
                        }
                        c => out.push(c),
                    }
                }
            }
            WordPart::Lit(l) => out.push_str(l),
            other => out.push_str(&expand::arith_text(sh, std::slice::from_ref(other))?),
        }
    }
    Ok(out)
}

/// Evaluate a subscript; an empty one is bash's `bad array subscript`.
pub fn subscript_value(sh: &mut Shell, name: &str, ix: &[WordPart]) -> Result<i64, Ctl> {
    let t = subscript_text(sh, ix)?;
    if t.trim().is_empty() {
        sh.error(&format!("{name}[{t}]: bad array subscript"));
        return Err(Ctl::Abort(1));
    }
    expand::arith_eval(sh, &t)
}

/// How the subscripts of `(…)` are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An indexed array's: evaluated now.
    Eval,
    /// An associative array's keys, or (for a declaration builtin, which
    /// learns the kind later) the text.
    Key,
}

/// The elements of `(…)` expanded: `(index, value)`, index `None` for the
/// next one.
fn expand_elems(sh: &mut Shell, name: &str, elems: &[ArrayElem], mode: Mode) -> Result<Items, Ctl> {
    let mut out = Vec::new();
    for e in elems {
        match &e.index {
            Some(ix) => {
                let i = match mode {
                    Mode::Eval => Ix::Num(subscript_value(sh, name, ix)?),
                    Mode::Key => Ix::Key(subscript_text(sh, ix)?),
                };
                let v = expand::expand_single(sh, &e.value)?;
                out.push((Some(i), v));
            }
            None => {
                for f in expand::expand_word(sh, &e.value)? {
                    out.push((None, f));
                }
            }
        }
    }
    Ok(out)
}

/// Put expanded elements into `base` (empty, or the old elements for
/// `+=`), bash's `assign_compound_array_list`. A subscript still in text
/// is evaluated (an error is reported: `Err` with an empty message).
fn fill(
    sh: &mut Shell,
    cmd: &str,
    name: &str,
    mut base: Elems,
    items: Items,
) -> Result<Elems, String> {
    let mut next = base.keys().next_back().map_or(0, |k| k + 1);
    for (i, v) in items {
        let i = match i {
            Some(Ix::Key(t)) => {
                if t.trim().is_empty() {
                    return Err(format!("{name}[{t}]: bad array subscript"));
                }
                match expand::arith_eval_cmd(sh, &t, cmd) {
                    Some(n) => Some(n),
                    None => return Err(String::new()),
                }
            }
            Some(Ix::Num(n)) => Some(n),
            None => None,
        };
        let i = match i {
            Some(i) if i < 0 => {
                let top = base.keys().next_back().map_or(0, |k| k + 1);
                if top + i < 0 {
                    return Err(format!("{name}: [{i}]: bad array subscript"));
                }
                top + i
            }
            Some(i) => i,
            None => next,
        };
        base.insert(i, v);
        next = i + 1;
    }
    Ok(base)
}

/// An associative array's `(…)`: `[k]=v` pairs, or bash 5.1's
/// `k1 v1 k2 v2 …`.
fn fill_assoc(mut base: Assoc, items: Items) -> Assoc {
    let mut pending: Option<String> = None;
    for (i, v) in items {
        match i {
            Some(Ix::Key(k)) => base.insert(k, v),
            Some(Ix::Num(n)) => base.insert(n.to_string(), v),
            None => match pending.take() {
                Some(k) => base.insert(k, v),
                None => pending = Some(v),
            },
        }
    }
    if let Some(k) = pending {
        base.insert(k, String::new());
    }
    base
}

/// An array assignment before a command (`a[1]=x cmd`, `a=(1) cmd`):
/// bash refuses the first with a message, ignores the second, and runs
/// the command. True when `a` is one of them.
pub fn prefix_array_assign(sh: &mut Shell, a: &Assign) -> bool {
    if let Some(ix) = &a.index {
        sh.error(&format!(
            "`{}[{}]': not a valid identifier",
            a.name,
            crate::ast::ArithText(ix)
        ));
        return true;
    }
    a.array.is_some()
}

/// Carry out one assignment of a command without words; `Err(Ok(msg))`
/// is a refused assignment (bash's message), `Err(Err(ctl))` an
/// expansion error.
pub fn assign(sh: &mut Shell, a: &Assign) -> Result<Result<(), String>, Ctl> {
    let Some(name) = sh.resolve_warn(&a.name) else {
        return Ok(Err(String::new()));
    };
    if a.index.is_none() && a.array.is_none() && name.contains('[') {
        // A reference to an element (`declare -n r='a[1]'`).
        let v = match &a.value {
            Some(w) => expand::expand_single(sh, w)?,
            None => String::new(),
        };
        return Ok(set_ref(sh, "", &name, v));
    }
    let name = name.as_str();
    if let Some(elems) = &a.array {
        let mode = if sh.is_assoc(name) {
            Mode::Key
        } else {
            Mode::Eval
        };
        let items = expand_elems(sh, name, elems, mode)?;
        if sh.opts.xtrace {
            // bash shows the compound assignment as written.
            super::builtins::xtrace(sh, &a.to_string());
        }
        return Ok(assign_list(sh, "", name, items, a.append));
    }
    let v = match &a.value {
        Some(w) => expand::expand_single(sh, w)?,
        None => String::new(),
    };
    match &a.index {
        Some(ix) if sh.is_assoc(name) => {
            let k = subscript_text(sh, ix)?;
            if sh.opts.xtrace {
                let op = if a.append { "+=" } else { "=" };
                super::builtins::xtrace(
                    sh,
                    &format!("{name}[{k}]{op}{}", super::builtins::shell_quote(&v)),
                );
            }
            if a.append {
                return Ok(sh.append_key(name, k, v));
            }
            Ok(sh.assoc_set(name, k, v))
        }
        Some(ix) => {
            let t = subscript_text(sh, ix)?;
            if t.trim().is_empty() {
                return Ok(Err(format!("{name}[{t}]: bad array subscript")));
            }
            let i = expand::arith_eval(sh, &t)?;
            if sh.opts.xtrace {
                let op = if a.append { "+=" } else { "=" };
                super::builtins::xtrace(
                    sh,
                    &format!("{name}[{t}]{op}{}", super::builtins::shell_quote(&v)),
                );
            }
            if a.append {
                return Ok(sh.append_elem(name, i, v));
            }
            Ok(sh.set_elem(name, i, v))
        }
        None => {
            if sh.opts.xtrace {
                let op = if a.append { "+=" } else { "=" };
                super::builtins::xtrace(
                    sh,
                    &format!("{name}{op}{}", super::builtins::shell_quote(&v)),
                );
            }
            if a.append {
                return Ok(sh.append_var(name, v));
            }
            Ok(sh.set_var(name, v))
        }
    }
}

fn assign_list(
    sh: &mut Shell,
    cmd: &str,
    name: &str,
    items: Items,
    append: bool,
) -> Result<(), String> {
    if sh.vars.get(name).is_some_and(|v| v.readonly) {
        return Err(format!("{name}: readonly variable"));
    }
    if sh.is_assoc(name) {
        let base = match (append, sh.vars.get(name).and_then(|v| v.assoc.as_ref())) {
            (true, Some(a)) => (**a).clone(),
            _ => Assoc::default(),
        };
        let a = fill_assoc(base, items);
        return sh.set_assoc(name, a);
    }
    let base = if append {
        sh.elems(name).unwrap_or_default()
    } else {
        Elems::new()
    };
    let elems = fill(sh, cmd, name, base, items)?;
    sh.set_array(name, elems)
}

/// A declaration builtin's `NAME=(…)` argument, expanded into the
/// marked form `\0NAME=` (or `+=`) followed by `\0[i]=v` / `\0=v` per
/// element, which [`declare`] reads back.
pub fn decl_array_arg(sh: &mut Shell, w: &Word) -> Result<Option<String>, Ctl> {
    let [WordPart::Lit(head), WordPart::Array(elems)] = w.parts.as_slice() else {
        return Ok(None);
    };
    let name = head.trim_end_matches('=').trim_end_matches('+');
    let name = name.split('[').next().unwrap_or(name).to_string();
    let items = expand_elems(sh, &name, elems, Mode::Key)?;
    let mut s = String::new();
    s.push(MARK);
    s.push_str(head);
    for (i, v) in items {
        // `\0[KEY` then `\0=VALUE`.
        if let Some(Ix::Key(k)) = i {
            s.push(MARK);
            s.push('[');
            s.push_str(&k);
        }
        s.push(MARK);
        s.push('=');
        s.push_str(&v);
    }
    Ok(Some(s))
}

/// Read back a marked argument: (name, append, elements).
fn parse_marked(arg: &str) -> Option<(String, bool, Items)> {
    let rest = arg.strip_prefix(MARK)?;
    let mut it = rest.split(MARK);
    let head = it.next()?;
    let head = head.strip_suffix('=')?;
    let (name, append) = match head.strip_suffix('+') {
        Some(n) => (n, true),
        None => (head, false),
    };
    let mut items = Vec::new();
    let mut key = None;
    for e in it {
        if let Some(k) = e.strip_prefix('[') {
            key = Some(Ix::Key(k.to_string()));
        } else if let Some(v) = e.strip_prefix('=') {
            items.push((key.take(), v.to_string()));
        }
    }
    Some((name.to_string(), append, items))
}

/// bash's quoting of a value in `declare -p` (`"…"` with `\`, `"`, `$`,
/// `` ` `` escaped).
pub(super) fn dq(v: &str) -> String {
    if v.chars().any(|c| c.is_control()) {
        return super::printf::shell_quote(v);
    }
    let mut o = String::with_capacity(v.len() + 2);
    o.push('"');
    for c in v.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            o.push('\\');
        }
        o.push(c);
    }
    o.push('"');
    o
}

/// The attribute letters of `declare -p`.
fn flags(v: &Var) -> String {
    let mut f = super::attrs::letters(v);
    if f.is_empty() {
        f.push('-');
    }
    f
}

/// `declare -p NAME`'s line (without the newline).
pub(super) fn print_decl(sh: &Shell, name: &str) -> Option<String> {
    if Shell::is_special_array(name) {
        let e = sh.special_array(name).unwrap_or_default();
        if e.is_empty() {
            return Some(format!("declare -a {name}"));
        }
        return Some(format!("declare -a {name}={}", array_text(&e)));
    }
    let v = sh.vars.get(name)?;
    let f = flags(v);
    if v.no_value {
        return Some(format!("declare -{f} {name}"));
    }
    Some(match value_text(v) {
        Some(t) => format!("declare -{f} {name}={t}"),
        None => format!("declare -{f} {name}={}", dq(&v.value)),
    })
}

/// An array's value as `declare -p` and `set` print it (an associative
/// array's list ends with a space, as bash's); `None` for a scalar.
pub fn value_text(v: &Var) -> Option<String> {
    if let Some(a) = &v.assoc {
        let items: Vec<String> = a
            .ordered()
            .iter()
            .map(|(k, v)| format!("[{}]={} ", key_text(k), dq(v)))
            .collect();
        return Some(format!("({})", items.concat()));
    }
    v.array.as_ref().map(|a| array_text(a))
}

/// A key in `declare -p`: bare when it needs no quoting, else as a value.
pub(super) fn key_text(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | '@' | '%' | '+' | ',')
        });
    if plain {
        k.to_string()
    } else {
        dq(k)
    }
}

fn array_text(a: &Elems) -> String {
    let items: Vec<String> = a.iter().map(|(i, v)| format!("[{i}]={}", dq(v))).collect();
    format!("({})", items.join(" "))
}

/// The options of a declaration builtin.
#[derive(Default)]
struct DeclOpts {
    /// Attributes turned on (`-i`) and off (`+i`).
    on: Attrs,
    off: Attrs,
    global: bool,
    array: bool,
    assoc: bool,
    /// `+a`/`+A`: refused for an array (bash cannot destroy one so).
    unarray: bool,
    print: bool,
    /// `-f`: function definitions; `-F`: function names.
    funcs: bool,
    func_names: bool,
}

impl DeclOpts {
    /// Read the options; `Err` is the exit status after bash's message.
    fn parse(sh: &Shell, cmd: &str, args: &[String]) -> Result<(Self, Vec<String>), i32> {
        let mut o = DeclOpts::default();
        let mut names: Vec<String> = Vec::new();
        let mut options = true;
        for arg in args {
            if options && arg == "--" {
                options = false;
                continue;
            }
            let plus = arg.starts_with('+');
            if !(options && arg.len() > 1 && (plus || arg.starts_with('-'))) {
                options = false;
                names.push(arg.clone());
                continue;
            }
            for c in arg[1..].chars() {
                let attrs = if plus { &mut o.off } else { &mut o.on };
                match c {
                    _ if attrs.set(c) => {}
                    'g' if cmd != "local" => o.global = true,
                    'a' | 'A' if plus => o.unarray = true,
                    'a' => o.array = true,
                    'A' => o.assoc = true,
                    'p' => o.print = true,
                    'f' => o.funcs = true,
                    'F' => o.func_names = true,
                    'I' | 'c' => {
                        sh.error(&format!("{cmd}: -{c}: not supported by nsh"));
                        return Err(2);
                    }
                    _ => {
                        sh.error(&format!("{cmd}: -{c}: invalid option"));
                        let usage = match cmd {
                            "local" => "local: usage: local [option] name[=value] ...".to_string(),
                            "typeset" => "typeset: usage: typeset [-aAfFgiIlnrtux] name[=value] ... or typeset -p [-aAfFilnrtux] [name ...]".to_string(),
                            _ => format!("{cmd}: usage: {cmd} [-aAfFgiIlnrtux] [name[=value] ...] or {cmd} -p [-aAfFilnrtux] [name ...]"),
                        };
                        super::proc::write_fd(2, format!("{usage}\n").as_bytes());
                        return Err(2);
                    }
                }
            }
        }
        Ok((o, names))
    }
}

/// `declare -f`/`-F [NAME…]`: function definitions or names; status 1
/// when a named function does not exist (silently, as bash).
fn declare_funcs(sh: &Shell, cmd: &str, o: &DeclOpts, names: &[String]) -> i32 {
    if names.is_empty() && (o.on.exported || o.on.readonly) {
        // Listing functions with `-x`/`-r`: nsh's functions have none.
        return 0;
    }
    if o.on.exported || o.on.readonly || o.off.exported || o.off.readonly {
        sh.error(&format!(
            "{cmd}: function attributes are not supported by nsh"
        ));
        return 2;
    }
    let show = |n: &str| match sh.funcs.get(n) {
        Some(_) if o.func_names && names.is_empty() => Some(format!("declare -f {n}\n")),
        Some(_) if o.func_names => Some(format!("{n}\n")),
        Some(f) => Some(format!("{}\n", crate::ast::function_text(n, f))),
        None => None,
    };
    let mut out = String::new();
    let mut st = 0;
    if names.is_empty() {
        let mut all: Vec<&String> = sh.funcs.keys().collect();
        all.sort();
        all.into_iter()
            .filter_map(|n| show(n))
            .for_each(|l| out.push_str(&l));
    }
    for n in names {
        match show(n) {
            Some(l) => out.push_str(&l),
            None => st = 1,
        }
    }
    super::proc::write_fd(1, out.as_bytes());
    st
}

/// `declare`/`typeset`/`local` (and `export`/`readonly` with arrays):
/// attributes `-aAilnrtux` (`+` to remove), `-g`, `-p`, `-f`, `-F`.
pub fn declare(sh: &mut Shell, cmd: &str, args: &[String]) -> i32 {
    let (mut o, names) = match DeclOpts::parse(sh, cmd, args) {
        Ok(v) => v,
        Err(st) => return st,
    };
    if cmd == "local" && sh.locals.is_empty() {
        sh.error("local: can only be used in a function");
        return 1;
    }
    if o.funcs || o.func_names {
        return declare_funcs(sh, cmd, &o, &names);
    }
    if names.is_empty() && !matches!(cmd, "export" | "readonly") {
        return list(sh, cmd, &o);
    }
    if o.print {
        return print(sh, cmd, &names);
    }
    if cmd == "readonly" {
        o.on.readonly = true;
        o.global = true;
    }
    if cmd == "export" {
        o.on.exported = true;
        o.global = true;
    }
    let local = cmd == "local" || (!sh.locals.is_empty() && !o.global);
    let mut st = 0;
    for n in &names {
        if let Err(m) = declare_one(sh, cmd, &o, local, n) {
            if !m.is_empty() {
                sh.error(&format!("{cmd}: {m}"));
            }
            st = 1;
            if sh.assign_aborted {
                // An integer's arithmetic error abandons the command.
                return st;
            }
        }
    }
    st
}

/// One `NAME[=VALUE]` argument of [`declare`]; `Err` is bash's message
/// (without the `declare: ` prefix; empty when reported already).
fn declare_one(
    sh: &mut Shell,
    cmd: &str,
    o: &DeclOpts,
    local: bool,
    n: &str,
) -> Result<(), String> {
    // (name, append, value): a scalar value, or marked elements.
    let (name, append, scalar, items) = match parse_marked(n) {
        Some((name, append, items)) => (name, append, None, Some(items)),
        None => match n.split_once('=') {
            Some((k, v)) => {
                let (k, append) = match k.strip_suffix('+') {
                    Some(k) => (k, true),
                    None => (k, false),
                };
                (k.to_string(), append, Some(v.to_string()), None)
            }
            None => (n.to_string(), false, None, None),
        },
    };
    let shown = n.trim_start_matches(MARK).replace(MARK, " ");
    if !expand::is_name(&name) {
        return Err(format!("`{shown}': not a valid identifier"));
    }
    if local {
        let old = sh.vars.get(&name).cloned();
        if old.as_ref().is_some_and(|o| o.readonly) {
            return Err(format!("{name}: readonly variable"));
        }
        if let Some(frame) = sh.locals.last_mut() {
            if !frame.iter().any(|(k, _)| *k == name) {
                frame.push((name.clone(), old));
                // A new local: unset until assigned (with `shopt -s
                // localvar_inherit`, it keeps the value and attributes
                // the variable had).
                if !sh.shopts.localvar_inherit {
                    sh.vars.remove(&name);
                    sh.invalidate_env();
                }
            }
        }
    }
    // Other attributes and values go to the variable a reference
    // stands for; `-n`/`+n` and a new local are about the name itself.
    if o.on.nameref {
        sh.check_nameref(&name, scalar.as_deref())?;
    }
    let own = name.clone();
    let name = if o.on.nameref || local {
        name
    } else {
        match sh.resolve_warn(&name) {
            Some(t) => t,
            None => return Err(String::new()),
        }
    };
    if name.contains('[') {
        // A reference to an element (`declare -n r='a[1]'`).
        return match scalar {
            Some(v) => set_ref(sh, cmd, &name, v),
            None => Ok(()),
        };
    }
    let readonly = sh.vars.get(&name).is_some_and(|v| v.readonly);
    if readonly && (scalar.is_some() || items.is_some() || o.off.readonly) {
        return Err(format!("{name}: readonly variable"));
    }
    if o.assoc && !sh.is_assoc(&name) {
        if sh.is_array(&name) {
            return Err(format!(
                "{name}: cannot convert indexed to associative array"
            ));
        }
        let mut e = Assoc::default();
        let new = !sh.vars.contains_key(&name);
        if let Some(v) = sh.vars.get(&name) {
            e.insert("0".into(), v.value.clone());
        }
        sh.set_assoc(&name, e)?;
        if let Some(v) = sh.vars.get_mut(&name).filter(|_| new) {
            v.no_value = true;
        }
    }
    if o.unarray && (sh.is_array(&name) || sh.is_assoc(&name)) {
        return Err(format!(
            "{name}: cannot destroy array variables in this way"
        ));
    }
    if o.array && sh.is_assoc(&name) {
        return Err(format!(
            "{name}: cannot convert associative to indexed array"
        ));
    }
    // The attributes first: they shape the value assigned next.
    let v = sh.vars.entry(name.clone()).or_insert_with(|| Var {
        no_value: true,
        ..Var::default()
    });
    o.on.apply(v, true);
    o.off.apply(v, false);
    if o.on.nameref {
        v.nameref = true;
        sh.namerefs_seen = true;
    }
    sh.invalidate_env();
    match (scalar, items) {
        (_, Some(items)) => assign_list(sh, cmd, &name, items, append)?,
        (Some(t), None) if o.on.nameref => {
            if let Some(v) = sh.vars.get_mut(&name) {
                v.value = t;
                v.no_value = false;
            }
        }
        (Some(v), None) => {
            if sh.is_assoc(&name) {
                if append {
                    sh.append_key(&name, "0".into(), v)?;
                } else {
                    sh.assoc_set(&name, "0".into(), v)?;
                }
            } else if o.array && !sh.is_array(&name) {
                let old = sh
                    .vars
                    .get(&name)
                    .filter(|v| !v.no_value)
                    .map(|v| v.value.clone());
                let v = sh.attr_value(&name, v, old.filter(|_| append))?;
                sh.set_array(&name, Elems::from([(0, v)]))?;
            } else if append {
                sh.append_var(&name, v)?;
            } else {
                sh.set_var(&name, v)?;
            }
        }
        (None, None) => {
            if o.array && !sh.is_array(&name) {
                let v = sh.vars.get(&name);
                let new = v.is_none_or(|v| v.no_value);
                let e: Elems = v
                    .filter(|_| !new)
                    .map(|v| (0, v.value.clone()))
                    .into_iter()
                    .collect();
                sh.set_array(&name, e)?;
                if let Some(v) = sh.vars.get_mut(&name).filter(|_| new) {
                    v.no_value = true;
                }
            }
        }
    }
    if o.on.readonly {
        if let Some(v) = sh.vars.get_mut(&name) {
            v.readonly = true;
        }
    }
    if o.off.nameref {
        // After the value, which went to the referenced variable.
        if let Some(v) = sh.vars.get_mut(&own) {
            v.nameref = false;
        }
    }
    Ok(())
}

/// `declare` without names: every variable (bash's `set` format, then
/// the functions), or with attribute options those that have them all
/// (`declare -p` format; `+X`: those without, `set` format). `local`
/// lists the function's own variables, as `declare -p`, whatever the
/// options (bash 5.2).
fn list(sh: &Shell, cmd: &str, o: &DeclOpts) -> i32 {
    let all: Vec<(&String, &Var)> = match (cmd, sh.locals.last()) {
        ("local", Some(frame)) => frame
            .iter()
            .filter_map(|(n, _)| sh.vars.get_key_value(n))
            .collect(),
        _ => {
            let mut all: Vec<(&String, &Var)> = sh.vars.iter().collect();
            all.sort_by(|a, b| a.0.cmp(b.0));
            all
        }
    };
    let as_decl = cmd == "local" || o.print || o.on.any() || o.array || o.assoc;
    let mut out = String::new();
    for (n, v) in all {
        let kind = (!o.array || v.array.is_some()) && (!o.assoc || v.assoc.is_some());
        if cmd != "local" && !(kind && o.on.test(v, true) && o.off.test(v, false)) {
            continue;
        }
        let line = if as_decl {
            print_decl(sh, n)
        } else {
            set_line(n, v)
        };
        if let Some(l) = line {
            out.push_str(&l);
            out.push('\n');
        }
    }
    super::proc::write_fd(1, out.as_bytes());
    if !as_decl && !o.off.any() {
        return declare_funcs(sh, "declare", o, &[]);
    }
    0
}

/// A variable as `set` lists it (`NAME=VALUE`); `None` for one declared
/// without a value.
pub fn set_line(name: &str, v: &Var) -> Option<String> {
    if v.no_value {
        return None;
    }
    let val = match value_text(v) {
        Some(t) => t,
        // bash's `$'…'` for a value with control characters (IFS).
        None if v.value.chars().any(char::is_control) => super::printf::shell_quote(&v.value),
        None => super::builtins::shell_quote(&v.value),
    };
    Some(format!("{name}={val}"))
}

/// `declare -p NAME…`.
fn print(sh: &mut Shell, cmd: &str, names: &[String]) -> i32 {
    let mut out = String::new();
    let mut st = 0;
    for n in names {
        match print_decl(sh, n) {
            Some(l) => {
                out.push_str(&l);
                out.push('\n');
            }
            None => {
                // bash's lines so far come out before the message.
                super::proc::write_fd(1, std::mem::take(&mut out).as_bytes());
                sh.error(&format!("{cmd}: {n}: not found"));
                st = 1;
            }
        }
    }
    super::proc::write_fd(1, out.as_bytes());
    st
}

/// `unset [-fnv] NAME…` with `NAME[SUB]`.
pub fn unset(sh: &mut Shell, args: &[String]) -> i32 {
    let mut funcs = false;
    let mut vars_only = false;
    // `-n`: a name reference itself, not the variable it stands for.
    let mut nameref = false;
    let mut st = 0;
    for a in args {
        match a.as_str() {
            "-f" => funcs = true,
            "-v" => vars_only = true,
            "-n" => nameref = true,
            n => {
                if funcs {
                    sh.funcs.remove(n);
                    continue;
                }
                if let Some((name, rest)) = n.split_once('[') {
                    if expand::is_name(name) && rest.ends_with(']') {
                        let name = &sh.resolve(name).into_owned();
                        let sub = &rest[..rest.len() - 1];
                        // The subscript ends at the `]` matching the `[`
                        // (bash's skipsubscript): text after it is ignored
                        // without a word.
                        let mut depth = 1;
                        let close = rest.char_indices().find(|&(_, c)| {
                            match c {
                                '[' => depth += 1,
                                ']' => depth -= 1,
                                _ => {}
                            }
                            depth == 0
                        });
                        if close.is_some_and(|(i, _)| i + 1 != rest.len()) {
                            continue;
                        }
                        if sh.is_assoc(name) {
                            if sh.vars.get(name).is_some_and(|v| v.readonly) {
                                sh.error(&format!(
                                    "unset: {name}: cannot unset: readonly variable"
                                ));
                                st = 1;
                                continue;
                            }
                            // bash 5.2: `@` and `*` are keys here.
                            if let Some(a) = sh.vars.get_mut(name).and_then(|v| v.assoc.as_mut()) {
                                a.remove(sub);
                            }
                            continue;
                        }
                        if (sub == "@" || sub == "*") && sh.is_array(name) {
                            // bash 5.2: the elements go, the array stays.
                            if let Err(m) = sh.set_array(name, Elems::new()) {
                                sh.error(&format!("unset: {m}"));
                                st = 1;
                            }
                            continue;
                        }
                        if sub == "@" || sub == "*" {
                            if let Err(m) = sh.unset_var(name) {
                                sh.error(&format!("unset: {m}"));
                                st = 1;
                            }
                            continue;
                        }
                        if sub.trim().is_empty() {
                            sh.error(&format!("unset: {n}: bad array subscript"));
                            st = 1;
                            continue;
                        }
                        let i = match expand::arith_eval_cmd(sh, sub, "unset") {
                            Some(i) => i,
                            None => {
                                st = 1;
                                continue;
                            }
                        };
                        if let Err(m) = sh.unset_elem(name, i) {
                            sh.error(&format!("unset: {m}"));
                            st = 1;
                        }
                        continue;
                    }
                }
                if !expand::is_name(n) {
                    sh.error(&format!("unset: `{n}': not a valid identifier"));
                    st = 1;
                    continue;
                }
                if sh.vars.contains_key(n) || vars_only || nameref {
                    let r = if nameref && sh.is_nameref(n) {
                        sh.unset_ref(n)
                    } else {
                        sh.unset_var(n)
                    };
                    if let Err(m) = r {
                        sh.error(&format!("unset: {m}"));
                        st = 1;
                    }
                } else {
                    sh.funcs.remove(n);
                }
            }
        }
    }
    st
}

/// `mapfile`/`readarray [-t] [-n N] [-s N] [-d D] [-O N] [ARRAY]`: lines
/// of standard input into an array (`MAPFILE` by default).
pub fn mapfile(sh: &mut Shell, cmd: &str, args: &[String]) -> i32 {
    let (mut trim, mut count, mut skip, mut delim, mut origin) =
        (false, 0usize, 0usize, b'\n', None);
    let mut name = "MAPFILE".to_string();
    let mut fd = 0;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-t" => trim = true,
            "-n" | "-s" | "-d" | "-O" | "-u" | "-C" | "-c" => {
                i += 1;
                let Some(v) = args.get(i) else {
                    sh.error(&format!("{cmd}: {a}: option requires an argument"));
                    return 2;
                };
                match a {
                    "-d" => delim = v.bytes().next().unwrap_or(0),
                    "-u" => match super::builtins::read_fd_arg(sh, cmd, v) {
                        Some(n) => fd = n,
                        None => return 1,
                    },
                    "-n" | "-s" | "-O" => match v.parse::<usize>() {
                        Ok(n) => match a {
                            "-n" => count = n,
                            "-s" => skip = n,
                            _ => origin = Some(n as i64),
                        },
                        Err(_) => {
                            let what = if a == "-O" {
                                "array origin"
                            } else {
                                "line count"
                            };
                            sh.error(&format!("{cmd}: {v}: invalid {what}"));
                            return 1;
                        }
                    },
                    _ => {
                        sh.error(&format!("{cmd}: {a}: not supported by nsh"));
                        return 2;
                    }
                }
            }
            o if o.starts_with('-') && o.len() > 1 => {
                sh.error(&format!("{cmd}: {o}: invalid option"));
                super::proc::write_fd(2, format!("{cmd}: usage: {cmd} [-d delim] [-n count] [-O origin] [-s count] [-t] [-u fd] [-C callback] [-c quantum] [array]\n").as_bytes());
                return 2;
            }
            n => name = n.to_string(),
        }
        i += 1;
    }
    if !expand::is_name(&name) {
        sh.error(&format!("{cmd}: `{name}': not a valid identifier"));
        return 1;
    }
    // One byte at a time: no input beyond the last line is consumed.
    let mut lines: Vec<String> = Vec::new();
    let mut cur = Vec::new();
    let mut seen = 0usize;
    loop {
        if count > 0 && lines.len() >= count {
            break;
        }
        let mut b = [0u8; 1];
        let n = loop {
            // SAFETY: reading into a valid one-byte buffer.
            let r = unsafe { libc::read(fd, b.as_mut_ptr().cast(), 1) };
            if r < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break r;
        };
        if n <= 0 {
            if !cur.is_empty() {
                if seen >= skip {
                    lines.push(String::from_utf8_lossy(&cur).into_owned());
                }
                cur.clear();
            }
            break;
        }
        if b[0] == delim {
            if !trim {
                cur.push(b[0]);
            }
            if seen >= skip {
                lines.push(String::from_utf8_lossy(&cur).into_owned());
            }
            seen += 1;
            cur.clear();
        } else {
            cur.push(b[0]);
        }
    }
    if sh.vars.get(&name).is_some_and(|v| v.readonly) {
        sh.error(&format!("{cmd}: {name}: readonly variable"));
        return 1;
    }
    let mut e = match origin {
        Some(_) => sh
            .elems(&name)
            .filter(|_| sh.is_array(&name))
            .unwrap_or_default(),
        None => Elems::new(),
    };
    let start = origin.unwrap_or(0);
    for (k, l) in lines.into_iter().enumerate() {
        e.insert(start + k as i64, l);
    }
    match sh.set_array(&name, e) {
        Ok(()) => 0,
        Err(m) => {
            sh.error(&format!("{cmd}: {m}"));
            1
        }
    }
}

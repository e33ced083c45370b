//! Variable attributes that change what an assignment stores or which
//! variable a name means: integer (`declare -i`), lower/upper case
//! (`-l`/`-u`), name references (`-n`) and trace (`-t`, only kept and
//! shown). Arrays (`-a`/`-A`), readonly and export live in `arrays.rs` and
//! `mod.rs`; the letters of all of them are printed here in bash's order.
//!
//! Every assignment goes through [`Shell::attr_value`] (from `set_var`,
//! the array setters and `x+=…`), so `read`, `for`, `printf -v`, `((…))`
//! and `declare` all honour the attributes as bash's `bind_variable` does.
//! Every variable access resolves a name reference first with
//! [`Shell::resolve`] (bash's `find_variable` → `find_variable_nameref`).

use std::borrow::Cow;

use super::{Shell, Var};

/// bash's `NAMEREF_MAX`: how many references a chain may follow.
const NAMEREF_MAX: usize = 8;

/// The case attribute: `declare -l` or `declare -u` (setting one clears
/// the other, as bash's declare does).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Case {
    #[default]
    Keep,
    Lower,
    Upper,
}

/// The attributes `declare` turns on (`-i`) or off (`+i`), besides the
/// array kinds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    pub integer: bool,
    pub lower: bool,
    pub upper: bool,
    pub nameref: bool,
    pub trace: bool,
    pub exported: bool,
    pub readonly: bool,
}

impl Attrs {
    /// Record option letter `c`; false when it is not one of these.
    pub fn set(&mut self, c: char) -> bool {
        match c {
            'i' => self.integer = true,
            'l' => self.lower = true,
            'u' => self.upper = true,
            'n' => self.nameref = true,
            't' => self.trace = true,
            'x' => self.exported = true,
            'r' => self.readonly = true,
            _ => return false,
        }
        true
    }

    /// Whether any attribute is given.
    pub fn any(&self) -> bool {
        *self != Attrs::default()
    }

    /// Whether `v` has all of these attributes (`want`) or none of them
    /// (`!want`): the filter of `declare -i`, `declare +x` listings.
    pub fn test(&self, v: &Var, want: bool) -> bool {
        [
            (self.integer, v.integer),
            (self.lower, v.case == Case::Lower),
            (self.upper, v.case == Case::Upper),
            (self.nameref, v.nameref),
            (self.trace, v.trace),
            (self.exported, v.exported),
            (self.readonly, v.readonly),
        ]
        .iter()
        .filter(|(asked, _)| *asked)
        .all(|(_, has)| *has == want)
    }

    /// Apply these `-X` (`on`) or `+X` (off) attributes to `v`, except
    /// `nameref` and `readonly`, which `declare` handles with their checks.
    pub fn apply(&self, v: &mut Var, on: bool) {
        if self.integer {
            v.integer = on;
        }
        if self.trace {
            v.trace = on;
        }
        if self.exported {
            v.exported = on;
        }
        if on && self.lower && self.upper {
            // Each clears the other (bash's declare_internal).
            v.case = Case::Keep;
        } else if on && self.lower {
            v.case = Case::Lower;
        } else if on && self.upper {
            v.case = Case::Upper;
        } else if !on
            && ((self.lower && v.case == Case::Lower) || (self.upper && v.case == Case::Upper))
        {
            v.case = Case::Keep;
        }
    }
}

/// A variable's attribute letters in bash's order (`declare -p`,
/// `${X@a}`; bash's `var_attribute_string`).
pub fn letters(v: &Var) -> String {
    let mut f = String::new();
    let flags = [
        (v.array.is_some(), 'a'),
        (v.assoc.is_some(), 'A'),
        (v.integer, 'i'),
        (v.nameref, 'n'),
        (v.readonly, 'r'),
        (v.trace, 't'),
        (v.exported, 'x'),
        (v.case == Case::Lower, 'l'),
        (v.case == Case::Upper, 'u'),
    ];
    for (on, c) in flags {
        if on {
            f.push(c);
        }
    }
    f
}

/// Whether `t` may be the target of a name reference: a name, or
/// `NAME[SUBSCRIPT]` (bash's `valid_nameref_value`).
pub fn valid_ref_target(t: &str) -> bool {
    match t.split_once('[') {
        Some((n, rest)) => super::expand::is_name(n) && rest.ends_with(']'),
        None => super::expand::is_name(t),
    }
}

impl Shell {
    /// The variable `name` stands for: the end of its chain of name
    /// references (a reference without a value stands for itself). A
    /// circular chain resolves to `None`.
    pub fn try_resolve<'a>(&'a self, name: &'a str) -> Option<Cow<'a, str>> {
        if !self.namerefs_seen {
            return Some(Cow::Borrowed(name));
        }
        let mut cur: &str = name;
        for _ in 0..=NAMEREF_MAX {
            match self.vars.get(cur) {
                Some(v) if v.nameref && !v.value.is_empty() => cur = &v.value,
                _ => {
                    return Some(if cur == name {
                        Cow::Borrowed(name)
                    } else {
                        Cow::Owned(cur.to_string())
                    })
                }
            }
        }
        None
    }

    /// [`Shell::try_resolve`], a circular chain standing for the name
    /// itself (bash warns at the expansion or assignment; see
    /// [`Shell::resolve_warn`]).
    pub fn resolve<'a>(&'a self, name: &'a str) -> Cow<'a, str> {
        self.try_resolve(name).unwrap_or(Cow::Borrowed(name))
    }

    /// [`Shell::resolve`] for an expansion or an assignment: a circular
    /// chain gives bash's warning and `None`.
    pub fn resolve_warn(&self, name: &str) -> Option<String> {
        match self.try_resolve(name) {
            Some(n) => Some(n.into_owned()),
            None => {
                self.error(&format!("warning: {name}: circular name reference"));
                None
            }
        }
    }

    /// `declare -n NAME[=TARGET]`: bash's checks of the target (the
    /// value given, else the variable's own value).
    pub fn check_nameref(&self, name: &str, target: Option<&str>) -> Result<(), String> {
        let v = self.vars.get(name);
        if v.is_some_and(|v| v.array.is_some() || v.assoc.is_some()) {
            return Err(format!("{name}: reference variable cannot be an array"));
        }
        let t = match target {
            Some(t) => t,
            None => match v.filter(|v| !v.nameref && !v.no_value && !v.value.is_empty()) {
                Some(v) => &v.value,
                None => return Ok(()),
            },
        };
        if t.is_empty() {
            return Err("`': not a valid identifier".to_string());
        }
        if !valid_ref_target(t) {
            return Err(format!("`{t}': invalid variable name for name reference"));
        }
        if t == name {
            return Err(format!(
                "{name}: nameref variable self references not allowed"
            ));
        }
        Ok(())
    }

    /// Assign the control variable of `for`: a name reference is pointed
    /// at each word in turn instead (bash's `execute_for_command`).
    pub fn set_for_var(&mut self, name: &str, value: String) -> Result<(), String> {
        if !self.is_nameref(name) {
            return self.set_var(name, value);
        }
        if !valid_ref_target(&value) {
            return Err(format!("`{value}': not a valid identifier"));
        }
        if let Some(v) = self.vars.get_mut(name) {
            if v.readonly {
                return Err(format!("{name}: readonly variable"));
            }
            v.value = value;
            v.no_value = false;
        }
        Ok(())
    }

    /// Whether `name` itself is a name reference (`test -R`).
    pub fn is_nameref(&self, name: &str) -> bool {
        self.vars.get(name).is_some_and(|v| v.nameref)
    }

    /// The value an assignment stores in `name` (already resolved) given
    /// its attributes: `value` evaluated arithmetically for an integer
    /// variable, its case changed for `-l`/`-u`. `old` is the value
    /// `+=` appends to (added to, for an integer). An arithmetic error
    /// is bash's message; the command is then abandoned
    /// ([`Shell::assign_aborted`]).
    pub fn attr_value(
        &mut self,
        name: &str,
        value: String,
        old: Option<String>,
    ) -> Result<String, String> {
        let (integer, case) = match self.vars.get(name) {
            Some(v) => (v.integer, v.case),
            None => (false, Case::Keep),
        };
        if integer {
            let mut n = self.attr_arith(&value)?;
            if let Some(o) = old {
                n = n.wrapping_add(self.attr_arith(&o)?);
            }
            return Ok(n.to_string());
        }
        let value = match old {
            Some(o) => o + &value,
            None => value,
        };
        Ok(match case {
            Case::Keep => value,
            Case::Lower => super::expand::case_conv(&value, false, true),
            Case::Upper => super::expand::case_conv(&value, true, true),
        })
    }

    /// Where an integer variable's arithmetic error leaves the command
    /// that assigned it (status 1): bash 5.2 abandons the rest of a
    /// script's line, but ends a subshell and `bash -c STRING` (unlike an
    /// error in `$((…))`, after which `-c` goes on).
    pub fn assign_abort(&mut self) -> super::Ctl {
        self.assign_aborted = false;
        if self.in_child || self.command_string {
            super::Ctl::Exit(1)
        } else {
            super::Ctl::Abort(1)
        }
    }

    /// Report a builtin's failed assignment (`read`, `printf -v`): bash
    /// names the builtin before an arithmetic error, not before the
    /// readonly message.
    pub fn assign_error(&self, cmd: &str, m: &str) {
        if self.assign_aborted {
            self.error(&format!("{cmd}: {m}"));
        } else {
            self.error(m);
        }
    }

    fn attr_arith(&mut self, expr: &str) -> Result<i64, String> {
        super::arith::eval(expr, &mut super::expand::Vars(self)).map_err(|e| {
            self.assign_aborted = true;
            e.to_string()
        })
    }

    /// `name+=value` of a scalar (or element 0 of an array): appended, or
    /// added for an integer variable.
    pub fn append_var(&mut self, name: &str, value: String) -> Result<(), String> {
        let Some(name) = self.resolve_warn(name) else {
            return Err(String::new());
        };
        let old = super::expand::lookup(self, &name);
        let v = self.attr_value(&name, value, Some(old.unwrap_or_default()))?;
        self.store_var(&name, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_bash_order() {
        let v = Var {
            integer: true,
            readonly: true,
            exported: true,
            case: Case::Lower,
            array: Some(Box::default()),
            ..Var::default()
        };
        assert_eq!(letters(&v), "airxl");
    }

    #[test]
    fn nameref_targets() {
        assert!(valid_ref_target("v"));
        assert!(valid_ref_target("a[1]"));
        assert!(!valid_ref_target("1a"));
        assert!(!valid_ref_target("a[1"));
        assert!(!valid_ref_target(""));
    }

    #[test]
    fn resolve_follows_and_stops_on_cycles() {
        let mut sh = Shell::new("nsh", Vec::new());
        sh.namerefs_seen = true;
        for (n, t) in [("a", "b"), ("b", "c"), ("x", "y"), ("y", "x")] {
            sh.vars.insert(
                n.into(),
                Var {
                    value: t.into(),
                    nameref: true,
                    ..Var::default()
                },
            );
        }
        assert_eq!(sh.resolve("a"), "c");
        assert_eq!(sh.resolve("c"), "c");
        assert!(sh.try_resolve("x").is_none());
    }
}

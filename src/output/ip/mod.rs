//! Renderers of `ip` output (iproute2 6.1), text and JSON.
//!
//! [`JsonWriter`] reproduces iproute2's lib/json_writer.c byte for byte
//! (separators, pretty indentation of 4 spaces, `[ … ]` spacing), so `-j`
//! and `-j -p` output compare equal with the real tool's.

pub mod addr;
pub mod link;
pub mod link_kind;
pub mod neigh;
pub mod netns;
pub mod route;

/// iproute2 lib/json_writer.c, as a string builder.
#[derive(Debug, Default)]
pub struct JsonWriter {
    pub out: String,
    depth: usize,
    pretty: bool,
    sep: Option<char>,
}

impl JsonWriter {
    pub fn new(pretty: bool) -> Self {
        Self {
            pretty,
            ..Default::default()
        }
    }
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
    }
    fn eol(&mut self) {
        if self.pretty {
            self.out.push('\n');
            self.indent();
        }
    }
    fn eor(&mut self) {
        if let Some(c) = self.sep {
            self.out.push(c);
        }
        self.sep = Some(',');
    }
    fn puts(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '\t' => self.out.push_str("\\t"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\u{c}' => self.out.push_str("\\f"),
                '\u{8}' => self.out.push_str("\\b"),
                '\\' => self.out.push_str("\\\\"),
                '"' => self.out.push_str("\\\""),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
    fn begin(&mut self, c: char) {
        self.eor();
        self.out.push(c);
        self.depth += 1;
        self.sep = None;
    }
    fn end(&mut self, c: char) {
        self.depth = self.depth.saturating_sub(1);
        if self.sep.is_some() {
            self.eol();
        }
        self.out.push(c);
        self.sep = Some(',');
    }
    /// `"name":` (a value call must follow).
    pub fn name(&mut self, name: &str) {
        self.eor();
        self.eol();
        self.sep = None;
        self.puts(name);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }
    pub fn start_object(&mut self) {
        self.begin('{');
    }
    pub fn end_object(&mut self) {
        self.end('}');
    }
    pub fn start_array(&mut self) {
        self.begin('[');
        if self.pretty {
            self.out.push(' ');
        }
    }
    pub fn end_array(&mut self) {
        if self.pretty && self.sep.is_some() {
            self.out.push(' ');
        }
        self.sep = None;
        self.end(']');
    }
    pub fn string(&mut self, v: &str) {
        self.eor();
        self.puts(v);
    }
    /// A number or literal printed as is.
    pub fn raw(&mut self, v: &str) {
        self.eor();
        self.out.push_str(v);
    }
    pub fn kv_str(&mut self, k: &str, v: &str) {
        self.name(k);
        self.string(v);
    }
    pub fn kv_num(&mut self, k: &str, v: impl std::fmt::Display) {
        self.name(k);
        self.raw(&v.to_string());
    }
    pub fn kv_bool(&mut self, k: &str, v: bool) {
        self.name(k);
        self.raw(if v { "true" } else { "false" });
    }
    pub fn kv_null(&mut self, k: &str) {
        self.name(k);
        self.raw("null");
    }
    /// iproute2 `new_json_obj` … `delete_json_obj` around a list:
    /// `[` items `]` and a final newline.
    pub fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }
}

/// rtnl_rtscope_n2a (address and route scopes).
pub(crate) fn scope_name(s: u8) -> String {
    match s {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        s => s.to_string(),
    }
}

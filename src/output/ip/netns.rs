//! `ip netns list` and `ip netns list-id` output (iproute2 6.1
//! ip/ipnetns.c: netns_list, print_nsid), text and JSON.

use super::JsonWriter;

/// `NAME[ (id: N)]` per line, or `[{"name":…,"id":…},…]`.
pub fn render_list(rows: &[(String, Option<i32>)], json: bool, pretty: bool) -> String {
    if json {
        let mut j = JsonWriter::new(pretty);
        j.start_array();
        for (name, id) in rows {
            j.start_object();
            j.kv_str("name", name);
            if let Some(id) = id {
                j.kv_num("id", id);
            }
            j.end_object();
        }
        j.end_array();
        return j.finish();
    }
    let mut out = String::new();
    for (name, id) in rows {
        out.push_str(name);
        if let Some(id) = id {
            out.push_str(&format!(" (id: {id})"));
        }
        out.push('\n');
    }
    out
}

/// One namespace id of `ip netns list-id`.
pub struct NsidRow {
    pub nsid: i32,
    pub current: Option<i32>,
    pub name: Option<String>,
}

/// print_nsid for each row.
pub fn render_ids(rows: &[NsidRow], json: bool, pretty: bool) -> String {
    if json {
        let mut j = JsonWriter::new(pretty);
        j.start_array();
        for r in rows {
            j.start_object();
            if r.nsid >= 0 {
                j.kv_num("nsid", r.nsid);
            }
            if let Some(c) = r.current.filter(|c| *c >= 0) {
                j.kv_num("current-nsid", c);
            }
            if let Some(n) = &r.name {
                j.kv_str("name", n);
            }
            j.end_object();
        }
        j.end_array();
        return j.finish();
    }
    let mut out = String::new();
    for r in rows {
        if r.nsid < 0 {
            out.push_str("nsid unassigned ");
        } else {
            out.push_str(&format!("nsid {} ", r.nsid));
        }
        match r.current {
            Some(c) if c < 0 => out.push_str("current-nsid unassigned "),
            Some(c) => out.push_str(&format!("current-nsid {c} ")),
            None => {}
        }
        if let Some(n) = &r.name {
            out.push_str(&format!("(iproute2 netns name: {n})"));
        }
        out.push('\n');
    }
    out
}

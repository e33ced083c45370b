//! `ip neigh show` output (iproute2 6.1 ip/ipneigh.c: print_neigh), text
//! and JSON.

use std::net::IpAddr;

use super::JsonWriter;
use crate::netcmd::ip::neigh::NTF_ROUTER;

/// One neighbour entry as print_neigh sees it.
#[derive(Debug, Clone)]
pub struct NeighRow {
    pub dst: Option<IpAddr>,
    /// `None` when a `dev` selector leaves the column out.
    pub dev: Option<String>,
    pub lladdr: Option<Vec<u8>>,
    pub ntf: u8,
    pub state: u16,
}

/// print_neigh_state's order.
const STATES: [(u16, &str); 8] = [
    (0x01, "INCOMPLETE"),
    (0x02, "REACHABLE"),
    (0x04, "STALE"),
    (0x08, "DELAY"),
    (0x10, "PROBE"),
    (0x20, "FAILED"),
    (0x40, "NOARP"),
    (0x80, "PERMANENT"),
];

fn mac(a: &[u8]) -> String {
    let v: Vec<String> = a.iter().map(|b| format!("{b:02x}")).collect();
    v.join(":")
}

pub fn render(rows: &[NeighRow], json: bool, pretty: bool) -> String {
    if json {
        let mut j = JsonWriter::new(pretty);
        j.start_array();
        for r in rows {
            j.start_object();
            if let Some(d) = r.dst {
                j.kv_str("dst", &d.to_string());
            }
            if let Some(d) = &r.dev {
                j.kv_str("dev", d);
            }
            if let Some(l) = &r.lladdr {
                j.kv_str("lladdr", &mac(l));
            }
            if r.ntf & NTF_ROUTER != 0 {
                j.kv_null("router");
            }
            if r.state != 0 {
                j.name("state");
                j.start_array();
                for (b, n) in STATES {
                    if r.state & b != 0 {
                        j.string(n);
                    }
                }
                j.end_array();
            }
            j.end_object();
        }
        j.end_array();
        return j.finish();
    }
    let mut out = String::new();
    for r in rows {
        if let Some(d) = r.dst {
            out.push_str(&format!("{d} "));
        }
        if let Some(d) = &r.dev {
            out.push_str(&format!("dev {d} "));
        }
        if let Some(l) = &r.lladdr {
            out.push_str(&format!("lladdr {} ", mac(l)));
        }
        if r.ntf & NTF_ROUTER != 0 {
            out.push_str("router ");
        }
        for (b, n) in STATES {
            if r.state & b != 0 {
                out.push_str(&format!("{n} "));
            }
        }
        out.push('\n');
    }
    out
}

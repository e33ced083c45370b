//! `ip route show` output for IPv4 (iproute2 6.1 ip/iproute.c:
//! print_route), text and JSON, for the routes the native listing covers
//! (no multipath, encapsulation, RTA_VIA, nexthop ids, realms, marks,
//! metrics other than mtu: those are listed by the real tool).

use std::net::IpAddr;

use super::{scope_name, JsonWriter};
use crate::netcmd::ip::route::{RTN_NAMES, RT_TABLE_MAIN};

/// One route as print_route sees it.
#[derive(Debug, Clone, Default)]
pub struct RouteRow {
    pub kind: u8,
    pub dst: Option<IpAddr>,
    pub dst_len: u8,
    pub gateway: Option<IpAddr>,
    /// Output device name.
    pub dev: Option<String>,
    pub table: u32,
    pub protocol: u8,
    pub scope: u8,
    pub prefsrc: Option<IpAddr>,
    pub metric: Option<u32>,
    pub flags: u32,
    pub mtu: Option<u32>,
    /// `ip route get`: RTA_SRC (`from`), the input device, RTA_UID, and
    /// whether the answer is a cloned (cache) route.
    pub from: Option<IpAddr>,
    pub iif: Option<String>,
    pub uid: Option<u32>,
    pub cloned: bool,
    /// RTA_CACHEINFO expiry in seconds (non-zero only).
    pub expires: Option<i32>,
    /// RTA_PREF (IPv6 router preference).
    pub pref: Option<u8>,
}

/// print_rt_pref.
fn pref_name(p: u8) -> Option<&'static str> {
    match p {
        3 => Some("low"),
        0 => Some("medium"),
        1 => Some("high"),
        _ => None,
    }
}

/// What the listing leaves out (the selectors' own columns).
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteFormat {
    pub json: bool,
    pub pretty: bool,
    /// A `table` selector other than all: no `table` column.
    pub table_selected: bool,
    /// A `dev` selector: no `dev` column.
    pub dev_selected: bool,
}

/// rtnl_rtprot_n2a without /etc/iproute2/rt_protos.
fn proto_name(p: u8) -> String {
    match p {
        0 => "unspec".into(),
        1 => "redirect".into(),
        2 => "kernel".into(),
        3 => "boot".into(),
        4 => "static".into(),
        8 => "gated".into(),
        9 => "ra".into(),
        10 => "mrt".into(),
        11 => "zebra".into(),
        12 => "bird".into(),
        13 => "dnrouted".into(),
        14 => "xorp".into(),
        15 => "ntk".into(),
        16 => "dhcp".into(),
        18 => "keepalived".into(),
        42 => "babel".into(),
        186 => "bgp".into(),
        187 => "isis".into(),
        188 => "ospf".into(),
        189 => "rip".into(),
        192 => "eigrp".into(),
        p => p.to_string(),
    }
}

/// rtnl_rttable_n2a without /etc/iproute2/rt_tables.
fn table_name(t: u32) -> String {
    match t {
        253 => "default".into(),
        254 => "main".into(),
        255 => "local".into(),
        t => t.to_string(),
    }
}

fn type_name(t: u8) -> String {
    RTN_NAMES
        .get(t as usize)
        .map_or_else(|| t.to_string(), |n| n.to_string())
}

/// print_rt_flags, in its order.
fn flag_words(flags: u32) -> Vec<&'static str> {
    const NAMES: [(u32, &str); 11] = [
        (1, "dead"),
        (4, "onlink"),
        (2, "pervasive"),
        (8, "offload"),
        (64, "trap"),
        (0x100, "notify"),
        (16, "linkdown"),
        (32, "unresolved"),
        // RTM_F_OFFLOAD, RTM_F_TRAP, RTM_F_OFFLOAD_FAILED (rtnetlink.h).
        (0x4000, "rt_offload"),
        (0x8000, "rt_trap"),
        (0x2000_0000, "rt_offload_failed"),
    ];
    NAMES
        .iter()
        .filter(|(b, _)| flags & b != 0)
        .map(|(_, n)| *n)
        .collect()
}

/// print_cache_flags: the RTCF_* bits of a cached route, in its order.
fn cache_words(flags: u32) -> Vec<&'static str> {
    // RTCF_* (include/uapi/linux/in_route.h), in print_cache_flags order.
    const NAMES: [(u32, &str); 14] = [
        (0x8000_0000, "local"),
        (0x4000_0000, "reject"),
        (0x2000_0000, "mc"),
        (0x1000_0000, "brd"),
        (0x0800_0000, "dst-nat"),
        (0x0080_0000, "src-nat"),
        (0x0040_0000, "masq"),
        (0x0002_0000, "dst-direct"),
        (0x0400_0000, "src-direct"),
        (0x0004_0000, "redirected"),
        (0x0100_0000, "redirect"),
        (0x0020_0000, "fastroute"),
        (0x0001_0000, "notify"),
        (0x0008_0000, "proxy"),
    ];
    NAMES
        .iter()
        .filter(|(b, _)| flags & b != 0)
        .map(|(_, n)| *n)
        .collect()
}

fn dst_text(r: &RouteRow) -> String {
    match r.dst {
        Some(a) if u32::from(r.dst_len) != if a.is_ipv4() { 32 } else { 128 } => {
            format!("{a}/{}", r.dst_len)
        }
        Some(a) => a.to_string(),
        None if r.dst_len != 0 => format!("0/{} ", r.dst_len),
        None => "default".into(),
    }
}

/// The listing, as `ip route show` prints it.
pub fn render(rows: &[RouteRow], f: RouteFormat) -> String {
    if f.json {
        let mut j = JsonWriter::new(f.pretty);
        j.start_array();
        for r in rows {
            json_route(&mut j, r, f);
        }
        j.end_array();
        return j.finish();
    }
    let mut out = String::new();
    for r in rows {
        if r.kind != 1 {
            out.push_str(&format!("{} ", type_name(r.kind)));
        }
        out.push_str(&format!("{} ", dst_text(r)));
        if let Some(f) = r.from {
            out.push_str(&format!("from {f} "));
        }
        if let Some(g) = r.gateway {
            out.push_str(&format!("via {g} "));
        }
        if let (Some(d), false) = (&r.dev, f.dev_selected) {
            out.push_str(&format!("dev {d} "));
        }
        if r.table != 0 && r.table != RT_TABLE_MAIN && !f.table_selected {
            out.push_str(&format!("table {} ", table_name(r.table)));
        }
        if r.protocol != 3 && !r.cloned {
            out.push_str(&format!("proto {} ", proto_name(r.protocol)));
        }
        if r.scope != 0 && !r.cloned {
            out.push_str(&format!("scope {} ", scope_name(r.scope)));
        }
        if let Some(s) = r.prefsrc {
            out.push_str(&format!("src {s} "));
        }
        if let Some(m) = r.metric {
            out.push_str(&format!("metric {m} "));
        }
        for w in flag_words(r.flags) {
            out.push_str(&format!("{w} "));
        }
        if let Some(u) = r.uid {
            out.push_str(&format!("uid {u} "));
        }
        if r.cloned {
            out.push_str("\n    cache ");
            let names = cache_words(r.flags);
            if !names.is_empty() {
                out.push_str(&format!("<{}> ", names.join(",")));
            }
        }
        if let Some(e) = r.expires {
            out.push_str(&format!("expires {e}sec "));
        }
        if let Some(m) = r.mtu {
            out.push_str(&format!("mtu {m} "));
        }
        if let Some(i) = &r.iif {
            out.push_str(&format!("iif {i} "));
        }
        if let Some(p) = r.pref {
            match pref_name(p) {
                Some(n) => out.push_str(&format!("pref {n}")),
                None => out.push_str(&p.to_string()),
            }
        }
        out.push('\n');
    }
    out
}

fn json_route(j: &mut JsonWriter, r: &RouteRow, f: RouteFormat) {
    j.start_object();
    if r.kind != 1 {
        j.kv_str("type", &type_name(r.kind));
    }
    j.kv_str("dst", &dst_text(r));
    if let Some(f) = r.from {
        j.kv_str("from", &f.to_string());
    }
    if let Some(g) = r.gateway {
        j.kv_str("gateway", &g.to_string());
    }
    if let (Some(d), false) = (&r.dev, f.dev_selected) {
        j.kv_str("dev", d);
    }
    if let Some(i) = &r.iif {
        j.kv_str("iif", i);
    }
    if r.table != 0 && r.table != RT_TABLE_MAIN && !f.table_selected {
        j.kv_str("table", &table_name(r.table));
    }
    if r.protocol != 3 && !r.cloned {
        j.kv_str("protocol", &proto_name(r.protocol));
    }
    if r.scope != 0 && !r.cloned {
        j.kv_str("scope", &scope_name(r.scope));
    }
    if let Some(s) = r.prefsrc {
        j.kv_str("prefsrc", &s.to_string());
    }
    if let Some(m) = r.metric {
        j.kv_num("metric", m);
    }
    j.name("flags");
    j.start_array();
    for w in flag_words(r.flags) {
        j.string(w);
    }
    j.end_array();
    if let Some(u) = r.uid {
        j.kv_num("uid", u);
    }
    if r.cloned {
        j.name("cache");
        j.start_array();
        for w in cache_words(r.flags) {
            j.string(w);
        }
        j.end_array();
    }
    if let Some(e) = r.expires {
        j.kv_num("expires", e);
    }
    if let Some(m) = r.mtu {
        j.name("metrics");
        j.start_array();
        j.start_object();
        j.kv_num("mtu", m);
        j.end_object();
        j.end_array();
    }
    if let Some(p) = r.pref {
        match pref_name(p) {
            Some(n) => j.kv_str("pref", n),
            None => j.kv_num("pref", p),
        }
    }
    j.end_object();
}

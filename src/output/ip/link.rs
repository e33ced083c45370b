//! `ip link show` output (iproute2 6.1 ip/ipaddress.c: print_linkinfo,
//! print_linkinfo_brief, print_link_flags; lib/utils.c:
//! print_name_and_link), text and JSON.

use std::collections::HashMap;

use super::{link_kind, JsonWriter};
use crate::model::{Link, IFF_UP};

/// What the printer needs beyond the link itself: the names and flags of
/// the other links of the namespace (iproute2's ll_map cache) and the names
/// of the peer namespaces by netnsid (iproute2 get_name_from_nsid).
#[derive(Debug, Default)]
pub struct LinkNames {
    pub by_index: HashMap<u32, (String, u32)>,
    pub nsid_names: HashMap<i32, String>,
}

impl LinkNames {
    /// iproute2 ll_index_to_name: the name, or `if%d`.
    pub fn name(&self, index: u32) -> String {
        match self.by_index.get(&index) {
            Some((n, _)) => n.clone(),
            None => format!("if{index}"),
        }
    }
    /// iproute2 ll_index_to_flags: the flags, or -1 (every bit set, so
    /// not M-DOWN) for an index the namespace does not have (an `-6`
    /// listing's reduced message names the peer of a veth in another
    /// namespace without IFLA_LINK_NETNSID).
    fn flags(&self, index: u32) -> u32 {
        self.by_index
            .get(&index)
            .map(|(_, f)| *f)
            .unwrap_or(u32::MAX)
    }
}

/// Output options of `ip link show`.
#[derive(Debug, Default, Clone, Copy)]
pub struct LinkFormat {
    pub brief: bool,
    pub oneline: bool,
    pub json: bool,
    pub pretty: bool,
    /// `-s`.
    pub stats: bool,
    /// `-s -s`: the error counters in detail too.
    pub stats_detail: bool,
    /// `-d` (text only; links without kind-specific data).
    pub details: bool,
    /// The link part of `ip addr show` (iproute2 print_linkinfo without
    /// do_link: no mode, no af_spec (addrgenmode) and the alias only with
    /// `-d`; the stats are printed after the addresses by
    /// ipaddr_list_flush_or_save, output::ip::addr).
    pub for_addr: bool,
    /// A `-4`/`-6` family filter (`ip addr`): no `link/…` part unless `-d`.
    pub family_filter: bool,
}

const OPER_STATES: [&str; 7] = [
    "UNKNOWN",
    "NOTPRESENT",
    "DOWN",
    "LOWERLAYERDOWN",
    "TESTING",
    "DORMANT",
    "UP",
];
const LINK_MODES: [&str; 2] = ["DEFAULT", "DORMANT"];

/// IFF_* names in print_link_flags order (include/uapi/linux/if.h values).
const FLAG_NAMES: [(u32, &str); 18] = [
    (0x8, "LOOPBACK"),
    (0x2, "BROADCAST"),
    (0x10, "POINTOPOINT"),
    (0x1000, "MULTICAST"),
    (0x80, "NOARP"),
    (0x200, "ALLMULTI"),
    (0x100, "PROMISC"),
    (0x400, "MASTER"),
    (0x800, "SLAVE"),
    (0x4, "DEBUG"),
    (0x8000, "DYNAMIC"),
    (0x4000, "AUTOMEDIA"),
    (0x2000, "PORTSEL"),
    (0x20, "NOTRAILERS"),
    (0x1, "UP"),
    (0x10000, "LOWER_UP"),
    (0x20000, "DORMANT"),
    (0x40000, "ECHO"),
];
/// IFF_RUNNING.
const IFF_RUNNING: u32 = 0x40;
/// IFF_POINTOPOINT.
const IFF_POINTOPOINT: u32 = 0x10;

/// The words of print_link_flags (without `<`/`>`).
fn flag_words(mut flags: u32, mdown: bool) -> Vec<String> {
    let mut v = Vec::new();
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        v.push("NO-CARRIER".to_string());
    }
    flags &= !IFF_RUNNING;
    for (bit, name) in FLAG_NAMES {
        if flags & bit != 0 {
            flags &= !bit;
            v.push(name.to_string());
        }
    }
    if flags != 0 {
        v.push(format!("{flags:x}"));
    }
    if mdown {
        v.push("M-DOWN".to_string());
    }
    v
}

/// iproute2 ll_type_n2a (lib/ll_types.c), for the types this kernel makes.
fn link_type_name(t: u16) -> String {
    match t {
        1 => "ether".into(),
        772 => "loopback".into(),
        768 => "ipip".into(),
        776 => "sit".into(),
        778 => "gre".into(),
        65534 => "none".into(),
        65535 => "void".into(),
        t => format!("[{t}]"),
    }
}

/// iproute2 ll_addr_n2a: bytes as `xx:xx:…`.
fn hw_addr(a: &[u8]) -> String {
    let v: Vec<String> = a.iter().map(|b| format!("{b:02x}")).collect();
    v.join(":")
}

/// print_name_and_link: the displayed name (`name@peer`) and M-DOWN flag.
pub(crate) fn name_and_link(l: &Link, names: &LinkNames) -> (String, bool) {
    match l.link {
        Some(0) => (format!("{}@NONE", l.name), false),
        Some(i) if l.link_netnsid.is_some() => (format!("{}@if{i}", l.name), false),
        Some(i) => (
            format!("{}@{}", l.name, names.name(i)),
            names.flags(i) & IFF_UP == 0,
        ),
        None => (l.name.clone(), false),
    }
}

/// Render `ip link show` for `links`. `None` is a link the kernel returned
/// but iproute2 filters itself (`up`, `type X_slave`): its JSON object is
/// opened before the filter, so it shows as `{}` (ipaddress.c:
/// ipaddr_list_flush_or_save); text prints nothing for it.
pub fn render(links: &[Option<Link>], names: &LinkNames, f: LinkFormat) -> String {
    if f.json {
        let mut j = JsonWriter::new(f.pretty);
        j.start_array();
        for l in links {
            match l {
                Some(l) => json_link(&mut j, l, names, f),
                None => {
                    j.start_object();
                    j.end_object();
                }
            }
        }
        j.end_array();
        return j.finish();
    }
    let mut out = String::new();
    for l in links.iter().flatten() {
        if f.brief {
            brief_link(&mut out, l, names);
        } else {
            text_link(&mut out, l, names, f);
        }
    }
    out
}

fn brief_link(out: &mut String, l: &Link, names: &LinkNames) {
    let (name, mdown) = name_and_link(l, names);
    out.push_str(&format!("{name:<16} "));
    if let Some(s) = l.operstate {
        match OPER_STATES.get(s as usize) {
            Some(n) => out.push_str(&format!("{n:<14} ")),
            None => out.push_str(&format!("state {s:#x}")),
        }
    }
    if let Some(a) = &l.address {
        out.push_str(&hw_addr(a));
        out.push(' ');
    }
    out.push('<');
    out.push_str(&flag_words(l.flags, mdown).join(","));
    out.push_str("> \n");
}

pub(crate) fn text_link(out: &mut String, l: &Link, names: &LinkNames, f: LinkFormat) {
    let sl = if f.oneline { "\\" } else { "\n" };
    let (name, mdown) = name_and_link(l, names);
    out.push_str(&format!("{}: {}: <", l.index, name));
    out.push_str(&flag_words(l.flags, mdown).join(","));
    out.push_str("> ");
    if let Some(m) = l.mtu {
        out.push_str(&format!("mtu {m} "));
    }
    if let Some(q) = &l.qdisc {
        out.push_str(&format!("qdisc {q} "));
    }
    if let Some(m) = l.master {
        out.push_str(&format!("master {} ", names.name(m)));
    }
    if let Some(s) = l.operstate {
        match OPER_STATES.get(s as usize) {
            Some(n) => out.push_str(&format!("state {n} ")),
            None => out.push_str(&format!("state {s:#x}")),
        }
    }
    if let Some(m) = l.linkmode.filter(|_| !f.for_addr) {
        match LINK_MODES.get(m as usize) {
            Some(n) => out.push_str(&format!("mode {n} ")),
            None => out.push_str(&format!("mode {m} ")),
        }
    }
    if let Some(g) = l.group {
        out.push_str(&format!("group {} ", group_name(g)));
    }
    if let Some(q) = l.txqlen.filter(|q| *q != 0) {
        out.push_str(&format!("qlen {q}"));
    }
    if !f.family_filter || f.details {
        out.push_str(sl);
        out.push_str(&format!("    link/{} ", link_type_name(l.link_type)));
        if let Some(a) = &l.address {
            out.push_str(&hw_addr(a));
        }
        if let Some(b) = &l.broadcast {
            out.push_str(if l.flags & IFF_POINTOPOINT != 0 {
                " peer "
            } else {
                " brd "
            });
            out.push_str(&hw_addr(b));
        }
        if let Some(p) = &l.perm_address {
            if l.address.as_ref() != Some(p) {
                out.push_str(" permaddr ");
                out.push_str(&hw_addr(p));
            }
        }
    }
    if let Some(id) = l.link_netnsid {
        if id >= 0 {
            match names.nsid_names.get(&id) {
                Some(n) => out.push_str(&format!(" link-netns {n}")),
                None => out.push_str(&format!(" link-netnsid {id}")),
            }
        } else {
            out.push_str(" link-netnsid unknown");
        }
    }
    if l.proto_down == Some(1) {
        out.push_str(" protodown on ");
    }
    if f.details {
        text_details(out, l, names, sl, f.for_addr);
    }
    // print_linkinfo: `(do_link || show_details) && tb[IFLA_IFALIAS]`.
    if let Some(a) = l.alias.as_ref().filter(|_| !f.for_addr || f.details) {
        out.push_str(&format!("{sl}    alias {a}"));
    }
    if f.stats && !f.for_addr {
        if let Some(s) = &l.stats64 {
            out.push_str(sl);
            text_stats(out, s, sl, f.stats_detail);
        }
    }
    out.push('\n');
}

/// rtnl_group_n2a without /etc/iproute2/group: 0 is "default".
fn group_name(g: u32) -> String {
    if g == 0 {
        "default".into()
    } else {
        g.to_string()
    }
}

fn json_link(j: &mut JsonWriter, l: &Link, names: &LinkNames, f: LinkFormat) {
    j.start_object();
    json_link_fields(j, l, names, f);
    j.end_object();
}

/// The members of a link's JSON object (the `ip addr` listing adds its
/// `addr_info` after them).
pub(crate) fn json_link_fields(j: &mut JsonWriter, l: &Link, names: &LinkNames, f: LinkFormat) {
    if !f.brief {
        j.kv_num("ifindex", l.index);
    }
    let mut mdown = false;
    match l.link {
        Some(0) => j.kv_null("link"),
        Some(i) if l.link_netnsid.is_some() => j.kv_num("link_index", i),
        Some(i) => {
            j.kv_str("link", &names.name(i));
            mdown = names.flags(i) & IFF_UP == 0;
        }
        None => {}
    }
    j.kv_str("ifname", &l.name);
    let flags_json = |j: &mut JsonWriter| {
        j.name("flags");
        j.start_array();
        for w in flag_words(l.flags, mdown) {
            j.string(&w);
        }
        j.end_array();
    };
    if f.brief {
        if let Some(s) = l.operstate {
            json_operstate(j, s);
        }
        // print_linkinfo_brief: the address and flags only for `ip link`
        // (filter.family AF_PACKET).
        if f.for_addr {
            return;
        }
        if let Some(a) = &l.address {
            j.kv_str("address", &hw_addr(a));
        }
        flags_json(j);
        return;
    }
    flags_json(j);
    if let Some(m) = l.mtu {
        j.kv_num("mtu", m);
    }
    if let Some(q) = &l.qdisc {
        j.kv_str("qdisc", q);
    }
    if let Some(m) = l.master {
        j.kv_str("master", &names.name(m));
    }
    if let Some(s) = l.operstate {
        json_operstate(j, s);
    }
    if let Some(m) = l.linkmode.filter(|_| !f.for_addr) {
        match LINK_MODES.get(m as usize) {
            Some(n) => j.kv_str("linkmode", n),
            None => j.kv_num("linkmode_index", m),
        }
    }
    if let Some(g) = l.group {
        j.kv_str("group", &group_name(g));
    }
    if let Some(q) = l.txqlen.filter(|q| *q != 0) {
        j.kv_num("txqlen", q);
    }
    if !f.family_filter || f.details {
        j.kv_str("link_type", &link_type_name(l.link_type));
        if let Some(a) = &l.address {
            j.kv_str("address", &hw_addr(a));
        }
        if let Some(b) = &l.broadcast {
            if l.flags & IFF_POINTOPOINT != 0 {
                j.kv_bool("link_pointtopoint", true);
            }
            j.kv_str("broadcast", &hw_addr(b));
        }
        if let Some(p) = &l.perm_address {
            if l.address.as_ref() != Some(p) {
                j.kv_str("permaddr", &hw_addr(p));
            }
        }
    }
    if let Some(id) = l.link_netnsid {
        j.kv_num("link_netnsid", id);
    }
    if l.proto_down == Some(1) {
        j.kv_bool("proto_down", true);
    }
    if f.details {
        json_details(j, l, names, f.for_addr);
    }
    if let Some(a) = l.alias.as_ref().filter(|_| !f.for_addr || f.details) {
        j.kv_str("ifalias", a);
    }
    if f.stats && !f.for_addr {
        if let Some(s) = &l.stats64 {
            json_stats(j, s, f.stats_detail);
        }
    }
}

fn json_operstate(j: &mut JsonWriter, s: u8) {
    match OPER_STATES.get(s as usize) {
        Some(n) => j.kv_str("operstate", n),
        None => j.kv_num("operstate_index", s),
    }
}

/// The `show_details` part of print_linkinfo, for links whose kind has no
/// kind-specific data (veth, loopback); the executor hands other kinds to
/// the real tool. `for_addr`: the `ip addr` listing, where print_af_spec
/// (addrgenmode) is left out (it needs do_link).
fn text_details(out: &mut String, l: &Link, names: &LinkNames, sl: &str, for_addr: bool) {
    let d = &l.details;
    if let Some(v) = l.promiscuity {
        out.push_str(&format!(" promiscuity {v} "));
    }
    if let Some(v) = d.allmulti {
        out.push_str(&format!(" allmulti {v} "));
    }
    if let Some(v) = d.min_mtu {
        out.push_str(&format!("minmtu {v} "));
    }
    if let Some(v) = d.max_mtu {
        out.push_str(&format!("maxmtu {v} "));
    }
    if let Some(k) = &l.kind {
        out.push_str(&format!("{sl}    {k} "));
        out.push_str(&link_kind::kind_text(k, l.kind_data.as_ref()));
    }
    if let Some(k) = &l.slave_kind {
        out.push_str(&format!("{sl}    {k}_slave "));
        out.push_str(&link_kind::slave_text(l.slave_data.as_ref(), &|i| {
            names.name(i)
        }));
    }
    if let Some(m) = d.addrgenmode.filter(|_| !for_addr) {
        out.push_str(&format!("addrgenmode {} ", addrgenmode(m)));
    }
    let rest = [
        ("numtxqueues", d.num_tx_queues),
        ("numrxqueues", d.num_rx_queues),
        ("gso_max_size", d.gso_max_size),
        ("gso_max_segs", d.gso_max_segs),
        ("tso_max_size", d.tso_max_size),
        ("tso_max_segs", d.tso_max_segs),
        ("gro_max_size", d.gro_max_size),
    ];
    for (k, v) in rest {
        if let Some(v) = v {
            out.push_str(&format!("{k} {v} "));
        }
    }
}

/// print_af_spec: IFLA_INET6_ADDR_GEN_MODE by name (`%#.2hhx` otherwise).
fn addrgenmode(m: u8) -> String {
    match m {
        0 => "eui64".into(),
        1 => "none".into(),
        2 => "stable_secret".into(),
        3 => "random".into(),
        m => format!("{m:#04x}"),
    }
}

/// print_linkinfo's `show_details` block, JSON (`for_addr`: as
/// [`text_details`]).
fn json_details(j: &mut JsonWriter, l: &Link, names: &LinkNames, for_addr: bool) {
    let d = &l.details;
    if let Some(v) = l.promiscuity {
        j.kv_num("promiscuity", v);
    }
    if let Some(v) = d.allmulti {
        j.kv_num("allmulti", v);
    }
    if let Some(v) = d.min_mtu {
        j.kv_num("min_mtu", v);
    }
    if let Some(v) = d.max_mtu {
        j.kv_num("max_mtu", v);
    }
    if l.kind.is_some() || l.slave_kind.is_some() {
        j.name("linkinfo");
        j.start_object();
        if let Some(k) = &l.kind {
            j.kv_str("info_kind", k);
            link_kind::kind_json(j, k, l.kind_data.as_ref());
        }
        if let Some(k) = &l.slave_kind {
            j.kv_str("info_slave_kind", k);
            link_kind::slave_json(j, l.slave_data.as_ref(), &|i| names.name(i));
        }
        j.end_object();
    }
    if let Some(m) = d.addrgenmode.filter(|_| !for_addr) {
        j.kv_str("inet6_addr_gen_mode", &addrgenmode(m));
    }
    let rest = [
        ("num_tx_queues", d.num_tx_queues),
        ("num_rx_queues", d.num_rx_queues),
        ("gso_max_size", d.gso_max_size),
        ("gso_max_segs", d.gso_max_segs),
        ("tso_max_size", d.tso_max_size),
        ("tso_max_segs", d.tso_max_segs),
        ("gro_max_size", d.gro_max_size),
    ];
    for (k, v) in rest {
        if let Some(v) = v {
            j.kv_num(k, v);
        }
    }
}

/// Digits of `v` (iproute2 size_columns).
fn digits(v: u64) -> usize {
    v.to_string().len()
}

/// A counter right-aligned in its column, and the blank after it.
fn stats_num(out: &mut String, w: usize, v: u64) {
    out.push_str(&format!("{v:>w$} "));
}

/// The heading and the counters of one direction (`RX:`/`TX:`) of
/// print_stats64; the seventh column, compressed, only when nonzero.
fn stats_pair(
    out: &mut String,
    dir: &str,
    names: [&str; 6],
    vals: [u64; 6],
    compressed: u64,
    cols: &[usize],
    sl: &str,
) {
    out.push_str(&format!(
        "    {dir}: {:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$} {:>w6$}{sl}",
        names[0],
        names[1],
        names[2],
        names[3],
        names[4],
        names[5],
        if compressed != 0 { "compressed" } else { "" },
        w0 = cols[0] - 4,
        w1 = cols[1],
        w2 = cols[2],
        w3 = cols[3],
        w4 = cols[4],
        w5 = cols[5],
        w6 = cols[6],
    ));
    out.push_str("    ");
    for (i, v) in vals.into_iter().enumerate() {
        stats_num(out, cols[i], v);
    }
    if compressed != 0 {
        stats_num(out, cols[6], compressed);
    }
}

/// ipaddress.c print_stats64, text; `detail`: `-s -s`.
pub(crate) fn text_stats(out: &mut String, s: &crate::model::LinkStats, sl: &str, detail: bool) {
    let mut cols = [10usize, 7, 6, 7, 7, 7, 10, 9];
    let mut size = |vals: [u64; 8]| {
        for (c, v) in cols.iter_mut().zip(vals) {
            *c = (*c).max(digits(v));
        }
    };
    size([
        s.rx_bytes,
        s.rx_packets,
        s.rx_errors,
        s.rx_dropped,
        s.rx_missed_errors,
        s.multicast,
        s.rx_compressed,
        0,
    ]);
    if detail {
        size([
            0,
            s.rx_length_errors,
            s.rx_crc_errors,
            s.rx_frame_errors,
            s.rx_fifo_errors,
            s.rx_over_errors,
            s.rx_nohandler,
            s.rx_otherhost_dropped,
        ]);
    }
    size([
        s.tx_bytes,
        s.tx_packets,
        s.tx_errors,
        s.tx_dropped,
        s.tx_carrier_errors,
        s.collisions,
        s.tx_compressed,
        0,
    ]);
    if detail {
        size([
            0,
            0,
            s.tx_aborted_errors,
            s.tx_fifo_errors,
            s.tx_window_errors,
            s.tx_heartbeat_errors,
            u64::from(s.carrier_changes.unwrap_or(0)),
            0,
        ]);
    }

    let rx = [
        s.rx_bytes,
        s.rx_packets,
        s.rx_errors,
        s.rx_dropped,
        s.rx_missed_errors,
        s.multicast,
    ];
    let names = ["bytes", "packets", "errors", "dropped", "missed", "mcast"];
    stats_pair(out, "RX", names, rx, s.rx_compressed, &cols, sl);
    if detail {
        out.push_str(sl);
        let opt = |on: bool, w: usize, t: &str| {
            if on {
                format!("{t:>w$}", w = w + 1)
            } else {
                String::new()
            }
        };
        out.push_str(&format!(
            "    RX errors:{:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}{}{}{sl}",
            "",
            "length",
            "crc",
            "frame",
            "fifo",
            "overrun",
            opt(s.rx_nohandler != 0, cols[6], " nohandler"),
            opt(s.rx_otherhost_dropped != 0, cols[7], " otherhost"),
            w0 = cols[0] - 10,
            w1 = cols[1],
            w2 = cols[2],
            w3 = cols[3],
            w4 = cols[4],
            w5 = cols[5],
        ));
        out.push_str(&" ".repeat(cols[0] + 5));
        for (i, v) in [
            s.rx_length_errors,
            s.rx_crc_errors,
            s.rx_frame_errors,
            s.rx_fifo_errors,
            s.rx_over_errors,
        ]
        .into_iter()
        .enumerate()
        {
            stats_num(out, cols[i + 1], v);
        }
        if s.rx_nohandler != 0 {
            stats_num(out, cols[6], s.rx_nohandler);
        }
        if s.rx_otherhost_dropped != 0 {
            stats_num(out, cols[7], s.rx_otherhost_dropped);
        }
    }
    out.push_str(sl);
    let tx = [
        s.tx_bytes,
        s.tx_packets,
        s.tx_errors,
        s.tx_dropped,
        s.tx_carrier_errors,
        s.collisions,
    ];
    let names = [
        "bytes", "packets", "errors", "dropped", "carrier", "collsns",
    ];
    stats_pair(out, "TX", names, tx, s.tx_compressed, &cols, sl);
    if detail {
        out.push_str(sl);
        out.push_str(&format!(
            "    TX errors:{:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}{sl}",
            "",
            "aborted",
            "fifo",
            "window",
            "heartbt",
            if s.carrier_changes.is_some() {
                "transns"
            } else {
                ""
            },
            w0 = cols[0] - 10,
            w1 = cols[1],
            w2 = cols[2],
            w3 = cols[3],
            w4 = cols[4],
            w5 = cols[5],
        ));
        out.push_str(&" ".repeat(cols[0] + 5));
        for (i, v) in [
            s.tx_aborted_errors,
            s.tx_fifo_errors,
            s.tx_window_errors,
            s.tx_heartbeat_errors,
        ]
        .into_iter()
        .enumerate()
        {
            stats_num(out, cols[i + 1], v);
        }
        if let Some(c) = s.carrier_changes {
            stats_num(out, cols[5], u64::from(c));
        }
    }
}

/// ipaddress.c print_stats64, JSON; `detail`: `-s -s`.
pub(crate) fn json_stats(j: &mut JsonWriter, s: &crate::model::LinkStats, detail: bool) {
    j.name("stats64");
    j.start_object();
    j.name("rx");
    j.start_object();
    j.kv_num("bytes", s.rx_bytes);
    j.kv_num("packets", s.rx_packets);
    j.kv_num("errors", s.rx_errors);
    j.kv_num("dropped", s.rx_dropped);
    j.kv_num("over_errors", s.rx_over_errors);
    j.kv_num("multicast", s.multicast);
    if s.rx_compressed != 0 {
        j.kv_num("compressed", s.rx_compressed);
    }
    if detail {
        j.kv_num("length_errors", s.rx_length_errors);
        j.kv_num("crc_errors", s.rx_crc_errors);
        j.kv_num("frame_errors", s.rx_frame_errors);
        j.kv_num("fifo_errors", s.rx_fifo_errors);
        j.kv_num("missed_errors", s.rx_missed_errors);
        if s.rx_nohandler != 0 {
            j.kv_num("nohandler", s.rx_nohandler);
        }
        if s.rx_otherhost_dropped != 0 {
            j.kv_num("otherhost", s.rx_otherhost_dropped);
        }
    }
    j.end_object();
    j.name("tx");
    j.start_object();
    j.kv_num("bytes", s.tx_bytes);
    j.kv_num("packets", s.tx_packets);
    j.kv_num("errors", s.tx_errors);
    j.kv_num("dropped", s.tx_dropped);
    j.kv_num("carrier_errors", s.tx_carrier_errors);
    j.kv_num("collisions", s.collisions);
    if s.tx_compressed != 0 {
        j.kv_num("compressed", s.tx_compressed);
    }
    if detail {
        j.kv_num("aborted_errors", s.tx_aborted_errors);
        j.kv_num("fifo_errors", s.tx_fifo_errors);
        j.kv_num("window_errors", s.tx_window_errors);
        j.kv_num("heartbeat_errors", s.tx_heartbeat_errors);
        if let Some(c) = s.carrier_changes {
            j.kv_num("carrier_changes", u64::from(c));
        }
    }
    j.end_object();
    j.end_object();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_like_iproute2() {
        assert_eq!(
            flag_words(0x1003, false).join(","),
            "NO-CARRIER,BROADCAST,MULTICAST,UP"
        );
        assert_eq!(
            flag_words(0x1002, true).join(","),
            "BROADCAST,MULTICAST,M-DOWN"
        );
        assert_eq!(flag_words(0x10049, false).join(","), "LOOPBACK,UP,LOWER_UP");
    }
}

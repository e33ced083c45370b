//! `ip addr show` output (iproute2 6.1 ip/ipaddress.c:
//! ipaddr_list_flush_or_save, print_selected_addrinfo, print_addrinfo):
//! each link's part as `ip link` prints it without mode/alias/stats, then
//! its addresses, then (`-s`) its counters; `-br` and `-o` forms (no
//! counters there, as print_linkinfo returns 0 for them) and JSON
//! `addr_info`.

use std::net::IpAddr;

use super::link::{
    json_link_fields, json_stats, name_and_link, text_link, text_stats, LinkFormat, LinkNames,
};
use super::{scope_name, JsonWriter};
use crate::model::Link;

/// One address as print_addrinfo sees it.
#[derive(Debug, Clone)]
pub struct AddrRow {
    pub index: u32,
    pub local: IpAddr,
    /// IFA_ADDRESS when it differs from IFA_LOCAL (a peer).
    pub peer: Option<IpAddr>,
    pub prefix_len: u8,
    pub broadcast: Option<IpAddr>,
    pub scope: u8,
    pub flags: u32,
    pub label: Option<String>,
    /// (valid, preferred) lifetimes in seconds, u32::MAX = forever.
    pub lifetimes: Option<(u32, u32)>,
    pub metric: Option<u32>,
}

/// ifa_flag_data of ipaddress.c, in its order (IFA_F_* values).
const FLAGS: [(u32, &str); 12] = [
    (0x01, "secondary"),
    (0x02, "nodad"),
    (0x04, "optimistic"),
    (0x08, "dadfailed"),
    (0x10, "home"),
    (0x20, "deprecated"),
    (0x40, "tentative"),
    (0x80, "permanent"),
    (0x100, "mngtmpaddr"),
    (0x200, "noprefixroute"),
    (0x400, "autojoin"),
    (0x800, "stable-privacy"),
];

fn family(a: &IpAddr) -> &'static str {
    if a.is_ipv4() {
        "inet"
    } else {
        "inet6"
    }
}

/// print_ifa_flags: the words, or (JSON) the keys.
fn flag_words(a: &AddrRow) -> (Vec<&'static str>, u32) {
    let mut words = Vec::new();
    let mut rest = a.flags;
    for (bit, name) in FLAGS {
        if bit == 0x80 {
            if a.flags & bit == 0 {
                words.push("dynamic");
            }
        } else if a.flags & bit != 0 {
            words.push(if bit == 0x01 && a.local.is_ipv6() {
                "temporary"
            } else {
                name
            });
        }
        rest &= !bit;
    }
    (words, rest)
}

fn lifetime(v: u32) -> String {
    if v == u32::MAX {
        "forever".into()
    } else {
        format!("{v}sec")
    }
}

/// One address line (text), `sl` the line separator (`\` with `-o`).
fn text_addr(out: &mut String, a: &AddrRow, sl: &str) {
    out.push_str(&format!("    {} {}", family(&a.local), a.local));
    if let Some(p) = a.peer {
        out.push_str(&format!(" peer {p}"));
    }
    out.push_str(&format!("/{} ", a.prefix_len));
    if let Some(m) = a.metric {
        out.push_str(&format!("metric {m} "));
    }
    if let Some(b) = a.broadcast {
        out.push_str(&format!("brd {b} "));
    }
    out.push_str(&format!("scope {} ", scope_name(a.scope)));
    let (words, rest) = flag_words(a);
    for w in words {
        out.push_str(&format!("{w} "));
    }
    if rest != 0 {
        out.push_str(&format!("flags {rest:02x} "));
    }
    if let Some(l) = &a.label {
        out.push_str(l);
    }
    if let Some((valid, pref)) = a.lifetimes {
        out.push_str(sl);
        out.push_str(&format!(
            "       valid_lft {} preferred_lft {}",
            lifetime(valid),
            if pref != u32::MAX && a.flags & 0x20 != 0 {
                format!("{}sec", pref as i32)
            } else {
                lifetime(pref)
            }
        ));
    }
    out.push('\n');
}

/// One `addr_info` member; `brief` (`-j -br`): print_addrinfo's brief
/// part only (local, peer, prefix length, metric).
fn json_addr(j: &mut JsonWriter, a: &AddrRow, brief: bool) {
    j.start_object();
    if !brief {
        j.kv_str("family", family(&a.local));
    }
    j.kv_str("local", &a.local.to_string());
    if let Some(p) = a.peer {
        j.kv_str("address", &p.to_string());
    }
    j.kv_num("prefixlen", a.prefix_len);
    if let Some(m) = a.metric {
        j.kv_num("metric", m);
    }
    if brief {
        j.end_object();
        return;
    }
    if let Some(b) = a.broadcast {
        j.kv_str("broadcast", &b.to_string());
    }
    j.kv_str("scope", &scope_name(a.scope));
    let (words, rest) = flag_words(a);
    for w in words {
        j.kv_bool(w, true);
    }
    if rest != 0 {
        j.kv_str("ifa_flags", &format!("{rest:02x}"));
    }
    if let Some(l) = &a.label {
        j.kv_str("label", l);
    }
    if let Some((valid, pref)) = a.lifetimes {
        j.kv_num("valid_life_time", valid);
        if pref != u32::MAX && a.flags & 0x20 != 0 {
            j.kv_num("preferred_life_time", pref as i32);
        } else {
            j.kv_num("preferred_life_time", pref);
        }
    }
    j.end_object();
}

/// The listing: `links` in order with their addresses (already filtered).
///
/// A link left out by `up` is still an empty object in JSON (iproute2
/// opens it before the filter): `None` there.
pub fn render(links: &[Option<(Link, Vec<AddrRow>)>], names: &LinkNames, f: LinkFormat) -> String {
    if f.json {
        let mut j = JsonWriter::new(f.pretty);
        j.start_array();
        for entry in links {
            let Some((l, addrs)) = entry else {
                j.start_object();
                j.end_object();
                continue;
            };
            j.start_object();
            json_link_fields(&mut j, l, names, f);
            j.name("addr_info");
            j.start_array();
            for a in addrs {
                json_addr(&mut j, a, f.brief);
            }
            j.end_array();
            if let Some(s) = l.stats64.as_ref().filter(|_| f.stats && !f.brief) {
                json_stats(&mut j, s, f.stats_detail);
            }
            j.end_object();
        }
        j.end_array();
        return j.finish();
    }
    let mut out = String::new();
    for (l, addrs) in links.iter().flatten() {
        if f.brief {
            let (name, _) = name_and_link(l, names);
            out.push_str(&format!("{name:<16} "));
            if let Some(s) = l.operstate {
                const STATES: [&str; 7] = [
                    "UNKNOWN",
                    "NOTPRESENT",
                    "DOWN",
                    "LOWERLAYERDOWN",
                    "TESTING",
                    "DORMANT",
                    "UP",
                ];
                match STATES.get(s as usize) {
                    Some(n) => out.push_str(&format!("{n:<14} ")),
                    None => out.push_str(&format!("state {s:#x}")),
                }
            }
            for a in addrs {
                out.push_str(&a.local.to_string());
                if let Some(p) = a.peer {
                    out.push_str(&format!(" peer {p}"));
                }
                out.push_str(&format!("/{} ", a.prefix_len));
                if let Some(m) = a.metric {
                    out.push_str(&format!("metric {m} "));
                }
            }
            out.push('\n');
        } else if f.oneline {
            for a in addrs {
                out.push_str(&format!("{}: {}", l.index, l.name));
                text_addr(&mut out, a, "\\");
            }
        } else {
            text_link(&mut out, l, names, f);
            for a in addrs {
                text_addr(&mut out, a, "\n");
            }
            // print_link_stats after print_selected_addrinfo.
            if let Some(s) = l.stats64.as_ref().filter(|_| f.stats) {
                text_stats(&mut out, s, "\n", f.stats_detail);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lo() -> (Link, Vec<AddrRow>) {
        let l = Link {
            index: 1,
            name: "lo".into(),
            flags: 0x10049,
            link_type: 772,
            mtu: Some(65536),
            operstate: Some(0),
            address: Some(vec![0; 6]),
            stats64: Some(crate::model::LinkStats::default()),
            ..Default::default()
        };
        let a = AddrRow {
            index: 1,
            local: "::1".parse().unwrap(),
            peer: None,
            prefix_len: 128,
            broadcast: None,
            scope: 254,
            flags: 0x80,
            label: None,
            lifetimes: Some((u32::MAX, u32::MAX)),
            metric: None,
        };
        (l, vec![a])
    }

    #[test]
    fn stats_after_the_addresses() {
        let f = LinkFormat {
            stats: true,
            for_addr: true,
            family_filter: true,
            ..Default::default()
        };
        let text = render(&[Some(lo())], &LinkNames::default(), f);
        assert_eq!(
            text,
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN \n    \
             inet6 ::1/128 scope host \n       \
             valid_lft forever preferred_lft forever\n    \
             RX:  bytes packets errors dropped  missed   mcast           \n    \
             \u{20}        0       0      0       0       0       0 \n    \
             TX:  bytes packets errors dropped carrier collsns           \n    \
             \u{20}        0       0      0       0       0       0 \n"
        );
        // -o and -br: no counters (print_linkinfo returned 0).
        let o = render(
            &[Some(lo())],
            &LinkNames::default(),
            LinkFormat { oneline: true, ..f },
        );
        assert!(!o.contains("RX:"));
    }

    #[test]
    fn json_brief_members() {
        let f = LinkFormat {
            json: true,
            brief: true,
            stats: true,
            for_addr: true,
            ..Default::default()
        };
        assert_eq!(
            render(&[Some(lo())], &LinkNames::default(), f),
            "[{\"ifname\":\"lo\",\"operstate\":\"UNKNOWN\",\"addr_info\":[{\"local\":\"::1\",\"prefixlen\":128}]}]\n"
        );
    }
}

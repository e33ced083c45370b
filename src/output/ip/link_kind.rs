//! Kind-specific details of `ip -d link` (iproute2 6.1 ip/iplink_bridge.c
//! `bridge_print_opt`, ip/iplink_bridge_slave.c `bridge_slave_print_opt`):
//! the `bridge …` and `bridge_slave …` words of the text form and the
//! `info_data` / `info_slave_data` objects of JSON.
//!
//! Each printer lists the attributes in iproute2's order as [`Item`]s (the
//! JSON key and value, and the text words), so text and JSON come from one
//! list.

use netlink_packet_route::link::{
    BridgeBooleanOptionFlags, BridgeId, InfoBridge, InfoBridgePort, InfoData, InfoPortData,
    VlanProtocol,
};

use super::JsonWriter;

/// A JSON value as iproute2's print_* functions write it.
enum Val {
    Num(u64),
    Str(String),
    Bool(bool),
    /// Written as is (the timers: `0.00`).
    Raw(String),
}

/// One attribute: JSON key (`None`: text only), value, text words.
struct Item {
    key: Option<&'static str>,
    val: Val,
    text: String,
}

fn num(key: &'static str, text: &str, v: impl Into<u64>) -> Item {
    let v = v.into();
    Item {
        key: Some(key),
        val: Val::Num(v),
        text: format!("{text} {v} "),
    }
}

fn string(key: &'static str, text: &str, v: String) -> Item {
    Item {
        key: Some(key),
        text: format!("{text} {v} "),
        val: Val::Str(v),
    }
}

/// print_on_off.
fn on_off(key: &'static str, text: &str, v: bool) -> Item {
    Item {
        key: Some(key),
        val: Val::Bool(v),
        text: format!("{text} {} ", if v { "on" } else { "off" }),
    }
}

/// print_0xhex: `%#llx` in both forms (JSON as a string).
fn hex(key: &'static str, text: &str, v: u16) -> Item {
    let s = if v == 0 {
        "0".to_string()
    } else {
        format!("{v:#x}")
    };
    Item {
        key: Some(key),
        text: format!("{text} {s} "),
        val: Val::Str(s),
    }
}

/// `_bridge_print_timer`: jiffies (USER_HZ 100) as seconds.centiseconds.
fn timer(key: &'static str, jiffies: u64) -> Item {
    let (s, cs) = (jiffies / 100, jiffies % 100);
    Item {
        key: Some(key),
        val: Val::Raw(format!("{s}.{cs:02}")),
        text: format!("{key} {s:>4}.{cs:02} "),
    }
}

/// br_dump_bridge_id: priority as 4 hex digits, the MAC as ether_ntoa
/// writes it (no leading zeros).
fn bridge_id(id: &BridgeId) -> String {
    let mac: Vec<String> = id.address.iter().map(|b| format!("{b:x}")).collect();
    format!("{:04x}.{}", id.priority, mac.join(":"))
}

fn mac(a: &[u8]) -> String {
    let v: Vec<String> = a.iter().map(|b| format!("{b:02x}")).collect();
    v.join(":")
}

/// The attributes of a bridge (`IFLA_INFO_DATA`), in bridge_print_opt order.
fn bridge_items(d: &[InfoBridge]) -> Vec<Item> {
    macro_rules! get {
        ($p:pat => $v:expr) => {
            d.iter().find_map(|a| match a {
                $p => Some($v),
                _ => None,
            })
        };
    }
    let mut v = Vec::new();
    // `attr!(printer, Variant, "json key"[, "text word"])`: push the item
    // when the attribute is there.
    macro_rules! attr {
        (timer, $var:path, $key:literal) => {
            if let Some(x) = get!($var(x) => *x) {
                v.push(timer($key, x));
            }
        };
        ($f:ident, $var:path, $key:literal) => {
            attr!($f, $var, $key, $key)
        };
        ($f:ident, $var:path, $key:literal, $text:literal) => {
            if let Some(x) = get!($var(x) => *x) {
                v.push($f($key, $text, x));
            }
        };
    }
    attr!(num, InfoBridge::ForwardDelay, "forward_delay");
    attr!(num, InfoBridge::HelloTime, "hello_time");
    attr!(num, InfoBridge::MaxAge, "max_age");
    attr!(num, InfoBridge::AgeingTime, "ageing_time");
    if let Some(x) = get!(InfoBridge::StpState(x) => u32::from(*x)) {
        v.push(num("stp_state", "stp_state", x));
    }
    attr!(num, InfoBridge::Priority, "priority");
    attr!(num, InfoBridge::VlanFiltering, "vlan_filtering");
    if let Some(x) = get!(InfoBridge::VlanProtocol(x) => *x) {
        // ll_proto_n2a: a name, else the number in hex.
        let name = match x {
            VlanProtocol::Ieee8021Q => "802.1Q".to_string(),
            VlanProtocol::Ieee8021Ad => "802.1ad".to_string(),
            other => format!("0x{:x}", u16::from(other)),
        };
        v.push(string("vlan_protocol", "vlan_protocol", name));
    }
    let br_id = get!(InfoBridge::BridgeId(x) => x);
    if let Some(x) = br_id {
        v.push(string("bridge_id", "bridge_id", bridge_id(x)));
    }
    // iproute2 6.1 prints the bridge id here too (it reads
    // IFLA_BR_BRIDGE_ID for the root id): byte-compatible on purpose.
    if get!(InfoBridge::RootId(x) => x).is_some() {
        if let Some(x) = br_id {
            v.push(string("root_id", "designated_root", bridge_id(x)));
        }
    }
    attr!(num, InfoBridge::RootPort, "root_port");
    attr!(num, InfoBridge::RootPathCost, "root_path_cost");
    attr!(num, InfoBridge::TopologyChange, "topology_change");
    attr!(
        num,
        InfoBridge::TopologyChangeDetected,
        "topology_change_detected"
    );
    attr!(timer, InfoBridge::HelloTimer, "hello_timer");
    attr!(timer, InfoBridge::TcnTimer, "tcn_timer");
    attr!(
        timer,
        InfoBridge::TopologyChangeTimer,
        "topology_change_timer"
    );
    attr!(timer, InfoBridge::GcTimer, "gc_timer");
    attr!(num, InfoBridge::VlanDefaultPvid, "vlan_default_pvid");
    attr!(num, InfoBridge::VlanStatsEnabled, "vlan_stats_enabled");
    attr!(num, InfoBridge::VlanStatsPerPort, "vlan_stats_per_port");
    attr!(hex, InfoBridge::GroupFwdMask, "group_fwd_mask");
    if let Some(x) = get!(InfoBridge::GroupAddr(x) => *x) {
        v.push(string("group_addr", "group_address", mac(&x)));
    }
    attr!(num, InfoBridge::MulticastSnooping, "mcast_snooping");
    if let Some(b) = get!(InfoBridge::MultiBoolOpt(x) => x) {
        let bit = |f: BridgeBooleanOptionFlags| (b.mask.contains(f), b.value.contains(f));
        let (m, on) = bit(BridgeBooleanOptionFlags::NoLinkLocalLearn);
        if m {
            v.push(num(
                "no_linklocal_learn",
                "no_linklocal_learn",
                u8::from(on),
            ));
        }
        let (m, on) = bit(BridgeBooleanOptionFlags::VlanMulticastSnooping);
        if m {
            v.push(num(
                "mcast_vlan_snooping",
                "mcast_vlan_snooping",
                u8::from(on),
            ));
        }
    }
    if let Some(x) = get!(InfoBridge::MulticastRouter(x) => u8::from(*x)) {
        v.push(num("mcast_router", "mcast_router", x));
    }
    attr!(
        num,
        InfoBridge::MulticastQueryUseIfaddr,
        "mcast_query_use_ifaddr"
    );
    attr!(num, InfoBridge::MulticastQuerier, "mcast_querier");
    attr!(
        num,
        InfoBridge::MulticastHashElasticity,
        "mcast_hash_elasticity"
    );
    attr!(num, InfoBridge::MulticastHashMax, "mcast_hash_max");
    attr!(
        num,
        InfoBridge::MulticastLastMemberCount,
        "mcast_last_member_cnt",
        "mcast_last_member_count"
    );
    attr!(
        num,
        InfoBridge::MulticastStartupQueryCount,
        "mcast_startup_query_cnt",
        "mcast_startup_query_count"
    );
    attr!(
        num,
        InfoBridge::MulticastLastMemberInterval,
        "mcast_last_member_intvl",
        "mcast_last_member_interval"
    );
    attr!(
        num,
        InfoBridge::MulticastMembershipInterval,
        "mcast_membership_intvl",
        "mcast_membership_interval"
    );
    attr!(
        num,
        InfoBridge::MulticastQuerierInterval,
        "mcast_querier_intvl",
        "mcast_querier_interval"
    );
    attr!(
        num,
        InfoBridge::MulticastQueryInterval,
        "mcast_query_intvl",
        "mcast_query_interval"
    );
    attr!(
        num,
        InfoBridge::MulticastQueryResponseInterval,
        "mcast_query_response_intvl",
        "mcast_query_response_interval"
    );
    attr!(
        num,
        InfoBridge::MulticastStartupQueryInterval,
        "mcast_startup_query_intvl",
        "mcast_startup_query_interval"
    );
    attr!(
        num,
        InfoBridge::MulticastStatsEnabled,
        "mcast_stats_enabled"
    );
    attr!(num, InfoBridge::MulticastIgmpVersion, "mcast_igmp_version");
    attr!(num, InfoBridge::MulticastMldVersion, "mcast_mld_version");
    attr!(num, InfoBridge::NfCallIpTables, "nf_call_iptables");
    attr!(num, InfoBridge::NfCallIp6Tables, "nf_call_ip6tables");
    attr!(num, InfoBridge::NfCallArpTables, "nf_call_arptables");
    v
}

/// port_states[] of iplink_bridge_slave.c.
const PORT_STATES: [&str; 5] = [
    "disabled",
    "listening",
    "learning",
    "forwarding",
    "blocking",
];

/// `_bitmask2str` with fwd_mask_tbl.
fn fwd_mask_str(mask: u16) -> String {
    let names = |i: u32| match i {
        0 => Some("stp"),
        2 => Some("lacp"),
        14 => Some("lldp"),
        _ => None,
    };
    let parts: Vec<String> = (0..16)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| names(i).map_or_else(|| format!("{:#x}", 1u32 << i), str::to_string))
        .collect();
    if parts.is_empty() {
        "0x0".to_string()
    } else {
        parts.join(",")
    }
}

/// The attributes of a bridge port (`IFLA_INFO_SLAVE_DATA`), in
/// bridge_slave_print_opt order; `name` resolves the backup port.
fn bridge_port_items(d: &[InfoBridgePort], name: &dyn Fn(u32) -> String) -> Vec<Item> {
    macro_rules! get {
        ($p:pat => $v:expr) => {
            d.iter().find_map(|a| match a {
                $p => Some($v),
                _ => None,
            })
        };
    }
    let mut v = Vec::new();
    // `attr!(printer, Variant, "json key"[, "text word"])`: push the item
    // when the attribute is there.
    macro_rules! attr {
        (timer, $var:path, $key:literal) => {
            if let Some(x) = get!($var(x) => *x) {
                v.push(timer($key, x));
            }
        };
        ($f:ident, $var:path, $key:literal) => {
            attr!($f, $var, $key, $key)
        };
        ($f:ident, $var:path, $key:literal, $text:literal) => {
            if let Some(x) = get!($var(x) => *x) {
                v.push($f($key, $text, x));
            }
        };
    }
    if let Some(s) = get!(InfoBridgePort::State(x) => u8::from(*x)) {
        match PORT_STATES.get(s as usize) {
            Some(n) => v.push(string("state", "state", n.to_string())),
            None => v.push(Item {
                key: Some("state_index"),
                val: Val::Num(u64::from(s)),
                text: format!("state ({s}) "),
            }),
        }
    }
    attr!(num, InfoBridgePort::Priority, "priority");
    attr!(num, InfoBridgePort::Cost, "cost");
    let flags: [(&'static str, Option<bool>); 6] = [
        ("hairpin", get!(InfoBridgePort::HairpinMode(x) => *x)),
        ("guard", get!(InfoBridgePort::Guard(x) => *x)),
        ("root_block", get!(InfoBridgePort::Protect(x) => *x)),
        ("fastleave", get!(InfoBridgePort::FastLeave(x) => *x)),
        ("learning", get!(InfoBridgePort::Learning(x) => *x)),
        ("flood", get!(InfoBridgePort::UnicastFlood(x) => *x)),
    ];
    for (k, x) in flags {
        if let Some(x) = x {
            v.push(on_off(k, k, x));
        }
    }
    attr!(hex, InfoBridgePort::PortId, "id", "port_id");
    attr!(hex, InfoBridgePort::PortNumber, "no", "port_no");
    attr!(num, InfoBridgePort::DesignatedPort, "designated_port");
    attr!(num, InfoBridgePort::DesignatedCost, "designated_cost");
    if let Some(x) = get!(InfoBridgePort::BridgeId(x) => x) {
        v.push(string("bridge_id", "designated_bridge", bridge_id(x)));
    }
    if let Some(x) = get!(InfoBridgePort::RootId(x) => x) {
        v.push(string("root_id", "designated_root", bridge_id(x)));
    }
    attr!(timer, InfoBridgePort::HoldTimer, "hold_timer");
    attr!(timer, InfoBridgePort::MessageAgeTimer, "message_age_timer");
    attr!(
        timer,
        InfoBridgePort::ForwardDelayTimer,
        "forward_delay_timer"
    );
    attr!(
        num,
        InfoBridgePort::TopologyChangeAck,
        "topology_change_ack"
    );
    attr!(num, InfoBridgePort::ConfigPending, "config_pending");
    attr!(on_off, InfoBridgePort::ProxyARP, "proxy_arp");
    attr!(on_off, InfoBridgePort::ProxyARPWifi, "proxy_arp_wifi");
    if let Some(x) = get!(InfoBridgePort::MulticastRouter(x) => u8::from(*x)) {
        v.push(num("multicast_router", "mcast_router", x));
    }
    if let Some(x) = get!(InfoBridgePort::FastLeave(x) => *x) {
        // Text only: JSON had it as "fastleave".
        v.push(Item {
            key: None,
            val: Val::Bool(x),
            text: format!("mcast_fast_leave {} ", if x { "on" } else { "off" }),
        });
    }
    attr!(on_off, InfoBridgePort::MulticastFlood, "mcast_flood");
    attr!(on_off, InfoBridgePort::BroadcastFlood, "bcast_flood");
    attr!(
        on_off,
        InfoBridgePort::MulticastToUnicast,
        "mcast_to_unicast"
    );
    attr!(on_off, InfoBridgePort::NeighSupress, "neigh_suppress");
    if let Some(x) = get!(InfoBridgePort::GroupFwdMask(x) => *x) {
        v.push(hex("group_fwd_mask", "group_fwd_mask", x));
        v.push(string(
            "group_fwd_mask_str",
            "group_fwd_mask_str",
            fwd_mask_str(x),
        ));
    }
    attr!(on_off, InfoBridgePort::VlanTunnel, "vlan_tunnel");
    attr!(on_off, InfoBridgePort::Isolated, "isolated");
    attr!(on_off, InfoBridgePort::Locked, "locked");
    if let Some(x) = get!(InfoBridgePort::BackupPort(x) => *x) {
        v.push(string("backup_port", "backup_port", name(x)));
    }
    v
}

/// Whether iproute2 6.1 prints kind data for `kind` this module knows: the
/// kinds with no print_opt (veth) and the bridge.
pub fn kind_printable(kind: &str) -> bool {
    matches!(kind, "veth" | "bridge")
}

/// Whether the slave kind's data is printable here.
pub fn slave_kind_printable(kind: &str) -> bool {
    kind == "bridge"
}

fn items_of(data: Option<&InfoData>) -> Option<Vec<Item>> {
    match data {
        Some(InfoData::Bridge(d)) => Some(bridge_items(d)),
        _ => None,
    }
}

fn slave_items_of(data: Option<&InfoPortData>, name: &dyn Fn(u32) -> String) -> Vec<Item> {
    match data {
        Some(InfoPortData::BridgePort(d)) => bridge_port_items(d, name),
        _ => Vec::new(),
    }
}

/// The text words after `    KIND ` (an empty data list prints nothing).
pub fn kind_text(kind: &str, data: Option<&InfoData>) -> String {
    if kind != "bridge" {
        return String::new();
    }
    items_of(data)
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.text)
        .collect()
}

/// The text words after `    KIND_slave `.
pub fn slave_text(data: Option<&InfoPortData>, name: &dyn Fn(u32) -> String) -> String {
    slave_items_of(data, name)
        .into_iter()
        .map(|i| i.text)
        .collect()
}

fn write_items(j: &mut JsonWriter, obj: &str, items: Vec<Item>) {
    j.name(obj);
    j.start_object();
    for i in items {
        let Some(k) = i.key else { continue };
        match i.val {
            Val::Num(n) => j.kv_num(k, n),
            Val::Str(s) => j.kv_str(k, &s),
            Val::Bool(b) => j.kv_bool(k, b),
            Val::Raw(r) => {
                j.name(k);
                j.raw(&r);
            }
        }
    }
    j.end_object();
}

/// `"info_data": {…}` for a kind with a print_opt (the bridge).
pub fn kind_json(j: &mut JsonWriter, kind: &str, data: Option<&InfoData>) {
    if kind == "bridge" {
        write_items(j, "info_data", items_of(data).unwrap_or_default());
    }
}

/// `"info_slave_data": {…}`.
pub fn slave_json(j: &mut JsonWriter, data: Option<&InfoPortData>, name: &dyn Fn(u32) -> String) {
    write_items(j, "info_slave_data", slave_items_of(data, name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridge_ids_as_ether_ntoa() {
        let id = BridgeId {
            priority: 0x8000,
            address: [0x02, 0x1a, 0xf5, 0xee, 0x54, 0x3d],
        };
        assert_eq!(bridge_id(&id), "8000.2:1a:f5:ee:54:3d");
    }

    #[test]
    fn timers_and_masks() {
        assert_eq!(timer("gc_timer", 1234).text, "gc_timer   12.34 ");
        assert_eq!(fwd_mask_str(0), "0x0");
        assert_eq!(fwd_mask_str(0b101), "stp,lacp");
        assert_eq!(fwd_mask_str(0b10), "0x2");
    }
}

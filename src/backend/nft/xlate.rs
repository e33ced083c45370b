//! iptables rules ⇄ nf_tables expressions, as iptables-nft 1.8.9 does it
//! (`iptables/nft-ipv4.c: nft_ipv4_add`, `nft-shared.c: add_iniface,
//! add_addr`, `nft.c: add_nft_tcpudp, add_match, add_target`), and back
//! (`nft-shared.c: nft_rule_to_iptables_command_state`).
//!
//! The rule is modelled as iptables itself models it: an `ipt_entry`
//! (addresses, interfaces, protocol, inversion flags) plus a list of xtables
//! matches and a target, each with its kernel info structure
//! (`include/uapi/linux/netfilter/xt_*.h`). iptables-front maps its typed
//! command model onto [`IptEntry`]; equal entries are equal rules (`-D`
//! by rule spec and `-C` compare with [`IptEntry::same_rule`]).

use std::net::Ipv4Addr;

use super::expr::*;

/// `include/uapi/linux/netfilter_ipv4/ip_tables.h`: `ipt_ip.invflags`.
pub const IPT_INV_VIA_IN: u8 = 0x01;
pub const IPT_INV_VIA_OUT: u8 = 0x02;
pub const IPT_INV_SRCIP: u8 = 0x08;
pub const IPT_INV_DSTIP: u8 = 0x10;
pub const IPT_INV_PROTO: u8 = 0x40;

/// `include/uapi/linux/netfilter/xt_tcpudp.h`
pub const XT_TCP_INV_SRCPT: u8 = 0x01;
pub const XT_TCP_INV_DSTPT: u8 = 0x02;

/// `include/uapi/linux/netfilter/nf_nat.h`
pub const NF_NAT_RANGE_MAP_IPS: u32 = 1;
pub const NF_NAT_RANGE_PROTO_SPECIFIED: u32 = 2;

/// `include/uapi/linux/netfilter/xt_conntrack.h`
pub const XT_CONNTRACK_STATE: u16 = 1 << 0;
/// Set by `-m state` (an alias of conntrack rev 3 in iptables 1.8.9), so
/// that iptables-save prints `-m state --state`.
pub const XT_CONNTRACK_STATE_ALIAS: u16 = 1 << 13;

/// `include/uapi/linux/netfilter/nf_tables.h`: `NFTA_RULE_COMPAT` flags.
const NFT_RULE_COMPAT_F_INV: u32 = 1 << 1;

const IPPROTO_TCP: u16 = 6;
const IPPROTO_UDP: u16 = 17;

/// sizeof(struct xt_conntrack_mtinfo3), XT_ALIGNed.
const CONNTRACK3_SIZE: usize = 168;
const CT3_MATCH_FLAGS: usize = 146;
const CT3_INVERT_FLAGS: usize = 148;
const CT3_STATE_MASK: usize = 150;
const CT3_STATUS_MASK: usize = 152;

/// `struct ipt_entry` + matches + target: one iptables rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IptEntry {
    pub src: Ipv4Addr,
    pub smsk: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub dmsk: Ipv4Addr,
    /// As typed, a trailing `+` being the wildcard; empty = any.
    pub iniface: String,
    pub outiface: String,
    /// 0 = all.
    pub proto: u16,
    /// `IPT_INV_*`.
    pub invflags: u8,
    pub matches: Vec<XtMatch>,
    pub target: XtTarget,
    /// (packets, bytes) of the rule's counter expression.
    pub counters: (u64, u64),
}

impl Default for IptEntry {
    fn default() -> Self {
        Self {
            src: Ipv4Addr::UNSPECIFIED,
            smsk: Ipv4Addr::UNSPECIFIED,
            dst: Ipv4Addr::UNSPECIFIED,
            dmsk: Ipv4Addr::UNSPECIFIED,
            iniface: String::new(),
            outiface: String::new(),
            proto: 0,
            invflags: 0,
            matches: Vec::new(),
            target: XtTarget::None,
            counters: (0, 0),
        }
    }
}

/// An xtables match with its info structure.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum XtMatch {
    /// `struct xt_tcp` ports (`-p tcp --sport/--dport`, `-m tcp`); written
    /// as payload expressions. Ports are host order, `[min, max]`.
    Tcp {
        spts: [u16; 2],
        dpts: [u16; 2],
        invflags: u8,
    },
    /// `struct xt_udp`, likewise.
    Udp {
        spts: [u16; 2],
        dpts: [u16; 2],
        invflags: u8,
    },
    /// `struct ipt_icmp` (`--icmp-type`), compat match `icmp` rev 0.
    Icmp {
        icmp_type: u8,
        code: [u8; 2],
        invflags: u8,
    },
    /// `struct xt_conntrack_mtinfo3` (`-m conntrack`, and `-m state` with
    /// `XT_CONNTRACK_STATE_ALIAS`). `raw` keeps the fields not modelled.
    Conntrack {
        match_flags: u16,
        invert_flags: u16,
        state_mask: u16,
        status_mask: u16,
        raw: Vec<u8>,
    },
    /// `struct xt_multiport_v1` (rev 1): flags XT_MULTIPORT_SOURCE=0,
    /// DESTINATION=1, EITHER=2; `pflags[i]` = 1 if ports[i] starts a range.
    Multiport {
        flags: u8,
        ports: Vec<u16>,
        pflags: Vec<u8>,
        invert: bool,
    },
    /// `struct xt_comment_info`.
    Comment(String),
    /// `struct xt_addrtype_info_v1` (rev 1): `1 << RTN_*` masks.
    Addrtype { source: u16, dest: u16, flags: u32 },
    Other {
        name: String,
        rev: u32,
        info: Vec<u8>,
    },
}

/// `struct nf_nat_ipv4_range` / `nf_nat_range2`, IPv4 part. Ports host order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatRange {
    pub flags: u32,
    pub min_ip: Ipv4Addr,
    pub max_ip: Ipv4Addr,
    pub min_port: u16,
    pub max_port: u16,
}

/// The target (verdict or xtables target).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum XtTarget {
    /// No `-j`: only the counter.
    None,
    Accept,
    Drop,
    Return,
    Jump(String),
    Goto(String),
    /// MASQUERADE rev 0, `nf_nat_ipv4_multi_range_compat`.
    Masquerade(NatRange),
    /// SNAT rev 0, `nf_nat_ipv4_multi_range_compat`.
    Snat(NatRange),
    /// DNAT rev 2, `nf_nat_range2` (iptables 1.8.9 libxt_DNAT).
    Dnat(NatRange),
    /// REDIRECT rev 0, `nf_nat_ipv4_multi_range_compat`.
    Redirect(NatRange),
    /// `struct ipt_reject_info`: `enum ipt_reject_with` (IPT_ICMP_PORT_UNREACHABLE = 3, …).
    Reject {
        with: u32,
    },
    /// `struct xt_log_info`.
    Log {
        level: u8,
        logflags: u8,
        prefix: String,
    },
    Other {
        name: String,
        rev: u32,
        info: Vec<u8>,
    },
}

/// A rule as nf_tables stores it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RuleBody {
    pub exprs: Vec<Expr>,
    /// `NFTA_RULE_COMPAT`: (proto, flags).
    pub compat: Option<(u32, u32)>,
    /// `NFTA_RULE_USERDATA`, raw.
    pub userdata: Option<Vec<u8>>,
}

fn pad(mut v: Vec<u8>, n: usize) -> Vec<u8> {
    v.resize(n.max(v.len()).div_ceil(8) * 8, 0);
    v
}

fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn u16ne(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map(|s| u16::from_ne_bytes([s[0], s[1]]))
        .unwrap_or(0)
}

fn u32ne(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map(|s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

fn ip_at(b: &[u8], at: usize) -> Ipv4Addr {
    b.get(at..at + 4)
        .map(|s| Ipv4Addr::new(s[0], s[1], s[2], s[3]))
        .unwrap_or(Ipv4Addr::UNSPECIFIED)
}

impl Default for NatRange {
    fn default() -> Self {
        NatRange {
            flags: 0,
            min_ip: Ipv4Addr::UNSPECIFIED,
            max_ip: Ipv4Addr::UNSPECIFIED,
            min_port: 0,
            max_port: 0,
        }
    }
}

impl NatRange {
    /// `nf_nat_ipv4_multi_range_compat` with rangesize 1 (24 bytes aligned).
    fn compat_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(24);
        v.extend_from_slice(&1u32.to_ne_bytes());
        v.extend_from_slice(&self.flags.to_ne_bytes());
        v.extend_from_slice(&self.min_ip.octets());
        v.extend_from_slice(&self.max_ip.octets());
        v.extend_from_slice(&self.min_port.to_be_bytes());
        v.extend_from_slice(&self.max_port.to_be_bytes());
        pad(v, 24)
    }

    fn from_compat(b: &[u8]) -> Self {
        NatRange {
            flags: u32ne(b, 4),
            min_ip: ip_at(b, 8),
            max_ip: ip_at(b, 12),
            min_port: u16::from_be_bytes([
                b.get(16).copied().unwrap_or(0),
                b.get(17).copied().unwrap_or(0),
            ]),
            max_port: u16::from_be_bytes([
                b.get(18).copied().unwrap_or(0),
                b.get(19).copied().unwrap_or(0),
            ]),
        }
    }

    /// `struct nf_nat_range2` (48 bytes aligned): flags, min_addr, max_addr
    /// (`union nf_inet_addr`), min_proto, max_proto, base_proto.
    fn range2_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(48);
        v.extend_from_slice(&self.flags.to_ne_bytes());
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&self.min_ip.octets());
        v.extend_from_slice(&a);
        a[..4].copy_from_slice(&self.max_ip.octets());
        v.extend_from_slice(&a);
        v.extend_from_slice(&self.min_port.to_be_bytes());
        v.extend_from_slice(&self.max_port.to_be_bytes());
        v.extend_from_slice(&0u16.to_be_bytes());
        pad(v, 48)
    }

    fn from_range2(b: &[u8]) -> Self {
        let be = |at: usize| {
            u16::from_be_bytes([
                b.get(at).copied().unwrap_or(0),
                b.get(at + 1).copied().unwrap_or(0),
            ])
        };
        NatRange {
            flags: u32ne(b, 0),
            min_ip: ip_at(b, 4),
            max_ip: ip_at(b, 20),
            min_port: be(36),
            max_port: be(38),
        }
    }
}

/// `spts[2]`, `dpts[2]` (host order) then `tail`: the start of struct
/// xt_tcp / xt_udp.
fn xt_ports(spts: [u16; 2], dpts: [u16; 2], tail: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(16);
    for p in spts.iter().chain(dpts.iter()) {
        v.extend_from_slice(&p.to_ne_bytes());
    }
    v.extend_from_slice(tail);
    v
}

/// The conntrack info apart from the modelled fields: empty when those
/// other fields are all zero, so that decoded and built entries compare equal.
fn conntrack_rest(info: &[u8]) -> Vec<u8> {
    let mut v = info.to_vec();
    for at in [
        CT3_MATCH_FLAGS,
        CT3_INVERT_FLAGS,
        CT3_STATE_MASK,
        CT3_STATUS_MASK,
    ] {
        v[at..at + 2].fill(0);
    }
    if v.iter().all(|&b| b == 0) {
        Vec::new()
    } else {
        v
    }
}

impl XtMatch {
    fn to_expr(&self) -> Option<Expr> {
        let (name, rev, info): (&str, u32, Vec<u8>) = match self {
            XtMatch::Tcp {
                spts,
                dpts,
                invflags,
            } => (
                "tcp",
                0,
                pad(xt_ports(*spts, *dpts, &[0, 0, 0, *invflags]), 16),
            ),
            XtMatch::Udp {
                spts,
                dpts,
                invflags,
            } => ("udp", 0, pad(xt_ports(*spts, *dpts, &[*invflags]), 16)),
            XtMatch::Icmp {
                icmp_type,
                code,
                invflags,
            } => (
                "icmp",
                0,
                pad(vec![*icmp_type, code[0], code[1], *invflags], 8),
            ),
            XtMatch::Conntrack {
                match_flags,
                invert_flags,
                state_mask,
                status_mask,
                raw,
            } => {
                let mut v = raw.clone();
                v.resize(CONNTRACK3_SIZE, 0);
                v[CT3_MATCH_FLAGS..CT3_MATCH_FLAGS + 2].copy_from_slice(&match_flags.to_ne_bytes());
                v[CT3_INVERT_FLAGS..CT3_INVERT_FLAGS + 2]
                    .copy_from_slice(&invert_flags.to_ne_bytes());
                v[CT3_STATE_MASK..CT3_STATE_MASK + 2].copy_from_slice(&state_mask.to_ne_bytes());
                v[CT3_STATUS_MASK..CT3_STATUS_MASK + 2].copy_from_slice(&status_mask.to_ne_bytes());
                ("conntrack", 3, v)
            }
            XtMatch::Multiport {
                flags,
                ports,
                pflags,
                invert,
            } => {
                let mut v = vec![*flags, ports.len() as u8];
                for i in 0..15 {
                    v.extend_from_slice(&ports.get(i).copied().unwrap_or(0).to_ne_bytes());
                }
                for i in 0..15 {
                    v.push(pflags.get(i).copied().unwrap_or(0));
                }
                v.push(u8::from(*invert));
                ("multiport", 1, pad(v, 48))
            }
            XtMatch::Comment(c) => {
                let mut v = c.as_bytes().to_vec();
                v.resize(256, 0);
                ("comment", 0, v)
            }
            XtMatch::Addrtype {
                source,
                dest,
                flags,
            } => {
                let mut v = source.to_ne_bytes().to_vec();
                v.extend_from_slice(&dest.to_ne_bytes());
                v.extend_from_slice(&flags.to_ne_bytes());
                ("addrtype", 1, v)
            }
            XtMatch::Other { name, rev, info } => (name.as_str(), *rev, info.clone()),
        };
        Some(Expr::Match {
            name: name.to_string(),
            rev,
            info,
        })
    }

    /// A `tcp`/`udp` match that matches every port (`-m tcp` alone).
    fn all_ports(&self) -> bool {
        matches!(self,
            XtMatch::Tcp { spts, dpts, invflags } | XtMatch::Udp { spts, dpts, invflags }
                if *spts == [0, 65535] && *dpts == [0, 65535] && *invflags == 0)
    }

    fn from_compat(name: &str, rev: u32, info: &[u8]) -> XtMatch {
        let ports = |at: usize| [u16ne(info, at), u16ne(info, at + 2)];
        match (name, rev) {
            // struct xt_tcp: spts, dpts, option, flg_mask, flg_cmp,
            // invflags (only the port part is modelled).
            ("tcp", 0) if info.len() >= 12 && info[8..11] == [0, 0, 0] => XtMatch::Tcp {
                spts: ports(0),
                dpts: ports(4),
                invflags: info[11],
            },
            // struct xt_udp: spts, dpts, invflags.
            ("udp", 0) if info.len() >= 9 => XtMatch::Udp {
                spts: ports(0),
                dpts: ports(4),
                invflags: info[8],
            },
            ("icmp", 0) if info.len() >= 4 => XtMatch::Icmp {
                icmp_type: info[0],
                code: [info[1], info[2]],
                invflags: info[3],
            },
            ("conntrack", 3) if info.len() >= CONNTRACK3_SIZE - 4 => XtMatch::Conntrack {
                match_flags: u16ne(info, CT3_MATCH_FLAGS),
                invert_flags: u16ne(info, CT3_INVERT_FLAGS),
                state_mask: u16ne(info, CT3_STATE_MASK),
                status_mask: u16ne(info, CT3_STATUS_MASK),
                raw: conntrack_rest(info),
            },
            ("multiport", 1) if info.len() >= 48 => {
                let n = (info[1] as usize).min(15);
                XtMatch::Multiport {
                    flags: info[0],
                    ports: (0..n).map(|i| u16ne(info, 2 + 2 * i)).collect(),
                    pflags: (0..n).map(|i| info[32 + i]).collect(),
                    invert: info[47] != 0,
                }
            }
            ("comment", 0) => XtMatch::Comment(cstr(info)),
            ("addrtype", 1) if info.len() >= 8 => XtMatch::Addrtype {
                source: u16ne(info, 0),
                dest: u16ne(info, 2),
                flags: u32ne(info, 4),
            },
            _ => XtMatch::Other {
                name: name.to_string(),
                rev,
                info: info.to_vec(),
            },
        }
    }
}

impl XtTarget {
    fn to_expr(&self) -> Option<Expr> {
        let verdict = |code, chain: Option<&String>| {
            Some(Expr::Verdict {
                code,
                chain: chain.cloned(),
            })
        };
        let (name, rev, info): (&str, u32, Vec<u8>) = match self {
            XtTarget::None => return None,
            XtTarget::Accept => return verdict(NF_ACCEPT, None),
            XtTarget::Drop => return verdict(NF_DROP, None),
            XtTarget::Return => return verdict(NFT_RETURN, None),
            XtTarget::Jump(c) => return verdict(NFT_JUMP, Some(c)),
            XtTarget::Goto(c) => return verdict(NFT_GOTO, Some(c)),
            XtTarget::Masquerade(r) => ("MASQUERADE", 0, r.compat_bytes()),
            XtTarget::Snat(r) => ("SNAT", 0, r.compat_bytes()),
            XtTarget::Redirect(r) => ("REDIRECT", 0, r.compat_bytes()),
            XtTarget::Dnat(r) => ("DNAT", 2, r.range2_bytes()),
            XtTarget::Reject { with } => ("REJECT", 0, pad(with.to_ne_bytes().to_vec(), 8)),
            XtTarget::Log {
                level,
                logflags,
                prefix,
            } => {
                let mut v = vec![*level, *logflags];
                let mut p = prefix.as_bytes().to_vec();
                p.resize(30, 0);
                v.extend_from_slice(&p);
                ("LOG", 0, v)
            }
            XtTarget::Other { name, rev, info } => (name.as_str(), *rev, info.clone()),
        };
        Some(Expr::Target {
            name: name.to_string(),
            rev,
            info,
        })
    }

    fn from_compat(name: &str, rev: u32, info: &[u8]) -> XtTarget {
        match (name, rev) {
            ("MASQUERADE", 0) => XtTarget::Masquerade(NatRange::from_compat(info)),
            ("SNAT", 0) => XtTarget::Snat(NatRange::from_compat(info)),
            ("REDIRECT", 0) => XtTarget::Redirect(NatRange::from_compat(info)),
            ("DNAT", 0) => XtTarget::Dnat(NatRange::from_compat(info)),
            ("DNAT", 2) => XtTarget::Dnat(NatRange::from_range2(info)),
            ("REJECT", 0) => XtTarget::Reject {
                with: u32ne(info, 0),
            },
            ("LOG", 0) if info.len() >= 2 => XtTarget::Log {
                level: info[0],
                logflags: info[1],
                prefix: cstr(&info[2..]),
            },
            _ => XtTarget::Other {
                name: name.to_string(),
                rev,
                info: info.to_vec(),
            },
        }
    }
}

fn cmp(op: u32, data: Vec<u8>) -> Expr {
    Expr::Cmp {
        sreg: NFT_REG_1,
        op,
        data,
    }
}

fn op_of(inv: bool) -> u32 {
    if inv {
        NFT_CMP_NEQ
    } else {
        NFT_CMP_EQ
    }
}

/// `nft-shared.c: add_iniface/add_outiface`.
fn add_iface(out: &mut Vec<Expr>, key: u32, iface: &str, inv: bool) {
    if iface.is_empty() {
        return;
    }
    if let Some(stem) = iface.strip_suffix('+') {
        if !stem.is_empty() {
            out.push(Expr::Meta {
                key,
                dreg: NFT_REG_1,
            });
            out.push(cmp(op_of(inv), stem.as_bytes().to_vec()));
        } else if inv {
            out.push(Expr::Meta {
                key,
                dreg: NFT_REG_1,
            });
            out.push(cmp(NFT_CMP_EQ, b"INVAL/D\0".to_vec()));
        }
    } else {
        let mut v = iface.as_bytes().to_vec();
        v.push(0);
        out.push(Expr::Meta {
            key,
            dreg: NFT_REG_1,
        });
        out.push(cmp(op_of(inv), v));
    }
}

/// `nft-shared.c: add_addr`: a byte-prefix mask becomes a shorter load,
/// anything else a bitwise and.
fn add_addr(out: &mut Vec<Expr>, offset: u32, addr: Ipv4Addr, mask: Ipv4Addr, inv: bool) {
    let m = mask.octets();
    let a = addr.octets();
    let i = m.iter().position(|&b| b != 0xff).unwrap_or(4);
    let bitwise = i < 4 && (m[i] != 0 || m[i + 1..].iter().any(|&b| b != 0));
    let len = if bitwise { 4 } else { i };
    out.push(Expr::Payload {
        base: NFT_PAYLOAD_NETWORK_HEADER,
        offset,
        len: len as u32,
        dreg: NFT_REG_1,
    });
    if bitwise {
        out.push(Expr::Bitwise {
            sreg: NFT_REG_1,
            dreg: NFT_REG_1,
            len: 4,
            mask: m.to_vec(),
            xor: vec![0; 4],
        });
    }
    out.push(cmp(op_of(inv), a[..len].to_vec()));
}

/// `nft.c: add_nft_tcpudp`.
fn add_ports(out: &mut Vec<Expr>, spts: [u16; 2], dpts: [u16; 2], invflags: u8) {
    let (inv_s, inv_d) = (
        invflags & XT_TCP_INV_SRCPT != 0,
        invflags & XT_TCP_INV_DSTPT != 0,
    );
    let payload = |offset, len| Expr::Payload {
        base: NFT_PAYLOAD_TRANSPORT_HEADER,
        offset,
        len,
        dreg: NFT_REG_1,
    };
    if spts[0] != 0 && spts[0] == spts[1] && dpts[0] != 0 && dpts[0] == dpts[1] && inv_s == inv_d {
        out.push(payload(0, 4));
        let combined = (u32::from(spts[0]) << 16) | u32::from(dpts[0]);
        out.push(cmp(op_of(inv_s), combined.to_be_bytes().to_vec()));
        return;
    }
    for (offset, p, inv) in [(0, spts, inv_s), (2, dpts, inv_d)] {
        if p[0] != 0 || p[1] < 0xffff {
            out.push(payload(offset, 2));
            if p[0] == p[1] {
                out.push(cmp(op_of(inv), p[0].to_be_bytes().to_vec()));
            } else {
                out.push(Expr::Range {
                    sreg: NFT_REG_1,
                    op: op_of(inv),
                    from: p[0].to_be_bytes().to_vec(),
                    to: p[1].to_be_bytes().to_vec(),
                });
            }
        }
    }
}

impl IptEntry {
    /// The rule iptables-nft 1.8.9 would write (`nft-ipv4.c: nft_ipv4_add`).
    pub fn to_rule(&self) -> RuleBody {
        let mut out = Vec::new();
        let inv = |f: u8| self.invflags & f != 0;
        add_iface(
            &mut out,
            NFT_META_IIFNAME,
            &self.iniface,
            inv(IPT_INV_VIA_IN),
        );
        add_iface(
            &mut out,
            NFT_META_OIFNAME,
            &self.outiface,
            inv(IPT_INV_VIA_OUT),
        );
        // iptables 1.8.9 nft_ipv4_add: interfaces, protocol, then addresses.
        if self.proto != 0 {
            out.push(Expr::Meta {
                key: NFT_META_L4PROTO,
                dreg: NFT_REG_1,
            });
            out.push(cmp(op_of(inv(IPT_INV_PROTO)), vec![self.proto as u8]));
        }
        if !self.src.is_unspecified() || !self.smsk.is_unspecified() || inv(IPT_INV_SRCIP) {
            add_addr(&mut out, 12, self.src, self.smsk, inv(IPT_INV_SRCIP));
        }
        if !self.dst.is_unspecified() || !self.dmsk.is_unspecified() || inv(IPT_INV_DSTIP) {
            add_addr(&mut out, 16, self.dst, self.dmsk, inv(IPT_INV_DSTIP));
        }
        for m in &self.matches {
            match m {
                // iptables-nft 1.8.9 add_nft_tcp/add_nft_udp: a match with
                // every port and no flag is written as the compat match.
                XtMatch::Tcp {
                    spts,
                    dpts,
                    invflags,
                }
                | XtMatch::Udp {
                    spts,
                    dpts,
                    invflags,
                } if !m.all_ports() => add_ports(&mut out, *spts, *dpts, *invflags),
                _ => out.extend(m.to_expr()),
            }
        }
        out.push(Expr::Counter {
            bytes: self.counters.1,
            packets: self.counters.0,
        });
        out.extend(self.target.to_expr());
        let flags = if inv(IPT_INV_PROTO) {
            NFT_RULE_COMPAT_F_INV
        } else {
            0
        };
        RuleBody {
            exprs: out,
            compat: Some((u32::from(self.proto), flags)),
            userdata: None,
        }
    }

    /// Decode a rule (iptables-nft's `nft_rule_to_iptables_command_state`).
    /// Expressions iptables-nft would not write end up as `Other` matches
    /// or targets where possible; `None` if the rule is not iptables-shaped.
    pub fn from_rule(rule: &RuleBody) -> Option<IptEntry> {
        let mut e = IptEntry::default();
        let ex = &rule.exprs;
        let mut i = 0;
        let mut port_match: Option<usize> = None;
        while i < ex.len() {
            match &ex[i] {
                Expr::Meta { key, .. } => {
                    let Some(Expr::Cmp { op, data, .. }) = ex.get(i + 1) else {
                        return None;
                    };
                    let inv = *op == NFT_CMP_NEQ;
                    match *key {
                        NFT_META_IIFNAME | NFT_META_OIFNAME => {
                            let name = if data.last() == Some(&0) {
                                cstr(data)
                            } else if data.as_slice() == b"INVAL/D\0" {
                                "+".to_string()
                            } else {
                                format!("{}+", String::from_utf8_lossy(data))
                            };
                            let (field, flag) = if *key == NFT_META_IIFNAME {
                                (&mut e.iniface, IPT_INV_VIA_IN)
                            } else {
                                (&mut e.outiface, IPT_INV_VIA_OUT)
                            };
                            *field = name;
                            if inv || data.as_slice() == b"INVAL/D\0" {
                                e.invflags |= flag;
                            }
                        }
                        NFT_META_L4PROTO => {
                            e.proto = u16::from(*data.first()?);
                            if inv {
                                e.invflags |= IPT_INV_PROTO;
                            }
                        }
                        _ => return None,
                    }
                    i += 2;
                }
                Expr::Payload {
                    base, offset, len, ..
                } if *base == NFT_PAYLOAD_NETWORK_HEADER => {
                    let mut j = i + 1;
                    let mut mask = [0u8; 4];
                    for b in mask.iter_mut().take((*len as usize).min(4)) {
                        *b = 0xff;
                    }
                    if let Some(Expr::Bitwise { mask: m, .. }) = ex.get(j) {
                        mask = [0; 4];
                        for (d, s) in mask.iter_mut().zip(m) {
                            *d = *s;
                        }
                        j += 1;
                    }
                    let Some(Expr::Cmp { op, data, .. }) = ex.get(j) else {
                        return None;
                    };
                    let inv = *op == NFT_CMP_NEQ;
                    let mut a = [0u8; 4];
                    for (d, s) in a.iter_mut().zip(data) {
                        *d = *s;
                    }
                    match offset {
                        12 => {
                            (e.src, e.smsk) = (a.into(), mask.into());
                            if inv {
                                e.invflags |= IPT_INV_SRCIP;
                            }
                        }
                        16 => {
                            (e.dst, e.dmsk) = (a.into(), mask.into());
                            if inv {
                                e.invflags |= IPT_INV_DSTIP;
                            }
                        }
                        9 => {
                            e.proto = u16::from(a[0]);
                            if inv {
                                e.invflags |= IPT_INV_PROTO;
                            }
                        }
                        _ => return None,
                    }
                    i = j + 1;
                }
                Expr::Payload {
                    base, offset, len, ..
                } if *base == NFT_PAYLOAD_TRANSPORT_HEADER => {
                    let idx = match port_match {
                        Some(k) => k,
                        None => {
                            let z = [0u16, 0xffff];
                            e.matches.push(match e.proto {
                                IPPROTO_TCP => XtMatch::Tcp {
                                    spts: z,
                                    dpts: z,
                                    invflags: 0,
                                },
                                IPPROTO_UDP => XtMatch::Udp {
                                    spts: z,
                                    dpts: z,
                                    invflags: 0,
                                },
                                _ => return None,
                            });
                            port_match = Some(e.matches.len() - 1);
                            e.matches.len() - 1
                        }
                    };
                    let (XtMatch::Tcp {
                        spts,
                        dpts,
                        invflags,
                    }
                    | XtMatch::Udp {
                        spts,
                        dpts,
                        invflags,
                    }) = &mut e.matches[idx]
                    else {
                        return None;
                    };
                    let be: fn(&[u8], usize) -> Option<u16> =
                        |d, at| Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]));
                    match (ex.get(i + 1)?, *offset, *len) {
                        (Expr::Cmp { op, data, .. }, 0, 4) => {
                            let s = be(data, 0)?;
                            let d = be(data, 2)?;
                            *spts = [s, s];
                            *dpts = [d, d];
                            if *op == NFT_CMP_NEQ {
                                *invflags |= XT_TCP_INV_SRCPT | XT_TCP_INV_DSTPT;
                            }
                        }
                        (Expr::Cmp { op, data, .. }, off, 2) => {
                            let p = be(data, 0)?;
                            let (pts, flag) = if off == 0 {
                                (spts, XT_TCP_INV_SRCPT)
                            } else {
                                (dpts, XT_TCP_INV_DSTPT)
                            };
                            *pts = [p, p];
                            if *op == NFT_CMP_NEQ {
                                *invflags |= flag;
                            }
                        }
                        (Expr::Range { op, from, to, .. }, off, 2) => {
                            let (pts, flag) = if off == 0 {
                                (spts, XT_TCP_INV_SRCPT)
                            } else {
                                (dpts, XT_TCP_INV_DSTPT)
                            };
                            *pts = [be(from, 0)?, be(to, 0)?];
                            if *op == NFT_CMP_NEQ {
                                *invflags |= flag;
                            }
                        }
                        _ => return None,
                    }
                    i += 2;
                }
                Expr::Counter { bytes, packets } => {
                    e.counters = (*packets, *bytes);
                    i += 1;
                }
                Expr::Verdict { code, chain } => {
                    e.target = match (*code, chain) {
                        (NF_ACCEPT, _) => XtTarget::Accept,
                        (NF_DROP, _) => XtTarget::Drop,
                        (NFT_RETURN, _) => XtTarget::Return,
                        (NFT_JUMP, Some(c)) => XtTarget::Jump(c.clone()),
                        (NFT_GOTO, Some(c)) => XtTarget::Goto(c.clone()),
                        _ => return None,
                    };
                    i += 1;
                }
                Expr::Match { name, rev, info } => {
                    e.matches.push(XtMatch::from_compat(name, *rev, info));
                    i += 1;
                }
                Expr::Target { name, rev, info } => {
                    e.target = XtTarget::from_compat(name, *rev, info);
                    i += 1;
                }
                _ => return None,
            }
        }
        Some(e)
    }

    /// Same rule apart from counters (`-D` by spec, `-C`). Like
    /// iptables-nft, this compares what the kernel would hold, so
    /// `-p tcp -m tcp` (no ports: no expression) equals `-p tcp`.
    pub fn same_rule(&self, other: &IptEntry) -> bool {
        let strip = |e: &IptEntry| {
            let mut e = e.clone();
            e.counters = (0, 0);
            e.to_rule().exprs
        };
        strip(self) == strip(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masquerade_rule_round_trips() {
        let e = IptEntry {
            src: Ipv4Addr::new(192, 168, 255, 0),
            smsk: Ipv4Addr::new(255, 255, 255, 0),
            outiface: "eth0".into(),
            target: XtTarget::Masquerade(NatRange::default()),
            ..Default::default()
        };
        let r = e.to_rule();
        assert_eq!(r.exprs.len(), 6);
        assert_eq!(IptEntry::from_rule(&r), Some(e));
    }

    /// iptables-nft writes `-p tcp -m tcp` (no ports) with a compat match:
    /// another rule than `-p tcp`, and it decodes back to itself.
    #[test]
    fn tcp_match_without_ports_is_its_own_rule() {
        let plain = IptEntry {
            proto: 6,
            target: XtTarget::Accept,
            ..Default::default()
        };
        let any = [0, 0xffff];
        let with_m = IptEntry {
            matches: vec![XtMatch::Tcp {
                spts: any,
                dpts: any,
                invflags: 0,
            }],
            counters: (3, 4),
            ..plain.clone()
        };
        assert!(!plain.same_rule(&with_m));
        let r = with_m.to_rule();
        assert!(r.exprs.iter().any(
            |x| matches!(x, Expr::Match { name, rev: 0, info } if name == "tcp" && info.len() == 16)
        ));
        assert!(IptEntry::from_rule(&r).is_some_and(|d| d.same_rule(&with_m)));
        assert!(!plain.same_rule(&IptEntry {
            proto: 17,
            ..plain.clone()
        }));
    }

    #[test]
    fn ports_round_trip() {
        for (s, d, inv) in [
            ([22, 22], [80, 80], 0),
            ([22, 22], [80, 80], 2),
            ([1, 2], [0, 0xffff], 1),
        ] {
            let e = IptEntry {
                proto: 6,
                matches: vec![XtMatch::Tcp {
                    spts: s,
                    dpts: d,
                    invflags: inv,
                }],
                target: XtTarget::Accept,
                ..Default::default()
            };
            assert_eq!(IptEntry::from_rule(&e.to_rule()), Some(e));
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn info(e: Option<Expr>) -> (String, u32, Vec<u8>) {
        match e {
            Some(Expr::Match { name, rev, info }) | Some(Expr::Target { name, rev, info }) => {
                (name, rev, info)
            }
            other => panic!("not a compat expression: {other:?}"),
        }
    }

    /// Info blobs iptables 1.8.9 sent (strace -e sendmsg), as (name, rev, hex).
    #[test]
    fn xt_info_bytes_match_iptables() {
        let ip = |s: &str| s.parse::<Ipv4Addr>().expect("ip");
        let nat = |flags, a: &str, b: &str, p0, p1| NatRange {
            flags,
            min_ip: ip(a),
            max_ip: ip(b),
            min_port: p0,
            max_port: p1,
        };
        let zeros = |n| "00".repeat(n);
        let targets = [
            // -j DNAT --to-destination 10.0.0.2:80: nf_nat_range2 flags 3,
            // min/max addr, min/max port (network order), base 0, padding.
            (
                XtTarget::Dnat(nat(3, "10.0.0.2", "10.0.0.2", 80, 80)),
                (
                    "DNAT",
                    2,
                    format!(
                        "030000000a000002{}0a000002{}005000500000{}",
                        zeros(12),
                        zeros(12),
                        zeros(6)
                    ),
                ),
            ),
            // -j REDIRECT --to-ports 80: multi_range_compat rangesize 1, flags 2.
            (
                XtTarget::Redirect(nat(2, "0.0.0.0", "0.0.0.0", 80, 80)),
                (
                    "REDIRECT",
                    0,
                    "010000000200000000000000000000000050005000000000".to_string(),
                ),
            ),
            // -j SNAT --to-source 1.2.3.4
            (
                XtTarget::Snat(nat(1, "1.2.3.4", "1.2.3.4", 0, 0)),
                (
                    "SNAT",
                    0,
                    "010000000100000001020304010203040000000000000000".to_string(),
                ),
            ),
            // -j MASQUERADE
            (
                XtTarget::Masquerade(NatRange::default()),
                ("MASQUERADE", 0, format!("01{}", zeros(23))),
            ),
            // -j REJECT --reject-with icmp-host-prohibited (6) / default (3)
            (
                XtTarget::Reject { with: 6 },
                ("REJECT", 0, "0600000000000000".to_string()),
            ),
            (
                XtTarget::Reject { with: 3 },
                ("REJECT", 0, "0300000000000000".to_string()),
            ),
            // -j LOG --log-prefix "x: ": level 4, flags 0, prefix[30]
            (
                XtTarget::Log {
                    level: 4,
                    logflags: 0,
                    prefix: "x: ".into(),
                },
                ("LOG", 0, format!("0400783a20{}", zeros(27))),
            ),
        ];
        for (t, (name, rev, want)) in targets {
            assert_eq!(
                info(t.to_expr()),
                (name.to_string(), rev, hex(&want)),
                "{t:?}"
            );
            assert_eq!(XtTarget::from_compat(name, rev, &hex(&want)), t);
        }
        let matches = [
            // -m state --state RELATED,ESTABLISHED: conntrack rev 3,
            // match_flags STATE|STATE_ALIAS at 146, state_mask at 150.
            (
                XtMatch::Conntrack {
                    match_flags: 0x2001,
                    invert_flags: 0,
                    state_mask: 6,
                    status_mask: 0,
                    raw: vec![],
                },
                (
                    "conntrack",
                    3,
                    format!("{}01200000060000{}", zeros(146), zeros(15)),
                ),
            ),
            // -m multiport --dports 22,80: flags 1, count 2, ports[15], pflags[15], invert
            (
                XtMatch::Multiport {
                    flags: 1,
                    ports: vec![22, 80],
                    pflags: vec![0, 0],
                    invert: false,
                },
                ("multiport", 1, format!("0102160050{}", zeros(43))),
            ),
            // -m comment --comment "hi there": char[256]
            (
                XtMatch::Comment("hi there".into()),
                ("comment", 0, format!("6869207468657265{}", zeros(248))),
            ),
            // --icmp-type echo-request: type 8, code 0..255, invflags 0
            (
                XtMatch::Icmp {
                    icmp_type: 8,
                    code: [0, 255],
                    invflags: 0,
                },
                ("icmp", 0, "0800ff0000000000".to_string()),
            ),
            // -m addrtype --dst-type LOCAL: source 0, dest 1 << RTN_LOCAL, flags 0
            (
                XtMatch::Addrtype {
                    source: 0,
                    dest: 4,
                    flags: 0,
                },
                ("addrtype", 1, "0000040000000000".to_string()),
            ),
        ];
        for (m, (name, rev, want)) in matches {
            assert_eq!(
                info(m.to_expr()),
                (name.to_string(), rev, hex(&want)),
                "{m:?}"
            );
            assert_eq!(XtMatch::from_compat(name, rev, &hex(&want)), m);
        }
    }
}

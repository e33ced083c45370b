//! nf_tables expressions as iptables-nft 1.8.9 writes them, with their
//! attribute order (libnftnl 1.2 `nftnl_expr_*_build`).
//!
//! Constants: `include/uapi/linux/netfilter/nf_tables.h`.

use super::wire::{self, Attrs};

// enum nft_list_attributes / nft_expr_attributes
const NFTA_LIST_ELEM: u16 = 1;
const NFTA_EXPR_NAME: u16 = 1;
const NFTA_EXPR_DATA: u16 = 2;
// enum nft_data_attributes, nft_verdict_attributes
const NFTA_DATA_VALUE: u16 = 1;
const NFTA_DATA_VERDICT: u16 = 2;
const NFTA_VERDICT_CODE: u16 = 1;
const NFTA_VERDICT_CHAIN: u16 = 2;
// enum nft_meta_attributes
const NFTA_META_DREG: u16 = 1;
const NFTA_META_KEY: u16 = 2;
// enum nft_cmp_attributes
const NFTA_CMP_SREG: u16 = 1;
const NFTA_CMP_OP: u16 = 2;
const NFTA_CMP_DATA: u16 = 3;
// enum nft_range_attributes
const NFTA_RANGE_SREG: u16 = 1;
const NFTA_RANGE_OP: u16 = 2;
const NFTA_RANGE_FROM_DATA: u16 = 3;
const NFTA_RANGE_TO_DATA: u16 = 4;
// enum nft_payload_attributes
const NFTA_PAYLOAD_DREG: u16 = 1;
const NFTA_PAYLOAD_BASE: u16 = 2;
const NFTA_PAYLOAD_OFFSET: u16 = 3;
const NFTA_PAYLOAD_LEN: u16 = 4;
// enum nft_bitwise_attributes
const NFTA_BITWISE_SREG: u16 = 1;
const NFTA_BITWISE_DREG: u16 = 2;
const NFTA_BITWISE_LEN: u16 = 3;
const NFTA_BITWISE_MASK: u16 = 4;
const NFTA_BITWISE_XOR: u16 = 5;
// enum nft_counter_attributes
const NFTA_COUNTER_BYTES: u16 = 1;
const NFTA_COUNTER_PACKETS: u16 = 2;
// enum nft_immediate_attributes
const NFTA_IMMEDIATE_DREG: u16 = 1;
const NFTA_IMMEDIATE_DATA: u16 = 2;
// enum nft_match_attributes / nft_target_attributes (nft_compat.h)
const NFTA_MATCH_NAME: u16 = 1;
const NFTA_MATCH_REV: u16 = 2;
const NFTA_MATCH_INFO: u16 = 3;

/// `enum nft_registers`: iptables-nft 1.8.9 loads everything into NFT_REG_1.
pub const NFT_REG_VERDICT: u32 = 0;
pub const NFT_REG_1: u32 = 1;

/// `enum nft_meta_keys`
pub const NFT_META_IIFNAME: u32 = 6;
pub const NFT_META_OIFNAME: u32 = 7;
pub const NFT_META_L4PROTO: u32 = 16;

/// `enum nft_payload_bases`
pub const NFT_PAYLOAD_NETWORK_HEADER: u32 = 1;
pub const NFT_PAYLOAD_TRANSPORT_HEADER: u32 = 2;

/// `enum nft_cmp_ops` (NFT_CMP_EQ, NFT_CMP_NEQ) and `enum nft_range_ops`.
pub const NFT_CMP_EQ: u32 = 0;
pub const NFT_CMP_NEQ: u32 = 1;

/// Verdict codes: `include/uapi/linux/netfilter.h` (NF_DROP, NF_ACCEPT) and
/// `nf_tables.h` (`enum nft_verdicts`).
pub const NF_DROP: i32 = 0;
pub const NF_ACCEPT: i32 = 1;
pub const NFT_CONTINUE: i32 = -1;
pub const NFT_JUMP: i32 = -3;
pub const NFT_GOTO: i32 = -4;
pub const NFT_RETURN: i32 = -5;

/// One expression of a rule, in the kernel's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expr {
    Meta {
        key: u32,
        dreg: u32,
    },
    Payload {
        base: u32,
        offset: u32,
        len: u32,
        dreg: u32,
    },
    Cmp {
        sreg: u32,
        op: u32,
        data: Vec<u8>,
    },
    Range {
        sreg: u32,
        op: u32,
        from: Vec<u8>,
        to: Vec<u8>,
    },
    Bitwise {
        sreg: u32,
        dreg: u32,
        len: u32,
        mask: Vec<u8>,
        xor: Vec<u8>,
    },
    Counter {
        bytes: u64,
        packets: u64,
    },
    /// Verdict in NFT_REG_VERDICT: code and, for jump/goto, the chain.
    Verdict {
        code: i32,
        chain: Option<String>,
    },
    /// xtables compat match (`nft_compat.c`), `info` as the kernel stores it.
    Match {
        name: String,
        rev: u32,
        info: Vec<u8>,
    },
    /// xtables compat target.
    Target {
        name: String,
        rev: u32,
        info: Vec<u8>,
    },
    /// Any other expression, kept raw so it survives a round trip.
    Other {
        name: String,
        data: Vec<u8>,
    },
}

impl Expr {
    fn name(&self) -> &str {
        match self {
            Expr::Meta { .. } => "meta",
            Expr::Payload { .. } => "payload",
            Expr::Cmp { .. } => "cmp",
            Expr::Range { .. } => "range",
            Expr::Bitwise { .. } => "bitwise",
            Expr::Counter { .. } => "counter",
            Expr::Verdict { .. } => "immediate",
            Expr::Match { .. } => "match",
            Expr::Target { .. } => "target",
            Expr::Other { name, .. } => name,
        }
    }

    fn encode_data(&self, a: &mut Attrs) {
        match self {
            Expr::Meta { key, dreg } => {
                a.u32be(NFTA_META_KEY, *key).u32be(NFTA_META_DREG, *dreg);
            }
            Expr::Payload {
                base,
                offset,
                len,
                dreg,
            } => {
                a.u32be(NFTA_PAYLOAD_DREG, *dreg)
                    .u32be(NFTA_PAYLOAD_BASE, *base)
                    .u32be(NFTA_PAYLOAD_OFFSET, *offset)
                    .u32be(NFTA_PAYLOAD_LEN, *len);
            }
            Expr::Cmp { sreg, op, data } => {
                a.u32be(NFTA_CMP_SREG, *sreg)
                    .u32be(NFTA_CMP_OP, *op)
                    .nest(NFTA_CMP_DATA, |d| {
                        d.bytes(NFTA_DATA_VALUE, data);
                    });
            }
            Expr::Range { sreg, op, from, to } => {
                a.u32be(NFTA_RANGE_SREG, *sreg)
                    .u32be(NFTA_RANGE_OP, *op)
                    .nest(NFTA_RANGE_FROM_DATA, |d| {
                        d.bytes(NFTA_DATA_VALUE, from);
                    })
                    .nest(NFTA_RANGE_TO_DATA, |d| {
                        d.bytes(NFTA_DATA_VALUE, to);
                    });
            }
            Expr::Bitwise {
                sreg,
                dreg,
                len,
                mask,
                xor,
            } => {
                a.u32be(NFTA_BITWISE_SREG, *sreg)
                    .u32be(NFTA_BITWISE_DREG, *dreg)
                    .u32be(NFTA_BITWISE_LEN, *len)
                    .nest(NFTA_BITWISE_MASK, |d| {
                        d.bytes(NFTA_DATA_VALUE, mask);
                    })
                    .nest(NFTA_BITWISE_XOR, |d| {
                        d.bytes(NFTA_DATA_VALUE, xor);
                    });
            }
            Expr::Counter { bytes, packets } => {
                a.u64be(NFTA_COUNTER_BYTES, *bytes)
                    .u64be(NFTA_COUNTER_PACKETS, *packets);
            }
            Expr::Verdict { code, chain } => {
                a.u32be(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT)
                    .nest(NFTA_IMMEDIATE_DATA, |d| {
                        d.nest(NFTA_DATA_VERDICT, |v| {
                            v.u32be(NFTA_VERDICT_CODE, *code as u32);
                            if let Some(c) = chain {
                                v.strz(NFTA_VERDICT_CHAIN, c);
                            }
                        });
                    });
            }
            Expr::Match { name, rev, info } | Expr::Target { name, rev, info } => {
                a.strz(NFTA_MATCH_NAME, name)
                    .u32be(NFTA_MATCH_REV, *rev)
                    .bytes(NFTA_MATCH_INFO, info);
            }
            Expr::Other { data, .. } => a.0.extend_from_slice(data),
        }
    }

    /// Append this expression as an `NFTA_LIST_ELEM`.
    pub(crate) fn encode(&self, list: &mut Attrs) {
        list.nest(NFTA_LIST_ELEM, |e| {
            e.strz(NFTA_EXPR_NAME, self.name());
            e.nest(NFTA_EXPR_DATA, |d| self.encode_data(d));
        });
    }

    /// Decode one `NFTA_LIST_ELEM` payload.
    pub(crate) fn decode(elem: &[u8]) -> Option<Expr> {
        let e = wire::parse(elem);
        let name = wire::get_str(&e, NFTA_EXPR_NAME)?;
        let raw = wire::get(&e, NFTA_EXPR_DATA).unwrap_or(&[]);
        let d = wire::parse(raw);
        let u = |t| wire::get_u32be(&d, t).unwrap_or(0);
        let value = |t| -> Vec<u8> {
            wire::get(&d, t)
                .map(|n| {
                    wire::get(&wire::parse(n), NFTA_DATA_VALUE)
                        .unwrap_or(&[])
                        .to_vec()
                })
                .unwrap_or_default()
        };
        Some(match name.as_str() {
            "meta" if wire::get(&d, NFTA_META_DREG).is_some() => Expr::Meta {
                key: u(NFTA_META_KEY),
                dreg: u(NFTA_META_DREG),
            },
            "payload" if wire::get(&d, NFTA_PAYLOAD_DREG).is_some() => Expr::Payload {
                base: u(NFTA_PAYLOAD_BASE),
                offset: u(NFTA_PAYLOAD_OFFSET),
                len: u(NFTA_PAYLOAD_LEN),
                dreg: u(NFTA_PAYLOAD_DREG),
            },
            "cmp" => Expr::Cmp {
                sreg: u(NFTA_CMP_SREG),
                op: u(NFTA_CMP_OP),
                data: value(NFTA_CMP_DATA),
            },
            "range" => Expr::Range {
                sreg: u(NFTA_RANGE_SREG),
                op: u(NFTA_RANGE_OP),
                from: value(NFTA_RANGE_FROM_DATA),
                to: value(NFTA_RANGE_TO_DATA),
            },
            "bitwise" if wire::get(&d, NFTA_BITWISE_MASK).is_some() => Expr::Bitwise {
                sreg: u(NFTA_BITWISE_SREG),
                dreg: u(NFTA_BITWISE_DREG),
                len: u(NFTA_BITWISE_LEN),
                mask: value(NFTA_BITWISE_MASK),
                xor: value(NFTA_BITWISE_XOR),
            },
            "counter" => Expr::Counter {
                bytes: wire::get_u64be(&d, NFTA_COUNTER_BYTES).unwrap_or(0),
                packets: wire::get_u64be(&d, NFTA_COUNTER_PACKETS).unwrap_or(0),
            },
            "immediate" if u(NFTA_IMMEDIATE_DREG) == NFT_REG_VERDICT => {
                let data = wire::parse(wire::get(&d, NFTA_IMMEDIATE_DATA)?);
                let v = wire::parse(wire::get(&data, NFTA_DATA_VERDICT)?);
                Expr::Verdict {
                    code: wire::get_u32be(&v, NFTA_VERDICT_CODE)? as i32,
                    chain: wire::get_str(&v, NFTA_VERDICT_CHAIN),
                }
            }
            "match" | "target" => {
                let name_ = wire::get_str(&d, NFTA_MATCH_NAME)?;
                let rev = u(NFTA_MATCH_REV);
                let info = wire::get(&d, NFTA_MATCH_INFO).unwrap_or(&[]).to_vec();
                if name == "match" {
                    Expr::Match {
                        name: name_,
                        rev,
                        info,
                    }
                } else {
                    Expr::Target {
                        name: name_,
                        rev,
                        info,
                    }
                }
            }
            _ => Expr::Other {
                name,
                data: raw.to_vec(),
            },
        })
    }
}

/// Encode a rule's `NFTA_RULE_EXPRESSIONS` payload.
#[cfg(test)]
pub(crate) fn encode_list(exprs: &[Expr]) -> Attrs {
    let mut a = Attrs::new();
    for e in exprs {
        e.encode(&mut a);
    }
    a
}

/// Decode `NFTA_RULE_EXPRESSIONS`.
pub(crate) fn decode_list(b: &[u8]) -> Vec<Expr> {
    wire::parse(b)
        .into_iter()
        .filter(|(t, _)| *t == NFTA_LIST_ELEM)
        .filter_map(|(_, e)| Expr::decode(e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes iptables 1.8.9 sent for `-o eth0 -s 192.168.255.0/24 -j MASQUERADE`
    /// (strace -e sendmsg), first two expressions: meta oifname, cmp "eth0\0".
    #[test]
    fn meta_cmp_bytes_match_iptables() {
        let exprs = vec![
            Expr::Meta {
                key: NFT_META_OIFNAME,
                dreg: NFT_REG_1,
            },
            Expr::Cmp {
                sreg: NFT_REG_1,
                op: NFT_CMP_EQ,
                data: b"eth0\0".to_vec(),
            },
        ];
        let want: &[u8] = b"\x24\x00\x01\x80\x09\x00\x01\x00meta\x00\x00\x00\x00\
\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x07\x08\x00\x01\x00\x00\x00\x00\x01\
\x30\x00\x01\x80\x08\x00\x01\x00cmp\x00\x24\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x01\
\x08\x00\x02\x00\x00\x00\x00\x00\x10\x00\x03\x80\x09\x00\x01\x00eth0\x00\x00\x00\x00";
        let got = encode_list(&exprs);
        assert_eq!(got.0, want);
        assert_eq!(decode_list(&got.0), exprs);
    }
}

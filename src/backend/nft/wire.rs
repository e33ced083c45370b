//! Netlink attribute and nfnetlink message encoding (kernel shapes only).
//!
//! Attributes are built and parsed by hand rather than through
//! netlink-packet-netfilter's typed NLAs: iptables-nft compatibility is
//! judged byte for byte (the attribute order of libnftnl 1.2 as iptables
//! 1.8.9 emits it, checked with `strace -e sendmsg iptables …`), and the
//! compat `match`/`target` expressions carry raw xt info blobs anyway.

/// `include/uapi/linux/netlink.h`
pub(crate) const NLM_F_REQUEST: u16 = 0x1;
pub(crate) const NLM_F_MULTI: u16 = 0x2;
pub(crate) const NLM_F_ACK: u16 = 0x4;
pub(crate) const NLM_F_DUMP: u16 = 0x300;
pub(crate) const NLM_F_REPLACE: u16 = 0x100;
pub(crate) const NLM_F_EXCL: u16 = 0x200;
pub(crate) const NLM_F_CREATE: u16 = 0x400;
pub(crate) const NLM_F_APPEND: u16 = 0x800;
pub(crate) const NLM_F_NONREC: u16 = 0x100;
pub(crate) const NLMSG_ERROR: u16 = 0x2;
pub(crate) const NLMSG_DONE: u16 = 0x3;
pub(crate) const NLA_F_NESTED: u16 = 0x8000;
const NLA_TYPE_MASK: u16 = 0x3fff;

/// `include/uapi/linux/netfilter/nfnetlink.h`
pub(crate) const NFNL_SUBSYS_NFTABLES: u16 = 10;
pub(crate) const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
pub(crate) const NFNL_MSG_BATCH_END: u16 = 0x11;
pub(crate) const NFNL_BATCH_GENID: u16 = 1;
pub(crate) const NFNETLINK_V0: u8 = 0;

/// `include/uapi/linux/netfilter.h`
pub(crate) const NFPROTO_UNSPEC: u8 = 0;
pub(crate) const NFPROTO_IPV4: u8 = 2;

/// An attribute stream under construction.
#[derive(Default, Clone, Debug)]
pub(crate) struct Attrs(pub Vec<u8>);

impl Attrs {
    pub fn new() -> Self {
        Self::default()
    }

    /// The attribute header; the caller appends the payload and pads.
    fn header(&mut self, ty: u16, payload: usize) {
        self.0.reserve(4 + payload + 3);
        self.0
            .extend_from_slice(&((4 + payload) as u16).to_ne_bytes());
        self.0.extend_from_slice(&ty.to_ne_bytes());
    }

    fn pad(&mut self) {
        let n = self.0.len().next_multiple_of(4);
        self.0.resize(n, 0);
    }

    pub fn bytes(&mut self, ty: u16, data: &[u8]) -> &mut Self {
        self.header(ty, data.len());
        self.0.extend_from_slice(data);
        self.pad();
        self
    }

    /// A NUL-terminated string, as libmnl's `mnl_attr_put_strz`.
    pub fn strz(&mut self, ty: u16, s: &str) -> &mut Self {
        self.header(ty, s.len() + 1);
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0);
        self.pad();
        self
    }

    pub fn u32be(&mut self, ty: u16, v: u32) -> &mut Self {
        self.bytes(ty, &v.to_be_bytes())
    }

    pub fn u64be(&mut self, ty: u16, v: u64) -> &mut Self {
        self.bytes(ty, &v.to_be_bytes())
    }

    /// A nested attribute, written in place: `f` appends the inner
    /// attributes (each padded), then the header's length is filled in.
    pub fn nest(&mut self, ty: u16, f: impl FnOnce(&mut Attrs)) -> &mut Self {
        let start = self.0.len();
        self.header(ty | NLA_F_NESTED, 0);
        f(self);
        let len = (self.0.len() - start) as u16;
        self.0[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        self
    }
}

/// Parse an attribute stream into `(type without flags, payload)` pairs.
pub(crate) fn parse(mut b: &[u8]) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    while b.len() >= 4 {
        let len = u16::from_ne_bytes([b[0], b[1]]) as usize;
        let ty = u16::from_ne_bytes([b[2], b[3]]) & NLA_TYPE_MASK;
        if len < 4 || len > b.len() {
            break;
        }
        out.push((ty, &b[4..len]));
        let adv = (len + 3) & !3;
        b = if adv >= b.len() { &[] } else { &b[adv..] };
    }
    out
}

pub(crate) fn get<'a>(attrs: &[(u16, &'a [u8])], ty: u16) -> Option<&'a [u8]> {
    attrs.iter().find(|(t, _)| *t == ty).map(|(_, v)| *v)
}

pub(crate) fn get_str(attrs: &[(u16, &[u8])], ty: u16) -> Option<String> {
    get(attrs, ty).map(|v| {
        let end = v.iter().position(|&c| c == 0).unwrap_or(v.len());
        String::from_utf8_lossy(&v[..end]).into_owned()
    })
}

pub(crate) fn get_u32be(attrs: &[(u16, &[u8])], ty: u16) -> Option<u32> {
    get(attrs, ty).and_then(|v| Some(u32::from_be_bytes(v.get(..4)?.try_into().ok()?)))
}

pub(crate) fn get_u64be(attrs: &[(u16, &[u8])], ty: u16) -> Option<u64> {
    get(attrs, ty).and_then(|v| Some(u64::from_be_bytes(v.get(..8)?.try_into().ok()?)))
}

/// One nfnetlink message: nlmsghdr + nfgenmsg + attributes.
pub(crate) fn message(
    ty: u16,
    flags: u16,
    seq: u32,
    family: u8,
    res_id: u16,
    attrs: &[u8],
) -> Vec<u8> {
    let len = 16 + 4 + attrs.len();
    let mut m = Vec::with_capacity(len);
    m.extend_from_slice(&(len as u32).to_ne_bytes());
    m.extend_from_slice(&ty.to_ne_bytes());
    m.extend_from_slice(&flags.to_ne_bytes());
    m.extend_from_slice(&seq.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.push(family);
    m.push(NFNETLINK_V0);
    m.extend_from_slice(&res_id.to_be_bytes());
    m.extend_from_slice(attrs);
    m
}

/// The nf_tables message type of `msg` (`NFNL_SUBSYS_NFTABLES << 8 | msg`).
pub(crate) fn nft_type(msg: u16) -> u16 {
    (NFNL_SUBSYS_NFTABLES << 8) | msg
}

/// A received netlink message.
#[derive(Debug)]
pub(crate) struct RxMsg<'a> {
    pub ty: u16,
    pub flags: u16,
    pub seq: u32,
    /// After the nlmsghdr.
    pub body: &'a [u8],
}

/// Split a datagram into netlink messages.
pub(crate) fn split(mut b: &[u8]) -> Vec<RxMsg<'_>> {
    let mut out = Vec::new();
    while b.len() >= 16 {
        let len = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize;
        if len < 16 || len > b.len() {
            break;
        }
        out.push(RxMsg {
            ty: u16::from_ne_bytes([b[4], b[5]]),
            flags: u16::from_ne_bytes([b[6], b[7]]),
            seq: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
            body: &b[16..len],
        });
        let adv = (len + 3) & !3;
        b = if adv >= b.len() { &[] } else { &b[adv..] };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strz_is_padded_and_parsed_back() {
        let mut a = Attrs::new();
        // NFTA_TABLE_NAME "nat": len 8, type 1, "nat\0"
        a.strz(1, "nat").u32be(2, 7);
        assert_eq!(
            a.0,
            [8, 0, 1, 0, b'n', b'a', b't', 0, 8, 0, 2, 0, 0, 0, 0, 7]
        );
        let p = parse(&a.0);
        assert_eq!(get_str(&p, 1).as_deref(), Some("nat"));
        assert_eq!(get_u32be(&p, 2), Some(7));
    }
}

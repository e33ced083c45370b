//! Values the backends return and the printers render: links, addresses,
//! routes, neighbours, … in the shape the kernel reports them.

/// A network device as RTM_NEWLINK reports it (include/uapi/linux/if_link.h).
/// Optional fields are attributes the kernel may leave out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    /// ifi_index.
    pub index: u32,
    /// IFLA_IFNAME.
    pub name: String,
    /// ifi_flags (IFF_*).
    pub flags: u32,
    /// ifi_type (ARPHRD_*).
    pub link_type: u16,
    pub mtu: Option<u32>,
    /// IFLA_QDISC.
    pub qdisc: Option<String>,
    /// IFLA_MASTER: index of the bridge this is a port of.
    pub master: Option<u32>,
    /// IFLA_OPERSTATE (IF_OPER_*).
    pub operstate: Option<u8>,
    /// IFLA_LINKMODE.
    pub linkmode: Option<u8>,
    pub group: Option<u32>,
    /// IFLA_TXQLEN.
    pub txqlen: Option<u32>,
    pub address: Option<Vec<u8>>,
    pub broadcast: Option<Vec<u8>>,
    pub perm_address: Option<Vec<u8>>,
    /// IFLA_LINK: the peer / lower device index (in the namespace of
    /// `link_netnsid` when that is set).
    pub link: Option<u32>,
    /// IFLA_LINK_NETNSID.
    pub link_netnsid: Option<i32>,
    /// IFLA_IFALIAS.
    pub alias: Option<String>,
    /// IFLA_INFO_KIND ("veth", "bridge", …).
    pub kind: Option<String>,
    /// IFLA_INFO_SLAVE_KIND ("bridge" for a bridge port).
    pub slave_kind: Option<String>,
    /// IFLA_INFO_DATA, as the netlink crate decodes it (`ip -d` prints it).
    pub kind_data: Option<netlink_packet_route::link::InfoData>,
    /// IFLA_INFO_SLAVE_DATA, likewise.
    pub slave_data: Option<netlink_packet_route::link::InfoPortData>,
    pub promiscuity: Option<u32>,
    /// IFLA_PROTO_DOWN.
    pub proto_down: Option<u8>,
    /// IFLA_STATS64 counters.
    pub stats64: Option<LinkStats>,
    /// `ip -d` details, in print order: (iproute2 text key, value) for
    /// IFLA_ALLMULTI … IFLA_GRO_MAX_SIZE, and the IPv6 addrgenmode.
    pub details: LinkDetails,
}

/// Attributes `ip -d link` prints (iproute2 6.1 print_linkinfo).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkDetails {
    pub allmulti: Option<u32>,
    pub min_mtu: Option<u32>,
    pub max_mtu: Option<u32>,
    /// IFLA_INET6_ADDR_GEN_MODE.
    pub addrgenmode: Option<u8>,
    pub num_tx_queues: Option<u32>,
    pub num_rx_queues: Option<u32>,
    pub gso_max_size: Option<u32>,
    pub gso_max_segs: Option<u32>,
    pub tso_max_size: Option<u32>,
    pub tso_max_segs: Option<u32>,
    pub gro_max_size: Option<u32>,
}

/// Link counters (struct rtnl_link_stats64, the ones `ip -s link` prints).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkStats {
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errors: u64,
    pub rx_dropped: u64,
    pub rx_missed_errors: u64,
    pub rx_over_errors: u64,
    pub multicast: u64,
    pub rx_compressed: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errors: u64,
    pub tx_dropped: u64,
    pub tx_carrier_errors: u64,
    pub collisions: u64,
    pub tx_compressed: u64,
    // The detail shown by `-s -s`.
    pub rx_length_errors: u64,
    pub rx_crc_errors: u64,
    pub rx_frame_errors: u64,
    pub rx_fifo_errors: u64,
    pub rx_nohandler: u64,
    pub rx_otherhost_dropped: u64,
    pub tx_aborted_errors: u64,
    pub tx_fifo_errors: u64,
    pub tx_window_errors: u64,
    pub tx_heartbeat_errors: u64,
    /// IFLA_CARRIER_CHANGES (a link attribute, printed with the stats).
    pub carrier_changes: Option<u32>,
}

/// IFF_UP (include/uapi/linux/if.h).
pub const IFF_UP: u32 = 0x1;

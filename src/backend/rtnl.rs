//! rtnetlink connections, one per network namespace, opened on first use
//! and reused by every later command of the process.
//!
//! A script with thousands of `ip` commands pays for one socket per
//! namespace, not one per command. The pool lives in `NetCtx`:
//!
//! ```ignore
//! let conn = ctx.rtnl.handle(ns.as_ref())?;          // Option<&NetnsRef>
//! let links = conn.dump_links()?;                     // Vec<LinkMessage>
//! let idx = conn.link_index("veth0")?;                // cached name → index
//! let r = conn.block_on(conn.handle.clone().link().del(idx).execute());
//! conn.invalidate();                                  // after any change
//! let replies = conn.request(msg)?;                   // raw request (acked)
//! ```
//!
//! Design (STYLE rule 7): a socket belongs to the namespace of the thread
//! that created it. For another namespace the socket is created on a
//! short-lived thread inside it (`netns::run_in`), the fd returned and
//! wrapped into the current-thread tokio runtime here; no thread ever stays
//! in another namespace. The runtime is created lazily (first connection).
//! After a fork the child must forget (never drop) runtime and sockets: the
//! epoll instance is shared with the parent ([`Pool::after_fork`]).

use std::collections::HashMap;
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};

use futures::StreamExt;
use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_route::link::{LinkAttribute, LinkMessage};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, TokioSocket};

use crate::backend::netns::{self, NetnsRef};

/// Errors of the rtnetlink backend.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RtnlError {
    /// Entering the namespace failed (iproute2's wording inside).
    #[error(transparent)]
    #[diagnostic(code(nsh::rtnl::netns))]
    Netns(#[from] netns::NetnsError),
    /// Socket or runtime set-up failed.
    #[error("Cannot open netlink socket: {0}")]
    #[diagnostic(code(nsh::rtnl::socket))]
    Socket(String),
    /// The kernel answered a request with an error: `errno` (positive) and
    /// the extended-ack message, if any.
    #[error("RTNETLINK answers: {}", netns::strerror(&std::io::Error::from_raw_os_error(*errno)))]
    #[diagnostic(code(nsh::rtnl::kernel))]
    Kernel { errno: i32, ext_ack: Option<String> },
    /// The connection broke or a reply could not be decoded.
    #[error("netlink: {0}")]
    #[diagnostic(code(nsh::rtnl::proto))]
    Proto(String),
}

impl RtnlError {
    /// What iproute2 prints on stderr for a failed request
    /// (lib/libnetlink.c: rtnl_talk_error / nl_dump_ext_ack):
    /// `Error: <ext ack>.` when the kernel sent a message, else
    /// `RTNETLINK answers: <strerror>`. Without the trailing newline.
    pub fn iproute2_text(&self) -> String {
        match self {
            RtnlError::Kernel {
                ext_ack: Some(m), ..
            } if m.ends_with('.') => format!("Error: {m}"),
            RtnlError::Kernel {
                ext_ack: Some(m), ..
            } => format!("Error: {m}."),
            e => e.to_string(),
        }
    }

    /// The errno of a kernel error.
    pub fn errno(&self) -> Option<i32> {
        match self {
            RtnlError::Kernel { errno, .. } => Some(*errno),
            _ => None,
        }
    }
}

/// The key of a connection: `None` is nsh's own namespace, else the
/// namespace's identity (device, inode of its nsfs file), so that a name
/// deleted and re-added (`ip netns del x; ip netns add x`) gets a new
/// connection rather than the dead namespace's.
type Key = Option<(u64, u64)>;

/// Connections per namespace plus the shared runtime.
#[derive(Default)]
pub struct Pool {
    rt: Option<std::rc::Rc<tokio::runtime::Runtime>>,
    conns: HashMap<Key, Conn>,
}

/// One rtnetlink connection (in one namespace), with its caches.
pub struct Conn {
    /// The rtnetlink handle; clone it to build requests.
    pub handle: rtnetlink::Handle,
    /// The pool's runtime, to drive requests (a current-thread runtime
    /// runs its spawned connection task only inside `Runtime::block_on`).
    rt: std::rc::Rc<tokio::runtime::Runtime>,
    /// ifname → ifindex, filled by [`Conn::link_index`], cleared by
    /// [`Conn::invalidate`].
    names: HashMap<String, u32>,
    /// `ip link del` commands queued for one batch (backend::linkdel).
    pub(crate) deletes: Option<crate::backend::linkdel::DeleteRun>,
}

impl Pool {
    /// The connection for namespace `ns` (`None`: nsh's own), opened on first
    /// use.
    pub fn handle(&mut self, ns: Option<&NetnsRef>) -> Result<&mut Conn, RtnlError> {
        let key = key_of(ns)?;
        if !self.conns.contains_key(&key) {
            let fd = match ns {
                None => open_socket(),
                Some(ns) => netns::run_in(ns, open_socket)?,
            }
            .map_err(|e| RtnlError::Socket(netns::strerror(&e)))?;
            if self.rt.is_none() {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build()
                    .map_err(|e| RtnlError::Socket(netns::strerror(&e)))?;
                self.rt = Some(std::rc::Rc::new(rt));
            }
            let rt = self
                .rt
                .clone()
                .ok_or_else(|| RtnlError::Socket("no runtime".into()))?;
            let _guard = rt.enter();
            // SAFETY: `fd` is a freshly created, owned netlink socket whose
            // ownership passes to the TokioSocket (it closes it on drop).
            let sock = unsafe { TokioSocket::from_raw_fd(fd.into_raw_fd()) };
            let (conn, handle, _messages) = rtnetlink::from_socket(sock);
            rt.spawn(conn);
            self.conns.insert(
                key,
                Conn {
                    handle,
                    rt: rt.clone(),
                    names: HashMap::new(),
                    deletes: None,
                },
            );
        }
        self.conns
            .get_mut(&key)
            .ok_or_else(|| RtnlError::Socket("connection lost".into()))
    }

    /// In a forked child: forget the runtime and the connections without
    /// dropping them (dropping would deregister fds from the epoll instance
    /// the parent shares).
    pub fn after_fork(&mut self) {
        if let Some(rt) = self.rt.take() {
            std::mem::forget(rt);
        }
        for (_, c) in self.conns.drain() {
            std::mem::forget(c);
        }
    }

    /// Close the connection to namespace `ns` (its name is going away): a
    /// namespace made later under the same name is another one, and the
    /// socket would keep the old one alive. Queued link deletions there are
    /// carried out first; their error, if any.
    pub fn forget(&mut self, ns: &NetnsRef) -> Option<RtnlError> {
        let key = key_of(Some(ns)).ok()?;
        let mut conn = self.conns.remove(&key)?;
        let err = conn.flush_deletes().err();
        // The connection task owns the socket: with the handle gone it ends
        // (and closes the socket) the next time the runtime runs it.
        let rt = conn.rt.clone();
        drop(conn);
        rt.block_on(async {
            for _ in 0..4 {
                tokio::task::yield_now().await;
            }
        });
        err
    }

    /// Carry out the link deletions queued in every namespace
    /// (backend::linkdel); the errors of those that failed.
    pub fn flush_deletes(&mut self) -> Vec<RtnlError> {
        let mut errs = Vec::new();
        let mut flushed = false;
        for c in self.conns.values_mut() {
            if c.deletes.is_some() {
                flushed = true;
                if let Err(e) = c.flush_deletes() {
                    errs.push(e);
                }
            }
        }
        if flushed {
            // A veth's peer in another namespace went too.
            self.invalidate_all();
        }
        errs
    }

    /// Whether deletions are queued on a connection other than the one for
    /// `ns` (a run stays in one namespace: the caller flushes first).
    pub fn deletes_queued_elsewhere(&self, ns: Option<&NetnsRef>) -> bool {
        let key = key_of(ns).ok().flatten();
        self.conns
            .iter()
            .any(|(k, c)| c.has_queued_deletes() && *k != key)
    }

    /// Forget every cached name → index mapping (after a change made in
    /// some namespace that may move links between namespaces).
    pub fn invalidate_all(&mut self) {
        for c in self.conns.values_mut() {
            c.names.clear();
        }
    }
}

/// The pool key of namespace `ns`.
fn key_of(ns: Option<&NetnsRef>) -> Result<Key, RtnlError> {
    match ns {
        None => Ok(None),
        Some(ns) => {
            use std::os::unix::fs::MetadataExt;
            let md = std::fs::metadata(ns.path()).map_err(|e| {
                RtnlError::Netns(netns::NetnsError::Open {
                    name: ns.display_name(),
                    reason: netns::strerror(&e),
                })
            })?;
            Ok(Some((md.dev(), md.ino())))
        }
    }
}

/// Create and bind a NETLINK_ROUTE socket in the calling thread's namespace,
/// with extended acks enabled (iproute2 lib/libnetlink.c: rtnl_open).
fn open_socket() -> std::io::Result<OwnedFd> {
    let mut s = Socket::new(NETLINK_ROUTE)?;
    s.set_ext_ack(true)?;
    s.bind_auto()?;
    // SAFETY: into_raw_fd hands over sole ownership of the open fd.
    Ok(unsafe { OwnedFd::from_raw_fd(std::os::fd::IntoRawFd::into_raw_fd(s)) })
}

impl Conn {
    /// Drive `fut` to completion on the pool's runtime.
    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    /// Whether any name → index mapping is cached.
    pub fn has_cached_names(&self) -> bool {
        !self.names.is_empty()
    }

    /// Forget cached name → index mappings (call after any link change).
    pub fn invalidate(&mut self) {
        self.names.clear();
    }

    /// Send `msg` (flags REQUEST|ACK added, plus whatever the caller set) and
    /// collect the replies until the ack or the end of a dump. A kernel error
    /// becomes [`RtnlError::Kernel`] with its extended-ack text.
    pub fn request(
        &mut self,
        payload: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>, RtnlError> {
        let mut hdr = NetlinkHeader::default();
        hdr.flags = NLM_F_REQUEST | flags;
        if flags & NLM_F_DUMP != NLM_F_DUMP {
            hdr.flags |= NLM_F_ACK;
        }
        let mut msg = NetlinkMessage::new(hdr, NetlinkPayload::InnerMessage(payload));
        msg.finalize();
        let mut stream = self
            .handle
            .request(msg)
            .map_err(|e| RtnlError::Proto(e.to_string()))?;
        self.rt.block_on(async move {
            let mut out = Vec::new();
            while let Some(m) = stream.next().await {
                match m.payload {
                    NetlinkPayload::InnerMessage(i) => out.push(i),
                    NetlinkPayload::Error(e) => {
                        if let Some(code) = e.code {
                            return Err(RtnlError::Kernel {
                                errno: -code.get(),
                                ext_ack: ext_ack_message(&e.header),
                            });
                        }
                    }
                    _ => {}
                }
            }
            Ok(out)
        })
    }

    /// Every link (RTM_GETLINK dump), in kernel order.
    pub fn dump_links(&mut self) -> Result<Vec<LinkMessage>, RtnlError> {
        let mut m = LinkMessage::default();
        // IFLA_EXT_MASK = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS? iproute2
        // asks for RTEXT_FILTER_VF (include/uapi/linux/rtnetlink.h).
        m.attributes.push(LinkAttribute::ExtMask(vec![
            netlink_packet_route::link::LinkExtentMask::Vf,
        ]));
        let replies = self.request(RouteNetlinkMessage::GetLink(m), NLM_F_DUMP)?;
        let mut links = Vec::new();
        for r in replies {
            if let RouteNetlinkMessage::NewLink(l) = r {
                if let Some(name) = link_name(&l) {
                    self.names.insert(name.to_string(), l.header.index);
                }
                links.push(l);
            }
        }
        Ok(links)
    }

    /// The name of link `index` (iproute2 ll_index_to_name: `ifN` when
    /// there is none), cached with the other names.
    pub fn ifname(&mut self, index: u32) -> String {
        if let Some((n, _)) = self.names.iter().find(|(_, i)| **i == index) {
            return n.clone();
        }
        match self.get_link(index).ok().as_ref().and_then(link_name) {
            Some(n) => {
                self.names.insert(n.to_string(), index);
                n.to_string()
            }
            None => format!("if{index}"),
        }
    }

    /// One link by name, `None` if there is none.
    pub fn link_by_name(&mut self, name: &str) -> Result<Option<LinkMessage>, RtnlError> {
        let mut m = LinkMessage::default();
        m.attributes.push(LinkAttribute::IfName(name.to_string()));
        match self.request(RouteNetlinkMessage::GetLink(m), 0) {
            Ok(replies) => Ok(replies.into_iter().find_map(|r| match r {
                RouteNetlinkMessage::NewLink(l) => Some(l),
                _ => None,
            })),
            Err(RtnlError::Kernel { errno, .. }) if errno == libc::ENODEV => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One link by index.
    pub fn get_link(&mut self, index: u32) -> Result<LinkMessage, RtnlError> {
        let mut m = LinkMessage::default();
        m.header.index = index;
        m.attributes.push(LinkAttribute::ExtMask(vec![
            netlink_packet_route::link::LinkExtentMask::Vf,
        ]));
        let replies = self.request(RouteNetlinkMessage::GetLink(m), 0)?;
        replies
            .into_iter()
            .find_map(|r| match r {
                RouteNetlinkMessage::NewLink(l) => Some(l),
                _ => None,
            })
            .ok_or_else(|| RtnlError::Proto("no link in reply".into()))
    }

    /// The index of link `name`, or `None` if there is none
    /// (iproute2 `ll_name_to_index`). Cached until [`Conn::invalidate`].
    pub fn link_index(&mut self, name: &str) -> Result<Option<u32>, RtnlError> {
        let found = self.lookup_index(name)?;
        // A device queued for deletion (backend::linkdel) is gone already.
        Ok(found.filter(|i| !self.is_gone(*i)))
    }

    fn lookup_index(&mut self, name: &str) -> Result<Option<u32>, RtnlError> {
        if let Some(i) = self.names.get(name) {
            return Ok(Some(*i));
        }
        let mut m = LinkMessage::default();
        m.attributes.push(LinkAttribute::IfName(name.to_string()));
        m.attributes.push(LinkAttribute::ExtMask(vec![
            netlink_packet_route::link::LinkExtentMask::Vf,
        ]));
        match self.request(RouteNetlinkMessage::GetLink(m), 0) {
            Ok(replies) => {
                for r in replies {
                    if let RouteNetlinkMessage::NewLink(l) = r {
                        self.names.insert(name.to_string(), l.header.index);
                        return Ok(Some(l.header.index));
                    }
                }
                Ok(None)
            }
            Err(RtnlError::Kernel { errno, .. }) if errno == libc::ENODEV => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The name (IFLA_IFNAME) of a link message.
pub fn link_name(l: &LinkMessage) -> Option<&str> {
    l.attributes.iter().find_map(|a| match a {
        LinkAttribute::IfName(n) => Some(n.as_str()),
        _ => None,
    })
}

/// The NLMSGERR_ATTR_MSG text of an error's payload (after the errno): the
/// original request (whole, as NETLINK_CAP_ACK is not set), then TLVs
/// (include/uapi/linux/netlink.h).
fn ext_ack_message(payload: &[u8]) -> Option<String> {
    /// include/uapi/linux/netlink.h
    const NLMSGERR_ATTR_MSG: u16 = 1;
    let orig_len = u32::from_ne_bytes(payload.get(0..4)?.try_into().ok()?) as usize;
    let mut off = (orig_len + 3) & !3;
    while off + 4 <= payload.len() {
        let len = u16::from_ne_bytes(payload.get(off..off + 2)?.try_into().ok()?) as usize;
        let kind = u16::from_ne_bytes(payload.get(off + 2..off + 4)?.try_into().ok()?) & 0x3fff;
        if len < 4 || off + len > payload.len() {
            return None;
        }
        if kind == NLMSGERR_ATTR_MSG {
            let v = &payload[off + 4..off + len];
            let v = v.split(|b| *b == 0).next().unwrap_or(v);
            return Some(String::from_utf8_lossy(v).into_owned());
        }
        off += (len + 3) & !3;
    }
    None
}

/// A link message as a model value.
pub fn to_model(l: &LinkMessage) -> crate::model::Link {
    use netlink_packet_route::link::LinkInfo;
    let mut m = crate::model::Link {
        index: l.header.index,
        flags: l.header.flags.bits(),
        link_type: u16::from(l.header.link_layer_type),
        ..Default::default()
    };
    for a in &l.attributes {
        match a {
            LinkAttribute::IfName(n) => m.name = n.clone(),
            LinkAttribute::Mtu(v) => m.mtu = Some(*v),
            LinkAttribute::Qdisc(v) => m.qdisc = Some(v.clone()),
            LinkAttribute::Controller(v) => m.master = Some(*v),
            LinkAttribute::OperState(s) => m.operstate = Some(u8::from(*s)),
            LinkAttribute::Mode(v) => m.linkmode = Some(u8::from(*v)),
            LinkAttribute::Group(v) => m.group = Some(*v),
            LinkAttribute::TxQueueLen(v) => m.txqlen = Some(*v),
            LinkAttribute::Address(v) => m.address = Some(v.clone()),
            LinkAttribute::Broadcast(v) => m.broadcast = Some(v.clone()),
            LinkAttribute::PermAddress(v) => m.perm_address = Some(v.clone()),
            LinkAttribute::Link(v) => m.link = Some(*v),
            LinkAttribute::LinkNetNsId(v) => m.link_netnsid = Some(*v),
            LinkAttribute::IfAlias(v) => m.alias = Some(v.clone()),
            LinkAttribute::Promiscuity(v) => m.promiscuity = Some(*v),
            LinkAttribute::ProtoDown(v) => m.proto_down = Some(*v),
            LinkAttribute::AllMulticast(v) => m.details.allmulti = Some(*v),
            LinkAttribute::MinMtu(v) => m.details.min_mtu = Some(*v),
            LinkAttribute::MaxMtu(v) => m.details.max_mtu = Some(*v),
            LinkAttribute::NumTxQueues(v) => m.details.num_tx_queues = Some(*v),
            LinkAttribute::NumRxQueues(v) => m.details.num_rx_queues = Some(*v),
            LinkAttribute::GsoMaxSize(v) => m.details.gso_max_size = Some(*v),
            LinkAttribute::GsoMaxSegs(v) => m.details.gso_max_segs = Some(*v),
            LinkAttribute::TsoMaxSize(v) => m.details.tso_max_size = Some(*v),
            LinkAttribute::TsoMaxSegs(v) => m.details.tso_max_segs = Some(*v),
            LinkAttribute::GroMaxSize(v) => m.details.gro_max_size = Some(*v),
            LinkAttribute::AfSpecUnspec(specs) => {
                use netlink_packet_route::link::{AfSpecInet6, AfSpecUnspec};
                for s in specs {
                    if let AfSpecUnspec::Inet6(v) = s {
                        for a in v {
                            if let AfSpecInet6::AddrGenMode(g) = a {
                                m.details.addrgenmode = Some(u8::from(g));
                            }
                        }
                    }
                }
            }
            LinkAttribute::Stats64(s) => {
                m.stats64 = Some(crate::model::LinkStats {
                    rx_bytes: s.rx_bytes,
                    rx_packets: s.rx_packets,
                    rx_errors: s.rx_errors,
                    rx_dropped: s.rx_dropped,
                    rx_missed_errors: s.rx_missed_errors,
                    rx_over_errors: s.rx_over_errors,
                    multicast: s.multicast,
                    rx_compressed: s.rx_compressed,
                    tx_bytes: s.tx_bytes,
                    tx_packets: s.tx_packets,
                    tx_errors: s.tx_errors,
                    tx_dropped: s.tx_dropped,
                    tx_carrier_errors: s.tx_carrier_errors,
                    collisions: s.collisions,
                    tx_compressed: s.tx_compressed,
                    rx_length_errors: s.rx_length_errors,
                    rx_crc_errors: s.rx_crc_errors,
                    rx_frame_errors: s.rx_frame_errors,
                    rx_fifo_errors: s.rx_fifo_errors,
                    rx_nohandler: s.rx_nohandler,
                    rx_otherhost_dropped: s.rx_otherhost_dropped,
                    tx_aborted_errors: s.tx_aborted_errors,
                    tx_fifo_errors: s.tx_fifo_errors,
                    tx_window_errors: s.tx_window_errors,
                    tx_heartbeat_errors: s.tx_heartbeat_errors,
                    carrier_changes: l.attributes.iter().find_map(|a| match a {
                        LinkAttribute::CarrierChanges(c) => Some(*c),
                        _ => None,
                    }),
                })
            }
            LinkAttribute::LinkInfo(infos) => {
                for i in infos {
                    match i {
                        LinkInfo::Kind(k) => m.kind = Some(k.to_string()),
                        LinkInfo::PortKind(k) => m.slave_kind = Some(k.to_string()),
                        LinkInfo::Data(d) => m.kind_data = Some(d.clone()),
                        LinkInfo::PortData(d) => m.slave_data = Some(d.clone()),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    m
}

impl Conn {
    /// The netnsid this connection's namespace has assigned to the namespace
    /// in file `path` (RTM_GETNSID with NETNSA_FD), if any (iproute2
    /// ip/ipnetns.c: get_netnsid_from_name).
    pub fn netnsid_of(&mut self, path: &std::path::Path) -> Option<i32> {
        use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
        use std::os::fd::AsRawFd;
        let f = std::fs::File::open(path).ok()?;
        let mut m = NsidMessage::default();
        m.attributes.push(NsidAttribute::Fd(f.as_raw_fd() as u32));
        let replies = self.request(RouteNetlinkMessage::GetNsId(m), 0).ok()?;
        replies.into_iter().find_map(|r| match r {
            RouteNetlinkMessage::NewNsId(n) => n.attributes.iter().find_map(|a| match a {
                NsidAttribute::Id(id) if *id >= 0 => Some(*id),
                _ => None,
            }),
            _ => None,
        })
    }

    /// netnsid → name for every namespace under /run/netns that this
    /// namespace has an id for (iproute2 netns_map_init).
    pub fn nsid_names(&mut self) -> HashMap<i32, String> {
        let mut out = HashMap::new();
        let Ok(dir) = std::fs::read_dir(netns::NETNS_RUN_DIR) else {
            return out;
        };
        let mut names: Vec<String> = dir
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        for n in names {
            let p = std::path::Path::new(netns::NETNS_RUN_DIR).join(&n);
            if let Some(id) = self.netnsid_of(&p) {
                out.entry(id).or_insert(n);
            }
        }
        out
    }
}

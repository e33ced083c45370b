//! Deferred link deletion: a run of `ip link del X` commands carried out by
//! the kernel in one batch.
//!
//! Deleting a network device is slow in wall time, not in CPU: the kernel
//! waits for RCU grace periods (`synchronize_net`, `netdev_run_todo`) for
//! every RTM_DELLINK, about 17-35 ms per device on the machines measured,
//! so a tutorial's or a test's teardown of 100 veth pairs takes 2-3 s with
//! iproute2 whatever the tool. The kernel deletes a whole device group at
//! once with one set of waits (`rtnl_group_dellink`, the same as
//! `ip link del group N`): a run of consecutive deletions in one namespace
//! is queued here and, at the next barrier ([`crate::native::NetCtx::barrier`],
//! before any other command), the queued devices are put in a group of
//! their own and deleted with one request.
//!
//! Each `ip link del X` still answers at once and exactly as iproute2 does:
//! the run starts with one dump of the namespace's links, and a device that
//! an earlier deletion of the run takes with it (the peer of a veth, a
//! device stacked on a deleted one) counts as gone, so `ip link del` of it
//! fails with `Cannot find device "X"` as it would have.
//!
//! A run survives other `ip link`/`ip addr` changes in the same namespace
//! (the `ip link add; …; ip link del` loop of a test suite): every name
//! lookup of the connection ([`Conn::link_index`]) treats gone devices as
//! absent, and the executors carry out the run first when a command could
//! tell the difference (a listing, a new device that takes a gone device's
//! name or a kernel-chosen name, routes, another namespace, any other
//! command: see `native::ip`).

use std::collections::{HashMap, HashSet};

use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkInfo, LinkMessage};
use netlink_packet_route::RouteNetlinkMessage;

use crate::backend::rtnl::{link_name, Conn, RtnlError};

/// One link as seen when the run began.
#[derive(Debug, Clone)]
struct RunLink {
    /// IFLA_LINK when it names a device of this namespace (a veth's peer,
    /// the lower device of a vlan/macvlan).
    link: Option<u32>,
    /// The same, for a veth: its peer, deleted with it.
    peer: Option<u32>,
    /// Whether the kernel's own `dellink` can delete it (loopback, for
    /// one, has none and refuses: such a device is never queued).
    deletable: bool,
    group: u32,
}

/// Deletions queued in one namespace, from the first `ip link del` of a
/// run to the barrier.
#[derive(Debug, Default)]
pub struct DeleteRun {
    links: HashMap<u32, RunLink>,
    by_name: HashMap<String, u32>,
    gone: HashSet<u32>,
    queued: Vec<u32>,
}

/// The first group id tried for a batch; higher ids are tried when a
/// device of the namespace already uses it. Scripts use small group
/// numbers (`ip link set X group 1`); this one spells "nsh\0".
const BATCH_GROUP: u32 = 0x6e73_6800;

impl DeleteRun {
    /// Start a run: one dump of the namespace's links.
    fn begin(conn: &mut Conn) -> Result<Self, RtnlError> {
        let mut run = DeleteRun::default();
        for l in conn.dump_links()? {
            let Some(name) = link_name(&l) else { continue };
            let idx = l.header.index;
            run.by_name.insert(name.to_string(), idx);
            run.links.insert(idx, run_link(&l));
        }
        Ok(run)
    }

    /// Mark `idx` and every device that goes with it as gone.
    fn take(&mut self, idx: u32) {
        let mut todo = vec![idx];
        while let Some(i) = todo.pop() {
            if !self.gone.insert(i) {
                continue;
            }
            // A veth's peer (in this namespace) goes with it.
            if let Some(p) = self.links.get(&i).and_then(|l| l.peer) {
                todo.push(p);
            }
            for (j, l) in &self.links {
                if l.link == Some(i) && !self.gone.contains(j) {
                    todo.push(*j);
                }
            }
        }
    }
}

fn run_link(l: &LinkMessage) -> RunLink {
    let mut link = None;
    let mut other_ns = false;
    let mut group = 0;
    let mut kind = None;
    for a in &l.attributes {
        match a {
            LinkAttribute::Link(i) => link = Some(*i),
            LinkAttribute::LinkNetNsId(_) => other_ns = true,
            LinkAttribute::Group(g) => group = *g,
            LinkAttribute::LinkInfo(infos) => {
                for i in infos {
                    if let LinkInfo::Kind(k) = i {
                        kind = Some(k.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let link = if other_ns {
        None
    } else {
        link.filter(|i| *i != 0)
    };
    RunLink {
        link,
        peer: link.filter(|_| kind == Some(InfoKind::Veth)),
        // A device without IFLA_LINKINFO kind (lo, physical NICs) has no
        // rtnl_link_ops->dellink: iproute2 gets EOPNOTSUPP for it, which
        // only an immediate request reproduces.
        deletable: matches!(kind, Some(InfoKind::Veth | InfoKind::Bridge)),
        group,
    }
}

/// What [`Conn::queue_delete`] did with a name.
#[derive(Debug, PartialEq, Eq)]
pub enum Queued {
    /// Queued: the command succeeds.
    Yes,
    /// No such device (in the namespace as the run left it).
    NoDevice,
    /// Not a device that can be deleted in a batch: delete it now.
    NotBatchable,
}

impl Conn {
    /// Queue the deletion of link `name` (see the module documentation).
    pub fn queue_delete(&mut self, name: &str) -> Result<Queued, RtnlError> {
        if self.deletes.is_none() {
            self.deletes = Some(DeleteRun::begin(self)?);
        }
        let known = self
            .deletes
            .as_ref()
            .is_some_and(|r| r.by_name.contains_key(name));
        if !known {
            // Added during the run (executors end the run on renames and
            // on devices stacked on others, so nothing else is new).
            let Some(l) = self.link_by_name(name)? else {
                return Ok(Queued::NoDevice);
            };
            if let Some(run) = self.deletes.as_mut() {
                run.by_name.insert(name.to_string(), l.header.index);
                run.links.insert(l.header.index, run_link(&l));
            }
        }
        let Some(run) = self.deletes.as_mut() else {
            return Ok(Queued::NotBatchable);
        };
        let Some(&idx) = run.by_name.get(name) else {
            return Ok(Queued::NoDevice);
        };
        if run.gone.contains(&idx) {
            return Ok(Queued::NoDevice);
        }
        if !run.links.get(&idx).is_some_and(|l| l.deletable) {
            return Ok(Queued::NotBatchable);
        }
        run.take(idx);
        run.queued.push(idx);
        Ok(Queued::Yes)
    }

    /// Whether link `index` is queued for deletion (or goes with one that
    /// is): name lookups treat it as absent.
    pub fn is_gone(&self, index: u32) -> bool {
        self.deletes
            .as_ref()
            .is_some_and(|r| r.gone.contains(&index))
    }

    /// Whether `name` is the name of a device queued for deletion (a new
    /// device of that name must wait for the deletion).
    pub fn is_gone_name(&self, name: &str) -> bool {
        self.deletes
            .as_ref()
            .is_some_and(|r| r.by_name.get(name).is_some_and(|i| r.gone.contains(i)))
    }

    /// Whether deletions are queued on this connection.
    pub fn has_queued_deletes(&self) -> bool {
        self.deletes.as_ref().is_some_and(|r| !r.queued.is_empty())
    }

    /// Carry out the queued deletions: one RTM_DELLINK for a single device,
    /// else the devices moved to a group of their own and the group deleted
    /// with one request. The run ends either way.
    pub fn flush_deletes(&mut self) -> Result<(), RtnlError> {
        let Some(run) = self.deletes.take() else {
            return Ok(());
        };
        self.invalidate();
        match run.queued.as_slice() {
            [] => Ok(()),
            [idx] => self.del_index(*idx),
            queued => {
                let used: HashSet<u32> = run.links.values().map(|l| l.group).collect();
                let group = (BATCH_GROUP..)
                    .find(|g| !used.contains(g))
                    .unwrap_or(BATCH_GROUP);
                for idx in queued {
                    let mut m = LinkMessage::default();
                    m.header.index = *idx;
                    m.attributes.push(LinkAttribute::Group(group));
                    if self.request(RouteNetlinkMessage::SetLink(m), 0).is_err() {
                        // Put back what was regrouped, then delete one by one.
                        self.regroup(&run, queued, group);
                        return queued.iter().try_for_each(|i| self.del_index(*i));
                    }
                }
                let mut m = LinkMessage::default();
                m.attributes.push(LinkAttribute::Group(group));
                self.request(RouteNetlinkMessage::DelLink(m), 0).map(|_| ())
            }
        }
    }

    fn del_index(&mut self, idx: u32) -> Result<(), RtnlError> {
        let mut m = LinkMessage::default();
        m.header.index = idx;
        match self.request(RouteNetlinkMessage::DelLink(m), 0) {
            // Already gone with an earlier one (a veth's peer).
            Err(RtnlError::Kernel { errno, .. }) if errno == libc::ENODEV => Ok(()),
            r => r.map(|_| ()),
        }
    }

    /// Restore the groups of devices moved to `group` by a batch that could
    /// not complete.
    fn regroup(&mut self, run: &DeleteRun, queued: &[u32], group: u32) {
        for idx in queued {
            let Some(l) = run.links.get(idx) else {
                continue;
            };
            if l.group == group {
                continue;
            }
            let mut m = LinkMessage::default();
            m.header.index = *idx;
            m.attributes.push(LinkAttribute::Group(l.group));
            let _ = self.request(RouteNetlinkMessage::SetLink(m), 0);
        }
    }
}

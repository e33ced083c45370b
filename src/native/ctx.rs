//! Per-process state of the native commands.

use crate::backend::netns::NetnsRef;

/// State shared by all native commands of one nsh process: the namespace
/// that natives currently act in, and the lazily opened kernel connections.
///
/// Creating it is free: no socket, runtime or thread exists until a command
/// needs one (nsh's start-up must stay as cheap as bash's).
#[derive(Default)]
pub struct NetCtx {
    /// The network namespace natives act in (`ip netns exec NS …`), or
    /// `None` for the namespace of the nsh process itself.
    pub netns: Option<NetnsRef>,
    /// `set -o native` / `nsh --native`: refuse forms that are not native
    /// instead of running the real tool.
    pub native_only: bool,
    /// nf_tables sockets, ruleset views and queued iptables transactions,
    /// per namespace (empty until an iptables command runs).
    pub nft: crate::backend::nft::Nft,
    /// rtnetlink connections per namespace (`ip`, `brctl`), opened lazily.
    pub rtnl: crate::backend::rtnl::Pool,
}

impl NetCtx {
    pub fn new() -> Self {
        Self::default()
    }

    /// Commit whatever native commands have queued (link deletions,
    /// iptables transactions).
    /// The interpreter calls this before any command that is not itself a
    /// queueing native command, before forking, and at exit. Returns a
    /// non-zero status if a deferred commit failed (its error already
    /// printed on `stderr`).
    pub fn barrier(&mut self, stderr: &mut dyn std::io::Write) -> i32 {
        let mut status = 0;
        for e in self.rtnl.flush_deletes() {
            let _ = writeln!(stderr, "{}", e.iproute2_text());
            status = 2;
        }
        for f in self.nft.commit_all() {
            let (text, code) = f.error.iptables_message("iptables");
            let _ = stderr.write_all(text.as_bytes());
            status = code;
        }
        status
    }

    /// Called first thing in a forked child: forget (never close or
    /// deregister: the parent still uses them) connections and runtimes
    /// inherited from the parent, so the child opens its own on demand.
    pub fn after_fork(&mut self) {
        // The child must not close the parent's netlink sockets.
        std::mem::forget(std::mem::take(&mut self.nft));
        self.rtnl.after_fork();
    }
}

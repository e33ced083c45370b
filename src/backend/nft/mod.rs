//! nf_tables backend of the native `iptables` (iptables-nft 1.8.9 compatible).
//!
//! Design:
//! - one NETLINK_NETFILTER socket per network namespace, opened on first use
//!   (inside `ctx.netns` via [`netns::run_in`]) and reused;
//! - a cached [`Ruleset`] view per namespace (ip family tables, chains, rules
//!   with handles), re-dumped when `NFT_MSG_GETGEN`'s generation id shows
//!   that someone else changed the ruleset (iptables-nft's own rule);
//! - modifications are validated against the view, applied to it and
//!   appended to a pending batch ([`Nft::queue`]); [`Nft::commit`] sends the
//!   whole queue as ONE `NFNL_MSG_BATCH_BEGIN … END` transaction, so a
//!   script of M `iptables -A` lines costs what one `iptables-restore` does.
//!   If the kernel rejects the combined batch, the queued commands are
//!   re-committed one by one so that exactly those that would have succeeded
//!   with iptables succeed, and the failures are reported with their errno.
//!
//! Use from the iptables front (`ns` is `ctx.netns.as_ref()`):
//! - build the rule as an [`IptEntry`] (iptables' own `ipt_entry` + xt
//!   matches + target) and turn it into expressions with
//!   [`IptEntry::to_rule`];
//! - modifications: `ctx.nft.queue(ns, Op::Append { .. })` etc.; an `Err`
//!   is the command's own error (chain missing, index too big, …), nothing
//!   was queued; `NetCtx::barrier` commits;
//! - `-S`, `-L`, `-C`, `-D rule`: [`Nft::ruleset`] (queued changes
//!   included; `Rule::entry` decodes a rule, [`IptEntry::same_rule`]
//!   compares); `-L -v`, `iptables-save -c`: [`Nft::fresh_ruleset`] (live
//!   counters). Tables and built-in chains iptables-nft has not created yet
//!   are absent: list them from [`builtin_chains`] with policy ACCEPT and
//!   zero counters, as iptables-nft does (`nft_xt_fake_builtin_chains`).
//! - errors: [`NftError::iptables_message`] gives iptables 1.8.9's stderr
//!   lines and exit status (checked against the real tool in
//!   `tests/it/nft.rs: nft_errors_are_worded_as_iptables`).
//!
//! Messages are what iptables 1.8.9 sends (checked with `strace -e sendmsg`):
//! tables and built-in chains are created on first use (only the chain that
//! is used), rules carry a counter and `NFTA_RULE_COMPAT`. Tables get no
//! flags and no userdata in 1.8.9 (nft's "managed by iptables-nft" warning
//! comes from the compat expressions, not from a table marker).

pub mod expr;
mod wire;
pub mod xlate;

use std::path::PathBuf;

use netlink_sys::{protocols::NETLINK_NETFILTER, Socket};

use crate::backend::netns::{self, NetnsError, NetnsRef};
use wire::*;
pub use xlate::{IptEntry, NatRange, RuleBody, XtMatch, XtTarget};

// include/uapi/linux/netfilter/nf_tables.h: enum nf_tables_msg_types
const NFT_MSG_NEWTABLE: u16 = 0;
const NFT_MSG_GETTABLE: u16 = 1;
const NFT_MSG_DELTABLE: u16 = 2;
const NFT_MSG_NEWCHAIN: u16 = 3;
const NFT_MSG_GETCHAIN: u16 = 4;
const NFT_MSG_DELCHAIN: u16 = 5;
const NFT_MSG_NEWRULE: u16 = 6;
const NFT_MSG_GETRULE: u16 = 7;
const NFT_MSG_DELRULE: u16 = 8;
const NFT_MSG_GETGEN: u16 = 16;
// enum nft_table_attributes
const NFTA_TABLE_NAME: u16 = 1;
const NFTA_TABLE_HANDLE: u16 = 4;
// enum nft_chain_attributes
const NFTA_CHAIN_TABLE: u16 = 1;
const NFTA_CHAIN_HANDLE: u16 = 2;
const NFTA_CHAIN_NAME: u16 = 3;
const NFTA_CHAIN_HOOK: u16 = 4;
const NFTA_CHAIN_POLICY: u16 = 5;
const NFTA_CHAIN_TYPE: u16 = 7;
const NFTA_CHAIN_COUNTERS: u16 = 8;
// enum nft_hook_attributes
const NFTA_HOOK_HOOKNUM: u16 = 1;
const NFTA_HOOK_PRIORITY: u16 = 2;
// enum nft_counter_attributes
const NFTA_COUNTER_BYTES: u16 = 1;
const NFTA_COUNTER_PACKETS: u16 = 2;
// enum nft_rule_attributes
const NFTA_RULE_TABLE: u16 = 1;
const NFTA_RULE_CHAIN: u16 = 2;
const NFTA_RULE_HANDLE: u16 = 3;
const NFTA_RULE_EXPRESSIONS: u16 = 4;
const NFTA_RULE_COMPAT: u16 = 5;
const NFTA_RULE_POSITION: u16 = 6;
const NFTA_RULE_USERDATA: u16 = 7;
// enum nft_rule_compat_attributes
const NFTA_RULE_COMPAT_PROTO: u16 = 1;
const NFTA_RULE_COMPAT_FLAGS: u16 = 2;
// enum nft_gen_attributes
const NFTA_GEN_ID: u16 = 1;

/// `include/uapi/linux/netfilter.h`: NF_INET_* hooks.
const NF_INET_PRE_ROUTING: u32 = 0;
const NF_INET_LOCAL_IN: u32 = 1;
const NF_INET_FORWARD: u32 = 2;
const NF_INET_LOCAL_OUT: u32 = 3;
const NF_INET_POST_ROUTING: u32 = 4;

/// iptables-nft 1.8.9 built-in chains (`iptables/nft.c: xtables_ipv4`):
/// (name, hook, priority, type). Priorities: NF_IP_PRI_RAW -300,
/// NF_IP_PRI_MANGLE -150, NF_IP_PRI_NAT_DST -100, NF_IP_PRI_FILTER 0,
/// NF_IP_PRI_NAT_SRC 100.
pub fn builtin_chains(table: &str) -> &'static [(&'static str, u32, i32, &'static str)] {
    match table {
        "filter" => &[
            ("INPUT", NF_INET_LOCAL_IN, 0, "filter"),
            ("FORWARD", NF_INET_FORWARD, 0, "filter"),
            ("OUTPUT", NF_INET_LOCAL_OUT, 0, "filter"),
        ],
        "nat" => &[
            ("PREROUTING", NF_INET_PRE_ROUTING, -100, "nat"),
            ("INPUT", NF_INET_LOCAL_IN, 100, "nat"),
            ("OUTPUT", NF_INET_LOCAL_OUT, -100, "nat"),
            ("POSTROUTING", NF_INET_POST_ROUTING, 100, "nat"),
        ],
        "mangle" => &[
            ("PREROUTING", NF_INET_PRE_ROUTING, -150, "filter"),
            ("INPUT", NF_INET_LOCAL_IN, -150, "filter"),
            ("FORWARD", NF_INET_FORWARD, -150, "filter"),
            ("OUTPUT", NF_INET_LOCAL_OUT, -150, "route"),
            ("POSTROUTING", NF_INET_POST_ROUTING, -150, "filter"),
        ],
        "raw" => &[
            ("PREROUTING", NF_INET_PRE_ROUTING, -300, "filter"),
            ("OUTPUT", NF_INET_LOCAL_OUT, -300, "filter"),
        ],
        _ => &[],
    }
}

/// Errors of the nf_tables backend. What the user sees is worded by the
/// iptables front (iptables' `nft_strerror`); these carry the facts.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum NftError {
    #[error(transparent)]
    #[diagnostic(code(nsh::nft::netns))]
    Netns(#[from] NetnsError),
    #[error("netlink: {}", netns::strerror(.0))]
    #[diagnostic(code(nsh::nft::io))]
    Io(#[from] std::io::Error),
    /// A step of the transaction failed, in the kernel or (for `-X` of a
    /// chain that is busy: referenced, not empty or built-in) already in
    /// nsh's check, which predicts the kernel's EBUSY. iptables 1.8.9
    /// prints it as `iptables v1.8.9 (nf_tables):  {this}` (two spaces:
    /// the text starts with one in `nft.c: mnl_append_error`) and exits 4.
    #[error("{action} failed ({}): {object}", crate::backend::errno_text(*.errno))]
    #[diagnostic(code(nsh::nft::failed))]
    Failed {
        action: &'static str,
        object: String,
        errno: i32,
    },
    /// The chain does not exist (for `-D N`/`-R N` also a built-in chain
    /// not created yet). iptables: `iptables: {this}.`, exit 1.
    #[error("No chain/target/match by that name")]
    #[diagnostic(code(nsh::nft::no_chain))]
    NoSuchChain,
    /// `-D rule`/`-C rule` finds no such rule (the front's search on the
    /// view): `iptables: {this}.`, exit 1.
    #[error("Bad rule (does a matching rule exist in that chain?)")]
    #[diagnostic(code(nsh::nft::bad_rule))]
    BadRule,
    /// `-D N` beyond the end of an existing chain: `iptables: {this}.`, exit 1.
    #[error("Index of deletion too big")]
    #[diagnostic(code(nsh::nft::delete_index))]
    DeleteIndexTooBig,
    /// `-R N` beyond the end of an existing chain: `iptables: {this}.`, exit 1.
    #[error("Index of replacement too big")]
    #[diagnostic(code(nsh::nft::replace_index))]
    ReplaceIndexTooBig,
    /// Jump/goto to a chain that does not exist. iptables 1.8.9 reports it
    /// while parsing: `iptables v1.8.9 (nf_tables): {this}` + the `Try …`
    /// line, exit 2.
    #[error("Chain '{0}' does not exist")]
    #[diagnostic(code(nsh::nft::no_target))]
    NoSuchTarget(String),
    /// `-I N` with N > rules + 1: `iptables: {this}.`, exit 1.
    #[error("Index of insertion too big")]
    #[diagnostic(code(nsh::nft::index))]
    IndexTooBig,
    /// `-N` of an existing chain (user or built-in): `iptables: {this}.`, exit 1.
    #[error("Chain already exists")]
    #[diagnostic(code(nsh::nft::chain_exists))]
    ChainExists,
    /// `-E OLD NEW` with NEW existing: `iptables: {this}.`, exit 1.
    #[error("File exists")]
    #[diagnostic(code(nsh::nft::file_exists))]
    FileExists,
    /// `-P` of a chain that is not built-in: `iptables: {this}.`, exit 1.
    #[error("Bad built-in chain name")]
    #[diagnostic(code(nsh::nft::not_builtin))]
    BadBuiltinChain,
}

impl NftError {
    /// What iptables 1.8.9 prints on stderr for this error (whole lines)
    /// and its exit status; `prog` is `iptables` (or the tool's name).
    pub fn iptables_message(&self, prog: &str) -> (String, i32) {
        match self {
            NftError::Failed { .. } => (format!("{prog} v1.8.9 (nf_tables):  {self}\n"), 4),
            NftError::NoSuchTarget(_) => (
                format!(
                    "{prog} v1.8.9 (nf_tables): {self}\nTry `{prog} -h' or '{prog} --help' for more information.\n"
                ),
                2,
            ),
            _ => (format!("{prog}: {self}.\n"), 1),
        }
    }
}

/// A base chain's hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hook {
    pub hooknum: u32,
    pub priority: i32,
    pub chain_type: String,
}

/// A rule in the view; `handle` is `None` while the rule is only queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub handle: Option<u64>,
    pub body: RuleBody,
}

impl Rule {
    /// The rule as iptables sees it (None if iptables-nft could not parse it).
    pub fn entry(&self) -> Option<IptEntry> {
        IptEntry::from_rule(&self.body)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    pub handle: Option<u64>,
    pub hook: Option<Hook>,
    /// NF_ACCEPT (1) / NF_DROP (0) for base chains.
    pub policy: Option<i32>,
    /// (packets, bytes) of a base chain's policy counter.
    pub counters: (u64, u64),
    pub rules: Vec<Rule>,
}

impl Chain {
    fn builtin(name: &str, hook: u32, priority: i32, ty: &str) -> Chain {
        Chain {
            name: name.to_string(),
            handle: None,
            hook: Some(Hook {
                hooknum: hook,
                priority,
                chain_type: ty.to_string(),
            }),
            policy: Some(expr::NF_ACCEPT),
            counters: (0, 0),
            rules: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub handle: Option<u64>,
    pub chains: Vec<Chain>,
}

impl Table {
    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.name == name)
    }
}

/// The `ip` family part of the ruleset, as nsh last saw or changed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ruleset {
    pub tables: Vec<Table>,
}

impl Ruleset {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.name == name)
    }
}

/// One modifying iptables command, as queued. Rule positions are 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Equivalent to `iptables -t TABLE -A CHAIN rule`.
    Append {
        table: String,
        chain: String,
        rule: RuleBody,
    },
    /// Equivalent to `iptables -I CHAIN POS rule`.
    Insert {
        table: String,
        chain: String,
        pos: usize,
        rule: RuleBody,
    },
    /// Equivalent to `iptables -R CHAIN POS rule`.
    Replace {
        table: String,
        chain: String,
        pos: usize,
        rule: RuleBody,
    },
    /// Equivalent to `iptables -D CHAIN POS` (the front resolves `-D rule`
    /// to a position with [`IptEntry::same_rule`] on the view).
    Delete {
        table: String,
        chain: String,
        pos: usize,
    },
    /// Equivalent to `iptables -F [CHAIN]`.
    Flush {
        table: String,
        chain: Option<String>,
    },
    /// What `iptables-restore` (without `--noflush`) does first for each
    /// table of its input: delete the table with its chains and rules
    /// (`NFT_MSG_DELTABLE`, iptables' TABLE_FLUSH); the built-in chains
    /// come back with the `:CHAIN POLICY` lines ([`Op::Policy`]). Nothing
    /// is sent for a table that does not exist.
    FlushTable { table: String },
    /// Equivalent to `iptables -N CHAIN`.
    NewChain { table: String, chain: String },
    /// Equivalent to `iptables -X [CHAIN]`.
    DeleteChain {
        table: String,
        chain: Option<String>,
    },
    /// Equivalent to `iptables -E OLD NEW`.
    RenameChain {
        table: String,
        old: String,
        new: String,
    },
    /// Equivalent to `iptables -Z [CHAIN]`: zero the policy counters of
    /// base chains and the counters of rules (iptables 1.8.9
    /// `nft_chain_zero_counters`; chains not yet created stay absent).
    Zero {
        table: String,
        chain: Option<String>,
    },
    /// Equivalent to `iptables -Z CHAIN N`: zero one rule's counters
    /// (`nft_rule_zero_counters`; no such rule: nothing happens).
    ZeroRule {
        table: String,
        chain: String,
        rule: usize,
    },
    /// Set a base chain's policy counters, as iptables-restore does for
    /// `:CHAIN POLICY [PACKETS:BYTES]` (with `-c`).
    ChainCounters {
        table: String,
        chain: String,
        packets: u64,
        bytes: u64,
    },
    /// Equivalent to `iptables -P CHAIN ACCEPT|DROP`.
    Policy {
        table: String,
        chain: String,
        accept: bool,
    },
}

struct Msg {
    ty: u16,
    /// iptables 1.8.9's name of the step (`nft.c: mnl_append_error`).
    action: &'static str,
    flags: u16,
    attrs: Vec<u8>,
}

impl Msg {
    /// The object iptables names in its error (`nft.c: mnl_append_error`).
    fn object(&self) -> String {
        let a = parse(&self.attrs);
        match self.ty {
            NFT_MSG_NEWTABLE => {
                format!("table {}", get_str(&a, NFTA_TABLE_NAME).unwrap_or_default())
            }
            NFT_MSG_NEWRULE | NFT_MSG_DELRULE => {
                format!(
                    "rule in chain {}",
                    get_str(&a, NFTA_RULE_CHAIN).unwrap_or_default()
                )
            }
            _ => format!("chain {}", get_str(&a, NFTA_CHAIN_NAME).unwrap_or_default()),
        }
    }
}

struct NsState {
    key: Option<PathBuf>,
    sock: Socket,
    seq: u32,
    genid: u32,
    view: Option<Ruleset>,
    pending: Vec<(Op, Vec<Msg>)>,
    /// Failures of commits nsh had to make on its own (before an op that
    /// needs kernel handles, before a fresh listing), reported by the next
    /// [`Nft::commit`].
    deferred: Vec<CommitFailure>,
}

/// The nf_tables state of one nsh process: per-namespace sockets, views
/// and queues. `Default` opens nothing.
#[derive(Default)]
pub struct Nft {
    spaces: Vec<NsState>,
}

/// A queued command that failed at commit time.
#[derive(Debug)]
pub struct CommitFailure {
    pub op: Op,
    pub error: NftError,
}

fn open_socket() -> std::io::Result<Socket> {
    let mut s = Socket::new(NETLINK_NETFILTER)?;
    s.bind_auto()?;
    Ok(s)
}

impl Nft {
    fn state(&mut self, ns: Option<&NetnsRef>) -> Result<&mut NsState, NftError> {
        let key = ns.map(|n| n.path());
        if let Some(i) = self.spaces.iter().position(|s| s.key == key) {
            return Ok(&mut self.spaces[i]);
        }
        let sock = match ns {
            Some(n) => netns::run_in(n, open_socket)??,
            None => open_socket()?,
        };
        self.spaces.push(NsState {
            key,
            sock,
            seq: 1,
            genid: 0,
            view: None,
            pending: Vec::new(),
            deferred: Vec::new(),
        });
        let last = self.spaces.len() - 1;
        Ok(&mut self.spaces[last])
    }

    /// The current view of the `ip` family ruleset in `ns`: queued changes
    /// applied, re-read from the kernel when it changed behind our back.
    pub fn ruleset(&mut self, ns: Option<&NetnsRef>) -> Result<&Ruleset, NftError> {
        let st = self.state(ns)?;
        st.refresh_if_stale()?;
        Ok(st.view.get_or_insert_with(Ruleset::default))
    }

    /// Validate `op` against the view, apply it there and queue its messages.
    pub fn queue(&mut self, ns: Option<&NetnsRef>, op: Op) -> Result<(), NftError> {
        let st = self.state(ns)?;
        st.refresh_if_stale()?;
        if matches!(op, Op::Zero { .. } | Op::ZeroRule { .. }) || st.needs_handles(&op) {
            let failed = st.commit();
            st.deferred.extend(failed);
            st.view = None;
            st.refresh_if_stale()?;
        }
        // apply() checks everything before it changes the view.
        let view = st.view.get_or_insert_with(Ruleset::default);
        let msgs = apply(view, &op)?;
        st.pending.push((op, msgs));
        Ok(())
    }

    /// Commit what is queued in `ns` and read the ruleset afresh from the
    /// kernel (live counters and handles: `-L -v`, `iptables-save -c`).
    pub fn fresh_ruleset(&mut self, ns: Option<&NetnsRef>) -> Result<&Ruleset, NftError> {
        let st = self.state(ns)?;
        let failed = st.commit();
        st.deferred.extend(failed);
        st.view = None;
        st.refresh_if_stale()?;
        Ok(st.view.get_or_insert_with(Ruleset::default))
    }

    /// Whether anything is queued (in any namespace).
    pub fn has_pending(&self) -> bool {
        self.spaces
            .iter()
            .any(|s| !s.pending.is_empty() || !s.deferred.is_empty())
    }

    /// Commit the queue of `ns` as one transaction. Returns the commands
    /// that failed (empty on success).
    pub fn commit(&mut self, ns: Option<&NetnsRef>) -> Vec<CommitFailure> {
        let key = ns.map(|n| n.path());
        match self.spaces.iter_mut().find(|s| s.key == key) {
            Some(st) => {
                let mut out = std::mem::take(&mut st.deferred);
                out.extend(st.commit());
                out
            }
            None => Vec::new(),
        }
    }

    /// Drop the socket and view of namespace `ns` (its name is going away:
    /// a namespace made later under the same name is another one). Commit
    /// its queue first; the failures of that commit.
    pub fn forget(&mut self, ns: &NetnsRef) -> Vec<CommitFailure> {
        let failed = self.commit(Some(ns));
        let key = Some(ns.path());
        self.spaces.retain(|s| s.key != key);
        failed
    }

    /// Commit every namespace's queue.
    pub fn commit_all(&mut self) -> Vec<CommitFailure> {
        let mut out = Vec::new();
        for st in &mut self.spaces {
            out.append(&mut st.deferred);
            out.extend(st.commit());
        }
        out
    }
}

fn find_chain<'a>(
    rs: &'a mut Ruleset,
    table: &str,
    chain: &str,
) -> Result<&'a mut Chain, NftError> {
    rs.table_mut(table)
        .and_then(|t| t.chains.iter_mut().find(|c| c.name == chain))
        .ok_or(NftError::NoSuchChain)
}

/// Make sure `table` (and, if `chain` is one of its built-ins, that chain)
/// exists, as iptables-nft does on first use (`nft_xt_builtin_init`).
fn ensure_builtin(rs: &mut Ruleset, table: &str, chain: Option<&str>, msgs: &mut Vec<Msg>) {
    if rs.table(table).is_none() {
        rs.tables.push(Table {
            name: table.to_string(),
            handle: None,
            chains: Vec::new(),
        });
        let mut a = Attrs::new();
        a.strz(NFTA_TABLE_NAME, table);
        msgs.push(Msg {
            ty: NFT_MSG_NEWTABLE,
            action: "TABLE_ADD",
            flags: NLM_F_CREATE,
            attrs: a.0,
        });
    }
    let Some(chain) = chain else { return };
    let Some(&(name, hook, prio, ty)) = builtin_chains(table).iter().find(|b| b.0 == chain) else {
        return;
    };
    let Some(t) = rs.table_mut(table) else { return };
    if t.chain(name).is_some() {
        return;
    }
    t.chains.push(Chain::builtin(name, hook, prio, ty));
    let mut a = Attrs::new();
    a.strz(NFTA_CHAIN_TABLE, table)
        .strz(NFTA_CHAIN_NAME, name)
        .nest(NFTA_CHAIN_HOOK, |h| {
            h.u32be(NFTA_HOOK_HOOKNUM, hook)
                .u32be(NFTA_HOOK_PRIORITY, prio as u32);
        })
        .u32be(NFTA_CHAIN_POLICY, expr::NF_ACCEPT as u32)
        .strz(NFTA_CHAIN_TYPE, ty);
    msgs.push(Msg {
        ty: NFT_MSG_NEWCHAIN,
        action: "CHAIN_ADD",
        flags: NLM_F_CREATE,
        attrs: a.0,
    });
}

fn rule_attrs(
    table: &str,
    chain: &str,
    handle: Option<u64>,
    position: Option<u64>,
    rule: &RuleBody,
) -> Vec<u8> {
    let mut a = Attrs(Vec::with_capacity(512));
    a.strz(NFTA_RULE_TABLE, table).strz(NFTA_RULE_CHAIN, chain);
    if let Some(h) = handle {
        a.u64be(NFTA_RULE_HANDLE, h);
    }
    if let Some(p) = position {
        a.u64be(NFTA_RULE_POSITION, p);
    }
    a.nest(NFTA_RULE_EXPRESSIONS, |list| {
        for e in &rule.exprs {
            e.encode(list);
        }
    });
    if let Some((proto, flags)) = rule.compat {
        a.nest(NFTA_RULE_COMPAT, |c| {
            c.u32be(NFTA_RULE_COMPAT_PROTO, proto)
                .u32be(NFTA_RULE_COMPAT_FLAGS, flags);
        });
    }
    if let Some(u) = &rule.userdata {
        a.bytes(NFTA_RULE_USERDATA, u);
    }
    a.0
}

/// The table and hooks an xtables target may be used in (the kernel's
/// `xt_check_target`, from `.table`/`.hooks` of ipt_MASQUERADE, xt_nat,
/// xt_REDIRECT, ipt_REJECT in Linux 6.1).
fn target_limits(rule: &RuleBody) -> Option<(&'static str, u32)> {
    let bit = |h: u32| 1u32 << h;
    rule.exprs.iter().find_map(|e| match e {
        expr::Expr::Target { name, .. } => match name.as_str() {
            "MASQUERADE" => Some(("nat", bit(NF_INET_POST_ROUTING))),
            "SNAT" => Some(("nat", bit(NF_INET_POST_ROUTING) | bit(NF_INET_LOCAL_IN))),
            "DNAT" | "REDIRECT" => Some(("nat", bit(NF_INET_PRE_ROUTING) | bit(NF_INET_LOCAL_OUT))),
            "REJECT" => Some((
                "filter",
                bit(NF_INET_LOCAL_IN) | bit(NF_INET_FORWARD) | bit(NF_INET_LOCAL_OUT),
            )),
            _ => None,
        },
        _ => None,
    })
}

fn jump_targets(rule: &RuleBody) -> impl Iterator<Item = &str> {
    rule.exprs.iter().filter_map(|e| match e {
        expr::Expr::Verdict { chain: Some(c), .. } => Some(c.as_str()),
        _ => None,
    })
}

/// Hooks from which `chain` is reached: its own if it is a base chain
/// (or a built-in one not created yet), else those of the chains that
/// jump to it.
fn hooks_reaching(rs: &Ruleset, table: &str, chain: &str) -> u32 {
    let mut mask = 0;
    let mut seen = vec![chain.to_string()];
    let mut todo = vec![chain.to_string()];
    let t = rs.table(table);
    while let Some(name) = todo.pop() {
        let own = t
            .and_then(|t| t.chain(&name))
            .and_then(|c| c.hook.as_ref())
            .map(|h| h.hooknum);
        let own = own.or_else(|| {
            builtin_chains(table)
                .iter()
                .find(|b| b.0 == name)
                .map(|b| b.1)
        });
        if let Some(h) = own {
            mask |= 1 << h;
            continue;
        }
        for c in t.map(|t| t.chains.as_slice()).unwrap_or(&[]) {
            if !seen.contains(&c.name)
                && c.rules
                    .iter()
                    .any(|r| jump_targets(&r.body).any(|j| j == name))
            {
                seen.push(c.name.clone());
                todo.push(c.name.clone());
            }
        }
    }
    mask
}

/// Whether the kernel will accept `rule` in `table`/`chain` as far as
/// xtables targets are concerned: the target's table, and its hooks
/// against every hook the rule is reached from, including through the
/// chains it jumps to (nft_compat's validation, which iptables-nft 1.8.9
/// reports as `RULE_APPEND failed (Invalid argument)`). Only rules with
/// such a target or a jump cost a search.
fn compat_allowed(rs: &Ruleset, table: &str, chain: &str, rule: &RuleBody) -> bool {
    let own = target_limits(rule);
    if own.is_some_and(|(t, _)| t != table) {
        return false;
    }
    let jumps: Vec<&str> = jump_targets(rule).collect();
    if own.is_none() && jumps.is_empty() {
        return true;
    }
    let reach = hooks_reaching(rs, table, chain);
    if own.is_some_and(|(_, hooks)| reach & !hooks != 0) {
        return false;
    }
    let Some(t) = rs.table(table) else {
        return true;
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut todo = jumps;
    while let Some(name) = todo.pop() {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        for r in t.chain(name).map(|c| c.rules.as_slice()).unwrap_or(&[]) {
            if target_limits(&r.body).is_some_and(|(_, hooks)| reach & !hooks != 0) {
                return false;
            }
            todo.extend(jump_targets(&r.body));
        }
    }
    true
}

fn check_targets(rs: &Ruleset, table: &str, rule: &RuleBody) -> Result<(), NftError> {
    for e in &rule.exprs {
        if let expr::Expr::Verdict { chain: Some(c), .. } = e {
            if rs.table(table).and_then(|t| t.chain(c)).is_none() {
                return Err(NftError::NoSuchTarget(c.clone()));
            }
        }
    }
    Ok(())
}

/// What the kernel answers to deleting a chain that is referenced, not
/// empty or built-in, as iptables 1.8.9 reports it.
fn chain_busy(name: &str) -> NftError {
    NftError::Failed {
        action: "CHAIN_DEL",
        object: format!("chain {name}"),
        errno: libc::EBUSY,
    }
}

fn is_builtin(table: &str, chain: &str) -> bool {
    builtin_chains(table).iter().any(|b| b.0 == chain)
}

/// Validate `op` on `rs`, change `rs` accordingly and return the messages.
fn apply(rs: &mut Ruleset, op: &Op) -> Result<Vec<Msg>, NftError> {
    let mut msgs = Vec::new();
    match op {
        Op::Append { table, chain, rule }
        | Op::Insert {
            table, chain, rule, ..
        }
        | Op::Replace {
            table, chain, rule, ..
        } => {
            check_targets(rs, table, rule)?;
            if !compat_allowed(rs, table, chain, rule) {
                let action = match op {
                    Op::Insert { .. } => "RULE_INSERT",
                    Op::Replace { .. } => "RULE_REPLACE",
                    _ => "RULE_APPEND",
                };
                return Err(NftError::Failed {
                    action,
                    object: format!("rule in chain {chain}"),
                    errno: libc::EINVAL,
                });
            }
            // Check before ensure_builtin changes anything.
            let existing = rs.table(table).and_then(|t| t.chain(chain));
            if existing.is_none() && !is_builtin(table, chain) {
                return Err(NftError::NoSuchChain);
            }
            let len = existing.map_or(0, |c| c.rules.len());
            match op {
                Op::Insert { pos, .. } if *pos == 0 || *pos > len + 1 => {
                    return Err(NftError::IndexTooBig)
                }
                Op::Replace { .. } if existing.is_none() => return Err(NftError::NoSuchChain),
                Op::Replace { pos, .. } if *pos == 0 || *pos > len => {
                    return Err(NftError::ReplaceIndexTooBig)
                }
                _ => {}
            }
            if is_builtin(table, chain) {
                ensure_builtin(rs, table, Some(chain), &mut msgs);
            }
            let c = find_chain(rs, table, chain)?;
            let new = Rule {
                handle: None,
                body: rule.clone(),
            };
            match op {
                Op::Append { .. } => {
                    c.rules.push(new);
                    let attrs = rule_attrs(table, chain, None, None, rule);
                    msgs.push(Msg {
                        ty: NFT_MSG_NEWRULE,
                        action: "RULE_APPEND",
                        flags: NLM_F_CREATE | NLM_F_APPEND,
                        attrs,
                    });
                }
                Op::Insert { pos, .. } => {
                    let pos = *pos;
                    if pos == 0 || pos > c.rules.len() + 1 {
                        return Err(NftError::IndexTooBig);
                    }
                    // iptables-nft: -I N with N == count+1 appends; N == 1
                    // prepends; otherwise "before the rule now at N".
                    let (flags, position) = if pos == c.rules.len() + 1 && pos > 1 {
                        (NLM_F_CREATE | NLM_F_APPEND, None)
                    } else if pos == 1 {
                        (NLM_F_CREATE, None)
                    } else {
                        (NLM_F_CREATE, c.rules[pos - 1].handle)
                    };
                    c.rules.insert(pos - 1, new);
                    msgs.push(Msg {
                        ty: NFT_MSG_NEWRULE,
                        action: "RULE_INSERT",
                        flags,
                        attrs: rule_attrs(table, chain, None, position, rule),
                    });
                }
                Op::Replace { pos, .. } => {
                    let pos = *pos;
                    if pos == 0 || pos > c.rules.len() {
                        return Err(NftError::ReplaceIndexTooBig);
                    }
                    let handle = c.rules[pos - 1].handle;
                    c.rules[pos - 1] = new;
                    let attrs = rule_attrs(table, chain, handle, None, rule);
                    msgs.push(Msg {
                        ty: NFT_MSG_NEWRULE,
                        action: "RULE_REPLACE",
                        flags: NLM_F_CREATE | NLM_F_REPLACE,
                        attrs,
                    });
                }
                _ => {}
            }
        }
        Op::Delete { table, chain, pos } => {
            let c = find_chain(rs, table, chain)?;
            if *pos == 0 || *pos > c.rules.len() {
                return Err(NftError::DeleteIndexTooBig);
            }
            let r = c.rules.remove(pos - 1);
            let mut a = Attrs::new();
            a.strz(NFTA_RULE_TABLE, table).strz(NFTA_RULE_CHAIN, chain);
            if let Some(h) = r.handle {
                a.u64be(NFTA_RULE_HANDLE, h);
            }
            msgs.push(Msg {
                ty: NFT_MSG_DELRULE,
                action: "RULE_DELETE",
                flags: 0,
                attrs: a.0,
            });
        }
        Op::Flush { table, chain } => {
            let Some(t) = rs.table_mut(table) else {
                return match chain {
                    Some(c) if !is_builtin(table, c) => Err(NftError::NoSuchChain),
                    _ => Ok(msgs),
                };
            };
            let mut a = Attrs::new();
            a.strz(NFTA_RULE_TABLE, table);
            match chain {
                Some(name) => {
                    match t.chains.iter_mut().find(|c| &c.name == name) {
                        Some(c) => c.rules.clear(),
                        None if is_builtin(table, name) => return Ok(msgs),
                        None => return Err(NftError::NoSuchChain),
                    }
                    a.strz(NFTA_RULE_CHAIN, name);
                }
                None => t.chains.iter_mut().for_each(|c| c.rules.clear()),
            }
            msgs.push(Msg {
                ty: NFT_MSG_DELRULE,
                action: "RULE_FLUSH",
                flags: 0,
                attrs: a.0,
            });
        }
        Op::FlushTable { table } => {
            if rs.table(table).is_some() {
                rs.tables.retain(|t| &t.name != table);
                let mut a = Attrs::new();
                a.strz(NFTA_TABLE_NAME, table);
                msgs.push(Msg {
                    ty: NFT_MSG_DELTABLE,
                    action: "TABLE_FLUSH",
                    flags: 0,
                    attrs: a.0,
                });
            }
        }
        Op::NewChain { table, chain } => {
            if rs.table(table).and_then(|t| t.chain(chain)).is_some() || is_builtin(table, chain) {
                return Err(NftError::ChainExists);
            }
            ensure_builtin(rs, table, None, &mut msgs);
            if let Some(t) = rs.table_mut(table) {
                t.chains.push(Chain {
                    name: chain.clone(),
                    handle: None,
                    hook: None,
                    policy: None,
                    counters: (0, 0),
                    rules: Vec::new(),
                });
            }
            let mut a = Attrs::new();
            a.strz(NFTA_CHAIN_TABLE, table).strz(NFTA_CHAIN_NAME, chain);
            msgs.push(Msg {
                ty: NFT_MSG_NEWCHAIN,
                action: "CHAIN_USER_ADD",
                flags: NLM_F_EXCL,
                attrs: a.0,
            });
        }
        Op::DeleteChain { table, chain } => {
            let Some(t) = rs.table_mut(table) else {
                return if chain.is_some() {
                    Err(NftError::NoSuchChain)
                } else {
                    Ok(msgs)
                };
            };
            let names: Vec<String> = match chain {
                Some(c) => {
                    let Some(ch) = t.chain(c) else {
                        return Err(NftError::NoSuchChain);
                    };
                    if ch.hook.is_some() {
                        return Err(chain_busy(c));
                    }
                    vec![c.clone()]
                }
                None => t
                    .chains
                    .iter()
                    .filter(|c| c.hook.is_none())
                    .map(|c| c.name.clone())
                    .collect(),
            };
            for name in &names {
                let referenced = t.chains.iter().any(|c| {
                    c.rules.iter().any(|r| {
                        r.body.exprs.iter().any(|e| matches!(e, expr::Expr::Verdict { chain: Some(x), .. } if x == name))
                    })
                });
                // iptables 1.8.9 leaves both to the kernel (EBUSY).
                if referenced || t.chain(name).is_some_and(|c| !c.rules.is_empty()) {
                    return Err(chain_busy(name));
                }
            }
            t.chains.retain(|c| !names.contains(&c.name));
            for name in names {
                let mut a = Attrs::new();
                a.strz(NFTA_CHAIN_TABLE, table).strz(NFTA_CHAIN_NAME, &name);
                msgs.push(Msg {
                    ty: NFT_MSG_DELCHAIN,
                    action: "CHAIN_DEL",
                    flags: NLM_F_NONREC,
                    attrs: a.0,
                });
            }
        }
        Op::RenameChain { table, old, new } => {
            if rs.table(table).and_then(|t| t.chain(new)).is_some() || is_builtin(table, new) {
                return Err(NftError::FileExists);
            }
            let c = find_chain(rs, table, old)?;
            c.name = new.clone();
            let mut a = Attrs::new();
            a.strz(NFTA_CHAIN_TABLE, table).strz(NFTA_CHAIN_NAME, new);
            if let Some(h) = c.handle {
                a.u64be(NFTA_CHAIN_HANDLE, h);
            }
            msgs.push(Msg {
                ty: NFT_MSG_NEWCHAIN,
                action: "CHAIN_RENAME",
                flags: 0,
                attrs: a.0,
            });
        }
        Op::Zero { table, chain } => {
            let Some(t) = rs.table_mut(table) else {
                return match chain {
                    Some(c) if !is_builtin(table, c) => Err(NftError::NoSuchChain),
                    _ => Ok(msgs),
                };
            };
            if let Some(c) = chain {
                if t.chain(c).is_none() {
                    return if is_builtin(table, c) {
                        Ok(msgs)
                    } else {
                        Err(NftError::NoSuchChain)
                    };
                }
            }
            for c in t
                .chains
                .iter_mut()
                .filter(|c| chain.as_ref().is_none_or(|n| *n == c.name))
            {
                if c.hook.is_some() {
                    c.counters = (0, 0);
                    let mut a = Attrs::new();
                    a.strz(NFTA_CHAIN_TABLE, table)
                        .strz(NFTA_CHAIN_NAME, &c.name)
                        .nest(NFTA_CHAIN_COUNTERS, |k| {
                            k.u64be(NFTA_COUNTER_PACKETS, 0)
                                .u64be(NFTA_COUNTER_BYTES, 0);
                        });
                    msgs.push(Msg {
                        ty: NFT_MSG_NEWCHAIN,
                        action: "CHAIN_ZERO",
                        flags: 0,
                        attrs: a.0,
                    });
                }
                for r in &mut c.rules {
                    let mut changed = false;
                    for e in &mut r.body.exprs {
                        if let expr::Expr::Counter { bytes, packets } = e {
                            changed |= *bytes != 0 || *packets != 0;
                            (*bytes, *packets) = (0, 0);
                        }
                    }
                    if changed {
                        let attrs = rule_attrs(table, &c.name, r.handle, None, &r.body);
                        msgs.push(Msg {
                            ty: NFT_MSG_NEWRULE,
                            action: "RULE_REPLACE",
                            flags: NLM_F_CREATE | NLM_F_REPLACE,
                            attrs,
                        });
                    }
                }
            }
        }
        Op::ZeroRule { table, chain, rule } => {
            let c = find_chain(rs, table, chain).map_err(|_| NftError::BadRule)?;
            let name = c.name.clone();
            if let Some(r) = c.rules.get_mut(rule - 1) {
                for e in &mut r.body.exprs {
                    if let expr::Expr::Counter { bytes, packets } = e {
                        *bytes = 0;
                        *packets = 0;
                    }
                }
                let attrs = rule_attrs(table, &name, r.handle, None, &r.body);
                msgs.push(Msg {
                    ty: NFT_MSG_NEWRULE,
                    action: "RULE_REPLACE",
                    flags: NLM_F_CREATE | NLM_F_REPLACE,
                    attrs,
                });
            }
        }
        Op::ChainCounters {
            table,
            chain,
            packets,
            bytes,
        } => {
            if !is_builtin(table, chain) {
                return Err(NftError::BadBuiltinChain);
            }
            ensure_builtin(rs, table, Some(chain), &mut msgs);
            let c = find_chain(rs, table, chain)?;
            c.counters = (*packets, *bytes);
            let mut a = Attrs::new();
            a.strz(NFTA_CHAIN_TABLE, table)
                .strz(NFTA_CHAIN_NAME, chain)
                .nest(NFTA_CHAIN_COUNTERS, |k| {
                    k.u64be(NFTA_COUNTER_PACKETS, *packets)
                        .u64be(NFTA_COUNTER_BYTES, *bytes);
                });
            msgs.push(Msg {
                ty: NFT_MSG_NEWCHAIN,
                action: "CHAIN_UPDATE",
                flags: 0,
                attrs: a.0,
            });
        }
        Op::Policy {
            table,
            chain,
            accept,
        } => {
            if !is_builtin(table, chain) {
                return Err(NftError::BadBuiltinChain);
            }
            ensure_builtin(rs, table, Some(chain), &mut msgs);
            let c = find_chain(rs, table, chain)?;
            let code = if *accept {
                expr::NF_ACCEPT
            } else {
                expr::NF_DROP
            };
            c.policy = Some(code);
            let mut a = Attrs::new();
            a.strz(NFTA_CHAIN_TABLE, table)
                .strz(NFTA_CHAIN_NAME, chain)
                .u32be(NFTA_CHAIN_POLICY, code as u32);
            msgs.push(Msg {
                ty: NFT_MSG_NEWCHAIN,
                action: "CHAIN_UPDATE",
                flags: 0,
                attrs: a.0,
            });
        }
    }
    Ok(msgs)
}

impl NsState {
    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Send one request and collect the bodies of the replies (a dump, or
    /// the single answer), up to NLMSG_DONE / the error/ack.
    fn request(
        &mut self,
        msg: u16,
        flags: u16,
        family: u8,
        attrs: &[u8],
    ) -> Result<Vec<(u16, Vec<u8>)>, NftError> {
        let seq = self.next_seq();
        let m = message(nft_type(msg), NLM_F_REQUEST | flags, seq, family, 0, attrs);
        self.sock.send(&m, 0)?;
        let mut out = Vec::new();
        let dump = flags & NLM_F_DUMP != 0;
        loop {
            let mut buf = Vec::with_capacity(1 << 17);
            self.sock.recv(&mut buf, 0)?;
            for rx in split(&buf) {
                if rx.seq != seq {
                    continue;
                }
                match rx.ty {
                    NLMSG_DONE => return Ok(out),
                    NLMSG_ERROR => {
                        let code = rx
                            .body
                            .get(..4)
                            .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                            .unwrap_or(0);
                        if code != 0 {
                            return Err(NftError::Io(std::io::Error::from_raw_os_error(-code)));
                        }
                        return Ok(out);
                    }
                    ty => {
                        out.push((ty, rx.body.get(4..).unwrap_or(&[]).to_vec()));
                        if !dump && rx.flags & NLM_F_MULTI == 0 {
                            return Ok(out);
                        }
                    }
                }
            }
        }
    }

    fn getgen(&mut self) -> Result<u32, NftError> {
        let r = self.request(NFT_MSG_GETGEN, 0, NFPROTO_UNSPEC, &[])?;
        Ok(r.first()
            .and_then(|(_, b)| get_u32be(&parse(b), NFTA_GEN_ID))
            .unwrap_or(0))
    }

    /// Re-read the view unless it is current (same generation, or our own
    /// queued changes make it authoritative).
    fn refresh_if_stale(&mut self) -> Result<(), NftError> {
        if !self.pending.is_empty() {
            return Ok(());
        }
        let gen = self.getgen()?;
        if self.view.is_some() && gen == self.genid {
            return Ok(());
        }
        let mut gen = gen;
        loop {
            let rs = self.dump()?;
            let after = self.getgen()?;
            if after == gen {
                self.view = Some(rs);
                self.genid = after;
                return Ok(());
            }
            gen = after;
        }
    }

    fn dump(&mut self) -> Result<Ruleset, NftError> {
        let mut rs = Ruleset::default();
        for (_, b) in self.request(NFT_MSG_GETTABLE, NLM_F_DUMP, NFPROTO_IPV4, &[])? {
            let a = parse(&b);
            rs.tables.push(Table {
                name: get_str(&a, NFTA_TABLE_NAME).unwrap_or_default(),
                handle: get_u64be(&a, NFTA_TABLE_HANDLE),
                chains: Vec::new(),
            });
        }
        for (_, b) in self.request(NFT_MSG_GETCHAIN, NLM_F_DUMP, NFPROTO_IPV4, &[])? {
            let a = parse(&b);
            let hook = get(&a, NFTA_CHAIN_HOOK).map(|h| {
                let h = parse(h);
                Hook {
                    hooknum: get_u32be(&h, NFTA_HOOK_HOOKNUM).unwrap_or(0),
                    priority: get_u32be(&h, NFTA_HOOK_PRIORITY).unwrap_or(0) as i32,
                    chain_type: get_str(&a, NFTA_CHAIN_TYPE).unwrap_or_default(),
                }
            });
            let counters = get(&a, NFTA_CHAIN_COUNTERS)
                .map(|c| {
                    let c = parse(c);
                    (
                        get_u64be(&c, NFTA_COUNTER_PACKETS).unwrap_or(0),
                        get_u64be(&c, NFTA_COUNTER_BYTES).unwrap_or(0),
                    )
                })
                .unwrap_or((0, 0));
            let chain = Chain {
                name: get_str(&a, NFTA_CHAIN_NAME).unwrap_or_default(),
                handle: get_u64be(&a, NFTA_CHAIN_HANDLE),
                hook,
                policy: get_u32be(&a, NFTA_CHAIN_POLICY).map(|p| p as i32),
                counters,
                rules: Vec::new(),
            };
            let table = get_str(&a, NFTA_CHAIN_TABLE).unwrap_or_default();
            if let Some(t) = rs.table_mut(&table) {
                t.chains.push(chain);
            }
        }
        for (_, b) in self.request(NFT_MSG_GETRULE, NLM_F_DUMP, NFPROTO_IPV4, &[])? {
            let a = parse(&b);
            let table = get_str(&a, NFTA_RULE_TABLE).unwrap_or_default();
            let chain = get_str(&a, NFTA_RULE_CHAIN).unwrap_or_default();
            let compat = get(&a, NFTA_RULE_COMPAT).map(|c| {
                let c = parse(c);
                (
                    get_u32be(&c, NFTA_RULE_COMPAT_PROTO).unwrap_or(0),
                    get_u32be(&c, NFTA_RULE_COMPAT_FLAGS).unwrap_or(0),
                )
            });
            let rule = Rule {
                handle: get_u64be(&a, NFTA_RULE_HANDLE),
                body: RuleBody {
                    exprs: get(&a, NFTA_RULE_EXPRESSIONS)
                        .map(expr::decode_list)
                        .unwrap_or_default(),
                    compat,
                    userdata: get(&a, NFTA_RULE_USERDATA).map(<[u8]>::to_vec),
                },
            };
            if let Ok(c) = find_chain(&mut rs, &table, &chain) {
                c.rules.push(rule);
            }
        }
        Ok(rs)
    }

    /// Whether `op` refers to a rule or chain known only by position in a
    /// not yet committed batch (its handle is needed on the wire).
    fn needs_handles(&self, op: &Op) -> bool {
        let Some(rs) = &self.view else { return false };
        let chain_rules = |t: &str, c: &str| rs.table(t).and_then(|t| t.chain(c)).map(|c| &c.rules);
        match op {
            Op::Insert {
                table, chain, pos, ..
            }
            | Op::Replace {
                table, chain, pos, ..
            }
            | Op::Delete { table, chain, pos } => chain_rules(table, chain)
                .and_then(|r| r.get(pos.saturating_sub(1)))
                .is_some_and(|r| r.handle.is_none()),
            Op::RenameChain { table, old, .. } => rs
                .table(table)
                .and_then(|t| t.chain(old))
                .is_some_and(|c| c.handle.is_none()),
            _ => false,
        }
    }

    /// Send `ops` as one batch. Err((index of the failing message's op, errno)).
    /// Send `ops` as one batch. On failure: (index of the op whose message
    /// failed, or usize::MAX for the batch as a whole; errno; the error as
    /// iptables reports it).
    fn send_batch(&mut self, ops: &[(Op, Vec<Msg>)]) -> Result<(), (usize, i32, NftError)> {
        let io = |e: std::io::Error| {
            (
                usize::MAX,
                e.raw_os_error().unwrap_or(libc::EIO),
                NftError::Io(e),
            )
        };
        let begin_seq = self.next_seq();
        let mut genid = Attrs::new();
        genid.u32be(NFNL_BATCH_GENID, self.genid);
        let mut buf = message(
            NFNL_MSG_BATCH_BEGIN,
            NLM_F_REQUEST,
            begin_seq,
            NFPROTO_UNSPEC,
            NFNL_SUBSYS_NFTABLES,
            &genid.0,
        );
        // Like iptables, no per-message ACK (20,000 acks would overflow
        // the receive buffer); only the last message asks for one, so that
        // exactly one final reply follows the errors, if any (the kernel
        // queues errors and acks in message order: nfnetlink_rcv_batch).
        let first_seq = begin_seq.wrapping_add(1);
        let mut owner = Vec::new();
        let total: usize = ops.iter().map(|(_, m)| m.len()).sum();
        let bytes: usize = ops
            .iter()
            .flat_map(|(_, m)| m)
            .map(|m| 20 + m.attrs.len())
            .sum();
        buf.reserve(bytes + 20);
        for (i, (_, msgs)) in ops.iter().enumerate() {
            for (j, m) in msgs.iter().enumerate() {
                let seq = self.next_seq();
                owner.push((i, j));
                let ack = if owner.len() == total { NLM_F_ACK } else { 0 };
                buf.extend(message(
                    nft_type(m.ty),
                    NLM_F_REQUEST | ack | m.flags,
                    seq,
                    NFPROTO_IPV4,
                    0,
                    &m.attrs,
                ));
            }
        }
        if owner.is_empty() {
            return Ok(());
        }
        let last_seq = self.seq;
        let end_seq = self.next_seq();
        buf.extend(message(
            NFNL_MSG_BATCH_END,
            NLM_F_REQUEST,
            end_seq,
            NFPROTO_UNSPEC,
            NFNL_SUBSYS_NFTABLES,
            &[],
        ));
        if buf.len() > 200_000 {
            // netlink_sendmsg refuses messages larger than sk_sndbuf
            // (libnftables mnl_set_sndbuffer does the same).
            let _ = nix::sys::socket::setsockopt(
                &self.sock,
                nix::sys::socket::sockopt::SndBufForce,
                &(buf.len() + 4096),
            );
        }
        self.sock.send(&buf, 0).map_err(io)?;
        let mut first_err: Option<(usize, i32, NftError)> = None;
        loop {
            let mut rx = Vec::with_capacity(1 << 16);
            self.sock.recv(&mut rx, 0).map_err(io)?;
            for m in split(&rx) {
                if m.ty != NLMSG_ERROR {
                    continue;
                }
                let code = m
                    .body
                    .get(..4)
                    .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                    .unwrap_or(0);
                if m.seq == begin_seq {
                    let e = std::io::Error::from_raw_os_error(-code);
                    return Err((usize::MAX, -code, NftError::Io(e)));
                }
                let idx = m.seq.wrapping_sub(first_seq) as usize;
                if code != 0 && first_err.is_none() {
                    if let Some(&(i, j)) = owner.get(idx) {
                        let msg = &ops[i].1[j];
                        let error = NftError::Failed {
                            action: msg.action,
                            object: msg.object(),
                            errno: -code,
                        };
                        first_err = Some((i, -code, error));
                    }
                }
                if m.seq == last_seq {
                    return match first_err {
                        Some(e) => Err(e),
                        None => Ok(()),
                    };
                }
            }
        }
    }

    fn commit(&mut self) -> Vec<CommitFailure> {
        if self.pending.is_empty() {
            return Vec::new();
        }
        let mut ops = std::mem::take(&mut self.pending);
        let mut failures = Vec::new();
        let mut result = self.send_batch(&ops);
        if let Err((usize::MAX, libc::ERESTART, _)) = result {
            // Someone else committed since our view was read (the batch's
            // generation id is stale): re-read, re-check every command on
            // the new ruleset and retry once as one batch (iptables-nft's
            // retry in nft_action).
            self.view = None;
            if self.refresh_if_stale().is_ok() {
                let view = self.view.get_or_insert_with(Ruleset::default);
                let mut again = Vec::new();
                for (op, _) in ops {
                    match apply(view, &op) {
                        Ok(msgs) => again.push((op, msgs)),
                        Err(error) => failures.push(CommitFailure { op, error }),
                    }
                }
                ops = again;
                result = self.send_batch(&ops);
            }
        }
        match result {
            Ok(()) => {
                // Our own commit bumped the generation: remember it so the
                // view (with rules whose handles are unknown) stays valid.
                match self.getgen() {
                    Ok(g) => self.genid = g,
                    Err(_) => self.view = None,
                }
            }
            Err(_) => {
                // Fall back to one transaction per command, each checked on
                // a fresh view, so that exactly the commands that would have
                // succeeded one by one succeed.
                self.view = None;
                for (op, _) in ops {
                    if let Err(error) = self.refresh_if_stale() {
                        failures.push(CommitFailure { op, error });
                        continue;
                    }
                    let view = self.view.get_or_insert_with(Ruleset::default);
                    let msgs = match apply(view, &op) {
                        Ok(m) => m,
                        Err(error) => {
                            failures.push(CommitFailure { op, error });
                            continue;
                        }
                    };
                    let one = [(op, msgs)];
                    let r = self.send_batch(&one);
                    self.view = None;
                    if let Err((_, _, error)) = r {
                        let [(op, _)] = one;
                        failures.push(CommitFailure { op, error });
                    }
                }
            }
        }
        failures
    }
}

//! nsh's integration tests: one test binary, one module per area.
//!
//! Every test that touches the network runs in its own sandbox (a fresh
//! network + mount namespace, see `common::sandbox`); tests that need root
//! skip with a printed reason when not root, unless `NSH_REQUIRE_ROOT=1`
//! (set by CI) turns the skip into a failure.

mod bench;
mod common;
mod ip_addr_route;
mod ip_link;
mod ip_neigh;
mod ip_netns;
mod ip_route;
mod iptables;
mod netns_exec;
mod nft;
mod ping;
mod repl;
mod scripts;
mod shell;
mod shell_corpus;
mod shell_errors;
mod shlib;
mod sysctl;

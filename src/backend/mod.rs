//! All kernel side effects: namespaces, rtnetlink, nf_tables, sysctl, ping.
//!
//! Backends receive typed requests and return model values; they never see
//! script text, the AST or pest.

pub mod netns;
pub mod nft;
pub mod ping;
pub mod rtnl;
pub mod sysctl;

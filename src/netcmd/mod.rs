//! Expanded argv → typed requests for the native commands. Pure: no I/O.
pub mod iptables;
pub mod ping;
pub mod sysctl;

pub mod ip;

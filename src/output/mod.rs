//! Renderers of model values, byte for byte as the real tools print them.
pub mod iptables;
pub mod ping;
pub mod sysctl;

pub mod ip;

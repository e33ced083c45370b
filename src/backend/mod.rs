//! All kernel side effects: namespaces, rtnetlink, nf_tables, sysctl, ping.
//!
//! Backends receive typed requests and return model values; they never see
//! script text, the AST or pest.

pub mod linkdel;
pub mod netns;
pub mod netns_admin;
pub mod nft;
pub mod ping;
pub mod rtnl;
pub mod sysctl;

/// The C library's text for `errno` (`strerror`), as iproute2, iptables and
/// bash print it: glibc's words, which differ from nix's descriptions for a
/// few errnos (EOPNOTSUPP, EIO, …).
pub fn errno_text(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

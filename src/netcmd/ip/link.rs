//! `ip link …` argv → typed [`LinkCmd`] (iproute2 6.1 ip/iplink.c).

/// A parsed `ip link` command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkCmd {
    /// Equivalent to `ip link [show] [dev X]` (filled in by the link work).
    Show,
}

//! `ip link …`: argv → `LinkCmd` → rtnetlink → output.

use crate::native::{Io, NetCtx, Outcome, Word};
use crate::netcmd::ip::IpGlobal;

/// `ip [OPTIONS] link ARGS…`; `args` are the words after `link`.
pub fn run(ctx: &mut NetCtx, g: &IpGlobal, args: &[Word], io: &mut Io) -> Outcome {
    let _ = g;
    let mut all = vec![Word::new("link".to_string(), Default::default())];
    all.extend_from_slice(args);
    crate::native::ip::foreign(ctx, &all, io)
}

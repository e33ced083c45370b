//! `ping`.
use crate::native::{Io, NetCtx, Outcome, Word};

/// Equivalent to iputils `ping`.
pub fn run(_ctx: &mut NetCtx, _args: &[Word], _io: &mut Io) -> Outcome {
    Outcome::Status(2)
}

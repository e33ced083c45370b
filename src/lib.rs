//! nsh: a shell-compatible script interpreter whose network commands run
//! natively, in-process, over netlink and syscalls.
//!
//! Data flows one way, and the modules follow it:
//!
//! ```text
//! grammar/*.pest → syntax → ast → interp → netcmd (expanded argv → typed request)
//!                → backend {rtnl, nft, sysctl, netns, ping} → model values → output {text, json}
//! ```
//!
//! - [`span`]: byte spans and spanned values.
//! - [`syntax`]: source text → AST; the only module that names pest's types.
//! - [`ast`]: the owned AST; every node has a span.
//! - [`interp`]: evaluation, expansion, builtins, redirections, jobs, dispatch.
//! - [`native`]: the executors of the native commands (`ip`, `iptables`, …):
//!   argv → `netcmd` request → `backend` → `output`.
//! - [`netcmd`]: expanded argv → typed requests; pure, no I/O.
//! - [`backend`]: every kernel side effect.
//! - [`output`]: renders model values exactly as iproute2/iptables/sysctl do.

pub mod ast;
pub mod backend;
pub mod interp;
pub mod model;
pub mod native;
pub mod netcmd;
pub mod output;
pub mod repl;
pub mod span;
pub mod syntax;

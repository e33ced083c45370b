//! Expanded argv → typed requests for the native commands. Pure: no I/O.

pub mod ip;

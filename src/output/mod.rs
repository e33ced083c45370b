//! Renderers of model values, byte for byte as the real tools print them.

pub mod ip;

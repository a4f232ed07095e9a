//! Configuration as code (SPEC CFG-1..8).

pub mod export;

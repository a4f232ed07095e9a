//! Configuration as code (SPEC CFG-1..8): the hub's configuration as one YAML document
//! (`omni_types::config`), exported from the database in a stable form.

pub mod apply;
pub mod check;
pub mod client;
pub mod diff;
pub mod export;
pub mod parse;
pub mod yaml;

use sha2::{Digest, Sha256};

/// The id of a configuration state: the SHA-256 of its canonical export, in hex. Two
/// databases configured alike have the same id, and any change to what the document holds
/// changes it.
pub fn state_id(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

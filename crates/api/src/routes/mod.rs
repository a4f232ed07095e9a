//! Handlers, one module per resource and one file per action. Wired in `router.rs`.

pub mod audit;
pub mod auth;
pub mod health;
pub mod roles;

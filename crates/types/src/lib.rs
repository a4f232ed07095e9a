//! Types shared by the Omni Admin API (`crates/api`) and its SPA (`frontend`).
//!
//! Everything here compiles to `wasm32-unknown-unknown`. Server-only derives live behind
//! the `server` feature so the SPA does not pay for them.

pub mod admins;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod config;
pub mod hub_users;
pub mod live;
pub mod mcp;
pub mod mfa;
pub mod orgs;
pub mod page;
pub mod paths;
pub mod permissions;
pub mod problem;
pub mod rbac;
pub mod tokens;
pub mod usage;
mod wire;

pub use page::Page;
pub use permissions::Permission;
pub use problem::Problem;

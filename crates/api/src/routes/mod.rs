//! Handlers, one module per resource and one file per action. Wired in `router.rs`.

pub mod admins;
pub mod analytics;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod config;
pub mod dashboard;
pub mod events;
pub mod health;
pub mod hub_users;
pub mod mcp_servers;
pub mod orgs;
pub mod roles;
pub mod settings;

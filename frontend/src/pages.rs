//! One module per page of the SPA.

pub mod admins;
pub mod analytics;
pub mod audit;
pub mod configuration;
pub mod dashboard;
pub mod login;
pub mod mcp_servers;
pub mod not_found;
pub mod organizations;
pub mod profile;
pub mod roles;
pub mod security;
pub mod tokens;
pub mod usage_ingestion;
pub mod users;

//! Omni Admin API: the control plane of an MCP hub. See `docs/ARCHITECTURE.md`.

pub mod access_cache;
pub mod app;
pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod config_doc;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod hub_access;
pub mod jobs;
pub mod listen;
pub mod live;
pub mod mcp;
pub mod openapi;
pub mod router;
pub mod routes;
pub mod usage;
pub mod validate;

//! HTTP plumbing shared by every route: middleware, extractors, static SPA serving.

pub mod client;
pub mod json;
pub mod metrics;
pub mod pagination;
pub mod problems;
pub mod request_id;
pub mod security_headers;
pub mod spa;

//! Authentication and authorization: passwords, access tokens (JWT), refresh sessions,
//! and the per-route permission guard.

pub mod access;
pub mod api_token;
pub mod jwt;
pub mod mfa;
pub mod password;
pub mod principal;
pub mod refresh;
pub mod throttle;

pub use access::{Access, guard};
pub use principal::Principal;

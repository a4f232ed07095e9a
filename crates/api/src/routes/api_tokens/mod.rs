//! `/api/v1/api-tokens`: a signed-in admin's tokens for integrations (SPEC AUTH-5).

pub mod create;
pub mod list;
pub mod revoke;

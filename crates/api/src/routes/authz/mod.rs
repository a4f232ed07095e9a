//! `/api/v1/authz`: "can X do Y, and why": admins (SPEC RBAC-5) and hub users (USER-2).

pub mod can_call;
pub mod check;

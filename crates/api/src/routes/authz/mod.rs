//! `/api/v1/authz`: "can X do Y, and why" (SPEC RBAC-5).

pub mod check;

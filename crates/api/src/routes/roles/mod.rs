//! `/api/v1/roles`: built-in and custom roles (SPEC RBAC-1, RBAC-2).

pub mod list;

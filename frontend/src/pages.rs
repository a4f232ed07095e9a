//! One module per page of the SPA.

pub mod login;
pub mod not_found;
pub mod profile;

//! App-wide state, provided once by the app root as typed contexts.

mod scope;
mod session;
mod theme;

use leptos::prelude::*;

use crate::api::Api;

pub use scope::OrgScope;
pub use session::{Session, SessionStatus, SignOutCause};
pub use theme::{Theme, ThemeMode};

pub fn use_session() -> Session {
    expect_context()
}

pub fn use_api() -> Api {
    expect_context()
}

pub fn use_theme() -> Theme {
    expect_context()
}

/// The organization "Open as admin" scoped the console to (SPEC ORG-5).
pub fn use_scope() -> OrgScope {
    expect_context()
}

/// Where the admin's choices outlive the tab; `None` where storage is disabled.
fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

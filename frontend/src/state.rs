//! App-wide state, provided once by the app root as typed contexts.

mod session;
mod theme;

use leptos::prelude::*;

use crate::api::Api;

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

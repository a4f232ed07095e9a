use leptos::prelude::*;
use omni_types::auth::{Me, TokenResponse};

/// Where the session stands. Views only ever change on a change of status, never on a
/// token renewal, so the layout is not rebuilt every 15 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// The startup refresh has not answered yet.
    Loading,
    SignedIn,
    SignedOut(SignOutCause),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOutCause {
    /// Never signed in, or the session expired or was revoked: after sign-in, return here.
    NoSession,
    /// The admin pressed "Sign out": start afresh.
    Requested,
}

/// The signed-in admin and their access token.
#[derive(Clone, Copy)]
pub struct Session {
    status: RwSignal<SessionStatus>,
    admin: RwSignal<Option<Me>>,
    /// Memory only, never Web Storage, where any script on the page could read it. Not a
    /// signal: no view shows it.
    access_token: StoredValue<Option<String>>,
    /// Counts the access tokens received. Only the live connection follows it (it sends
    /// every new token to the server); views never do.
    tokens: RwSignal<u64>,
}

impl Session {
    pub fn new() -> Self {
        Session {
            status: RwSignal::new(SessionStatus::Loading),
            admin: RwSignal::new(None),
            access_token: StoredValue::new(None),
            tokens: RwSignal::new(0),
        }
    }

    pub fn status(&self) -> SessionStatus {
        self.status.get()
    }

    pub fn is_signed_in(&self) -> bool {
        self.status() == SessionStatus::SignedIn
    }

    /// Reads the signed-in admin (tracked).
    pub fn with_admin<R>(&self, f: impl FnOnce(Option<&Me>) -> R) -> R {
        self.admin.with(|admin| f(admin.as_ref()))
    }

    pub(crate) fn access_token(&self) -> Option<String> {
        self.access_token.get_value()
    }

    /// Tracks the arrival of new access tokens (sign-in and every refresh).
    pub(crate) fn track_tokens(&self) {
        self.tokens.track();
    }

    pub(crate) fn sign_in(&self, tokens: TokenResponse) {
        self.access_token.set_value(Some(tokens.access_token));
        self.tokens.update(|n| *n += 1);
        self.update_admin(&tokens.admin);
        self.set_status(SessionStatus::SignedIn);
    }

    pub(crate) fn update_admin(&self, me: &Me) {
        if self.admin.with_untracked(|current| current.as_ref() != Some(me)) {
            self.admin.set(Some(me.clone()));
        }
    }

    /// The admin confirmed an authenticator: what the server now says of them, without
    /// asking it again.
    pub(crate) fn mark_mfa_enabled(&self) {
        self.admin.update(|admin| {
            if let Some(admin) = admin {
                admin.mfa_enabled = true;
            }
        });
    }

    /// The server no longer knows this session.
    pub(crate) fn expire(&self) {
        self.end(SignOutCause::NoSession);
    }

    pub(crate) fn sign_out(&self) {
        self.end(SignOutCause::Requested);
    }

    fn end(&self, cause: SignOutCause) {
        self.access_token.set_value(None);
        self.set_status(SessionStatus::SignedOut(cause));
        self.admin.set(None);
    }

    fn set_status(&self, status: SessionStatus) {
        if self.status.get_untracked() != status {
            self.status.set(status);
        }
    }
}

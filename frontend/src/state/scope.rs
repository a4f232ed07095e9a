//! "Open as admin" (SPEC ORG-5): the organization the console is scoped to, if any.
//!
//! Pages that can narrow what they show to one organization (dashboards, analytics, the
//! user list) read [`OrgScope::organization`] (tracked) and pass its `id` to the API as
//! their `organization` filter; `None` means the whole platform. The header shows the scope
//! as a chip the admin can remove. It survives reloads: it is kept in `localStorage` (an
//! organization's id, slug and name; nothing secret).

use leptos::prelude::*;
use omni_types::orgs::OrgRef;

use super::local_storage;

const STORAGE_KEY: &str = "omni-admin.org-scope";

/// The scope, provided once by the app root; read it with [`crate::state::use_scope`].
#[derive(Clone, Copy)]
pub struct OrgScope(RwSignal<Option<OrgRef>>);

impl OrgScope {
    pub fn new() -> Self {
        OrgScope(RwSignal::new(remembered()))
    }

    /// The organization every scoped view shows (tracked); `None`: all of them.
    pub fn organization(&self) -> Option<OrgRef> {
        self.0.get()
    }

    /// Whether the console is scoped to the organization `id` (tracked).
    pub fn is(&self, id: uuid::Uuid) -> bool {
        self.0.with(|scope| scope.as_ref().is_some_and(|org| org.id == id))
    }

    /// Scopes the console to `org` ("Open as admin").
    pub fn open(&self, org: OrgRef) {
        remember(Some(&org));
        self.0.set(Some(org));
    }

    /// Back to the whole platform.
    pub fn clear(&self) {
        remember(None);
        self.0.set(None);
    }

    /// The scoped organization changed (renamed, suspended) or is gone: keeps the chip true.
    pub fn refresh(&self, id: uuid::Uuid, now: Option<OrgRef>) {
        if self
            .0
            .with_untracked(|scope| scope.as_ref().is_some_and(|org| org.id == id))
        {
            match now {
                Some(org) if self.0.with_untracked(|scope| scope.as_ref() != Some(&org)) => self.open(org),
                Some(_) => {}
                None => self.clear(),
            }
        }
    }
}

fn remembered() -> Option<OrgRef> {
    let stored = local_storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    // A value this version cannot read (an older shape) is simply no scope.
    serde_json::from_str(&stored).ok()
}

fn remember(org: Option<&OrgRef>) {
    let Some(storage) = local_storage() else { return };
    // Storage can be full or disabled (private windows): the scope then lasts for this
    // visit only.
    let _ = match org.and_then(|org| serde_json::to_string(org).ok()) {
        Some(json) => storage.set_item(STORAGE_KEY, &json),
        None => storage.remove_item(STORAGE_KEY),
    };
}

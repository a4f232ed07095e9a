use leptos::prelude::*;

use super::local_storage;
use crate::reactive::effect;

/// Where the admin's explicit choice is remembered. Until they choose, the theme follows
/// the system setting (and keeps following it across visits).
const STORAGE_KEY: &str = "omni-admin.theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeMode {
    Light,
    Dark,
}

impl ThemeMode {
    fn as_str(self) -> &'static str {
        match self {
            ThemeMode::Light => "light",
            ThemeMode::Dark => "dark",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "light" => Some(ThemeMode::Light),
            "dark" => Some(ThemeMode::Dark),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            ThemeMode::Light => ThemeMode::Dark,
            ThemeMode::Dark => ThemeMode::Light,
        }
    }
}

/// The colour theme, applied as `data-theme` on `<html>` so the stylesheet can switch.
#[derive(Clone, Copy)]
pub struct Theme(RwSignal<ThemeMode>);

impl Theme {
    pub fn new() -> Self {
        let mode = RwSignal::new(remembered().unwrap_or_else(system_preference));
        effect(move || {
            if let Some(root) = document().document_element() {
                // Failing to set an attribute on <html> would mean a broken DOM; the page
                // then simply keeps the system colours.
                let _ = root.set_attribute("data-theme", mode.get().as_str());
            }
        });
        Theme(mode)
    }

    pub fn mode(&self) -> ThemeMode {
        self.0.get()
    }

    pub fn toggle(&self) {
        let next = self.0.get_untracked().other();
        self.0.set(next);
        if let Some(storage) = local_storage() {
            // Storage can be full or disabled (private windows); the choice then lasts
            // for this visit only, which is all the admin can expect.
            let _ = storage.set_item(STORAGE_KEY, next.as_str());
        }
    }
}

fn remembered() -> Option<ThemeMode> {
    local_storage()?
        .get_item(STORAGE_KEY)
        .ok()
        .flatten()
        .as_deref()
        .and_then(ThemeMode::parse)
}

fn system_preference() -> ThemeMode {
    let dark = window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|q| q.matches());
    if dark { ThemeMode::Dark } else { ThemeMode::Light }
}

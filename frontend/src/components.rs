//! Building blocks shared by the pages: the signed-in layout and its parts, and the
//! loading, error and form pieces every data view uses.

pub mod breadcrumbs;
pub mod charts;
pub mod code_field;
pub mod copy_button;
pub mod empty_state;
pub mod error_panel;
pub mod field;
pub mod file_pick;
pub mod full_page;
pub mod header;
pub mod icons;
pub mod layout;
pub mod live_status;
pub mod load_more;
pub mod local_time;
pub mod modal;
pub mod org_select;
pub mod org_status;
pub mod permission_required;
pub mod scope_chip;
pub mod secret;
pub mod session_gate;
pub mod sidebar;
pub mod skeleton;
pub mod stat_card;
pub mod theme_toggle;
pub mod toasts;

/// Sets the browser tab's title.
pub fn set_document_title(page: &str) {
    leptos::prelude::document().set_title(&format!("{page} · Omni Admin"));
}

/// Runs `refresh` every `period` while the calling component lives and the tab is
/// visible. Pages that follow live updates poll through `realtime::Live::poll`, which
/// asks less often while the connection is up.
pub fn poll(period: std::time::Duration, refresh: impl Fn() + 'static) {
    use leptos::prelude::{document, on_cleanup, set_interval_with_handle};
    let tick = move || {
        if !document().hidden() {
            refresh();
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, period) {
        on_cleanup(move || handle.clear());
    }
}

//! "Live tail": while it is on, entries written since the list was loaded come in at the
//! top as they are written (the filter still applies: the newest page is asked again on
//! each `audit.created`, at most once a second).

use std::collections::HashSet;

use leptos::prelude::*;
use omni_types::Page;
use omni_types::live::Channel;
use uuid::Uuid;

use crate::realtime::{LiveStatus, Refetch, use_live};

/// Live events ask the newest page again at most this often.
pub const PERIOD: std::time::Duration = std::time::Duration::from_secs(1);

#[component]
pub fn LiveTailButton(tail: RwSignal<bool>) -> impl IntoView {
    let live = use_live();
    let title = move || match (tail.get(), live.status()) {
        (false, _) => "Show new entries at the top as they are written",
        (true, LiveStatus::Live) => "On: new entries appear at the top as they are written",
        (true, _) => "On, but live updates are not connected: new entries come once they are",
    };
    view! {
        <button
            type="button"
            class="button button--secondary live-tail"
            aria-pressed=move || tail.get().to_string()
            title=title
            data-testid="live-tail"
            on:click=move |_| tail.update(|on| *on = !*on)
        >
            <span class="live-tail__dot" aria-hidden="true"></span>
            "Live tail"
        </button>
    }
}

/// Listens while it is on screen (while the tail is on); catches up at once on arrival.
#[component]
pub fn TailFeed(refetch: Refetch) -> impl IntoView {
    use_live().subscribe(Channel::Audit, move |_| refetch.request(), move || refetch.request());
    refetch.request();
}

/// Puts what is new on a fresh newest `page` on top of the entries `shown` (newest
/// first); returns the ids added. A page that is new from end to end, with more after it,
/// would leave a hole below it: then it replaces the list, which goes on from its cursor.
pub fn merge_newest<T>(
    shown: &mut Vec<T>,
    next: &mut Option<String>,
    page: Page<T>,
    id: impl Fn(&T) -> Uuid,
) -> Vec<Uuid> {
    let known: HashSet<Uuid> = shown.iter().map(&id).collect();
    let new = page.items.iter().take_while(|item| !known.contains(&id(item))).count();
    let added = page.items[..new].iter().map(&id).collect();
    if new == page.items.len() && page.next_cursor.is_some() && !shown.is_empty() {
        *shown = page.items;
        *next = page.next_cursor;
    } else {
        shown.splice(0..0, page.items.into_iter().take(new));
        if shown.len() == new {
            // The list was empty: it now goes on where the page does.
            *next = page.next_cursor;
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn page(ids: &[u128], more: bool) -> Page<Uuid> {
        Page {
            items: ids.iter().copied().map(id).collect(),
            next_cursor: more.then(|| "cursor".to_owned()),
        }
    }

    #[test]
    fn new_entries_go_on_top_and_loaded_pages_stay() {
        let mut shown: Vec<Uuid> = [5, 4, 3, 2, 1].map(id).to_vec();
        let mut next = None;
        let added = merge_newest(&mut shown, &mut next, page(&[7, 6, 5, 4], true), |u| *u);
        assert_eq!(added, [id(7), id(6)]);
        assert_eq!(shown, [7, 6, 5, 4, 3, 2, 1].map(id));
        assert_eq!(next, None, "the shown list still ends where it did");
        assert!(merge_newest(&mut shown, &mut next, page(&[7, 6, 5], true), |u| *u).is_empty());
        assert_eq!(shown.len(), 7);
    }

    #[test]
    fn a_page_of_nothing_but_new_entries_replaces_the_list() {
        let mut shown: Vec<Uuid> = [2, 1].map(id).to_vec();
        let mut next = None;
        merge_newest(&mut shown, &mut next, page(&[9, 8, 7], true), |u| *u);
        assert_eq!(shown, [9, 8, 7].map(id));
        assert_eq!(next.as_deref(), Some("cursor"));
        // All new but the last page: nothing is missing below, it goes on top.
        let mut shown: Vec<Uuid> = [2, 1].map(id).to_vec();
        let mut next = None;
        merge_newest(&mut shown, &mut next, page(&[4, 3], false), |u| *u);
        assert_eq!(shown, [4, 3, 2, 1].map(id));
        // An empty list takes the page, and its cursor.
        let mut shown: Vec<Uuid> = Vec::new();
        merge_newest(&mut shown, &mut next, page(&[3, 2], true), |u| *u);
        assert_eq!(shown, [3, 2].map(id));
        assert_eq!(next.as_deref(), Some("cursor"));
    }
}

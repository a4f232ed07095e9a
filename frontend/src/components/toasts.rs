//! Toasts: short notices of what just happened elsewhere (an MCP server went down), shown
//! in a corner, read out politely, each dismissable, gone after [`SHOWN_FOR_SECONDS`]
//! unless the pointer or the focus is on them (then they wait: WCAG 2.2.1).

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::icons::{Icon, IconSvg};
use crate::reactive::Keyed;

pub const SHOWN_FOR_SECONDS: u32 = 8;
/// More at once would hide the page: the oldest go first.
const MAX_SHOWN: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Danger,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    /// A newer toast of the same key replaces it (the same server going down twice).
    pub key: String,
    pub tone: Tone,
    pub title: String,
    pub message: String,
    /// Where to see more: the address and the link's text.
    pub link: Option<(String, &'static str)>,
}

#[derive(Clone)]
struct Shown {
    id: u64,
    toast: Toast,
    seconds_left: u32,
}

/// The toasts on screen, provided once by the app root; read it with [`use_toasts`].
#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Shown>>,
    next_id: StoredValue<u64>,
    /// The pointer is on them, or the focus in them: nothing counts down.
    hovered: RwSignal<bool>,
    focused: RwSignal<bool>,
    ticker: StoredValue<Option<IntervalHandle>>,
}

pub fn use_toasts() -> Toasts {
    expect_context()
}

impl Toasts {
    pub fn new() -> Self {
        Toasts {
            shown: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
            hovered: RwSignal::new(false),
            focused: RwSignal::new(false),
            ticker: StoredValue::new(None),
        }
    }

    pub fn push(&self, toast: Toast) {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.shown.update(|shown| {
            shown.retain(|s| s.toast.key != toast.key);
            shown.push(Shown {
                id,
                toast,
                seconds_left: SHOWN_FOR_SECONDS,
            });
            let over = shown.len().saturating_sub(MAX_SHOWN);
            shown.drain(..over);
        });
        if self.ticker.with_value(Option::is_none) {
            let toasts = *self;
            let ticker = set_interval_with_handle(move || toasts.tick(), Duration::from_secs(1)).ok();
            self.ticker.set_value(ticker);
        }
    }

    fn dismiss(&self, id: u64) {
        self.shown.update(|shown| shown.retain(|s| s.id != id));
        // The focus was on its button, and goes with it (without a `focusout`).
        self.focused.set(false);
        self.stop_when_empty();
    }

    fn tick(&self) {
        if self.hovered.get_untracked() || self.focused.get_untracked() || document().hidden() {
            return;
        }
        self.shown.update(|shown| {
            for s in shown.iter_mut() {
                s.seconds_left = s.seconds_left.saturating_sub(1);
            }
            shown.retain(|s| s.seconds_left > 0);
        });
        self.stop_when_empty();
    }

    fn stop_when_empty(&self) {
        if self.shown.with_untracked(Vec::is_empty)
            && let Some(ticker) = self.ticker.get_value()
        {
            ticker.clear();
            self.ticker.set_value(None);
        }
    }
}

/// Where the toasts appear. Always in the page, empty or not, so that screen readers
/// announce what is added to it.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    let (hovered, focused) = (toasts.hovered, toasts.focused);
    view! {
        <div
            class="toasts"
            role="status"
            aria-live="polite"
            aria-label="Notifications"
            data-testid="toasts"
            on:mouseenter=move |_| hovered.set(true)
            on:mouseleave=move |_| hovered.set(false)
            on:focusin=move |_| focused.set(true)
            on:focusout=move |_| focused.set(false)
        >
            <Keyed
                each=move || toasts.shown.get()
                key=|s| s.id
                children=move |s: Shown| view! { <ToastCard id=s.id toast=s.toast on_dismiss=Callback::new(move |id| toasts.dismiss(id)) /> }
            />
        </div>
    }
}

#[component]
fn ToastCard(id: u64, toast: Toast, on_dismiss: Callback<u64>) -> impl IntoView {
    let tone = match toast.tone {
        Tone::Danger => "toast toast--danger",
        Tone::Warning => "toast toast--warning",
    };
    let dismiss_label = format!("Dismiss: {}", toast.title);
    view! {
        <div
            class=tone
            data-testid="toast"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_dismiss.run(id);
                }
            }
        >
            <span class="toast__icon" aria-hidden="true">
                <IconSvg icon=Icon::Alert />
            </span>
            <div class="toast__body">
                <p class="toast__title">{toast.title}</p>
                <p class="toast__message">{toast.message}</p>
                {toast.link.map(|(href, text)| view! { <A href=href attr:class="toast__link">{text}</A> })}
            </div>
            <button
                type="button"
                class="icon-button toast__dismiss"
                aria-label=dismiss_label.clone()
                title=dismiss_label
                on:click=move |_| on_dismiss.run(id)
            >
                <IconSvg icon=Icon::Close />
            </button>
        </div>
    }
}

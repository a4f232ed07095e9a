//! The filter bar. Edits stay in the form until applied (Enter or Apply); the applied filter
//! lives in the address, and the form follows it (reload, back and forward, shared links).

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use omni_types::audit::AuditFilter;

use super::form::{Field, Values, filter_of, values_of};
use super::url::Applied;
use crate::api::{ApiError, filter_params};
use crate::components::field::TextField;
use crate::components::local_time::input::BrowserZone;
use crate::reactive::{effect, memo};

const INCOMPLETE: &str = "is not a complete date and time";
const INVALID_IN_LINK: &str = "in the link is not a valid date and time";

#[component]
pub fn Filters(
    applied: Memo<Applied>,
    /// The list's answer when it refused the filter (422): messages per parameter.
    #[prop(into)]
    rejected: Signal<Option<ApiError>>,
    on_apply: Callback<AuditFilter>,
    on_clear: Callback<()>,
) -> impl IntoView {
    let values = Field::ALL.map(|_| RwSignal::new(String::new()));
    let inputs = Field::ALL.map(|_| NodeRef::<html::Input>::new());
    // The text the applied filter put in the form. Complaints about the applied filter (the
    // server's, or a broken link's) concern this text, and retire once the admin edits it.
    let shown = RwSignal::new(Values::default());
    // Time inputs the browser held a half-typed value in at the last Apply.
    let incomplete = RwSignal::new(Vec::<Field>::new());

    effect(move || {
        let text = applied.with(|applied| values_of(&applied.filter, &BrowserZone));
        for (signal, value) in values.iter().zip(text.clone()) {
            signal.set(value);
        }
        shown.set(text);
        incomplete.set(Vec::new());
    });

    let current = move || -> Values { values.map(|value| value.get()) };
    let live = memo(move || filter_of(&current(), &BrowserZone).err().unwrap_or_default());

    let errors_of = move |field: Field| {
        Signal::derive(move || {
            let value = values[field.index()].get();
            let mut messages: Vec<String> = live.with(|live| {
                live.iter()
                    .filter(|(f, _)| *f == field)
                    .map(|(_, message)| (*message).to_owned())
                    .collect()
            });
            if value.is_empty() && incomplete.with(|fields| fields.contains(&field)) {
                messages.push(INCOMPLETE.to_owned());
            }
            if shown.with(|shown| shown[field.index()] == value) {
                if applied.with(|applied| applied.invalid.contains(&field.param())) {
                    messages.push(INVALID_IN_LINK.to_owned());
                }
                rejected.with(|rejected| {
                    if let Some(error) = rejected {
                        messages.extend(error.field_errors(field.param()).iter().cloned());
                    }
                });
            }
            messages
        })
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // A half-typed date reads as "" (no bound): say so rather than quietly widen the search.
        let half_typed: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|field| {
                field.is_time()
                    && inputs[field.index()]
                        .get_untracked()
                        .is_some_and(|input| input.validity().bad_input())
            })
            .collect();
        incomplete.set(half_typed.clone());
        let text = values.map(|value| value.get_untracked());
        let invalid = match filter_of(&text, &BrowserZone) {
            Ok(filter) if half_typed.is_empty() => {
                on_apply.run(filter);
                return;
            }
            Ok(_) => half_typed.first().copied(),
            Err(errors) => half_typed.first().copied().or(errors.first().map(|(field, _)| *field)),
        };
        if let Some(input) = invalid.and_then(|field| inputs[field.index()].get_untracked()) {
            let _ = input.focus();
        }
    };
    let clear = move |_| {
        for value in values {
            value.set(String::new());
        }
        incomplete.set(Vec::new());
        on_clear.run(());
    };

    let fields = Field::ALL
        .into_iter()
        .map(|field| {
            view! {
                <TextField
                    id=field.id()
                    label=field.label()
                    kind=field.kind()
                    value=values[field.index()]
                    errors=errors_of(field)
                    required=false
                    placeholder=field.placeholder()
                    node_ref=inputs[field.index()]
                />
            }
        })
        .collect_view();

    // Folded on narrow screens, where seven fields would push every entry out of view; opened
    // whenever a field has something to say.
    let details = NodeRef::<html::Details>::new();
    let open = RwSignal::new(wide_screen());
    let has_errors = memo(move || applied.with(|applied| !applied.is_valid()) || rejected.with(Option::is_some));
    effect(move || {
        if has_errors.get() {
            open.set(true);
        }
    });
    let applied_count = move || {
        let count = applied.with(|applied| filter_params(&applied.filter).len());
        (count > 0).then(|| view! { <span class="filters__count">{format!("{count} applied")}</span> })
    };

    view! {
        <details
            class="card filters"
            node_ref=details
            prop:open=move || open.get()
            on:toggle=move |_| {
                if let Some(details) = details.get_untracked() {
                    open.set(details.open());
                }
            }
        >
            <summary class="filters__summary">
                <span>"Filters"</span>
                {applied_count}
            </summary>
            <form class="filters__form" role="search" aria-label="Filter the audit log" on:submit=on_submit novalidate>
                <div class="filters__grid">{fields}</div>
                <div class="filters__actions">
                    <button type="submit" class="button button--primary">
                        "Apply filters"
                    </button>
                    <button type="button" class="button button--ghost" on:click=clear>
                        "Clear"
                    </button>
                </div>
            </form>
        </details>
    }
}

/// Wider than the card layout's breakpoint (see `style.css`).
fn wide_screen() -> bool {
    window()
        .match_media("(min-width: 641px)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

//! What an entry changed: the before/after table, or the details as recorded when the
//! entry is not a change.

use leptos::prelude::*;
use serde_json::Value;

use super::diff::{Change, DiffRow, diff, other_details, show};
use crate::reactive::Show;

#[component]
pub fn Changes(details: Value) -> impl IntoView {
    let extra = other_details(&details);
    match diff(&details) {
        Some(rows) => view! {
            <DiffTable rows />
            {extra.map(|extra| view! { <JsonBlock title="Other details" value=extra /> })}
        }
        .into_any(),
        None => match extra {
            Some(details) => view! { <JsonBlock value=details /> }.into_any(),
            None => view! { <p class="muted small">"No details were recorded for this entry."</p> }.into_any(),
        },
    }
}

/// Changed fields first-class; unchanged ones folded away behind a toggle.
#[component]
fn DiffTable(rows: Vec<DiffRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted small">"The change recorded no fields."</p> }.into_any();
    }
    let (unchanged, changed): (Vec<_>, Vec<_>) = rows.into_iter().partition(|row| row.change == Change::Unchanged);
    let unchanged_count = unchanged.len();
    let show_unchanged = RwSignal::new(false);
    let changed_rows = changed
        .into_iter()
        .map(|row| view! { <DiffTableRow row /> })
        .collect_view();
    let unchanged_rows = unchanged
        .into_iter()
        .map(|row| view! { <DiffTableRow row /> })
        .collect_view();
    let toggle_text = move || {
        let noun = if unchanged_count == 1 { "field" } else { "fields" };
        if show_unchanged.get() {
            format!("Hide {unchanged_count} unchanged {noun}")
        } else {
            format!("Show {unchanged_count} unchanged {noun}")
        }
    };
    view! {
        <div class="diff">
            <table class="diff__table">
                <caption class="visually-hidden">"Fields before and after the change"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Before"</th>
                        <th scope="col">"After"</th>
                    </tr>
                </thead>
                <tbody>{changed_rows}</tbody>
                <tbody id="diff-unchanged" hidden=move || !show_unchanged.get()>
                    {unchanged_rows}
                </tbody>
            </table>
            <Show when=move || { unchanged_count > 0 }>
                <button
                    type="button"
                    class="button button--ghost button--small"
                    aria-expanded=move || show_unchanged.get().to_string()
                    aria-controls="diff-unchanged"
                    on:click=move |_| show_unchanged.update(|shown| *shown = !*shown)
                >
                    {toggle_text}
                </button>
            </Show>
        </div>
    }
    .into_any()
}

#[component]
fn DiffTableRow(row: DiffRow) -> impl IntoView {
    let marker = row.change.label();
    let key = if row.key.is_empty() {
        "(value)".to_owned()
    } else {
        row.key
    };
    view! {
        <tr class=format!("diff__row diff__row--{marker}")>
            <th scope="row">
                <code class="diff__key">{key}</code>
                <span class=format!("change-badge change-badge--{marker}")>{marker}</span>
            </th>
            <td data-label="Before">
                <SideValue value=row.before />
            </td>
            <td data-label="After">
                <SideValue value=row.after />
            </td>
        </tr>
    }
}

/// One side of a field: its JSON, or a dash when that side does not have the field.
#[component]
fn SideValue(value: Option<Value>) -> impl IntoView {
    match value {
        Some(value) => view! { <code class="diff__value">{show(&value)}</code> }.into_any(),
        None => view! {
            <span class="muted" aria-hidden="true">"—"</span>
            <span class="visually-hidden">"absent"</span>
        }
        .into_any(),
    }
}

/// The JSON, indented; under a caption when it is not the section's only content.
#[component]
fn JsonBlock(#[prop(optional)] title: Option<&'static str>, value: Value) -> impl IntoView {
    let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
    view! {
        <figure class="json-block">
            {title.map(|title| view! { <figcaption class="json-block__title">{title}</figcaption> })}
            <pre>
                <code>{text}</code>
            </pre>
        </figure>
    }
}

//! Token prices per model: what an event sent without a cost is charged. An editable
//! table for admins who may change settings, a plain one for the others.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use omni_types::Permission;
use omni_types::usage::{self, ModelPrice};
use wasm_bindgen::JsCast;

use super::price_check::{self, MAX_MODELS, PriceField, PriceText};
use super::use_holds;
use crate::api::ApiError;
use crate::components::error_panel::load_failure;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, Loader, LocalAction, Show, Transition, effect, memo};
use crate::state::use_api;

#[component]
pub fn ModelPrices() -> impl IntoView {
    let api = use_api();
    let can_write = use_holds(Permission::SettingsWrite);
    let prices = Loader::new(move || async move { api.model_prices().await });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| prices.refetch());
    let body = move || {
        Suspend::new(async move {
            match prices.await {
                Ok(list) => {
                    let first = StoredValue::new(list.models);
                    view! {
                        <Show
                            when=move || can_write.get()
                            fallback=move || view! { <PriceTable prices=first.get_value() /> }
                        >
                            <PriceEditor first=first.get_value() />
                        </Show>
                    }
                    .into_any()
                }
                Err(error) => load_failure(
                    error,
                    Permission::SettingsRead,
                    "Could not load the model prices",
                    reload,
                    reloading,
                ),
            }
        })
    };
    view! {
        <section class="usage-section" aria-labelledby="model-prices-title" data-testid="model-prices">
            <div class="usage-section__head">
                <h2 id="model-prices-title">"Model prices"</h2>
                <p class="muted">
                    "US dollars per million tokens. They cost the events that arrive without a cost of their own, from now on: events already counted keep theirs."
                </p>
            </div>
            <div class="settings-list" aria-busy=move || reloading.get().to_string()>
                <Transition fallback=PricesSkeleton set_pending=reloading>
                    {body}
                </Transition>
            </div>
        </section>
    }
}

/// The prices, for admins who may see but not change them.
#[component]
fn PriceTable(prices: Vec<ModelPrice>) -> impl IntoView {
    if prices.is_empty() {
        return view! { <NoPrices /> }.into_any();
    }
    let rows = prices
        .into_iter()
        .map(|price| {
            view! {
                <tr role="row" class="settings-row" data-testid="price-row">
                    <td role="cell" data-label="Model">
                        <code>{price.model}</code>
                    </td>
                    <td role="cell" data-label="Input">{dollars(price.input_usd_per_mtok)}</td>
                    <td role="cell" data-label="Output">{dollars(price.output_usd_per_mtok)}</td>
                    <td role="cell" data-label="Cached">{dollars(price.cached_usd_per_mtok)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="settings-table prices-table" role="table">
            <caption class="visually-hidden">"Model prices, US dollars per million tokens"</caption>
            <PriceHead editing=false />
            <tbody role="rowgroup">{rows}</tbody>
        </table>
        <p class="muted small">"Changing them needs the settings:write permission."</p>
    }
    .into_any()
}

fn dollars(usd: f64) -> String {
    format!("${usd}")
}

#[component]
fn PriceHead(editing: bool) -> impl IntoView {
    view! {
        <thead role="rowgroup">
            <tr role="row">
                <th scope="col" role="columnheader">"Model"</th>
                <th scope="col" role="columnheader">"Input"</th>
                <th scope="col" role="columnheader">"Output"</th>
                <th scope="col" role="columnheader">"Cached input"</th>
                {editing
                    .then(|| {
                        view! {
                            <th scope="col" role="columnheader">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        }
                    })}
            </tr>
        </thead>
    }
}

#[component]
fn NoPrices() -> impl IntoView {
    view! {
        <div class="empty-state" data-testid="no-prices">
            <h3 class="empty-state__title">"No model prices"</h3>
            <p class="muted">"Events sent without a cost are counted at $0 until their model has a price."</p>
        </div>
    }
}

/// One row being edited; `key` tells rows apart while positions change.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    text: RwSignal<PriceText>,
}

/// Field errors the server gave, by row and field.
type ServerErrors = BTreeMap<(u32, PriceField), Vec<String>>;

/// The editing state the rows share.
#[derive(Clone, Copy)]
struct Editing {
    rows: RwSignal<Vec<Row>>,
    /// After a save was attempted, blank fields count as wrong too.
    submitted: RwSignal<bool>,
    /// What the client checks find, by row position.
    problems: Memo<Vec<Vec<(PriceField, &'static str)>>>,
    server: RwSignal<ServerErrors>,
    saved: RwSignal<bool>,
}

impl Editing {
    fn messages(&self, row: Row, field: PriceField) -> Vec<String> {
        let shown = self.submitted.get() || row.text.with(|t| !t.get(field).trim().is_empty());
        let position = self.rows.with(|rows| rows.iter().position(|r| r.key == row.key));
        let mut messages: Vec<String> = if shown {
            self.problems.with(|problems| {
                position
                    .and_then(|i| problems.get(i))
                    .into_iter()
                    .flatten()
                    .filter(|(f, _)| *f == field)
                    .map(|(_, m)| (*m).to_owned())
                    .collect()
            })
        } else {
            Vec::new()
        };
        self.server.with(|server| {
            messages.extend(server.get(&(row.key, field)).into_iter().flatten().cloned());
        });
        messages
    }

    fn edit(&self, row: Row, field: PriceField, value: String) {
        row.text.update(|t| match field {
            PriceField::Model => t.model = value,
            PriceField::Input => t.input = value,
            PriceField::Output => t.output = value,
            PriceField::Cached => t.cached = value,
        });
        self.server.update(|server| {
            server.remove(&(row.key, field));
        });
        self.saved.set(false);
    }
}

#[component]
fn PriceEditor(first: Vec<ModelPrice>) -> impl IntoView {
    let api = use_api();
    let next_key = StoredValue::new(0_u32);
    let new_row = move |text: PriceText| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        Row {
            key,
            text: RwSignal::new(text),
        }
    };
    let rows_of = move |prices: &[ModelPrice]| prices.iter().map(|p| new_row(PriceText::of(p))).collect::<Vec<_>>();
    let rows = RwSignal::new(rows_of(&first));
    let texts = move || rows.with(|rows| rows.iter().map(|r| r.text.get()).collect::<Vec<_>>());
    let editing = Editing {
        rows,
        submitted: RwSignal::new(false),
        problems: memo(move || price_check::check(&texts())),
        server: RwSignal::new(ServerErrors::new()),
        saved: RwSignal::new(false),
    };
    let list_errors = RwSignal::new(Vec::<String>::new());
    let other_error = RwSignal::new(None::<ApiError>);
    // The rows a save sent, by position: the server's errors name positions.
    let sent = StoredValue::new(Vec::<u32>::new());
    let form = NodeRef::<html::Form>::new();
    let add_button = NodeRef::<html::Button>::new();

    let save = LocalAction::new(move |models: &Vec<ModelPrice>| {
        let prices = usage::ModelPrices { models: models.clone() };
        async move { api.model_prices_replace(&prices).await }
    });
    effect(move || match save.value().get() {
        Some(Ok(now)) => {
            save.value().set(None);
            rows.set(rows_of(&now.models));
            editing.submitted.set(false);
            editing.saved.set(true);
        }
        Some(Err(error)) => {
            save.value().set(None);
            let (by_row, list, rest) = sent.with_value(|sent| place_errors(&error, sent));
            editing.server.set(by_row);
            list_errors.set(list);
            other_error.set(rest.then_some(error));
            request_animation_frame(move || focus_first_invalid(form));
        }
        None => {}
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        editing.submitted.set(true);
        editing.server.set(ServerErrors::new());
        list_errors.set(Vec::new());
        other_error.set(None);
        match price_check::parse(&texts()) {
            Some(models) => {
                sent.set_value(rows.with_untracked(|rows| rows.iter().map(|r| r.key).collect()));
                save.dispatch(models);
            }
            None => request_animation_frame(move || focus_first_invalid(form)),
        }
    };
    let add = move |_| {
        let row = new_row(PriceText::default());
        let key = row.key;
        rows.update(|rows| rows.push(row));
        editing.saved.set(false);
        request_animation_frame(move || focus_id(&input_id(key, PriceField::Model)));
    };
    let on_remove = Callback::new(move |key: u32| {
        rows.update(|rows| rows.retain(|r| r.key != key));
        editing.server.update(|server| server.retain(|(k, _), _| *k != key));
        editing.saved.set(false);
        if let Some(button) = add_button.get_untracked() {
            let _ = button.focus();
        }
    });
    let pending = save.pending();
    let full = move || rows.with(Vec::len) >= MAX_MODELS;

    view! {
        <form class="settings-form" node_ref=form novalidate aria-labelledby="model-prices-title" on:submit=on_submit>
            <Show when=move || !rows.with(Vec::is_empty) fallback=NoPrices>
                <table class="settings-table prices-table" role="table">
                    <caption class="visually-hidden">"Model prices, US dollars per million tokens"</caption>
                    <PriceHead editing=true />
                    <tbody role="rowgroup">
                        <Keyed
                            each=move || rows.get()
                            key=|row| row.key
                            children=move |row| view! { <PriceRow row editing on_remove /> }
                        />
                    </tbody>
                </table>
            </Show>
            <ul class="field__errors">
                {move || list_errors.get().into_iter().map(|m| view! { <li>{format!("The list {m}.")}</li> }).collect_view()}
            </ul>
            {move || other_error.get().map(|e| view! { <p class="inline-error" role="alert">{format!("Could not save: {e}")}</p> })}
            <div class="form-actions">
                <button type="button" class="button button--secondary" node_ref=add_button disabled=full on:click=add>
                    "Add model"
                </button>
                <button
                    type="submit"
                    class="button button--primary"
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()
                >
                    <Show when=move || pending.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Save prices"
                </button>
                <span class="muted small" role="status">{move || editing.saved.get().then_some("Prices saved.")}</span>
            </div>
        </form>
    }
}

#[component]
fn PriceRow(row: Row, editing: Editing, on_remove: Callback<u32>) -> impl IntoView {
    let cell = move |field: PriceField| {
        let id = input_id(row.key, field);
        let errors_id = format!("{id}-errors");
        let messages = move || editing.messages(row, field);
        let invalid = move || !messages().is_empty();
        let (label, placeholder, mode) = match field {
            PriceField::Model => ("Model", "e.g. claude-sonnet", "text"),
            PriceField::Cached => ("Cached input", "0", "decimal"),
            PriceField::Input => ("Input", "", "decimal"),
            PriceField::Output => ("Output", "", "decimal"),
        };
        view! {
            <td role="cell" data-label=label>
                <div class="field" class:field--invalid=invalid>
                    <label class="visually-hidden" for=id.clone()>{field.label()}</label>
                    <input
                        id=id.clone()
                        class="input"
                        type="text"
                        inputmode=mode
                        autocomplete="off"
                        spellcheck="false"
                        placeholder=placeholder
                        prop:value=move || row.text.with(|t| t.get(field).to_owned())
                        on:input:target=move |ev| editing.edit(row, field, ev.target().value())
                        aria-invalid=move || invalid().to_string()
                        aria-describedby=errors_id.clone()
                    />
                    <ul class="field__errors" id=errors_id>
                        {move || {
                            messages()
                                .into_iter()
                                .map(|m| view! { <li>{format!("{} {m}.", field.label())}</li> })
                                .collect_view()
                        }}
                    </ul>
                </div>
            </td>
        }
    };
    let name = move || row.text.with(|t| t.model.trim().to_owned());
    view! {
        <tr role="row" class="settings-row" data-testid="price-row">
            {PriceField::ALL.map(cell).into_iter().collect_view()}
            <td role="cell" class="settings-row__actions">
                <button
                    type="button"
                    class="button button--ghost button--small button--danger-text"
                    aria-label=move || match name() {
                        name if name.is_empty() => "Remove this model".to_owned(),
                        name => format!("Remove {name}"),
                    }
                    on:click=move |_| on_remove.run(row.key)
                >
                    "Remove"
                </button>
            </td>
        </tr>
    }
}

fn input_id(key: u32, field: PriceField) -> String {
    format!("price-{key}-{}", field.wire())
}

/// The server's field errors (`models[2].input_usd_per_mtok`) on the rows they name;
/// errors of the whole list (`models`); whether anything else needs a message of its own.
fn place_errors(error: &ApiError, sent: &[u32]) -> (ServerErrors, Vec<String>, bool) {
    let mut by_row = ServerErrors::new();
    let mut list = Vec::new();
    let mut placed = false;
    let mut unplaced = false;
    if let ApiError::Problem(problem) = error {
        for (name, messages) in &problem.errors {
            if name == "models" {
                list.extend(messages.iter().cloned());
                placed = true;
                continue;
            }
            match row_field(name).and_then(|(i, field)| Some((*sent.get(i)?, field))) {
                Some(at) => {
                    by_row.entry(at).or_default().extend(messages.iter().cloned());
                    placed = true;
                }
                None => unplaced = true,
            }
        }
    }
    (by_row, list, unplaced || !placed)
}

/// `models[2].model` → (2, Model).
fn row_field(name: &str) -> Option<(usize, PriceField)> {
    let (index, field) = name.strip_prefix("models[")?.split_once("].")?;
    let field = PriceField::ALL.into_iter().find(|f| f.wire() == field)?;
    Some((index.parse().ok()?, field))
}

fn focus_first_invalid(form: NodeRef<html::Form>) {
    let target = form
        .get_untracked()
        .and_then(|form| form.query_selector("[aria-invalid='true']").ok().flatten());
    if let Some(input) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = input.focus();
    }
}

fn focus_id(id: &str) {
    if let Some(input) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = input.focus();
    }
}

#[component]
fn PricesSkeleton() -> impl IntoView {
    let rows = (0..2)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="30%" />
                    <SkeletonLine width="18%" />
                    <SkeletonLine width="18%" />
                    <SkeletonLine width="18%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the model prices…">
            <div class="card settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_land_on_the_rows_they_name() {
        assert_eq!(row_field("models[2].model"), Some((2, PriceField::Model)));
        assert_eq!(
            row_field("models[0].cached_usd_per_mtok"),
            Some((0, PriceField::Cached))
        );
        assert_eq!(row_field("models[x].model"), None);
        assert_eq!(row_field("models[1].colour"), None);
        assert_eq!(row_field("models"), None);
    }
}

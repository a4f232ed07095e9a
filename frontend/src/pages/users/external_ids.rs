//! A user's ids in other systems (`slack` → `U024BE7LH`), edited as provider / id rows.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::reactive::{Keyed, Show};

/// Most providers one user may have (as the server checks).
const MAX_PROVIDERS: usize = 10;

/// One row as typed; `key` keeps the row's inputs (and focus) while others come and go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalId {
    pub key: u32,
    pub provider: String,
    pub id: String,
}

pub fn rows_of(ids: &BTreeMap<String, String>) -> Vec<ExternalId> {
    ids.iter()
        .zip(0..)
        .map(|((provider, id), key)| ExternalId {
            key,
            provider: provider.clone(),
            id: id.clone(),
        })
        .collect()
}

/// The rows as the API takes them, checked the way the server checks them; blank rows
/// are left out.
pub fn to_map(rows: &[ExternalId]) -> Result<BTreeMap<String, String>, String> {
    let mut ids = BTreeMap::new();
    for row in rows {
        let (provider, id) = (row.provider.trim(), row.id.trim());
        if provider.is_empty() && id.is_empty() {
            continue;
        }
        let valid_provider = (1..=32).contains(&provider.len())
            && provider
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !valid_provider {
            return Err(format!(
                "need a provider of 1 to 32 lowercase letters, digits, `_` or `-` (not `{provider}`)"
            ));
        }
        if id.is_empty() || id.chars().count() > 200 {
            return Err(format!("need a `{provider}` id of 1 to 200 characters"));
        }
        if ids.insert(provider.to_owned(), id.to_owned()).is_some() {
            return Err(format!("name the provider `{provider}` twice"));
        }
    }
    if ids.len() > MAX_PROVIDERS {
        return Err(format!("must be at most {MAX_PROVIDERS} providers"));
    }
    Ok(ids)
}

#[component]
pub fn ExternalIdsEditor(
    id: &'static str,
    rows: RwSignal<Vec<ExternalId>>,
    #[prop(into)] errors: Signal<Vec<String>>,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    let described = errors_id.clone();
    let add = move |_| {
        rows.update(|rows| {
            let key = rows.iter().map(|r| r.key + 1).max().unwrap_or(0);
            rows.push(ExternalId {
                key,
                provider: String::new(),
                id: String::new(),
            });
        });
    };
    let edit = move |key: u32, change: Box<dyn FnOnce(&mut ExternalId)>| {
        rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|r| r.key == key) {
                change(row);
            }
        });
    };
    let value_of = move |key: u32, pick: fn(&ExternalId) -> String| {
        move || rows.with(|rows| rows.iter().find(|r| r.key == key).map(pick).unwrap_or_default())
    };
    view! {
        <fieldset class="field external-ids" aria-describedby=described>
            <legend class="field__label">"External ids"</legend>
            <p class="muted small">"The user's ids in other systems, such as their Slack member id."</p>
            <Show when=move || rows.with(|r| !r.is_empty())>
                <ul class="external-ids__rows">
                    <Keyed
                        each=move || rows.get()
                        key=|row| row.key
                        children=move |row| {
                            let key = row.key;
                            let position = move || rows.with(|rows| rows.iter().position(|r| r.key == key).map_or(0, |i| i + 1));
                            view! {
                                <li class="external-ids__row">
                                    <input
                                        class="input mono"
                                        type="text"
                                        placeholder="provider, e.g. slack"
                                        autocomplete="off"
                                        aria-label=move || format!("Provider {}", position())
                                        prop:value=value_of(key, |r| r.provider.clone())
                                        on:input:target=move |ev| {
                                            let text = ev.target().value();
                                            edit(key, Box::new(move |r| r.provider = text));
                                        }
                                    />
                                    <input
                                        class="input mono"
                                        type="text"
                                        placeholder="id, e.g. U024BE7LH"
                                        autocomplete="off"
                                        aria-label=move || format!("Id {}", position())
                                        prop:value=value_of(key, |r| r.id.clone())
                                        on:input:target=move |ev| {
                                            let text = ev.target().value();
                                            edit(key, Box::new(move |r| r.id = text));
                                        }
                                    />
                                    <button
                                        type="button"
                                        class="button button--ghost button--small"
                                        aria-label=move || format!("Remove external id {}", position())
                                        on:click=move |_| rows.update(|rows| rows.retain(|r| r.key != key))
                                    >
                                        "Remove"
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
            <div>
                <button
                    type="button"
                    class="button button--secondary button--small"
                    disabled=move || rows.with(|r| r.len() >= MAX_PROVIDERS)
                    on:click=add
                >
                    "Add an external id"
                </button>
            </div>
            <ul class="field__errors" id=errors_id>
                {move || errors.get().into_iter().map(|m| view! { <li>{format!("External ids {m}.")}</li> }).collect_view()}
            </ul>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(provider: &str, id: &str) -> ExternalId {
        ExternalId {
            key: 0,
            provider: provider.into(),
            id: id.into(),
        }
    }

    #[test]
    fn rows_become_the_map_the_api_takes() {
        let ids = to_map(&[row(" slack ", " U024BE7LH "), row("", "")]).unwrap();
        assert_eq!(ids, BTreeMap::from([("slack".to_owned(), "U024BE7LH".to_owned())]));
        assert_eq!(to_map(&rows_of(&ids)).unwrap(), ids);
        assert!(to_map(&[row("Slack", "U1")]).is_err());
        assert!(to_map(&[row("slack", " ")]).is_err());
        assert!(
            to_map(&[row("slack", "a"), row("slack", "b")])
                .unwrap_err()
                .contains("twice")
        );
    }
}

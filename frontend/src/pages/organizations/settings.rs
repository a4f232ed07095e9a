//! An organization's overrides of the platform settings (SPEC ORG-4): a monthly budget
//! (dollars here, cents in the API), a rate limit, and the MCP servers its users may call.
//! A blank field means the platform default.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::Permission;
use omni_types::mcp::McpServer;
use omni_types::orgs::{OrgSettings, OrgSettingsPatch, Organization, UpdateOrganization};
use uuid::Uuid;

use crate::api::{ApiError, McpFilter};
use crate::components::error_panel::load_failure;
use crate::components::field::TextField;
use crate::components::load_more::LoadMore;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::pages::mcp_servers::HealthBadge;
use crate::reactive::{Keyed, Loader, LocalAction, Show, Transition, effect};
use crate::state::use_api;

const BUDGET: &str = "settings.monthly_budget_cents";
const RATE: &str = "settings.rate_limit_per_minute";
const ALLOWED: &str = "settings.allowed_mcp_servers";
/// The largest budget the API takes: a billion dollars.
const MAX_BUDGET_CENTS: i64 = 100_000_000_000;

/// Dollars as typed (`1500`, `$1,499.99`) to cents; blank is "no override".
pub fn parse_dollars(raw: &str) -> Result<Option<i64>, &'static str> {
    const SHAPE: &str = "must be an amount in dollars, like 1500 or 1499.99";
    let text: String = raw
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return Err(SHAPE);
    }
    let dollars: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "must be at most $1,000,000,000")?
    };
    let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    match dollars.checked_mul(100).and_then(|d| d.checked_add(cents)) {
        Some(total) if total <= MAX_BUDGET_CENTS => Ok(Some(total)),
        _ => Err("must be at most $1,000,000,000"),
    }
}

/// Cents as the budget field shows them: `1500`, `1499.99`.
pub fn dollars_input(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

/// Cents as people read them: `$1,499.99`.
pub fn dollars(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("${grouped}.{:02}", cents % 100)
}

pub fn budget_text(cents: Option<i64>) -> String {
    cents.map_or_else(|| "Platform default".to_owned(), |c| format!("{} a month", dollars(c)))
}

pub fn rate_text(per_minute: Option<i32>) -> String {
    per_minute.map_or_else(|| "Platform default".to_owned(), |r| format!("{r} calls a minute"))
}

pub fn parse_rate(raw: &str) -> Result<Option<i32>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i32>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(Some(n)),
        Ok(_) => Err("must be between 1 and 1000000"),
        Err(_) => Err("must be a whole number of calls"),
    }
}

/// Only the overrides that differ from `before`, so a concurrent change of another one
/// is not overwritten (`Some(None)`: back to the platform default).
pub fn patch(before: &OrgSettings, after: &OrgSettings) -> OrgSettingsPatch {
    let sorted = |ids: &Option<Vec<Uuid>>| ids.as_ref().map(|ids| ids.iter().copied().collect::<BTreeSet<_>>());
    OrgSettingsPatch {
        monthly_budget_cents: (after.monthly_budget_cents != before.monthly_budget_cents)
            .then_some(after.monthly_budget_cents),
        rate_limit_per_minute: (after.rate_limit_per_minute != before.rate_limit_per_minute)
            .then_some(after.rate_limit_per_minute),
        allowed_mcp_servers: (sorted(&after.allowed_mcp_servers) != sorted(&before.allowed_mcp_servers))
            .then(|| after.allowed_mcp_servers.clone()),
    }
}

#[component]
pub fn SettingsOverrides(org: Organization, on_saved: Callback<Organization>) -> impl IntoView {
    let api = use_api();
    let id = org.id;
    // The overrides as last loaded or saved: what a save compares against.
    let before = StoredValue::new(org.settings.clone());
    let budget = RwSignal::new(org.settings.monthly_budget_cents.map(dollars_input).unwrap_or_default());
    let rate = RwSignal::new(
        org.settings
            .rate_limit_per_minute
            .map(|r| r.to_string())
            .unwrap_or_default(),
    );
    let restricted = RwSignal::new(org.settings.allowed_mcp_servers.is_some());
    let chosen = RwSignal::new(
        org.settings
            .allowed_mcp_servers
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect::<BTreeSet<Uuid>>(),
    );
    let save = LocalAction::new(move |settings: &OrgSettings| {
        let change = UpdateOrganization {
            settings: Some(before.with_value(|before| patch(before, settings))),
            ..UpdateOrganization::default()
        };
        async move { api.organization_update(id, &change).await }
    });
    let saved = RwSignal::new(false);
    effect(move || {
        if let Some(Ok(org)) = save.value().get() {
            before.set_value(org.settings.clone());
            saved.set(true);
            on_saved.run(org);
        }
    });
    // Any edit after a save makes "Saved" stale.
    effect(move || {
        budget.track();
        rate.track();
        restricted.track();
        chosen.track();
        saved.set(false);
    });
    let server_error = move || save.value().get().and_then(Result::err);
    let errors = move |field: &'static str, live: Option<&'static str>| {
        let mut shown: Vec<String> = live.map(str::to_owned).into_iter().collect();
        if let Some(e) = server_error() {
            shown.extend(e.field_errors(field).iter().cloned());
        }
        shown
    };
    let budget_errors = Signal::derive(move || errors(BUDGET, parse_dollars(&budget.get()).err()));
    let rate_errors = Signal::derive(move || errors(RATE, parse_rate(&rate.get()).err()));
    let allowed_errors = Signal::derive(move || errors(ALLOWED, None));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Ok(monthly_budget_cents), Ok(rate_limit_per_minute)) = (
            parse_dollars(&budget.get_untracked()),
            parse_rate(&rate.get_untracked()),
        ) else {
            return;
        };
        save.dispatch(OrgSettings {
            monthly_budget_cents,
            rate_limit_per_minute,
            allowed_mcp_servers: restricted
                .get_untracked()
                .then(|| chosen.get_untracked().into_iter().collect()),
        });
    };
    let other_error = move || server_error().filter(|e| e.needs_own_message(&[BUDGET, RATE, ALLOWED]));
    let pending = save.pending();

    view! {
        <section class="card mcp-section" aria-labelledby="org-settings-title">
            <h2 id="org-settings-title" class="card__title">"Settings overrides"</h2>
            <p class="muted small">"Leave a field blank to use the platform default."</p>
            <form class="settings-form" aria-labelledby="org-settings-title" novalidate on:submit=on_submit>
                <div class="form-grid">
                    <TextField id="org-budget" label="Monthly budget (US dollars)" kind="text" value=budget errors=budget_errors required=false placeholder=Some("e.g. 1500") />
                    <TextField id="org-rate" label="Rate limit (calls a minute)" kind="text" value=rate errors=rate_errors required=false placeholder=Some("e.g. 600") />
                </div>
                <fieldset class="field choice-group" aria-describedby="org-allowed-errors">
                    <legend class="field__label">"MCP servers its users may call"</legend>
                    <label class="checkbox">
                        <input type="radio" name="org-allowed" prop:checked=move || !restricted.get() on:change=move |_| restricted.set(false) />
                        " All servers"
                    </label>
                    <label class="checkbox">
                        <input type="radio" name="org-allowed" prop:checked=move || restricted.get() on:change=move |_| restricted.set(true) />
                        " Only the servers chosen below"
                    </label>
                    <p class="muted small">"Its own servers are always allowed. Users still need a grant on each server."</p>
                    <ul class="field__errors" id="org-allowed-errors">
                        {move || allowed_errors.get().into_iter().map(|m| view! { <li>{format!("Allowed servers {m}.")}</li> }).collect_view()}
                    </ul>
                </fieldset>
                <Show when=move || restricted.get()>
                    <ServerChoices chosen />
                </Show>
                {move || other_error().map(|e| view! { <p class="inline-error" role="alert">{format!("Could not save: {e}")}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        "Save settings"
                    </button>
                    <span class="muted small" role="status">{move || saved.get().then_some("Settings saved.")}</span>
                </div>
            </form>
        </section>
    }
}

/// The global MCP servers, each with a checkbox. Chosen servers not on the loaded pages stay
/// chosen.
#[component]
fn ServerChoices(chosen: RwSignal<BTreeSet<Uuid>>) -> impl IntoView {
    let api = use_api();
    let filter = McpFilter {
        organization: "global".into(),
        ..McpFilter::default()
    };
    let servers = Loader::new({
        let filter = filter.clone();
        move || {
            let filter = filter.clone();
            async move { api.mcp_servers(&filter, None).await }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| servers.refetch());
    let body = move || {
        let filter = filter.clone();
        Suspend::new(async move {
            match servers.await {
                Ok(first) if first.items.is_empty() => view! {
                    <p class="muted">"There are no global MCP servers to choose from."</p>
                }
                .into_any(),
                Ok(first) => {
                    let shown = RwSignal::new(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let (filter, cursor) = (filter.clone(), cursor.clone());
                        async move {
                            let page = api.mcp_servers(&filter, Some(cursor)).await?;
                            shown.try_update(|s| s.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <ul class="check-list" aria-label="Global MCP servers">
                            <Keyed each=move || shown.get() key=|s| s.id children=move |server| view! { <ServerChoice server chosen /> } />
                        </ul>
                        <LoadMore next action=load_more what="servers" />
                    }
                    .into_any()
                }
                Err(error) => load_failure(
                    error,
                    Permission::McpRead,
                    "Could not load the MCP servers",
                    reload,
                    reloading,
                ),
            }
        })
    };
    view! {
        <div class="choice-panel">
            <p class="muted small" role="status">
                {move || match chosen.with(BTreeSet::len) {
                    0 => "None chosen: its users may call only its own servers.".to_owned(),
                    1 => "1 server chosen.".to_owned(),
                    n => format!("{n} servers chosen."),
                }}
            </p>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the MCP servers…"><SkeletonLine /><SkeletonLine width="60%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </div>
    }
}

#[component]
fn ServerChoice(server: McpServer, chosen: RwSignal<BTreeSet<Uuid>>) -> impl IntoView {
    let id = server.id;
    let box_id = format!("org-allowed-{id}");
    view! {
        <li class="checkbox">
            <input
                type="checkbox"
                id=box_id.clone()
                prop:checked=move || chosen.with(|c| c.contains(&id))
                on:change=move |ev| {
                    let checked = event_target_checked(&ev);
                    chosen.update(|c| {
                        if checked {
                            c.insert(id);
                        } else {
                            c.remove(&id);
                        }
                    });
                }
            />
            <label for=box_id>
                <span class="check-list__name">{server.name} " " <HealthBadge status=Signal::stored(server.status) /></span>
                {(!server.description.is_empty()).then(|| view! { <span class="checkbox__hint">{server.description}</span> })}
            </label>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_dollars_in_the_form_and_cents_in_the_api() {
        assert_eq!(parse_dollars(""), Ok(None));
        assert_eq!(parse_dollars("1500"), Ok(Some(150_000)));
        assert_eq!(parse_dollars("$1,499.99"), Ok(Some(149_999)));
        assert_eq!(parse_dollars("0.5"), Ok(Some(50)));
        assert_eq!(parse_dollars(".05"), Ok(Some(5)));
        assert_eq!(parse_dollars("1000000000"), Ok(Some(MAX_BUDGET_CENTS)));
        for bad in [
            "12.345",
            "1.2.3",
            "ten",
            "-5",
            ".",
            "1000000000.01",
            "99999999999999999999",
        ] {
            assert!(parse_dollars(bad).is_err(), "{bad}");
        }
        assert_eq!(dollars_input(150_000), "1500");
        assert_eq!(dollars_input(149_999), "1499.99");
        assert_eq!(dollars(149_999), "$1,499.99");
        assert_eq!(dollars(5), "$0.05");
        assert_eq!(dollars(100_000_000_000), "$1,000,000,000.00");
    }

    #[test]
    fn a_save_patches_only_what_changed() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let before = OrgSettings {
            monthly_budget_cents: Some(150_000),
            rate_limit_per_minute: None,
            allowed_mcp_servers: Some(vec![a, b]),
        };
        let after = OrgSettings {
            monthly_budget_cents: None,
            rate_limit_per_minute: None,
            allowed_mcp_servers: Some(vec![b, a]),
        };
        let change = patch(&before, &after);
        assert_eq!(change.monthly_budget_cents, Some(None));
        assert_eq!(change.rate_limit_per_minute, None);
        assert_eq!(change.allowed_mcp_servers, None);
        assert_eq!(patch(&before, &before), OrgSettingsPatch::default());
    }

    #[test]
    fn rate_limits() {
        assert_eq!(parse_rate(" "), Ok(None));
        assert_eq!(parse_rate("600"), Ok(Some(600)));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("1.5").is_err());
    }
}

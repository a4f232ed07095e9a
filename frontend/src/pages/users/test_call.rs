//! "Test a call": asks the server the question the hub asks before each tool call (may
//! this user call this tool on this server?) and shows the answer with its reason.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::hub_users::{CanCall, EffectivePermissions};
use uuid::Uuid;

use super::reason::reason_text;
use crate::api::ApiError;
use crate::reactive::{Loader, LocalAction, effect};
use crate::state::use_api;

/// `effective`: the user's effective permissions, whose servers and tools the form offers.
#[component]
pub fn TestCall(user: Uuid, effective: Loader<Result<EffectivePermissions, ApiError>>) -> impl IntoView {
    let api = use_api();
    let server = RwSignal::new(String::new());
    let tool = RwSignal::new(String::new());
    let check = LocalAction::new(move |(server, tool): &(String, String)| {
        let (server, tool) = (server.clone(), tool.clone());
        async move { api.can_call(user, &server, &tool).await }
    });
    // A new question clears the old answer, which would otherwise read as this one's.
    effect(move || {
        server.track();
        tool.track();
        check.value().set(None);
    });
    let servers = move || {
        effective
            .get()
            .and_then(Result::ok)
            .map(|e| e.servers)
            .unwrap_or_default()
    };
    let server_options = move || {
        servers()
            .into_iter()
            .map(|s| {
                let id = s.server_id.to_string();
                view! { <option value=id.clone() prop:selected=move || server.with(|v| *v == id)>{s.server_name}</option> }
            })
            .collect_view()
    };
    // The chosen server's tools, suggested as the tool name is typed.
    let tool_options = move || {
        let chosen = server.get();
        servers()
            .into_iter()
            .find(|s| s.server_id.to_string() == chosen)
            .map(|s| s.tools)
            .unwrap_or_default()
            .into_iter()
            .map(|t| view! { <option value=t.name></option> })
            .collect_view()
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (s, t) = (server.get_untracked(), tool.get_untracked().trim().to_owned());
        if !s.is_empty() && !t.is_empty() {
            check.dispatch((s, t));
        }
    };
    let pending = check.pending();
    let answer = move || {
        check.value().get().map(|result| match result {
            Ok(answer) => view! { <Answer answer /> }.into_any(),
            Err(error) => {
                view! { <p class="inline-error" role="alert">{format!("Could not ask: {error}")}</p> }.into_any()
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="user-test-title">
            <h2 id="user-test-title" class="card__title">"Test a call"</h2>
            <p class="muted small">"Ask what the hub would answer if this user called a tool now."</p>
            <form class="check-form test-call" aria-labelledby="user-test-title" on:submit=on_submit>
                <div class="field">
                    <label class="field__label" for="test-server">"MCP server"</label>
                    <select id="test-server" class="input" on:change=move |ev| server.set(event_target_value(&ev))>
                        <option value="" prop:selected=move || server.with(String::is_empty)>"Choose a server"</option>
                        {server_options}
                    </select>
                </div>
                <div class="field">
                    <label class="field__label" for="test-tool">"Tool"</label>
                    <input
                        id="test-tool"
                        class="input mono"
                        type="text"
                        list="test-tool-names"
                        autocomplete="off"
                        placeholder="e.g. echo"
                        prop:value=move || tool.get()
                        on:input:target=move |ev| tool.set(ev.target().value())
                    />
                    <datalist id="test-tool-names">{tool_options}</datalist>
                </div>
                <button
                    type="submit"
                    class="button button--secondary"
                    disabled=move || pending.get() || server.with(String::is_empty) || tool.with(|t| t.trim().is_empty())
                    aria-busy=move || pending.get().to_string()
                >
                    "Test"
                </button>
            </form>
            <div aria-live="polite">{answer}</div>
        </section>
    }
}

#[component]
fn Answer(answer: CanCall) -> impl IntoView {
    let (class, verdict) = if answer.allowed {
        ("alert alert--success decision", "Yes")
    } else {
        ("alert alert--error decision", "No")
    };
    view! {
        <div class=class data-testid="can-call-answer">
            <div>
                <p>
                    <strong>{format!("Allowed: {verdict}")}</strong>
                    {format!(" · {} · ", reason_text(answer.reason))}
                    <code>{answer.tool}</code>
                </p>
                <p>{answer.detail}</p>
            </div>
        </div>
    }
}

//! The tools a server offers (searchable, each with its input schema) and the changes to
//! them between checks, with approve / reject for those waiting.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::mcp::{McpTool, ToolChange, ToolChangeKind, ToolChangeStatus, ToolStatus};
use serde_json::Value;
use uuid::Uuid;

use super::use_can_write;
use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, Loader, LocalAction, Show, Transition, effect};
use crate::state::use_api;

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[component]
pub fn Tools(id: Uuid, version: Signal<u32>) -> impl IntoView {
    let api = use_api();
    let q = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let tools = Loader::new(move || {
        version.track();
        let q = applied.get();
        async move { api.mcp_server_tools(id, &q, None).await.map(|page| (q, page)) }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| tools.refetch());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.set(q.get_untracked().trim().to_owned());
    };
    let body = move || {
        Suspend::new(async move {
            match tools.await {
                Ok((q, first)) if first.items.is_empty() => {
                    if q.is_empty() {
                        view! { <p class="muted">"No tools discovered yet: they appear after the first successful check."</p> }.into_any()
                    } else {
                        view! { <p class="muted">{format!("No tool matches “{q}”.")}</p> }.into_any()
                    }
                }
                Ok((q, first)) => {
                    let shown = RwSignal::new(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let (cursor, q) = (cursor.clone(), q.clone());
                        async move {
                            let page = api.mcp_server_tools(id, &q, Some(cursor)).await?;
                            shown.try_update(|t| t.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <ul class="tool-list" aria-label="Tools">
                            <Keyed each=move || shown.get() key=|t| (t.name.clone(), t.changed_at) children=move |tool| view! { <ToolItem tool /> } />
                        </ul>
                        <LoadMore next action=load_more what="tools" />
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the tools" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="mcp-tools-title" aria-busy=move || reloading.get().to_string()>
            <div class="mcp-section__head">
                <h2 id="mcp-tools-title" class="card__title">"Tools"</h2>
                <form role="search" aria-label="Search the tools" class="inline-search" on:submit=on_submit>
                    <label class="visually-hidden" for="mcp-tools-q">"Search tools"</label>
                    <input
                        id="mcp-tools-q"
                        class="input"
                        type="search"
                        placeholder="Search tools"
                        prop:value=move || q.get()
                        on:input:target=move |ev| q.set(ev.target().value())
                    />
                    <button type="submit" class="button button--secondary">"Search"</button>
                </form>
            </div>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the tools…"><SkeletonLine /><SkeletonLine width="70%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

#[component]
fn ToolItem(tool: McpTool) -> impl IntoView {
    let status = match tool.status {
        ToolStatus::Approved => None,
        ToolStatus::Pending => Some(("status-badge status-badge--warning", "Waiting for approval")),
        ToolStatus::Rejected => Some(("status-badge status-badge--danger", "Rejected")),
    };
    let schema = pretty(&tool.input_schema);
    view! {
        <li class="tool-list__item" data-testid="tool">
            <details>
                <summary>
                    <code class="tool-list__name">{tool.name.clone()}</code>
                    {tool.title.clone().map(|t| view! { <span>{t}</span> })}
                    {status.map(|(class, text)| view! { <span class=class>{text}</span> })}
                    {tool.description.clone().map(|d| view! { <span class="muted small tool-list__description">{d}</span> })}
                </summary>
                <h3 class="small">"Input schema"</h3>
                <pre class="mono small schema">{schema}</pre>
                {tool.annotations.as_ref().map(|a| view! { <h3 class="small">"Annotations"</h3><pre class="mono small schema">{pretty(a)}</pre> })}
            </details>
        </li>
    }
}

#[component]
pub fn ToolChanges(id: Uuid, version: RwSignal<u32>, on_decided: Callback<()>) -> impl IntoView {
    let api = use_api();
    let changes = Loader::new(move || {
        version.track();
        async move { api.mcp_server_tool_changes(id, None).await }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| changes.refetch());
    let decided = Callback::new(move |()| {
        version.update(|v| *v += 1);
        on_decided.run(());
    });
    let body = move || {
        Suspend::new(async move {
            match changes.await {
                Ok(first) if first.items.is_empty() => {
                    view! { <p class="muted">"No tool changes recorded."</p> }.into_any()
                }
                Ok(first) => {
                    let shown = RwSignal::new(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let cursor = cursor.clone();
                        async move {
                            let page = api.mcp_server_tool_changes(id, Some(cursor)).await?;
                            shown.try_update(|c| c.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <ol class="change-list" aria-label="Tool changes, newest first">
                            <Keyed each=move || shown.get() key=|c| (c.id, c.status) children=move |change| view! { <ChangeItem change on_decided=decided /> } />
                        </ol>
                        <LoadMore next action=load_more what="changes" />
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the tool changes" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="mcp-changes-title" aria-busy=move || reloading.get().to_string()>
            <h2 id="mcp-changes-title" class="card__title">"Tool changes"</h2>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the tool changes…"><SkeletonLine /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

#[component]
fn ChangeItem(change: ToolChange, on_decided: Callback<()>) -> impl IntoView {
    let api = use_api();
    let can_write = use_can_write();
    let (server, id) = (change.server_id, change.id);
    let decide = LocalAction::new(move |status: &ToolChangeStatus| {
        let status = *status;
        async move { api.mcp_tool_change_decide(server, id, status).await }
    });
    effect(move || {
        if let Some(Ok(_)) = decide.value().get() {
            on_decided.run(());
        }
    });
    let kind = match change.kind {
        ToolChangeKind::Added => "Added",
        ToolChangeKind::Removed => "Removed",
        ToolChangeKind::Changed => "Changed",
    };
    let status = match change.status {
        ToolChangeStatus::Applied => "status-badge status-badge--muted",
        ToolChangeStatus::Pending => "status-badge status-badge--warning",
        ToolChangeStatus::Approved => "status-badge status-badge--ok",
        ToolChangeStatus::Rejected => "status-badge status-badge--danger",
        ToolChangeStatus::Superseded => "status-badge status-badge--muted",
    };
    let status_text = match change.status {
        ToolChangeStatus::Applied => "Applied",
        ToolChangeStatus::Pending => "Waiting for approval",
        ToolChangeStatus::Approved => "Approved",
        ToolChangeStatus::Rejected => "Rejected",
        ToolChangeStatus::Superseded => "Superseded by a later change",
    };
    let pending = change.status == ToolChangeStatus::Pending;
    let name = change.tool_name.clone();
    let reject_name = change.tool_name.clone();
    let fields = (!change.fields.is_empty()).then(|| format!("Changed: {}", change.fields.join(", ")));
    view! {
        <li class="change-list__item" data-testid="tool-change">
            <div class="change-list__head">
                <strong>{kind}</strong>
                <code>{change.tool_name.clone()}</code>
                <span class=status>{status_text}</span>
                <span class="muted small"><LocalTime at=change.detected_at /></span>
                {change.decided_by.clone().map(|by| view! { <span class="muted small">{format!("by {by}")}</span> })}
            </div>
            {fields.map(|f| view! { <p class="small">{f}</p> })}
            {match (&change.before, &change.after) {
                // A change: both sides, side by side, open.
                (Some(before), Some(after)) => view! {
                    <div class="diff-columns">
                        <div><h3 class="small">"Before"</h3><pre class="mono small schema">{pretty(before)}</pre></div>
                        <div><h3 class="small">"After"</h3><pre class="mono small schema">{pretty(after)}</pre></div>
                    </div>
                }
                .into_any(),
                // Added or removed: the one definition, on request.
                (one, other) => {
                    let definition = one.as_ref().or(other.as_ref()).map(pretty).unwrap_or_default();
                    view! {
                        <details class="change-list__definition">
                            <summary class="small">"Definition"</summary>
                            <pre class="mono small schema">{definition}</pre>
                        </details>
                    }
                    .into_any()
                }
            }}
            <Show when=move || pending && can_write.get()>
                <div class="form-actions">
                    <button
                        type="button"
                        class="button button--primary button--small"
                        aria-label=format!("Approve {name}")
                        disabled=move || decide.pending().get()
                        on:click=move |_| {
                            decide.dispatch(ToolChangeStatus::Approved);
                        }
                    >
                        "Approve"
                    </button>
                    <button
                        type="button"
                        class="button button--secondary button--small"
                        aria-label=format!("Reject {reject_name}")
                        disabled=move || decide.pending().get()
                        on:click=move |_| {
                            decide.dispatch(ToolChangeStatus::Rejected);
                        }
                    >
                        "Reject"
                    </button>
                </div>
            </Show>
            {move || decide.value().get().and_then(Result::err).map(|e| view! { <p class="inline-error" role="alert">{e.to_string()}</p> })}
        </li>
    }
}

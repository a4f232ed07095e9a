//! A searchable checklist of one MCP server's tools, for a grant of selected tools.

use std::collections::BTreeSet;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use omni_types::mcp::{McpTool, ToolStatus};
use uuid::Uuid;

use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::load_more::LoadMore;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, Loader, LocalAction, Transition};
use crate::state::use_api;

#[component]
pub fn ToolPicker(
    server: Uuid,
    /// The tools chosen; names the loaded pages lack stay chosen (and are listed).
    #[prop(into)]
    selected: Signal<BTreeSet<String>>,
    /// A tool was ticked (`true`) or unticked.
    on_toggle: Callback<(String, bool)>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let api = use_api();
    let typed = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let tools = Loader::new(move || {
        let q = applied.get();
        async move { api.mcp_server_tools(server, &q, None).await.map(|page| (q, page)) }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| tools.refetch());
    let shown = RwSignal::new(Vec::<McpTool>::new());
    let apply = move || applied.set(typed.get_untracked().trim().to_owned());
    let on_key = move |ev: KeyboardEvent| {
        // Enter searches; it must not send the grants form around the picker.
        if ev.key() == "Enter" {
            ev.prevent_default();
            apply();
        }
    };
    let search_id = format!("tools-{server}-q");
    let body = move || {
        Suspend::new(async move {
            match tools.await {
                Ok((q, first)) if first.items.is_empty() => {
                    shown.set(Vec::new());
                    if q.is_empty() {
                        view! { <p class="muted small">"No tools known yet: they are listed after the server's first successful health check."</p> }.into_any()
                    } else {
                        view! { <p class="muted small">{format!("No tool matches “{q}”.")}</p> }.into_any()
                    }
                }
                Ok((q, first)) => {
                    shown.set(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let (cursor, q) = (cursor.clone(), q.clone());
                        async move {
                            let page = api.mcp_server_tools(server, &q, Some(cursor)).await?;
                            shown.try_update(|t| t.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <ul class="check-list" aria-label="Tools">
                            <Keyed
                                each=move || shown.get()
                                key=|t| t.name.clone()
                                children=move |tool| view! { <ToolChoice server tool selected on_toggle disabled /> }
                            />
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
    // Chosen tools the list does not show (another search, a later page, or a tool the
    // server no longer offers): still part of the grant until removed.
    let elsewhere = move || {
        let listed: BTreeSet<String> = shown.with(|t| t.iter().map(|t| t.name.clone()).collect());
        selected.with(|s| s.difference(&listed).cloned().collect::<Vec<_>>())
    };
    view! {
        <div class="tool-picker">
            <div class="inline-search">
                <label class="visually-hidden" for=search_id.clone()>"Search the tools"</label>
                <input
                    id=search_id
                    class="input"
                    type="search"
                    placeholder="Search tools"
                    prop:value=move || typed.get()
                    on:input:target=move |ev| typed.set(ev.target().value())
                    on:keydown=on_key
                />
                <button type="button" class="button button--secondary" on:click=move |_| apply()>"Search"</button>
            </div>
            <p class="muted small" role="status">
                {move || match selected.with(BTreeSet::len) {
                    0 => "No tool chosen yet.".to_owned(),
                    1 => "1 tool chosen.".to_owned(),
                    n => format!("{n} tools chosen."),
                }}
            </p>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the tools…"><SkeletonLine /><SkeletonLine width="60%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
            {move || {
                let others = elsewhere();
                (!others.is_empty()).then(|| view! {
                    <div class="tool-picker__elsewhere">
                        <p class="small">"Also chosen, not in the list above:"</p>
                        <ul class="badges badges--compact">
                            {others.into_iter().map(|name| {
                                let label = format!("Remove {name}");
                                let removed = name.clone();
                                view! {
                                    <li class="badge badge--plain">
                                        <code>{name}</code>
                                        <button
                                            type="button"
                                            class="chip-remove"
                                            aria-label=label
                                            disabled=move || disabled.get()
                                            on:click=move |_| on_toggle.run((removed.clone(), false))
                                        >
                                            "×"
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                })
            }}
        </div>
    }
}

#[component]
fn ToolChoice(
    server: Uuid,
    tool: McpTool,
    selected: Signal<BTreeSet<String>>,
    on_toggle: Callback<(String, bool)>,
    disabled: Signal<bool>,
) -> impl IntoView {
    let box_id = format!("tool-{server}-{}", tool.name);
    let hint_id = format!("{box_id}-hint");
    let name = StoredValue::new(tool.name.clone());
    let status = match tool.status {
        ToolStatus::Approved => None,
        ToolStatus::Pending => Some(("status-badge status-badge--warning", "Waiting for approval")),
        ToolStatus::Rejected => Some(("status-badge status-badge--danger", "Rejected")),
    };
    let hint = tool.title.clone().or(tool.description.clone());
    view! {
        <li class="checkbox tool-choice">
            <input
                type="checkbox"
                id=box_id.clone()
                aria-describedby=hint_id.clone()
                prop:checked=move || selected.with(|s| name.with_value(|n| s.contains(n)))
                disabled=move || disabled.get()
                on:change=move |ev| on_toggle.run((name.get_value(), event_target_checked(&ev)))
            />
            <div class="tool-choice__text">
                <label for=box_id><code>{tool.name.clone()}</code></label>
                <span class="checkbox__hint" id=hint_id>
                    {status.map(|(class, text)| view! { <span class=class>{text}</span> " " })}
                    {hint}
                </span>
            </div>
        </li>
    }
}

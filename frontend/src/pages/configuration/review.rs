//! What applying the editor's document would change, and the apply itself (SPEC CFG-3,
//! CFG-4): the diff against the hub as it is now, then a confirmation that restates it.
//! The apply names the state the diff was computed against, so a hub that changed in the
//! meantime answers 409 and the admin reviews the new diff instead.

use leptos::html;
use leptos::prelude::*;
use omni_types::config::{ApplyRequest, Diff, SnapshotSource};
use wasm_bindgen::JsCast;

use super::describe::{self, count};
use super::diff_view::DiffView;
use super::use_workspace;
use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::icons::{Icon, IconSvg};
use crate::components::modal::Modal;
use crate::reactive::{LocalAction, Show, effect};
use crate::state::use_api;

const TITLE_ID: &str = "config-review-title";

#[component]
pub fn ReviewSection() -> impl IntoView {
    let workspace = use_workspace();
    let review = workspace.review;
    // Focus follows the admin's "Review changes" to what it produced.
    effect(move || {
        if review.version().get() > 0 {
            request_animation_frame(|| {
                if let Some(heading) = document()
                    .get_element_by_id(TITLE_ID)
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = heading.focus();
                }
            });
        }
    });
    let body = move || {
        review.value().with(|outcome| {
            outcome.map(|(document, result)| match result {
                Ok(diff) => view! { <Reviewed document=document.clone() diff=diff.clone() /> }.into_any(),
                Err(error) => view! { <Refused error=error.clone() /> }.into_any(),
            })
        })
    };
    view! {
        <Show when=move || review.pending().get()>
            <p class="muted" role="status">
                <span class="spinner spinner--small" aria-hidden="true"></span>
                " Working out what the document changes…"
            </p>
        </Show>
        {body}
    }
}

/// The diff could not be made: the document does not validate, or the request failed.
#[component]
fn Refused(error: ApiError) -> impl IntoView {
    let workspace = use_workspace();
    let again = Callback::new(move |()| {
        workspace.review.dispatch(workspace.text.get_untracked());
    });
    let message = match error.status() {
        Some(422) => Some(
            "The document has errors, so it cannot be compared with the hub. Fix them (they are listed under the editor too), then review it again."
                .to_owned(),
        ),
        Some(403) => Some(format!("You may not review configuration changes: {error}")),
        _ => None,
    };
    // The server names each error's field and says where it is.
    let details: Vec<String> = match &error {
        ApiError::Problem(problem) => problem
            .errors
            .iter()
            .flat_map(|(path, messages)| messages.iter().map(move |m| format!("{path}: {m}")))
            .collect(),
        _ => Vec::new(),
    };
    view! {
        <section class="card config-section" aria-labelledby=TITLE_ID data-testid="config-review">
            <h2 id=TITLE_ID tabindex="-1">"Review changes"</h2>
            {match message {
                Some(message) => view! {
                    <div class="alert alert--error" role="alert">
                        <IconSvg icon=Icon::Alert />
                        <div>
                            <p>{message}</p>
                            <ul class="impact">{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                        </div>
                    </div>
                }
                .into_any(),
                None => view! { <ErrorPanel title="Could not compare the document with the hub" error on_retry=again /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Reviewed(document: String, diff: Diff) -> impl IntoView {
    let workspace = use_workspace();
    let confirming = RwSignal::new(false);
    let apply_button = NodeRef::<html::Button>::new();
    let reviewed = StoredValue::new(document);
    let stale = move || reviewed.with_value(|document| workspace.text.with(|t| t != document));
    let kept = StoredValue::new(diff.clone());
    let dialog = move || {
        confirming.get().then(|| {
            view! {
                <ApplyDialog
                    diff=kept.get_value()
                    document=reviewed.get_value()
                    on_close=Callback::new(move |()| confirming.set(false))
                    return_focus=apply_button
                />
            }
        })
    };
    let again = move |_| {
        workspace.review.dispatch(workspace.text.get_untracked());
    };
    view! {
        <section class="card config-section" aria-labelledby=TITLE_ID data-testid="config-review">
            <div class="config-section__head">
                <h2 id=TITLE_ID tabindex="-1">"Review changes"</h2>
                <p class="muted small">"From the hub's configuration as it is now, to the document."</p>
            </div>
            <Show when=stale>
                <div class="alert alert--warning" role="status">
                    <IconSvg icon=Icon::Alert />
                    <p>"The document changed since this review. Review it again before applying it."</p>
                </div>
            </Show>
            <DiffView diff old_label="The hub now" new_label="The document" console=true />
            <div class="form-actions">
                <Show
                    when=move || workspace.can_write.get()
                    fallback=|| view! { <p class="muted small">"Applying needs the config:write permission."</p> }
                >
                    <button
                        type="button"
                        class="button button--primary"
                        node_ref=apply_button
                        disabled=stale
                        on:click=move |_| confirming.set(true)
                    >
                        "Apply…"
                    </button>
                </Show>
                <button type="button" class="button button--secondary" on:click=again>
                    "Review again"
                </button>
                <button
                    type="button"
                    class="button button--ghost"
                    on:click=move |_| workspace.review.value().set(None)
                >
                    "Close"
                </button>
            </div>
        </section>
        {dialog}
    }
}

/// "Apply this document?", restating what it changes, deletions first.
#[component]
fn ApplyDialog(
    diff: Diff,
    document: String,
    on_close: Callback<()>,
    return_focus: NodeRef<html::Button>,
) -> impl IntoView {
    let api = use_api();
    let workspace = use_workspace();
    let message = RwSignal::new(String::new());
    let apply = LocalAction::new(move |request: &ApplyRequest| {
        let request = request.clone();
        async move { api.config_apply(&request).await }
    });
    effect(move || {
        if let Some(Ok(outcome)) = apply.value().get() {
            apply.value().set(None);
            on_close.run(());
            workspace.finished("Applied", outcome);
        }
    });
    let failure = move || apply.value().get().and_then(Result::err);
    let deletions = describe::deletions(&diff.changes);
    let danger = !deletions.is_empty();
    let overwrites = diff.console_changes.len();
    let base_state = diff.base_state.clone();
    let document = StoredValue::new(document);
    let confirm = move |_| {
        let note = message.get_untracked().trim().to_owned();
        apply.dispatch(ApplyRequest {
            document: document.get_value(),
            secrets: Default::default(),
            base_state: Some(base_state.clone()),
            dry_run: false,
            source: Some(SnapshotSource::Ui),
            message: (!note.is_empty()).then_some(note),
        });
    };
    let review_again = move |_| {
        on_close.run(());
        workspace.review.dispatch(workspace.text.get_untracked());
    };
    let pending = apply.pending();
    view! {
        <Modal title="Apply this document?" on_close role="alertdialog" return_focus>
            <p>
                {format!(
                    "The hub's configuration changes all at once, or not at all: {}.",
                    describe::summary(&diff.summary).to_lowercase(),
                )}
            </p>
            {danger
                .then(|| {
                    let items = deletions.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view();
                    view! {
                        <div class="alert alert--error" data-testid="apply-deletions">
                            <IconSvg icon=Icon::Alert />
                            <div>
                                <p>
                                    <strong>
                                        {format!(
                                            "It deletes {}, with what belongs to them:",
                                            count(deletions.len(), "entity", "entities"),
                                        )}
                                    </strong>
                                </p>
                                <ul class="impact">{items}</ul>
                            </div>
                        </div>
                    }
                })}
            {(overwrites > 0)
                .then(|| {
                    view! {
                        <div class="alert alert--warning">
                            <IconSvg icon=Icon::Alert />
                            <p>
                                {format!(
                                    "It overwrites {} made in the console since the last apply.",
                                    count(overwrites, "change", "changes"),
                                )}
                            </p>
                        </div>
                    }
                })}
            <p class="muted small">"A snapshot of the result is kept: you can roll back to the configuration as it is now."</p>
            <div class="field">
                <label class="field__label" for="apply-message">
                    "Note (optional)"
                </label>
                <input
                    id="apply-message"
                    class="input"
                    type="text"
                    maxlength="500"
                    autocomplete="off"
                    placeholder="Why, or the commit it comes from"
                    prop:value=move || message.get()
                    on:input:target=move |ev| message.set(ev.target().value())
                />
            </div>
            {move || {
                failure()
                    .map(|error| match error.status() {
                        Some(409) => view! {
                            <div class="alert alert--warning" role="alert" data-testid="apply-conflict">
                                <IconSvg icon=Icon::Alert />
                                <div>
                                    <p>
                                        "The hub's configuration changed since this review (another apply, or an edit in the console). Nothing was applied: review the new diff, then apply."
                                    </p>
                                    <button type="button" class="button button--secondary button--small" on:click=review_again>
                                        "Review the new diff"
                                    </button>
                                </div>
                            </div>
                        }
                        .into_any(),
                        Some(403) => view! {
                            <p class="inline-error" role="alert">{forbidden("apply this document", &error)}</p>
                        }
                        .into_any(),
                        _ => view! { <p class="inline-error" role="alert">{format!("Could not apply: {error}")}</p> }.into_any(),
                    })
            }}
            <div class="modal__actions">
                <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button--primary"
                    class:button--danger=danger
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()
                    on:click=confirm
                >
                    <Show when=move || pending.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Apply changes"
                </button>
            </div>
        </Modal>
    }
}

/// A 403 on an apply or a rollback: which permission is missing. Besides config:write,
/// each kind of entity changed needs its own (mcp:write for MCP servers…).
pub fn forbidden(what: &str, error: &ApiError) -> String {
    let needed = match error {
        ApiError::Problem(problem) => problem.missing_permission.as_deref(),
        _ => None,
    };
    format!(
        "You may not {what}: it needs the {} permission.",
        needed.unwrap_or("config:write")
    )
}

//! The document editor (SPEC CFG-8): a plain `<textarea>` laid exactly over a `<pre>` that
//! shows the same text highlighted, beside the line numbers. The textarea grows with its
//! text, so the three scroll as one inside the editor's frame and never drift apart; the
//! browser keeps everything a textarea does (selection, undo, paste, spell-check off).
//!
//! As the admin types, the server checks the document (after a pause of
//! [`CHECK_AFTER`]); its problems are listed under the editor with their line and column,
//! and marked in the gutter. Choosing one puts the caret there.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use omni_types::Permission;
use omni_types::config::{DocumentProblem, Severity, Validation};
use wasm_bindgen::JsCast;

use super::describe::{self, count};
use super::highlight::{self, Marks};
use super::use_workspace;
use crate::api::ApiError;
use crate::components::error_panel::load_failure;
use crate::components::file_pick;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{LocalAction, Show, Transition, effect, memo};
use crate::state::use_api;

/// How long typing must pause before the document is checked.
const CHECK_AFTER: Duration = Duration::from_millis(400);
const EDITOR_ID: &str = "config-document";
const PROBLEMS_ID: &str = "config-problems-summary";

#[component]
pub fn EditorSection() -> impl IntoView {
    let workspace = use_workspace();
    let reloading = RwSignal::new(false);
    let retrying = Signal::from(reloading);
    let retry = Callback::new(move |()| workspace.export.refetch());
    let body = move || {
        Suspend::new(async move {
            match workspace.export.await {
                Ok(()) => view! { <DocumentEditor /> }.into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::ConfigRead,
                    "Could not load the configuration",
                    retry,
                    retrying,
                ),
            }
        })
    };
    view! {
        <section class="card config-section" aria-labelledby="config-editor-title">
            <div class="config-section__head">
                <h2 id="config-editor-title">"Document"</h2>
                <p class="muted small">
                    "The hub's configuration as it is now. Edit it, paste a document or import a file, then review what it changes. Secrets stay "
                    <code>"${REFERENCES}"</code>
                    ": the hub keeps the values it has."
                </p>
            </div>
            <Transition fallback=EditorSkeleton set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

/// One check of the document: the text it was made on, and what the server found.
#[derive(Clone)]
struct Report {
    document: String,
    outcome: Result<Validation, ApiError>,
}

#[component]
fn DocumentEditor() -> impl IntoView {
    let api = use_api();
    let workspace = use_workspace();
    let text = workspace.text;
    let report = RwSignal::new(None::<Report>);
    let check = LocalAction::new(move |document: &String| {
        let document = document.clone();
        async move {
            let outcome = api.config_validate(&document).await;
            // Only a report on the text as it still is may speak: an older answer arriving
            // late would mark lines that have moved.
            if text.try_with_untracked(|now| *now == document) == Some(true) {
                report.try_set(Some(Report { document, outcome }));
            }
        }
    });
    let timer = StoredValue::new(None::<TimeoutHandle>);
    effect(move || {
        let document = text.get();
        if let Some(pending) = timer.get_value() {
            pending.clear();
        }
        let handle = if document.trim().is_empty() {
            report.set(None);
            None
        } else {
            set_timeout_with_handle(
                move || {
                    check.dispatch(document);
                },
                CHECK_AFTER,
            )
            .ok()
        };
        timer.set_value(handle);
    });
    on_cleanup(move || {
        if let Some(pending) = timer.try_get_value().flatten() {
            pending.clear();
        }
    });
    let check_pending = check.pending();
    let checking = Signal::derive(move || {
        check_pending.get() || report.with(|r| r.as_ref().is_none_or(|r| text.with(|t| *t != r.document)))
    });
    let problems = memo(move || {
        report.with(|r| match r {
            Some(Report { outcome: Ok(v), .. }) => v.problems.clone(),
            _ => Vec::new(),
        })
    });
    let marks = memo(move || problems.with(|list| marks_of(list)));

    let textarea = NodeRef::<html::Textarea>::new();
    let scroller = NodeRef::<html::Div>::new();
    let code = NodeRef::<html::Pre>::new();
    let jump = Callback::new(move |(line, column): (u32, u32)| {
        let Some(area) = textarea.get_untracked() else { return };
        let offset = text.with_untracked(|t| highlight::caret_offset(t, line, column));
        let _ = area.focus();
        let _ = area.set_selection_range(offset, offset);
        scroll_to_line(scroller, code, line);
    });

    view! {
        <EditorToolbar />
        <label class="field__label" for=EDITOR_ID>
            "YAML document"
        </label>
        <YamlEditor textarea scroller code marks />
        <Problems report problems checking on_jump=jump on_retry=Callback::new(move |()| {
            check.dispatch(text.get_untracked());
        }) />
        <ReviewButton />
    }
}

/// The worst problem on each line.
fn marks_of(problems: &[DocumentProblem]) -> Marks {
    let mut marks = Marks::new();
    for problem in problems {
        let mark = marks.entry(problem.line).or_insert(problem.severity);
        if problem.severity == Severity::Error {
            *mark = Severity::Error;
        }
    }
    marks
}

/// Brings `line` to the middle of the editor's frame.
fn scroll_to_line(scroller: NodeRef<html::Div>, code: NodeRef<html::Pre>, line: u32) {
    let (Some(scroller), Some(code)) = (scroller.get_untracked(), code.get_untracked()) else {
        return;
    };
    let Some(row) = code
        .children()
        .item(line.saturating_sub(1))
        .and_then(|row| row.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    scroller.set_scroll_top(row.offset_top() - scroller.client_height() / 2);
}

#[component]
fn YamlEditor(
    textarea: NodeRef<html::Textarea>,
    scroller: NodeRef<html::Div>,
    code: NodeRef<html::Pre>,
    marks: Memo<Marks>,
) -> impl IntoView {
    let workspace = use_workspace();
    let text = workspace.text;
    let lines = memo(move || text.with(|t| highlight::line_count(t)));
    // Text that arrives from elsewhere (the export, a file, a snapshot) goes into the
    // textarea; what the admin types is there already, and setting it again would lose the
    // textarea's undo history.
    effect(move || {
        text.with(|t| {
            if let Some(area) = textarea.get()
                && area.value() != *t
            {
                area.set_value(t);
            }
        });
    });
    let invalid = move || marks.with(|m| m.values().any(|s| *s == Severity::Error));
    view! {
        <div class="yaml-editor" node_ref=scroller>
            <div
                class="yaml-editor__gutter"
                aria-hidden="true"
                inner_html=move || marks.with(|m| highlight::gutter_html(lines.get(), m))
            ></div>
            <div class="yaml-editor__code">
                <pre
                    class="yaml-code"
                    aria-hidden="true"
                    node_ref=code
                    inner_html=move || marks.with(|m| text.with(|t| highlight::to_html(t, m)))
                ></pre>
                <textarea
                    id=EDITOR_ID
                    class="yaml-editor__input"
                    node_ref=textarea
                    wrap="off"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    aria-describedby=PROBLEMS_ID
                    aria-invalid=move || invalid().to_string()
                    on:input:target=move |ev| text.set(ev.target().value())
                ></textarea>
            </div>
        </div>
    }
}

/// A document to read (a snapshot's): highlighted, with line numbers, not editable.
#[component]
pub fn YamlView(document: String, label: String) -> impl IntoView {
    let none = Marks::new();
    let gutter = highlight::gutter_html(highlight::line_count(&document), &none);
    let code = highlight::to_html(&document, &none);
    view! {
        <div class="yaml-editor yaml-editor--view" tabindex="0" role="region" aria-label=label>
            <div class="yaml-editor__gutter" aria-hidden="true" inner_html=gutter></div>
            <div class="yaml-editor__code">
                <pre class="yaml-code" inner_html=code></pre>
            </div>
        </div>
    }
}

/// Import a file, or go back to the hub's version.
#[component]
fn EditorToolbar() -> impl IntoView {
    let workspace = use_workspace();
    let read = RwSignal::new(None::<Result<String, String>>);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match file_pick::read_text(&input).await {
                Ok(Some((name, document))) => {
                    read.try_set(Some(Ok(name)));
                    workspace.text.try_set(document.replace("\r\n", "\n"));
                }
                Ok(None) => {}
                Err(e) => {
                    read.try_set(Some(Err(e)));
                }
            }
            // The same file may be picked again after more edits.
            input.set_value("");
        });
    };
    let dirty = memo(move || workspace.dirty());
    view! {
        <div class="config-toolbar">
            <label class="button button--secondary config-file">
                "Import a file"
                <input
                    type="file"
                    class="config-file__input"
                    accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
                    on:change=on_file
                />
            </label>
            <button
                type="button"
                class="button button--ghost"
                disabled=move || !dirty.get()
                on:click=move |_| {
                    read.set(None);
                    workspace.text.set(workspace.base.get_untracked());
                }
            >
                "Revert to the hub's version"
            </button>
            <span class="muted small" role="status" data-testid="config-dirty">
                {move || {
                    if dirty.get() {
                        "Edited: the hub does not have these changes yet."
                    } else {
                        "The hub's configuration, unchanged."
                    }
                }}
            </span>
        </div>
        {move || {
            read.get()
                .map(|read| match read {
                    Ok(name) => view! { <p class="muted small">{format!("Read {name}. Review its changes before applying it.")}</p> }.into_any(),
                    Err(e) => view! { <p class="inline-error" role="alert">{format!("Could not read the file: {e}")}</p> }.into_any(),
                })
        }}
    }
}

#[component]
fn Problems(
    report: RwSignal<Option<Report>>,
    problems: Memo<Vec<DocumentProblem>>,
    #[prop(into)] checking: Signal<bool>,
    on_jump: Callback<(u32, u32)>,
    on_retry: Callback<()>,
) -> impl IntoView {
    let workspace = use_workspace();
    let summary = move || {
        if workspace.text.with(|t| t.trim().is_empty()) {
            return "The document is empty: paste one, or import a file.".to_owned();
        }
        let found = report.with(|r| match r.as_ref().map(|r| &r.outcome) {
            None => None,
            Some(Err(error)) => Some(format!("Could not check the document: {error}")),
            Some(Ok(v)) => Some(match describe::problem_counts(&v.problems) {
                None => format!("No problems found. {}", holds(v)),
                Some(counts) if v.valid => format!("{counts}: it can be applied. {}", holds(v)),
                Some(counts) => format!("{counts}: fix the errors before applying it."),
            }),
        });
        match (found, checking.get()) {
            (Some(found), true) => format!("{found} Checking again…"),
            (Some(found), false) => found,
            (None, _) => "Checking the document…".to_owned(),
        }
    };
    let failed = move || report.with(|r| matches!(r, Some(Report { outcome: Err(_), .. })));
    let items = move || {
        problems
            .get()
            .into_iter()
            .map(|problem| {
                let (line, column) = (problem.line, problem.column);
                let severity = problem.severity;
                view! {
                    <li>
                        <button
                            type="button"
                            class=format!("problem problem--{}", severity.as_str())
                            data-testid="config-problem"
                            on:click=move |_| on_jump.run((line, column))
                        >
                            <span class="problem__severity">{describe::severity_label(severity)}</span>
                            <span class="problem__where">{format!("Line {}", describe::location(&problem))}</span>
                            {(!problem.path.is_empty()).then(|| view! { <code class="problem__path">{problem.path.clone()}</code> })}
                            <span class="problem__message">{problem.message.clone()}</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="config-problems">
            <p id=PROBLEMS_ID class="config-problems__summary small" role="status" data-testid="config-validation">
                {summary}
            </p>
            <Show when=failed>
                <button type="button" class="button button--secondary button--small" on:click=move |_| on_retry.run(())>
                    "Check again"
                </button>
            </Show>
            <ol class="problem-list" aria-label="Problems in the document">
                {items}
            </ol>
        </div>
    }
}

/// "It holds 2 organizations, 3 MCP servers, 10 hub users and 4 model prices."
fn holds(validation: &Validation) -> String {
    let c = validation.counts;
    format!(
        "It holds {}, {}, {} and {}.",
        count(c.organizations as usize, "organization", "organizations"),
        count(c.mcp_servers as usize, "MCP server", "MCP servers"),
        count(c.users as usize, "hub user", "hub users"),
        count(c.model_prices as usize, "model price", "model prices"),
    )
}

/// "Review changes": the diff of the document against the hub, shown under the editor.
#[component]
fn ReviewButton() -> impl IntoView {
    let workspace = use_workspace();
    let review = workspace.review;
    let busy = review.pending();
    view! {
        <div class="form-actions">
            <button
                type="button"
                class="button button--primary"
                disabled=move || busy.get() || workspace.text.with(|t| t.trim().is_empty())
                aria-busy=move || busy.get().to_string()
                on:click=move |_| {
                    review.dispatch(workspace.text.get_untracked());
                }
            >
                <Show when=move || busy.get()>
                    <span class="spinner spinner--small" aria-hidden="true"></span>
                </Show>
                "Review changes"
            </button>
        </div>
    }
}

#[component]
fn EditorSkeleton() -> impl IntoView {
    let lines = ["30%", "55%", "42%", "64%", "38%", "50%", "26%"]
        .map(|width| view! { <SkeletonLine width /> })
        .into_iter()
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the configuration…">
            <div class="yaml-editor yaml-editor--skeleton">{lines}</div>
        </SkeletonBlock>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_marked_with_its_worst_problem() {
        let problem = |line, severity| DocumentProblem {
            severity,
            path: String::new(),
            line,
            column: 1,
            message: String::new(),
        };
        let marks = marks_of(&[
            problem(3, Severity::Warning),
            problem(3, Severity::Error),
            problem(5, Severity::Warning),
            problem(7, Severity::Error),
            problem(7, Severity::Warning),
        ]);
        assert_eq!(
            marks,
            Marks::from([(3, Severity::Error), (5, Severity::Warning), (7, Severity::Error)])
        );
    }
}

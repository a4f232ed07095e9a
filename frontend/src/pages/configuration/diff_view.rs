//! A configuration diff (SPEC CFG-3): the counts, each entity's change field by field
//! (grouped by kind), the two documents side by side, the warnings, and the console's
//! changes the apply would overwrite. Secret fields say only that they changed.

use leptos::prelude::*;
use omni_types::config::{Change, ChangeSummary, Diff, DiffHunk, DiffRow, DocumentProblem, FieldChange, LineTag};

use super::describe;
use crate::components::icons::{Icon, IconSvg};

/// `old_label` and `new_label` name the two sides ("The hub now", "The document").
/// `console`: also show the console's changes the diff overwrites (an apply or a rollback,
/// not a comparison of two snapshots).
#[component]
pub fn DiffView(
    diff: Diff,
    old_label: &'static str,
    new_label: &'static str,
    #[prop(optional)] console: bool,
) -> impl IntoView {
    let side_by_side = RwSignal::new(false);
    let Diff {
        summary,
        changes,
        text,
        warnings,
        console_changes,
        ..
    } = diff;
    let overwritten =
        (console && !console_changes.is_empty()).then(|| view! { <ConsoleChanges changes=console_changes /> });
    let warnings = (!warnings.is_empty()).then(|| view! { <Warnings warnings /> });
    let empty = changes.is_empty();
    let toggle = move |on: bool| {
        view! {
            <button
                type="button"
                class="segmented__option"
                aria-pressed=move || (side_by_side.get() == on).to_string()
                on:click=move |_| side_by_side.set(on)
            >
                {if on { "Side by side" } else { "By entity" }}
            </button>
        }
    };
    view! {
        <div class="config-diff" data-testid="config-diff">
            <Summary summary />
            {overwritten}
            {warnings}
            <div class="segmented" role="group" aria-label="Show the changes">
                {toggle(false)}
                {toggle(true)}
            </div>
            <div hidden=move || side_by_side.get()>
                {if empty {
                    view! { <p class="muted">"No entity changes: both sides hold the same configuration."</p> }.into_any()
                } else {
                    view! { <ChangeList changes /> }.into_any()
                }}
            </div>
            <div hidden=move || !side_by_side.get()>
                <TextDiff hunks=text old_label new_label />
            </div>
        </div>
    }
}

/// "+ 1 created  ~ 2 updated  − 0 deleted".
#[component]
fn Summary(summary: ChangeSummary) -> impl IntoView {
    if summary.is_empty() {
        return view! { <p class="change-summary" data-testid="change-summary">"No changes"</p> }.into_any();
    }
    let part = |class: &'static str, mark: &'static str, n: u32, what: &'static str| {
        view! {
            <span class=format!("change-count change-count--{class}")>
                <span aria-hidden="true">{mark}</span>
                {format!(" {n} {what}")}
            </span>
        }
    };
    view! {
        <p class="change-summary" data-testid="change-summary">
            {part("created", "+", summary.created, "created")}
            {part("updated", "~", summary.updated, "updated")}
            {part("deleted", "−", summary.deleted, "deleted")}
        </p>
    }
    .into_any()
}

/// Changes grouped by kind of entity, each with its fields' old and new values.
#[component]
pub fn ChangeList(changes: Vec<Change>) -> impl IntoView {
    describe::by_kind(&changes)
        .into_iter()
        .map(|(kind, list)| {
            let items = list
                .into_iter()
                .map(|change| view! { <ChangeItem change /> })
                .collect_view();
            view! {
                <section class="change-group">
                    <h3 class="change-group__title">{describe::kind_title(kind)}</h3>
                    <ul class="change-list">{items}</ul>
                </section>
            }
        })
        .collect_view()
}

#[component]
fn ChangeItem(change: Change) -> impl IntoView {
    let action = change.action;
    let fields = (!change.fields.is_empty()).then(|| {
        let rows = change
            .fields
            .into_iter()
            .map(|field| view! { <FieldRow field /> })
            .collect_view();
        view! { <ul class="change__fields">{rows}</ul> }
    });
    view! {
        <li class=format!("change change--{}", action.as_str()) data-testid="config-change">
            <div class="change__head">
                <span class="change__action">
                    <span aria-hidden="true">{describe::action_mark(action)}</span>
                    {format!(" {}", describe::action_label(action))}
                </span>
                <code class="change__key">{change.key}</code>
                {change
                    .renamed_from
                    .map(|from| view! { <span class="muted small">"renamed from " <code>{from}</code></span> })}
            </div>
            {fields}
        </li>
    }
}

#[component]
fn FieldRow(field: FieldChange) -> impl IntoView {
    let change = if field.secret {
        // Never a value, whatever the server sent: only what became of the secret.
        view! {
            <span class="field-change__secret">
                {format!("secret {}", describe::secret_change(&field.old, &field.new))}
            </span>
        }
        .into_any()
    } else {
        view! {
            <span class="field-change__values">
                <span class="visually-hidden">"from "</span>
                <span class="field-change__old">{describe::value(&field.old)}</span>
                <span aria-hidden="true">" → "</span>
                <span class="visually-hidden">" to "</span>
                <span class="field-change__new">{describe::value(&field.new)}</span>
            </span>
        }
        .into_any()
    };
    view! {
        <li class="field-change" data-testid="field-change">
            <code class="field-change__name">{field.field}</code>
            {change}
        </li>
    }
}

/// The two YAML texts side by side, changed parts with three lines around them.
#[component]
fn TextDiff(hunks: Vec<DiffHunk>, old_label: &'static str, new_label: &'static str) -> impl IntoView {
    if hunks.is_empty() {
        return view! { <p class="muted">"The two documents are the same."</p> }.into_any();
    }
    let bodies = hunks
        .into_iter()
        .map(|hunk| {
            let rows = hunk.rows.into_iter().map(text_row).collect_view();
            view! { <tbody class="text-diff__hunk">{rows}</tbody> }
        })
        .collect_view();
    view! {
        <div class="text-diff-scroll" tabindex="0" role="region" aria-label="The two documents side by side">
            <table class="text-diff" data-testid="text-diff">
                <thead>
                    <tr>
                        <th scope="col" colspan="2">{old_label}</th>
                        <th scope="col" colspan="2">{new_label}</th>
                    </tr>
                </thead>
                {bodies}
            </table>
        </div>
    }
    .into_any()
}

fn text_row(row: DiffRow) -> impl IntoView {
    let tag = row.tag;
    let (old_mark, new_mark) = match tag {
        LineTag::Equal => ("", ""),
        LineTag::Delete => ("−", ""),
        LineTag::Insert => ("", "+"),
        LineTag::Replace => ("−", "+"),
    };
    let side = |line: Option<u32>, text: Option<String>, mark: &'static str, said: &'static str| {
        let changed = !mark.is_empty() && text.is_some();
        view! {
            <td class="text-diff__num">{line.map(|n| n.to_string())}</td>
            <td class="text-diff__text" class:text-diff__text--changed=changed>
                {changed
                    .then(|| {
                        view! {
                            <span class="text-diff__mark" aria-hidden="true">{mark}</span>
                            <span class="visually-hidden">{said}</span>
                        }
                    })}
                {text}
            </td>
        }
    };
    view! {
        <tr class=format!("text-diff__row text-diff__row--{}", tag.as_str())>
            {side(row.old_line, row.old_text, old_mark, "removed: ")}
            {side(row.new_line, row.new_text, new_mark, "added: ")}
        </tr>
    }
}

/// The document's warnings (its errors would have stopped the diff).
#[component]
fn Warnings(warnings: Vec<DocumentProblem>) -> impl IntoView {
    let items = warnings
        .into_iter()
        .map(|problem| {
            view! {
                <li class="problem problem--warning">
                    <span class="problem__severity">"Warning"</span>
                    <span class="problem__where">{format!("Line {}", describe::location(&problem))}</span>
                    {(!problem.path.is_empty()).then(|| view! { <code class="problem__path">{problem.path}</code> })}
                    <span class="problem__message">{problem.message}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="config-warnings">
            <h3 class="change-group__title">"Warnings"</h3>
            <ul class="problem-list">{items}</ul>
        </div>
    }
}

/// Three-way: what the console changed since the last apply, which this overwrites.
#[component]
fn ConsoleChanges(changes: Vec<Change>) -> impl IntoView {
    let n = changes.len();
    view! {
        <div class="alert alert--warning console-changes" data-testid="console-changes">
            <IconSvg icon=Icon::Alert />
            <div class="console-changes__body">
                <p>
                    <strong>
                        {format!(
                            "This overwrites {} made in the console since the last apply.",
                            describe::count(n, "change", "changes"),
                        )}
                    </strong>
                </p>
                <details>
                    <summary>{if n == 1 { "Show it" } else { "Show them" }}</summary>
                    <ChangeList changes />
                </details>
            </div>
        </div>
    }
}

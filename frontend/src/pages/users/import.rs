//! `/users/import`: hub users from a CSV file (SPEC USER-4). The file is picked or pasted,
//! checked by the server first (a dry run lists every bad row with its line), and imported
//! only once the check finds nothing: all rows, or none.

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Permission;
use omni_types::hub_users::{IMPORT_COLUMNS, ImportProblem, ImportReport};
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::components::field::TextAreaField;
use crate::components::file_pick;
use crate::components::permission_required::RequirePermission;
use crate::reactive::{LocalAction, Show, memo};
use crate::routes;
use crate::state::use_api;

const TITLE: &str = "Import users";
const SUMMARY: &str = "Create many hub users at once from a CSV file: checked first, then imported all together.";

#[component]
pub fn UsersImportPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::UsersWrite title=TITLE summary=SUMMARY>
            <Import />
        </RequirePermission>
    }
}

/// The rows a refused import names (`lines[4].email`, `lines[4]`), as a report's problems;
/// other errors (`file`: no data rows) are left for the message.
fn problems_of(error: &ApiError) -> Vec<ImportProblem> {
    let ApiError::Problem(problem) = error else {
        return Vec::new();
    };
    let mut problems: Vec<ImportProblem> = problem
        .errors
        .iter()
        .filter_map(|(key, messages)| {
            let rest = key.strip_prefix("lines[")?;
            let (line, column) = rest.split_once(']')?;
            let line = line.parse().ok()?;
            let column = column.strip_prefix('.').map(str::to_owned);
            Some(messages.iter().map(move |message| ImportProblem {
                line,
                column: column.clone(),
                message: message.clone(),
            }))
        })
        .flatten()
        .collect();
    problems.sort_by_key(|p| p.line);
    problems
}

#[component]
fn Import() -> impl IntoView {
    let api = use_api();
    let csv = RwSignal::new(String::new());
    let file_name = RwSignal::new(None::<String>);
    let read_error = RwSignal::new(None::<String>);
    let check = LocalAction::new(move |text: &String| {
        let text = text.clone();
        async move { api.users_import(&text, true).await.map(|report| (text, report)) }
    });
    let import = LocalAction::new(move |text: &String| {
        let text = text.clone();
        async move { api.users_import(&text, false).await.map(|report| (text, report)) }
    });
    let current = move |text: &str| csv.with(|now| now == text);
    // The latest dry run, while it is about the text as it now is.
    let checked = memo(move || {
        check
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|(text, _)| current(text))
            .map(|(_, report)| report)
    });
    let imported = memo(move || {
        import
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|(text, _)| current(text))
            .map(|(_, report)| report)
    });
    let stale = move || {
        check
            .value()
            .with(|v| matches!(v, Some(Ok((text, _))) if !current(text)))
    };
    let ready = move || {
        checked.with(|r| r.as_ref().is_some_and(|r| r.problems.is_empty() && r.rows > 0))
            && imported.with(Option::is_none)
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match file_pick::read_text(&input).await {
                Ok(Some((name, text))) => {
                    read_error.try_set(None);
                    file_name.try_set(Some(name));
                    csv.try_set(text);
                }
                Ok(None) => {}
                Err(e) => {
                    read_error.try_set(Some(e));
                }
            }
        });
    };
    let check_failure = move || check.value().get().and_then(Result::err);
    let import_failure = move || import.value().get().and_then(Result::err);
    let columns = IMPORT_COLUMNS.join(",");
    let example = format!(
        "{columns}\nada@example.com,Ada Lovelace,acme,member,true,slack:U024BE7LH\ngrace@example.com,Grace Hopper,acme,viewer,,"
    );
    let rows_hint = Signal::derive(move || {
        let lines = csv.with(|t| t.lines().filter(|l| !l.trim().is_empty()).count());
        match lines {
            0 => String::new(),
            1 => "1 line (the header).".to_owned(),
            n => format!("{n} lines: the header and {} rows.", n - 1),
        }
    });

    view! {
        <p class="back-link">
            <A href=routes::USERS.href()>"← All users"</A>
        </p>
        <header class="page-header">
            <h1>{TITLE}</h1>
            <p class="muted">{SUMMARY}</p>
        </header>
        <section class="card mcp-section" aria-labelledby="import-format-title">
            <h2 id="import-format-title" class="card__title">"The file"</h2>
            <p class="small">
                "UTF-8, comma-separated, with a header line naming the columns in any order. "
                <code>"email"</code>", "<code>"name"</code>" and "<code>"organization"</code>" (its slug) are required; "
                <code>"role"</code>" ("<code>"viewer"</code>", "<code>"member"</code>" or "<code>"admin"</code>"), "
                <code>"enabled"</code>" ("<code>"true"</code>" or "<code>"false"</code>") and "
                <code>"external_ids"</code>" ("<code>"provider:id"</code>" pairs separated by "<code>";"</code>") are optional."
            </p>
            <pre class="mono small schema" aria-label="An example file">{example}</pre>
        </section>
        <section class="card mcp-section import" aria-labelledby="import-data-title">
            <h2 id="import-data-title" class="card__title">"Users to import"</h2>
            <div class="field">
                <label class="field__label" for="import-file">"Pick a CSV file"</label>
                <input id="import-file" class="input" type="file" accept=".csv,text/csv" on:change=on_file />
                {move || file_name.get().map(|name| view! { <p class="muted small">{format!("Read {name}: edit it below if needed.")}</p> })}
                {move || read_error.get().map(|e| view! { <p class="inline-error" role="alert">{format!("Could not read the file: {e}")}</p> })}
            </div>
            <TextAreaField
                id="import-csv"
                label="Or paste its contents"
                value=csv
                errors=Signal::derive(Vec::new)
                rows=10
                class="mono"
                required=false
                hint=rows_hint
            />
            <div class="form-actions">
                <button
                    type="button"
                    class="button button--secondary"
                    disabled=move || check.pending().get() || csv.with(|t| t.trim().is_empty())
                    aria-busy=move || check.pending().get().to_string()
                    on:click=move |_| {
                        check.dispatch(csv.get_untracked());
                    }
                >
                    <Show when=move || check.pending().get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Check"
                </button>
                <button
                    type="button"
                    class="button button--primary"
                    disabled=move || !ready() || import.pending().get()
                    aria-busy=move || import.pending().get().to_string()
                    on:click=move |_| {
                        import.dispatch(csv.get_untracked());
                    }
                >
                    <Show when=move || import.pending().get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    {move || match checked.with(|r| r.as_ref().map(|r| r.rows)) {
                        Some(1) if ready() => "Import 1 user".to_owned(),
                        Some(n) if ready() => format!("Import {n} users"),
                        _ => "Import".to_owned(),
                    }}
                </button>
            </div>
            <div aria-live="polite" class="stack">
                {move || stale().then(|| view! { <p class="muted small">"The text changed since the last check: check it again before importing."</p> })}
                {move || check_failure().map(|e| view! { <p class="inline-error" role="alert">{format!("Could not check the file: {e}")}</p> })}
                {move || checked.get().filter(|_| imported.with(Option::is_none)).map(|report| view! { <Report report /> })}
                {move || import_failure().map(|e| {
                    let problems = problems_of(&e);
                    view! {
                        <p class="inline-error" role="alert">{format!("Nothing was imported: {e}")}</p>
                        {(!problems.is_empty()).then(|| view! { <Problems problems /> })}
                    }
                })}
                {move || imported.get().map(|report| view! {
                    <div class="alert alert--success" role="status" data-testid="import-done">
                        <p>
                            {match report.created { 1 => "1 user imported. ".to_owned(), n => format!("{n} users imported. ") }}
                            <A href=routes::USERS.href()>"See the users"</A>
                        </p>
                    </div>
                })}
            </div>
        </section>
    }
}

/// A dry run's outcome.
#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let rows = match report.rows {
        1 => "1 row".to_owned(),
        n => format!("{n} rows"),
    };
    if report.rows == 0 {
        return view! { <p class="alert alert--warning" role="status" data-testid="import-report">"The file has a header but no rows to import."</p> }.into_any();
    }
    if report.problems.is_empty() {
        return view! {
            <p class="alert alert--success" role="status" data-testid="import-report">
                {format!("{rows} checked: no problems. Nothing is imported until you press Import.")}
            </p>
        }
        .into_any();
    }
    let count = match report.problems.len() {
        1 => "1 problem".to_owned(),
        n => format!("{n} problems"),
    };
    view! {
        <p class="alert alert--error" role="status" data-testid="import-report">
            {format!("{rows} checked: {count}. Fix them and check again; nothing is imported while any remain.")}
        </p>
        <Problems problems=report.problems />
    }
    .into_any()
}

#[component]
fn Problems(problems: Vec<ImportProblem>) -> impl IntoView {
    view! {
        <table class="settings-table import-problems">
            <caption class="visually-hidden">"Problems in the file, by line"</caption>
            <thead>
                <tr>
                    <th scope="col">"Line"</th>
                    <th scope="col">"Column"</th>
                    <th scope="col">"Problem"</th>
                </tr>
            </thead>
            <tbody>
                {problems.into_iter().map(|p| view! {
                    <tr class="settings-row" data-testid="import-problem">
                        <td data-label="Line">{p.line}</td>
                        <td data-label="Column">{p.column.map_or_else(|| view! { <span class="muted">"—"</span> }.into_any(), |c| view! { <code>{c}</code> }.into_any())}</td>
                        <td data-label="Problem">{p.message}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use omni_types::Problem;

    use super::*;

    #[test]
    fn a_refused_import_names_its_lines() {
        let problem = Problem {
            kind: "/problems/validation".into(),
            title: "Validation failed".into(),
            status: 422,
            detail: None,
            request_id: None,
            errors: BTreeMap::from([
                ("lines[12].email".to_owned(), vec!["is not an email address".to_owned()]),
                ("lines[3]".to_owned(), vec!["has 2 fields, not 3".to_owned()]),
                ("file".to_owned(), vec!["has no data rows".to_owned()]),
            ]),
            missing_permission: None,
            mfa_challenge: None,
            retry_after_seconds: None,
        };
        let problems = problems_of(&ApiError::Problem(Box::new(problem)));
        assert_eq!(problems.len(), 2);
        assert_eq!((problems[0].line, problems[0].column.as_deref()), (3, None));
        assert_eq!((problems[1].line, problems[1].column.as_deref()), (12, Some("email")));
    }
}

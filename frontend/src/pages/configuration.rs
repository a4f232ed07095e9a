//! `/settings/configuration`: the hub's configuration as one YAML document (SPEC CFG-1..8).
//! Where the live configuration came from and whether it drifted (`status`); the document
//! in an editor that highlights it and has the server check it as it is typed (`editor`);
//! what applying it would change, and the apply (`review`); the snapshot every apply and
//! rollback leaves, to view, compare and roll back to (`snapshots`).

mod describe;
mod dialogs;
mod diff_view;
mod editor;
mod highlight;
mod review;
mod snapshots;
mod status;

use std::time::Duration;

use leptos::prelude::*;
use omni_types::config::{ApplyOutcome, ConfigStatus, Diff, SnapshotSummary};
use omni_types::{Page, Permission};

use crate::api::ApiError;
use crate::components::icons::{Icon, IconSvg};
use crate::components::local_time::LocalTime;
use crate::components::permission_required::RequirePermission;
use crate::components::poll;
use crate::reactive::{Loader, LocalAction, memo};
use crate::routes;
use crate::state::{use_api, use_session};
use editor::EditorSection;
use review::ReviewSection;
use snapshots::SnapshotsSection;
use status::SourceIndicator;

/// How often the source and drift are asked for again while the page is open.
const STATUS_REFRESH: Duration = Duration::from_secs(60);
const SUMMARY: &str = "The hub's MCP servers, users, organizations and settings as one YAML document: \
                       export it, edit it here or import a file, review what it changes, apply it.";

#[component]
pub fn ConfigurationPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ConfigRead title=routes::CONFIGURATION.title summary=SUMMARY>
            <Configuration />
        </RequirePermission>
    }
}

/// Takes a document; answers it with what applying it would change.
pub type ReviewAction = LocalAction<String, (String, Result<Diff, ApiError>)>;

/// What the page's parts share, provided as context: the document being edited, the hub's
/// side of things, and how to bring the latter up to date after an apply or a rollback.
#[derive(Clone, Copy)]
pub struct Workspace {
    /// The editor's text.
    pub text: RwSignal<String>,
    /// The hub's export as last loaded: the editor holds edits while the two differ.
    pub base: RwSignal<String>,
    /// Loads the export into `base` and `text`.
    pub export: Loader<Result<(), ApiError>>,
    pub status: Loader<Result<ConfigStatus, ApiError>>,
    /// The timeline's first page.
    pub snapshots: Loader<Result<Page<SnapshotSummary>, ApiError>>,
    /// May apply and roll back.
    pub can_write: Memo<bool>,
    /// The diff of the editor's document against the hub.
    pub review: ReviewAction,
    /// What the last apply or rollback did.
    pub done: RwSignal<Option<Done>>,
}

#[derive(Clone)]
pub struct Done {
    /// "Applied", "Rolled back".
    pub what: &'static str,
    pub outcome: ApplyOutcome,
}

impl Workspace {
    /// After an apply or a rollback: everything the page shows of the hub is reloaded, the
    /// editor included (it shows the configuration as the hub now exports it).
    pub fn finished(&self, what: &'static str, outcome: ApplyOutcome) {
        self.done.set(Some(Done { what, outcome }));
        self.review.value().set(None);
        self.status.refetch();
        self.snapshots.refetch();
        self.export.refetch();
    }

    /// Whether the editor holds edits the hub does not have.
    pub fn dirty(&self) -> bool {
        self.text.with(|text| self.base.with(|base| text != base))
    }
}

pub fn use_workspace() -> Workspace {
    expect_context()
}

#[component]
fn Configuration() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let text = RwSignal::new(String::new());
    let base = RwSignal::new(String::new());
    let export = Loader::new(move || async move {
        let loaded = api.config_export().await;
        if let Ok(document) = &loaded {
            base.try_set(document.clone());
            text.try_set(document.clone());
        }
        loaded.map(|_| ())
    });
    let workspace = Workspace {
        text,
        base,
        export,
        status: Loader::new(move || async move { api.config_status().await }),
        snapshots: Loader::new(move || async move { api.config_snapshots(None).await }),
        can_write: memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(Permission::ConfigWrite)))),
        review: LocalAction::new(move |document: &String| {
            let document = document.clone();
            async move {
                let diff = api.config_diff(&document).await;
                (document, diff)
            }
        }),
        done: RwSignal::new(None),
    };
    provide_context(workspace);
    // The console changes the configuration too: the drift shown stays current.
    poll(STATUS_REFRESH, move || workspace.status.refetch());
    let download = LocalAction::new(move |_: &()| async move { api.config_download().await });

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::CONFIGURATION.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <div class="page-header__actions">
                <DownloadButton download />
            </div>
            <div class="page-header__notices">
                <SourceIndicator />
                <DownloadOutcome download />
                <DoneNotice />
            </div>
        </header>
        <div class="stack config-page">
            <EditorSection />
            <ReviewSection />
            <SnapshotsSection />
        </div>
    }
}

type DownloadAction = LocalAction<(), Result<String, ApiError>>;

#[component]
fn DownloadButton(download: DownloadAction) -> impl IntoView {
    let busy = download.pending();
    view! {
        <button
            type="button"
            class="button button--secondary"
            title="Save the hub's configuration as a YAML file"
            disabled=move || busy.get()
            aria-busy=move || busy.get().to_string()
            on:click=move |_| {
                if !busy.get_untracked() {
                    download.dispatch(());
                }
            }
        >
            {move || {
                if busy.get() {
                    view! { <span class="spinner spinner--small" aria-hidden="true"></span> }.into_any()
                } else {
                    view! { <IconSvg icon=Icon::Download /> }.into_any()
                }
            }}
            "Download YAML"
        </button>
    }
}

#[component]
fn DownloadOutcome(download: DownloadAction) -> impl IntoView {
    let busy = download.pending();
    let outcome = move || {
        if busy.get() {
            return None;
        }
        Some(match download.value().get()? {
            Ok(name) => view! { <p class="muted small">{format!("Saved {name}.")}</p> }.into_any(),
            Err(error) => view! {
                <div class="alert alert--error">
                    <IconSvg icon=Icon::Alert />
                    <p>{format!("Could not download the configuration: {error}")}</p>
                </div>
            }
            .into_any(),
        })
    };
    view! { <div aria-live="polite">{outcome}</div> }
}

/// What the last apply or rollback came to.
#[component]
fn DoneNotice() -> impl IntoView {
    let workspace = use_workspace();
    let notice = move || {
        workspace.done.get().map(|Done { what, outcome }| {
            let text = match &outcome.snapshot {
                Some(_) => format!(
                    "{what}: {}. A new snapshot was taken ",
                    describe::summary(&outcome.diff.summary).to_lowercase()
                ),
                None => format!("{what}: nothing changed, so no snapshot was taken."),
            };
            let at = outcome.snapshot.map(|snapshot| {
                view! {
                    <LocalTime at=snapshot.created_at />
                    "; it is at the top of the snapshots below."
                }
            });
            view! {
                <div class="alert alert--success" data-testid="config-done">
                    <IconSvg icon=Icon::ShieldCheck />
                    <p>{text} {at}</p>
                    <button
                        type="button"
                        class="button button--ghost button--small"
                        on:click=move |_| workspace.done.set(None)
                    >
                        "Dismiss"
                    </button>
                </div>
            }
        })
    };
    view! { <div role="status">{notice}</div> }
}

//! The ten backup codes, the one time the server shows them.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::icons::{Icon, IconSvg};

const FILE_NAME: &str = "omni-admin-backup-codes.txt";

#[component]
pub fn BackupCodesPanel(codes: Vec<String>, on_done: Callback<()>) -> impl IntoView {
    let text = codes.join("\n");
    // A data URL needs no Blob to clean up after, and ten short lines fit one easily.
    let download = format!(
        "data:text/plain;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&format!(
            "Omni Admin backup codes. Each works once, in place of an authenticator code.\n\n{text}\n"
        )))
    );
    let items = codes
        .into_iter()
        .map(|code| view! { <li><code>{code}</code></li> })
        .collect_view();
    view! {
        <div class="backup-codes">
            <div class="alert security-alert security-alert--warning" role="status">
                <IconSvg icon=Icon::Alert />
                <p>
                    <strong>"Save these backup codes now: they are shown once. "</strong>
                    "Each code signs you in once if you lose your authenticator app. Keep them somewhere safe, away from your password."
                </p>
            </div>
            <ol class="backup-codes__list" aria-label="Backup codes" data-testid="backup-codes">
                {items}
            </ol>
            <div class="security-form__actions">
                <CopyButton label="Copy all" text=text />
                <a class="button button--secondary button--small" href=download download=FILE_NAME>
                    <IconSvg icon=Icon::Download />
                    "Download .txt"
                </a>
                <button type="button" class="button button--primary" on:click=move |_| on_done.run(())>
                    "Done"
                </button>
            </div>
        </div>
    }
}

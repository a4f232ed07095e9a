use leptos::prelude::*;
use omni_types::audit::{ActorKind, AuditActor};

/// Who acted: the label as it was at the time, and what kind of caller it was.
#[component]
pub fn Actor(actor: AuditActor) -> impl IntoView {
    let (text, modifier) = match actor.kind {
        ActorKind::Admin => ("admin", "admin"),
        ActorKind::Token => ("API token", "token"),
        ActorKind::Anonymous => ("anonymous", "anonymous"),
        ActorKind::System => ("system", "system"),
    };
    view! {
        <span class="actor">
            <span class="actor__label">{actor.label}</span>
            <span class=format!("kind-badge kind-badge--{modifier}")>{text}</span>
        </span>
    }
}

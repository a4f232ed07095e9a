//! Recent activity (DASH-2): admins' actions and tool calls through the hub, latest
//! first, with how long ago each happened. Live: new lines come in at the top and the
//! lines already shown stay as they are.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::analytics::{Activity, ActivityKind};
use uuid::Uuid;

use crate::api::with_query;
use crate::components::local_time::RelativeTime;
use crate::reactive::{Keyed, memo};
use crate::routes;

#[component]
pub fn ActivityFeed(activity: Signal<Vec<Activity>>, now: Signal<DateTime<Utc>>) -> impl IntoView {
    // What the page opened with; lines that came after are marked as new.
    let first: HashSet<Uuid> = activity.with_untracked(|items| items.iter().map(|item| item.id).collect());
    let first = StoredValue::new(first);
    let empty = memo(move || activity.with(Vec::is_empty));
    let body = move || {
        if empty.get() {
            view! {
                <div class="empty-state empty-state--compact">
                    <h3 class="empty-state__title">"No activity yet"</h3>
                    <p class="muted small">"Tool calls and admins' changes appear here as they happen."</p>
                </div>
            }
            .into_any()
        } else {
            view! {
                <ol class="activity">
                    <Keyed
                        each=move || activity.get()
                        key=|item| (item.kind, item.id)
                        children=move |item| {
                            let fresh = !first.with_value(|first| first.contains(&item.id));
                            view! { <Item item now fresh /> }
                        }
                    />
                </ol>
            }
            .into_any()
        }
    };
    view! {
        <section class="card dashboard__panel" aria-labelledby="dash-activity-title" data-testid="dash-activity">
            <h2 id="dash-activity-title" class="card__title">"Recent activity"</h2>
            {body}
        </section>
    }
}

#[component]
fn Item(item: Activity, now: Signal<DateTime<Utc>>, fresh: bool) -> impl IntoView {
    let actor = item.actor.unwrap_or_else(|| "Someone no longer known".to_owned());
    let (kind, what) = match item.kind {
        ActivityKind::Usage => (
            "Call",
            view! { <code class="activity__summary">{item.summary}</code> }.into_any(),
        ),
        ActivityKind::Audit => {
            let entry = with_query(&routes::AUDIT.href(), &[("entry", item.id.to_string())]);
            (
                "Admin",
                view! { <A href=entry attr:class="activity__summary">{item.summary}</A> }.into_any(),
            )
        }
    };
    let outcome = item.outcome.map(|outcome| {
        if outcome == "ok" {
            view! { <span class="status-badge status-badge--ok">"OK"</span> }.into_any()
        } else {
            view! { <span class="status-badge status-badge--danger">{outcome}</span> }.into_any()
        }
    });
    view! {
        <li class="activity__item" class:activity__item--new=fresh data-testid="activity-item">
            <span class=format!("activity__kind activity__kind--{}", item.kind.as_str())>{kind}</span>
            <span class="activity__body">
                {what}
                <span class="activity__actor muted small">{actor}</span>
            </span>
            {outcome}
            <span class="activity__when muted small">
                <RelativeTime at=item.at now />
            </span>
        </li>
    }
}

//! The MCP health grid (DASH-4): a tile per server, coloured by its health (and saying
//! it in words), each leading to the server's page.

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Permission;
use omni_types::analytics::HealthTile;
use omni_types::mcp::HealthStatus;

use crate::components::local_time::LocalTime;
use crate::pages::mcp_servers::{HealthBadge, health_tone, latency};
use crate::routes;

/// `tiles` is `None` when the admin may not read MCP servers.
#[component]
pub fn HealthGrid(tiles: Option<Vec<HealthTile>>) -> impl IntoView {
    let body = match tiles {
        None => view! {
            <p class="muted small">
                "The health grid needs the " <code>{Permission::McpRead.as_str()}</code> " permission."
            </p>
        }
        .into_any(),
        Some(tiles) if tiles.is_empty() => view! {
            <div class="empty-state empty-state--compact">
                <h3 class="empty-state__title">"No MCP servers yet"</h3>
                <A href=routes::MCP_SERVERS.href()>"Register an MCP server"</A>
            </div>
        }
        .into_any(),
        Some(tiles) => {
            let tiles = tiles.into_iter().map(|tile| view! { <Tile tile /> }).collect_view();
            view! { <ul class="health-grid">{tiles}</ul> }.into_any()
        }
    };
    view! {
        <section class="card dashboard__panel" aria-labelledby="dash-health-title" data-testid="dash-health">
            <h2 id="dash-health-title" class="card__title">"MCP health"</h2>
            {body}
        </section>
    }
}

#[component]
fn Tile(tile: HealthTile) -> impl IntoView {
    let status: HealthStatus = tile.status;
    // Long names are cut short; the tooltip has them whole.
    let full_name = tile.name.clone();
    view! {
        <li>
            <A href=routes::MCP_SERVERS.item_href(tile.id) attr:class=format!("health-tile {}", health_tone(status)) attr:data-testid="health-tile">
                <span class="health-tile__name" title=full_name>{tile.name}</span>
                <HealthBadge status />
                <span class="health-tile__meta muted small">
                    {latency(tile.latency_ms)}
                    {tile.last_checked_at.map(|at| view! { " · " <LocalTime at /> })}
                </span>
            </A>
        </li>
    }
}

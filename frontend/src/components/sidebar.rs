use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::icons::{Icon, IconSvg};
use crate::routes::{self, NAV};
use crate::state::use_session;

/// The main navigation. On narrow screens it slides in over the page while `open`.
#[component]
pub fn Sidebar(open: RwSignal<bool>, node_ref: NodeRef<html::Aside>) -> impl IntoView {
    let session = use_session();
    let sections = move || {
        session.with_admin(|admin| {
            let Some(admin) = admin else { return Vec::new() };
            NAV.iter()
                .filter_map(|section| {
                    let links = section
                        .pages
                        .iter()
                        .filter(|page| page.visible_to(admin))
                        .map(|page| {
                            view! {
                                <li>
                                    // The home page's `/` is a prefix of every path: only `/` itself is it.
                                    <A href=page.href() exact=page.segment.is_empty() attr:class="nav-link" on:click=move |_| open.set(false)>
                                        <IconSvg icon=page.icon />
                                        <span>{page.title}</span>
                                    </A>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>();
                    (!links.is_empty()).then(|| {
                        view! {
                            <div class="nav-section">
                                <h2 class="nav-section__label">{section.label}</h2>
                                <ul>{links}</ul>
                            </div>
                        }
                    })
                })
                .collect_view()
        })
    };
    view! {
        <aside id="sidebar" class="sidebar" class:sidebar--open=move || open.get() node_ref=node_ref>
            <A href=routes::HOME attr:class="brand">
                <span class="brand-mark">
                    <IconSvg icon=Icon::Logo />
                </span>
                <span class="brand-name">"Omni Admin"</span>
            </A>
            <nav class="nav" aria-label="Main">
                {sections}
            </nav>
        </aside>
    }
}

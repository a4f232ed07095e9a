use leptos::prelude::*;

/// The app's line icons, drawn on a 24-unit grid with round strokes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Logo,
    User,
    Menu,
    Close,
    Sun,
    Moon,
    SignOut,
    Alert,
    Shield,
    ShieldCheck,
    Download,
    Users,
    Key,
    Token,
    Server,
    Building,
    IdCard,
    Gauge,
    Chart,
    Refresh,
    FileCode,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Logo => {
                "M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM12 2v4M12 18v4M3.3 7l3.5 2M17.2 15l3.5 2M3.3 17l3.5-2M17.2 9l3.5-2"
            }
            Icon::User => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 20c0-3.5 3.6-6 8-6s8 2.5 8 6",
            Icon::Menu => "M4 6h16M4 12h16M4 18h16",
            Icon::Close => "M6 6l12 12M18 6L6 18",
            Icon::Sun => {
                "M12 16a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4\
                 M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"
            }
            Icon::Moon => "M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z",
            Icon::SignOut => "M10 12h10M16 8l4 4-4 4M14 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h8",
            Icon::Alert => "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 8v5M12 16h.01",
            Icon::Shield => "M12 3l8 3v6c0 4.6-3.4 8.3-8 9-4.6-.7-8-4.4-8-9V6l8-3z",
            Icon::ShieldCheck => "M12 3l8 3v6c0 4.6-3.4 8.3-8 9-4.6-.7-8-4.4-8-9V6l8-3zM9 12l2 2 4-4",
            Icon::Server => "M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01",
            Icon::Download => "M12 4v11M7 10l5 5 5-5M5 20h14",
            Icon::Users => {
                "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2 20c0-3 3.1-5.5 7-5.5s7 2.5 7 5.5M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14.8c2.4.7 4 2.6 4 5.2"
            }
            Icon::Key => "M8 15a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM11 11h10M18 11v3M21 11v3",
            Icon::Token => "M4 7h16v10H4zM8 12h.01M12 12h.01M16 12h.01",
            Icon::Building => {
                "M4 21V5a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v16M16 9h2a2 2 0 0 1 2 2v10M2 21h20M8 7h4M8 11h4M8 15h4"
            }
            Icon::IdCard => {
                "M3 5h18v14H3zM8 11a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM5 16c.5-1.7 1.6-2.5 3-2.5s2.5.8 3 2.5M14 9h4M14 13h4"
            }
            Icon::Gauge => "M4 18a8 8 0 1 1 16 0M12 18l4-6M4 18h16",
            Icon::Chart => "M4 4v16h16M8 16v-5M12 16V8M16 16v-3",
            Icon::Refresh => "M20 11a8 8 0 0 0-14.3-4.9L4 8M4 4v4h4M4 13a8 8 0 0 0 14.3 4.9L20 16M20 20v-4h-4",
            Icon::FileCode => {
                "M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM14 3v6h6M10 12l-2 2.5 2 2.5M14 12l2 2.5-2 2.5"
            }
        }
    }
}

/// Decorative: whatever the icon stands for must also be said in text or a label.
#[component]
pub fn IconSvg(icon: Icon) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=icon.path() />
        </svg>
    }
}

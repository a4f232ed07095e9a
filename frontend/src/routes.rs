//! The SPA's own pages, declared once: the route table, the sidebar and the breadcrumbs
//! all read them from here. (API paths live in `omni_types::paths`.)

use omni_types::Permission;
use omni_types::auth::Me;

use crate::components::icons::Icon;

/// A page reachable from the sidebar.
pub struct Page {
    /// The URL path segment, without slashes.
    pub segment: &'static str,
    pub title: &'static str,
    pub icon: Icon,
    /// What the admin must hold one of to see the page; none: every signed-in admin.
    pub permissions: &'static [Permission],
}

impl Page {
    pub fn href(&self) -> String {
        format!("/{}", self.segment)
    }

    /// One item of the page's list (`/users/{id}`).
    pub fn item_href(&self, id: uuid::Uuid) -> String {
        format!("/{}/{id}", self.segment)
    }

    pub fn visible_to(&self, admin: &Me) -> bool {
        self.permissions.is_empty() || self.permissions.iter().any(|needed| admin.can(*needed))
    }
}

/// A labelled group of sidebar entries.
pub struct NavSection {
    pub label: &'static str,
    pub pages: &'static [Page],
}

pub const LOGIN_SEGMENT: &str = "login";
pub const HOME: &str = "/";

/// The home page (SPEC DASH-1..4), at `/`: its segment is empty.
pub const DASHBOARD: Page = Page {
    segment: "",
    title: "Dashboard",
    icon: Icon::Gauge,
    permissions: &[Permission::TelemetryRead],
};

/// Usage, cost, performance and errors over a chosen range (SPEC ANA-2..4).
pub const ANALYTICS: Page = Page {
    segment: "analytics",
    title: "Analytics",
    icon: Icon::Chart,
    permissions: &[Permission::TelemetryRead],
};

pub const PROFILE: Page = Page {
    segment: "profile",
    title: "Profile",
    icon: Icon::User,
    permissions: &[],
};

/// The admin's own password and second factor. Its sub-pages are where the account
/// gate sends an admin who must act first.
pub const SECURITY: Page = Page {
    segment: "security",
    title: "Security",
    icon: Icon::ShieldCheck,
    permissions: &[],
};

pub const SECURITY_PASSWORD_SEGMENT: &str = "password";
pub const SECURITY_MFA_SEGMENT: &str = "mfa";

pub fn security_password_href() -> String {
    format!("/{}/{SECURITY_PASSWORD_SEGMENT}", SECURITY.segment)
}

pub fn security_mfa_href() -> String {
    format!("/{}/{SECURITY_MFA_SEGMENT}", SECURITY.segment)
}

pub const AUDIT: Page = Page {
    segment: "audit",
    title: "Audit log",
    icon: Icon::Shield,
    permissions: &[Permission::AuditRead],
};

pub const MCP_SERVERS: Page = Page {
    segment: "mcp-servers",
    title: "MCP servers",
    icon: Icon::Server,
    permissions: &[Permission::McpRead],
};

/// The tenants hub users belong to (SPEC ORG-1..5).
pub const ORGANIZATIONS: Page = Page {
    segment: "organizations",
    title: "Organizations",
    icon: Icon::Building,
    permissions: &[Permission::OrgsRead],
};

/// Hub users: the people who call MCP tools through the hub (SPEC USER-1..4), not the
/// admins of this console.
pub const USERS: Page = Page {
    segment: "users",
    title: "Users",
    icon: Icon::IdCard,
    permissions: &[Permission::UsersRead],
};

pub const USERS_IMPORT_SEGMENT: &str = "import";

/// The CSV import of hub users.
pub fn users_import_href() -> String {
    format!("/{}/{USERS_IMPORT_SEGMENT}", USERS.segment)
}

pub const ADMINS: Page = Page {
    segment: "settings/admins",
    title: "Admins",
    icon: Icon::Users,
    permissions: &[Permission::AdminsRead],
};

pub const ROLES: Page = Page {
    segment: "settings/roles",
    title: "Roles",
    icon: Icon::Key,
    permissions: &[Permission::AdminsRead],
};

/// Every signed-in admin may hold API tokens (SPEC AUTH-5).
pub const TOKENS: Page = Page {
    segment: "settings/tokens",
    title: "API tokens",
    icon: Icon::Token,
    permissions: &[],
};

/// How the hub's usage events are taken in (SPEC ANA-1): the refused ones and the
/// model prices. Each part needs its own permission; either opens the page.
pub const USAGE_INGESTION: Page = Page {
    segment: "settings/usage",
    title: "Usage ingestion",
    icon: Icon::Refresh,
    permissions: &[Permission::TelemetryRead, Permission::SettingsRead],
};

/// The hub's configuration as a YAML document: export, edit, diff, apply, snapshots and
/// rollback (SPEC CFG-1..8).
pub const CONFIGURATION: Page = Page {
    segment: "settings/configuration",
    title: "Configuration",
    icon: Icon::FileCode,
    permissions: &[Permission::ConfigRead],
};

/// The sidebar, top to bottom.
pub const NAV: &[NavSection] = &[
    NavSection {
        label: "Overview",
        pages: &[DASHBOARD, ANALYTICS],
    },
    NavSection {
        label: "Operations",
        pages: &[MCP_SERVERS],
    },
    NavSection {
        label: "Tenants",
        pages: &[ORGANIZATIONS, USERS],
    },
    NavSection {
        label: "Compliance",
        pages: &[AUDIT],
    },
    NavSection {
        label: "Account",
        pages: &[PROFILE, SECURITY],
    },
    NavSection {
        label: "Settings",
        pages: &[ADMINS, ROLES, TOKENS, USAGE_INGESTION, CONFIGURATION],
    },
];

fn pages() -> impl Iterator<Item = &'static Page> {
    NAV.iter().flat_map(|section| section.pages)
}

/// The page a location path shows, if it is one of ours.
pub fn page_at(path: &str) -> Option<&'static Page> {
    let segment = path.trim_matches('/');
    // A page's sub-pages (`settings/admins/{id}`) belong to it; the home page has none,
    // or it would own every path.
    pages().find(|page| {
        if page.segment.is_empty() {
            return segment.is_empty();
        }
        segment
            .strip_prefix(page.segment)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// What the breadcrumbs and the tab title call the page at `path`.
pub fn title_at(path: &str) -> &'static str {
    page_at(path).map_or(NOT_FOUND_TITLE, |page| page.title)
}

pub const NOT_FOUND_TITLE: &str = "Page not found";

/// The sign-in page, remembering where to go afterwards (`next` is a path plus query).
pub fn login_href(next: Option<&str>) -> String {
    match next {
        Some(next) if safe_next(Some(next)).is_some() => {
            format!("/{LOGIN_SEGMENT}?next={}", leptos_router::location::Url::escape(next))
        }
        _ => format!("/{LOGIN_SEGMENT}"),
    }
}

/// `next` if it is a path on this site. Anything else could send a freshly signed-in admin
/// to another origin: `//host` and `/\host` are protocol-relative to browsers, and they drop
/// tabs and newlines, so `/\t/host` is too.
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    let next = next?;
    let on_site =
        next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.chars().any(char::is_control);
    on_site.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_site() {
        assert_eq!(safe_next(Some("/profile?tab=roles")), Some("/profile?tab=roles"));
        assert_eq!(safe_next(Some("/")), Some("/"));
        for unsafe_next in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\t/evil.example",
            "",
            "profile",
        ] {
            assert_eq!(safe_next(Some(unsafe_next)), None, "{unsafe_next:?}");
        }
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn pages_are_found_by_path() {
        assert_eq!(page_at("/profile").map(|p| p.title), Some("Profile"));
        assert_eq!(page_at("/profile/").map(|p| p.title), Some("Profile"));
        assert!(page_at("/nope").is_none());
        assert_eq!(page_at("/audit").map(|p| p.title), Some("Audit log"));
        assert_eq!(page_at("/mcp-servers/0190").map(|p| p.title), Some("MCP servers"));
    }

    #[test]
    fn sub_pages_belong_to_their_page() {
        assert_eq!(page_at("/settings/admins/0190").map(|p| p.title), Some("Admins"));
        assert_eq!(page_at("/settings/tokens").map(|p| p.title), Some("API tokens"));
        assert!(page_at("/settings/adminsx").is_none());
        assert!(page_at("/settings").is_none());
    }

    #[test]
    fn hub_users_are_not_admins() {
        assert_eq!(page_at("/users/0190").map(|p| p.title), Some("Users"));
        assert_eq!(page_at(&users_import_href()).map(|p| p.title), Some("Users"));
        assert_eq!(page_at("/organizations/0190").map(|p| p.title), Some("Organizations"));
        assert_eq!(page_at("/settings/admins").map(|p| p.title), Some("Admins"));
        assert_eq!(USERS.permissions, [Permission::UsersRead]);
    }

    #[test]
    fn the_home_page_is_the_dashboard_and_owns_no_other_path() {
        assert_eq!(DASHBOARD.href(), HOME);
        assert_eq!(page_at("/").map(|p| p.title), Some("Dashboard"));
        assert_eq!(page_at("").map(|p| p.title), Some("Dashboard"));
        assert_eq!(page_at("/analytics").map(|p| p.title), Some("Analytics"));
        assert_eq!(title_at("/nope"), NOT_FOUND_TITLE);
        assert_eq!(ANALYTICS.permissions, [Permission::TelemetryRead]);
    }

    #[test]
    fn usage_ingestion_opens_with_either_of_its_sections_permissions() {
        assert_eq!(page_at("/settings/usage").map(|p| p.title), Some("Usage ingestion"));
        assert_eq!(
            USAGE_INGESTION.permissions,
            [Permission::TelemetryRead, Permission::SettingsRead]
        );
    }

    #[test]
    fn configuration_is_a_settings_page_that_needs_config_read() {
        assert_eq!(
            page_at("/settings/configuration").map(|p| p.title),
            Some("Configuration")
        );
        assert_eq!(CONFIGURATION.permissions, [Permission::ConfigRead]);
        let settings = NAV.iter().find(|section| section.label == "Settings").unwrap();
        assert!(settings.pages.iter().any(|page| page.segment == CONFIGURATION.segment));
    }

    #[test]
    fn audit_log_needs_audit_read() {
        assert_eq!(AUDIT.permissions, [Permission::AuditRead]);
        let compliance = NAV.iter().find(|section| section.label == "Compliance").unwrap();
        assert!(compliance.pages.iter().any(|page| page.segment == AUDIT.segment));
    }
}

//! Register or edit an MCP server. Fields are checked as they are typed, the way the
//! server checks them; the server's own field errors show under the same fields.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::Permission;
use omni_types::mcp::{CreateMcpServer, McpServer, Transport, UpdateMcpServer};
use uuid::Uuid;

use super::list::Owner;
use crate::components::field::{CheckboxField, TextField};
use crate::components::modal::Modal;
use crate::components::org_select::OrgSelect;
use crate::reactive::{LocalAction, Show, effect, memo};
use crate::state::{use_api, use_session};

const FIELDS: [&str; 14] = [
    "name",
    "description",
    "transport",
    "url",
    "command",
    "args",
    "auth_header_name",
    "auth_header",
    "timeout_ms",
    "degraded_threshold_ms",
    "check_interval_seconds",
    "tags",
    "organization_id",
    "require_tool_approval",
];

/// The form's text, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Values {
    name: String,
    description: String,
    transport: Transport,
    url: String,
    command: String,
    args: String,
    auth_header_name: String,
    auth_header: String,
    clear_auth_header: bool,
    timeout_ms: String,
    degraded_threshold_ms: String,
    check_interval_seconds: String,
    tags: String,
    /// The owning organization's id; blank: a global server.
    organization: String,
    enabled: bool,
    require_tool_approval: bool,
}

impl Values {
    fn of(server: Option<&McpServer>) -> Self {
        match server {
            None => Values {
                name: String::new(),
                description: String::new(),
                transport: Transport::StreamableHttp,
                url: String::new(),
                command: String::new(),
                args: String::new(),
                auth_header_name: "Authorization".into(),
                auth_header: String::new(),
                clear_auth_header: false,
                timeout_ms: "10000".into(),
                degraded_threshold_ms: "2000".into(),
                check_interval_seconds: "60".into(),
                tags: String::new(),
                organization: String::new(),
                enabled: true,
                require_tool_approval: false,
            },
            Some(s) => Values {
                name: s.name.clone(),
                description: s.description.clone(),
                transport: s.transport,
                url: s.url.clone().unwrap_or_default(),
                command: s.command.clone().unwrap_or_default(),
                args: s.args.join("\n"),
                auth_header_name: s.auth_header_name.clone(),
                auth_header: String::new(),
                clear_auth_header: false,
                timeout_ms: s.timeout_ms.to_string(),
                degraded_threshold_ms: s.degraded_threshold_ms.to_string(),
                check_interval_seconds: s.check_interval_seconds.to_string(),
                tags: s.tags.join(", "),
                organization: s.organization.as_ref().map(|o| o.id.to_string()).unwrap_or_default(),
                enabled: s.enabled,
                require_tool_approval: s.require_tool_approval,
            },
        }
    }

    fn args(&self) -> Vec<String> {
        self.args
            .lines()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn organization_id(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.organization).ok()
    }

    fn tags(&self) -> Vec<String> {
        self.tags
            .split(',')
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// What is wrong with `field` as typed (predicates, as the server words them).
    fn problems(&self, field: &str) -> Vec<String> {
        let one = |m: Option<&str>| m.map(|m| vec![m.to_owned()]).unwrap_or_default();
        match field {
            "name" => one(check_name(&self.name)),
            "description" if self.description.chars().count() > 2000 => one(Some("must be at most 2000 characters")),
            "url" if self.transport == Transport::StreamableHttp => one(check_url(&self.url)),
            "command" if self.transport == Transport::Stdio && self.command.trim().is_empty() => {
                one(Some("is required for a stdio server"))
            }
            "auth_header_name" if self.auth_header_name.trim().is_empty() => one(Some("is required")),
            "timeout_ms" => one(check_range(&self.timeout_ms, 100, 120_000)),
            "degraded_threshold_ms" => one(check_range(&self.degraded_threshold_ms, 1, 120_000).or_else(|| {
                match (
                    self.degraded_threshold_ms.trim().parse::<i32>(),
                    self.timeout_ms.trim().parse::<i32>(),
                ) {
                    (Ok(d), Ok(t)) if d >= t => Some("must be below the timeout"),
                    _ => None,
                }
            })),
            "check_interval_seconds" => one(check_range(&self.check_interval_seconds, 10, 86_400)),
            "tags" if self.tags().len() > 20 => one(Some("must be at most 20")),
            _ => Vec::new(),
        }
    }

    fn valid(&self) -> bool {
        FIELDS.iter().all(|f| self.problems(f).is_empty())
    }
}

fn number(raw: &str) -> Option<i32> {
    raw.trim().parse().ok()
}

pub fn check_name(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        return Some("is required");
    }
    let ok = name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && name.as_bytes()[0].is_ascii_alphanumeric();
    (!ok).then_some("must be lowercase letters, digits, `.`, `_` or `-` (at most 63), starting with a letter or digit")
}

pub fn check_url(url: &str) -> Option<&'static str> {
    let url = url.trim();
    if url.is_empty() {
        return Some("is required for a Streamable HTTP server");
    }
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Some("must start with http:// or https://");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Some("must name a host");
    }
    if host.contains('@') {
        return Some("must not carry credentials: use the auth header");
    }
    None
}

fn check_range(raw: &str, min: i32, max: i32) -> Option<&'static str> {
    match number(raw) {
        None => Some("must be a whole number"),
        Some(n) if n < min || n > max => Some("is out of range"),
        Some(_) => None,
    }
}

/// The dialog. `server`: the one being edited, or `None` to register a new one.
#[component]
pub fn ServerForm(server: Option<McpServer>, on_saved: Callback<McpServer>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let editing = server.clone();
    let title = if server.is_some() {
        "Edit MCP server"
    } else {
        "Add MCP server"
    };
    let initial = Values::of(server.as_ref());
    let name = RwSignal::new(initial.name.clone());
    let description = RwSignal::new(initial.description.clone());
    let transport = RwSignal::new(initial.transport);
    let url = RwSignal::new(initial.url.clone());
    let command = RwSignal::new(initial.command.clone());
    let args = RwSignal::new(initial.args.clone());
    let header_name = RwSignal::new(initial.auth_header_name.clone());
    let header = RwSignal::new(String::new());
    let clear_header = RwSignal::new(false);
    let timeout = RwSignal::new(initial.timeout_ms.clone());
    let threshold = RwSignal::new(initial.degraded_threshold_ms.clone());
    let interval = RwSignal::new(initial.check_interval_seconds.clone());
    let tags = RwSignal::new(initial.tags.clone());
    let organization = RwSignal::new(initial.organization.clone());
    let enabled = RwSignal::new(initial.enabled);
    let approval = RwSignal::new(initial.require_tool_approval);
    let values = memo(move || Values {
        name: name.get(),
        description: description.get(),
        transport: transport.get(),
        url: url.get(),
        command: command.get(),
        args: args.get(),
        auth_header_name: header_name.get(),
        auth_header: header.get(),
        clear_auth_header: clear_header.get(),
        timeout_ms: timeout.get(),
        degraded_threshold_ms: threshold.get(),
        check_interval_seconds: interval.get(),
        tags: tags.get(),
        organization: organization.get(),
        enabled: enabled.get(),
        require_tool_approval: approval.get(),
    });
    let attempted = RwSignal::new(false);
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let touch = move |field: &'static str| {
        Callback::new(move |()| {
            touched.update(|t| {
                t.insert(field);
            })
        })
    };

    let save = LocalAction::new(move |v: &Values| {
        let (v, editing) = (v.clone(), editing.clone());
        async move {
            match editing {
                None => api.mcp_server_create(&create_body(&v)).await,
                Some(before) => api.mcp_server_update(before.id, &update_body(&before, &v)).await,
            }
        }
    });
    effect(move || {
        if let Some(Ok(saved)) = save.value().get() {
            on_saved.run(saved);
            on_close.run(());
        }
    });
    let server_error = move || save.value().get().and_then(Result::err);
    let errors = move |field: &'static str| {
        Signal::derive(move || {
            let mut shown = if attempted.get() || touched.with(|t| t.contains(field)) {
                values.with(|v| v.problems(field))
            } else {
                Vec::new()
            };
            if let Some(e) = server_error() {
                shown.extend(e.field_errors(field).iter().cloned());
            }
            shown
        })
    };
    let has_secret = server.as_ref().is_some_and(|s| s.auth_header_set);
    // Owners are picked from the organizations, which only some admins may list.
    let can_pick_owner = use_session().with_admin(|a| a.is_some_and(|a| a.can(Permission::OrgsRead)));
    let current_owner = server.as_ref().and_then(|s| s.organization.clone());
    let owner_changed = {
        let (before, saved) = (initial.organization.clone(), server.is_some());
        move || saved && organization.with(|now| *now != before)
    };
    let is_http = move || transport.get() == Transport::StreamableHttp;

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let v = values.get_untracked();
        if v.valid() {
            save.dispatch(v);
        }
    };
    let other_error = move || {
        server_error()
            .filter(|e| e.status() != Some(422) || e.has_errors_beyond(&FIELDS))
            .filter(|e| e.field_errors("name").is_empty())
    };

    view! {
        <Modal title=title.to_owned() on_close>
            <form class="stack mcp-form" aria-label=title novalidate on:submit=on_submit>
                <TextField id="mcp-name" label="Name" kind="text" value=name errors=errors("name") placeholder=Some("github") on_blur=touch("name") />
                <div class="field">
                    <label class="field__label" for="mcp-description">"Description"</label>
                    <textarea
                        id="mcp-description"
                        class="input"
                        rows="2"
                        prop:value=move || description.get()
                        on:input:target=move |ev| description.set(ev.target().value())
                    ></textarea>
                </div>
                <fieldset class="field">
                    <legend class="field__label">"Transport"</legend>
                    <label class="checkbox">
                        <input
                            type="radio"
                            name="mcp-transport"
                            prop:checked=is_http
                            on:change=move |_| transport.set(Transport::StreamableHttp)
                        />
                        " Streamable HTTP (checked by Omni Admin)"
                    </label>
                    <label class="checkbox">
                        <input
                            type="radio"
                            name="mcp-transport"
                            prop:checked=move || !is_http()
                            on:change=move |_| transport.set(Transport::Stdio)
                        />
                        " stdio (a command the hub runs and reports on)"
                    </label>
                </fieldset>
                <Show
                    when=is_http
                    fallback=move || view! {
                        <TextField id="mcp-command" label="Command" kind="text" value=command errors=errors("command") placeholder=Some("npx") on_blur=touch("command") />
                        <div class="field">
                            <label class="field__label" for="mcp-args">"Arguments, one per line"</label>
                            <textarea
                                id="mcp-args"
                                class="input mono"
                                rows="3"
                                prop:value=move || args.get()
                                on:input:target=move |ev| args.set(ev.target().value())
                            ></textarea>
                        </div>
                    }
                >
                    <TextField id="mcp-url" label="URL" kind="url" value=url errors=errors("url") placeholder=Some("https://mcp.example.com/mcp") on_blur=touch("url") />
                    <div class="form-grid">
                        <TextField id="mcp-auth-name" label="Auth header name" kind="text" value=header_name errors=errors("auth_header_name") on_blur=touch("auth_header_name") />
                        <TextField
                            id="mcp-auth-value"
                            label="Auth header value"
                            kind="password"
                            autocomplete="new-password"
                            value=header
                            errors=errors("auth_header")
                            required=false
                            placeholder=Some(if has_secret { "Stored: leave blank to keep" } else { "e.g. Bearer …" })
                        />
                    </div>
                    <p class="muted small">"The value is stored encrypted and never shown again."</p>
                    {has_secret.then(|| view! {
                        <CheckboxField label="Remove the stored auth header" checked=clear_header />
                    })}
                    <div class="form-grid">
                        <TextField id="mcp-timeout" label="Timeout (ms)" kind="number" value=timeout errors=errors("timeout_ms") on_blur=touch("timeout_ms") />
                        <TextField id="mcp-threshold" label="Degraded above (ms)" kind="number" value=threshold errors=errors("degraded_threshold_ms") on_blur=touch("degraded_threshold_ms") />
                        <TextField id="mcp-interval" label="Check every (s)" kind="number" value=interval errors=errors("check_interval_seconds") on_blur=touch("check_interval_seconds") />
                    </div>
                </Show>
                {match (can_pick_owner, server.clone()) {
                    (true, _) => view! {
                        <OrgSelect
                            id="mcp-organization-id"
                            label="Owner"
                            value=organization
                            on_change=Callback::new(move |id: String| organization.set(id))
                            fixed=&[("", "Global: every organization's users")]
                            current=current_owner.clone()
                            errors=errors("organization_id")
                        />
                        <p class="muted small field__hint">"Only the owning organization's users may call a server it owns."</p>
                    }
                    .into_any(),
                    (false, Some(saved)) => view! {
                        <p class="small">"Owner: " <Owner server=saved /></p>
                    }
                    .into_any(),
                    (false, None) => view! { <p class="muted small">"The server is global: every organization's users may be granted it."</p> }.into_any(),
                }}
                {
                    let owner_changed = owner_changed.clone();
                    move || owner_changed().then(|| view! {
                        <p class="alert alert--warning" role="note">
                            "A new owner drops the grants of users outside it on this server."
                        </p>
                    })
                }
                <TextField id="mcp-tags" label="Tags" kind="text" value=tags errors=errors("tags") required=false placeholder=Some("prod, github") on_blur=touch("tags") />
                <CheckboxField label="Require approval of new or changed tools" checked=approval />
                <CheckboxField label="Enabled" checked=enabled />
                {move || other_error().map(|e| view! { <p class="inline-error" role="alert">{e.to_string()}</p> })}
                <div class="modal__actions">
                    <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button
                        type="submit"
                        class="button button--primary"
                        disabled=move || save.pending().get()
                        aria-busy=move || save.pending().get().to_string()
                    >
                        <Show when=move || save.pending().get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        {if server.is_some() { "Save changes" } else { "Add MCP server" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

fn create_body(v: &Values) -> CreateMcpServer {
    let http = v.transport == Transport::StreamableHttp;
    CreateMcpServer {
        name: v.name.trim().to_owned(),
        description: v.description.trim().to_owned(),
        transport: v.transport,
        url: http.then(|| v.url.trim().to_owned()),
        command: (!http).then(|| v.command.trim().to_owned()),
        args: if http { Vec::new() } else { v.args() },
        auth_header_name: Some(v.auth_header_name.trim().to_owned()),
        auth_header: (http && !v.auth_header.is_empty()).then(|| v.auth_header.clone()),
        timeout_ms: number(&v.timeout_ms),
        degraded_threshold_ms: number(&v.degraded_threshold_ms),
        check_interval_seconds: number(&v.check_interval_seconds),
        tags: v.tags(),
        organization_id: v.organization_id(),
        enabled: v.enabled,
        require_tool_approval: v.require_tool_approval,
    }
}

/// Only what changed, so a concurrent edit of another field is not overwritten.
fn update_body(before: &McpServer, v: &Values) -> UpdateMcpServer {
    let old = Values::of(Some(before));
    let changed = |new: &str, old: &str| (new.trim() != old.trim()).then(|| new.trim().to_owned());
    let http = v.transport == Transport::StreamableHttp;
    UpdateMcpServer {
        name: changed(&v.name, &old.name),
        description: changed(&v.description, &old.description),
        transport: (v.transport != before.transport).then_some(v.transport),
        url: if http {
            changed(&v.url, &old.url).or_else(|| (v.transport != before.transport).then(|| v.url.trim().to_owned()))
        } else {
            None
        },
        command: if http {
            None
        } else {
            changed(&v.command, &old.command)
                .or_else(|| (v.transport != before.transport).then(|| v.command.trim().to_owned()))
        },
        args: (!http && v.args() != before.args).then(|| v.args()),
        auth_header_name: changed(&v.auth_header_name, &old.auth_header_name),
        auth_header: if v.clear_auth_header {
            Some(None)
        } else if !v.auth_header.is_empty() {
            Some(Some(v.auth_header.clone()))
        } else {
            None
        },
        timeout_ms: number(&v.timeout_ms).filter(|n| *n != before.timeout_ms),
        degraded_threshold_ms: number(&v.degraded_threshold_ms).filter(|n| *n != before.degraded_threshold_ms),
        check_interval_seconds: number(&v.check_interval_seconds).filter(|n| *n != before.check_interval_seconds),
        tags: (v.tags() != before.tags).then(|| v.tags()),
        // Present `null` makes the server global.
        organization_id: (v.organization != old.organization).then(|| v.organization_id()),
        enabled: (v.enabled != before.enabled).then_some(v.enabled),
        require_tool_approval: (v.require_tool_approval != before.require_tool_approval)
            .then_some(v.require_tool_approval),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked_as_the_server_does() {
        assert_eq!(check_name("github-prod"), None);
        assert!(check_name("GitHub").is_some());
        assert!(check_name("").is_some());
        assert_eq!(check_url("https://mcp.example.com/mcp"), None);
        assert!(check_url("ftp://x").is_some());
        assert!(check_url("http://").is_some());
        assert!(check_url("https://me:pw@example.com").is_some());
        let mut v = Values::of(None);
        v.name = "demo".into();
        v.url = "http://127.0.0.1:8091/mcp".into();
        assert!(v.valid());
        v.degraded_threshold_ms = "20000".into();
        assert_eq!(v.problems("degraded_threshold_ms"), ["must be below the timeout"]);
    }

    #[test]
    fn edits_send_only_what_changed() {
        let v = Values::of(None);
        let mut body = create_body(&Values {
            name: "x".into(),
            url: "http://h/mcp".into(),
            ..v
        });
        body.auth_header = None;
        assert_eq!(body.url.as_deref(), Some("http://h/mcp"));
        assert_eq!(body.command, None);
    }
}

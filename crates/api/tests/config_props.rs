//! Properties of the configuration document (SPEC CFG-1, CFG-2): generated documents
//! survive the YAML form unchanged, and applied to a real database they export as
//! themselves; the reader never panics, whatever text it is given.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::spawn_app;
use omni_admin::config_doc::{apply, yaml};
use omni_types::config::{Document, McpServer, Organization, Settings, User, auth_header_variable};
use omni_types::hub_users::HubRole;
use omni_types::mcp::{ToolStatus, Transport};
use omni_types::orgs::Plan;
use omni_types::usage::ModelPrice;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use serde_json::json;
use sqlx::PgPool;

/// Text with what YAML must quote: quotes, colons, `#`, newlines, unicode.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"':#&*!|>%@`é漢-]{1,24}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("non-empty", |s| !s.is_empty())
}

fn plan() -> impl Strategy<Value = Plan> {
    prop::sample::select(Plan::ALL.to_vec())
}

fn prices() -> impl Strategy<Value = Vec<ModelPrice>> {
    prop::collection::btree_map(
        "[a-z][a-z0-9.-]{0,12}",
        (0u32..5_000_000, 0u32..5_000_000, 0u32..1_000_000),
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(model, (i, o, c))| ModelPrice {
                model,
                input_usd_per_mtok: f64::from(i) / 1e6,
                output_usd_per_mtok: f64::from(o) / 1e6,
                cached_usd_per_mtok: f64::from(c) / 1e6,
            })
            .collect()
    })
}

/// A document that passes every check, in the stored (normalised, sorted) form.
fn document(tools: bool) -> impl Strategy<Value = Document> {
    let orgs = prop::collection::btree_map(
        "[a-z][a-z0-9-]{0,8}[a-z0-9]",
        (
            text(),
            plan(),
            prop::option::of(0i64..1_000_000_000),
            prop::option::of(1i32..1_000_000),
            any::<bool>(),
        ),
        1..4,
    );
    let servers = prop::collection::btree_map(
        "[a-z0-9][a-z0-9._-]{0,10}",
        (
            text(),
            any::<bool>(),
            any::<bool>(),
            200i32..120_000,
            10i32..86_400,
            prop::collection::btree_set("[a-z][a-z0-9:._-]{0,6}", 0..3),
            any::<(bool, bool, u8)>(),
            prop::collection::btree_map("[a-z_]{1,8}", prop::sample::select(ToolStatus::ALL.to_vec()), 0..4),
        ),
        0..5,
    );
    let users = prop::collection::vec(
        (
            "[a-z]{1,6}",
            text(),
            prop::sample::select(HubRole::ALL.to_vec()),
            any::<bool>(),
            any::<u8>(),
            any::<u8>(),
        ),
        0..8,
    );
    (orgs, servers, users, prices()).prop_map(move |(orgs, servers, users, model_prices)| {
        let slugs: Vec<String> = orgs.keys().cloned().collect();
        let mcp_servers: Vec<McpServer> = servers
            .into_iter()
            .enumerate()
            .map(
                |(
                    i,
                    (name, (description, stdio, secret, timeout_ms, interval, tags, (enabled, approval, owner), found)),
                )| {
                    McpServer {
                        auth_header: (secret && !stdio).then(|| format!("${{{}}}", auth_header_variable(&name))),
                        renamed_from: None,
                        description,
                        transport: if stdio {
                            Transport::Stdio
                        } else {
                            Transport::StreamableHttp
                        },
                        url: (!stdio).then(|| format!("https://mcp-{i}.example.com/mcp")),
                        command: stdio.then(|| "npx".to_owned()),
                        args: if stdio {
                            vec!["-y".into(), format!("@acme/server-{i}")]
                        } else {
                            vec![]
                        },
                        auth_header_name: Some("Authorization".into()),
                        timeout_ms,
                        degraded_threshold_ms: timeout_ms / 2,
                        check_interval_seconds: interval,
                        tags: tags.into_iter().collect(),
                        organization: (owner % 3 == 0).then(|| slugs[usize::from(owner) % slugs.len()].clone()),
                        enabled,
                        require_tool_approval: approval,
                        tools: if tools { found } else { BTreeMap::new() },
                        name,
                    }
                },
            )
            .collect();
        let mut seen = BTreeSet::new();
        let mut out_users = Vec::new();
        for (i, (local, name, role, enabled, org, pick)) in users.into_iter().enumerate() {
            let organization = slugs[usize::from(org) % slugs.len()].clone();
            let email = format!("{local}@{organization}.test");
            if !seen.insert((organization.clone(), email.clone())) {
                continue;
            }
            // Grants on servers this user's organization may see, whole or by tool.
            let mut permissions = BTreeMap::new();
            for (j, s) in mcp_servers.iter().enumerate() {
                let visible = s.organization.as_ref().is_none_or(|o| *o == organization);
                if visible && (usize::from(pick) >> (j % 8)) & 1 == 1 {
                    let tools: Vec<String> = match s.tools.keys().next() {
                        Some(first) if j % 2 == 0 => vec![first.clone()],
                        _ => vec!["*".into()],
                    };
                    permissions.insert(s.name.clone(), tools);
                }
            }
            let external_ids = if i % 2 == 0 {
                BTreeMap::from([("slack".to_owned(), format!("U{i}"))])
            } else {
                BTreeMap::new()
            };
            out_users.push(User {
                email,
                organization,
                name,
                role,
                enabled,
                external_ids,
                permissions,
            });
        }
        out_users.sort_by(|a, b| (&a.organization, &a.email).cmp(&(&b.organization, &b.email)));
        Document {
            version: 1,
            settings: Settings { model_prices },
            organizations: orgs
                .into_iter()
                .map(|(slug, (name, plan, budget, rate, restricted))| Organization {
                    allowed_mcp_servers: restricted.then(|| {
                        let mut names: Vec<String> = mcp_servers.iter().take(2).map(|s| s.name.clone()).collect();
                        names.sort();
                        names
                    }),
                    slug,
                    name,
                    plan,
                    monthly_budget_cents: budget,
                    rate_limit_per_minute: rate,
                })
                .collect(),
            mcp_servers,
            users: out_users,
        }
    })
}

proptest! {
    #![proptest_config(RunnerConfig::with_cases(256))]

    /// Written and read back, a document is itself, and its text is stable.
    #[test]
    fn the_yaml_form_round_trips(doc in document(true)) {
        let text = yaml::to_string(&doc).unwrap();
        let (_, read, problems) = apply::read(&text).map_err(|p| TestCaseError::fail(format!("{p:#?}\n{text}")))?;
        prop_assert!(problems.is_empty(), "{problems:?}");
        prop_assert_eq!(&read, &doc);
        prop_assert_eq!(yaml::to_string(&read).unwrap(), text);
    }

    /// The reader and checks never panic on arbitrary text.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = apply::read(&text);
    }

    /// Nor on a real document damaged anywhere: a line dropped, repeated, cut or
    /// re-indented, or bytes replaced.
    #[test]
    fn damaged_documents_never_panic(
        doc in document(true),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..5, "[ -~]{0,6}"), 1..6),
    ) {
        let text = yaml::to_string(&doc).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for (at, kind, junk) in edits {
            if lines.is_empty() {
                break;
            }
            let i = at.index(lines.len());
            match kind {
                0 => { lines.remove(i); }
                1 => { let l = lines[i].clone(); lines.insert(i, l); }
                2 => {
                    let half = lines[i].chars().count() / 2;
                    let cut = lines[i].char_indices().nth(half).map_or(0, |(b, _)| b);
                    lines[i].truncate(cut);
                }
                3 => lines[i].insert_str(0, "  "),
                _ => lines[i].push_str(&junk),
            }
        }
        let damaged = lines.join("\n");
        if let Err(problems) = apply::read(&damaged) {
            let count = damaged.lines().count().max(1) as u32;
            for p in problems {
                prop_assert!(p.line >= 1 && p.line <= count + 1, "{p:?} outside {count} lines");
                prop_assert!(p.column >= 1);
            }
        }
    }
}

/// Generated documents applied one after another to a real database: each apply makes
/// the export exactly the document, and leaves nothing to diff.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn applied_documents_export_as_themselves(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = app.owner_token().await;
    let mut runner = TestRunner::new(RunnerConfig::with_cases(10));
    let docs: Vec<Document> = (0..10)
        .map(|_| document(false).new_tree(&mut runner).unwrap().current())
        .collect();
    for (i, doc) in docs.iter().enumerate() {
        let text = yaml::to_string(doc).unwrap();
        // Every generated secret reference gets a value from the applying side.
        let secrets: BTreeMap<String, String> = doc
            .mcp_servers
            .iter()
            .filter(|s| s.auth_header.is_some())
            .map(|s| (auth_header_variable(&s.name), format!("Bearer case-{i}")))
            .collect();
        let body = json!({ "document": text, "secrets": secrets });
        let res = app
            .send_as("POST", "/api/v1/config/diff", &token, Some(body.clone()))
            .await;
        let status = res.status();
        let diff: serde_json::Value = res.json().await.unwrap();
        assert_eq!(status, 200, "case {i}: {diff}\n{text}");
        let mut apply_body = body.clone();
        apply_body["base_state"] = diff["base_state"].clone();
        let res = app
            .send_as("POST", "/api/v1/config/apply", &token, Some(apply_body))
            .await;
        let status = res.status();
        let outcome: serde_json::Value = res.json().await.unwrap();
        assert_eq!(status, 200, "case {i}: {outcome}\n{text}");

        let res = app.get_as("/api/v1/config/export", &token).await;
        let etag = res.headers()["etag"].to_str().unwrap().trim_matches('"').to_owned();
        let exported = res.text().await.unwrap();
        assert_eq!(exported, text, "case {i}");
        assert_eq!(outcome["snapshot"]["state"], etag, "case {i}");
        assert_eq!(
            outcome["diff"]["target_state"], etag,
            "case {i}: the diff foresaw the state"
        );
        let res = app.send_as("POST", "/api/v1/config/diff", &token, Some(body)).await;
        let again: serde_json::Value = res.json().await.unwrap();
        assert_eq!(again["changes"], json!([]), "case {i}: {again}");
    }
}

//! The route × role matrix (SPEC RBAC-3): every operation in the router, read from the
//! OpenAPI document that the route guard writes (`x-required-permission`), is called by
//! each built-in role and by an anonymous caller. Anonymous gets 401 on anything not
//! public; a role without the permission gets 403 naming it; a role with it gets past the
//! guard (whatever the handler then says about the dummy input).

mod common;

use common::{TestApp, spawn_app};
use omni_admin::auth::Access;
use omni_admin::auth::access::ACCESS_EXTENSION;
use reqwest::Method;
use serde_json::Value;
use sqlx::PgPool;

const ROLES: [&str; 4] = ["owner", "admin", "support", "billing"];

struct Operation {
    method: Method,
    path: String,
    access: Access,
}

fn operations() -> Vec<Operation> {
    let doc: Value = serde_json::to_value(omni_admin::router::openapi()).unwrap();
    let mut ops = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        // Path parameters get a well-formed id that names nothing.
        let path = template
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    "00000000-0000-7000-8000-000000000000"
                } else {
                    seg
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for (method, op) in item.as_object().unwrap() {
            let label = op[ACCESS_EXTENSION]
                .as_str()
                .expect("every operation declares its access");
            ops.push(Operation {
                method: method.to_uppercase().parse().unwrap(),
                path: path.clone(),
                access: Access::from_label(label).unwrap(),
            });
        }
    }
    ops
}

async fn call(app: &TestApp, op: &Operation, token: Option<&str>) -> (u16, Value) {
    let mut req = app.client.request(op.method.clone(), app.url(&op.path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if op.method != Method::GET {
        req = req.json(&serde_json::json!({}));
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn every_route_answers_each_role_exactly_as_declared(pool: PgPool) {
    let app = spawn_app(pool).await;
    let mut sessions = Vec::new();
    for role in ROLES {
        let email = format!("{role}@example.com");
        app.admin(&email, role).await;
        let token = app.login(&email).await.access_token;
        let me: Value = app.get_as("/api/v1/auth/me", &token).await.json().await.unwrap();
        let permissions: Vec<String> = me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        sessions.push((role, token, permissions));
    }

    let ops = operations();
    assert!(ops.len() >= 9, "the matrix walked only {} operations", ops.len());
    for op in &ops {
        if op.access == Access::Public {
            continue;
        }
        let (status, _) = call(&app, op, None).await;
        assert_eq!(status, 401, "anonymous {} {}", op.method, op.path);

        for (role, token, permissions) in &sessions {
            let (status, body) = call(&app, op, Some(token)).await;
            let allowed = match op.access {
                Access::Permission(p) => permissions.iter().any(|held| held == p.as_str()),
                _ => true,
            };
            if allowed {
                assert!(
                    status != 401 && status != 403,
                    "{role} {} {} → {status} {body}",
                    op.method,
                    op.path
                );
            } else {
                assert_eq!(status, 403, "{role} {} {}", op.method, op.path);
                let Access::Permission(p) = op.access else {
                    unreachable!()
                };
                assert_eq!(body["missing_permission"], p.as_str());
            }
        }
    }
}

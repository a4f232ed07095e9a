//! Real-time updates (SPEC RT-1..3): the WebSocket's authentication and channels, fan-out
//! across instances through PostgreSQL, resync after a lost LISTEN connection, slow
//! consumers, bursts, credentials that expire or are revoked.

mod common;

use std::time::Duration;

use common::live::{self, Frame, Socket, authed};
use common::usage::{event, ingest, tenants};
use common::{JWT_SECRET, config, spawn_app, spawn_with};
use omni_admin::auth::jwt::{Claims, JwtKeys};
use omni_types::live::{Event, ServerMessage, close};
use serde_json::{Value, json};
use sqlx::PgPool;

fn typed(message: &Value) -> ServerMessage {
    serde_json::from_value(message.clone()).unwrap_or_else(|e| panic!("{message} is not a ServerMessage: {e}"))
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_socket_must_authenticate(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = app.owner_token().await;

    // A plain GET is told what the route is for.
    let res = app.get_as("/api/v1/ws", &token).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");

    // Anything before `auth` closes the socket.
    let mut socket = live::connect(&app).await;
    socket.send(json!({"type": "subscribe", "channels": ["audit"]})).await;
    assert_eq!(socket.closed().await, Some(close::UNAUTHENTICATED));

    // So does a bad token.
    for bad in ["garbage", "omni_abcdefgh_0123456789abcdef0123456789abcdef", ""] {
        let mut socket = live::connect(&app).await;
        socket.send(json!({"type": "auth", "token": bad})).await;
        assert_eq!(socket.closed().await, Some(close::UNAUTHENTICATED), "{bad:?}");
    }

    // A bad bearer header is refused before the upgrade.
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(live::ws_url(&app)).unwrap();
    request
        .headers_mut()
        .insert("authorization", "Bearer garbage".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => assert_eq!(res.status(), 401),
        other => panic!("expected a 401, got {other:?}"),
    }

    // A good one opens an authenticated socket at once.
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(live::ws_url(&app)).unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let mut socket = Socket::from_stream(ws);
    let ready = typed(&socket.message().await);
    let ServerMessage::Ready {
        permissions,
        expires_at,
        ..
    } = ready
    else {
        panic!("{ready:?}");
    };
    assert!(permissions.contains(&omni_types::Permission::AuditRead));
    assert!(expires_at.is_some());

    // Unreadable messages after auth are answered, not fatal.
    socket.send(json!({"type": "shout"})).await;
    assert_eq!(socket.message().await["code"], "invalid");
    assert_eq!(socket.subscribe(&["audit"]).await[0]["type"], "subscribed");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn each_channel_needs_its_permissions(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = app.owner_token().await;
    let res = app
        .send_as(
            "POST",
            "/api/v1/organizations",
            &owner,
            Some(json!({"name": "Acme", "slug": "acme"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let acme = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    app.admin("support@example.com", "support").await;
    app.admin("billing@example.com", "billing").await;
    let support = app.login("support@example.com").await.access_token;
    let billing = app.login("billing@example.com").await.access_token;

    let org = format!("org:{acme}");
    let all = ["dashboard", "usage", "audit", "mcp-health", "orgs", org.as_str()];
    let answers = |answers: Vec<Value>| -> Vec<String> {
        answers
            .iter()
            .map(|a| match a["type"].as_str().unwrap() {
                "subscribed" => "ok".to_owned(),
                _ => a["code"].as_str().unwrap().to_owned(),
            })
            .collect()
    };
    let mut s = authed(&app, &owner).await;
    assert_eq!(answers(s.subscribe(&all).await), ["ok"; 6]);
    let mut s = authed(&app, &support).await;
    assert_eq!(
        answers(s.subscribe(&all).await),
        ["ok", "ok", "forbidden", "ok", "ok", "ok"]
    );
    let mut s = authed(&app, &billing).await;
    let refused = s.subscribe(&all).await;
    assert_eq!(
        answers(refused.clone()),
        ["forbidden", "forbidden", "forbidden", "forbidden", "ok", "forbidden"]
    );
    assert_eq!(refused[5]["channel"], org.as_str());
    assert!(
        refused[5]["message"].as_str().unwrap().contains("telemetry:read"),
        "{}",
        refused[5]
    );

    let mut s = authed(&app, &owner).await;
    let unknown = format!("org:{}", uuid::Uuid::now_v7());
    assert_eq!(
        answers(s.subscribe(&["everything", "org:acme", unknown.as_str()]).await),
        ["unknown_channel"; 3]
    );

    // A support admin does not hear of audit entries, an owner does. (Earlier entries
    // are heard first: then only what follows reaches the sockets.)
    app.write_behind(async {}).await;
    let mut owner_socket = authed(&app, &owner).await;
    owner_socket.subscribe(&["audit"]).await;
    let mut support_socket = authed(&app, &support).await;
    support_socket.subscribe(&["audit", "orgs"]).await;
    app.admin("audited@example.com", "support").await;
    app.send_as(
        "POST",
        &format!("/api/v1/organizations/{acme}/suspend"),
        &owner,
        Some(json!({"reason": "unpaid"})),
    )
    .await;
    let audit = owner_socket.event("audit.created").await;
    assert_eq!(audit["event"]["data"]["action"], "admin.created");
    let audit = owner_socket.event("audit.created").await;
    assert_eq!(audit["event"]["data"]["action"], "organization.suspended");
    let first = support_socket.message().await;
    assert_eq!(
        first["event"]["kind"], "org.status",
        "the support admin gets no audit event: {first}"
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_change_through_one_instance_reaches_sockets_on_another(pool: PgPool) {
    let a = spawn_app(pool.clone()).await;
    let b = spawn_app(pool).await;
    let t = tenants(&a).await;
    b.write_behind(async {}).await;
    let mut socket = authed(&b, &t.token).await;
    let org = format!("org:{}", t.acme);
    let subscribed = socket
        .subscribe(&["orgs", "mcp-health", "audit", "dashboard", &org])
        .await;
    let seq = |channel: &str| -> u64 {
        subscribed
            .iter()
            .find(|s| s["channel"] == channel)
            .and_then(|s| s["seq"].as_u64())
            .unwrap()
    };

    // An organization suspended through A.
    let res = a
        .send_as(
            "POST",
            &format!("/api/v1/organizations/{}/suspend", t.acme),
            &t.token,
            Some(json!({"reason": "unpaid invoice"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let status = socket.event("org.status").await;
    assert_eq!(status["channel"], "orgs");
    assert_eq!(status["seq"].as_u64(), Some(seq("orgs") + 1));
    let ServerMessage::Event {
        event: Event::OrgStatus(changed),
        ..
    } = typed(&status)
    else {
        panic!("{status}")
    };
    assert_eq!((changed.slug.as_str(), changed.status.as_str()), ("acme", "suspended"));
    assert_eq!(changed.previous.as_str(), "active");
    assert_eq!(changed.reason.as_deref(), Some("unpaid invoice"));
    let on_org = socket.event("org.status").await;
    assert_eq!(on_org["channel"], org.as_str());

    // The audit entry of it, and an MCP server's health flip written through A.
    let audit = socket.event("audit.created").await;
    assert!(matches!(
        typed(&audit),
        ServerMessage::Event {
            event: Event::AuditCreated(_),
            ..
        }
    ));
    let res = a
        .send_as(
            "POST",
            &format!("/api/v1/organizations/{}/activate", t.acme),
            &t.token,
            Some(json!({"reason": "paid"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    sqlx::query("UPDATE mcp_servers SET health_status = 'down', last_error = 'connection refused' WHERE id = $1::uuid")
        .bind(&t.github)
        .execute(&a.pool)
        .await
        .unwrap();
    let health = socket.event("mcp.health").await;
    let ServerMessage::Event {
        event: Event::McpHealth(h),
        channel,
        ..
    } = typed(&health)
    else {
        panic!("{health}")
    };
    assert_eq!(channel, "mcp-health");
    assert_eq!(
        (h.name.as_str(), h.status.as_str(), h.previous.as_str()),
        ("github", "down", "unknown")
    );
    assert_eq!(h.error.as_deref(), Some("connection refused"));

    // Usage ingested through A arrives on B as one delta per window.
    let now = chrono::Utc::now();
    let batch: Vec<Value> = (0..25).map(|_| event(now)).collect();
    let report = ingest(&a, &t.token, &batch).await;
    assert_eq!(report["accepted"], 25, "{report}");
    let delta = socket.event("dashboard.delta").await;
    let ServerMessage::Event {
        event: Event::DashboardDelta(totals),
        ..
    } = typed(&delta)
    else {
        panic!("{delta}")
    };
    assert_eq!(totals.calls, 25);
    assert!((totals.cost_usd - 25.0 * 0.0042).abs() < 1e-9, "{}", totals.cost_usd);
    assert_eq!(totals.input_tokens, 25_000);
    let usage = socket.event("org.usage").await;
    assert_eq!(usage["channel"], org.as_str());
    assert_eq!(usage["event"]["data"]["calls"], 25);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_lost_listen_connection_comes_back_and_sockets_are_told_to_resync(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = app.owner_token().await;
    let mut socket = authed(&app, &token).await;
    socket.subscribe(&["audit", "mcp-health"]).await;

    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(killed, [true], "one LISTEN connection per instance");

    let resync = typed(&socket.expect("resync").await);
    let ServerMessage::Resync { mut channels, reason } = resync else {
        unreachable!()
    };
    channels.sort();
    assert_eq!(channels, ["audit", "mcp-health"]);
    assert_eq!(reason, "listener_reconnected");

    // And events flow again.
    app.admin("ops@example.com", "admin").await;
    let audit = socket.event("audit.created").await;
    assert_eq!(audit["event"]["data"]["action"], "admin.created");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_slow_consumer_is_dropped_while_a_fast_one_keeps_receiving(pool: PgPool) {
    let app = spawn_with(pool, config(&[("OMNI_LIVE_BURST_PER_SECOND", "1000000")])).await;
    let token = app.owner_token().await;

    // The slow one reads nothing, through a small receive buffer.
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    let stream = tcp
        .connect(app.base.trim_start_matches("http://").parse().unwrap())
        .await
        .unwrap();
    let (ws, _) = tokio_tungstenite::client_async(live::ws_url(&app), tokio_tungstenite::MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    let mut slow = Socket::from_stream(ws);
    slow.send(json!({"type": "auth", "token": token})).await;
    assert_eq!(slow.message().await["type"], "ready");
    slow.subscribe(&["audit"]).await;
    let mut fast = authed(&app, &token).await;
    let fast_base = fast.subscribe(&["audit"]).await[0]["seq"].as_u64().unwrap();

    // 2,000 events of 6 KB (12 MB), in commits of 50.
    let total = 2_000u64;
    let reader = tokio::spawn(async move {
        let mut seqs = Vec::new();
        while seqs.len() < total as usize {
            let m = fast.event("audit.created").await;
            seqs.push(m["seq"].as_u64().unwrap());
        }
        (fast, seqs)
    });
    for batch in 0..(total / 50) {
        sqlx::query(
            "SELECT pg_notify('omni_live', jsonb_build_object('c', 'audit', 'e', 'audit.created',
                 'd', jsonb_build_object('n', $1 * 50 + g, 'pad', repeat('x', 6000)))::text)
             FROM generate_series(1, 50) g",
        )
        .bind(batch as i64)
        .execute(&app.pool)
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_fast, seqs) = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .unwrap()
        .unwrap();
    let expected: Vec<u64> = (fast_base + 1..=fast_base + total).collect();
    assert_eq!(seqs, expected, "the fast consumer got every event, in order, no gap");

    let stats = app.live.stats();
    assert_eq!(stats.dropped, 1, "{stats:?}");
    assert_eq!(stats.sockets, 1, "{stats:?}");
    // The slow one finds its buffered messages, then the end.
    let mut seen = 0u64;
    loop {
        match slow.next().await {
            Frame::Message(_) => seen += 1,
            Frame::Closed(code) => {
                assert!(code.is_none() || code == Some(close::SLOW_CONSUMER), "{code:?}");
                break;
            }
        }
    }
    assert!(seen < total, "the slow consumer was cut off ({seen} messages)");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_burst_becomes_one_resync(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = app.owner_token().await;
    let mut socket = authed(&app, &token).await;
    let base = socket.subscribe(&["mcp-health"]).await[0]["seq"].as_u64().unwrap();
    // 300 servers registered in one statement (an import, a config apply).
    sqlx::query(
        "INSERT INTO mcp_servers (name, transport, url)
         SELECT 'server-' || g, 'streamable_http', 'http://127.0.0.1:9/mcp' FROM generate_series(1, 300) g",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut events = 0;
    loop {
        let m = socket.message().await;
        match m["type"].as_str().unwrap() {
            "event" => {
                events += 1;
                assert_eq!(m["seq"].as_u64(), Some(base + events));
                let ServerMessage::Event {
                    event: Event::McpServer(server),
                    ..
                } = typed(&m)
                else {
                    panic!("{m}")
                };
                assert_eq!(server.change, omni_types::live::Change::Created);
                assert!(server.name.starts_with("server-"), "{}", server.name);
            }
            "resync" => {
                assert_eq!(m["reason"], "burst");
                break;
            }
            other => panic!("unexpected {other}: {m}"),
        }
    }
    assert_eq!(events, 64, "the channel's burst allowance, then one resync");

    // A burst that goes on is announced again at every tick while it lasts.
    sqlx::query(
        "INSERT INTO mcp_servers (name, transport, url)
         SELECT 'more-' || g, 'streamable_http', 'http://127.0.0.1:9/mcp' FROM generate_series(1, 300) g",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let resync = socket.expect("resync").await;
    assert_eq!(resync["reason"], "burst");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn an_expiring_token_must_be_renewed_on_the_socket(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    app.admin("other@example.com", "owner").await;
    let session = app.login("owner@example.com").await;
    let keys = JwtKeys::new(Some(&JWT_SECRET.to_owned().into()), Duration::from_secs(900));
    let real = keys.verify(&session.access_token).unwrap();
    let now = chrono::Utc::now().timestamp();
    let short = keys.sign(&Claims {
        iat: now,
        exp: now + 2,
        ..real.clone()
    });

    // Not renewed: closed at expiry.
    let mut socket = authed(&app, &short).await;
    assert_eq!(socket.closed().await, Some(close::UNAUTHENTICATED));

    // Renewed in time: still open after the first token's expiry.
    let short = keys.sign(&Claims {
        iat: now,
        exp: chrono::Utc::now().timestamp() + 2,
        ..real.clone()
    });
    let mut socket = authed(&app, &short).await;
    socket
        .send(json!({"type": "auth", "token": session.access_token}))
        .await;
    assert_eq!(socket.message().await["type"], "ready");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(socket.subscribe(&["audit"]).await[0]["type"], "subscribed");

    // Another admin's token on the same socket is a protocol error.
    let other = app.login("other@example.com").await.access_token;
    socket.send(json!({"type": "auth", "token": other})).await;
    assert_eq!(socket.closed().await, Some(close::PROTOCOL));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn disabling_an_admin_closes_their_sockets_and_losing_a_permission_unsubscribes(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = app.owner_token().await;
    app.admin("ops@example.com", "admin").await;
    let ops_token = app.login("ops@example.com").await.access_token;
    let mut ops = live::connect(&app).await;
    ops.send(json!({"type": "auth", "token": ops_token})).await;
    let ready = ops.message().await;
    let ops_id = ready["admin_id"].as_str().unwrap().to_owned();
    ops.subscribe(&["audit", "mcp-health"]).await;

    // The built-in admin role loses audit:read: the socket is unsubscribed from `audit`.
    let roles: Value = app.get_as("/api/v1/roles", &owner).await.json().await.unwrap();
    let role = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "admin")
        .unwrap()
        .clone();
    sqlx::query("DELETE FROM role_permissions WHERE permission = 'audit:read' AND role_id = $1::uuid")
        .bind(role["id"].as_str().unwrap())
        .execute(&app.pool)
        .await
        .unwrap();
    let gone = ops.expect("unsubscribed").await;
    assert_eq!(
        (gone["channel"].as_str(), gone["reason"].as_str()),
        (Some("audit"), Some("forbidden"))
    );

    // A revoked API token: closed, not to come back with it.
    let minted: Value = app
        .send_as(
            "POST",
            "/api/v1/api-tokens",
            &owner,
            Some(json!({"name": "integration", "permissions": ["mcp:read"]})),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut integration = authed(&app, minted["secret"].as_str().unwrap()).await;
    assert_eq!(integration.subscribe(&["mcp-health"]).await[0]["type"], "subscribed");
    let res = app
        .send_as(
            "DELETE",
            &format!("/api/v1/api-tokens/{}", minted["token"]["id"].as_str().unwrap()),
            &owner,
            None,
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(integration.closed().await, Some(close::REVOKED));

    // Disabled: closed, and told not to come back with these credentials.
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/admins/{ops_id}"),
            &owner,
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(ops.closed().await, Some(close::REVOKED));
}

//! The committed OpenAPI document is the generated one (SPEC Conventions: no drift), and
//! every operation declares its access. Regenerate with `make openapi`.

use omni_admin::auth::Access;
use omni_admin::auth::access::ACCESS_EXTENSION;
use serde_json::Value;

fn generated() -> String {
    omni_admin::router::openapi().to_pretty_json().unwrap() + "\n"
}

#[test]
fn committed_openapi_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated(),
        "openapi/openapi.json is out of date: run `make openapi` and commit the result"
    );
}

#[test]
fn every_operation_declares_access_security_and_problem_responses() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(!paths.is_empty());
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path} is outside /api/v1");
        for (method, op) in item.as_object().unwrap() {
            let label = op[ACCESS_EXTENSION]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} declares no access"));
            let access = Access::from_label(label).unwrap_or_else(|| panic!("{method} {path}: unknown access {label}"));
            assert!(op["security"].is_array(), "{method} {path} has no security requirement");
            if access != Access::Public {
                assert!(op["responses"]["401"].is_object(), "{method} {path} documents no 401");
            }
            if let Access::Permission(p) = access {
                assert_eq!(op["security"][0]["bearer"][0], p.as_str());
                assert!(op["responses"]["403"].is_object(), "{method} {path} documents no 403");
            }
        }
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

#[test]
fn shared_path_constants_name_real_routes() {
    use omni_types::paths;
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    for path in [
        paths::AUTH_LOGIN,
        paths::AUTH_REFRESH,
        paths::AUTH_LOGOUT,
        paths::AUTH_ME,
        paths::ROLES,
        paths::MCP_SERVERS,
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "omni_types::paths has {path}, the router does not"
        );
    }
    // Path builders, with their ids turned back into the router's templates.
    let (id, change) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
    for built in [
        paths::mcp_server(id),
        paths::mcp_server_impact(id),
        paths::mcp_server_health_check(id),
        paths::mcp_server_health_checks(id),
        paths::mcp_server_health_reports(id),
        paths::mcp_server_tools(id),
        paths::mcp_server_tool_changes(id),
        paths::mcp_server_tool_change(id, change),
    ] {
        let template = built
            .replace(&id.to_string(), "{id}")
            .replace(&change.to_string(), "{change_id}");
        assert!(
            doc["paths"][&template].is_object(),
            "omni_types::paths builds {template}, the router has no such route"
        );
    }
}

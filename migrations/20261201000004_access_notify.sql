-- Change notifications for the in-memory access cache (`access_cache`): every write that
-- can change a `can-call` answer or an API token's standing NOTIFYs `omni_access` in its
-- own transaction (delivered at COMMIT, to every instance). Statement-level, and only on
-- the columns that matter, so the health job's writes (status, latency, schedule) and a
-- token's `last_used_at` stay silent.

CREATE FUNCTION notify_access_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('omni_access', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

DO $$
DECLARE
    watched text[][] := ARRAY[
        -- table, columns whose UPDATE matters ('' = any)
        ARRAY['organizations', 'status, status_reason, servers_restricted'],
        ARRAY['organization_allowed_servers', ''],
        ARRAY['hub_users', 'enabled, role, organization_id'],
        ARRAY['hub_user_grants', ''],
        ARRAY['mcp_servers', 'name, enabled, organization_id'],
        ARRAY['mcp_tools', 'status, annotations'],
        ARRAY['api_tokens', 'revoked_at, expires_at, created_by'],
        ARRAY['api_token_permissions', ''],
        ARRAY['admins', 'email, disabled_at'],
        ARRAY['admin_roles', ''],
        ARRAY['roles', 'mfa_required'],
        ARRAY['role_permissions', ''],
        ARRAY['admin_mfa', 'confirmed_at']
    ];
    t text[];
BEGIN
    FOREACH t SLICE 1 IN ARRAY watched LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR DELETE OR UPDATE %s ON %I
             FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed()',
            t[1] || '_notify_access',
            CASE WHEN t[2] = '' THEN '' ELSE 'OF ' || t[2] END,
            t[1]);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER TRUNCATE ON %I
             FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed()',
            t[1] || '_notify_access_truncate', t[1]);
    END LOOP;
END
$$;

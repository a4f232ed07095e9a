-- Real-time (SPEC RT-2): the changes admins watch live NOTIFY `omni_live` in the
-- transaction that makes them, so every API instance hears of them at COMMIT (and never
-- of a change that rolled back). Each payload is small JSON, well under NOTIFY's 8,000
-- bytes: {"c": topic, "e": event kind, "d": data}. Long texts are cut; the audit entry's
-- details are not sent (a client fetches the entry by id). Usage is not notified here:
-- ingestion sends one summary per batch (`live::usage`).

CREATE FUNCTION live_notify(topic text, kind text, data jsonb) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('omni_live', jsonb_build_object('c', topic, 'e', kind, 'd', data)::text)
$$;

CREATE FUNCTION live_audit_created() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_notify('audit', 'audit.created', jsonb_build_object(
        'id', NEW.id,
        'occurred_at', NEW.occurred_at,
        'action', left(NEW.action, 200),
        'actor', left(NEW.actor_label, 200),
        'resource_type', left(NEW.resource_type, 200),
        'resource_id', left(NEW.resource_id, 200)));
    RETURN NULL;
END
$$;

CREATE TRIGGER admin_audit_log_live AFTER INSERT ON admin_audit_log
    FOR EACH ROW EXECUTE FUNCTION live_audit_created();

CREATE FUNCTION live_mcp_health() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_notify('mcp-health', 'mcp.health', jsonb_build_object(
        'id', NEW.id,
        'name', NEW.name,
        'status', NEW.health_status,
        'previous', OLD.health_status,
        'organization_id', NEW.organization_id,
        'checked_at', NEW.last_checked_at,
        'latency_ms', NEW.last_latency_ms,
        'error', left(NEW.last_error, 300)));
    RETURN NULL;
END
$$;

CREATE TRIGGER mcp_servers_live_health AFTER UPDATE OF health_status ON mcp_servers
    FOR EACH ROW WHEN (OLD.health_status IS DISTINCT FROM NEW.health_status)
    EXECUTE FUNCTION live_mcp_health();

-- A row registered, changed or removed: `fields` of the row (trigger arguments after the
-- topic and kind) and what happened.
CREATE FUNCTION live_row_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    data jsonb;
BEGIN
    SELECT jsonb_object_agg(f, r -> f) INTO data FROM unnest(TG_ARGV[2:]) AS f;
    PERFORM live_notify(TG_ARGV[0], TG_ARGV[1], data || jsonb_build_object(
        'change', CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'DELETE' THEN 'deleted' ELSE 'updated' END));
    RETURN NULL;
END
$$;

CREATE TRIGGER mcp_servers_live_created AFTER INSERT OR DELETE ON mcp_servers
    FOR EACH ROW EXECUTE FUNCTION live_row_changed('mcp-health', 'mcp.server', 'id', 'name');
CREATE TRIGGER mcp_servers_live_updated AFTER UPDATE OF name, enabled, organization_id ON mcp_servers
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name
                       OR OLD.enabled IS DISTINCT FROM NEW.enabled
                       OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION live_row_changed('mcp-health', 'mcp.server', 'id', 'name');

CREATE FUNCTION live_org_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_notify('org', 'org.status', jsonb_build_object(
        'id', NEW.id,
        'slug', NEW.slug,
        'name', NEW.name,
        'status', NEW.status,
        'previous', OLD.status,
        'reason', left(NEW.status_reason, 300)));
    RETURN NULL;
END
$$;

CREATE TRIGGER organizations_live_status AFTER UPDATE OF status ON organizations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION live_org_status();

CREATE TRIGGER organizations_live_created AFTER INSERT OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION live_row_changed('org', 'org.changed', 'id', 'slug', 'name');
CREATE TRIGGER organizations_live_updated AFTER UPDATE OF name, slug ON organizations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug)
    EXECUTE FUNCTION live_row_changed('org', 'org.changed', 'id', 'slug', 'name');

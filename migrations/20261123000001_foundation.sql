-- Foundation: admins, RBAC, sessions, login rate limiting, the admin audit log.

-- UUIDv7 (time-ordered) ids, generated in the database for seeded rows and defaults.
-- The API generates its own with `Uuid::now_v7()`; both sort by creation time.
CREATE FUNCTION uuid_generate_v7() RETURNS uuid
LANGUAGE sql VOLATILE AS $$
    SELECT encode(
        set_bit(
            set_bit(
                overlay(uuid_send(gen_random_uuid())
                        PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                        FROM 1 FOR 6),
                52, 1),
            53, 1),
        'hex')::uuid
$$;

CREATE TABLE admins (
    id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash text NOT NULL,
    disabled_at   timestamptz,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX admins_email_key ON admins (lower(email));

-- The permission catalogue. Kept equal to `omni_types::Permission::ALL` by a test.
CREATE TABLE permissions (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z]+:[a-z]+$'),
    description text NOT NULL
);

CREATE TABLE roles (
    id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name         text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_-]{1,49}$'),
    description  text NOT NULL DEFAULT '',
    built_in     boolean NOT NULL DEFAULT false,
    mfa_required boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_permissions (
    role_id    uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission text NOT NULL REFERENCES permissions (name) ON UPDATE CASCADE,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE admin_roles (
    admin_id   uuid NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    role_id    uuid NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by uuid REFERENCES admins (id) ON DELETE SET NULL,
    PRIMARY KEY (admin_id, role_id)
);
CREATE INDEX admin_roles_role_id ON admin_roles (role_id);

INSERT INTO permissions (name, description) VALUES
    ('admins:read',    'See admins and their roles'),
    ('admins:manage',  'Invite, disable and assign roles to admins; edit roles'),
    ('audit:read',     'Read and export the admin audit log'),
    ('mcp:read',       'See MCP servers, their health and tools'),
    ('mcp:write',      'Create, edit, enable/disable and delete MCP servers'),
    ('users:read',     'See hub users and their permissions'),
    ('users:write',    'Create, edit and import hub users and their permissions'),
    ('orgs:read',      'See organizations and open their dashboards'),
    ('orgs:write',     'Edit, suspend and activate organizations'),
    ('telemetry:read', 'Read usage, cost and performance analytics'),
    ('events:write',   'Push usage events (integrators)'),
    ('billing:read',   'Read revenue, subscriptions, invoices and payments'),
    ('billing:write',  'Enter billing data and push billing events'),
    ('config:read',    'Export and diff the hub configuration'),
    ('config:write',   'Apply configuration and roll back snapshots'),
    ('settings:read',  'See platform settings'),
    ('settings:write', 'Change platform settings'),
    ('system:read',    'See system health, metrics and alerts');

INSERT INTO roles (name, description, built_in, mfa_required) VALUES
    ('owner',   'Everything, including billing, platform settings and admin management', true, true),
    ('admin',   'Telemetry, organizations, MCP servers, hub users and system health; no billing, no platform settings', true, false),
    ('support', 'Read organizations, open an organization''s dashboard, read-only telemetry', true, false),
    ('billing', 'Revenue and subscriptions; no technical access', true, false);

INSERT INTO role_permissions (role_id, permission)
SELECT r.id, p.name
FROM roles r
JOIN permissions p ON
    r.name = 'owner'
    OR (r.name = 'admin' AND p.name IN (
        'admins:read', 'audit:read', 'mcp:read', 'mcp:write', 'users:read', 'users:write',
        'orgs:read', 'orgs:write', 'telemetry:read', 'events:write', 'config:read',
        'config:write', 'system:read'))
    OR (r.name = 'support' AND p.name IN (
        'orgs:read', 'telemetry:read', 'mcp:read', 'users:read'))
    OR (r.name = 'billing' AND p.name IN (
        'billing:read', 'billing:write', 'orgs:read'));

-- Refresh tokens (SPEC AUTH-1): opaque, stored as SHA-256, rotated on every use. All
-- tokens descending from one sign-in share a family; presenting a token that was already
-- used revokes the whole family.
CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    family_id  uuid NOT NULL,
    admin_id   uuid NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz,
    ip         inet,
    user_agent text
);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_admin_id ON refresh_tokens (admin_id);

-- Login attempts (SPEC AUTH-3), shared by every API instance. `account` is the
-- normalised email as typed, so unknown accounts are limited exactly like known ones.
CREATE TABLE login_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account      text NOT NULL,
    ip           inet,
    succeeded    boolean NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_account ON login_attempts (account, attempted_at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, attempted_at);

-- The admin audit log (SPEC AUDIT-1). Append-only: the database refuses to change it.
CREATE TABLE admin_audit_log (
    id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    actor_admin_id uuid,
    actor_label    text NOT NULL,
    action         text NOT NULL,
    resource_type  text NOT NULL,
    resource_id    text,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb,
    ip             inet,
    user_agent     text,
    request_id     text
);
CREATE INDEX admin_audit_log_occurred_at ON admin_audit_log (occurred_at DESC, id DESC);
CREATE INDEX admin_audit_log_actor ON admin_audit_log (actor_admin_id, occurred_at DESC);
CREATE INDEX admin_audit_log_action ON admin_audit_log (action, occurred_at DESC);

CREATE FUNCTION admin_audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_audit_log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER admin_audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON admin_audit_log
    FOR EACH ROW EXECUTE FUNCTION admin_audit_log_is_append_only();
CREATE TRIGGER admin_audit_log_no_truncate
    BEFORE TRUNCATE ON admin_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_is_append_only();

-- Organizations (tenants), hub users and what they may call (SPEC ORG-1..4, USER-1,
-- USER-2, USER-4); MCP servers gain an owning organization (MCP-1).

INSERT INTO permissions (name, description) VALUES
    ('users:authorize', 'Ask whether a hub user may call a tool (the hub, before each call)');
INSERT INTO role_permissions (role_id, permission)
SELECT id, 'users:authorize' FROM roles WHERE name IN ('owner', 'admin', 'support');

CREATE TABLE organizations (
    id                    uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug                  text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    plan                  text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'team', 'business', 'enterprise')),
    status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    status_reason         text,
    status_changed_at     timestamptz,
    -- Overrides of the platform settings (ORG-4); null: the platform default.
    monthly_budget_cents  bigint CHECK (monthly_budget_cents >= 0),
    rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0),
    -- true: only the servers in organization_allowed_servers (and its own).
    servers_restricted    boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_slug_key ON organizations (slug);
CREATE INDEX organizations_name ON organizations (lower(name), id);
CREATE INDEX organizations_created ON organizations (created_at, id);

CREATE TABLE organization_allowed_servers (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    server_id       uuid NOT NULL REFERENCES mcp_servers (id) ON DELETE CASCADE,
    PRIMARY KEY (organization_id, server_id)
);
CREATE INDEX organization_allowed_servers_server ON organization_allowed_servers (server_id);

CREATE TABLE organization_status_changes (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status          text NOT NULL CHECK (status IN ('active', 'suspended')),
    reason          text NOT NULL,
    changed_by      uuid REFERENCES admins (id) ON DELETE SET NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organization_status_changes_org ON organization_status_changes (organization_id, changed_at DESC, id DESC);

-- An organization that owns servers cannot be deleted: its servers would otherwise
-- either vanish or become global (callable by every organization).
ALTER TABLE mcp_servers ADD COLUMN organization_id uuid REFERENCES organizations (id) ON DELETE RESTRICT;
CREATE INDEX mcp_servers_organization ON mcp_servers (organization_id);

CREATE TABLE hub_users (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    role            text NOT NULL DEFAULT 'member' CHECK (role IN ('viewer', 'member', 'admin')),
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX hub_users_email_key ON hub_users (organization_id, lower(email));
CREATE INDEX hub_users_name ON hub_users (lower(name), id);
CREATE INDEX hub_users_email ON hub_users (lower(email), id);
CREATE INDEX hub_users_organization ON hub_users (organization_id, lower(name), id);
CREATE INDEX hub_users_created ON hub_users (created_at, id);
ALTER TABLE hub_users ADD CONSTRAINT hub_users_id_organization UNIQUE (id, organization_id);

-- Ids of a user in other systems (a Slack user id, …): unique per provider within an
-- organization, so usage events can name a user by one.
CREATE TABLE hub_user_external_ids (
    user_id         uuid NOT NULL,
    -- Follows the user's organization (ON UPDATE CASCADE) when the user moves.
    organization_id uuid NOT NULL,
    provider        text NOT NULL CHECK (provider ~ '^[a-z0-9_-]{1,32}$'),
    external_id     text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    PRIMARY KEY (user_id, provider),
    FOREIGN KEY (user_id, organization_id) REFERENCES hub_users (id, organization_id)
        ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX hub_user_external_ids_key ON hub_user_external_ids (organization_id, provider, external_id);

-- USER-2: a user may call the named tools of a server, or all of them (`*`).
CREATE TABLE hub_user_grants (
    user_id    uuid NOT NULL REFERENCES hub_users (id) ON DELETE CASCADE,
    server_id  uuid NOT NULL REFERENCES mcp_servers (id) ON DELETE CASCADE,
    tools      text[] NOT NULL CHECK (cardinality(tools) >= 1),
    granted_by uuid REFERENCES admins (id) ON DELETE SET NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, server_id)
);
CREATE INDEX hub_user_grants_server ON hub_user_grants (server_id);

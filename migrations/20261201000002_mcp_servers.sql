-- MCP servers: the registry, health checks and their history, discovered tools and the
-- changes to them (SPEC MCP-1..4).

INSERT INTO permissions (name, description) VALUES
    ('mcp:report', 'Report the health of hub-run (stdio) MCP servers (the hub)');
INSERT INTO role_permissions (role_id, permission)
SELECT id, 'mcp:report' FROM roles WHERE name IN ('owner', 'admin');

CREATE TABLE mcp_servers (
    id                      uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name                    text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    description             text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    transport               text NOT NULL CHECK (transport IN ('streamable_http', 'stdio')),
    -- Streamable HTTP: where the server listens. stdio: what the hub runs (never the
    -- admin plane: it stores the command, it does not execute it).
    url                     text CHECK (length(url) <= 2048),
    command                 text CHECK (length(command) <= 1024),
    args                    text[] NOT NULL DEFAULT '{}',
    -- The auth header sent to the server: its name in clear, its value sealed with
    -- AES-256-GCM under OMNI_ENCRYPTION_KEY and never returned by the API.
    auth_header_name        text NOT NULL DEFAULT 'Authorization',
    auth_header_sealed      bytea,
    timeout_ms              integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 120000),
    degraded_threshold_ms   integer NOT NULL DEFAULT 2000 CHECK (degraded_threshold_ms BETWEEN 1 AND 120000),
    check_interval_seconds  integer NOT NULL DEFAULT 60 CHECK (check_interval_seconds BETWEEN 10 AND 86400),
    tags                    text[] NOT NULL DEFAULT '{}',
    enabled                 boolean NOT NULL DEFAULT true,
    require_tool_approval   boolean NOT NULL DEFAULT false,
    -- The outcome of the latest check or report (`disabled` is derived from `enabled`).
    health_status           text NOT NULL DEFAULT 'unknown'
                            CHECK (health_status IN ('unknown', 'up', 'degraded', 'down', 'auth_required')),
    last_checked_at         timestamptz,
    last_latency_ms         integer,
    last_error              text,
    protocol_version        text,
    server_name             text,
    server_version          text,
    -- Scheduling: failures in a row stretch the interval (backoff).
    consecutive_failures    integer NOT NULL DEFAULT 0,
    next_check_at           timestamptz NOT NULL DEFAULT now(),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK ((transport = 'streamable_http' AND url IS NOT NULL AND command IS NULL)
        OR (transport = 'stdio' AND command IS NOT NULL AND url IS NULL))
);
CREATE UNIQUE INDEX mcp_servers_name_key ON mcp_servers (lower(name));
CREATE INDEX mcp_servers_due ON mcp_servers (next_check_at) WHERE enabled AND transport = 'streamable_http';
CREATE INDEX mcp_servers_tags ON mcp_servers USING gin (tags);

CREATE TABLE mcp_health_checks (
    id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    server_id        uuid NOT NULL REFERENCES mcp_servers (id) ON DELETE CASCADE,
    checked_at       timestamptz NOT NULL DEFAULT now(),
    -- `check`: the admin plane's own MCP session; `report`: posted by the hub (stdio).
    source           text NOT NULL CHECK (source IN ('check', 'report')),
    status           text NOT NULL CHECK (status IN ('up', 'degraded', 'down', 'auth_required')),
    latency_ms       integer,
    error            text,
    protocol_version text,
    server_name      text,
    server_version   text,
    tool_count       integer
);
CREATE INDEX mcp_health_checks_server ON mcp_health_checks (server_id, checked_at DESC, id DESC);

CREATE TABLE mcp_tools (
    server_id     uuid NOT NULL REFERENCES mcp_servers (id) ON DELETE CASCADE,
    name          text NOT NULL,
    title         text,
    description   text,
    input_schema  jsonb NOT NULL DEFAULT '{}',
    output_schema jsonb,
    annotations   jsonb,
    -- `pending` and `rejected` tools are not for the hub to offer (require_tool_approval).
    status        text NOT NULL DEFAULT 'approved' CHECK (status IN ('approved', 'pending', 'rejected')),
    -- The definition an admin last approved (or that applied without approval): what a
    -- pending change is diffed against, so a server cannot hide a change behind another.
    approved_definition jsonb,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    changed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (server_id, name)
);

-- A tool's definition as changes show it (`before` / `after`) and as it is approved;
-- the API builds the same object (`db::mcp_tools::definition`).
CREATE FUNCTION mcp_tool_definition(t mcp_tools) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('title', t.title, 'description', t.description, 'input_schema', t.input_schema,
                              'output_schema', t.output_schema, 'annotations', t.annotations)
$$;

CREATE TABLE mcp_tool_changes (
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    server_id   uuid NOT NULL REFERENCES mcp_servers (id) ON DELETE CASCADE,
    detected_at timestamptz NOT NULL DEFAULT now(),
    tool_name   text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('added', 'removed', 'changed')),
    -- The tool's definition before and after (null for added / removed), and which of
    -- its fields differ.
    before      jsonb,
    after       jsonb,
    fields      text[] NOT NULL DEFAULT '{}',
    -- `applied`: no approval needed; `pending` until an admin approves or rejects;
    -- `superseded`: the server changed the tool again before anyone decided (the newer
    -- change, diffed against the last approved definition, carries the decision).
    status      text NOT NULL CHECK (status IN ('applied', 'pending', 'approved', 'rejected', 'superseded')),
    decided_by  uuid REFERENCES admins (id) ON DELETE SET NULL,
    decided_at  timestamptz
);
CREATE INDEX mcp_tool_changes_server ON mcp_tool_changes (server_id, detected_at DESC, id DESC);
CREATE INDEX mcp_tool_changes_pending ON mcp_tool_changes (server_id, tool_name) WHERE status = 'pending';

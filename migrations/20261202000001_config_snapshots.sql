-- Configuration as code (SPEC CFG-4, CFG-5): every apply and rollback stores the document
-- it left the hub in, who did it, from where, and what it changed.
CREATE TABLE config_snapshots (
    id             uuid PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    actor_admin_id uuid REFERENCES admins (id) ON DELETE SET NULL,
    actor_label    text NOT NULL,
    source         text NOT NULL CHECK (source IN ('file', 'ui', 'api', 'rollback')),
    -- The state the apply led to: the SHA-256 of `document`.
    state          text NOT NULL,
    created        integer NOT NULL,
    updated        integer NOT NULL,
    deleted        integer NOT NULL,
    counts         jsonb NOT NULL,
    message        text CHECK (char_length(message) <= 500),
    rolled_back_to uuid REFERENCES config_snapshots (id) ON DELETE SET NULL,
    -- The canonical export: secrets are references.
    document       text NOT NULL,
    -- The servers' secrets the references stood for (by server name), sealed, so a
    -- rollback restores them too. Never returned by the API.
    secret_names   text[] NOT NULL DEFAULT '{}',
    secret_values  bytea[] NOT NULL DEFAULT '{}',
    CHECK (cardinality(secret_names) = cardinality(secret_values))
);

CREATE INDEX config_snapshots_created ON config_snapshots (created_at DESC, id DESC);

-- A server's secret is exported as `${OMNI_SECRET_<NAME>_AUTH_HEADER}`, the name
-- upper-cased with `.`, `_` and `-` as `_`: names that differ only there would share a
-- variable (and so a secret), so they can't coexist.
CREATE UNIQUE INDEX mcp_servers_secret_variable
    ON mcp_servers ((upper(regexp_replace(name, '[^a-z0-9]', '_', 'g'))));

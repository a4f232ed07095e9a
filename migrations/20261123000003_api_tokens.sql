-- API tokens for integrators (SPEC AUTH-5). The secret is shown once and stored as
-- SHA-256 (it is 256 random bits, so a slow hash adds nothing); `prefix` finds the row.
-- A token acts with its own permissions intersected with its creator's current ones,
-- so a token never outlives its creator's rights.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       text NOT NULL UNIQUE,
    secret_hash  bytea NOT NULL,
    created_by   uuid NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    last_used_ip inet,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_created_by ON api_tokens (created_by, created_at DESC);

CREATE TABLE api_token_permissions (
    token_id   uuid NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    permission text NOT NULL REFERENCES permissions (name) ON UPDATE CASCADE,
    PRIMARY KEY (token_id, permission)
);

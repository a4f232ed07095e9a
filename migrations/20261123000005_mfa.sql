-- TOTP multi-factor authentication (SPEC AUTH-4). The TOTP secret is encrypted with
-- AES-256-GCM under OMNI_ENCRYPTION_KEY (the server must read it to check codes);
-- backup codes are stored as keyed SHA-256 and can each be used once.
CREATE TABLE admin_mfa (
    admin_id         uuid PRIMARY KEY REFERENCES admins (id) ON DELETE CASCADE,
    secret_encrypted bytea NOT NULL,
    -- NULL while enrolment waits for the first code.
    confirmed_at     timestamptz,
    -- The last TOTP time step accepted: a code is good once (RFC 6238 §5.2).
    last_used_step   bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE admin_backup_codes (
    id         uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    admin_id   uuid NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (admin_id, code_hash)
);

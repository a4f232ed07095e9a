-- Tamper evidence for the admin audit log (SPEC AUDIT-4), API-token actors (AUDIT-1) and
-- full-text search for the viewer (AUDIT-3).
--
-- Each entry gets a position `seq` and `hash = sha256(prev_hash || content)`, computed by
-- the database itself in a BEFORE INSERT trigger so that every writer (API, CLI, a future
-- job) extends the same chain. Writers are serialised by a transaction-level advisory lock
-- taken in the trigger, and `seq` is drawn after the lock, so seq order is chain order.

ALTER TABLE admin_audit_log
    ADD COLUMN actor_kind text NOT NULL DEFAULT 'anonymous'
        CHECK (actor_kind IN ('admin', 'token', 'anonymous', 'system')),
    ADD COLUMN actor_token_id uuid,
    ADD COLUMN seq bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

CREATE SEQUENCE admin_audit_log_seq AS bigint;

-- The exact bytes an entry's hash covers. Changing this function breaks every chain.
CREATE FUNCTION admin_audit_log_content(e admin_audit_log) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(concat_ws(chr(31),
        e.seq::text,
        e.id::text,
        to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_kind,
        coalesce(e.actor_admin_id::text, ''),
        coalesce(e.actor_token_id::text, ''),
        e.actor_label,
        e.action,
        e.resource_type,
        coalesce(e.resource_id, ''),
        e.details::text,
        coalesce(host(e.ip), ''),
        coalesce(e.user_agent, ''),
        coalesce(e.request_id, '')), 'UTF8')
$$;

CREATE FUNCTION admin_audit_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('omni-admin:audit-chain', 0));
    NEW.seq := nextval('admin_audit_log_seq');
    SELECT hash INTO NEW.prev_hash FROM admin_audit_log ORDER BY seq DESC LIMIT 1;
    NEW.prev_hash := coalesce(NEW.prev_hash, ''::bytea);
    NEW.hash := sha256(NEW.prev_hash || admin_audit_log_content(NEW));
    RETURN NEW;
END
$$;

-- Chain the entries written before this migration, oldest first.
ALTER TABLE admin_audit_log DISABLE TRIGGER admin_audit_log_no_update_delete;
UPDATE admin_audit_log SET actor_kind = CASE
    WHEN actor_admin_id IS NOT NULL THEN 'admin'
    WHEN actor_label IN ('bootstrap', 'cli') THEN 'system'
    ELSE 'anonymous' END;
DO $$
DECLARE
    e admin_audit_log;
    prev bytea := ''::bytea;
BEGIN
    FOR e IN SELECT * FROM admin_audit_log ORDER BY occurred_at, id LOOP
        e.seq := nextval('admin_audit_log_seq');
        e.prev_hash := prev;
        e.hash := sha256(prev || admin_audit_log_content(e));
        UPDATE admin_audit_log SET seq = e.seq, prev_hash = e.prev_hash, hash = e.hash WHERE id = e.id;
        prev := e.hash;
    END LOOP;
END
$$;
ALTER TABLE admin_audit_log ENABLE TRIGGER admin_audit_log_no_update_delete;

ALTER TABLE admin_audit_log
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT admin_audit_log_seq_key UNIQUE (seq);

CREATE TRIGGER admin_audit_log_chain
    BEFORE INSERT ON admin_audit_log
    FOR EACH ROW EXECUTE FUNCTION admin_audit_log_chain();

-- The viewer: newest first by seq, and search.
DROP INDEX admin_audit_log_occurred_at;
CREATE INDEX admin_audit_log_occurred_at ON admin_audit_log (occurred_at);
CREATE INDEX admin_audit_log_resource ON admin_audit_log (resource_type, resource_id);
CREATE FUNCTION admin_audit_log_document(e admin_audit_log) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_tsvector('simple', concat_ws(' ', e.actor_label, translate(e.actor_label, '@.', '  '),
        translate(e.action, '._', '  '), e.action,
        e.resource_type, e.resource_id, e.details::text, host(e.ip), e.request_id))
$$;
CREATE INDEX admin_audit_log_search ON admin_audit_log USING gin (admin_audit_log_document(admin_audit_log));

-- Rollups by grain (SPEC ANA-5). docs/ARCHITECTURE.md ("Usage and analytics") explains
-- the layout; in short: a rollup row keeps some dimensions (its grain) and sums over
-- the others, so a question reads the smallest grain that has the dimensions it
-- filters or groups by: an unfiltered 30-day overview reads a few hundred rows, not
-- millions.
--
-- grain is a bit set of the dimensions kept: 1 organization, 2 server, 4 tool,
-- 8 model, 16 user (31: every dimension, the base every other grain sums). A dimension
-- not kept holds the nil uuid or ''. usage::rollup::Grain lists the grains written.
--
-- Replaces usage_hourly (every dimension), usage_daily and usage_hourly_servers of the
-- previous migration, keeping their numbers.

-- Replaying and discarding dead letters is an admin's decision, not the hub's: its own
-- permission, apart from events:write.
INSERT INTO permissions (name, description) VALUES
    ('events:manage', 'Replay and discard refused usage events (dead letters)');
-- Every role that could replay through events:write keeps that ability (owner and
-- admin among them); API tokens list their permissions and do not.
INSERT INTO role_permissions (role_id, permission)
SELECT DISTINCT role_id, 'events:manage' FROM role_permissions WHERE permission = 'events:write'
ON CONFLICT DO NOTHING;

ALTER TABLE usage_hourly RENAME TO usage_hourly_v1;
ALTER TABLE usage_hourly_errors RENAME TO usage_hourly_errors_v1;
ALTER TABLE usage_daily RENAME TO usage_daily_v1;
-- The old tables' indexes keep their names: free them for the new ones.
ALTER INDEX usage_hourly_user RENAME TO usage_hourly_v1_user;
ALTER INDEX usage_daily_user RENAME TO usage_daily_v1_user;
ALTER INDEX usage_daily_org RENAME TO usage_daily_v1_org;
ALTER INDEX usage_hourly_org RENAME TO usage_hourly_v1_org;
ALTER INDEX usage_hourly_pkey RENAME TO usage_hourly_v1_pkey;
ALTER INDEX usage_daily_pkey RENAME TO usage_daily_v1_pkey;
ALTER INDEX usage_hourly_errors_pkey RENAME TO usage_hourly_errors_v1_pkey;

-- Hourly rows of every grain, maintained in the ingesting transaction. Rows of a grain
-- and hour are contiguous in the primary key; its text columns compare bytes (COLLATE
-- "C": faster than a locale, and only equality is ever asked of them). Measure updates touch no indexed column,
-- so with room left on each page they are HOT updates (no index writes).
CREATE TABLE usage_hourly (
    grain           smallint NOT NULL CHECK (grain BETWEEN 0 AND 31),
    hour            timestamptz NOT NULL,
    organization_id uuid NOT NULL,
    mcp_server_id   uuid NOT NULL,
    tool            text COLLATE "C" NOT NULL,
    model           text COLLATE "C" NOT NULL,
    hub_user_id     uuid NOT NULL,
    calls           bigint NOT NULL,
    errors          bigint NOT NULL,
    input_tokens    bigint NOT NULL,
    output_tokens   bigint NOT NULL,
    cached_tokens   bigint NOT NULL,
    cost_micros     bigint NOT NULL,
    latency_ms_sum  bigint NOT NULL,
    latency         integer[] NOT NULL CHECK (cardinality(latency) = usage_latency_buckets()),
    PRIMARY KEY (grain, hour, organization_id, mcp_server_id, tool, model, hub_user_id)
) WITH (fillfactor = 80);
-- One user's rows (USER-3, the user filter) in the grains that keep users, and one
-- organization's (the scope of "Open as admin") in the grains that keep organizations
-- but the widest. Queries name their grain as a literal, so these partial indexes
-- apply to them.
CREATE INDEX usage_hourly_user ON usage_hourly (hub_user_id, grain, hour) WHERE grain IN (17, 31);
CREATE INDEX usage_hourly_org ON usage_hourly (organization_id, grain, hour) WHERE grain IN (1, 15, 17);

-- The wide grains by UTC day, for the days that are over: written by the sealing job
-- (usage::days) from the hourly rows, never by ingestion. usage_days says which days
-- are sealed; a late event for a sealed day marks it dirty, and until it is sealed
-- again questions read that day from the hourly rows.
CREATE TABLE usage_daily (LIKE usage_hourly INCLUDING CONSTRAINTS);
ALTER TABLE usage_daily RENAME COLUMN hour TO day;
-- A day can count more calls in a bucket than an int4 holds.
ALTER TABLE usage_daily ALTER COLUMN latency TYPE bigint[];
ALTER TABLE usage_daily ADD PRIMARY KEY (grain, day, organization_id, mcp_server_id, tool, model, hub_user_id);
CREATE INDEX usage_daily_user ON usage_daily (hub_user_id, grain, day) WHERE grain IN (17, 19, 23);
CREATE INDEX usage_daily_org ON usage_daily (organization_id, grain, day);
-- Written by the sealing job only: indexes here cost ingestion nothing.
CREATE INDEX usage_daily_server ON usage_daily (mcp_server_id, grain, day) WHERE grain IN (15, 19, 23);
CREATE INDEX usage_daily_tool ON usage_daily (tool, grain, day) WHERE grain IN (15, 23);

CREATE TABLE usage_days (
    day       timestamptz PRIMARY KEY CHECK (day = date_trunc('day', day, 'UTC')),
    dirty     boolean NOT NULL DEFAULT false,
    sealed_at timestamptz NOT NULL DEFAULT now()
);

-- Errors by type, hourly, by grain (no model: errors are not asked by model).
CREATE TABLE usage_hourly_errors (
    grain           smallint NOT NULL CHECK (grain BETWEEN 0 AND 31 AND grain & 8 = 0),
    hour            timestamptz NOT NULL,
    organization_id uuid NOT NULL,
    mcp_server_id   uuid NOT NULL,
    tool            text COLLATE "C" NOT NULL,
    hub_user_id     uuid NOT NULL,
    error_type      text COLLATE "C" NOT NULL,
    errors          bigint NOT NULL,
    PRIMARY KEY (grain, hour, organization_id, mcp_server_id, tool, hub_user_id, error_type)
);
CREATE INDEX usage_hourly_errors_user ON usage_hourly_errors (hub_user_id, grain, hour) WHERE grain IN (17, 23);

-- The previous rows, summed into every grain usage::rollup::Grain::HOURLY lists
-- (0, 1, 2, 6, 8, 15, 17, 31) and usage::rollup::Grain::ERRORS (0, 1, 2, 6, 17, 23).
INSERT INTO usage_hourly
SELECT g,
       hour,
       CASE WHEN g & 1 <> 0 THEN organization_id ELSE '00000000-0000-0000-0000-000000000000' END,
       CASE WHEN g & 2 <> 0 THEN mcp_server_id ELSE '00000000-0000-0000-0000-000000000000' END,
       CASE WHEN g & 4 <> 0 THEN tool ELSE '' END,
       CASE WHEN g & 8 <> 0 THEN model ELSE '' END,
       CASE WHEN g & 16 <> 0 THEN hub_user_id ELSE '00000000-0000-0000-0000-000000000000' END,
       sum(calls), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros),
       sum(latency_ms_sum),
       (SELECT array_agg(s ORDER BY b) FROM (
            SELECT b, sum(x)::int4 AS s FROM unnest(array_agg(latency)) WITH ORDINALITY AS a (x, n),
                   LATERAL (SELECT (n - 1) % usage_latency_buckets() AS b) bb GROUP BY b) per_bucket)
FROM usage_hourly_v1, unnest(ARRAY[0, 1, 2, 6, 8, 15, 17, 31]) AS grains (g)
GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO usage_hourly_errors
SELECT g,
       hour,
       CASE WHEN g & 1 <> 0 THEN organization_id ELSE '00000000-0000-0000-0000-000000000000' END,
       CASE WHEN g & 2 <> 0 THEN mcp_server_id ELSE '00000000-0000-0000-0000-000000000000' END,
       CASE WHEN g & 4 <> 0 THEN tool ELSE '' END,
       CASE WHEN g & 16 <> 0 THEN hub_user_id ELSE '00000000-0000-0000-0000-000000000000' END,
       error_type,
       sum(errors)
FROM usage_hourly_errors_v1, unnest(ARRAY[0, 1, 2, 6, 17, 23]) AS grains (g)
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Days are sealed again by the job (usage::days) from the hourly rows.
DROP TABLE usage_hourly_v1, usage_daily_v1, usage_hourly_errors_v1, usage_hourly_servers;

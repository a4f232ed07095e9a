-- Usage events and their rollups (SPEC ANA-1, ANA-5). docs/ARCHITECTURE.md ("Usage and
-- analytics") explains the layout: raw events for the retention window, hourly and daily
-- rollups maintained in the ingesting transaction, answered from the rollups.
--
-- No foreign keys to organizations, users or servers: usage is history. Deleting a user
-- keeps what they cost; the analytics show such ids as deleted.

-- Raw events, kept for OMNI_USAGE_RETENTION_DAYS. The client's event id is the key:
-- a re-sent event conflicts and is reported as a duplicate (events older than the
-- retention window are refused, so the key outlives every event it could match).
CREATE TABLE usage_events (
    id              uuid PRIMARY KEY,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    organization_id uuid NOT NULL,
    hub_user_id     uuid NOT NULL,
    mcp_server_id   uuid NOT NULL,
    tool            text NOT NULL,
    model           text NOT NULL DEFAULT '',
    status          text NOT NULL CHECK (status IN ('ok', 'error')),
    error_type      text CHECK ((status = 'error') = (error_type IS NOT NULL)),
    latency_ms      integer NOT NULL CHECK (latency_ms >= 0),
    input_tokens    bigint NOT NULL CHECK (input_tokens >= 0),
    output_tokens   bigint NOT NULL CHECK (output_tokens >= 0),
    cached_tokens   bigint NOT NULL CHECK (cached_tokens >= 0),
    cost_micros     bigint NOT NULL CHECK (cost_micros >= 0)
);
-- Events arrive roughly in time order, so a block-range index answers time ranges
-- (retention, the recent-events feed, raw comparisons) at a few kilobytes per million
-- rows instead of a B-tree's tens of megabytes.
CREATE INDEX usage_events_occurred_at ON usage_events USING brin (occurred_at) WITH (pages_per_range = 16);

-- The latency histogram: usage_latency_buckets() fixed log-scale buckets (bucket 0:
-- under 1 ms; bucket i: [2^((i-1)/2), 2^(i/2)) ms; the last one open-ended), counted per
-- rollup row so percentiles merge across rows and hours. The API computes bucket indexes
-- (usage::histogram) and the same constant lives here for CHECKs.
CREATE FUNCTION usage_latency_buckets() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 36';

-- Hourly rollup of everything, by (hour, organization, user, server, tool, model). The
-- base every other rollup could be rebuilt from.
CREATE TABLE usage_hourly (
    hour            timestamptz NOT NULL,
    organization_id uuid NOT NULL,
    hub_user_id     uuid NOT NULL,
    mcp_server_id   uuid NOT NULL,
    tool            text NOT NULL,
    model           text NOT NULL,
    calls           bigint NOT NULL,
    errors          bigint NOT NULL,
    input_tokens    bigint NOT NULL,
    output_tokens   bigint NOT NULL,
    cached_tokens   bigint NOT NULL,
    cost_micros     bigint NOT NULL,
    latency_ms_sum  bigint NOT NULL,
    latency         integer[] NOT NULL CHECK (cardinality(latency) = usage_latency_buckets()),
    PRIMARY KEY (hour, organization_id, hub_user_id, mcp_server_id, tool, model)
);
CREATE INDEX usage_hourly_user ON usage_hourly (hub_user_id, hour);
CREATE INDEX usage_hourly_org ON usage_hourly (organization_id, hour);

-- The same by UTC day: totals over long ranges read whole days here and only the
-- partial days at the edges from usage_hourly.
CREATE TABLE usage_daily (LIKE usage_hourly INCLUDING CONSTRAINTS);
ALTER TABLE usage_daily RENAME COLUMN hour TO day;
ALTER TABLE usage_daily ADD PRIMARY KEY (day, organization_id, hub_user_id, mcp_server_id, tool, model);
CREATE INDEX usage_daily_user ON usage_daily (hub_user_id, day);
CREATE INDEX usage_daily_org ON usage_daily (organization_id, day);

-- Hourly without the user: time series and heatmaps of everything (users are the
-- widest dimension; without them an hour is a few hundred rows).
CREATE TABLE usage_hourly_servers (
    hour            timestamptz NOT NULL,
    organization_id uuid NOT NULL,
    mcp_server_id   uuid NOT NULL,
    tool            text NOT NULL,
    model           text NOT NULL,
    calls           bigint NOT NULL,
    errors          bigint NOT NULL,
    input_tokens    bigint NOT NULL,
    output_tokens   bigint NOT NULL,
    cached_tokens   bigint NOT NULL,
    cost_micros     bigint NOT NULL,
    latency_ms_sum  bigint NOT NULL,
    latency         integer[] NOT NULL CHECK (cardinality(latency) = usage_latency_buckets()),
    PRIMARY KEY (hour, organization_id, mcp_server_id, tool, model)
);
CREATE INDEX usage_hourly_servers_server ON usage_hourly_servers (mcp_server_id, hour);
CREATE INDEX usage_hourly_servers_org ON usage_hourly_servers (organization_id, hour);

-- Errors by type, hourly (errors are few, so this keeps every dimension).
CREATE TABLE usage_hourly_errors (
    hour            timestamptz NOT NULL,
    organization_id uuid NOT NULL,
    hub_user_id     uuid NOT NULL,
    mcp_server_id   uuid NOT NULL,
    tool            text NOT NULL,
    error_type      text NOT NULL,
    errors          bigint NOT NULL,
    PRIMARY KEY (hour, organization_id, hub_user_id, mcp_server_id, tool, error_type)
);

-- Events that were refused, with why, until an admin replays or discards them. One row
-- per event id: a hub retrying a refused event updates its row.
CREATE TABLE usage_dead_letters (
    id              uuid PRIMARY KEY,
    event_id        uuid,
    payload         jsonb NOT NULL,
    reason          text NOT NULL,
    detail          text NOT NULL,
    attempts        integer NOT NULL DEFAULT 1,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    api_token_id    uuid REFERENCES api_tokens (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX usage_dead_letters_event ON usage_dead_letters (event_id);
CREATE INDEX usage_dead_letters_seen ON usage_dead_letters (last_seen_at DESC, id DESC);
CREATE INDEX usage_dead_letters_reason ON usage_dead_letters (reason, last_seen_at DESC, id DESC);

-- Token prices per model, for events that do not carry their cost (micro-dollars per
-- million tokens: 3000000 is $3 per million).
CREATE TABLE model_prices (
    model                      text PRIMARY KEY CHECK (length(model) BETWEEN 1 AND 100),
    input_micros_per_mtok      bigint NOT NULL CHECK (input_micros_per_mtok >= 0),
    output_micros_per_mtok     bigint NOT NULL CHECK (output_micros_per_mtok >= 0),
    cached_micros_per_mtok     bigint NOT NULL CHECK (cached_micros_per_mtok >= 0),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);


-- Sealed ISO weeks (Monday 00:00 UTC): the daily grains summed over the seven sealed
-- days of a week that is over, so a 30-day breakdown by user reads about four rows per
-- user where it read thirty (docs/ARCHITECTURE.md, "Usage and analytics"). Written by
-- the sealing job only (usage::days), from usage_daily: ingestion never touches it.
CREATE TABLE usage_weekly (LIKE usage_daily INCLUDING CONSTRAINTS);
ALTER TABLE usage_weekly RENAME COLUMN day TO week;
ALTER TABLE usage_weekly ADD CHECK (week = date_trunc('week', week, 'UTC'));
ALTER TABLE usage_weekly ADD PRIMARY KEY (grain, week, organization_id, mcp_server_id, tool, model, hub_user_id);
CREATE INDEX usage_weekly_user ON usage_weekly (hub_user_id, grain, week) WHERE grain IN (17, 19, 23);
CREATE INDEX usage_weekly_org ON usage_weekly (organization_id, grain, week);
CREATE INDEX usage_weekly_server ON usage_weekly (mcp_server_id, grain, week) WHERE grain IN (15, 19, 23);
CREATE INDEX usage_weekly_tool ON usage_weekly (tool, grain, week) WHERE grain IN (15, 23);

CREATE TABLE usage_weeks (
    week      timestamptz PRIMARY KEY CHECK (week = date_trunc('week', week, 'UTC')),
    sealed_at timestamptz NOT NULL DEFAULT now()
);

-- A week's rows hold everything while each of its seven days is sealed, clean, and was
-- sealed no later than the week (a day sealed again since makes the week stale until it
-- is sealed again). No flag to keep in step: a question checks this in its snapshot.
CREATE FUNCTION usage_week_holds_everything(week timestamptz, sealed_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT count(*) = 7 FROM usage_days d
    WHERE d.day >= $1 AND d.day < $1 + interval '7 days' AND NOT d.dirty AND d.sealed_at <= $2
$$;

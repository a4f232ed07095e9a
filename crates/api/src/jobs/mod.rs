//! Background jobs. Each runs on exactly one API instance at a time: the instance that
//! holds the job's PostgreSQL advisory lock (SPEC Shape).

pub mod health;

/// Advisory lock keys, one per job (an arbitrary constant each; they share PostgreSQL's
/// one lock space with every other client, hence the unusual values).
pub mod locks {
    use sqlx::{Connection, PgConnection, PgPool};

    pub const MCP_HEALTH: i64 = 0x6f6d_6e69_0001; // "omni" + job 1
    pub const USAGE_RETENTION: i64 = 0x6f6d_6e69_0002;
    pub const USAGE_DAYS_JOB: i64 = 0x6f6d_6e69_0003;
    /// Plus the day's number since 1970: one lock per UTC day's rollups (`db::usage`).
    pub const USAGE_DAYS: i64 = 0x6f6d_6e6a_0000_0000;
    /// Plus the hour's number since 1970: one lock per UTC hour's rollups (`db::usage`),
    /// above every day's.
    pub const USAGE_HOURS: i64 = 0x6f6d_6e6b_0000_0000;

    /// A job's lock, held on a connection of its own until [`Held::release`] (or until
    /// the connection goes, when PostgreSQL releases it).
    pub struct Held {
        conn: PgConnection,
        key: i64,
    }

    /// Takes the lock `key` if no other instance holds it.
    pub async fn try_hold(db: &PgPool, key: i64) -> sqlx::Result<Option<Held>> {
        // Detached: a pooled connection would go back to the pool, lock and all.
        let mut conn = db.acquire().await?.detach();
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(&mut conn)
            .await?;
        Ok(got.then_some(Held { conn, key }))
    }

    impl Held {
        pub async fn release(mut self) -> sqlx::Result<()> {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(self.key)
                .execute(&mut self.conn)
                .await?;
            self.conn.close().await
        }
    }
}

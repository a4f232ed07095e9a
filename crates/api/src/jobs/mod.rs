//! Background jobs. Each runs on exactly one API instance at a time: the instance that
//! holds the job's PostgreSQL advisory lock (SPEC Shape).

pub mod health;

/// Advisory lock keys, one per job (an arbitrary constant each; they share PostgreSQL's
/// one lock space with every other client, hence the unusual values).
pub mod locks {
    pub const MCP_HEALTH: i64 = 0x6f6d_6e69_0001; // "omni" + job 1
}

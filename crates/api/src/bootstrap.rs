//! Creating admins outside the API: the first owner on start (SPEC AUTH-7) and
//! `omni-admin create-admin`.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sqlx::PgPool;

use crate::app::generate_password;
use crate::auth::password;
use crate::config::Config;
use crate::db::admins::{self, CreateError};
use crate::db::audit::{self, Actor, Entry, actions};
use crate::http::client::ClientMeta;
use crate::validate;

/// Validated input for a new admin.
pub struct NewAdmin {
    pub email: String,
    pub display_name: String,
    pub password: SecretString,
    pub roles: Vec<String>,
}

/// Creates an admin (and its audit entry) in one transaction.
pub async fn create_admin(pool: &PgPool, new: NewAdmin, actor: Actor) -> anyhow::Result<uuid::Uuid> {
    let email = validate::email(&new.email).map_err(|why| anyhow::anyhow!("email `{}` {why}", new.email))?;
    if let Err(errors) = password::check_policy("password", new.password.expose_secret()) {
        anyhow::bail!("password {}", errors["password"].join(", "));
    }
    let display_name = match new.display_name.trim() {
        "" => email.split('@').next().unwrap_or("admin").to_owned(),
        name => name.chars().take(100).collect(),
    };
    let hash = password::hash(new.password).await?;
    let mut tx = pool.begin().await?;
    let id = match admins::create(&mut tx, &email, &display_name, &hash, &new.roles).await {
        Ok(id) => id,
        Err(CreateError::Db(e)) => return Err(e.into()),
        Err(e) => anyhow::bail!("{e}"),
    };
    let entry = Entry {
        actor,
        action: actions::ADMIN_CREATED,
        resource_type: "admin",
        resource_id: Some(id.to_string()),
        details: json!({ "after": { "email": email, "display_name": display_name, "roles": new.roles } }),
    };
    audit::record(&mut *tx, entry, &ClientMeta::default()).await?;
    tx.commit().await?;
    Ok(id)
}

/// On a database without admins, creates the first owner: from `OMNI_BOOTSTRAP_ADMIN_*`
/// when set, otherwise (development only) with a generated password printed once.
pub async fn ensure_owner(pool: &PgPool, config: &Config) -> anyhow::Result<()> {
    // One instance at a time: several starting together must not each create an owner.
    let mut lock = pool.acquire().await?;
    sqlx::query!("SELECT pg_advisory_lock(hashtextextended('omni-admin:bootstrap', 0))")
        .fetch_one(&mut *lock)
        .await?;
    let result = async {
        if admins::count(pool).await? > 0 {
            return Ok(());
        }
        let (email, password, generated) = match &config.bootstrap_admin {
            Some(b) => (b.email.clone(), b.password.clone(), false),
            None if config.is_production() => {
                tracing::warn!("no admin exists: set OMNI_BOOTSTRAP_ADMIN_EMAIL/PASSWORD or run `omni-admin create-admin`");
                return Ok(());
            }
            None => ("admin@omni.local".to_owned(), generate_password(), true),
        };
        let new = NewAdmin {
            email: email.clone(),
            display_name: "Owner".into(),
            password: password.clone(),
            roles: vec![omni_types::permissions::roles::OWNER.into()],
        };
        create_admin(pool, new, Actor::System { label: "bootstrap".into() }).await?;
        tracing::info!(%email, "bootstrap owner created");
        let shown = if generated { password.expose_secret().to_owned() } else { "(from OMNI_BOOTSTRAP_ADMIN_PASSWORD)".into() };
        eprintln!(
            "\n  ┌ First owner created ─────────────────────────────\n  │ email:    {email}\n  │ password: {shown}\n  └ Shown once. Sign in and keep it safe.\n"
        );
        anyhow::Ok(())
    }
    .await;
    sqlx::query!("SELECT pg_advisory_unlock(hashtextextended('omni-admin:bootstrap', 0))")
        .fetch_one(&mut *lock)
        .await?;
    result
}

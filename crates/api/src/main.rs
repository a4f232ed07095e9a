//! `omni-admin`: the server and its admin commands.

use std::io::Read;

use anyhow::Context;
use clap::{Parser, Subcommand};
use omni_admin::app::{self, generate_password};
use omni_admin::bootstrap::{self, NewAdmin};
use omni_admin::config::Config;
use omni_admin::db;
use omni_admin::db::audit::Actor;
use secrecy::{ExposeSecret, SecretString};

#[derive(Parser)]
#[command(name = "omni-admin", version, about = "Omni Admin: the control plane of an MCP hub")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API, docs and SPA (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin. Prints a generated password unless --password-stdin is given.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        name: String,
        /// Built-in or custom role name.
        #[arg(long, default_value = "owner")]
        role: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add demo data (the demo MCP server at --mcp-url) unless it exists.
    SeedDemo {
        /// The demo MCP server's endpoint (`omni-demo-mcp` prints it).
        #[arg(long, default_value = "http://127.0.0.1:8091/mcp")]
        mcp_url: String,
        /// Add this many usage events over the last 30 days (even when usage exists), for
        /// benchmarks. Without it, 60,000 are added to a database without usage.
        #[arg(long)]
        events: Option<u64>,
    },
    /// Print the OpenAPI document (JSON).
    Openapi,
    /// Configuration as code, against a running API (`--server`, `--token`).
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print the hub's configuration as YAML, or write it to --output.
    Export {
        #[command(flatten)]
        remote: RemoteArgs,
        /// Write the document here instead of to standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(clap::Args)]
struct RemoteArgs {
    /// The API's base URL.
    #[arg(long, env = "OMNI_SERVER", default_value = "http://127.0.0.1:8080")]
    server: String,
    /// An API token (or access token) with `config:read`.
    #[arg(long, env = "OMNI_TOKEN", hide_env_values = true)]
    token: String,
}

/// `omni-admin config …`: exit code 0 on success, 1 on any error (printed on stderr).
fn config_command(command: ConfigCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        match command {
            ConfigCommand::Export { remote, output } => {
                let remote = omni_admin::config_doc::client::Remote {
                    server: remote.server,
                    token: remote.token,
                };
                let exported = remote.export().await?;
                match output {
                    Some(path) => {
                        std::fs::write(&path, &exported.yaml).with_context(|| format!("writing {}", path.display()))?;
                        eprintln!("wrote {} (state {})", path.display(), exported.state);
                    }
                    None => print!("{}", exported.yaml),
                }
                Ok(())
            }
        }
    })
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            println!("{}", omni_admin::router::openapi().to_pretty_json()?);
            return Ok(());
        }
        // The CLI's configuration commands talk to an API; they need no database.
        Command::Config(command) => return config_command(command),
        other => other,
    };
    let config = Config::from_env()?;
    app::init_tracing(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match command {
            Command::Serve => app::serve(config).await,
            Command::Migrate => {
                let pool = db::pool(config.database_url.expose_secret(), 2)?;
                db::MIGRATOR.run(&pool).await.context("applying migrations")?;
                eprintln!("migrations applied");
                Ok(())
            }
            Command::CreateAdmin {
                email,
                name,
                role,
                password_stdin,
            } => {
                let (password, generated) = if password_stdin {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    (SecretString::from(s.trim_end_matches(['\r', '\n']).to_owned()), false)
                } else {
                    (generate_password(), true)
                };
                let pool = db::pool(config.database_url.expose_secret(), 2)?;
                db::MIGRATOR.run(&pool).await.context("applying migrations")?;
                let new = NewAdmin {
                    email: email.clone(),
                    display_name: name,
                    password: password.clone(),
                    roles: vec![role],
                };
                let id = bootstrap::create_admin(&pool, new, Actor::System { label: "cli".into() }).await?;
                eprintln!("created admin {email} ({id})");
                if generated {
                    println!("{}", password.expose_secret());
                }
                Ok(())
            }
            Command::SeedDemo { mcp_url, events } => {
                let pool = db::pool(config.database_url.expose_secret(), 2)?;
                db::MIGRATOR.run(&pool).await.context("applying migrations")?;
                if omni_admin::demo::seed(&pool, &mcp_url).await? {
                    eprintln!(
                        "demo data: registered the MCP server `{}` at {mcp_url}",
                        omni_admin::demo::DEMO_SERVER
                    );
                } else {
                    eprintln!(
                        "demo data: the MCP server `{}` is already there",
                        omni_admin::demo::DEMO_SERVER
                    );
                }
                match omni_admin::demo::seed_tenants(&pool).await? {
                    0 => eprintln!("demo data: organizations are already there"),
                    n => eprintln!("demo data: added 3 organizations and {n} hub users"),
                }
                let started = std::time::Instant::now();
                match omni_admin::demo::usage::seed_usage(&pool, events).await? {
                    None => eprintln!("demo data: usage is already there"),
                    Some(n) => eprintln!(
                        "demo data: added {n} usage events over 30 days in {:.1} s",
                        started.elapsed().as_secs_f64()
                    ),
                }
                Ok(())
            }
            Command::Openapi | Command::Config(_) => unreachable!("handled before start-up"),
        }
    })
}

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

/// Exit codes: 0 done (for `diff --exit-code`: no changes), 1 an error (unreachable,
/// refused), 2 `diff --exit-code` found changes, 3 the document is invalid, 4 the
/// configuration changed between the diff and the apply (run again).
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
    /// Check a document: every problem, with its line and column (exit 3 if invalid).
    Validate {
        file: std::path::PathBuf,
        #[command(flatten)]
        remote: RemoteArgs,
        /// Print the API's JSON answer.
        #[arg(long)]
        json: bool,
    },
    /// Show what applying a document would change.
    Diff {
        file: std::path::PathBuf,
        #[command(flatten)]
        remote: RemoteArgs,
        #[arg(long)]
        json: bool,
        /// Exit with 2 when there are changes.
        #[arg(long)]
        exit_code: bool,
    },
    /// Apply a document: computes the diff, prints it, and applies exactly that (needs
    /// `config:write` and the write permission of each kind it changes).
    Apply {
        file: std::path::PathBuf,
        #[command(flatten)]
        remote: RemoteArgs,
        #[arg(long)]
        json: bool,
        /// Only show the diff.
        #[arg(long)]
        dry_run: bool,
        /// A note kept with the snapshot (e.g. the commit).
        #[arg(long, short)]
        message: Option<String>,
    },
}

#[derive(clap::Args)]
struct RemoteArgs {
    /// The API's base URL.
    #[arg(long, env = "OMNI_SERVER", default_value = "http://127.0.0.1:8080")]
    server: String,
    /// An API token (or access token) with `config:read` (`config:write` to apply).
    #[arg(long, env = "OMNI_TOKEN", hide_env_values = true)]
    token: String,
}

impl RemoteArgs {
    fn remote(self) -> omni_admin::config_doc::client::Remote {
        omni_admin::config_doc::client::Remote {
            server: self.server,
            token: self.token,
        }
    }
}

/// `omni-admin config …`: prints what it did, and returns the exit code.
fn config_command(command: ConfigCommand) -> u8 {
    use omni_admin::config_doc::client::{Failure, render};
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))
            .map_err(Failure::Other)
    };
    let outcome: Result<u8, Failure> = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(e.into()))
        .and_then(|runtime| {
            runtime.block_on(async move {
                match command {
                    ConfigCommand::Export { remote, output } => {
                        let exported = remote.remote().export().await?;
                        match output {
                            Some(path) => {
                                std::fs::write(&path, &exported.yaml)
                                    .with_context(|| format!("writing {}", path.display()))?;
                                eprintln!("wrote {} (state {})", path.display(), exported.state);
                            }
                            None => print!("{}", exported.yaml),
                        }
                        Ok(0)
                    }
                    ConfigCommand::Validate {
                        file,
                        remote,
                        json: as_json,
                    } => {
                        let text = read(&file)?;
                        let v = remote.remote().validate(&text).await?;
                        if as_json {
                            json(&v);
                        } else {
                            for p in &v.problems {
                                println!(
                                    "{}:{}:{}: {}: {}: {}",
                                    file.display(),
                                    p.line,
                                    p.column,
                                    p.severity,
                                    if p.path.is_empty() { "document" } else { &p.path },
                                    p.message
                                );
                            }
                            if v.valid {
                                println!(
                                    "valid: {} organizations, {} MCP servers, {} users, {} model prices",
                                    v.counts.organizations, v.counts.mcp_servers, v.counts.users, v.counts.model_prices
                                );
                            }
                        }
                        Ok(if v.valid { 0 } else { 3 })
                    }
                    ConfigCommand::Diff {
                        file,
                        remote,
                        json: as_json,
                        exit_code,
                    } => {
                        let text = read(&file)?;
                        let diff = remote.remote().diff(&text).await?;
                        if as_json {
                            json(&diff);
                        } else {
                            print!("{}", render(&diff));
                        }
                        Ok(if exit_code && !diff.summary.is_empty() { 2 } else { 0 })
                    }
                    ConfigCommand::Apply {
                        file,
                        remote,
                        json: as_json,
                        dry_run,
                        message,
                    } => {
                        let text = read(&file)?;
                        let remote = remote.remote();
                        let diff = remote.diff(&text).await?;
                        if dry_run {
                            if as_json {
                                json(&diff);
                            } else {
                                print!("{}", render(&diff));
                            }
                            return Ok(0);
                        }
                        let outcome = remote.apply(&text, &diff.base_state, message).await?;
                        if as_json {
                            json(&outcome);
                        } else {
                            print!("{}", render(&outcome.diff));
                            match &outcome.snapshot {
                                Some(s) => println!("Applied: snapshot {} (state {}).", s.id, s.state),
                                None => println!("Nothing to apply."),
                            }
                        }
                        Ok(0)
                    }
                }
            })
        });
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            e.exit_code()
        }
    }
}

/// An answer as the `--json` output.
fn json<T: serde::Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            println!("{}", omni_admin::router::openapi().to_pretty_json()?);
            return Ok(());
        }
        // The CLI's configuration commands talk to an API; they need no database.
        Command::Config(command) => std::process::exit(i32::from(config_command(command))),
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

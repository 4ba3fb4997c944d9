//! The `chanjiao` command line: serve, migrate, manage users and organizations, import, check.
//! Every subcommand honours `--data-dir`, `--config` and `DATABASE_URL`, because they all read
//! the same [`Config`] (`allocate` reads it too, but never connects).
//!
//! Long commands draw progress bars ([`bars`]); every `--help` ends with examples
//! ([`examples`]); fixed choices are the domain's enums, so clap lists and checks them.
//! `doctor` prints the library's findings ([`doctor`]).

mod bars;
mod doctor;
mod examples;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use bars::Bars;
use chanjiao_api::config::Config;
use chanjiao_api::services::accounts::{self, NewUser};
use chanjiao_api::startup::{Application, shutdown_signal};
use chanjiao_api::{db, telemetry};
use chanjiao_domain::{OrgKind, Role, SchoolLevel};
use chanjiao_tools::demo;

#[derive(Debug, Parser)]
#[command(
    name = "chanjiao",
    version,
    about = "产教融合信息服务平台 / Industry–education talent matching platform",
    after_help = examples::CHANJIAO
)]
pub struct Cli {
    /// Configuration file (default: ./chanjiao.toml if present).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Folder for the SQLite database and the search index (default ./data).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    #[command(after_help = examples::SERVE)]
    Serve(ServeArgs),
    /// Bring the database schema up to date and exit.
    #[command(after_help = examples::MIGRATE)]
    Migrate,
    /// Manage user accounts.
    #[command(subcommand, after_help = examples::USER)]
    User(UserCommand),
    /// Manage organizations (authorities are created only here or by an administrator's page).
    #[command(subcommand, after_help = examples::ORG)]
    Org(OrgCommand),
    /// Rebuild this node's search index from the database (stop the server on this data dir
    /// first; it holds the index's write lock).
    #[command(after_help = examples::REINDEX)]
    Reindex,
    /// Load reference data.
    #[command(subcommand, after_help = examples::REFERENCE)]
    Reference(ReferenceCommand),
    /// Measure how well the matcher ranks catalogue programs (see docs/matching.md).
    #[command(subcommand, after_help = chanjiao_tools::eval::EXAMPLES)]
    Eval(chanjiao_tools::eval::EvalCommand),
    /// Place students into places from an instance file, without the database (see docs/rounds.md).
    #[command(after_help = chanjiao_tools::allocate::EXAMPLES)]
    Allocate(chanjiao_tools::allocate::AllocateArgs),
    /// Manage the plan targets the statistics dashboard measures against (see docs/statistics.md).
    #[command(subcommand, after_help = examples::TARGETS)]
    Targets(TargetsCommand),
    /// Write a consistent copy of the database while the server runs (see docs/operations.md).
    Backup(crate::ops::BackupArgs),
    /// Replace the database with a backup and rebuild the search index (server stopped).
    Restore(crate::ops::RestoreArgs),
    /// Copy every row of a SQLite database into an empty PostgreSQL database.
    MigrateData(crate::ops::MigrateDataArgs),
    /// The configuration file: every key, what it means and its default.
    #[command(subcommand, after_help = examples::CONFIG)]
    Config(ConfigCommand),
    /// Check the configuration, database, migrations, search index, reference data and webhook
    /// hosts, and say what to do about each problem. Changes nothing.
    #[command(after_help = examples::DOCTOR)]
    Doctor,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented chanjiao.toml with every key and its built-in default (or, with
    /// --packaged, the file the Debian package installs as /etc/chanjiao/chanjiao.toml).
    #[command(after_help = examples::CONFIG)]
    Sample {
        /// The Debian package's configuration: /var/lib/chanjiao, HTTPS behind a local nginx.
        #[arg(long)]
        packaged: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TargetsCommand {
    /// Replace a city's targets for a plan period with those of a CSV file shaped like
    /// crates/domain/data/plan_targets_shaoxing_2024.csv. The whole file is checked first; a bad
    /// file changes nothing and every problem is printed with its row and column.
    #[command(after_help = examples::TARGETS)]
    Import {
        /// The CSV file: id,name_zh,name_en,target,unit[,lead_unit].
        #[arg(long)]
        file: PathBuf,
        /// The city's division code.
        #[arg(long, default_value = chanjiao_domain::region::SHAOXING)]
        city: String,
        /// The plan's first year.
        #[arg(long)]
        first_year: i32,
        /// The plan's last year.
        #[arg(long)]
        last_year: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReferenceCommand {
    /// Load program profiles, occupation definitions and the program–occupation crosswalk from a
    /// folder (such as ../shared/data/reference). Idempotent: the tables are replaced.
    #[command(after_help = examples::REFERENCE)]
    Import {
        /// The folder holding program_profiles_2022.jsonl, occupations_2022.csv and
        /// program_occupation_crosswalk_2023.csv.
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Create the Shaoxing demonstration data and accounts (idempotent).
    #[arg(long)]
    pub demo: bool,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub bind: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to an organization, or a platform administrator (no --org).
    #[command(after_help = examples::USER)]
    Add {
        #[arg(long)]
        email: String,
        /// The initial password (or set CHANJIAO_NEW_USER_PASSWORD to keep it out of `ps`).
        #[arg(long, env = "CHANJIAO_NEW_USER_PASSWORD", hide_env_values = true)]
        password: String,
        /// The organization's id; omit for a platform administrator.
        #[arg(long)]
        org: Option<i64>,
        /// What the user may do; platform_admin takes no --org.
        #[arg(long, value_enum, default_value_t = Role::Member)]
        role: Role,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization of any kind, verified at once, with its first administrator. This
    /// is how authorities come to exist: registration refuses them.
    #[command(after_help = examples::ORG)]
    Add {
        #[arg(long, value_enum)]
        kind: OrgKind,
        #[arg(long)]
        name: String,
        /// The division code, e.g. 330600.
        #[arg(long)]
        region: String,
        /// Enterprises only: the unified social credit code.
        #[arg(long)]
        credit_code: Option<String>,
        /// Schools only: the level of education.
        #[arg(long, value_enum)]
        level: Option<SchoolLevel>,
        #[arg(long)]
        admin_email: String,
        /// The administrator's initial password (or set CHANJIAO_NEW_USER_PASSWORD).
        #[arg(long, env = "CHANJIAO_NEW_USER_PASSWORD", hide_env_values = true)]
        admin_password: String,
    },
}

pub async fn run() -> anyhow::Result<()> {
    chanjiao_api::tls::install_crypto_provider();
    let cli = Cli::parse();
    let loaded = Config::load(cli.config.as_deref(), |name| std::env::var(name).ok()).map(|mut config| {
        if let Some(dir) = cli.data_dir {
            config.data_dir = dir;
        }
        config
    });
    if let Command::Doctor = cli.command {
        // A configuration that does not load is doctor's first finding, not an error.
        if doctor::report(loaded).await {
            use std::io::Write;
            std::io::stdout().flush().ok();
            std::process::exit(1);
        }
        return Ok(());
    }
    let config = loaded?;
    telemetry::init(config.log_json);
    match cli.command {
        Command::Serve(args) => serve(config, args).await,
        Command::Config(ConfigCommand::Sample { packaged }) => {
            use chanjiao_api::config::sample;
            let config = if packaged { sample::packaged() } else { Config::default() };
            print!("{}", sample::render(&config));
            Ok(())
        }
        Command::Backup(args) => crate::ops::backup(&config, args).await,
        Command::Restore(args) => crate::ops::restore(&config, args).await,
        Command::MigrateData(args) => crate::ops::migrate_data(args).await,
        Command::Migrate => {
            let db = db::connect(&config).await.context("connecting to the database")?;
            db::migrate(&db).await.context("migrating")?;
            println!("database is up to date ({})", config.redacted_database());
            Ok(())
        }
        Command::Reindex => {
            let db = db::connect(&config).await.context("connecting to the database")?;
            db::migrate(&db).await.context("migrating")?;
            let index = std::sync::Arc::new(chanjiao_api::startup::open_index(&config).context("opening the index")?);
            let count = chanjiao_api::indexer::rebuild_with(&db, &index, &Bars::default())
                .await
                .map_err(|e| anyhow::anyhow!(describe(&e)))?;
            println!("reindexed {count} published postings into {}", config.data_dir.join("index").display());
            Ok(())
        }
        Command::Reference(ReferenceCommand::Import { dir }) => {
            let db = db::connect(&config).await.context("connecting to the database")?;
            db::migrate(&db).await.context("migrating")?;
            let summary = chanjiao_api::services::reference::import_with(&db, &dir, &Bars::default()).await?;
            println!("{}", summary.report());
            Ok(())
        }
        Command::Allocate(args) => {
            // Pure computation, but possibly seconds of it: off the async runtime's threads.
            let summary = tokio::task::spawn_blocking(move || chanjiao_tools::allocate::run(&args)).await??;
            println!("{summary}");
            Ok(())
        }
        Command::Eval(command) => {
            let db = db::connect(&config).await.context("connecting to the database")?;
            db::migrate(&db).await.context("migrating")?;
            chanjiao_tools::eval::run(&db, command, &Bars::default()).await
        }
        Command::Targets(TargetsCommand::Import { file, city, first_year, last_year }) => {
            use chanjiao_api::limits::{MAX_TARGETS_FILE_BYTES, MAX_TARGETS_ROWS, read_text_file};
            let text = read_text_file(&file, MAX_TARGETS_FILE_BYTES, MAX_TARGETS_ROWS)?;
            let db = db::connect(&config).await.context("connecting to the database")?;
            db::migrate(&db).await.context("migrating")?;
            let count = chanjiao_api::services::statistics::targets::plan::import_with(
                &db,
                &city,
                first_year,
                last_year,
                &text,
                chanjiao_api::clock::Clock::system().now(),
                &Bars::default(),
            )
            .await?;
            println!("imported {count} targets for {city}, {first_year}–{last_year}");
            Ok(())
        }
        // Answered above: doctor runs even when the configuration does not load.
        Command::Doctor => Ok(()),
        Command::Org(OrgCommand::Add { kind, name, region, credit_code, level, admin_email, admin_password }) => {
            let db = db::connect(&config).await.context("connecting to the database")?;
            db::migrate(&db).await.context("migrating")?;
            // The service takes the registration form's strings; the enums' own names are them.
            let (kind, level) = (kind.as_str().to_owned(), level.map(|l| l.as_str().to_owned()));
            let form = accounts::Registration { kind, name, region, credit_code, level, admin_email, admin_password };
            let hasher = chanjiao_api::auth::password::Hasher::new(1, 0);
            let org = accounts::create_verified(&db, &hasher, form, chanjiao_api::clock::Clock::system().now())
                .await
                .map_err(|e| anyhow::anyhow!(describe(&e)))?;
            println!("organization {} added ({}, verified): {}", org.id, org.kind, org.name);
            Ok(())
        }
        Command::User(UserCommand::Add { email, password, org, role }) => {
            let db = db::connect(&config).await.context("connecting to the database")?;
            db::migrate(&db).await.context("migrating")?;
            let hasher = chanjiao_api::auth::password::Hasher::new(1, 0);
            let id = accounts::add_user(
                &db,
                &hasher,
                org,
                NewUser { email, password, role: role.as_str().to_owned() },
                chanjiao_api::clock::Clock::system().now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!(describe(&e)))?;
            println!("user {id} added");
            Ok(())
        }
    }
}

/// A one-line account of an error for the terminal, naming the fields at fault.
fn describe(error: &chanjiao_api::error::ApiError) -> String {
    let fields = error.field_errors();
    if fields.is_empty() {
        error.to_string()
    } else {
        fields.iter().map(|f| format!("{}: {}", f.field, f.reason)).collect::<Vec<_>>().join("; ")
    }
}

async fn serve(mut config: Config, args: ServeArgs) -> anyhow::Result<()> {
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    tracing::info!(database = %config.redacted_database(), data_dir = %config.data_dir.display(), "starting");
    let app = Application::build(config).await.context("starting the server")?;
    let addr = app.local_addr().context("no local address")?;
    if args.demo {
        let (accounts, added) = demo::seed_all_with(&app.state().db, &app.state().clock, &Bars::default())
            .await
            .map_err(|e| anyhow::anyhow!(describe(&e)))?;
        if added > 0 {
            tracing::info!(postings = added, "demo postings created");
        }
        println!("{}", demo::banner(&accounts, &format!("http://{addr}")));
    }
    tracing::info!(%addr, "listening");
    app.run_until(shutdown_signal()).await.context("serving")?;
    Ok(())
}

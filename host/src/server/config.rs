//! The settings of `plotbox serve`: command-line flags, each also readable from a
//! `PLOTBOX_*` environment variable so a container can be configured without a shell.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

pub use super::cors::CorsOrigins;
use crate::CacheLocation;

/// The memory cap of one render in MiB, as `plotbox serve` and `plotbox render` both
/// accept it: at least 1 MiB, at most 4 GiB (wasm32's whole address space). Out of
/// range is a usage error (exit code 2) naming the flag and the range.
pub fn memory_mb_parser() -> clap::builder::RangedU64ValueParser<u64> {
    clap::builder::RangedU64ValueParser::new().range(MEMORY_MB_RANGE)
}

/// The values [`memory_mb_parser`] accepts.
pub const MEMORY_MB_RANGE: std::ops::RangeInclusive<u64> = 1..=4096;

/// Flags of `plotbox serve` (clap derive; flatten it into the CLI's subcommand).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port; the bound address is printed
    /// on stdout as `plotbox listening on http://ADDR`.
    #[arg(long, env = "PLOTBOX_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Renders running at once [default: the number of cores].
    #[arg(long, env = "PLOTBOX_WORKERS")]
    pub workers: Option<NonZeroUsize>,

    /// Renders admitted to wait for a worker; past workers + queue, requests get 503.
    #[arg(long, env = "PLOTBOX_QUEUE", default_value_t = 64)]
    pub queue: usize,

    /// Largest request body in bytes; larger bodies get 413 before they are read.
    #[arg(long, env = "PLOTBOX_MAX_BODY", default_value_t = 16 * 1024 * 1024)]
    pub max_body: u64,

    /// Budget of the in-memory cache of rendered pictures, in MiB (0 turns it off).
    #[arg(long, env = "PLOTBOX_CACHE_MB", default_value_t = 8)]
    pub cache_mb: u64,

    /// Wall-clock limit of one render, in milliseconds [default: the sandbox's].
    #[arg(long, env = "PLOTBOX_TIMEOUT_MS")]
    pub timeout_ms: Option<u64>,

    /// Memory cap of one render, in MiB (1 to 4096) [default: the sandbox's].
    #[arg(long, env = "PLOTBOX_MEMORY_MB", value_parser = memory_mb_parser())]
    pub memory_mb: Option<u64>,

    /// Fuel (about one unit per wasm instruction) of one render; 0 turns fuel metering
    /// off, the deadline still holds [default: the sandbox's].
    #[arg(long, env = "PLOTBOX_FUEL")]
    pub fuel: Option<u64>,

    /// On SIGTERM or ctrl-c, how long in-flight requests may take to finish, in seconds.
    #[arg(long, env = "PLOTBOX_SHUTDOWN_GRACE_S", default_value_t = 30)]
    pub shutdown_grace_s: u64,

    /// `max-age` of `Cache-Control` on rendered GET responses, in seconds.
    #[arg(long, env = "PLOTBOX_CACHE_MAX_AGE_S", default_value_t = 86_400)]
    pub cache_max_age_s: u64,

    /// Niceness added to render threads (0 to 19; 0 keeps normal priority), so that
    /// `/healthz`, `/metrics` and 503s stay fast when every core is rendering.
    #[arg(long, env = "PLOTBOX_RENDER_NICENESS", default_value_t = super::priority::DEFAULT_RENDER_NICENESS,
          value_parser = clap::value_parser!(i32).range(0..=19))]
    pub render_niceness: i32,

    /// Directory of operator fonts (*.ttf, *.otf, *.ttc, *.otc; not searched
    /// recursively), used for `font.family`, `fontfamily` and characters DejaVu Sans
    /// lacks, and listed at `GET /fonts`. Every file is checked at start-up; a broken
    /// one stops the server from starting. They are mapped into each sandbox and do
    /// not count against --memory-mb.
    #[arg(long, env = "PLOTBOX_FONT_DIR")]
    pub font_dir: Option<PathBuf>,

    /// Directory of the compiled-module cache [default: $XDG_CACHE_HOME/plotbox or
    /// ~/.cache/plotbox].
    #[arg(long, env = "PLOTBOX_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Compile the module at start-up instead of using the cache.
    #[arg(long, env = "PLOTBOX_NO_CACHE")]
    pub no_cache: bool,

    /// Let pages on other origins `fetch` from the server: `*` for any, or a
    /// comma-separated list of origins (`https://app.example.com,http://localhost:3000`).
    /// Preflight `OPTIONS` requests are answered for them. Off by default: no CORS
    /// headers, and `OPTIONS` gets 405.
    #[arg(long, env = "PLOTBOX_CORS_ORIGIN")]
    pub cors_origin: Option<CorsOrigins>,

    /// Log format: one line per request, human-readable `text` or `json`.
    #[arg(long, env = "PLOTBOX_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How the per-request log lines are written (to stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl ServeArgs {
    /// The number of render workers: the flag, else the machine's parallelism.
    pub fn worker_count(&self) -> usize {
        self.workers.map(NonZeroUsize::get).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(NonZeroUsize::get)
                .unwrap_or(1)
        })
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_s)
    }

    /// Where the compiled module is cached, from `--cache-dir` and `--no-cache`.
    pub fn cache_location(&self) -> CacheLocation {
        CacheLocation::from_flags(self.cache_dir.as_deref(), self.no_cache)
    }

    /// The cache budget in bytes, saturating instead of overflowing on absurd flags.
    pub fn cache_bytes(&self) -> usize {
        usize::try_from(self.cache_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }
}

//! `plotbox`: renders plot specs in the wasmtime sandbox from the command line.

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use plotbox_host::error::EXIT_CODES;
use plotbox_host::runtime::{DEFAULT_FUEL, MIB};
use plotbox_host::{
    CacheLocation, FontSet, ModuleSource, OutputFormat, RenderLimits, Runtime, RuntimeConfig,
};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

mod healthcheck;

// musl's own malloc cost the static binary up to a quarter of the server's throughput
// (BENCHMARKS.md, "Container image: musl vs glibc"); glibc builds keep glibc's.
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nmodule sha256 ",
    env!("PLOTBOX_MODULE_SHA256"),
    "\nwasmtime ",
    env!("PLOTBOX_WASMTIME_VERSION"),
);

/// Exit code for failures that are not a render error (unreadable files, a module
/// that does not implement the ABI, ...). Usage errors exit with 2 (clap).
const EXIT_OTHER_FAILURE: u8 = 1;

#[derive(Parser)]
#[command(name = "plotbox", version = VERSION, about = "Renders plot specs (JSON) to SVG, PNG or PDF in a WebAssembly sandbox")]
struct Cli {
    /// Log filter for messages on stderr (e.g. `info`, `plotbox_host=debug`).
    #[arg(long, global = true, env = "PLOTBOX_LOG", default_value = "warn")]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a spec to an SVG, PNG or PDF file.
    #[command(after_help = exit_code_help())]
    Render(RenderArgs),
    /// Print the JSON Schema of the spec.
    Schema,
    /// Serve renders over HTTP (see `plotbox_host::server`).
    Serve(Box<plotbox_host::server::ServeArgs>),
    /// Ask a running `plotbox serve` for /healthz: exit 0 on 200, 1 otherwise (for
    /// container HEALTHCHECKs in images without curl).
    Healthcheck(healthcheck::HealthcheckArgs),
}

#[derive(Args)]
struct RenderArgs {
    /// The spec file, or `-` for standard input.
    spec: PathBuf,
    /// Where to write the picture, or `-` for standard output. Nothing is written when
    /// the render fails.
    #[arg(short, long)]
    output: PathBuf,
    /// Output format; by default from OUTPUT's extension (`.svg`, `.png`, `.pdf`), else
    /// SVG.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// PNG device pixel ratio (1 to 4); SVG and PDF are vector and ignore it.
    #[arg(long, env = "PLOTBOX_SCALE", default_value_t = 1.0)]
    scale: f64,
    /// Wall-clock limit of the render, in milliseconds.
    #[arg(long, env = "PLOTBOX_TIMEOUT_MS", default_value_t = 2000)]
    timeout_ms: u64,
    /// Memory limit of the render, in MiB (1 to 4096).
    #[arg(long, env = "PLOTBOX_MEMORY_MB", default_value_t = 128,
          value_parser = plotbox_host::server::memory_mb_parser())]
    memory_mb: u64,
    /// Fuel budget of the render (about one unit per wasm instruction); 0 turns fuel
    /// metering off (the time limit still holds).
    #[arg(long, env = "PLOTBOX_FUEL", default_value_t = DEFAULT_FUEL)]
    fuel: u64,
    /// Run this module (binary WebAssembly with the same raw ABI) instead of the
    /// embedded one.
    #[arg(long, env = "PLOTBOX_MODULE")]
    module: Option<PathBuf>,
    /// Directory of the compiled-module cache [default: $XDG_CACHE_HOME/plotbox or
    /// ~/.cache/plotbox].
    #[arg(long, env = "PLOTBOX_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile the module instead of using the cache.
    #[arg(long, env = "PLOTBOX_NO_CACHE")]
    no_cache: bool,
    /// Directory of operator fonts (*.ttf, *.otf, *.ttc, *.otc; not searched
    /// recursively), used for `font.family`, `fontfamily` and characters DejaVu Sans
    /// lacks. Every file is checked before rendering; a broken one is an error.
    #[arg(long, env = "PLOTBOX_FONT_DIR")]
    font_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Svg,
    Png,
    Pdf,
}

fn exit_code_help() -> String {
    let mut help = String::from("Exit codes:\n  0  the picture was written\n");
    help.push_str("  1  another failure (unreadable spec, unwritable output, unusable module)\n");
    help.push_str("  2  usage error\n");
    for (kind, code) in EXIT_CODES {
        help.push_str(&format!("  {code}  {kind}\n"));
    }
    help.push_str(
        "On a render error its error JSON (docs/spec.md, \"Errors\") is printed on stderr.",
    );
    help
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `plotbox serve` sets up its own logging: one access line per request on top of `--log`.
    if !matches!(cli.command, Command::Serve(_)) {
        init_logging(&cli.log);
    }
    let outcome = match cli.command {
        Command::Render(args) => render(args),
        Command::Schema => print_schema().map(|()| ExitCode::SUCCESS),
        Command::Healthcheck(args) => Ok(healthcheck::run(&args)),
        Command::Serve(args) => plotbox_host::server::serve(*args, &cli.log)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Into::into),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("plotbox: {error:#}");
        ExitCode::from(EXIT_OTHER_FAILURE)
    })
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn print_schema() -> anyhow::Result<()> {
    std::io::stdout()
        .write_all(renderer_wasm::schema_json().as_bytes())
        .context("cannot write the schema")
}

fn render(args: RenderArgs) -> anyhow::Result<ExitCode> {
    let format = output_format(&args)?;
    let spec = read_spec(&args.spec)?;
    let memory_bytes = usize::try_from(args.memory_mb)
        .ok()
        .and_then(|mb| mb.checked_mul(MIB))
        .context("--memory-mb is too large")?;
    let module = match &args.module {
        Some(path) => ModuleSource::Bytes(
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => ModuleSource::Embedded,
    };
    let cache = CacheLocation::from_flags(args.cache_dir.as_deref(), args.no_cache);
    let fonts = args
        .font_dir
        .as_deref()
        .map(FontSet::load_dir)
        .transpose()?;
    let started = std::time::Instant::now();
    let runtime = Runtime::new(RuntimeConfig {
        module,
        cache,
        fuel_metering: args.fuel > 0,
        max_memory_bytes: memory_bytes,
        // One render per process.
        max_concurrent_renders: 1,
        fonts,
    })?;
    tracing::info!(elapsed = ?started.elapsed(), origin = ?runtime.module_origin(), "runtime ready");
    let limits = RenderLimits {
        timeout: Duration::from_millis(args.timeout_ms),
        memory_bytes,
        fuel: Some(args.fuel),
    };
    let started = std::time::Instant::now();
    let (result, stats) = runtime.render_with_stats(&spec, format, &limits);
    tracing::info!(elapsed = ?started.elapsed(), fuel = ?stats.fuel_consumed, "render finished");
    match result {
        Ok(rendered) => {
            write_output(&args.output, &rendered.picture)?;
            // After the picture is safely written; a warning does not fail the render.
            for warning in &rendered.warnings {
                eprintln!("plotbox: warning: {warning}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            eprintln!("{}", failure.to_json());
            Ok(ExitCode::from(failure.exit_code()))
        }
    }
}

fn output_format(args: &RenderArgs) -> anyhow::Result<OutputFormat> {
    let from_extension = || match args.output.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("png") => Ok(FormatArg::Png),
        Some(ext) if ext.eq_ignore_ascii_case("svg") => Ok(FormatArg::Svg),
        Some(ext) if ext.eq_ignore_ascii_case("pdf") => Ok(FormatArg::Pdf),
        _ if is_stdio(&args.output) => Ok(FormatArg::Svg),
        _ => bail!(
            "cannot tell the format from {}: name it .svg, .png or .pdf, or pass --format",
            args.output.display()
        ),
    };
    let format = match args.format {
        Some(format) => format,
        None => from_extension()?,
    };
    Ok(match format {
        FormatArg::Svg => OutputFormat::Svg,
        FormatArg::Png => OutputFormat::Png { scale: args.scale },
        FormatArg::Pdf => OutputFormat::Pdf,
    })
}

fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn read_spec(path: &Path) -> anyhow::Result<Vec<u8>> {
    if is_stdio(path) {
        let mut spec = Vec::new();
        std::io::stdin()
            .read_to_end(&mut spec)
            .context("cannot read the spec from stdin")?;
        Ok(spec)
    } else {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

/// Writes the whole picture or nothing: into a temporary file beside OUTPUT, renamed
/// over it once complete.
fn write_output(path: &Path, picture: &[u8]) -> anyhow::Result<()> {
    if is_stdio(path) {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(picture)
            .and_then(|()| stdout.flush())
            .context("cannot write to stdout");
    }
    let file_name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let temp = path.with_file_name(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::write(&temp, picture).and_then(|()| std::fs::rename(&temp, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(error).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

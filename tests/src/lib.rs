//! Helpers shared by the end-to-end tests in `tests/` (the tests themselves are there).

pub mod loopback;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, SystemTime};

/// The binary under test, `target/release/plotbox`, checked to be up to date.
///
/// Cargo builds only the tested package's own binaries for its tests, and this crate
/// tests another package's; building it from here cannot work either, because `cargo
/// test` holds the target directory's lock while the tests run. So `scripts/test.sh`
/// builds it first, and a binary older than any source it is built from (the host's
/// and renderer's sources, the module, the playground and examples it embeds) fails
/// the test with the command that rebuilds it, instead of testing yesterday's code.
pub fn binary() -> PathBuf {
    static CHECKED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match CHECKED.get_or_init(up_to_date_binary) {
        Ok(path) => path.clone(),
        Err(reason) => panic!("{reason}"),
    }
}

fn up_to_date_binary() -> Result<PathBuf, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let rebuild = "scripts/build-module.sh && cargo build --release -p plotbox-host";
    let path = workspace.join("target/release/plotbox");
    let built = modified(&path).map_err(|_| format!("{} is missing: {rebuild}", path.display()))?;
    let module = workspace.join("www/pkg/renderer_wasm_bg.wasm");
    let module_built =
        modified(&module).map_err(|_| format!("{} is missing: {rebuild}", module.display()))?;
    let stale_module = newest_source(
        &workspace,
        &["renderer-wasm/src", "renderer-wasm/Cargo.toml"],
    )
    .filter(|(_, time)| *time > module_built);
    if let Some((source, _)) = stale_module {
        return Err(format!(
            "the module is older than {}: {rebuild}",
            source.display()
        ));
    }
    let inputs = [
        "host/src",
        "host/build.rs",
        "host/Cargo.toml",
        "renderer-wasm/src",
        "www",
        "docs/examples",
        "Cargo.lock",
    ];
    if let Some((source, _)) = newest_source(&workspace, &inputs).filter(|(_, time)| *time > built)
    {
        return Err(format!(
            "{} is older than {}: {rebuild}",
            path.display(),
            source.display()
        ));
    }
    Ok(path)
}

fn modified(path: &Path) -> std::io::Result<SystemTime> {
    std::fs::metadata(path)?.modified()
}

/// The most recently modified file under `roots` (relative to `workspace`), skipping
/// the folders of things that are not sources (`node_modules`).
fn newest_source(workspace: &Path, roots: &[&str]) -> Option<(PathBuf, SystemTime)> {
    let mut newest: Option<(PathBuf, SystemTime)> = None;
    let mut pending: Vec<PathBuf> = roots.iter().map(|root| workspace.join(root)).collect();
    while let Some(path) = pending.pop() {
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if path.file_name().is_some_and(|name| name == "node_modules") {
                continue;
            }
            if let Ok(entries) = std::fs::read_dir(&path) {
                pending.extend(entries.flatten().map(|entry| entry.path()));
            }
        } else if let Ok(time) = metadata.modified() {
            if newest
                .as_ref()
                .is_none_or(|(_, newest_time)| time > *newest_time)
            {
                newest = Some((path, time));
            }
        }
    }
    newest
}

/// A fresh, empty folder for one test of one suite: tests run in parallel threads of
/// one process, so each needs its own.
pub fn scratch(suite: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plotbox-{suite}-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(error) = std::fs::create_dir_all(&dir) {
        panic!("scratch folder {}: {error}", dir.display());
    }
    dir
}

/// `plotbox serve --addr 127.0.0.1:0` with its standard output piped, for
/// [`listening_address`]; the caller adds its flags, environment and standard error.
pub fn serve_command() -> Command {
    let mut command = Command::new(binary());
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped());
    command
}

/// Waits (at most `within`) for a server started from [`serve_command`] to print the
/// address it bound. A server that exits or stays silent is killed, and the caller
/// fails with `describe_failure()` (say, its log) in the message.
pub fn listening_address(
    child: &mut Child,
    within: Duration,
    describe_failure: impl FnOnce() -> String,
) -> SocketAddr {
    let Some(stdout) = child.stdout.take() else {
        panic!("the server's stdout was not piped");
    };
    // A thread, so that a server that never prints cannot block the caller past `within`.
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("plotbox listening on http://") {
                let _ = sender.send(addr.trim().to_owned());
            }
        }
    });
    match receiver
        .recv_timeout(within)
        .map(|addr| addr.parse::<SocketAddr>())
    {
        Ok(Ok(addr)) => addr,
        Ok(Err(error)) => {
            let _ = child.kill();
            panic!("the server printed an address that does not parse ({error})")
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the server printed no address within {within:?}:\n{}",
                describe_failure()
            )
        }
    }
}

/// A `plotbox serve` for the benches: its log discarded, killed when dropped.
pub struct ServeProcess {
    child: Child,
    pub addr: SocketAddr,
}

impl ServeProcess {
    /// `plotbox serve --addr 127.0.0.1:0 ARGS`, once it listens.
    pub fn start<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> ServeProcess {
        let mut child = serve_command()
            .args(args)
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start plotbox serve: {error}"));
        let addr = listening_address(&mut child, Duration::from_secs(120), String::new);
        ServeProcess { child, addr }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `encodeURIComponent`: everything but unreserved characters is escaped, as browsers
/// put a spec into `GET /render?spec=`.
pub fn url_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A bench setting from the environment, or its default when unset or not a number.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Milliseconds at quantile `q` of sorted latencies (NaN for none).
pub fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e3
}

//! Benchmarks of the sandbox (a plain bench binary printing medians):
//!
//! - instantiate: a fresh store and instance of the real module, dropped;
//! - W1 (line, 1,000 points, 640×480, title and axis labels) as SVG and PNG through
//!   the sandbox with every limit on, and natively;
//! - W2 (scatter, 10,000 points, 800×600) likewise, and its fuel consumption;
//! - the cost of fuel and of epochs: the same module on raw wasmtime engines with
//!   each mechanism on or off (everything else as in `Runtime`);
//! - process start to first render with a warm compile cache (the built
//!   `target/release/plotbox`, if present).
//!
//! `cargo bench -p plotbox-host --bench sandbox [-- QUICK]`
//!
//! `-- FONTS` measures only what operator fonts cost per render: instantiation and W1
//! and a CJK title with no fonts, with one CJK font (`PLOTBOX_BENCH_FONT`, default
//! Debian's `fonts-wqy-microhei`) and with four copies of it, and the start-up.
//!
//! `-- LOOP W1|W2|W3 svg|png|pdf N [MODULE.wasm]` renders one workload N times in the
//! sandbox (all limits on) and nothing else: the process to run under `perf record`
//! with `PLOTBOX_PROFILER=perfmap` (BENCHMARKS.md, "Where the time goes"). A module
//! built with its name section gives named functions in the profile.
//!
//! `-- MODULES NAME=MODULE.wasm ...` compares builds of the module (PNG encoder
//! candidates): W1, W2 and W3 as PNG in each, interleaved round by round so that the
//! machine's load hits every candidate alike; prints each one's median time and PNG
//! size, and checks that every candidate's pixels equal the first one's.

use plotbox_host::runtime::EMBEDDED_MODULE;
use plotbox_host::{CacheLocation, OutputFormat, RenderLimits, Runtime, RuntimeConfig};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, Linker, Module, PoolingAllocationConfig, Store,
};

fn w1() -> Vec<u8> {
    let x: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    let y: Vec<String> = (0..1000)
        .map(|i| format!("{:.3}", (i as f64 / 50.0).sin() * 10.0 + i as f64 / 100.0))
        .collect();
    format!(
        r#"{{"width": 640, "height": 480, "title": "W1", "x": {{"label": "time"}}, "y": {{"label": "value"}},
            "series": [{{"type": "line", "x": [{}], "y": [{}]}}]}}"#,
        x.join(","),
        y.join(",")
    )
    .into_bytes()
}

/// bench/workloads.py's W3 (renderer-wasm/benches/render.rs's): 20 bars.
fn w3() -> Vec<u8> {
    let noise = |index: u64| {
        let mut x = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
        x ^= x >> 31;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 29;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let categories: Vec<String> = (0..20).map(|i| format!("\"c{i}\"")).collect();
    let y: Vec<String> = (0..20)
        .map(|i| format!("{:.4}", 10.0 + 90.0 * noise(i)))
        .collect();
    format!(
        r#"{{"width": 640, "height": 480, "series": [{{"type": "bar", "x": [{}], "y": [{}]}}]}}"#,
        categories.join(","),
        y.join(",")
    )
    .into_bytes()
}

fn w2() -> Vec<u8> {
    let x: Vec<String> = (0..10_000)
        .map(|i| ((i * 7919) % 10_007).to_string())
        .collect();
    let y: Vec<String> = (0..10_000)
        .map(|i| ((i * 104_729) % 10_009).to_string())
        .collect();
    format!(
        r#"{{"width": 800, "height": 600, "series": [{{"type": "scatter", "x": [{}], "y": [{}]}}]}}"#,
        x.join(","),
        y.join(",")
    )
    .into_bytes()
}

/// Median wall time of `runs` calls of `f`, after a few warm-up calls.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..runs.min(3) {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn report(name: &str, time: Duration) {
    println!("{name:<52} {:>10.1} µs", time.as_secs_f64() * 1e6);
}

fn cache() -> CacheLocation {
    CacheLocation::Dir(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tmp/plotbox-bench-cache"),
    )
}

fn runtime(fuel_metering: bool) -> Runtime {
    Runtime::new(RuntimeConfig {
        cache: cache(),
        fuel_metering,
        ..RuntimeConfig::default()
    })
    .expect("runtime")
}

/// The module on a raw engine with fuel and epochs each on or off, the rest as in
/// `Runtime` (pooling, copy-on-write); returns the median W render time.
fn raw_engine_median(fuel: bool, epochs: bool, spec: &[u8], format: u32, runs: usize) -> Duration {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(4)
        .total_memories(4)
        .max_tables_per_module(2)
        .total_tables(8)
        .max_memory_size(128 << 20);
    let mut config = Config::new();
    config
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        .memory_init_cow(true)
        .consume_fuel(fuel)
        .epoch_interruption(epochs);
    let engine = Engine::new(&config).expect("engine");
    let module = Module::new(&engine, EMBEDDED_MODULE).expect("module");
    let mut linker = Linker::<()>::new(&engine);
    linker
        .define_unknown_imports_as_traps(&module)
        .expect("link");
    let pre = linker.instantiate_pre(&module).expect("pre");
    median(runs, || {
        let mut store = Store::new(&engine, ());
        if fuel {
            store.set_fuel(u64::MAX).expect("fuel");
        }
        if epochs {
            store.set_epoch_deadline(u64::MAX / 2);
        }
        let instance = pre.instantiate(&mut store).expect("instance");
        let memory = instance.get_memory(&mut store, "memory").expect("memory");
        let alloc = instance
            .get_typed_func::<u32, u32>(&mut store, "alloc")
            .expect("alloc");
        let render = instance
            .get_typed_func::<(u32, u32, u32, f64), u32>(&mut store, "render")
            .expect("render");
        let ptr = alloc
            .call(&mut store, spec.len() as u32)
            .expect("alloc call");
        memory.write(&mut store, ptr as usize, spec).expect("write");
        let header = render
            .call(&mut store, (ptr, spec.len() as u32, format, 1.0))
            .expect("render call");
        let mut status = [0u8; 4];
        memory
            .read(&store, header as usize, &mut status)
            .expect("header");
        assert_eq!(u32::from_le_bytes(status), 0, "render failed");
    })
}

/// A font set of `copies` copies of one font file (distinct names, same bytes).
fn font_set(font: &[u8], copies: usize) -> plotbox_host::FontSet {
    plotbox_host::FontSet::from_named_files(
        (0..copies)
            .map(|i| {
                let name = format!("copy{i}.ttc");
                (PathBuf::from(&name), name, font.to_vec())
            })
            .collect(),
    )
    .expect("a valid font")
}

fn fonts_main(runs: impl Fn(usize) -> usize) {
    let path = std::env::var_os("PLOTBOX_BENCH_FONT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"));
    let font = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let limits = RenderLimits::default();
    let w1 = w1();
    let cjk = r#"{"title": "\u6e29\u5ea6 2024", "series": [{"type": "line", "y": [1, 2, 3]}]}"#;
    for copies in [0, 1, 4] {
        let fonts = (copies > 0).then(|| font_set(&font, copies));
        let blob_mb = fonts.as_ref().map_or(0.0, |f| f.blob().len() as f64 / 1e6);
        if let Some(fonts) = &fonts {
            // What handing the fonts in by copying would cost at the least, per render.
            let blob = fonts.blob();
            let mut target = vec![0u8; blob.len()];
            report(
                &format!("[{blob_mb:.1} MB fonts] memcpy of the blob (avoided)"),
                median(runs(50), || {
                    target.copy_from_slice(blob);
                    std::hint::black_box(&target);
                }),
            );
        }
        let build = || {
            Runtime::new(RuntimeConfig {
                cache: cache(),
                fonts: fonts.clone(),
                ..RuntimeConfig::default()
            })
            .expect("runtime")
        };
        let runtime = build();
        report(
            &format!("[{blob_mb:.1} MB fonts] Runtime::new, warm compile cache"),
            median(runs(10), || {
                build();
            }),
        );
        report(
            &format!("[{blob_mb:.1} MB fonts] instantiate (+ use_fonts)"),
            median(runs(2000), || runtime.probe().expect("instantiate")),
        );
        // The host's share alone: a guest whose use_fonts only reads the magic.
        let trivial = Runtime::new(RuntimeConfig {
            module: plotbox_host::ModuleSource::Bytes(
                wat::parse_str(
                    r#"(module (memory (export "memory") 17)
                      (func (export "alloc") (param i32) (result i32) (i32.const 1024))
                      (func (export "render") (param i32 i32 i32 f64) (result i32) (i32.const 0))
                      (func (export "use_fonts") (param i32 i32) (result i32)
                        (i32.wrap_i64 (i64.sub (i64.load (local.get 0)) (i64.const 0x3153544e4f464250)))))"#,
                )
                .expect("WAT"),
            ),
            cache: CacheLocation::Disabled,
            fonts: fonts.clone(),
            ..RuntimeConfig::default()
        })
        .expect("runtime");
        report(
            &format!("[{blob_mb:.1} MB fonts] instantiate (+ use_fonts), trivial guest"),
            median(runs(2000), || trivial.probe().expect("instantiate")),
        );
        for (name, spec, format, n) in [
            ("W1 SVG", &w1[..], OutputFormat::Svg, 200),
            ("W1 PNG", &w1[..], OutputFormat::Png { scale: 1.0 }, 100),
            ("CJK title SVG", cjk.as_bytes(), OutputFormat::Svg, 200),
            (
                "CJK title PNG",
                cjk.as_bytes(),
                OutputFormat::Png { scale: 1.0 },
                100,
            ),
            ("CJK title PDF", cjk.as_bytes(), OutputFormat::Pdf, 100),
        ] {
            report(
                &format!("[{blob_mb:.1} MB fonts] {name}"),
                median(runs(n), || {
                    runtime.render(spec, format, &limits).expect("render");
                }),
            );
        }
    }
}

fn workload(name: &str) -> Vec<u8> {
    match name {
        "W1" => w1(),
        "W2" => w2(),
        "W3" => w3(),
        other => panic!("no workload {other:?} (W1, W2 or W3)"),
    }
}

fn runtime_for(module: Option<&str>) -> Runtime {
    let module = match module {
        Some(path) => plotbox_host::ModuleSource::Bytes(
            std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}")),
        ),
        None => plotbox_host::ModuleSource::Embedded,
    };
    Runtime::new(RuntimeConfig {
        module,
        cache: cache(),
        ..RuntimeConfig::default()
    })
    .expect("runtime")
}

/// `LOOP W svg|png|pdf N [MODULE]`: N renders and nothing else, for `perf record`.
fn loop_main(args: &[String]) {
    let [name, format, count, rest @ ..] = args else {
        panic!("usage: LOOP W1|W2|W3 svg|png|pdf N [MODULE.wasm]");
    };
    let spec = workload(name);
    let format = match format.as_str() {
        "svg" => OutputFormat::Svg,
        "png" => OutputFormat::Png { scale: 1.0 },
        "pdf" => OutputFormat::Pdf,
        other => panic!("no format {other:?}"),
    };
    let count: usize = count.parse().expect("N is a number");
    let runtime = runtime_for(rest.first().map(String::as_str));
    let limits = RenderLimits::default();
    let started = Instant::now();
    for _ in 0..count {
        runtime.render(&spec, format, &limits).expect("render");
    }
    report(
        &format!("{name} {format:?}: mean of {count} renders"),
        started.elapsed() / count.max(1) as u32,
    );
}

/// `MODULES NAME=PATH ...`: PNG encoder candidates, interleaved.
fn modules_main(args: &[String], runs: impl Fn(usize) -> usize) {
    let candidates: Vec<(&str, Runtime)> = args
        .iter()
        .map(|arg| {
            let (name, path) = arg.split_once('=').expect("NAME=MODULE.wasm");
            (name, runtime_for(Some(path)))
        })
        .collect();
    let limits = RenderLimits::default();
    let png = OutputFormat::Png { scale: 1.0 };
    for (workload_name, rounds) in [("W1", 60), ("W2", 20), ("W3", 60)] {
        let spec = workload(workload_name);
        let rounds = runs(rounds);
        let mut times = vec![Vec::with_capacity(rounds); candidates.len()];
        let mut pictures = vec![Vec::new(); candidates.len()];
        for round in 0..rounds + 2 {
            for (index, (_, runtime)) in candidates.iter().enumerate() {
                let started = Instant::now();
                let picture = runtime.render(&spec, png, &limits).expect("render");
                // The first two rounds warm up (page cache, branch predictors).
                if round >= 2 {
                    times[index].push(started.elapsed());
                }
                pictures[index] = picture;
            }
        }
        let reference = decode_rgba(&pictures[0]);
        for (index, (name, _)) in candidates.iter().enumerate() {
            let same = decode_rgba(&pictures[index]) == reference;
            times[index].sort();
            println!(
                "{workload_name} PNG [{name:<16}] {:>10.1} µs {:>9} bytes  pixels {}",
                times[index][times[index].len() / 2].as_secs_f64() * 1e6,
                pictures[index].len(),
                if same {
                    "= first"
                } else {
                    "DIFFER from the first"
                },
            );
        }
    }
}

/// A PNG's pixels as 8-bit RGBA, whatever its color type.
fn decode_rgba(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("PNG data");
    buffer.truncate(info.buffer_size());
    (info.width, info.height, buffer)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "LOOP") {
        loop_main(&args[at + 1..]);
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "MODULES") {
        let quick = args.iter().any(|a| a == "QUICK");
        let rest: Vec<String> = args[at + 1..]
            .iter()
            .filter(|a| *a != "QUICK" && *a != "--bench")
            .cloned()
            .collect();
        modules_main(&rest, |n| if quick { n.div_ceil(10).max(3) } else { n });
        return;
    }
    let quick = std::env::args().any(|a| a == "QUICK");
    let runs = |n: usize| if quick { n.div_ceil(10).max(3) } else { n };
    if std::env::args().any(|a| a == "FONTS") {
        fonts_main(runs);
        return;
    }
    let (w1, w2) = (w1(), w2());
    let limits = RenderLimits::default();
    let svg = OutputFormat::Svg;
    let png = OutputFormat::Png { scale: 1.0 };

    let all_limits = runtime(true);
    let no_fuel = runtime(false);
    report(
        "instantiate (fresh store + instance, dropped)",
        median(runs(2000), || all_limits.probe().expect("instantiate")),
    );
    for (name, spec) in [("W1", &w1), ("W2", &w2)] {
        for (format_name, format) in [("SVG", svg), ("PNG", png)] {
            let n = if name == "W1" { 200 } else { 20 };
            report(
                &format!("{name} {format_name} sandbox, all limits on"),
                median(runs(n), || {
                    all_limits.render(spec, format, &limits).expect("render");
                }),
            );
            report(
                &format!("{name} {format_name} sandbox, fuel off (epochs on)"),
                median(runs(n), || {
                    no_fuel.render(spec, format, &limits).expect("render");
                }),
            );
            report(
                &format!("{name} {format_name} native"),
                median(runs(n), || {
                    renderer_wasm::render(spec, format).expect("render");
                }),
            );
        }
    }
    for (name, spec, format, scale) in [
        ("W2 PNG scale 2", &w2, OutputFormat::Png { scale: 2.0 }, 2.0),
        ("W1 PNG", &w1, png, 1.0),
    ] {
        let (result, stats) = all_limits.render_with_stats(spec, format, &limits);
        result.expect("render");
        println!(
            "{name:<52} {:>10} fuel units (scale {scale})",
            stats.fuel_consumed.unwrap_or(0)
        );
    }
    for (name, spec, format, n) in [
        ("W1 SVG", &w1, 0, 200),
        ("W1 PNG", &w1, 1, 100),
        ("W2 PNG", &w2, 1, 20),
    ] {
        for (fuel, epochs) in [(false, false), (false, true), (true, false), (true, true)] {
            let time = raw_engine_median(fuel, epochs, spec, format, runs(n));
            report(
                &format!("{name} raw engine, fuel {} epochs {}", on(fuel), on(epochs)),
                time,
            );
        }
    }
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/plotbox");
    if binary.is_file() {
        let spec_path = std::env::temp_dir().join("plotbox-bench-w1.json");
        std::fs::write(&spec_path, &w1).expect("spec file");
        let start_to_render = || {
            let status = std::process::Command::new(&binary)
                .args([
                    "render",
                    spec_path.to_str().unwrap_or_default(),
                    "-o",
                    "-",
                    "--format",
                    "svg",
                ])
                .stdout(std::process::Stdio::null())
                .status()
                .expect("plotbox runs");
            assert!(status.success());
        };
        report(
            "process start to first W1 SVG (warm compile cache)",
            median(runs(20), start_to_render),
        );
    }
}

fn on(flag: bool) -> &'static str {
    if flag {
        "on "
    } else {
        "off"
    }
}

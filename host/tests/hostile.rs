//! Misbehaving guests in WAT, each limit tested obeyed and violated (as Spin's
//! `test_max_memory_size_obeyed` / `_violated` do).

use crate::util::{guest, limits_with_timeout, wat_runtime};
use plotbox_host::runtime::MIB;
use plotbox_host::{CacheLocation, ModuleSource};
use plotbox_host::{ErrorKind, HostError, OutputFormat, RenderLimits, Runtime, RuntimeConfig};
use std::time::{Duration, Instant};

const RETURNS_OK: &str = "(i32.const 16)";
const SPINS_FOREVER: &str = "(loop $spin (br $spin)) (i32.const 16)";
/// Generous slack over a deadline, for a loaded CI machine; the point is that the
/// render stops at all, and long before the next-largest timescale (seconds).
const DEADLINE_SLACK: Duration = Duration::from_millis(1500);

/// Counts down `$len * 1000` loop iterations, then answers "ok".
const SPINS_PER_SPEC_BYTE: &str = r#"(local $n i32)
    (local.set $n (i32.mul (local.get $len) (i32.const 1000)))
    (loop $count
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $count (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.const 16)"#;

fn grows_pages(pages: u32) -> String {
    format!("(drop (memory.grow (i32.const {pages}))) (i32.const 16)")
}

fn render(
    runtime: &Runtime,
    limits: &RenderLimits,
) -> Result<Vec<u8>, plotbox_host::RenderFailure> {
    runtime.render(b"{}", OutputFormat::Svg, limits)
}

#[test]
fn well_behaved_guest_result_comes_back_verbatim() {
    let runtime = wat_runtime(&guest(RETURNS_OK, ""), true);
    assert_eq!(render(&runtime, &RenderLimits::default()).unwrap(), b"ok");
}

#[test]
fn spec_bytes_reach_the_guest() {
    // Echoes the spec: the header at 32 points at the alloc buffer with the spec's length.
    let echo = "(i32.store (i32.const 32) (i32.const 0))
        (i32.store (i32.const 36) (local.get $spec))
        (i32.store (i32.const 40) (local.get $len))
        (i32.const 32)";
    let runtime = wat_runtime(&guest(echo, ""), true);
    let spec = br#"{"series": [{"type": "line", "y": [1, 2]}]}"#;
    let echoed = runtime
        .render(spec, OutputFormat::Svg, &RenderLimits::default())
        .unwrap();
    assert_eq!(echoed, spec);
}

#[test]
fn deadline_obeyed_by_a_finite_loop() {
    let runtime = wat_runtime(&guest(SPINS_PER_SPEC_BYTE, ""), true);
    let limits = limits_with_timeout(Duration::from_secs(10));
    assert_eq!(render(&runtime, &limits).unwrap(), b"ok");
}

#[test]
fn deadline_violated_stops_an_infinite_loop_and_the_runtime_still_renders() {
    let runtime = wat_runtime(&guest(SPINS_FOREVER, ""), true);
    let timeout = Duration::from_millis(200);
    let started = Instant::now();
    let failure = render(&runtime, &limits_with_timeout(timeout)).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(failure.kind(), ErrorKind::DeadlineExceeded, "{failure}");
    assert!(
        failure.message().contains("200 ms"),
        "{}",
        failure.message()
    );
    assert!(
        elapsed < timeout + DEADLINE_SLACK,
        "stopped after {elapsed:?}"
    );
    // Same runtime, same module: the next render gets a fresh instance and its own
    // deadline, so it is interrupted again rather than left with a stale epoch.
    let again = render(&runtime, &limits_with_timeout(timeout)).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::DeadlineExceeded);
}

#[test]
fn deadline_holds_without_fuel_metering() {
    let runtime = wat_runtime(&guest(SPINS_FOREVER, ""), false);
    let timeout = Duration::from_millis(100);
    let started = Instant::now();
    let failure = render(&runtime, &limits_with_timeout(timeout)).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::DeadlineExceeded, "{failure}");
    assert!(started.elapsed() < timeout + DEADLINE_SLACK);
}

#[test]
fn next_render_after_a_timeout_succeeds_in_the_same_runtime() {
    // Spins 1000 iterations per spec byte: a huge spec spins for long, a tiny one not.
    let runtime = wat_runtime(&guest(SPINS_PER_SPEC_BYTE, ""), false);
    let huge_spec = vec![b' '; 2_000_000];
    let timeout = Duration::from_millis(50);
    let failure = runtime
        .render(&huge_spec, OutputFormat::Svg, &limits_with_timeout(timeout))
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::DeadlineExceeded, "{failure}");
    let picture = runtime
        .render(b"{}", OutputFormat::Svg, &limits_with_timeout(timeout))
        .unwrap();
    assert_eq!(picture, b"ok");
}

#[test]
fn fuel_budget_obeyed() {
    let runtime = wat_runtime(&guest(SPINS_PER_SPEC_BYTE, ""), true);
    let limits = RenderLimits {
        fuel: Some(1_000_000),
        ..RenderLimits::default()
    };
    // 2 spec bytes: 2,000 iterations, well within a million units.
    assert_eq!(render(&runtime, &limits).unwrap(), b"ok");
}

#[test]
fn fuel_budget_violated_is_deadline_exceeded_naming_the_budget() {
    let runtime = wat_runtime(&guest(SPINS_FOREVER, ""), true);
    let limits = RenderLimits {
        timeout: Duration::from_secs(60),
        fuel: Some(50_000),
        ..RenderLimits::default()
    };
    let failure = render(&runtime, &limits).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::DeadlineExceeded, "{failure}");
    assert!(
        failure.message().contains("fuel budget of 50000"),
        "{}",
        failure.message()
    );
}

#[test]
fn memory_cap_obeyed() {
    // 64 pages = 4 MiB on top of the 1-page start, under an 8 MiB cap.
    let runtime = wat_runtime(&guest(&grows_pages(64), ""), true);
    let limits = RenderLimits {
        memory_bytes: 8 * MIB,
        ..RenderLimits::default()
    };
    assert_eq!(render(&runtime, &limits).unwrap(), b"ok");
}

#[test]
fn memory_cap_violated_by_one_big_growth() {
    let runtime = wat_runtime(&guest(&grows_pages(256), ""), true);
    let limits = RenderLimits {
        memory_bytes: 8 * MIB,
        ..RenderLimits::default()
    };
    let failure = render(&runtime, &limits).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::MemoryLimit, "{failure}");
    assert!(failure.message().contains("8 MiB"), "{}", failure.message());
}

#[test]
fn memory_cap_violated_by_unbounded_growth() {
    let greedy = "(loop $more (drop (memory.grow (i32.const 16))) (br $more)) (i32.const 16)";
    let runtime = wat_runtime(&guest(greedy, ""), true);
    let limits = RenderLimits {
        memory_bytes: 16 * MIB,
        ..RenderLimits::default()
    };
    let failure = render(&runtime, &limits).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::MemoryLimit, "{failure}");
    // The refusal leaves nothing behind: the next render gets a fresh, small memory.
    let modest = wat_runtime(&guest(&grows_pages(16), ""), true);
    assert_eq!(render(&modest, &limits).unwrap(), b"ok");
}

#[test]
fn memory_cap_below_the_initial_memory_is_memory_limit() {
    let big_start = guest(RETURNS_OK, "").replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 64)",
    );
    let runtime = wat_runtime(&big_start, true);
    let limits = RenderLimits {
        memory_bytes: MIB,
        ..RenderLimits::default()
    };
    assert_eq!(
        render(&runtime, &limits).unwrap_err().kind(),
        ErrorKind::MemoryLimit
    );
}

#[test]
fn unreachable_is_internal_with_the_trap_text() {
    let runtime = wat_runtime(&guest("unreachable", ""), true);
    let failure = render(&runtime, &RenderLimits::default()).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Internal);
    assert!(
        failure.message().contains("unreachable"),
        "{}",
        failure.message()
    );
}

fn garbage_message(render_body: &str, extra: &str) -> String {
    let runtime = wat_runtime(&guest(render_body, extra), true);
    let failure = render(&runtime, &RenderLimits::default()).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Internal, "{failure}");
    assert_eq!(failure.http_status(), 500);
    failure.message().to_owned()
}

#[test]
fn header_pointer_outside_memory_is_internal() {
    let message = garbage_message("(i32.const -16)", "");
    assert!(message.contains("header address 0xfffffff0"), "{message}");
}

#[test]
fn huge_data_length_is_internal() {
    let extra = r#"(data (i32.const 32) "\00\00\00\00\40\00\00\00\ff\ff\ff\ff")"#;
    let message = garbage_message("(i32.const 32)", extra);
    assert!(message.contains("4294967295 bytes at 0x40"), "{message}");
}

#[test]
fn data_pointer_past_the_end_is_internal() {
    // 8 bytes starting 4 bytes before the end of memory, wherever that is.
    let body = "(i32.store (i32.const 32) (i32.const 0))
        (i32.store (i32.const 36)
          (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 4)))
        (i32.store (i32.const 40) (i32.const 8))
        (i32.const 32)";
    let message = garbage_message(body, "");
    assert!(message.contains("8 bytes at"), "{message}");
    assert!(message.contains("outside the module's memory"), "{message}");
}

#[test]
fn error_that_is_not_json_is_internal() {
    let extra = r#"(data (i32.const 32) "\01\00\00\00\80\00\00\00\08\00\00\00")
        (data (i32.const 128) "not json")"#;
    let message = garbage_message("(i32.const 32)", extra);
    assert!(message.contains("not error JSON"), "{message}");
}

#[test]
fn error_that_is_not_utf8_is_internal() {
    let extra = r#"(data (i32.const 32) "\01\00\00\00\80\00\00\00\04\00\00\00")
        (data (i32.const 128) "\ff\fe\fd\fc")"#;
    let message = garbage_message("(i32.const 32)", extra);
    assert!(message.contains("not UTF-8"), "{message}");
}

#[test]
fn guest_claiming_a_sandbox_kind_is_internal() {
    let json = r#"{"error":{"kind":"deadline_exceeded","message":"trust me"}}"#;
    let extra = format!(
        r#"(data (i32.const 32) "\01\00\00\00\80\00\00\00\{:02x}\00\00\00")
        (data (i32.const 128) "{}")"#,
        json.len(),
        json.replace('"', "\\\"")
    );
    let message = garbage_message("(i32.const 32)", &extra);
    assert!(message.contains("deadline_exceeded"), "{message}");
}

#[test]
fn guest_error_json_passes_through() {
    let json = r#"{"error":{"kind":"invalid_spec","message":"no","path":"/width"}}"#;
    let extra = format!(
        r#"(data (i32.const 32) "\01\00\00\00\80\00\00\00\{:02x}\00\00\00")
        (data (i32.const 128) "{}")"#,
        json.len(),
        json.replace('"', "\\\"")
    );
    let runtime = wat_runtime(&guest("(i32.const 32)", &extra), true);
    let failure = render(&runtime, &RenderLimits::default()).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::InvalidSpec);
    assert_eq!(failure.path(), Some("/width"));
    assert_eq!(failure.to_json(), json);
}

#[test]
fn unknown_status_is_internal() {
    let extra = r#"(data (i32.const 32) "\07\00\00\00\40\00\00\00\02\00\00\00")"#;
    let message = garbage_message("(i32.const 32)", extra);
    assert!(message.contains("unknown status 7"), "{message}");
}

#[test]
fn alloc_returning_a_pointer_outside_memory_is_internal() {
    let wat = guest(RETURNS_OK, "").replace(
        "(i32.const 1024))\n  (func (export \"dealloc\")",
        "(i32.const -4))\n  (func (export \"dealloc\")",
    );
    let runtime = wat_runtime(&wat, true);
    let failure = render(&runtime, &RenderLimits::default()).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Internal, "{failure}");
    assert!(
        failure.message().contains("alloc("),
        "{}",
        failure.message()
    );
}

#[test]
fn guest_calling_an_unknown_import_traps_as_internal() {
    let wat = guest("(call $host_glue) (i32.const 16)", "").replace(
        "(module",
        "(module\n  (import \"wbg\" \"__wbg_glue\" (func $host_glue))",
    );
    let runtime = wat_runtime(&wat, true);
    let failure = render(&runtime, &RenderLimits::default()).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Internal, "{failure}");
}

#[test]
fn module_without_the_abi_is_refused_at_start_up() {
    let cases = [
        ("(module (memory (export \"memory\") 1))", "alloc"),
        (
            "(module (memory (export \"memory\") 1)
               (func (export \"alloc\") (param i32) (result i32) (i32.const 0))
               (func (export \"render\") (param i32 i32 i32 f32) (result i32) (i32.const 0)))",
            "render",
        ),
        (
            "(module (func (export \"alloc\") (param i32) (result i32) (i32.const 0)))",
            "memory",
        ),
    ];
    for (wat, missing) in cases {
        let result = Runtime::new(RuntimeConfig {
            module: ModuleSource::Bytes(wat::parse_str(wat).unwrap()),
            cache: CacheLocation::Disabled,
            ..RuntimeConfig::default()
        });
        match result {
            Err(HostError::Abi(message)) => assert!(message.contains(missing), "{message}"),
            Err(other) => panic!("expected an ABI error about {missing}, got {other}"),
            Ok(_) => panic!("a module without `{missing}` was accepted"),
        }
    }
}

#[test]
fn bytes_that_are_not_wasm_are_refused_at_start_up() {
    let result = Runtime::new(RuntimeConfig {
        module: ModuleSource::Bytes(b"\0asm garbage".to_vec()),
        cache: CacheLocation::Disabled,
        ..RuntimeConfig::default()
    });
    assert!(matches!(result, Err(HostError::Compile(_))));
}

#[test]
fn more_concurrent_renders_than_the_pool_holds_is_overloaded() {
    let runtime = Runtime::new(RuntimeConfig {
        module: ModuleSource::Bytes(wat::parse_str(guest(SPINS_FOREVER, "")).unwrap()),
        cache: CacheLocation::Disabled,
        max_concurrent_renders: 1,
        ..RuntimeConfig::default()
    })
    .unwrap();
    std::thread::scope(|scope| {
        // The spinner retries while a probe holds the slot.
        let spinning = scope.spawn(|| loop {
            match render(&runtime, &limits_with_timeout(Duration::from_secs(2))) {
                Err(failure) if failure.kind() == ErrorKind::Overloaded => continue,
                other => return other,
            }
        });
        // Until the spinner holds the only slot, a probe may get it itself (and be
        // stopped at its own short deadline); once the slot is taken, it is refused.
        let probe = limits_with_timeout(Duration::from_millis(10));
        let refused = (0..400).find_map(|_| match render(&runtime, &probe) {
            Err(failure) if failure.kind() == ErrorKind::Overloaded => Some(failure),
            _ => {
                std::thread::sleep(Duration::from_millis(10));
                None
            }
        });
        let refused = refused.expect("a render beyond the pool size was refused");
        assert_eq!(refused.http_status(), 503);
        assert_eq!(
            spinning.join().unwrap().unwrap_err().kind(),
            ErrorKind::DeadlineExceeded
        );
    });
}

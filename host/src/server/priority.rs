//! Lowers the scheduling priority of render threads, so that on a machine whose cores
//! are all rendering, the async threads (which answer `/healthz`, `/metrics` and
//! 503s) and other processes still get the CPU the moment they need it. Renders lose
//! nothing when the machine is otherwise idle: niceness only matters under contention.
//!
//! Its unsafe code is one `setpriority(2)` call.

use std::cell::Cell;

/// The default niceness of render threads (`--render-niceness`): 10 gives a waiting
/// async thread about ten times the CPU share of a render thread (the kernel's weights:
/// 1024 at nice 0, 110 at nice 10).
pub const DEFAULT_RENDER_NICENESS: i32 = 10;

thread_local! {
    static LOWERED: Cell<bool> = const { Cell::new(false) };
}

/// Adds `niceness` to the calling thread's once; later calls on the same thread are
/// free. Failure (e.g. a sandbox that forbids it) is ignored: priority is an
/// optimization.
pub fn lower_current_thread_once(niceness: i32) {
    LOWERED.with(|lowered| {
        if !lowered.get() {
            lowered.set(true);
            if niceness > 0 {
                set_current_thread_niceness(niceness);
            }
        }
    });
}

#[cfg(target_os = "linux")]
fn set_current_thread_niceness(niceness: i32) {
    // On Linux the nice value is per thread, and `who = 0` with PRIO_PROCESS names the
    // calling thread (setpriority(2), "BUGS"): other threads keep their priority.
    // SAFETY: getpriority and setpriority take plain integers and touch no memory of ours.
    let current = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, current.saturating_add(niceness)) };
}

#[cfg(not(target_os = "linux"))]
fn set_current_thread_niceness(_niceness: i32) {
    // Elsewhere the call would change the whole process; renders keep normal priority.
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Field 19 (nice) of /proc/<tid>/stat, counted after the parenthesized name.
    fn niceness_of(stat: &str) -> Option<i32> {
        let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        after_name
            .split_whitespace()
            .nth(16)
            .and_then(|n| n.parse().ok())
    }

    #[test]
    fn lowers_only_the_calling_thread() {
        let before = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        let lowered = std::thread::spawn(|| {
            lower_current_thread_once(DEFAULT_RENDER_NICENESS);
            lower_current_thread_once(DEFAULT_RENDER_NICENESS);
            niceness_of(&std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default())
        })
        .join()
        .ok()
        .flatten();
        let base = niceness_of(&before);
        assert!(base.is_some());
        assert_eq!(lowered, base.map(|n| (n + DEFAULT_RENDER_NICENESS).min(19)));
        let after = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        assert_eq!(
            niceness_of(&after),
            base,
            "the test thread kept its priority"
        );
    }
}

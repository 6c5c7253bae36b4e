//! The epoch ticker: one thread that advances the engine's epoch at a fixed period, so
//! that every render's wall-clock deadline (a number of epochs) is enforced even in a
//! guest loop that never calls out. Stopped and joined when dropped.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;
use wasmtime::Engine;

/// How often the epoch advances. A render's deadline is rounded up to whole periods,
/// so this is also the precision of `--timeout-ms`. 1 ms keeps a 20 ms deadline
/// accurate to 5% while the thread's cost stays at ~1000 wakeups per second, which is
/// negligible next to a render.
pub const EPOCH_PERIOD: Duration = Duration::from_millis(1);

/// The number of epochs after which a render with this timeout is interrupted: at
/// least one, so that even a zero timeout stops at the next tick rather than never.
pub fn deadline_ticks(timeout: Duration) -> u64 {
    let period = EPOCH_PERIOD.as_nanos();
    let ticks = timeout.as_nanos().div_ceil(period);
    u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
}

/// Owns the ticker thread; dropping it stops and joins the thread.
pub struct EpochTicker {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts ticking `engine`'s epoch every [`EPOCH_PERIOD`].
    pub fn start(engine: Engine) -> std::io::Result<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("plotbox-epoch".into())
            .spawn(move || loop {
                // Waiting on the channel instead of sleeping lets `drop` end the
                // thread at once rather than after a period.
                match stopped.recv_timeout(EPOCH_PERIOD) {
                    Err(RecvTimeoutError::Timeout) => engine.increment_epoch(),
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
            })?;
        Ok(EpochTicker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        // Dropping the sender disconnects the channel, which ends the loop.
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!("the epoch ticker thread panicked");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_rounds_up_to_whole_periods_and_is_never_zero() {
        assert_eq!(deadline_ticks(Duration::ZERO), 1);
        assert_eq!(deadline_ticks(EPOCH_PERIOD), 1);
        assert_eq!(
            deadline_ticks(EPOCH_PERIOD * 20 + Duration::from_nanos(1)),
            21
        );
        assert_eq!(deadline_ticks(Duration::MAX), u64::MAX);
    }
}

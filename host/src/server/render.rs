//! Admission control and the worker pool: renders run on tokio's blocking threads,
//! at most `workers` at once, with at most `queue` more admitted to wait; anything
//! beyond that is refused at once with `overloaded`, so the async threads (and with
//! them `/healthz`) never wait behind a render.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

/// Why a job did not run to completion on a worker.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// Workers and queue were all taken; the request was not admitted.
    #[error("the server is at capacity ({workers} renders running, {queue} waiting); retry later")]
    Overloaded { workers: usize, queue: usize },
    /// The job panicked or the pool was torn down under it: a bug, reported as `internal`.
    #[error("render worker failed: {0}")]
    Worker(String),
}

/// Bounded pool of render slots; cheap to share behind the server state.
pub struct RenderPool {
    /// Permits for admitted jobs: running plus waiting.
    admission: Arc<Semaphore>,
    /// Permits for running jobs.
    workers: Arc<Semaphore>,
    worker_count: usize,
    queue_capacity: usize,
    in_flight: Arc<AtomicUsize>,
    queued: Arc<AtomicUsize>,
    /// Added to each render thread's nice value (see [`super::priority`]).
    render_niceness: i32,
}

/// Decrements a gauge when dropped, so that gauges stay right on every exit path,
/// including a client that hangs up while its job waits.
struct GaugeGuard(Arc<AtomicUsize>);

impl GaugeGuard {
    fn enter(gauge: &Arc<AtomicUsize>) -> Self {
        gauge.fetch_add(1, Ordering::Relaxed);
        GaugeGuard(Arc::clone(gauge))
    }
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl RenderPool {
    pub fn new(worker_count: usize, queue_capacity: usize, render_niceness: i32) -> Self {
        let worker_count = worker_count.max(1);
        RenderPool {
            admission: Arc::new(Semaphore::new(worker_count + queue_capacity)),
            workers: Arc::new(Semaphore::new(worker_count)),
            worker_count,
            queue_capacity,
            in_flight: Arc::new(AtomicUsize::new(0)),
            queued: Arc::new(AtomicUsize::new(0)),
            render_niceness,
        }
    }

    pub fn worker_count(&self) -> usize {
        self.worker_count
    }

    pub fn queue_capacity(&self) -> usize {
        self.queue_capacity
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Whether a new job would be admitted right now.
    pub fn has_capacity(&self) -> bool {
        self.admission.available_permits() > 0
    }

    /// Runs `job` on a worker thread once one is free, or refuses at once when the
    /// pool is full. An admitted job always runs to its end: if the caller stops
    /// waiting (the client hung up), the job still finishes and only then frees its slot.
    pub async fn run<T, F>(&self, job: F) -> Result<T, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let admitted = Arc::clone(&self.admission)
            .try_acquire_owned()
            .map_err(|_| PoolError::Overloaded {
                workers: self.worker_count,
                queue: self.queue_capacity,
            })?;
        let waiting = GaugeGuard::enter(&self.queued);
        let worker = Arc::clone(&self.workers)
            .acquire_owned()
            .await
            .map_err(|_| PoolError::Worker("the worker pool was closed".into()))?;
        drop(waiting);
        let running = GaugeGuard::enter(&self.in_flight);
        let niceness = self.render_niceness;
        let task = tokio::task::spawn_blocking(move || {
            super::priority::lower_current_thread_once(niceness);
            let result = job();
            drop((running, worker, admitted));
            result
        });
        task.await.map_err(|e| PoolError::Worker(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refuses_beyond_workers_plus_queue_and_runs_every_admitted_job() {
        let pool = Arc::new(RenderPool::new(1, 1, 0));
        let (release, gate) = mpsc::channel::<()>();
        let gate = Arc::new(std::sync::Mutex::new(gate));
        let blocked = {
            let pool = Arc::clone(&pool);
            let gate = Arc::clone(&gate);
            tokio::spawn(async move {
                pool.run(move || gate.lock().map(|g| g.recv().is_ok()).unwrap_or(false))
                    .await
            })
        };
        while pool.in_flight() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let waiting = {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move { pool.run(|| 7).await })
        };
        while pool.queued() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(!pool.has_capacity());
        let refused = pool.run(|| 0).await;
        assert!(matches!(
            refused,
            Err(PoolError::Overloaded {
                workers: 1,
                queue: 1
            })
        ));

        release.send(()).ok();
        assert!(matches!(blocked.await, Ok(Ok(true))));
        assert!(matches!(waiting.await, Ok(Ok(7))));
        assert_eq!((pool.in_flight(), pool.queued()), (0, 0));
        assert!(pool.has_capacity());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_job_is_a_worker_error_and_frees_its_slot() {
        let pool = RenderPool::new(1, 0, 0);
        let failed = pool.run(|| -> u8 { panic!("job bug") }).await;
        assert!(matches!(failed, Err(PoolError::Worker(_))));
        assert!(matches!(pool.run(|| 3).await, Ok(3)));
    }
}

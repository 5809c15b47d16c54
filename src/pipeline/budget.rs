//! The per-article time budget (`max_article_ms`). Normalisation is pure and never reads the
//! clock, so the time is kept here: a watchdog thread raises an article's [`Interrupt`] when its
//! budget runs out, the normaliser stops at its next checkpoint, and the run reports the article
//! and goes on with the rest.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::normalize::Interrupt;

/// Raises interrupts at their deadlines; one thread for any number of armed articles.
pub struct Watchdog {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    armed: Vec<(Instant, Arc<Interrupt>)>,
    stop: bool,
}

/// One article's budget, running until dropped.
pub struct Armed<'w> {
    watchdog: &'w Watchdog,
    interrupt: Arc<Interrupt>,
}

impl Watchdog {
    pub fn start() -> Watchdog {
        let shared = Arc::new(Shared::default());
        let thread = std::thread::Builder::new()
            .name("feedsmith-watchdog".into())
            .spawn({
                let shared = Arc::clone(&shared);
                move || watch(&shared)
            })
            .expect("cannot start the watchdog thread");
        Watchdog {
            shared,
            thread: Some(thread),
        }
    }

    /// Starts the budget of one article: its interrupt is raised `budget` from now unless the
    /// returned guard is dropped first.
    pub fn arm(&self, budget: Duration) -> Armed<'_> {
        let interrupt = Arc::new(Interrupt::new());
        let deadline = Instant::now() + budget;
        self.shared
            .lock()
            .armed
            .push((deadline, Arc::clone(&interrupt)));
        self.shared.changed.notify_one();
        Armed {
            watchdog: self,
            interrupt,
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is a list of deadlines: still sound after a panic elsewhere.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn watch(shared: &Shared) {
    let mut state = shared.lock();
    while !state.stop {
        let now = Instant::now();
        state.armed.retain(|(deadline, interrupt)| {
            let due = *deadline <= now;
            if due {
                interrupt.raise();
            }
            !due
        });
        let wait = state.armed.iter().map(|(d, _)| *d - now).min();
        state = match wait {
            Some(wait) => {
                let (state, _) = shared
                    .changed
                    .wait_timeout(state, wait)
                    .unwrap_or_else(PoisonError::into_inner);
                state
            }
            None => shared
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner),
        };
    }
}

impl Armed<'_> {
    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }
}

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        let mut state = self.watchdog.shared.lock();
        state
            .armed
            .retain(|(_, i)| !Arc::ptr_eq(i, &self.interrupt));
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.changed.notify_one();
        if let Some(thread) = self.thread.take() {
            // The thread only waits and raises flags; it cannot panic with the lock poisoned.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits (up to a generous bound, so a loaded machine cannot fail it) for the flag.
    fn raised_within(interrupt: &Interrupt, bound: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < bound {
            if interrupt.raised() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        interrupt.raised()
    }

    #[test]
    fn an_article_over_its_budget_is_interrupted() {
        let watchdog = Watchdog::start();
        let armed = watchdog.arm(Duration::from_millis(1));
        assert!(raised_within(armed.interrupt(), Duration::from_secs(10)));
    }

    #[test]
    fn a_finished_article_is_never_interrupted() {
        let watchdog = Watchdog::start();
        let long = watchdog.arm(Duration::from_secs(3600));
        let kept = Arc::clone(&long.interrupt);
        drop(long);
        // A later, short budget fires; the dropped one was disarmed and stays down.
        let short = watchdog.arm(Duration::from_millis(1));
        assert!(raised_within(short.interrupt(), Duration::from_secs(10)));
        assert!(!kept.raised());
        assert!(watchdog.shared.lock().armed.is_empty());
    }
}

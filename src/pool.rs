//! The run's CPU-heavy steps (reading and decoding a folder's files, normalising a source's
//! articles, parsing a feed's files back) on as many threads as the machine has cores, so a
//! cold run is not bound to one of them. Scoped threads per call: the work borrows the stage's
//! data, and each call is long enough (many files or articles, or whole feed files) for a
//! thread's start to be noise.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The cores this process may use (1 when that cannot be known).
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// `f` of every item, in the items' order, the items taken one at a time by up to [`cores`]
/// threads (this one among them), so a slow item does not hold back a whole share.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            // A panic in `f` is a bug: it goes on as this thread's.
            all.extend(
                helper
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_items_order() {
        let items: Vec<u64> = (0..1_000).collect();
        // Uneven work, so threads finish items out of order.
        let got = map(&items, |&n| (0..(n % 7) * 1_000).fold(n, |h, k| h ^ k) ^ n);
        let want: Vec<u64> = items
            .iter()
            .map(|&n| (0..(n % 7) * 1_000).fold(n, |h, k| h ^ k) ^ n)
            .collect();
        assert_eq!(got, want);
        assert!(map(&[] as &[u8], |_| 0u8).is_empty());
    }
}

//! `run --shard I/N` and `check --shard I/N`: for schedulers that start N copies of feedsmith
//! (Kubernetes indexed Jobs, systemd template units), each copy takes the feeds whose name
//! hashes into its shard, so together they refresh every feed exactly once with no
//! coordination. The hash is [`name_hash`], fixed across machines and builds, so a feed stays
//! in its shard from run to run (and keeps its politeness state on one copy's side).

use std::fmt;
use std::str::FromStr;

use crate::schedule::name_hash;

/// One shard of N, checked: `index < count`, `count ≥ 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// Why `--shard` was refused; clap prints it after the argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("expected I/N, like 0/3: this copy's number, then how many copies there are")]
    Shape,
    #[error("the number of copies must be at least 1")]
    NoCopies,
    #[error("copy {index} of {count} does not exist: copies are numbered 0 to N-1")]
    IndexTooHigh { index: u32, count: u32 },
}

impl Shard {
    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::NoCopies);
        }
        if index >= count {
            return Err(ShardError::IndexTooHigh { index, count });
        }
        Ok(Shard { index, count })
    }

    /// Whether the feed `name` is this shard's.
    pub fn contains(&self, name: &str) -> bool {
        name_hash(name) % u64::from(self.count) == u64::from(self.index)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let (i, n) = s.trim().split_once('/').ok_or(ShardError::Shape)?;
        let number = |t: &str| t.trim().parse::<u32>().map_err(|_| ShardError::Shape);
        Shard::new(number(i)?, number(n)?)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_checked() {
        assert_eq!("1/3".parse::<Shard>(), Shard::new(1, 3));
        assert_eq!(" 0 / 1 ".parse::<Shard>().unwrap().to_string(), "0/1");
        assert_eq!(
            "3/3".parse::<Shard>(),
            Err(ShardError::IndexTooHigh { index: 3, count: 3 })
        );
        assert_eq!("0/0".parse::<Shard>(), Err(ShardError::NoCopies));
        for bad in ["", "1", "a/2", "-1/2", "1/2/3", "1/"] {
            assert_eq!(bad.parse::<Shard>(), Err(ShardError::Shape), "{bad:?}");
        }
    }

    #[test]
    fn every_name_is_in_exactly_one_shard() {
        let names: Vec<String> = (0..200).map(|i| format!("feed-{i}")).collect();
        for count in 1..=5 {
            let shards: Vec<Shard> = (0..count).map(|i| Shard::new(i, count).unwrap()).collect();
            for name in &names {
                let hits = shards.iter().filter(|s| s.contains(name)).count();
                assert_eq!(hits, 1, "{name} in {hits} of {count} shards");
            }
            // Spread out: no shard of a few left empty by 200 names.
            for s in &shards {
                assert!(names.iter().any(|n| s.contains(n)), "shard {s} empty");
            }
        }
    }

    #[test]
    fn a_name_stays_in_its_shard() {
        // Fixed across builds and machines (worked out apart from this code, from the name's
        // SHA-256): a change to the hash would move every feed to another copy.
        assert_eq!(name_hash("world") % 7, 5);
        assert!(Shard::new(5, 7).unwrap().contains("world"));
        assert!(!Shard::new(4, 7).unwrap().contains("world"));
    }
}

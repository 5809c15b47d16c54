//! The work queue and the shared politeness of workers on PostgreSQL state: feeds are claimed
//! with `FOR UPDATE SKIP LOCKED` on their due time and held by a lease the worker renews while
//! it works (one that dies loses them when the lease runs out); each host's next allowed
//! request time is one row, taken and given back atomically, so workers on several machines
//! together never ask a host faster than its `host_delay_ms`.
//!
//! Asynchronous (`tokio-postgres`) and on a connection of its own: leases are renewed and hosts
//! taken while the run's store connection is busy.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use tokio_postgres::{Client, NoTls, Statement};

use super::postgres::redacted;
use crate::error::{Error, Result};
use crate::fetch::HostGate;

/// A feed as the queue first learns of it.
#[derive(Debug, Clone)]
pub struct Registered {
    pub feed: String,
    pub host: String,
    pub due: DateTime<Utc>,
}

/// The queue's statements ([`Queue::sql`]).
struct Prepared {
    register: Statement,
    rehost: Statement,
    claim: Statement,
    renew: Statement,
    complete: Statement,
    release_all: Statement,
    next_chance: Statement,
    take: Statement,
    slot: Statement,
    done: Statement,
}

impl Prepared {
    async fn new(client: &Client) -> std::result::Result<Prepared, tokio_postgres::Error> {
        Ok(Prepared {
            register: client
                .prepare(
                    "INSERT INTO feed_claims (feed, host, next_run_at)
                 SELECT * FROM unnest($1::TEXT[], $2::TEXT[], $3::TIMESTAMPTZ[]) AS u(feed, host, due)
                 WHERE NOT EXISTS (SELECT 1 FROM feed_claims c WHERE c.feed = u.feed)
                 ORDER BY feed
                 ON CONFLICT (feed) DO NOTHING",
                )
                .await?,
            rehost: client
                .prepare(
                    "WITH moved AS (
                    SELECT c.feed, u.host FROM feed_claims c
                    JOIN unnest($1::TEXT[], $2::TEXT[]) AS u(feed, host) ON u.feed = c.feed
                    WHERE c.host <> u.host
                    ORDER BY c.feed
                    FOR UPDATE OF c
                 )
                 UPDATE feed_claims c SET host = moved.host FROM moved WHERE c.feed = moved.feed",
                )
                .await?,
            claim: client
                .prepare(
                    "WITH free AS (
                    SELECT feed, row_number() OVER (PARTITION BY host ORDER BY next_run_at, feed) AS turn
                    FROM feed_claims
                    WHERE feed = ANY($1) AND next_run_at <= now()
                      AND (lease_until IS NULL OR lease_until < now())
                 ), due AS (
                    SELECT c.feed FROM feed_claims c JOIN free f ON f.feed = c.feed
                    WHERE c.next_run_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
                    ORDER BY f.turn, c.next_run_at LIMIT $2
                    FOR UPDATE OF c SKIP LOCKED
                 )
                 UPDATE feed_claims c SET worker = $3,
                     lease_until = now() + $4 * interval '1 millisecond'
                 FROM due WHERE c.feed = due.feed
                 RETURNING c.feed, c.next_run_at",
                )
                .await?,
            renew: client
                .prepare(
                    "WITH mine AS (
                    SELECT feed FROM feed_claims WHERE feed = ANY($1) AND worker = $2
                    ORDER BY feed FOR UPDATE
                 )
                 UPDATE feed_claims c SET lease_until = now() + $3 * interval '1 millisecond'
                 FROM mine WHERE c.feed = mine.feed RETURNING c.feed",
                )
                .await?,
            complete: client
                .prepare(
                    "UPDATE feed_claims SET next_run_at = $3, worker = NULL, lease_until = NULL,
                     runs = runs + 1
                 WHERE feed = $1 AND worker = $2",
                )
                .await?,
            release_all: client
                .prepare(
                    "WITH mine AS (
                    SELECT feed FROM feed_claims WHERE worker = $1 ORDER BY feed FOR UPDATE
                 )
                 UPDATE feed_claims c SET worker = NULL, lease_until = NULL
                 FROM mine WHERE c.feed = mine.feed",
                )
                .await?,
            next_chance: client
                .prepare(
                    "SELECT EXTRACT(EPOCH FROM (min(GREATEST(next_run_at, COALESCE(lease_until, next_run_at))) - now()))::FLOAT8
                 FROM feed_claims WHERE feed = ANY($1)",
                )
                .await?,
            take: client
                .prepare(
                    "INSERT INTO host_slots (host, next_allowed_at, busy_until, worker)
                 VALUES ($1, clock_timestamp(), clock_timestamp() + $2 * interval '1 millisecond', $3)
                 ON CONFLICT (host) DO UPDATE
                 SET busy_until = EXCLUDED.busy_until, worker = EXCLUDED.worker
                 WHERE host_slots.next_allowed_at <= clock_timestamp()
                   AND (host_slots.busy_until IS NULL OR host_slots.busy_until < clock_timestamp())
                 RETURNING host",
                )
                .await?,
            slot: client
                .prepare(
                    "SELECT EXTRACT(EPOCH FROM (next_allowed_at - clock_timestamp()))::FLOAT8,
                        busy_until IS NOT NULL AND busy_until >= clock_timestamp()
                 FROM host_slots WHERE host = $1",
                )
                .await?,
            done: client
                .prepare(
                    "UPDATE host_slots
                     SET next_allowed_at = clock_timestamp() + $2 * interval '1 millisecond',
                         busy_until = NULL, worker = NULL
                     WHERE host = $1 AND worker = $3",
                )
                .await?,
        })
    }
}

pub struct Queue {
    client: Client,
    /// Every statement, prepared once at connect: a statement prepared per call costs a round
    /// trip more, and a host's turn is taken and given back for every request.
    sql: Prepared,
    worker: String,
    url: String,
    /// How long a host stays taken by a request whose worker vanished mid-request.
    request_timeout: Duration,
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Queue {
    /// Connects as worker `worker` (its id in claims and `status`). The schema must exist:
    /// connect the [`super::Store`] first.
    pub async fn connect(url: &str, worker: &str, request_timeout: Duration) -> Result<Queue> {
        let shown = redacted(url);
        let (client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|source| Error::Postgres {
                url: shown.clone(),
                source,
            })?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::error!("the work queue's PostgreSQL connection failed: {e}");
            }
        });
        let sql = Prepared::new(&client)
            .await
            .map_err(|source| Error::Postgres {
                url: shown.clone(),
                source,
            })?;
        Ok(Queue {
            client,
            sql,
            worker: worker.to_string(),
            url: shown,
            request_timeout,
        })
    }

    pub fn worker(&self) -> &str {
        &self.worker
    }

    fn err(&self, source: tokio_postgres::Error) -> Error {
        Error::Postgres {
            url: self.url.clone(),
            source,
        }
    }

    /// Adds feeds the queue does not know yet, due at their given times; known feeds keep the
    /// due time the queue has. Each feed comes with the host it is fetched from (its first web
    /// source's; empty for local folders), which spreads claims over hosts.
    ///
    /// Workers start together and register the same feeds: a known feed's row is left alone
    /// unless its host changed, and rows are inserted and locked in feed order (as renewals
    /// and releases lock theirs), so two workers never wait on each other in a cycle, which
    /// PostgreSQL would end by failing one of them as a deadlock.
    pub async fn register(&self, feeds: &[Registered]) -> Result<()> {
        let names: Vec<&str> = feeds.iter().map(|f| f.feed.as_str()).collect();
        let hosts: Vec<&str> = feeds.iter().map(|f| f.host.as_str()).collect();
        let due: Vec<DateTime<Utc>> = feeds.iter().map(|f| f.due).collect();
        self.client
            .execute(&self.sql.register, &[&names, &hosts, &due])
            .await
            .map_err(|e| self.err(e))?;
        self.client
            .execute(&self.sql.rehost, &[&names, &hosts])
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Claims up to `n` of `feeds` that are due and not held (or whose lease ran out), for
    /// `lease`: each host's most overdue feed first, then each host's second, and so on, so a
    /// batch spreads over hosts instead of queueing behind one host's delay. The conditions are
    /// checked again on the locked rows, as a claim committed meanwhile may have taken one.
    pub async fn claim(&self, feeds: &[String], n: usize, lease: Duration) -> Result<Vec<String>> {
        let n = n as i64;
        let rows = self
            .client
            .query(&self.sql.claim, &[&feeds, &n, &self.worker, &millis(lease)])
            .await
            .map_err(|e| self.err(e))?;
        let mut claimed: Vec<(DateTime<Utc>, String)> =
            rows.iter().map(|r| (r.get(1), r.get(0))).collect();
        claimed.sort();
        Ok(claimed.into_iter().map(|(_, f)| f).collect())
    }

    /// Extends this worker's lease on `feeds`; returns the feeds it still held.
    pub async fn renew(&self, feeds: &[String], lease: Duration) -> Result<Vec<String>> {
        let rows = self
            .client
            .query(&self.sql.renew, &[&feeds, &self.worker, &millis(lease)])
            .await
            .map_err(|e| self.err(e))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// Gives `feed` back, due next at `next`; false when this worker no longer held it (its
    /// lease ran out and another worker took it over).
    pub async fn complete(&self, feed: &str, next: DateTime<Utc>) -> Result<bool> {
        let n = self
            .client
            .execute(&self.sql.complete, &[&feed, &self.worker, &next])
            .await
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Gives back whatever this worker still holds, due as it was (a worker stopping after an
    /// error, so the others need not wait for the lease).
    pub async fn release_all(&self) -> Result<()> {
        self.client
            .execute(&self.sql.release_all, &[&self.worker])
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// How long until one of `feeds` may be claimed: the next due time or lease end, from the
    /// database's clock; `None` when the queue holds none of them.
    pub async fn next_chance(&self, feeds: &[String]) -> Result<Option<Duration>> {
        let row = self
            .client
            .query_one(&self.sql.next_chance, &[&feeds])
            .await
            .map_err(|e| self.err(e))?;
        Ok(row
            .get::<_, Option<f64>>(0)
            .map(|s| Duration::from_secs_f64(s.max(0.0))))
    }

    /// Takes `host` when it is free and its delay has passed; otherwise how long to wait before
    /// asking again.
    async fn try_take(
        &self,
        host: &str,
    ) -> std::result::Result<Option<Duration>, tokio_postgres::Error> {
        let hold = millis(self.request_timeout) + 1000.0;
        let taken = self
            .client
            .query_opt(&self.sql.take, &[&host, &hold, &self.worker])
            .await?;
        if taken.is_some() {
            return Ok(None);
        }
        let row = self.client.query_opt(&self.sql.slot, &[&host]).await?;
        let (until_allowed, busy): (f64, bool) = row.map_or((0.0, false), |r| (r.get(0), r.get(1)));
        // While another request to the host is out, its end is unknown: look again soon.
        let wait = match busy {
            true => Duration::from_millis(5),
            false => Duration::from_secs_f64(until_allowed.max(0.0)).max(Duration::from_millis(1)),
        };
        Ok(Some(wait))
    }
}

impl HostGate for Queue {
    fn wait<'a>(&'a self, host: &'a str, _delay: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            loop {
                match self.try_take(host).await {
                    Ok(None) => return,
                    Ok(Some(wait)) => tokio::time::sleep(wait.min(Duration::from_secs(1))).await,
                    Err(e) => {
                        // Without the database, the process's own spacing is all there is.
                        tracing::warn!(%host, "cannot take the host's turn in {}: {e}", self.url);
                        return;
                    }
                }
            }
        })
    }

    fn done<'a>(&'a self, host: &'a str, delay: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let result = self
                .client
                .execute(&self.sql.done, &[&host, &millis(delay), &self.worker])
                .await;
            if let Err(e) = result {
                tracing::warn!(%host, "cannot give the host's turn back in {}: {e}", self.url);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::postgres::testing::TestSchema;

    fn feeds(names: &[&str], host: &str, due: DateTime<Utc>) -> Vec<Registered> {
        names
            .iter()
            .map(|f| Registered {
                feed: f.to_string(),
                host: host.into(),
                due,
            })
            .collect()
    }

    /// Regression: three workers starting together failed one with "deadlock detected", as
    /// registering upserted (and so locked) every known feed's row, in each process's own
    /// order. Registering known feeds now waits for no other transaction's lock.
    #[test]
    fn registering_known_feeds_waits_for_no_lock_another_worker_holds() {
        let Some(schema) = TestSchema::new() else {
            return;
        };
        drop(crate::store::Store::connect(&schema.url).unwrap());
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let t0 = DateTime::parse_from_rfc3339("2024-05-11T09:00:00Z")
                .unwrap()
                .to_utc();
            let lease = Duration::from_secs(60);
            let first = Queue::connect(&schema.url, "w1", lease).await.unwrap();
            first.register(&feeds(&["a", "b"], "h", t0)).await.unwrap();

            // Another worker's transaction holds row `b` (as a renewal in flight does).
            let (holder, conn) = tokio_postgres::connect(&schema.url, NoTls).await.unwrap();
            tokio::spawn(conn);
            holder
                .batch_execute("BEGIN; UPDATE feed_claims SET runs = runs WHERE feed = 'b'")
                .await
                .unwrap();

            let second = Queue::connect(&schema.url, "w2", lease).await.unwrap();
            let later = t0 + chrono::Duration::hours(1);
            let registered = tokio::time::timeout(
                Duration::from_secs(5),
                second.register(&feeds(&["c", "b", "a"], "h", later)),
            )
            .await;
            assert!(
                matches!(registered, Ok(Ok(()))),
                "registering waited on the held row: {registered:?}"
            );
            holder.batch_execute("COMMIT").await.unwrap();

            // A known feed keeps its due time; a new one is due when registered; a moved
            // feed takes its new host.
            second.register(&feeds(&["a"], "h2", later)).await.unwrap();
            let rows = holder
                .query(
                    "SELECT feed, host, next_run_at FROM feed_claims ORDER BY feed",
                    &[],
                )
                .await
                .unwrap();
            let got: Vec<(String, String, DateTime<Utc>)> = rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            let want = [("a", "h2", t0), ("b", "h", t0), ("c", "h", later)]
                .map(|(f, h, d)| (f.to_string(), h.to_string(), d));
            assert_eq!(got, want);
        });
    }
}

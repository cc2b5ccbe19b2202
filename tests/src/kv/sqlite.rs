//! A host's keys and values in a SQLite file, kept the way `spin up` keeps its default store
//! (`.spin/sqlite_key_value.db`): one table of (store, key, value), one connection shared by
//! every request, SQLite's default journal and sync, so that each write is a transaction on
//! disk before it returns. The benchmark measures on it what a store operation costs a request
//! under `spin up` (`BENCH_STORE=sqlite`).

use super::{Data, KvResult, incremented};
use crate::blocking::as_spin_does;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

pub struct Sqlite(Mutex<Connection>);

const GET: &str = "SELECT value FROM kv WHERE store = ?1 AND key = ?2";
const UPSERT: &str = "INSERT INTO kv (store, key, value) VALUES (?1, ?2, ?3) \
                      ON CONFLICT (store, key) DO UPDATE SET value = excluded.value";

impl Sqlite {
    pub fn open(path: &Path) -> anyhow::Result<Sqlite> {
        let connection = Connection::open(path)?;
        connection.execute(
            "CREATE TABLE IF NOT EXISTS kv (
                 store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                 PRIMARY KEY (store, key))",
            [],
        )?;
        Ok(Sqlite(Mutex::new(connection)))
    }

    /// Runs `f` on the connection. A statement blocks its thread (a write waits for the disk),
    /// so the thread is handed over first, as Spin's store does, and other requests go on
    /// meanwhile.
    fn with<R>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<R>) -> R {
        as_spin_does(|| {
            let mut connection = self.0.lock().unwrap();
            f(&mut connection).expect("the SQLite store failed")
        })
    }
}

fn read(c: &Connection, label: &str, key: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    c.prepare_cached(GET)?
        .query_row(params![label, key], |row| row.get(0))
        .optional()
}

impl Data for Sqlite {
    /// Spin opens a store under `block_in_place` too, though after its first open that only
    /// reads the connection it keeps (`KeyValueSqlite::get`): the hand-off is the cost.
    fn open(&self) {
        as_spin_does(|| ());
    }

    fn get(&self, label: &str, key: &str) -> Option<Vec<u8>> {
        self.with(|c| read(c, label, key))
    }

    fn set(&self, label: &str, key: &str, value: Vec<u8>) {
        self.with(|c| c.prepare_cached(UPSERT)?.execute(params![label, key, value]));
    }

    fn delete(&self, label: &str, key: &str) {
        self.with(|c| {
            c.prepare_cached("DELETE FROM kv WHERE store = ?1 AND key = ?2")?
                .execute(params![label, key])
        });
    }

    fn keys(&self, label: &str) -> Vec<String> {
        self.with(|c| {
            c.prepare_cached("SELECT key FROM kv WHERE store = ?1 ORDER BY key")?
                .query_map(params![label], |row| row.get(0))?
                .collect()
        })
    }

    fn snapshot(&self, label: &str) -> HashMap<String, Vec<u8>> {
        self.with(|c| {
            c.prepare_cached("SELECT key, value FROM kv WHERE store = ?1")?
                .query_map(params![label], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        })
    }

    fn increment(&self, label: &str, key: &str, delta: i64) -> KvResult<i64> {
        self.with(|c| {
            let tx = c.transaction()?;
            let next = incremented(read(&tx, label, key)?.as_deref(), delta);
            if let Ok(next) = next {
                tx.prepare_cached(UPSERT)?
                    .execute(params![label, key, next.to_string().into_bytes()])?;
                tx.commit()?;
            }
            Ok(next)
        })
    }

    fn compare_and_swap(&self, label: &str, key: &str, seen: Option<&[u8]>, value: Vec<u8>) -> bool {
        self.with(|c| match seen {
            // One statement: it writes only where the row still holds what was seen.
            Some(seen) => c
                .prepare_cached("UPDATE kv SET value = ?3 WHERE store = ?1 AND key = ?2 AND value = ?4")?
                .execute(params![label, key, value, seen])
                .map(|rows| rows == 1),
            None => c
                .prepare_cached(UPSERT)?
                .execute(params![label, key, value])
                .map(|_| true),
        })
    }
}

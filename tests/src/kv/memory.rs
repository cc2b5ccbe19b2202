//! A host's keys and values in memory: the tests' store, and the benchmark's by default.

use super::{Data, KvResult, incremented};
use std::collections::HashMap;
use std::sync::Mutex;

/// Label -> key -> value.
#[derive(Default)]
pub struct Memory(Mutex<HashMap<String, HashMap<String, Vec<u8>>>>);

impl Data for Memory {
    fn get(&self, label: &str, key: &str) -> Option<Vec<u8>> {
        self.0.lock().unwrap().get(label)?.get(key).cloned()
    }

    fn set(&self, label: &str, key: &str, value: Vec<u8>) {
        self.0
            .lock()
            .unwrap()
            .entry(label.to_string())
            .or_default()
            .insert(key.to_string(), value);
    }

    fn delete(&self, label: &str, key: &str) {
        if let Some(map) = self.0.lock().unwrap().get_mut(label) {
            map.remove(key);
        }
    }

    fn keys(&self, label: &str) -> Vec<String> {
        let mut keys: Vec<String> = self
            .0
            .lock()
            .unwrap()
            .get(label)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    fn snapshot(&self, label: &str) -> HashMap<String, Vec<u8>> {
        self.0.lock().unwrap().get(label).cloned().unwrap_or_default()
    }

    fn increment(&self, label: &str, key: &str, delta: i64) -> KvResult<i64> {
        let mut data = self.0.lock().unwrap();
        let map = data.entry(label.to_string()).or_default();
        let next = incremented(map.get(key).map(Vec::as_slice), delta)?;
        map.insert(key.to_string(), next.to_string().into_bytes());
        Ok(next)
    }

    fn compare_and_swap(&self, label: &str, key: &str, seen: Option<&[u8]>, value: Vec<u8>) -> bool {
        let mut data = self.0.lock().unwrap();
        let map = data.entry(label.to_string()).or_default();
        if let Some(seen) = seen
            && map.get(key).map(Vec::as_slice) != Some(seen)
        {
            return false;
        }
        map.insert(key.to_string(), value);
        true
    }
}

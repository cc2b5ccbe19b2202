//! Refund events, kept in an outbox inside the source's own record: raising one is part of the
//! same compare-and-swap as the refund, so an event is never lost between the two and costs no
//! extra write. Delivery (`crate::webhook`) marks them delivered; the admin API lists and
//! redelivers the rest.

use crate::ledger::{RefundEntry, SourceRecord, StoredJson};
use crate::money;
use serde_json::{Map, Value, json};

const OUTBOX: &str = "outbox";
/// Delivered events kept for reading back; older delivered ones are dropped. Undelivered events
/// are never dropped.
const KEEP_DELIVERED: usize = 20;

pub const REFUND_CREATED: &str = "refund.created";
pub const REFUND_UPDATED: &str = "refund.updated";

/// Appends an event: `fields` plus its own `id`, `type`, `createdAt` and `delivered: false`.
pub fn raise(record: &mut SourceRecord, event_type: &str, fields: Map<String, Value>, now: i64) {
    let mut event = fields;
    event.insert("id".into(), json!(uuid::Uuid::new_v4().to_string()));
    event.insert("type".into(), json!(event_type));
    event.insert("createdAt".into(), json!(now));
    event.insert("delivered".into(), json!(false));
    record.extra.push_back(OUTBOX, &event);
}

/// The event every API can raise about one of its refunds.
pub fn refund_fields(record: &SourceRecord, refund: &RefundEntry) -> Map<String, Value> {
    let value = json!({
        "source": {"kind": record.kind, "id": record.id},
        "refundId": refund.id,
        "amount": money::json_number(refund.amount),
        "currency": record.currency,
        "status": refund.status,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Every event still in the outbox, oldest first.
pub fn events(record: &SourceRecord) -> Vec<Value> {
    record.extra.values(OUTBOX)
}

/// The events not delivered yet, oldest first.
pub fn pending(record: &SourceRecord) -> Vec<Value> {
    events(record).into_iter().filter(is_pending).collect()
}

/// How many events are not delivered yet. An order's GET shows this count on every request:
/// building each event as a `Value` was most of that GET's time, and reading each for its one
/// member as a type cost 2.7 KB of every .wasm. So each event is looked at as its stored text.
/// Events are only ever written by serde_json from the maps above, compactly, so an event's
/// text holds `"delivered":false` exactly when it is pending: a quote inside a string is always
/// escaped, and no event has a nested member of that name.
pub fn pending_count(record: &SourceRecord) -> usize {
    const PENDING: &[u8] = br#""delivered":false"#;
    let Some(outbox) = record.extra.get(OUTBOX) else {
        return 0;
    };
    outbox.items_holding(PENDING).len()
}

fn is_pending(event: &Value) -> bool {
    event["delivered"] == false
}

/// Marks these events delivered and drops the oldest delivered beyond [`KEEP_DELIVERED`].
pub fn mark_delivered(record: &mut SourceRecord, ids: &[String]) {
    if record.extra.get(OUTBOX).is_none() {
        return;
    }
    let mut items = events(record);
    for event in items.iter_mut() {
        if event["id"].as_str().is_some_and(|id| ids.iter().any(|d| d == id)) {
            event["delivered"] = json!(true);
        }
    }
    let delivered = items.iter().filter(|e| e["delivered"] == true).count();
    let mut drop = delivered.saturating_sub(KEEP_DELIVERED);
    items.retain(|e| {
        if drop > 0 && e["delivered"] == true {
            drop -= 1;
            return false;
        }
        true
    });
    record.extra.set(OUTBOX, StoredJson::of(&Value::Array(items)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn record() -> SourceRecord {
        SourceRecord::new(
            "invoice",
            "7",
            "GBP",
            Decimal::from(100),
            crate::ledger::StoredJson::of(&json!({})),
        )
    }

    #[test]
    fn events_wait_until_delivered_and_old_delivered_ones_go() {
        let mut record = record();
        for n in 0..30 {
            raise(
                &mut record,
                REFUND_CREATED,
                Map::from_iter([("n".into(), json!(n))]),
                5,
            );
        }
        assert_eq!(pending(&record).len(), 30);
        assert_eq!(pending_count(&record), 30);
        let first: Vec<String> = pending(&record)[..25]
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        mark_delivered(&mut record, &first);
        let left = pending(&record);
        assert_eq!(left.len(), 5, "undelivered events stay");
        assert_eq!(pending_count(&record), 5);
        assert_eq!(left[0]["n"], 25);
        assert_eq!(events(&record).len(), 5 + KEEP_DELIVERED);
        assert_eq!(events(&record)[0]["n"], 5, "the oldest delivered were dropped");
    }

    #[test]
    fn a_pending_count_is_not_fooled_by_the_words_in_a_field() {
        let mut record = record();
        let note = Map::from_iter([("note".into(), json!(r#""delivered":false"#))]);
        raise(&mut record, REFUND_CREATED, note.clone(), 5);
        let ids: Vec<String> = pending(&record)
            .iter()
            .map(|e| e["id"].as_str().unwrap().into())
            .collect();
        mark_delivered(&mut record, &ids);
        assert_eq!((pending(&record).len(), pending_count(&record)), (0, 0));
        raise(&mut record, REFUND_CREATED, note, 6);
        assert_eq!((pending(&record).len(), pending_count(&record)), (1, 1));
    }
}

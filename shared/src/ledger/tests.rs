use super::*;
use crate::store::{Fault, MemoryStore};
use futures::executor::block_on;
use futures::future::join_all;
use proptest::prelude::*;
use serde_json::json;

fn seed(store: &MemoryStore, captured: i64) {
    let mut record = SourceRecord::new(
        "invoice",
        "1",
        "USD",
        Decimal::from(captured),
        StoredJson::of(&json!({})),
    );
    record.parts.add("row:1", Decimal::from(captured / 2));
    block_on(store.set(&source_key("invoice", "1"), &record.encode())).unwrap();
}

fn stored(store: &MemoryStore) -> SourceRecord {
    SourceRecord::decode(store.raw(&source_key("invoice", "1")).unwrap()).unwrap()
}

fn unit_refund(amount: i64) -> impl FnMut(&SourceRecord, u64) -> AppResult<NewRefund> {
    move |_, seq| {
        Ok(NewRefund {
            id: format!("r{seq}"),
            amount: Decimal::from(amount),
            parts: Parts::default(),
            status: "CREATED".into(),
            holds_funds: true,
            data: StoredJson::none(),
        })
    }
}

async fn take(store: &MemoryStore, amount: i64, key: Option<&str>) -> AppResult<Outcome> {
    let idem = key.map(|k| Idempotency {
        key: k.into(),
        fingerprint: format!("fp{amount}"),
    });
    Ledger::new(store, 0)
        .refund("invoice", "1", "invoice 1", idem.as_slice(), unit_refund(amount))
        .await
}

#[test]
fn partial_then_full_to_exactly_zero() {
    let store = MemoryStore::new();
    seed(&store, 10);
    block_on(async {
        assert!(matches!(take(&store, 4, None).await, Ok(Outcome::Created(..))));
        assert!(matches!(take(&store, 6, None).await, Ok(Outcome::Created(..))));
        let refused = take(&store, 1, None).await.unwrap_err();
        assert!(
            matches!(
                refused,
                AppError::Refused {
                    code: "over_refund",
                    ..
                }
            ),
            "{refused:?}"
        );
    });
    let record = stored(&store);
    assert_eq!(record.remaining(), Decimal::ZERO);
    assert_eq!(
        record
            .refunds
            .all()
            .unwrap()
            .iter()
            .map(|r| r.seq)
            .collect::<Vec<_>>(),
        [1, 2]
    );
}

#[test]
fn unknown_source_is_not_found() {
    let store = MemoryStore::new();
    let e = block_on(take(&store, 1, None)).unwrap_err();
    assert_eq!(e, AppError::NotFound("invoice 1".into()));
}

#[test]
fn idempotent_replay_and_conflict() {
    let store = MemoryStore::new();
    seed(&store, 10);
    block_on(async {
        let first = take(&store, 3, Some("k")).await.unwrap();
        let again = take(&store, 3, Some("k")).await.unwrap();
        let (a, _, replay_a) = first.parts();
        let (b, _, replay_b) = again.parts();
        assert_eq!(a.id, b.id);
        assert!(!replay_a && replay_b);
        let writes = store.counts().writes;
        assert!(matches!(
            take(&store, 4, Some("k")).await,
            Err(AppError::Conflict(_))
        ));
        assert_eq!(store.counts().writes, writes, "a refused retry writes nothing");
    });
    assert_eq!(stored(&store).refunds.all().unwrap().len(), 1);
}

#[test]
fn parts_are_limited_on_their_own() {
    let store = MemoryStore::new();
    seed(&store, 10); // row:1 holds 5
    let on_row = |amount: i64| {
        move |_: &SourceRecord, seq: u64| {
            Ok(NewRefund {
                id: format!("r{seq}"),
                amount: Decimal::from(amount),
                parts: Parts::from_iter([("row:1".to_string(), Decimal::from(amount))]),
                status: "CREATED".into(),
                holds_funds: true,
                data: StoredJson::none(),
            })
        }
    };
    block_on(async {
        let ledger = Ledger::new(&store, 0);
        assert!(ledger.refund("invoice", "1", "x", &[], on_row(5)).await.is_ok());
        assert!(ledger.refund("invoice", "1", "x", &[], on_row(1)).await.is_err());
        assert!(
            take(&store, 5, None).await.is_ok(),
            "the rest of the total is still refundable"
        );
    });
}

#[test]
fn released_refunds_give_the_amount_back() {
    let store = MemoryStore::new();
    seed(&store, 10);
    block_on(async {
        take(&store, 10, None).await.unwrap();
        let ledger = Ledger::new(&store, 5);
        let (entry, record) = ledger
            .update_refund("invoice", "1", "r1", "x", |r, _| {
                r.status = "CANCELLED".into();
                r.holds_funds = false;
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!((entry.updated, record.remaining()), (5, Decimal::from(10)));
        assert!(take(&store, 10, None).await.is_ok());
        // Re-holding a released refund would now exceed the capture.
        let again = ledger
            .update_refund("invoice", "1", "r1", "x", |r, _| {
                r.holds_funds = true;
                Ok(())
            })
            .await;
        assert!(matches!(again, Err(AppError::Conflict(_))));
    });
}

/// The record's running totals after a released refund are summed again, so what is left
/// is right once the record is read back.
#[test]
fn totals_follow_a_changed_refund_through_the_store() {
    let store = MemoryStore::new();
    seed(&store, 10);
    block_on(async {
        take(&store, 4, None).await.unwrap();
        take(&store, 3, None).await.unwrap();
        Ledger::new(&store, 5)
            .update_refund("invoice", "1", "r1", "x", |r, _| {
                r.holds_funds = false;
                Ok(())
            })
            .await
            .unwrap();
    });
    let text = String::from_utf8(store.raw(&source_key("invoice", "1")).unwrap()).unwrap();
    assert!(text.contains(r#""held":"3""#), "{text}");
    assert_eq!(stored(&store).remaining(), Decimal::from(7));
}

/// A POST reads what is left from the record's totals and appends its refund: earlier refunds
/// are not parsed (here one is damaged, and a refund is still taken), only the request that
/// shows that refund finds it unreadable.
#[test]
fn taking_a_refund_does_not_read_the_earlier_ones() {
    let store = MemoryStore::new();
    seed(&store, 10);
    block_on(take(&store, 4, Some("k1"))).unwrap();
    let key = source_key("invoice", "1");
    let text = String::from_utf8(store.raw(&key).unwrap()).unwrap();
    let damaged = text.replace(r#""amount":"4""#, r#""amount":"four""#);
    assert_ne!(damaged, text);
    block_on(store.set(&key, damaged.as_bytes())).unwrap();
    assert!(matches!(
        block_on(take(&store, 6, Some("k2"))),
        Ok(Outcome::Created(..))
    ));
    assert!(matches!(
        block_on(take(&store, 1, None)),
        Err(AppError::Refused { .. })
    ));
    let record = stored(&store);
    assert!(record.refund("r2").unwrap().is_some());
    assert!(matches!(record.refund("r1"), Err(AppError::Store(_))));
}

/// Records written before the running totals have none: they are summed from the refunds
/// when read, and written from then on.
#[test]
fn records_without_totals_are_summed_when_read() {
    let old = json!({
        "v": 1, "kind": "invoice", "id": "1", "currency": "USD", "captured": "10",
        "parts": {"row:1": "5"}, "data": {},
        "refunds": [
            {"id": "r1", "seq": 1, "amount": "4", "parts": {"row:1": "2"}, "status": "CREATED",
             "holds_funds": true, "created": 0, "updated": 0, "data": null},
            {"id": "r2", "seq": 2, "amount": "5", "status": "CANCELLED",
             "holds_funds": false, "created": 0, "updated": 0, "data": null}
        ],
        "next_seq": 2,
        "idempotency": {"header:k1": {"fingerprint": "fp4", "refund_id": "r1"}}
    });
    let mut record = SourceRecord::decode(old.to_string().into_bytes()).unwrap();
    assert_eq!(record.remaining(), Decimal::from(6));
    assert_eq!(record.part_remaining("row:1"), Some(Decimal::from(3)));
    let replayed = record.replay(&[Idempotency {
        key: "header:k1".into(),
        fingerprint: "fp4".into(),
    }]);
    assert_eq!(replayed.unwrap().map(|r| r.id), Some("r1".to_string()));
    let text = String::from_utf8(record.encode()).unwrap();
    assert!(
        text.contains(r#""held":"4","held_parts":{"row:1":"2"}"#),
        "{text}"
    );
}

/// When a refund last changed is kept with the record as refunds are taken and changed, so an
/// answer reads it without the refunds (here one is damaged); a record written before it has
/// it worked out from the refunds, and written from then on.
#[test]
fn the_last_refund_change_is_kept_with_the_record() {
    let store = MemoryStore::new();
    seed(&store, 10);
    assert_eq!(stored(&store).last_refund_update().unwrap(), None);
    for (now, amount) in [(5, 1), (9, 2)] {
        let ledger = Ledger::new(&store, now);
        block_on(ledger.refund("invoice", "1", "invoice 1", &[], unit_refund(amount))).unwrap();
    }
    assert_eq!(stored(&store).last_refund_update().unwrap(), Some(9));
    let ledger = Ledger::new(&store, 12);
    let changed = ledger.update_refund("invoice", "1", "r1", "x", |r, _| {
        r.status = "DONE".into();
        Ok(())
    });
    block_on(changed).unwrap();
    let text = String::from_utf8(store.raw(&source_key("invoice", "1")).unwrap()).unwrap();
    let damaged = text.replace(r#""amount":"1""#, r#""amount":"one""#);
    assert_ne!(damaged, text);
    let record = SourceRecord::decode(damaged.into_bytes()).unwrap();
    assert_eq!(record.last_refund_update().unwrap(), Some(12));
    assert!(record.refunds.all().is_err());

    let old = text.replace(r#","last_refund_update":12"#, "");
    assert_ne!(old, text);
    let mut record = SourceRecord::decode(old.into_bytes()).unwrap();
    assert_eq!(record.last_refund_update().unwrap(), Some(12));
    assert_eq!(record.encode(), text.as_bytes());
}

#[test]
fn endless_lost_races_end_in_contention() {
    let store = MemoryStore::new();
    seed(&store, 10);
    store.inject(Fault::LoseEverySwap);
    assert_eq!(block_on(take(&store, 1, None)).unwrap_err(), AppError::Contention);
    store.clear_fault();
    assert!(stored(&store).refunds.is_empty());
}

#[test]
fn refund_ids_carry_their_source() {
    assert_eq!(RefundIds::compose(42, 3).unwrap(), 42_000_003);
    assert_eq!(RefundIds::source_of(42_000_003), Some(42));
    assert_eq!(RefundIds::source_of(7), None);
    assert!(RefundIds::compose(1, 1_000_000).is_err());
    assert!(RefundIds::compose(RefundIds::MAX_SOURCE_ID, 999_999).unwrap() < 1 << 53);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// However concurrent refunds interleave, the accepted ones never exceed what was captured,
    /// and every unit that could be refunded was.
    #[test]
    fn concurrent_refunds_never_exceed_captured(pattern in any::<u64>(), captured in 1i64..20, n in 1usize..30) {
        let store = MemoryStore::with_yields(pattern);
        seed(&store, captured);
        let results = block_on(join_all((0..n).map(|_| take(&store, 1, None))));
        let accepted = results.iter().filter(|r| r.is_ok()).count() as i64;
        prop_assert_eq!(accepted, captured.min(n as i64));
        let all_refusals = results.iter().all(|r| matches!(r, Ok(_) | Err(AppError::Refused { .. })));
        prop_assert!(all_refusals);
        prop_assert_eq!(stored(&store).refunded(), Decimal::from(accepted));
    }

    /// Concurrent retries with one key take the refund once and all answer with it.
    #[test]
    fn concurrent_retries_take_one_refund(pattern in any::<u64>(), n in 1usize..20) {
        let store = MemoryStore::with_yields(pattern);
        seed(&store, 100);
        let results = block_on(join_all((0..n).map(|_| take(&store, 7, Some("same")))));
        let ids: Vec<String> = results.iter().map(|r| r.as_ref().unwrap().parts().0.id.clone()).collect();
        prop_assert!(ids.iter().all(|id| id == &ids[0]));
        prop_assert_eq!(stored(&store).refunds.all().unwrap().len(), 1);
    }

    /// A store failure at any operation leaves the record unchanged or fully updated, and a retry
    /// with the same key then holds the refund exactly once.
    #[test]
    fn a_fault_anywhere_is_all_or_nothing(at in 1u64..4) {
        let store = MemoryStore::new();
        seed(&store, 10);
        let before = stored(&store);
        store.inject(Fault::FailNth(at));
        let first = block_on(take(&store, 3, Some("k")));
        store.clear_fault();
        let after = stored(&store);
        match first {
            Err(AppError::Store(_)) => prop_assert_eq!(&after, &before),
            Ok(_) => prop_assert_eq!(after.refunds.all().unwrap().len(), 1),
            Err(other) => prop_assert!(false, "unexpected error {}", other),
        }
        prop_assert!(block_on(take(&store, 3, Some("k"))).is_ok());
        prop_assert_eq!(stored(&store).refunds.all().unwrap().len(), 1);
        prop_assert_eq!(stored(&store).refunded(), Decimal::from(3));
    }
}

/// A record with two refunds taken through the ledger, as stored.
fn two_refunds() -> Vec<u8> {
    let store = MemoryStore::new();
    seed(&store, 10);
    block_on(take(&store, 1, Some("k1"))).unwrap();
    block_on(take(&store, 2, None)).unwrap();
    store.raw(&source_key("invoice", "1")).unwrap()
}

#[test]
fn a_record_ends_with_its_keys_and_its_refunds_each_with_its_length() {
    let text = String::from_utf8(two_refunds()).unwrap();
    let (head, tail) = text.split_once(r#","idempotency":"#).unwrap();
    let (keys, tail) = tail.split_once(r#","idempotency_bytes":"#).unwrap();
    let (keys_length, tail) = tail.split_once(r#","refunds":["#).unwrap();
    assert_eq!(keys_length, keys.len().to_string());
    assert_eq!(keys, r#"{"k1":{"fingerprint":"fp1","refund_id":"r1"}}"#);
    assert!(
        !head.contains("idempotency") && !head.contains("refunds"),
        "{text}"
    );
    let (array, length) = tail.rsplit_once(r#"],"refunds_bytes":"#).unwrap();
    assert_eq!(length.strip_suffix('}').unwrap(), (array.len() + 2).to_string());
    assert!(
        array.starts_with(r#"{"id":"r1""#) && array.contains(r#"},{"id":"r2""#),
        "{text}"
    );
    // Still one JSON object, which any reader reads in full.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["refunds"].as_array().unwrap().len(), 2);
    assert_eq!(value["idempotency"]["k1"]["refund_id"], "r1");
}

#[test]
fn records_read_back_the_same_whatever_the_order_of_their_members() {
    let stored = two_refunds();
    let expected = SourceRecord::decode(stored.clone()).unwrap();
    assert_eq!(expected.refunds.all().unwrap().len(), 2);
    // As records were stored before the keys and the refunds went last (serde's member order),
    // with the refunds first, and with the length members gone or wrong: the refunds are found
    // by a scan, and serde reads the keys with the other members.
    let value: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&stored).unwrap();
    let mut orders: Vec<Vec<(String, serde_json::Value)>> = Vec::new();
    let members: Vec<_> = value
        .into_iter()
        .filter(|(k, _)| !k.ends_with("_bytes"))
        .collect();
    orders.push(members.clone());
    let mut refunds_first = members.clone();
    refunds_first.sort_by_key(|(k, _)| k != "refunds");
    orders.push(refunds_first);
    let mut wrong_length = members.clone();
    wrong_length.push(("refunds_bytes".into(), json!(3)));
    orders.push(wrong_length);

    for members in orders {
        let text = serde_json::to_vec(&serde_json::Map::from_iter(members.clone())).unwrap();
        let read = SourceRecord::decode(text).unwrap();
        assert_eq!(read, expected, "{members:?}");
        // Written again, in today's layout.
        let mut read = read;
        assert_eq!(SourceRecord::decode(read.encode()).unwrap(), expected);
    }
}

/// Records whose refunds are last but whose keys are among the other members (as written before
/// the keys went last), or whose keys' length is wrong: serde reads the keys with the rest.
#[test]
fn keys_not_written_last_are_read_with_the_other_members() {
    let stored = String::from_utf8(two_refunds()).unwrap();
    let expected = SourceRecord::decode(stored.clone().into_bytes()).unwrap();
    let (head, tail) = stored.split_once(r#","idempotency":"#).unwrap();
    let (keys, tail) = tail.split_once(r#","idempotency_bytes":"#).unwrap();
    let (length, refunds) = tail.split_once(r#","refunds":"#).unwrap();
    let keys_first = format!(r#"{{"idempotency":{keys},{},"refunds":{refunds}"#, &head[1..]);
    let wrong_length = stored.replacen(
        &format!(r#""idempotency_bytes":{length}"#),
        r#""idempotency_bytes":7"#,
        1,
    );
    let no_length = stored.replacen(&format!(r#","idempotency_bytes":{length}"#), "", 1);
    for text in [keys_first, wrong_length, no_length] {
        let mut read = SourceRecord::decode(text.clone().into_bytes()).unwrap();
        assert_eq!(read, expected, "{text}");
        assert_eq!(
            read.encode(),
            stored.as_bytes(),
            "written again in today's layout"
        );
    }
}

#[test]
fn a_record_cut_short_or_with_refunds_that_are_no_list_is_a_store_error() {
    let stored = two_refunds();
    for cut in [1, 20, stored.len() / 2, stored.len() - 30] {
        let err = SourceRecord::decode(stored[..stored.len() - cut].to_vec()).unwrap_err();
        assert!(matches!(err, AppError::Store(_)), "{err:?}");
    }
    let text = String::from_utf8(stored).unwrap();
    let not_a_list = text.replacen(r#""refunds":[{"#, r#""refunds":{"x":[{"#, 1);
    let not_a_list = not_a_list.replacen(r#"],"refunds_bytes""#, r#"]},"refunds_bytes""#, 1);
    if let Ok(read) = SourceRecord::decode(not_a_list.into_bytes()) {
        let err = read.refunds.all().unwrap_err();
        assert!(matches!(err, AppError::Store(_)), "{err:?}");
    }
}

/// A refund is found by its id among the stored ones, walked back from the newest, and the
/// ones this request appended, whatever their fields hold; ids JSON escapes are found too.
#[test]
fn refunds_are_found_by_id_newest_first() {
    let mut record = SourceRecord::new("invoice", "1", "USD", Decimal::from(100), StoredJson::none());
    let tricky = json!({"note": r#"{"id":"r1"},"\"}]"#, "nested": [{"id": "r2"}]});
    for id in ["r1", "r2", r#"r"3\"#] {
        let new = NewRefund {
            id: id.into(),
            amount: Decimal::ONE,
            parts: Parts::default(),
            status: "CREATED".into(),
            holds_funds: true,
            data: StoredJson::of(&tricky),
        };
        record.take(new, &[], 0).unwrap();
    }
    let mut read = SourceRecord::decode(record.encode()).unwrap();
    let new = NewRefund {
        id: "r4".into(),
        amount: Decimal::ONE,
        parts: Parts::default(),
        status: "CREATED".into(),
        holds_funds: true,
        data: StoredJson::none(),
    };
    read.take(new, &[], 0).unwrap();
    for (id, seq) in [("r1", 1), ("r2", 2), (r#"r"3\"#, 3), ("r4", 4)] {
        let found = read.refund(id).unwrap().unwrap();
        assert_eq!((found.id.as_str(), found.seq), (id, seq));
    }
    assert_eq!(read.refund("r5").unwrap(), None);
    assert_eq!(read.refund("r").unwrap(), None);
}

/// One refund is read from a record as `encode` wrote it without decoding the rest (here the
/// head is damaged, which a write would refuse, and the refunds are still found); a record in
/// another layout is decoded whole first, and one of another version refused, as before.
#[test]
fn one_refund_is_read_without_decoding_the_rest_of_its_record() {
    let stored = String::from_utf8(two_refunds()).unwrap();
    let opening = format!(r#"{{"v":{RECORD_VERSION},"#);
    assert!(stored.starts_with(&opening), "{stored}");
    let read = |text: &str, id: &str| SourceRecord::refund_in(text.as_bytes().to_vec(), id);
    assert_eq!(read(&stored, "r1").unwrap().unwrap().seq, 1);
    assert_eq!(read(&stored, "r2").unwrap().unwrap().amount, Decimal::from(2));
    assert_eq!(read(&stored, "r3").unwrap(), None);

    let damaged = stored.replacen(r#""currency":"USD""#, r#""currency":7"#, 1);
    assert!(SourceRecord::decode(damaged.clone().into_bytes()).is_err());
    assert_eq!(read(&damaged, "r2").unwrap().unwrap().seq, 2);

    let mut members: Vec<_> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&stored)
        .unwrap()
        .into_iter()
        .collect();
    members.sort_by_key(|(k, _)| k != "refunds");
    let refunds_first = serde_json::to_string(&serde_json::Map::from_iter(members)).unwrap();
    assert_eq!(read(&refunds_first, "r2").unwrap().unwrap().seq, 2);

    let next = format!(r#"{{"v":{},"#, RECORD_VERSION + 1);
    let err = read(&stored.replacen(&opening, &next, 1), "r2").unwrap_err();
    assert!(
        matches!(&err, AppError::Store(m) if m.contains("version")),
        "{err:?}"
    );
}

/// Through the store: an unknown source, an unknown refund and a refund told apart.
#[test]
fn a_refund_is_found_through_the_ledger_by_its_source() {
    let store = MemoryStore::new();
    seed(&store, 10);
    block_on(take(&store, 1, None)).unwrap();
    let before = store.counts();
    let ledger = Ledger::new(&store, 0);
    assert_eq!(block_on(ledger.find_refund("invoice", "2", "r1")).unwrap(), None);
    assert_eq!(
        block_on(ledger.find_refund("invoice", "1", "r2")).unwrap(),
        Some(None)
    );
    let found = block_on(ledger.find_refund("invoice", "1", "r1")).unwrap();
    assert_eq!(found.flatten().map(|r| r.seq), Some(1));
    let after = store.counts();
    assert_eq!(
        (after.reads - before.reads, after.writes),
        (3, before.writes),
        "one read each"
    );
}

/// The refund in a status is found without parsing the others (here one is damaged, and is
/// passed over), and a refund whose own fields merely hold that status is not taken for it.
#[test]
fn a_refund_in_a_status_is_found_by_its_text() {
    let mut record = SourceRecord::new("purchase", "1", "EUR", Decimal::from(100), StoredJson::none());
    let decoy = json!({"status": "pending"});
    for (id, status, data) in [
        ("r1", "success", StoredJson::none()),
        ("r2", "success", StoredJson::of(&decoy)),
        ("r3", "pending", StoredJson::none()),
        ("r4", "pending", StoredJson::none()),
    ] {
        let new = NewRefund {
            id: id.into(),
            amount: Decimal::ONE,
            parts: Parts::default(),
            status: status.into(),
            holds_funds: true,
            data,
        };
        record.take(new, &[], 0).unwrap();
    }
    let text = String::from_utf8(record.encode()).unwrap();
    let damaged = text.replacen(r#""amount":"1""#, r#""amount":"one""#, 1);
    assert_ne!(damaged, text);
    let read = SourceRecord::decode(damaged.into_bytes()).unwrap();
    let found = read.refunds.first_in("pending").unwrap().unwrap();
    assert_eq!(found.id, "r3");
    assert_eq!(read.refunds.first_in("failed").unwrap(), None);
    // Once the list is read (here it cannot be), the same answer comes from it.
    assert!(read.refunds.all().is_err());
    let whole = SourceRecord::decode(text.into_bytes()).unwrap();
    whole.refunds.all().unwrap();
    assert_eq!(whole.refunds.first_in("pending").unwrap().unwrap().id, "r3");
}

/// The API's state is written where serde wrote it (the last of its members, before the keys),
/// as its text: a list an item was added to reads back the same, through `decode` and through a
/// reader that knows nothing of the record's layout, in the bytes of the same list set whole.
#[test]
fn state_added_to_is_written_where_serde_wrote_it() {
    let mut record = SourceRecord::decode(two_refunds()).unwrap();
    record.extra.set("balance", StoredJson::of(&"2.50"));
    record.extra.push_back("outbox", &json!({"n": 1}));
    record.extra.push_back("outbox", &json!({"n": 2}));
    let stored = record.encode();
    let read = SourceRecord::decode(stored.clone()).unwrap();
    assert_eq!(read.extra.values("outbox"), [json!({"n": 1}), json!({"n": 2})]);
    let whole: serde_json::Value = serde_json::from_slice(&stored).unwrap();
    let state = json!({"balance": "2.50", "outbox": [{"n": 1}, {"n": 2}]});
    assert_eq!(whole["extra"], state);
    let mut set_whole = record.clone();
    set_whole.extra.set("outbox", StoredJson::of(&state["outbox"]));
    assert_eq!(set_whole.encode(), stored);
    let text = String::from_utf8(stored).unwrap();
    let at = r#","next_seq":2,"extra":{"balance":"2.50","outbox":[{"n":1},{"n":2}]},"idempotency":"#;
    assert!(text.contains(at), "{text}");
}

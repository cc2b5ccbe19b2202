use super::*;
use crate::error::AppError;
use serde_json::json;

fn codes(result: AppResult<Loaded>) -> Vec<(String, &'static str)> {
    match result {
        Err(AppError::Validation(errors)) => errors.into_iter().map(|e| (e.path, e.code)).collect(),
        Err(other) => panic!("{other:?}"),
        Ok(_) => Vec::new(),
    }
}

#[test]
fn invoice_loads_and_validates() {
    let ok = Kind::Invoice
        .load(&json!({"customerId": 7, "billRunType": "NORMAL", "currency": "GBP", "amountPaid": "100.50", "paymentMethod": "BACS"}))
        .unwrap();
    assert_eq!(ok.captured, Decimal::new(10050, 2));
    let bad = codes(Kind::Invoice.load(
        &json!({"billRunType": "WEEKLY", "currency": "GBP", "amountPaid": 1.001, "paymentMethod": "CASH"}),
    ));
    assert_eq!(
        bad,
        [
            ("customerId".to_string(), "required"),
            ("billRunType".to_string(), "invalid_enum"),
            ("amountPaid".to_string(), "too_many_decimals"),
            ("paymentMethod".to_string(), "invalid_enum"),
        ]
    );
}

#[test]
fn parts_of_each_kind() {
    let account = Kind::Account
        .load(
            &json!({"name": "A", "currency": "EUR", "paymentMethod": {"id": "pm1", "@type": "bankCard"},
                      "payments": [{"id": "p1", "amount": 10}, {"id": "p2", "amount": "5.5"}]}),
        )
        .unwrap();
    assert_eq!(account.captured, Decimal::new(155, 1));
    assert_eq!(account.parts.len(), 2);
    let payment = Kind::Payment
        .load(&json!({"customerId": 1, "currency": "USD", "amount": 30,
                      "invoices": [{"invoiceId": 1, "amount": 20, "invoiceTotal": 50, "outstandingBalance": 30}]}))
        .unwrap();
    assert_eq!(payment.parts.get("invoice:1"), Some(Decimal::from(20)));
    let over = codes(Kind::Payment.load(&json!({"customerId": 1, "currency": "USD", "amount": 10, "invoices": [{"invoiceId": 1, "amount": 20}]})));
    assert_eq!(over, [("invoices".to_string(), "over_allocated")]);
    let purchase = Kind::Purchase
        .load(&json!({"status": "paid", "currency": "EUR", "total": 1050, "refundAvailability": "all"}))
        .unwrap();
    assert_eq!(purchase.captured, Decimal::new(1050, 2));
    let order = Kind::Order
        .load(&json!({"customerId": 1, "currency": "SEK", "rows": [{"rowId": 1, "amount": 100}], "shipping": 49, "invoiceFee": 19}))
        .unwrap();
    assert_eq!(order.captured, Decimal::from(168));
    let dup = codes(Kind::Order.load(&json!({"customerId": 1, "currency": "SEK", "rows": [{"rowId": 1, "amount": 1}, {"rowId": 1, "amount": 1}]})));
    assert_eq!(dup, [("rows[1].rowId".to_string(), "duplicate")]);
}

#[test]
fn ids() {
    assert_eq!(Kind::Invoice.canonical_id("42").as_deref(), Some("42"));
    assert_eq!(Kind::Invoice.canonical_id("042"), None);
    assert_eq!(Kind::Invoice.canonical_id("-1"), None);
    assert_eq!(Kind::Invoice.canonical_id("99999999999999999999"), None);
    assert_eq!(Kind::Order.canonical_id("2147483648"), None);
    assert_eq!(
        Kind::Account.canonical_id("ACC-1.x_2").as_deref(),
        Some("ACC-1.x_2")
    );
    assert_eq!(Kind::Account.canonical_id("a/b"), None);
    assert_eq!(
        Kind::Purchase
            .canonical_id("8F14E45F-CEEA-467A-9575-3C5A2F5F4A8B")
            .as_deref(),
        Some("8f14e45f-ceea-467a-9575-3c5a2f5f4a8b")
    );
    assert_eq!(Kind::Purchase.canonical_id("not-a-uuid"), None);
    assert_eq!(Kind::parse("refund"), None);
}

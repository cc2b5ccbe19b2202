//! Payment refunds (seed 002), end to end through payment_refunds.wasm.

mod common;
use common::*;

const WRITE: (&str, &str) = ("authorization", "Bearer dev-payment-token");
const READ: (&str, &str) = ("authorization", "Bearer dev-payment-read-token");
const XML: (&str, &str) = ("content-type", "application/xml");
const ACCEPT_XML: (&str, &str) = ("accept", "application/xml");

/// Payment 2 of 30.00 USD paid invoice 1 (20.00 of a 50.00 invoice, 30.00 still outstanding)
/// and invoice 7 (5.00 of 5.00); 5.00 of it is unallocated.
async fn host_with_payment() -> TestHost {
    let host = TestHost::new();
    let body = json!({"customerId": 5, "currency": "USD", "amount": 30, "reference": "PAY-2", "invoices": [
        {"invoiceId": 1, "invoiceNumber": 1001, "amount": 20, "invoiceTotal": 50, "outstandingBalance": 30},
        {"invoiceId": 7, "invoiceNumber": 1007, "amount": 5, "invoiceTotal": 5, "outstandingBalance": 0}]});
    let reply = host
        .request(
            "PUT",
            "/admin/v1/sources/payment/2",
            &[ADMIN, JSON],
            body.to_string(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    host
}

async fn post_json(host: &TestHost, body: &Value) -> Reply {
    host.request("POST", "/v1/Refunds", &[WRITE, JSON], body.to_string())
        .await
}

fn model_state(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 400, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["Message"], "The request is invalid.");
    body["ModelState"].as_object().unwrap().keys().cloned().collect()
}

async fn refunded(host: &TestHost) -> Value {
    host.request("GET", "/admin/v1/sources/payment/2", &[ADMIN], "")
        .await
        .json()["refunded"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_json_sample_is_accepted_and_answered_in_json() {
    let host = host_with_payment().await;
    let sample = json!({"reference": "sample string 1", "referenceDate": "2024-05-03T13:00:38.8499088+00:00",
        "originalPaymentId": 2, "amount": 3.0,
        "refundAllocations": [{"invoiceId": 1, "amount": 1.0}, {"invoiceId": 1, "amount": 0.5}, {"invoiceId": 7, "amount": 1.0}],
        "method": 0, "netsuiteId": "sample string 4"});
    let reply = post_json(&host, &sample).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["paymentActivityId"], 2_000_001);
    assert_eq!(body["id"], 2_000_001);
    assert_eq!(body["originalPaymentActivityId"], 2);
    assert_eq!(body["customerId"], 5);
    assert_eq!(body["currency"], "USD");
    assert_eq!(body["amount"], json!(3));
    assert_eq!(body["reference"], "sample string 1");
    assert_eq!(body["referenceDate"], "2024-05-03T13:00:38.8499088+00:00");
    assert_eq!(body["netsuiteId"], "sample string 4");
    assert_eq!(body["description"], "Refund of payment 2 (PAY-2)");
    let allocations = body["invoiceAllocations"].as_array().unwrap();
    assert_eq!(allocations.len(), 2, "repeated invoice ids are summed");
    assert_eq!(allocations[0]["amount"], json!(1.5));
    assert_eq!(allocations[0]["invoiceNumber"], 1001);
    assert_eq!(
        allocations[0]["outstandingBalance"],
        json!(31.5),
        "the refund re-opened the invoice"
    );
    assert_eq!(allocations[0]["invoiceTotal"], json!(50));
    assert_eq!(body["unallocatedAmount"], json!(0.5));
    assert_eq!(body["refundableAmount"], json!(27));
    assert_eq!(body["uri"], "http://localhost:3000/v1/Refunds/2000001");
    for member in [
        "effectiveTimestamp",
        "description",
        "refunds",
        "gatewayFee",
        "settlement",
        "surchargingFee",
        "sendToNetsuite",
        "quickBooksId",
        "quickBooksAttemptNumber",
    ] {
        assert!(body.as_object().unwrap().contains_key(member), "{member}");
    }
    assert_eq!(
        reply.ops,
        OpCounts {
            opens: 1,
            reads: 1,
            writes: 1
        }
    );
    let again = host.request("GET", "/v1/Refunds/2000001", &[READ], "").await;
    assert_eq!(again.json(), body);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_xml_sample_is_accepted_and_answered_in_xml() {
    let host = host_with_payment().await;
    let sample = r#"<Refund xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Common.Dto.Post">
  <Amount>3</Amount>
  <Method>CreditCard</Method>
  <NetsuiteId>sample string 4</NetsuiteId>
  <OriginalPaymentId>2</OriginalPaymentId>
  <Reference>sample string 1</Reference>
  <ReferenceDate>2024-05-03T13:00:38.8499088+00:00</ReferenceDate>
  <RefundAllocations>
    <RefundAllocation><Amount>1</Amount><InvoiceId>1</InvoiceId></RefundAllocation>
    <RefundAllocation><Amount>1</Amount><InvoiceId>1</InvoiceId></RefundAllocation>
  </RefundAllocations>
</Refund>"#;
    let reply = host
        .request("POST", "/v1/Refunds", &[WRITE, XML, ACCEPT_XML], sample)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/xml")
    );
    let text = reply.text();
    assert!(
        text.contains(r#"<PaymentActivity xmlns:i="http://www.w3.org/2001/XMLSchema-instance""#),
        "{text}"
    );
    assert!(text.contains("<Amount>3</Amount>"), "{text}");
    assert!(
        text.contains("<InvoiceAllocations><InvoiceAllocation><Amount>2</Amount>"),
        "{text}"
    );
    assert!(text.contains("<RefundableAmount>27</RefundableAmount>"), "{text}");
    assert!(text.contains("<SendToNetsuite>false</SendToNetsuite>"), "{text}");
    assert!(text.contains("<Description>Refund of payment 2"), "{text}");
    // The same refund in JSON, by default.
    let json_view = host
        .request("GET", "/v1/Refunds/2000001", &[READ], "")
        .await
        .json();
    assert_eq!(json_view["reference"], "sample string 1");
    let text_xml = host
        .request("GET", "/v1/Refunds/2000001", &[READ, ("accept", "text/xml")], "")
        .await;
    assert!(text_xml.text().contains("<Reference>sample string 1</Reference>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn form_bodies_and_names_in_any_case() {
    let host = host_with_payment().await;
    let form = "OriginalPaymentId=2&Amount=3&RefundAllocations[0].InvoiceId=1&RefundAllocations[0].Amount=2&Method=Check";
    let reply = host
        .request(
            "POST",
            "/v1/Refunds",
            &[WRITE, ("content-type", "application/x-www-form-urlencoded")],
            form,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["invoiceAllocations"][0]["amount"], json!(2));
    let shouting =
        json!({"ORIGINALPAYMENTID": 2, "Amount": 1, "RefundAllocations": [{"INVOICEID": 7, "amount": 1}]});
    let reply = post_json(&host, &shouting).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["invoiceAllocations"][0]["invoiceId"], 7);
    let lower_route = host.request("GET", "/v1/refunds/2000001", &[READ], "").await;
    assert_eq!(
        lower_route.status, 404,
        "Spin routes are case-sensitive: /v1/Refunds only"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_allocation_rule() {
    let host = host_with_payment().await;
    let with = |allocations: Value, amount: f64| json!({"originalPaymentId": 2, "amount": amount, "refundAllocations": allocations});
    // The invoice must be one the payment paid.
    let keys = model_state(&post_json(&host, &with(json!([{"invoiceId": 9, "amount": 1}]), 1.0)).await);
    assert_eq!(keys, ["refund.refundAllocations[0].invoiceId"]);
    // An invoice's allocation may not exceed what the payment paid on it.
    let keys = model_state(
        &post_json(
            &host,
            &with(
                json!([{"invoiceId": 7, "amount": 3}, {"invoiceId": 7, "amount": 3}]),
                6.0,
            ),
        )
        .await,
    );
    assert_eq!(keys, ["refund.refundAllocations[0].amount"]);
    // The allocations may not add up to more than the amount.
    let keys = model_state(&post_json(&host, &with(json!([{"invoiceId": 1, "amount": 2}]), 1.0)).await);
    assert_eq!(keys, ["refund.refundAllocations"]);
    // Allocation amounts are positive.
    let keys = model_state(&post_json(&host, &with(json!([{"invoiceId": 1, "amount": 0}]), 1.0)).await);
    assert_eq!(keys, ["refund.refundAllocations[0].amount"]);
    // Earlier refunds on an invoice count.
    assert_eq!(
        post_json(&host, &with(json!([{"invoiceId": 7, "amount": 4}]), 4.0))
            .await
            .status,
        200
    );
    let keys = model_state(&post_json(&host, &with(json!([{"invoiceId": 7, "amount": 1.01}]), 2.0)).await);
    assert_eq!(keys, ["refund.refundAllocations[0].amount"]);
    assert_eq!(refunded(&host).await, json!(4));
}

#[tokio::test(flavor = "multi_thread")]
async fn over_refund_and_field_validation() {
    let host = host_with_payment().await;
    assert_eq!(
        post_json(&host, &json!({"originalPaymentId": 2, "amount": 25}))
            .await
            .status,
        200
    );
    let over = post_json(&host, &json!({"originalPaymentId": 2, "amount": 5.01})).await;
    assert_eq!(model_state(&over), ["refund.amount"]);
    assert!(
        over.json()["ModelState"]["refund.amount"][0]
            .as_str()
            .unwrap()
            .contains("5.00 USD")
    );
    let cases = [
        (json!({"amount": 1}), "refund.originalPaymentId"),
        (json!({"originalPaymentId": 2}), "refund.amount"),
        (
            json!({"originalPaymentId": 3, "amount": 1}),
            "refund.originalPaymentId",
        ),
        (
            json!({"originalPaymentId": "2", "amount": 1}),
            "refund.originalPaymentId",
        ),
        (json!({"originalPaymentId": 2, "amount": -1}), "refund.amount"),
        (json!({"originalPaymentId": 2, "amount": 0.001}), "refund.amount"),
        (
            json!({"originalPaymentId": 2, "amount": 1, "method": 99}),
            "refund.method",
        ),
        (
            json!({"originalPaymentId": 2, "amount": 1, "method": "Cash"}),
            "refund.method",
        ),
        (
            json!({"originalPaymentId": 2, "amount": 1, "referenceDate": "yesterday"}),
            "refund.referenceDate",
        ),
        (
            json!({"originalPaymentId": 2, "amount": 1, "referenceDate": "2024-02-30T13:00:38Z"}),
            "refund.referenceDate",
        ),
        (
            json!({"originalPaymentId": 2, "amount": 1, "refundAllocations": {}}),
            "refund.refundAllocations",
        ),
    ];
    for (body, key) in cases {
        assert_eq!(model_state(&post_json(&host, &body).await), [key], "{body}");
    }
    assert_eq!(refunded(&host).await, json!(25));
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_bodies_415_and_xml_errors() {
    let host = host_with_payment().await;
    let json = host
        .request("POST", "/v1/Refunds", &[WRITE, JSON], r#"{"amount": }"#)
        .await;
    assert_eq!(model_state(&json), ["refund"]);
    let xml = host
        .request("POST", "/v1/Refunds", &[WRITE, XML], "<Refund><Amount>1</Refund>")
        .await;
    assert_eq!(model_state(&xml), ["refund"]);
    let laughs = r#"<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Refund><Reference>&b;</Reference></Refund>"#;
    assert_eq!(
        model_state(&host.request("POST", "/v1/Refunds", &[WRITE, XML], laughs).await),
        ["refund"]
    );
    let plain = host
        .request(
            "POST",
            "/v1/Refunds",
            &[WRITE, ("content-type", "text/plain")],
            "amount=1",
        )
        .await;
    assert_eq!(plain.status, 415);
    assert!(plain.json()["Message"].as_str().unwrap().contains("text/plain"));
    let xml_error = host
        .request(
            "POST",
            "/v1/Refunds",
            &[WRITE, XML, ACCEPT_XML],
            "<Refund><Amount>0</Amount></Refund>",
        )
        .await;
    assert_eq!(xml_error.status, 400);
    let text = xml_error.text();
    assert!(
        text.starts_with("<Error><Message>The request is invalid.</Message><ModelState>"),
        "{text}"
    );
    assert!(text.contains("<refund.amount>"), "{text}");
    assert!(text.contains("<refund.originalPaymentId>"), "{text}");
    assert_eq!(
        host.request("POST", "/v1/Refunds", &[JSON], "{}").await.status,
        401
    );
    assert_eq!(
        host.request("GET", "/v1/Refunds/2000009", &[READ], "")
            .await
            .status,
        404
    );
    assert_eq!(refunded(&host).await, json!(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotent_replay_and_listing() {
    let host = host_with_payment().await;
    let key = ("idempotency-key", "pay-2-a");
    let body = json!({"originalPaymentId": 2, "amount": 2}).to_string();
    let first = host
        .request("POST", "/v1/Refunds", &[WRITE, JSON, key], body.clone())
        .await;
    let again = host
        .request("POST", "/v1/Refunds", &[WRITE, JSON, key], body)
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), first.json());
    assert_eq!(again.ops.writes, 0);
    let other = host
        .request(
            "POST",
            "/v1/Refunds",
            &[WRITE, JSON, key],
            json!({"originalPaymentId": 2, "amount": 3}).to_string(),
        )
        .await;
    assert_eq!(other.status, 409);
    post_json(&host, &json!({"originalPaymentId": 2, "amount": 1})).await;
    let list = host
        .request("GET", "/v1/Refunds?originalPaymentId=2", &[READ], "")
        .await
        .json();
    let ids: Vec<Value> = list.as_array().unwrap().iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, [json!(2_000_002), json!(2_000_001)]);
}

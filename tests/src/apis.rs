//! Each refund API described once, for the tests and the benchmark that run against all of
//! them: how to load a source, what a one-unit refund looks like, and how the API refuses.

use crate::{Reply, TestHost, client_request};
use bytes::Bytes;
use serde_json::{Value, json};

/// The admin token of the manifest's defaults.
pub const ADMIN: (&str, &str) = ("authorization", "Bearer dev-admin-token");
pub const JSON: (&str, &str) = ("content-type", "application/json");

pub struct Api {
    pub name: &'static str,
    pub token: &'static str,
    /// The kind of source the admin API loads (`invoice`, `account`...).
    pub source_kind: &'static str,
    /// The id of this kind's n-th source. The tests use source 50; the benchmark spreads its
    /// refunds over many, as production does.
    pub source_id: fn(u32) -> String,
    /// A source's admin body with so many units refundable.
    pub source_body: fn(u64) -> Value,
    /// Where a refund of the source with this id is POSTed.
    pub post_path_of: fn(&str) -> String,
    /// A refund of one unit of the source with this id.
    pub unit_body_of: fn(&str) -> Value,
    /// The top-level field of `unit_body` that carries the amount.
    pub amount_field: &'static str,
    /// Top-level fields of a refund request that hold the client's own text (a description,
    /// a reference...), stored with the refund and shown again.
    pub text_fields: &'static [&'static str],
    /// The status a refusal for lack of funds gets.
    pub refusal_status: u16,
    /// Whether a body is this API's documented error shape.
    pub is_error_shape: fn(&Value) -> bool,
    /// Reads the refund id out of a successful answer.
    pub refund_id: fn(&Value) -> String,
    /// Where the refund a successful answer (for the source with this id) names is read back.
    pub get_path_of: fn(&str, &Value) -> String,
    /// Where the refunds of the source with this id are listed, if the API lists them.
    pub list_path_of: Option<fn(&str) -> String>,
}

/// The source the tests use.
const TEST_SOURCE: u32 = 50;

impl Api {
    /// The component's name (`invoice-refunds`), as `spin.toml` and the corpus know it.
    /// Fails the test unless `reply` says this API took (or replayed) the refund or source.
    pub fn assert_taken(&self, reply: &Reply) {
        assert!(
            matches!(reply.status, 200 | 201),
            "{}: {}",
            self.name,
            reply.text()
        );
    }

    pub fn component(&self) -> &'static str {
        self.name.split(' ').next().unwrap_or(self.name)
    }

    pub fn auth(&self) -> (&'static str, String) {
        ("authorization", format!("Bearer {}", self.token))
    }

    /// The id of the tests' source.
    pub fn source_id(&self) -> String {
        (self.source_id)(TEST_SOURCE)
    }

    /// The tests' source as the admin API names it (`kind/id`).
    pub fn source(&self) -> String {
        format!("{}/{}", self.source_kind, self.source_id())
    }

    pub fn post_path(&self) -> String {
        (self.post_path_of)(&self.source_id())
    }

    pub fn unit_body(&self) -> Value {
        (self.unit_body_of)(&self.source_id())
    }

    pub fn get_path(&self, reply: &Value) -> String {
        (self.get_path_of)(&self.source_id(), reply)
    }

    /// Loads the source with 50 units refundable.
    pub async fn load(&self, host: &TestHost) {
        self.load_units(host, 50).await;
    }

    /// Loads (or replaces) the source with `units` refundable in all.
    pub async fn load_units(&self, host: &TestHost, units: u64) {
        self.load_units_at(host, &self.source_id(), units).await;
    }

    /// Loads (or replaces) the source with this id.
    pub async fn load_units_at(&self, host: &TestHost, id: &str, units: u64) {
        let path = format!("/admin/v1/sources/{}/{id}", self.source_kind);
        let reply = host
            .request(
                "PUT",
                &path,
                &[ADMIN, JSON],
                (self.source_body)(units).to_string(),
            )
            .await;
        self.assert_taken(&reply);
    }

    pub async fn refund(&self, host: &TestHost, key: Option<&str>) -> Reply {
        self.refund_at(host, &self.source_id(), key).await
    }

    /// A one-unit refund of the source with this id.
    pub async fn refund_at(&self, host: &TestHost, id: &str, key: Option<&str>) -> Reply {
        host.answer(self.refund_request_at(id, key)).await
    }

    pub async fn post(&self, host: &TestHost, body: Vec<u8>, content_type: &str, key: Option<&str>) -> Reply {
        let path = self.post_path();
        host.answer(self.post_request(&path, body, content_type, key))
            .await
    }

    /// A body the API refuses before any store work: its one-unit refund with an amount that
    /// is not a number.
    pub fn bad_amount_body(&self) -> Vec<u8> {
        let mut bad = self.unit_body();
        bad[self.amount_field] = json!("not a number");
        bad.to_string().into_bytes()
    }

    /// A one-unit refund of the tests' source, as a client sends it.
    pub fn refund_request(&self, key: Option<&str>) -> http::Request<Bytes> {
        self.refund_request_at(&self.source_id(), key)
    }

    /// A one-unit refund of the source with this id, as a client sends it.
    pub fn refund_request_at(&self, id: &str, key: Option<&str>) -> http::Request<Bytes> {
        let body = (self.unit_body_of)(id).to_string().into_bytes();
        self.post_request(&(self.post_path_of)(id), body, "application/json", key)
    }

    pub fn post_request(
        &self,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
        key: Option<&str>,
    ) -> http::Request<Bytes> {
        let (name, value) = self.auth();
        let mut headers = vec![(name, value.as_str()), ("content-type", content_type)];
        if let Some(key) = key {
            headers.push(("idempotency-key", key));
        }
        client_request("POST", path, &headers, body)
    }

    /// The source as the admin API shows it.
    pub async fn source_state(&self, host: &TestHost) -> Value {
        host.request(
            "GET",
            &format!("/admin/v1/sources/{}", self.source()),
            &[ADMIN],
            "",
        )
        .await
        .json()
    }
}

pub const PURCHASE_ID: &str = "0b6f3a52-3c1e-4c55-9d0e-7f5f0f3c2a11";

pub fn all() -> Vec<Api> {
    vec![
        Api {
            name: "invoice-refunds (000)",
            token: "dev-invoice-token",
            source_kind: "invoice",
            source_id: |n| n.to_string(),
            source_body: |units| json!({"customerId": 1, "billRunType": "NORMAL", "currency": "GBP", "amountPaid": units, "paymentMethod": "BACS"}),
            post_path_of: |_| "/refunds".to_string(),
            unit_body_of: |id| json!({"invoiceId": id.parse::<u64>().unwrap_or_default(), "billRunType": "NORMAL", "amountInMajorCurrency": 1}),
            amount_field: "amountInMajorCurrency",
            text_fields: &["description"],
            refusal_status: 400,
            is_error_shape: |b| {
                b["status"].is_u64()
                    && b["error"].is_string()
                    && b["message"].is_string()
                    && b["fields"].is_array()
            },
            refund_id: |b| b["id"].to_string(),
            get_path_of: |_, b| format!("/refunds/{}", b["id"]),
            list_path_of: Some(|id| format!("/refunds?invoiceId={id}")),
        },
        Api {
            name: "account-refunds (001)",
            token: "dev-account-token",
            source_kind: "account",
            source_id: |n| format!("ACC-{n}"),
            source_body: |units| json!({"name": "A", "currency": "USD", "paymentMethod": {"id": "pm", "@type": "PaymentMethodRef"}, "payments": [{"id": "p", "amount": units}]}),
            post_path_of: |_| "/refund".to_string(),
            unit_body_of: |id| json!({"account": {"id": id}, "paymentMethod": {"id": "pm", "@type": "PaymentMethodRef"}, "totalAmount": {"unit": "USD", "value": 1}}),
            amount_field: "totalAmount",
            text_fields: &["description", "name", "correlatorId"],
            refusal_status: 409,
            is_error_shape: |b| {
                b["@type"] == "Error"
                    && b["code"].is_string()
                    && b["reason"].is_string()
                    && b["status"].is_string()
            },
            refund_id: |b| b["id"].as_str().unwrap_or_default().to_string(),
            get_path_of: |_, b| format!("/refund/{}", b["id"].as_str().unwrap_or_default()),
            list_path_of: None,
        },
        Api {
            name: "payment-refunds (002)",
            token: "dev-payment-token",
            source_kind: "payment",
            source_id: |n| n.to_string(),
            source_body: |units| json!({"customerId": 1, "currency": "USD", "amount": units, "invoices": []}),
            post_path_of: |_| "/v1/Refunds".to_string(),
            unit_body_of: |id| json!({"originalPaymentId": id.parse::<u64>().unwrap_or_default(), "amount": 1}),
            amount_field: "amount",
            text_fields: &["reference", "netsuiteId"],
            refusal_status: 400,
            is_error_shape: |b| {
                b["Message"].is_string()
                    && b.as_object()
                        .is_some_and(|o| o.keys().all(|k| k == "Message" || k == "ModelState"))
            },
            refund_id: |b| b["id"].to_string(),
            get_path_of: |_, b| format!("/v1/Refunds/{}", b["id"]),
            list_path_of: Some(|id| format!("/v1/Refunds?originalPaymentId={id}")),
        },
        Api {
            name: "purchase-refunds (003)",
            token: "dev-purchase-token",
            source_kind: "purchase",
            source_id: |n| match n {
                TEST_SOURCE => PURCHASE_ID.to_string(),
                n => format!("0b6f3a52-3c1e-4c55-9d0e-{n:012x}"),
            },
            source_body: |units| json!({"status": "paid", "currency": "EUR", "total": units * 100, "refundAvailability": "all"}),
            post_path_of: |id| format!("/purchases/{id}/refund/"),
            unit_body_of: |_| json!({"amount": 100}),
            amount_field: "amount",
            text_fields: &[],
            refusal_status: 400,
            is_error_shape: |b| {
                b.as_object().is_some_and(|o| {
                    !o.is_empty()
                        && o.values()
                            .all(|v| v[0]["message"].is_string() && v[0]["code"].is_string())
                })
            },
            refund_id: |b| b["id"].as_str().unwrap_or_default().to_string(),
            // The purchase, with every refund attempt: the seed's only read.
            get_path_of: |id, _| format!("/purchases/{id}/"),
            list_path_of: None,
        },
        Api {
            name: "order-refunds (004)",
            token: "dev-order-token",
            source_kind: "order",
            source_id: |n| n.to_string(),
            source_body: |units| json!({"customerId": 1, "currency": "SEK", "rows": [{"rowId": 1, "amount": units}]}),
            post_path_of: |id| format!("/orders/{id}/refunds"),
            unit_body_of: |_| json!({"RefundAmount": 1}),
            amount_field: "RefundAmount",
            text_fields: &["Reference", "Description", "Author"],
            refusal_status: 400,
            is_error_shape: |b| {
                b.as_object().is_some_and(|o| o.contains_key("Resource"))
                    && b["Message"].is_string()
                    && b["Details"].is_array()
            },
            refund_id: |b| b["Resource"].as_str().unwrap_or_default().to_string(),
            get_path_of: |id, reply| {
                format!(
                    "/orders/{id}/refunds/{}",
                    reply["Resource"].as_str().unwrap_or_default()
                )
            },
            list_path_of: Some(|id| format!("/orders/{id}/refunds")),
        },
    ]
}

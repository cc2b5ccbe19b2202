//! Each refund API described once, for the tests and the benchmark that run against all of
//! them: how to load a source, what a one-unit refund looks like, and how the API refuses.

use crate::{Reply, TestHost};
use serde_json::{Value, json};

/// The admin token of the manifest's defaults.
pub const ADMIN: (&str, &str) = ("authorization", "Bearer dev-admin-token");
pub const JSON: (&str, &str) = ("content-type", "application/json");

pub struct Api {
    pub name: &'static str,
    pub token: &'static str,
    /// The admin source to load (`kind/id`) and its body with so many units refundable.
    pub source: &'static str,
    pub source_body: fn(u64) -> Value,
    /// Where a refund is POSTed.
    pub post_path: &'static str,
    /// A refund of one unit.
    pub unit_body: fn() -> Value,
    /// The top-level field of `unit_body` that carries the amount.
    pub amount_field: &'static str,
    /// The status a refusal for lack of funds gets.
    pub refusal_status: u16,
    /// Whether a body is this API's documented error shape.
    pub is_error_shape: fn(&Value) -> bool,
    /// Reads the refund id out of a successful answer.
    pub refund_id: fn(&Value) -> String,
    /// Where the refund a successful answer names is read back.
    pub get_path: fn(&Value) -> String,
}

impl Api {
    /// The component's name (`invoice-refunds`), as `spin.toml` and the corpus know it.
    pub fn component(&self) -> &'static str {
        self.name.split(' ').next().unwrap_or(self.name)
    }

    pub fn auth(&self) -> (&'static str, String) {
        ("authorization", format!("Bearer {}", self.token))
    }

    /// Loads the source with 50 units refundable.
    pub async fn load(&self, host: &TestHost) {
        self.load_units(host, 50).await;
    }

    /// Loads (or replaces) the source with `units` refundable in all.
    pub async fn load_units(&self, host: &TestHost, units: u64) {
        let path = format!("/admin/v1/sources/{}", self.source);
        let reply = host
            .request(
                "PUT",
                &path,
                &[ADMIN, JSON],
                (self.source_body)(units).to_string(),
            )
            .await;
        assert!(
            matches!(reply.status, 200 | 201),
            "{}: {}",
            self.name,
            reply.text()
        );
    }

    pub async fn refund(&self, host: &TestHost, key: Option<&str>) -> Reply {
        self.post(
            host,
            (self.unit_body)().to_string().into_bytes(),
            "application/json",
            key,
        )
        .await
    }

    pub async fn post(&self, host: &TestHost, body: Vec<u8>, content_type: &str, key: Option<&str>) -> Reply {
        let (name, value) = self.auth();
        let mut headers = vec![(name, value.as_str()), ("content-type", content_type)];
        if let Some(key) = key {
            headers.push(("idempotency-key", key));
        }
        host.request("POST", self.post_path, &headers, body).await
    }

    /// The source as the admin API shows it.
    pub async fn source_state(&self, host: &TestHost) -> Value {
        host.request("GET", &format!("/admin/v1/sources/{}", self.source), &[ADMIN], "")
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
            source: "invoice/50",
            source_body: |units| json!({"customerId": 1, "billRunType": "NORMAL", "currency": "GBP", "amountPaid": units, "paymentMethod": "BACS"}),
            post_path: "/refunds",
            unit_body: || json!({"invoiceId": 50, "billRunType": "NORMAL", "amountInMajorCurrency": 1}),
            amount_field: "amountInMajorCurrency",
            refusal_status: 400,
            is_error_shape: |b| {
                b["status"].is_u64()
                    && b["error"].is_string()
                    && b["message"].is_string()
                    && b["fields"].is_array()
            },
            refund_id: |b| b["id"].to_string(),
            get_path: |b| format!("/refunds/{}", b["id"]),
        },
        Api {
            name: "account-refunds (001)",
            token: "dev-account-token",
            source: "account/ACC-50",
            source_body: |units| json!({"name": "A", "currency": "USD", "paymentMethod": {"id": "pm", "@type": "PaymentMethodRef"}, "payments": [{"id": "p", "amount": units}]}),
            post_path: "/refund",
            unit_body: || json!({"account": {"id": "ACC-50"}, "paymentMethod": {"id": "pm", "@type": "PaymentMethodRef"}, "totalAmount": {"unit": "USD", "value": 1}}),
            amount_field: "totalAmount",
            refusal_status: 409,
            is_error_shape: |b| {
                b["@type"] == "Error"
                    && b["code"].is_string()
                    && b["reason"].is_string()
                    && b["status"].is_string()
            },
            refund_id: |b| b["id"].as_str().unwrap_or_default().to_string(),
            get_path: |b| format!("/refund/{}", b["id"].as_str().unwrap_or_default()),
        },
        Api {
            name: "payment-refunds (002)",
            token: "dev-payment-token",
            source: "payment/50",
            source_body: |units| json!({"customerId": 1, "currency": "USD", "amount": units, "invoices": []}),
            post_path: "/v1/Refunds",
            unit_body: || json!({"originalPaymentId": 50, "amount": 1}),
            amount_field: "amount",
            refusal_status: 400,
            is_error_shape: |b| {
                b["Message"].is_string()
                    && b.as_object()
                        .is_some_and(|o| o.keys().all(|k| k == "Message" || k == "ModelState"))
            },
            refund_id: |b| b["id"].to_string(),
            get_path: |b| format!("/v1/Refunds/{}", b["id"]),
        },
        Api {
            name: "purchase-refunds (003)",
            token: "dev-purchase-token",
            source: "purchase/0b6f3a52-3c1e-4c55-9d0e-7f5f0f3c2a11",
            source_body: |units| json!({"status": "paid", "currency": "EUR", "total": units * 100, "refundAvailability": "all"}),
            post_path: "/purchases/0b6f3a52-3c1e-4c55-9d0e-7f5f0f3c2a11/refund/",
            unit_body: || json!({"amount": 100}),
            amount_field: "amount",
            refusal_status: 400,
            is_error_shape: |b| {
                b.as_object().is_some_and(|o| {
                    !o.is_empty()
                        && o.values()
                            .all(|v| v[0]["message"].is_string() && v[0]["code"].is_string())
                })
            },
            refund_id: |b| b["id"].as_str().unwrap_or_default().to_string(),
            get_path: |_| format!("/purchases/{PURCHASE_ID}/"),
        },
        Api {
            name: "order-refunds (004)",
            token: "dev-order-token",
            source: "order/50",
            source_body: |units| json!({"customerId": 1, "currency": "SEK", "rows": [{"rowId": 1, "amount": units}]}),
            post_path: "/orders/50/refunds",
            unit_body: || json!({"RefundAmount": 1}),
            amount_field: "RefundAmount",
            refusal_status: 400,
            is_error_shape: |b| {
                b.as_object().is_some_and(|o| o.contains_key("Resource"))
                    && b["Message"].is_string()
                    && b["Details"].is_array()
            },
            refund_id: |b| b["Resource"].as_str().unwrap_or_default().to_string(),
            get_path: |_| "/orders/50/refunds".to_string(),
        },
    ]
}

//! The TMF `Refund` this API answers with, shaped like the seed's example: every documented
//! member present, `null` when there is nothing to say.
//!
//! The stored fields (`StoredRefund`, written by `create`) are read back as JSON, not as their
//! type: each member goes to the response as stored (a missing one is `null`), and typed
//! deserialization of the five TMF types was ~20 KB of this .wasm. The body is written from
//! them through the structs below, not built as a `json!` tree first: that tree (a map and a
//! key for each of ~50 members) was the largest part of a GET in the .wasm. Members are in
//! alphabetical order, as the `json!` maps wrote them.

use refund_shared::http::Request;
use refund_shared::ledger::RefundEntry;
use refund_shared::{AppResult, clock};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// A refund ready to be written: its stored fields, read once, and what the request adds.
pub struct Rendered {
    stored: Value,
    account_id: String,
    href: String,
    id: String,
    status: String,
    refund_date: String,
    status_date: String,
}

pub fn render(req: &Request, account_id: &str, entry: &RefundEntry) -> AppResult<Rendered> {
    Ok(Rendered {
        stored: entry.fields()?,
        account_id: account_id.to_string(),
        href: href(req, &entry.id),
        id: entry.id.clone(),
        status: entry.status.clone(),
        refund_date: clock::rfc3339(entry.created),
        status_date: clock::rfc3339(entry.updated),
    })
}

/// The absolute URL of a refund: the request's own origin and the path prefix before `/refund`.
fn href(req: &Request, id: &str) -> String {
    format!("{}{}/refund/{id}", req.origin(), req.mount_prefix("/refund"))
}

impl Serialize for Rendered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let stored = &self.stored;
        let channel = match &stored["channel"] {
            Value::Object(c) => Ref::to(c["id"].as_str().unwrap_or_default(), c["name"].as_str(), None),
            _ => Ref::to("0", Some("Unspecified"), None),
        };
        let method = &stored["paymentMethod"];
        let requestor = &stored["requestor"];
        Body {
            base_type: "Refund",
            schema_location: (),
            type_: "Refund",
            account: Ref::to(
                &self.account_id,
                stored["accountName"].as_str(),
                Some("billingAccount"),
            ),
            amount: &stored["amount"],
            authorization_code: &stored["authorizationCode"],
            channel,
            correlator_id: &stored["correlatorId"],
            description: &stored["description"],
            href: &self.href,
            id: &self.id,
            name: &stored["name"],
            payment: stored["paymentId"].as_str().map(|id| Ref::to(id, None, None)),
            payment_method: Method {
                base_type: "PaymentMethodRefOrValue",
                referred_type: &method["@referredType"],
                schema_location: (),
                type_: &method["@type"],
                account: &self.account_id,
                description: (),
                href: (),
                id: &method["id"],
                is_preferred: &method["isPreferred"],
                name: &method["name"],
                related_party: (),
                status: (),
                status_date: (),
                valid_for: (),
            },
            refund_date: &self.refund_date,
            requestor: requestor.is_object().then(|| Requestor {
                base_type: (),
                referred_type: &requestor["@referredType"],
                schema_location: (),
                type_: (),
                href: (),
                id: &requestor["id"],
                name: &requestor["name"],
                role: &requestor["role"],
            }),
            status: &self.status,
            status_date: &self.status_date,
            tax_amount: &stored["taxAmount"],
            total_amount: &stored["totalAmount"],
        }
        .serialize(s)
    }
}

/// `()` is written as `null`: members the seed documents and this service has nothing for.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    #[serde(rename = "@baseType")]
    base_type: &'static str,
    #[serde(rename = "@schemaLocation")]
    schema_location: (),
    #[serde(rename = "@type")]
    type_: &'static str,
    account: Ref<'a>,
    amount: &'a Value,
    authorization_code: &'a Value,
    channel: Ref<'a>,
    correlator_id: &'a Value,
    description: &'a Value,
    href: &'a str,
    id: &'a str,
    name: &'a Value,
    payment: Option<Ref<'a>>,
    payment_method: Method<'a>,
    refund_date: &'a str,
    requestor: Option<Requestor<'a>>,
    status: &'a str,
    status_date: &'a str,
    tax_amount: &'a Value,
    total_amount: &'a Value,
}

/// A TMF `...Ref` object.
#[derive(Serialize)]
struct Ref<'a> {
    #[serde(rename = "@baseType")]
    base_type: (),
    #[serde(rename = "@referredType")]
    referred_type: Option<&'a str>,
    #[serde(rename = "@schemaLocation")]
    schema_location: (),
    #[serde(rename = "@type")]
    type_: (),
    description: (),
    href: (),
    id: &'a str,
    name: Option<&'a str>,
}

impl<'a> Ref<'a> {
    fn to(id: &'a str, name: Option<&'a str>, referred_type: Option<&'a str>) -> Self {
        Ref {
            base_type: (),
            referred_type,
            schema_location: (),
            type_: (),
            description: (),
            href: (),
            id,
            name,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Method<'a> {
    #[serde(rename = "@baseType")]
    base_type: &'static str,
    #[serde(rename = "@referredType")]
    referred_type: &'a Value,
    #[serde(rename = "@schemaLocation")]
    schema_location: (),
    #[serde(rename = "@type")]
    type_: &'a Value,
    account: &'a str,
    description: (),
    href: (),
    id: &'a Value,
    is_preferred: &'a Value,
    name: &'a Value,
    related_party: (),
    status: (),
    status_date: (),
    valid_for: (),
}

#[derive(Serialize)]
struct Requestor<'a> {
    #[serde(rename = "@baseType")]
    base_type: (),
    #[serde(rename = "@referredType")]
    referred_type: &'a Value,
    #[serde(rename = "@schemaLocation")]
    schema_location: (),
    #[serde(rename = "@type")]
    type_: (),
    href: (),
    id: &'a Value,
    name: &'a Value,
    role: &'a Value,
}

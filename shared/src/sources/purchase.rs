//! A card purchase (refund API 003), amounts in minor units.

use super::{Loaded, currency, one_of};
use crate::error::{AppResult, Errors};
use crate::json::Obj;
use crate::ledger::{Parts, StoredJson};
use crate::money;
use serde::{Deserialize, Serialize};

pub const KIND: &str = "purchase";

pub const STATUSES: &[&str] = &[
    "created",
    "pending_execute",
    "pending_charge",
    "paid",
    "cleared",
    "settled",
    "chargeback",
    "pending_refund",
    "refunded",
    "partially_refunded",
    "error",
    "cancelled",
    "expired",
    "overdue",
];
pub const AVAILABILITY: &[&str] = &["all", "full_only", "partial_only", "none"];
pub const REFUND_MODES: &[&str] = &["sync", "async"];

/// Canonical (lower-case, hyphenated) UUID.
pub fn canonical_id(id: &str) -> Option<String> {
    if id.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse(id).ok().map(|u| u.hyphenated().to_string())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Purchase {
    pub status: String,
    pub currency: String,
    /// Minor units.
    pub total: i64,
    pub refund_availability: String,
    pub refund_mode: String,
    pub client: Client,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub is_test: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Client {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

pub(super) fn load(obj: Obj) -> AppResult<Loaded> {
    let mut errors = Errors::default();
    let status = one_of(&obj, "status", STATUSES, true, &mut errors);
    let currency = currency(&obj, &mut errors);
    let total = obj.req_int("total", 0, 1_000_000_000_000_000, &mut errors);
    let availability = one_of(&obj, "refundAvailability", AVAILABILITY, true, &mut errors);
    let refund_mode = one_of(&obj, "refundMode", REFUND_MODES, false, &mut errors);
    let client = match obj.opt_obj("client", &mut errors) {
        Some(c) => {
            let c = Obj::nested(c, "client", false);
            Client {
                email: c.opt_str("email", 255, &mut errors),
                full_name: c.opt_str("full_name", 255, &mut errors),
            }
        }
        None => Client {
            email: None,
            full_name: None,
        },
    };
    let brand_id = obj.opt_str("brandId", 64, &mut errors);
    let company_id = obj.opt_str("companyId", 64, &mut errors);
    let reference = obj.opt_str("reference", 255, &mut errors);
    let is_test = obj.opt_bool("isTest", &mut errors).unwrap_or(false);
    let (Some(status), Some(currency), Some(total), Some(availability)) =
        (status, currency, total, availability)
    else {
        return Err(errors.fail());
    };
    errors.finish(())?;
    let purchase = Purchase {
        status,
        currency: currency.code.to_string(),
        total,
        refund_availability: availability,
        refund_mode: refund_mode.unwrap_or_else(|| "sync".into()),
        client,
        brand_id,
        company_id,
        reference,
        is_test,
    };
    Ok(Loaded {
        currency,
        captured: money::from_minor(total, currency),
        parts: Parts::default(),
        data: StoredJson::of(&purchase),
    })
}

//! The TMF types this API stores with a refund. They are written only: `view::render` reads
//! the stored JSON back member by member.

use refund_shared::Decimal;
use refund_shared::money;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Money {
    pub unit: String,
    #[serde(serialize_with = "money::serialize")]
    pub value: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelRef {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedParty {
    pub id: String,
    pub name: String,
    #[serde(rename = "@referredType")]
    pub referred_type: String,
    pub role: Option<String>,
}

/// The payment method the refund goes to, after the account's assigned one replaced a
/// different card reference.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub id: String,
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "@referredType", skip_serializing_if = "Option::is_none")]
    pub referred_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "isPreferred")]
    pub is_preferred: bool,
}

/// Everything stored with a refund to render it again.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRefund {
    pub account_name: String,
    pub total_amount: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Money>,
    pub payment_method: Method,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requestor: Option<RelatedParty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlator_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

//! The TMF types this API stores with a refund. They are written only: `read::render` reads
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
    #[serde(rename = "@referredType")]
    pub referred_type: Option<String>,
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
    pub amount: Option<Money>,
    pub tax_amount: Option<Money>,
    pub payment_method: Method,
    pub channel: Option<ChannelRef>,
    pub payment_id: Option<String>,
    pub requestor: Option<RelatedParty>,
    pub authorization_code: Option<String>,
    pub correlator_id: Option<String>,
    pub description: Option<String>,
    pub name: Option<String>,
}

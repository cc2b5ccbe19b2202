//! Refund types and statuses of seed 004, and what each type may be charged against.
//!
//! - Default (0): a refund of the order row named by `OrderRowId`, or else of the order's
//!   remaining total.
//! - InstanceCost (1): a return cost the merchant keeps (the cost of drawing the instance back).
//!   It pays the customer nothing; it reduces what is still refundable on the order (and on the
//!   row, when `OrderRowId` is given), so refunds plus costs never exceed what was paid.
//! - Shipping (2): against the order's shipping.
//! - InvoiceFee (3): against the order's invoice fee.

use refund_shared::sources::order::{INVOICE_FEE, SHIPPING, row_part};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundType {
    Default,
    InstanceCost,
    Shipping,
    InvoiceFee,
}

impl RefundType {
    pub fn from_code(code: i64) -> Option<RefundType> {
        Some(match code {
            0 => RefundType::Default,
            1 => RefundType::InstanceCost,
            2 => RefundType::Shipping,
            3 => RefundType::InvoiceFee,
            _ => return None,
        })
    }

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn name(self) -> &'static str {
        match self {
            RefundType::Default => "Default",
            RefundType::InstanceCost => "InstanceCost",
            RefundType::Shipping => "Shipping",
            RefundType::InvoiceFee => "InvoiceFee",
        }
    }

    /// Whether an `OrderRowId` can go with this type.
    pub fn takes_row(self) -> bool {
        matches!(self, RefundType::Default | RefundType::InstanceCost)
    }

    /// The ledger part this refund is charged against, if any beyond the order's total.
    pub fn part(self, row: Option<i64>) -> Option<String> {
        match self {
            RefundType::Default | RefundType::InstanceCost => row.map(row_part),
            RefundType::Shipping => Some(SHIPPING.to_string()),
            RefundType::InvoiceFee => Some(INVOICE_FEE.to_string()),
        }
    }
}

/// Refund statuses.
pub const PENDING_APPROVAL: &str = "PendingApproval";
pub const PENDING: &str = "Pending";
pub const SETTLED: &str = "Settled";
pub const REJECTED: &str = "Rejected";

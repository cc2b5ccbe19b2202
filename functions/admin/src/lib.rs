//! The admin component (`/admin/...`): loads and reads the refundable sources every refund is
//! taken against. Bearer token: the `admin_token` variable.

mod handler;
mod outbox;
mod view;

pub use handler::handle;

refund_shared::spin_component!(handle);

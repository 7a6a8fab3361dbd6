//! The one integration-test binary of policy-json.

mod common;
mod golden;
mod properties;
mod validate_messages;
mod write;

//! The one integration-test binary of registries-conf.

mod bounds;
mod common;
mod edit_lossless;
#[path = "../../../test-support/mirror_rules.rs"]
mod mirror_rules;
mod parse_dropin;
mod parse_fast;
mod parse_properties;
mod parse_validate;
#[path = "../../../test-support/proc_status.rs"]
mod proc_status;
mod render_golden;
mod render_memory;
mod render_properties;
mod render_rules;
mod resolve_cases;
mod resolve_golden;
mod resolve_rules;
mod short_names;
#[path = "../../../test-support/strategies.rs"]
mod strategies;

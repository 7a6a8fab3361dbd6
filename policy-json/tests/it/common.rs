//! Helpers shared by the test modules.

use policy_json::{Error, Policy};

/// Parses and validates `text`; the error's text when either refuses it.
pub fn verdict(text: &str) -> Result<Policy, String> {
    let policy = Policy::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    policy.validate().map_err(|e| e.to_string())?;
    Ok(policy)
}

/// Parses `text`, which must parse.
pub fn parse(text: &str) -> Policy {
    Policy::parse(text.as_bytes()).unwrap_or_else(|e: Error| panic!("{e}\n{text}"))
}

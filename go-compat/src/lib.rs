//! The few behaviours of Go's standard library that OpenShift's files and messages depend on, written once for
//! the format crates of this workspace.
//!
//! - [`quote`] and [`quote_list`]: `strconv.Quote`, `fmt`'s `%q` of a string and of a `[]string`.
//! - [`write_json_string`] and [`json_string`]: a string as `encoding/json` writes it (HTML-safe).
//! - [`decode_std_base64`] and [`encode_std_base64`]: `base64.StdEncoding` as Go reads and writes it.
//! - [`rfc3339`]: a Unix time as `time.Time.UTC().Format(time.RFC3339)` shows it (certificate validity).
//!
//! ```
//! assert_eq!(go_compat::quote("quay.io/\"x\""), r#""quay.io/\"x\"""#);
//! assert_eq!(go_compat::quote_list(&["a", "b"]), r#"["a" "b"]"#);
//! assert_eq!(go_compat::json_string("<\u{8}>"), r#""\u003c\b\u003e""#);
//! assert_eq!(go_compat::decode_std_base64("aGVs\nbG8=").unwrap(), b"hello");
//! assert_eq!(go_compat::decode_std_base64("aGVsbG8").unwrap_err().offset(), 4);
//! assert_eq!(go_compat::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod base64_std;
mod json;
mod quote;
mod time;

pub use base64_std::{Base64Error, decode_std_base64, encode_std_base64};
pub use json::{json_string, write_json_string};
pub use quote::{quote, quote_list};
pub use time::rfc3339;

//! keyhound's outputs: the [`Finding`] record, its value-based [`fingerprint`], redaction, and the
//! JSON / JSONL / SARIF 2.1.0 / text writers.
//!
//! ```
//! assert_eq!(keyhound_report::fingerprint(b"hunter2").len(), 32);
//! assert_eq!(keyhound_report::redact("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"), "ghp_*****");
//! ```

mod finding;
mod json;
mod redact;
mod sarif;
mod suppress;
mod text;

pub use finding::{fingerprint, Finding, Summary, SCHEMA_VERSION};
pub use json::{write_json, write_jsonl};
pub use redact::{redact, redact_spans};
pub use sarif::{uri_path, write_sarif, VersionControl};
pub use suppress::{has_inline_marker, parse_ignore_file, Acknowledged, Baseline, BaselineEntry, INLINE_MARKERS};
pub use text::{write_text, TextStyle};

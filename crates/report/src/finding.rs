//! The finding record every output is written from.
use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Version of the JSON document and JSONL line format; extended, never broken.
pub const SCHEMA_VERSION: u32 = 1;

/// The identity of a secret: hex of the first 16 bytes of SHA-256(`keyhound-v1\0` ‖ secret value).
/// It depends on the value alone, so the same secret found by two rules or in two places is one identity.
pub fn fingerprint(secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"keyhound-v1\0");
    hasher.update(secret);
    hex(&hasher.finalize()[..16])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One reported secret. Field names and meanings are the JSON schema (docs/json-schema.md).
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub provider: String,
    pub kind: String,
    pub confidence: String,
    pub severity: String,
    /// Path as given on the command line or found by the walk; `None` for a commit or tag message.
    pub path: Option<String>,
    /// Path relative to the scan root, `/`-separated (SARIF URIs, partial fingerprints).
    #[serde(skip)]
    pub rel_path: Option<String>,
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    /// Byte offsets of the secret in the file (end exclusive).
    pub start_offset: usize,
    pub end_offset: usize,
    pub fingerprint: String,
    /// The secret, redacted unless the user asked to see secrets.
    pub secret: String,
    /// The line holding the secret, with every secret on it redacted unless asked.
    pub snippet: String,
    /// Where the content came from: `file` or `stdin` (git sources add theirs).
    pub source: String,
    /// How the secret was encoded where it was found (`base64`), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Git provenance: the commit (full id) that introduced the secret at this path, or whose message
    /// holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_email: Option<String>,
    /// Author date of `commit`, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// First line of `commit`'s message, redacted like everything else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Whether the secret is still in the file at this path in HEAD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_head: Option<bool>,
    /// Why the finding is not counted (`inline`, `ignore-file`, `baseline`), when it is suppressed; only
    /// listed with `--show-suppressed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
    /// The secret's value, for comparisons inside keyhound; never serialized.
    #[serde(skip)]
    pub secret_value: Vec<u8>,
}

/// Totals of one scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Skipped entries by reason (too_large, binary, ignored, excluded, allowlisted, unreadable, ...).
    pub skipped: BTreeMap<String, u64>,
    pub findings: usize,
    /// Findings acknowledged by an inline marker, `.keyhoundignore` or a baseline.
    pub suppressed: usize,
    pub rules: usize,
    pub seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_the_documented_hash() {
        // python3 -c 'import hashlib; print(hashlib.sha256(b"keyhound-v1\0hunter2").digest()[:16].hex())'
        assert_eq!(fingerprint(b"hunter2"), "affafa4b49589426757416ccd949ac8f");
    }
}

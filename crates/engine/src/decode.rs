//! One level of decoding: base64 runs (Kubernetes Secret values, `.dockerconfigjson`, Basic auth) whose
//! decoded bytes are text get scanned too.
use std::ops::Range;

use base64::Engine as _;

/// Shortest base64 run worth decoding (24 encoded bytes = 18 decoded).
const MIN_RUN: usize = 24;
/// Longest base64 run decoded (a bigger run is likely an embedded file, not a value).
const MAX_RUN: usize = 64 * 1024;

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// Spans of runs of base64 characters (plus trailing `=` padding) long enough to hold a secret.
pub(crate) fn base64_runs(data: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < data.len() {
            if !is_base64_byte(data[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < data.len() && is_base64_byte(data[i]) {
                i += 1;
            }
            while i < data.len() && data[i] == b'=' && i - start < MAX_RUN + 2 {
                i += 1;
            }
            let len = i - start;
            if (MIN_RUN..=MAX_RUN).contains(&len) && looks_encoded(&data[start..i]) {
                return Some(start..i);
            }
        }
        None
    })
}

/// Encoded data mixes cases and digits; identifiers and words mostly do not.
fn looks_encoded(run: &[u8]) -> bool {
    let upper = run.iter().filter(|b| b.is_ascii_uppercase()).count();
    let lower = run.iter().filter(|b| b.is_ascii_lowercase()).count();
    let digit = run.iter().filter(|b| b.is_ascii_digit()).count();
    upper > 0 && lower > 0 && (digit > 0 || upper >= 4) && !run.contains(&b'_') || run.ends_with(b"=")
}

/// Decodes a base64 run (standard or URL-safe alphabet, padding optional) when the result is mostly text.
pub(crate) fn decode_base64_text(run: &[u8]) -> Option<Vec<u8>> {
    let trimmed = run.strip_suffix(b"==").or_else(|| run.strip_suffix(b"=")).unwrap_or(run);
    let url_safe = trimmed.iter().any(|&b| b == b'-' || b == b'_');
    let engine = if url_safe {
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    };
    let decoded = engine.decode(trimmed).ok()?;
    let printable =
        decoded.iter().filter(|&&b| (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t')).count();
    (decoded.len() >= 8 && printable * 100 >= decoded.len() * 95).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_decodes_base64_text() {
        let data = b"data:\n  token: Z2hwX1I3bkIyeFFrOUxtVDR2V2M4WnBZMXNIZDZmSmczVTBLaElRQw==\n";
        let runs: Vec<_> = base64_runs(data).collect();
        assert_eq!(runs.len(), 1);
        let decoded = decode_base64_text(&data[runs[0].clone()]).unwrap();
        assert_eq!(decoded, b"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");
    }

    #[test]
    fn binary_payloads_are_not_decoded() {
        assert!(decode_base64_text(b"/w4ZrmC1AzvHj0Pn5xTq8oKd2LsBe9Ug").is_none());
    }
}

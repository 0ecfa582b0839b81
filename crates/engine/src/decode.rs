//! One level of decoding: base64 runs (Kubernetes Secret values, `.dockerconfigjson`, Basic auth) whose
//! decoded bytes are text get scanned too.
use std::ops::Range;

use base64::Engine as _;

/// Shortest base64 run worth decoding (24 encoded bytes = 18 decoded).
const MIN_RUN: usize = 24;
/// Longest base64 run decoded (a bigger run is likely an embedded file, not a value).
const MAX_RUN: usize = 64 * 1024;

/// Bytes of the standard and URL-safe base64 alphabets (padding apart), as a lookup table: this runs on
/// every byte scanned, so it must be a load, not a chain of comparisons.
static BASE64_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'-' || c == b'_';
        b += 1;
    }
    table
};

fn is_base64_byte(b: u8) -> bool {
    BASE64_BYTE[b as usize]
}

/// Spans of runs of base64 characters (plus trailing `=` padding) long enough to hold a secret.
///
/// This looks at every byte of every blob, so it skips like Boyer-Moore: a run of at least `MIN_RUN`
/// bytes starting at or after `i` must cover byte `i + MIN_RUN - 1`; when that byte is not base64, no run
/// starts in between and the search jumps ahead by `MIN_RUN`. Ordinary text is probed about once every
/// 24 bytes.
pub(crate) fn base64_runs(data: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    // Invariant: no base64 run crosses `i` from the left (data[i - 1] is not part of an unvisited run).
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + MIN_RUN <= data.len() {
            let probe = i + MIN_RUN - 1;
            if !is_base64_byte(data[probe]) {
                i = probe + 1;
                continue;
            }
            let mut start = probe;
            while start > i && is_base64_byte(data[start - 1]) {
                start -= 1;
            }
            let mut end = probe + 1;
            while end < data.len() && is_base64_byte(data[end]) {
                end += 1;
            }
            let mut padded = end;
            while padded < data.len() && padded < end + 2 && data[padded] == b'=' {
                padded += 1;
            }
            i = padded;
            let len = end - start;
            if (MIN_RUN..=MAX_RUN).contains(&len) && looks_encoded(&data[start..padded]) {
                return Some(start..padded);
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
    fn runs_are_found_at_every_position_and_length() {
        let run = "QWxhZGRpbjpvcGVuIHNlc2FtZQ"; // 26 bytes
        for prefix in ["", "a ", "ab cd ", "x.y.z.w.v.u.t.s.r.q.p.o.n.m. "] {
            for suffix in ["", "==", " tail", "==\n"] {
                let text = format!("{prefix}{run}{suffix}");
                let runs: Vec<_> = base64_runs(text.as_bytes()).collect();
                let end = prefix.len() + run.len() + if suffix.starts_with("==") { 2 } else { 0 };
                assert_eq!(runs, vec![prefix.len()..end], "{text:?}");
            }
        }
        assert_eq!(base64_runs(b"QWxhZGRpbjpvcGVuIHNlc2Ft").count(), 1, "exactly MIN_RUN bytes");
        assert_eq!(base64_runs(b"QWxhZGRpbjpvcGVuIHNlc2F").count(), 0, "one byte short");
        assert_eq!(base64_runs(b"QWxhZGRpbjpvcGVuIHNlc2FtZQ QWxhZGRpbjpvcGVuIHNlc2FtZQ").count(), 2);
    }

    #[test]
    fn binary_payloads_are_not_decoded() {
        assert!(decode_base64_text(b"/w4ZrmC1AzvHj0Pn5xTq8oKd2LsBe9Ug").is_none());
    }
}

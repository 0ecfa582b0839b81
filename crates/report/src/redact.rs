//! Redaction: secrets never appear in output unless the user asks for them.
use std::ops::Range;

const MASK: &str = "*****";

/// A redacted form of `secret` that keeps a short prefix (enough to recognise a provider prefix such as
/// `ghp_` or `AKIA`) and hides the rest, including its length.
pub fn redact(secret: &str) -> String {
    let keep = match secret.chars().count() {
        n if n >= 16 => 4,
        n if n >= 8 => 2,
        _ => 0,
    };
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}{MASK}")
}

/// `text` (a line of a file, starting at byte offset `text_start`) with every byte span in `spans` that
/// overlaps it replaced by its redacted form; lossy UTF-8. With `show`, only the conversion is done.
pub fn redact_spans(text: &[u8], text_start: usize, spans: &[Range<usize>], show: bool) -> String {
    if show {
        return String::from_utf8_lossy(text).into_owned();
    }
    let text_end = text_start + text.len();
    let mut local: Vec<Range<usize>> = spans
        .iter()
        .filter(|s| s.start < text_end && s.end > text_start)
        .map(|s| s.start.max(text_start) - text_start..s.end.min(text_end) - text_start)
        .collect();
    local.sort_by_key(|r| r.start);
    let mut out = String::new();
    let mut at = 0;
    for span in local {
        if span.start < at {
            at = at.max(span.end);
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&text[at..span.start]));
        out.push_str(&redact(&String::from_utf8_lossy(&text[span.clone()])));
        at = span.end;
    }
    out.push_str(&String::from_utf8_lossy(&text[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_only_a_short_prefix() {
        assert_eq!(redact("AKIAZ7QK3TXM5RPL2WQN"), "AKIA*****");
        assert_eq!(redact("hunter22"), "hu*****");
        assert_eq!(redact("pw"), "*****");
    }

    #[test]
    fn every_secret_on_a_line_is_redacted() {
        let line = b"id=AKIAZ7QK3TXM5RPL2WQN secret=Qm7vX2pLr9TzK4bWn8YcE1sHd6fJg3UaVo5iRt0k";
        let out = redact_spans(line, 100, &[103..123, 131..171], false);
        assert_eq!(out, "id=AKIA***** secret=Qm7v*****");
        assert_eq!(redact_spans(line, 100, &[103..123, 131..171], true), String::from_utf8_lossy(line));
    }
}

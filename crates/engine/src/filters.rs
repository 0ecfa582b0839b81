//! Shared filters that apply to every content rule's secret.

/// Substrings (compared case-insensitively) that mark a value as a placeholder, a template or a reference
/// to a secret kept elsewhere rather than a secret itself.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "dummy",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "xxxxx",
    "*****",
    "${",
    "{{",
    "}}",
    "<",
    ">",
    "%(",
    "os.environ",
    "process.env",
    "getenv",
    "env(",
];

/// Runs of sequential characters that real random secrets practically never contain.
const SEQUENCES: &[&str] = &["12345678", "23456789", "abcdefgh", "bcdefghi", "qwertyui", "87654321"];

/// True when `secret` looks like a placeholder (`xxxx`, `${VAR}`, `{{ x }}`, `<TOKEN>`, `changeme`,
/// `your-api-key-here`, `os.environ[...]`), a run of one repeated character, or a keyboard/alphabet sequence.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret.is_empty() {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    let contains = |needle: &str| memchr::memmem::find(&lower, needle.as_bytes()).is_some();
    if PLACEHOLDER_WORDS.iter().any(|w| contains(w)) || SEQUENCES.iter().any(|w| contains(w)) {
        return true;
    }
    if secret.iter().all(|&b| b == secret[0]) {
        return true;
    }
    // `$VAR`, `%VAR%`: shell and Windows environment references.
    let ident = |s: &[u8]| !s.is_empty() && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    if secret[0] == b'$' && ident(&secret[1..]) {
        return true;
    }
    if secret.len() > 2 && secret[0] == b'%' && secret[secret.len() - 1] == b'%' && ident(&secret[1..secret.len() - 1])
    {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "xxxxxxxxxxxxxxxxxxxx",
            "${GITHUB_TOKEN}",
            "{{ .Values.token }}",
            "<TOKEN>",
            "changeme",
            "your-api-key-here",
            "os.environ['KEY']",
            "$API_KEY",
            "%API_KEY%",
            "sk-1234567890abcdef",
            "aaaaaaaaaaaa",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn random_secrets_are_not_placeholders() {
        for s in ["Qm7vX2pLr9TzK4bWn8YcE1sHd6fJg3UaVo5iRt0k", "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", "hunter2"] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }
}

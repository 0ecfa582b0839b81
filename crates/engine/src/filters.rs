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
    // Masked values: `sk_live_****abcd`, `••••••4242`.
    "***",
    "\u{2022}\u{2022}",
    "${",
    "{{",
    "}}",
    "os.environ",
    "process.env",
    "getenv",
    "env(",
    "...",
    "\u{2026}",
];

/// Substrings of values that vendors and tools publish in their documentation as sample credentials:
/// seen in a file, they are copied from the docs, not leaked.
const PUBLISHED_SAMPLES: &[&str] = &[
    // jwt.io's sample token payload (`{"sub":"1234567890","name":"John Doe","iat":1516239022}`).
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
    // Stripe's documented test-mode keys.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    // Google's documentation API key.
    "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
    // GitHub's documentation token body (`ghp_…`, `gho_…`, `ghs_…` samples share it).
    "16C7e42F292c6912E7710c838347Ae178B4a",
    // The Azure Storage emulator's (Azurite) fixed account key for `devstoreaccount1`.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // Mailgun's documentation API key.
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
    // Discord's documentation bot token (`Authorization: Bot …`).
    "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",
    // Twitter's (X's) documentation app-only bearer token.
    "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F",
    // Firebase's documentation web config API key.
    "AIzaSyDOCAbC123dEf456GhI789jKl012-MnO",
    // The Google Maps JavaScript samples' API key.
    "AIzaSyB41DRUbKWJHPxaFjMAwdrzWzbVKartNGg",
    // PagerDuty's API reference token.
    "y_NbAkKc66ryYTWUXYEu",
    // The Telegram Bot API documentation's token.
    "ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
    // Stripe's older documentation test keys.
    "sk_test_26PHem9AhJZvU623DfE1x4sd",
    "pk_test_6pRNASCoBOKtIshFeQd4XMUh",
    // Slack's documentation bot token.
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    // Algolia's public demo search key (application `latency`).
    "6be0576ff61c053d5f9a3225e2a90f76",
    // PyJWT's documentation token payload (`{"some":"payload"}`).
    "eyJzb21lIjoicGF5bG9hZCJ9",
    // OAuth 2.0 (RFC 6749, RFC 6750) example tokens, code and client credentials (`s6BhdRkqt3:gX1fBat3bV`).
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    "gX1fBat3bV",
    "mF_9.B5f-4.1JqM",
    // OAuth 1.0 (RFC 5849) example consumer, token and temporary credentials.
    "dpf43f3p2l4k3l03",
    "kd94hf93k423kf44",
    "nnch734d00sl2jdk",
    "pfkkdhi9sl3r4s00",
    "hh5s93j4hdidpola",
    "hdhd0244k9j7ao03",
    "hfdp7dh39dks9884",
];

/// Keyboard runs that real random secrets practically never contain.
const KEYBOARD_RUNS: &[&str] = &["qwertyui", "asdfghjk", "zxcvbnm,"];

/// True when `secret` looks like a placeholder (`xxxx`, `${VAR}`, `{{ x }}`, `<TOKEN>`, `changeme`,
/// `your-api-key-here`, `os.environ[...]`), an elided or masked value (`sk-...a1B2`), a sample credential
/// published in vendor documentation, a run of one repeated character, or a keyboard/alphabet sequence.
pub fn is_placeholder(secret: &[u8]) -> bool {
    is_placeholder_text(secret) || base64_of_placeholder(secret)
}

/// A base64 value that decodes to a placeholder (`Y2hhbmdlbWU=` is `changeme`): Kubernetes Secret `data:`
/// and `.dockerconfigjson` templates hold their placeholders encoded.
fn base64_of_placeholder(secret: &[u8]) -> bool {
    use base64::Engine as _;
    if secret.len() < 8 || secret.len() > 512 || !secret.len().is_multiple_of(4) {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(secret) else { return false };
    decoded.len() >= 4 && decoded.iter().all(|b| (0x20..0x7f).contains(b)) && is_placeholder_text(&decoded)
}

fn is_placeholder_text(secret: &[u8]) -> bool {
    if secret.is_empty() {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    let contains = |needle: &str| memchr::memmem::find(&lower, needle.as_bytes()).is_some();
    if PLACEHOLDER_WORDS.iter().any(|w| contains(w)) || KEYBOARD_RUNS.iter().any(|w| contains(w)) {
        return true;
    }
    if PUBLISHED_SAMPLES.iter().any(|w| memchr::memmem::find(secret, w.as_bytes()).is_some()) {
        return true;
    }
    if has_angle_placeholder(secret) || has_percent_placeholder(secret) {
        return true;
    }
    if secret.iter().all(|&b| b == secret[0]) || is_counting_dummy(&letters_and_digits(secret)) {
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

/// A value made of counting: mostly one ascending or descending run (`1234567890abcdef`, `sk-abcdefghijklmnop`,
/// `zyxwvuts`), or one short unit repeated (`abab…`, `0123456789abcdef0123456789abcdef`). Only the ASCII
/// letters and digits count, case-folded, so separators and case games (`AbCdEf…`) do not hide a run. A
/// value that merely holds a run beside other characters is not one: a provider-format key with a counting
/// tail is still reported.
fn is_counting_dummy(chars: &[u8]) -> bool {
    let n = chars.len();
    if n < 4 {
        return false;
    }
    if longest_run(chars) * 5 >= (n * 3).max(40) {
        return true;
    }
    (1..=n / 2).find(|&p| chars[p..].iter().zip(chars).all(|(a, b)| a == b)).is_some_and(|p| {
        let unit = &chars[..p];
        p <= 4 || longest_run(unit) * 2 >= p
    })
}

/// True when `secret` holds a counting run of 8 or more letters and digits anywhere (`…12345678…`,
/// `…abcdefgh…`, `…AbCdEfGh…`). A provider-format match is dropped only when it is made of counting
/// ([`is_placeholder`]); a generic match, whose only evidence is the value, is dropped when it holds a run
/// at all: weak context needs strong values.
pub fn has_counting_run(secret: &[u8]) -> bool {
    longest_run(&letters_and_digits(secret)) >= 8
}

/// The ASCII letters and digits of `secret`, lower-cased: what the counting checks look at.
fn letters_and_digits(secret: &[u8]) -> Vec<u8> {
    secret.iter().filter(|b| b.is_ascii_alphanumeric()).map(u8::to_ascii_lowercase).collect()
}

/// The length of the longest run of consecutive characters in `chars` (ASCII letters and digits, lower
/// case), ascending (`abcd`, `6789`, `7890`, `890abc`) or descending (`dcba`, `4321`).
fn longest_run(chars: &[u8]) -> usize {
    // `chars` holds only letters and digits, so `a + 1` never crosses from one class to the other.
    let next = |a: u8, b: u8| b == a + 1 || (a == b'9' && b == b'0') || (matches!(a, b'9' | b'0') && b == b'a');
    let (mut best, mut up, mut down) = (usize::from(!chars.is_empty()), 1, 1);
    for pair in chars.windows(2) {
        up = if next(pair[0], pair[1]) { up + 1 } else { 1 };
        down = if next(pair[1], pair[0]) { down + 1 } else { 1 };
        best = best.max(up).max(down);
    }
    best
}

/// `<TOKEN>`, `<your key here>`: a value that starts with `<`, ends with `>`, or holds a `<...>` pair.
fn has_angle_placeholder(secret: &[u8]) -> bool {
    let open = memchr::memchr(b'<', secret);
    secret.first() == Some(&b'<')
        || secret.last() == Some(&b'>')
        || open.is_some_and(|i| memchr::memchr(b'>', &secret[i..]).is_some())
}

/// A Python `%(name)s` format placeholder. A bare `%(` is not one: generated passwords and Django secret
/// keys contain it.
fn has_percent_placeholder(secret: &[u8]) -> bool {
    memchr::memmem::find_iter(secret, b"%(").any(|i| {
        let rest = &secret[i + 2..];
        let name = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')).count();
        name > 0 && rest.get(name) == Some(&b')')
    })
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
            "sk-...a1B2",
            "Y2hhbmdlbWU=",
            "%(db_password)s",
            "<TOKEN",
            "key-<id>-x",
            "JHtEQl9QQVNTV09SRH0=",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "sk_live_****abcd",
            "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",
            "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
            "Token token=y_NbAkKc66ryYTWUXYEu",
            "01234567-89ab-cdef-0123-456789abcdef",
            "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
            "2YotnFZFEjr1zCsicMWpAA",
            "sk_live_\u{2022}\u{2022}\u{2022}\u{2022}4242",
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn counting_values_are_dummies_but_keys_with_a_counting_tail_are_not() {
        for dummy in [
            "abcdefghijklmnopqrstuvwxyz123456",
            "AbCdEfGhIjKlMnOpQrStUvWxYz1234567890ABCDEFG==",
            "sk_live_1234567890abcdefghijklmn",
            "abcdef1234567890abcdef1234567890",
            "zyxwvutsrqponmlk",
            "a1b2a1b2a1b2a1b2",
        ] {
            assert!(is_placeholder(dummy.as_bytes()), "{dummy}");
        }
        for key in [
            "a3b8f29e4d1c6a0578e23d9f41b6c8e201234567",
            "pnu_Hq7x2Lm9Rk4vT8wZ1234567890abcdef1234",
            "ghp_R7nB2xQk9LmT4vWc8ZpY1sHd6fJg3U0Kabcd",
        ] {
            assert!(!is_placeholder(key.as_bytes()), "{key}");
        }
    }

    #[test]
    fn counting_runs_inside_values_are_found() {
        for v in ["sk_live_abcdef1234567890abcdef12", "Zq8x-12345678-Lm", "q7AbCdEfGhX2", "p9zyxwvutsR"] {
            assert!(has_counting_run(v.as_bytes()), "{v}");
        }
        for v in ["Qm7vX2pLr9TzK4bWn8YcE1sHd6fJg3UaVo5iRt0k", "a1234567b", "hunter2"] {
            assert!(!has_counting_run(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn random_secrets_are_not_placeholders() {
        for s in [
            "Qm7vX2pLr9TzK4bWn8YcE1sHd6fJg3UaVo5iRt0k",
            "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",
            "hunter2",
            "WXQ2dkJuMnFMdw==",
            "django-insecure-_du9e^cmago!%(^+=gr@cu@v9-v7ulhbk2s3!w&39w4+n3*k*$",
            "Xq3>v9Lr2!mT",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }
}

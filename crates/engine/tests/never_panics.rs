//! The engine never panics on arbitrary bytes, with every built-in rule loaded.
use std::sync::OnceLock;

use keyhound_engine::{LineIndex, Scanner};
use proptest::prelude::*;

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| Scanner::new(keyhound_rules::RuleSet::builtin().unwrap().rules))
}

/// Bytes biased towards what rules look for: keywords, base64, separators, newlines and NULs.
fn haystack() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::collection::vec(
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            Just(b"ghp_".to_vec()),
            Just(b"AKIA".to_vec()),
            Just(b"password=".to_vec()),
            Just(b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec()),
            Just(b"postgres://u:".to_vec()),
            Just(b"Authorization: Basic ".to_vec()),
            Just(b"eyJhbGciOi".to_vec()),
            "[A-Za-z0-9+/=]{0,80}".prop_map(|s| s.into_bytes()),
            Just(b"\n".to_vec()),
            Just(vec![0u8, 0xff, 0xfe]),
        ],
        0..40,
    );
    pieces.prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn scanning_arbitrary_bytes_never_panics(data in haystack()) {
        let s = scanner();
        let matches = s.scan(&data);
        let mut index = LineIndex::new(&data);
        for m in matches {
            prop_assert!(m.secret_span.end <= data.len());
            prop_assert!(m.region.start <= m.secret_span.start || m.decoded);
            index.position(m.secret_span.start);
            index.position(m.secret_span.end);
        }
        s.match_path(&String::from_utf8_lossy(&data));
    }
}

//! The named checksums a rule may require of its secrets (`checksum:` in a rule): a secret that fails its
//! rule's checksum is not that provider's credential.
use keyhound_rules::Checksum;

/// True when `secret` passes `checksum`.
pub(crate) fn passes(checksum: Checksum, secret: &[u8]) -> bool {
    match checksum {
        Checksum::Crc32Base62 => crc32_base62_ok(secret),
        Checksum::Crc16Nkey => crc16_nkey_ok(secret),
        Checksum::Base64UserPassword => base64_user_password_ok(secret),
    }
}

/// HTTP Basic credentials (RFC 7617): base64, padded or not, of printable text `user:password` with a
/// non-empty password. `Basic something` or base64 of `john password` is prose or a sample, not a login.
fn base64_user_password_ok(secret: &[u8]) -> bool {
    use base64::Engine as _;
    let unpadded = secret.strip_suffix(b"==").or_else(|| secret.strip_suffix(b"=")).unwrap_or(secret);
    let Ok(decoded) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(unpadded) else { return false };
    let Ok(text) = std::str::from_utf8(&decoded) else { return false };
    text.chars().all(|c| !c.is_control())
        && text.split_once(':').is_some_and(|(_, password)| !password.is_empty() && !is_sample_password(password))
}

/// Passwords that documentation and tests put in Basic credentials (`martin:secret`, RFC 7617's
/// `Aladdin:open sesame`), and placeholders (`changeme`, `<password>`): decoded, they mark the value as a
/// sample.
fn is_sample_password(password: &str) -> bool {
    const SAMPLES: &[&str] = &[
        "secret",
        "password",
        "passwd",
        "pass",
        "pwd",
        "test",
        "admin",
        "letmein",
        "open sesame",
        "hunter2",
        "foobar",
        "foo",
        "bar",
        "123456",
        "s3cr3t",
        "p@ssw0rd",
        "passw0rd",
    ];
    SAMPLES.iter().any(|s| password.eq_ignore_ascii_case(s)) || crate::filters::is_placeholder(password.as_bytes())
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub/npm token checksum: after the first `_`, the last 6 characters are base62(CRC32(the rest)).
fn crc32_base62_ok(secret: &[u8]) -> bool {
    let Some(underscore) = secret.iter().position(|&b| b == b'_') else { return false };
    let token = &secret[underscore + 1..];
    if token.len() <= 6 {
        return false;
    }
    let (body, check) = token.split_at(token.len() - 6);
    let mut n = crc32fast::hash(body) as u64;
    let mut expected = [b'0'; 6];
    for slot in expected.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    n == 0 && expected == check
}

/// Decoded length of an NKEY seed: two prefix bytes (seed prefix and key type), the 32-byte key, the CRC.
const NKEY_SEED_BYTES: usize = 36;
/// Decoded length of an NKEY public key: one prefix byte, the 32-byte key, the CRC.
const NKEY_PUBLIC_BYTES: usize = 35;

/// NATS NKEY checksum (nats-io/nkeys `Encode`/`EncodeSeed`): the secret is unpadded RFC 4648 base32
/// (`A-Z2-7`) of a seed (58 characters) or public key (56 characters) in canonical form (the unused low
/// bits of the last character are zero), and its last two decoded bytes are the little-endian
/// CRC-16/XMODEM of the bytes before them.
fn crc16_nkey_ok(secret: &[u8]) -> bool {
    let mut raw = [0u8; NKEY_SEED_BYTES];
    let Some(len) = base32_decode(secret, &mut raw) else { return false };
    if len != NKEY_SEED_BYTES && len != NKEY_PUBLIC_BYTES {
        return false;
    }
    let (body, crc) = raw[..len].split_at(len - 2);
    crc16_xmodem(body) == u16::from_le_bytes([crc[0], crc[1]])
}

/// Decodes unpadded upper-case base32 into `out`, returning the number of bytes. `None` when a character
/// is outside `A-Z2-7`, the text is longer than `out` holds, the length is not one an encoder produces, or
/// the leftover bits of the last character are not zero.
fn base32_decode(text: &[u8], out: &mut [u8]) -> Option<usize> {
    let (mut acc, mut bits, mut len) = (0u32, 0u32, 0usize);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(len)? = (acc >> bits) as u8;
            len += 1;
            acc &= (1 << bits) - 1;
        }
    }
    // 1, 3 or 6 characters past a multiple of 8 leave 5 or more bits: no byte string encodes to that.
    (bits < 5 && acc == 0).then_some(len)
}

/// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR.
fn crc16_xmodem(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    // Fake NKEYs: random 32-byte keys encoded as nkeys `EncodeSeed`/`Encode` does (see `crc16_nkey_ok`).
    const SEEDS: &[&str] = &[
        "SUAGCNTHEHNC23AR4WUUHCVAN5QLY72WZG6XBNHWHG2XJYSQMMR6N2VD2U",
        "SAAGPBW6AJNMK4FYFJDAQFDBQNOBWT2MNZHXKMCBMSG77TJJGYXNQH3JC4",
        "SOAKWMCTOKUNEVRPOIJBTWEHUWOTQ4RTZLMFH352DF4O3V5Y5KUZATYVLU",
        "SNAL63CESUHBU4FG5YEVTVPOU7K62MTFI4CSLXGT2IO3XKH4HLBIT7O5ZI",
        "SCAMKVT4E5K2FGYCAVWUNBXDULNUDQARGCM6EVBOAELY63VB6BNI6IEMTE",
        "SXAHXY4ETFZAHFOYWH4YSP3KIP7BDLP42KOIUD4KDQPWNR5ZBDZRP6R5KQ",
    ];
    const PUBLIC_USER: &str = "UDGZH3J73OLEXS46N32GMRWFH2OWUQFRTZRWHWDEILGOYTOWEXOAQS3F";

    #[test]
    fn crc32_base62_accepts_valid_and_rejects_tampered_tokens() {
        assert!(crc32_base62_ok(b"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"));
        assert!(!crc32_base62_ok(b"ghp_Xw5Kd8Tq2Lm7Rb4Nz9Vc1Hs6Gf3Jp0Zt7Wq2"));
        assert!(!crc32_base62_ok(b"ghp_short"));
    }

    #[test]
    fn basic_credentials_decode_to_user_and_password() {
        assert!(!base64_user_password_ok(b"QWxhZGRpbjpvcGVuIHNlc2FtZQ==")); // RFC 7617's Aladdin:open sesame
        assert!(!base64_user_password_ok(b"bWFydGluOnNlY3JldA==")); // martin:secret
        assert!(!base64_user_password_ok(b"YWRtaW46Y2hhbmdlbWU=")); // admin:changeme
        assert!(base64_user_password_ok(b"ZGVwbG95Okt3OHFMdjJ6VG4=")); // deploy:Kw8qLv2zTn
        assert!(base64_user_password_ok(b"ZHR4Y2xkdzpod25yandkdg")); // unpadded
        assert!(!base64_user_password_ok(b"something"));
        assert!(!base64_user_password_ok(b"am9obiBwYXNzd29yZA==")); // "john password": no colon
        assert!(!base64_user_password_ok(b"dXNlcjo=")); // "user:": no password
    }

    #[test]
    fn crc16_xmodem_check_value() {
        assert_eq!(crc16_xmodem(b"123456789"), 0x31C3);
        assert_eq!(crc16_xmodem(b""), 0);
    }

    #[test]
    fn crc16_nkey_accepts_valid_seeds_and_public_keys() {
        for seed in SEEDS {
            assert!(passes(Checksum::Crc16Nkey, seed.as_bytes()), "{seed}");
        }
        assert!(crc16_nkey_ok(PUBLIC_USER.as_bytes()));
    }

    #[test]
    fn crc16_nkey_rejects_tampered_seeds() {
        for seed in SEEDS {
            // Every single-character change is a burst of at most 5 bits, which CRC-16 always detects.
            for i in 0..seed.len() {
                let mut tampered = seed.as_bytes().to_vec();
                tampered[i] = if tampered[i] == b'Q' { b'R' } else { b'Q' };
                assert!(!crc16_nkey_ok(&tampered), "{}", String::from_utf8_lossy(&tampered));
            }
            // Two swapped neighbours.
            let mut swapped = seed.as_bytes().to_vec();
            let i = (3..57).find(|&i| swapped[i] != swapped[i + 1]).unwrap();
            swapped.swap(i, i + 1);
            assert!(!crc16_nkey_ok(&swapped));
            assert!(!crc16_nkey_ok(seed.to_ascii_lowercase().as_bytes()));
        }
        // Non-zero unused bits in the last character: the same bytes, but not as any encoder writes them.
        let seed = SEEDS[0];
        let last = seed.as_bytes()[57];
        let mut noncanonical = seed.as_bytes().to_vec();
        noncanonical[57] = last + 1;
        assert!(!crc16_nkey_ok(&noncanonical));
    }

    #[test]
    fn crc16_nkey_rejects_wrong_lengths() {
        let seed = SEEDS[0].as_bytes();
        assert!(!crc16_nkey_ok(b""));
        assert!(!crc16_nkey_ok(&seed[..57]));
        assert!(!crc16_nkey_ok(&seed[..56])); // a public key's length, but not its checksum
        assert!(!crc16_nkey_ok(&seed[..40]));
        assert!(!crc16_nkey_ok(&[seed, b"A"].concat()));
        assert!(!crc16_nkey_ok(&[seed, b"AAAAAA"].concat()));
        assert!(!crc16_nkey_ok(&[seed, seed].concat()));
    }
}

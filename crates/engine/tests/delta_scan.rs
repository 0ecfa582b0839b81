//! Scanning a delta finds exactly what scanning the whole blob finds: random edits (copied pieces of the
//! base, moved, dropped or cut mid-line, and inserted text) of texts full of built-in rules' example
//! secrets, over three generations so that matches are inherited through inherited matches.
use std::ops::Range;
use std::sync::OnceLock;

use keyhound_engine::{BlobMatches, Match, Scanner};
use proptest::prelude::*;

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| Scanner::new(keyhound_rules::RuleSet::builtin().unwrap().rules))
}

/// Lines holding secrets (every 7th built-in example) and lines of ordinary text.
fn vocabulary() -> &'static Vec<String> {
    static LINES: OnceLock<Vec<String>> = OnceLock::new();
    LINES.get_or_init(|| {
        let mut lines: Vec<String> = scanner()
            .rules()
            .iter()
            .flat_map(|r| r.examples.iter())
            .step_by(7)
            .flat_map(|e| e.lines().map(str::to_string).collect::<Vec<_>>())
            .collect();
        let filler = [
            "fn main() { println!(\"hello\"); }",
            "    let total = items.iter().map(|i| i.price).sum::<u64>();",
            "# settings for the staging environment",
            "password: ${DB_PASSWORD}",
            "token = os.environ[\"TOKEN\"]",
            "",
            "dGhpcyBpcyBqdXN0IHNvbWUgYmFzZTY0IHRleHQgd2l0aG91dCBzZWNyZXRz",
        ];
        lines.extend(filler.iter().map(|s| s.to_string()));
        lines
    })
}

fn text(picks: &[usize]) -> Vec<u8> {
    let lines = vocabulary();
    let mut out = Vec::new();
    for &p in picks {
        out.extend_from_slice(lines[p % lines.len()].as_bytes());
        out.push(b'\n');
    }
    out
}

/// One piece of a child: a byte range of the base (as fractions of its length), or new lines.
#[derive(Debug, Clone)]
enum Piece {
    Copy(u16, u16),
    Insert(Vec<usize>),
}

fn pieces() -> impl Strategy<Value = Vec<Piece>> {
    prop::collection::vec(
        prop_oneof![
            4 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Piece::Copy(a.min(b), a.max(b))),
            1 => prop::collection::vec(any::<usize>(), 0..4).prop_map(Piece::Insert),
        ],
        1..8,
    )
}

/// Applies `pieces` to `base`: the child and what it copied (target range, base offset).
fn edit(base: &[u8], pieces: &[Piece]) -> (Vec<u8>, Vec<(Range<usize>, usize)>) {
    let mut child = Vec::new();
    let mut copies: Vec<(Range<usize>, usize)> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Copy(a, b) => {
                let at = |f: u16| base.len() * f as usize / u16::MAX as usize;
                let (from, to) = (at(*a), at(*b));
                if from < to {
                    copies.push((child.len()..child.len() + to - from, from));
                    child.extend_from_slice(&base[from..to]);
                }
            }
            Piece::Insert(picks) => child.extend(text(picks)),
        }
    }
    (child, copies)
}

/// What one scan reported and the other did not, as `rule-id span` lines ("" when they agree).
fn difference(delta: &BlobMatches, whole: &[Match]) -> String {
    let delta = delta.matches();
    let show = |m: &Match| format!("{} {:?} {:?}", scanner().rule(m.rule).id, m.secret_span, m.region);
    let only = |a: &[Match], b: &[Match], label: &str| -> Vec<String> {
        a.iter().filter(|m| !b.contains(m)).map(|m| format!("only {label}: {}", show(m))).collect()
    };
    let mut lines = only(&delta, whole, "delta");
    lines.extend(only(whole, &delta, "whole"));
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn delta_scan_equals_whole_scan(
        picks in prop::collection::vec(any::<usize>(), 300..1500),
        first in pieces(),
        second in pieces(),
    ) {
        let s = scanner();
        let base = text(&picks);
        let base_scan = s.scan_blob(&base);
        let (child, copies) = edit(&base, &first);
        let child_scan = s.scan_delta(&child, base.len(), &copies, &base_scan);
        prop_assert_eq!(difference(&child_scan, &s.scan(&child)), "", "child of {:?}: base {} copies {:?}", &first, base.len(), &copies);
        let (grandchild, copies) = edit(&child, &second);
        let grandchild_scan = s.scan_delta(&grandchild, child.len(), &copies, &child_scan);
        prop_assert_eq!(difference(&grandchild_scan, &s.scan(&grandchild)), "", "grandchild, {:?}", &second);
    }
}

#[test]
fn a_small_edit_far_from_secrets_inherits_them_all() {
    let s = scanner();
    let base = text(&(0..3000).collect::<Vec<_>>());
    let base_scan = s.scan_blob(&base);
    assert!(base_scan.matches().len() > 20, "the base holds secrets");
    // Replace one line near the end: the child copies the rest.
    let cut = base.len() - 200;
    let mut child = base[..cut].to_vec();
    child.extend_from_slice(b"changed line\n");
    let copies = vec![(0..cut, 0)];
    let child_scan = s.scan_delta(&child, base.len(), &copies, &base_scan);
    assert_eq!(child_scan.matches(), s.scan(&child));
}

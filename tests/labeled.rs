//! The labeled fixture suite: realistic fake provider secrets planted in config and code files, and hard
//! negatives for every false-positive filter class (placeholders, templates, references, UI strings,
//! hashes, public keys, schemas, empty values, sequences, published samples, encrypted values, secret
//! references, masked values). `tests/data/labeled/labels.tsv` labels line ranges of the fixtures; the
//! format is described in `tests/data/labeled/README.md`.
//!
//! The check: every `secret` range has a finding (of the named rule-id prefix or provider, when one is
//! given), no `none` range has one, and no finding lies outside the labeled ranges. Every mismatch is
//! listed, not just the first.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::*;

/// Negative classes the issue asks for; each needs at least [`MIN_PER_CLASS`] labeled lines.
const NEGATIVE_CLASSES: &[&str] = &[
    "placeholder",
    "template",
    "reference",
    "ui-i18n",
    "hash",
    "public-key",
    "schema",
    "empty-bool",
    "repeated-seq",
    "example-key",
    "encrypted",
    "secret-ref",
    "masked",
];
const MIN_PER_CLASS: usize = 3;

#[derive(Clone, Debug)]
struct Label {
    file: String,
    start: u64,
    end: u64,
    secret: bool,
    /// A rule-id prefix or provider slug the finding must have (`-` in the file: any rule).
    rule: Option<String>,
    class: String,
    note: String,
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/labeled")
}

fn load_labels(dir: &Path) -> Vec<Label> {
    let text = std::fs::read_to_string(dir.join("labels.tsv")).expect("labels.tsv");
    let mut labels = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 5, "labels.tsv:{}: want file, lines, expect, rule, class[, note]: {line}", i + 1);
        let (start, end) = match cols[1].split_once('-') {
            Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
            None => {
                let n = cols[1].parse().unwrap_or_else(|_| panic!("labels.tsv:{}: bad line number", i + 1));
                (n, n)
            }
        };
        let secret = match cols[2] {
            "secret" => true,
            "none" => false,
            other => panic!("labels.tsv:{}: expect must be secret or none, not {other:?}", i + 1),
        };
        labels.push(Label {
            file: cols[0].to_string(),
            start,
            end,
            secret,
            rule: (cols[3] != "-").then(|| cols[3].to_string()),
            class: cols[4].to_string(),
            note: cols.get(5).map_or(String::new(), |s| s.to_string()),
        });
    }
    // Labels must point at real, non-blank lines, and not overlap.
    for l in &labels {
        let content = std::fs::read_to_string(dir.join(&l.file)).unwrap_or_else(|e| panic!("{}: {e}", l.file));
        let lines: Vec<&str> = content.lines().collect();
        assert!(
            l.start >= 1 && l.start <= l.end && l.end as usize <= lines.len(),
            "{}:{}-{} is outside the file",
            l.file,
            l.start,
            l.end
        );
        assert!(!lines[l.start as usize - 1].trim().is_empty(), "{}:{} labels a blank line", l.file, l.start);
    }
    let mut sorted: Vec<&Label> = labels.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.start).cmp(&(&b.file, b.start)));
    for w in sorted.windows(2) {
        assert!(w[0].file != w[1].file || w[0].end < w[1].start, "{}:{} is labeled twice", w[1].file, w[1].start);
    }
    labels
}

/// Scans the fixture directory with the built binary: every file whatever its name (lockfiles, dotfiles),
/// with an empty config so the repository's allowlist of `tests/**` does not apply.
fn scan_fixtures(dir: &Path) -> Vec<Value> {
    let config = tempfile::tempdir().unwrap();
    let empty = write(config.path(), "empty.yaml", b"{}\n");
    let out = kh()
        .current_dir(dir)
        .args(["scan", ".", "--all-files", "--no-ignore", "--format", "json", "-q", "--config"])
        .arg(&empty)
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "scan failed ({code:?}): {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    findings(&doc)
}

fn span(f: &Value) -> (String, u64, u64) {
    let path = f["path"].as_str().unwrap_or_default().trim_start_matches("./").to_string();
    let line = f["line"].as_u64().unwrap_or(0);
    (path, line, f["end_line"].as_u64().unwrap_or(line))
}

fn overlaps(label: &Label, f: &Value) -> bool {
    let (path, start, end) = span(f);
    path == label.file && start <= label.end && end >= label.start
}

fn describe(f: &Value) -> String {
    format!("{} {:?}", f["rule_id"].as_str().unwrap_or("?"), f["secret"].as_str().unwrap_or(""))
}

/// Every disagreement between labels and findings, one line each.
fn mismatches(labels: &[Label], found: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for l in labels {
        let hits: Vec<&Value> = found.iter().filter(|f| overlaps(l, f)).collect();
        let at = format!("{}:{}", l.file, l.start);
        let got = if hits.is_empty() {
            "nothing".to_string()
        } else {
            hits.iter().map(|f| describe(f)).collect::<Vec<_>>().join(", ")
        };
        if l.secret {
            let wanted = |f: &&Value| {
                l.rule.as_deref().is_none_or(|r| {
                    f["rule_id"].as_str().is_some_and(|id| id.starts_with(r)) || f["provider"].as_str() == Some(r)
                })
            };
            if !hits.iter().any(wanted) {
                let rule = l.rule.as_deref().unwrap_or("any rule");
                out.push(format!("MISSED  {at} [{}] expected secret ({rule}), got {got}  # {}", l.class, l.note));
            }
        } else if !hits.is_empty() {
            out.push(format!("FALSE+  {at} [{}] expected none, got {got}  # {}", l.class, l.note));
        }
    }
    for f in found {
        if !labels.iter().any(|l| overlaps(l, f)) {
            let (path, line, _) = span(f);
            out.push(format!("UNLABELED  {path}:{line} expected no finding, got {}", describe(f)));
        }
    }
    out
}

fn summary(labels: &[Label]) -> String {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for l in labels {
        *counts.entry((if l.secret { "secret" } else { "none" }, &l.class)).or_default() += 1;
    }
    counts.iter().map(|((e, c), n)| format!("{e}/{c}: {n}")).collect::<Vec<_>>().join(", ")
}

#[test]
fn labeled_fixtures_match_findings() {
    let dir = fixture_dir();
    let labels = load_labels(&dir);
    let found = scan_fixtures(&dir);
    let bad = mismatches(&labels, &found);
    let positives = labels.iter().filter(|l| l.secret).count();
    assert!(
        bad.is_empty(),
        "{} mismatches against {} labels ({positives} secret):\n  {}\nlabels: {}",
        bad.len(),
        labels.len(),
        bad.join("\n  "),
        summary(&labels)
    );
}

#[test]
fn labeled_fixtures_cover_every_negative_class() {
    let labels = load_labels(&fixture_dir());
    for class in NEGATIVE_CLASSES {
        let n = labels.iter().filter(|l| !l.secret && l.class == *class).count();
        assert!(n >= MIN_PER_CLASS, "negative class {class} has {n} labeled lines, want >= {MIN_PER_CLASS}");
    }
    assert!(labels.iter().filter(|l| l.secret).count() >= 50, "{}", summary(&labels));
}

/// The comparison can fail: flipping one `secret` label and one `none` label yields exactly those two
/// mismatches (plus nothing else), so a broken filter or rule cannot pass silently.
#[test]
fn labeled_check_reports_every_mismatch() {
    let dir = fixture_dir();
    let mut labels = load_labels(&dir);
    let found = scan_fixtures(&dir);
    let pos = labels.iter().position(|l| l.secret).unwrap();
    let neg = labels.iter().position(|l| !l.secret).unwrap();
    labels[pos].secret = false;
    labels[neg].secret = true;
    let bad = mismatches(&labels, &found);
    let flipped = |l: &Label| format!(" {}:{} ", l.file, l.start);
    assert!(bad.iter().any(|m| m.starts_with("FALSE+") && m.contains(&flipped(&labels[pos]))), "{bad:#?}");
    assert!(bad.iter().any(|m| m.starts_with("MISSED") && m.contains(&flipped(&labels[neg]))), "{bad:#?}");
    // Dropping a label turns its finding into an unlabeled one.
    labels.remove(pos);
    let bad = mismatches(&labels, &found);
    assert!(bad.iter().any(|m| m.starts_with("UNLABELED")), "{bad:#?}");
}

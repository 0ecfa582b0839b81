//! Acknowledged findings: inline markers, .keyhoundignore and baselines, all keyed on the value.
use crate::support::*;

#[test]
fn inline_markers_suppress_their_line_only_and_are_counted() {
    for marker in ["keyhound:allow", "gitleaks:allow", "pragma: allowlist secret"] {
        let dir = tree(&[("a.env", &format!("SLACK={SLACK} # {marker}\nGITHUB_TOKEN={GH}\n"))]);
        let (code, doc, stderr) = scan_json(dir.path(), &["."]);
        assert_eq!(code, 1, "{marker}");
        assert_eq!(rules_at(&doc, "a.env").len(), 1, "only the unmarked line: {doc}");
        assert_eq!(doc["summary"]["suppressed"], 1);
        assert!(stderr.contains("1 suppressed"), "{stderr}");
    }
    let dir = tree(&[("a.env", &format!("SLACK={SLACK} # keyhound:allow\n"))]);
    let (code, doc, _) = scan_json(dir.path(), &[".", "--show-suppressed"]);
    assert_eq!(code, 0, "suppressed findings do not fail the scan");
    assert_eq!(findings(&doc)[0]["suppressed"], "inline");
}

#[test]
fn keyhoundignore_fingerprints_suppress_and_scopes_narrow_them() {
    let fp = keyhound_report::fingerprint(GH.as_bytes());
    let dir = tree(&[("a/x.env", &format!("GITHUB_TOKEN={GH}\n")), ("b/y.env", &format!("GITHUB_TOKEN={GH}\n"))]);
    write(dir.path(), ".keyhoundignore", format!("# acknowledged\n{fp} path=a/** # rotated 2024-05\n").as_bytes());
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["b/y.env".to_string()], "the scope keeps b/ reported");
    write(dir.path(), ".keyhoundignore", format!("{fp}\n").as_bytes());
    let (code, _, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0);
    write(dir.path(), ".keyhoundignore", b"not-a-fingerprint\n");
    let out = kh().current_dir(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".keyhoundignore:1:"));
}

#[test]
fn baseline_acknowledges_by_value_survives_moves_and_catches_new_secrets() {
    let dir = tree(&[("cfg.yaml", &format!("service:\n  token: {GH}\n"))]);
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    kh().current_dir(dir.path()).args(["scan", "cfg.yaml", "--write-baseline", b]).assert().code(1);
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(!text.contains(GH), "no raw secret in the baseline");
    assert!(text.contains(&keyhound_report::fingerprint(GH.as_bytes())));
    kh().current_dir(dir.path()).args(["scan", "cfg.yaml", "--baseline", b]).assert().code(0);
    write(dir.path(), "cfg.yaml", format!("# moved\n\nservice:\n  token: {GH}\n").as_bytes());
    kh().current_dir(dir.path()).args(["scan", "cfg.yaml", "--baseline", b]).assert().code(0);
    write(dir.path(), "cfg.yaml", format!("service:\n  token: {GH} # {SLACK}\n").as_bytes());
    let (code, doc, _) = scan_json(dir.path(), &["cfg.yaml", "--baseline", b]);
    assert_eq!(code, 1, "a new secret on an acknowledged line is reported");
    assert!(rules_at(&doc, "cfg.yaml").iter().all(|r| r.starts_with("slack")), "{doc}");
}

#[test]
fn unused_ignore_entries_are_reported_when_asked() {
    let dir = tree(&[("a.txt", "hello\n")]);
    write(dir.path(), ".keyhoundignore", b"affafa4b49589426757416ccd949ac8f # stale\n");
    let out = kh().current_dir(dir.path()).args(["scan", ".", "--report-unused-ignores", "--redact"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unused ignore entry") && stderr.contains(".keyhoundignore:1"), "{stderr}");
}

#[test]
fn gitleaksignore_entries_resolve_to_the_finding_at_that_position() {
    let toml = "[[rules]]\nid = \"acme-token\"\nregex = '''\\b(acme_[a-z0-9]{24})\\b'''\nkeywords = [\"acme_\"]\n";
    let dir = tree(&[
        (".gitleaks.toml", toml),
        ("app.env", "A=acme_q8w7e6r5t4y3u2i1o9p8a7s6\nB=acme_z1x2c3v4b5n6m7q8w9e0r1t2\n"),
        (".gitleaksignore", "app.env:acme-token:1\nother.env:acme-token:9\n"),
    ]);
    let (code, doc, stderr) =
        scan_json(dir.path(), &["app.env", ".", "--rules", ".gitleaks.toml", "--no-builtin-rules"]);
    assert_eq!(code, 1);
    let lines: Vec<u64> =
        findings(&doc).iter().filter(|f| f["path"] == "app.env").map(|f| f["line"].as_u64().unwrap()).collect();
    assert!(!lines.contains(&1) && lines.contains(&2), "{doc}");
    assert!(stderr.contains("1 entries match no finding"), "{stderr}");
}

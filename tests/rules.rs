//! Rules: the built-ins pass their own examples, user rules load, errors are located.
use serde_json::Value;

use crate::support::*;

#[test]
fn every_builtin_rule_passes_its_examples() {
    let out = kh().args(["rules", "check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(" 0 failed"), "{text}");
}

#[test]
fn rules_list_json_is_one_array_of_at_least_300_unique_rules() {
    let out = kh().args(["rules", "list", "--format", "json"]).output().unwrap();
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.len() >= 300, "{} rules", rules.len());
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(n, ids.len(), "duplicate rule ids");
    assert!(rules.iter().any(|r| r["path"].is_array()), "path rules are listed");
}

#[test]
fn rules_list_into_a_closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (first, out) = first_line_then_close(dir.path(), &["rules", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!first.is_empty());
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

const USER_RULE: &str = "rules:
  - id: acme-token
    name: Acme token
    provider: acme
    kind: api-key
    confidence: high
    severity: high
    keywords: [acme_]
    pattern: '\\b(?P<secret>acme_[a-z0-9]{24})\\b'
";

#[test]
fn user_rules_load_with_a_warning_when_they_lack_examples() {
    let dir = tree(&[("rules/acme.yaml", USER_RULE), ("app.env", "ACME=acme_q8w7e6r5t4y3u2i1o9p8a7s6\n")]);
    let (code, doc, stderr) = scan_json(dir.path(), &["app.env", "--rules", "rules", "--no-builtin-rules"]);
    assert_eq!(code, 1);
    assert_eq!(rules_at(&doc, "app.env"), vec!["acme-token".to_string()]);
    assert!(stderr.contains("warning") && stderr.contains("acme-token"), "{stderr}");
}

#[test]
fn malformed_rule_file_is_an_error_with_file_and_line() {
    let dir = tree(&[("bad.yaml", "rules:\n  - id: broken\n    pattern: [unclosed\n"), ("a.txt", "x\n")]);
    let out = kh().current_dir(dir.path()).args(["scan", "a.txt", "--rules", "bad.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.yaml:3:"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn invalid_regex_in_user_rule_names_the_field() {
    let bad = USER_RULE.replace("{24})", "{24}");
    let dir = tree(&[("bad.yaml", &bad)]);
    let out = kh().current_dir(dir.path()).args(["rules", "check", "bad.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.yaml:9: rule `acme-token`: field `pattern`"), "{stderr}");
}

#[test]
fn rules_check_reports_a_failing_example() {
    let rule = format!("{USER_RULE}    examples: ['acme_tooshort', 'ACME=acme_q8w7e6r5t4y3u2i1o9p8a7s6']\n    negative_examples: ['acme']\n");
    let dir = tree(&[("r.yaml", &rule)]);
    let out = kh().current_dir(dir.path()).args(["rules", "check", "r.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("acme-token: example does not match: acme_tooshort"), "{text}");
}

const GITLEAKS_TOML: &str = r#"title = "acme"
[extend]
useDefault = true
[[rules]]
id = "acme-internal-token"
description = "ACME internal service token"
regex = '''\b(acme_[a-z0-9]{32})\b'''
secretGroup = 1
keywords = ["acme_"]
[[rules]]
id = "no-keywords"
regex = '''corp-[0-9]{8}-(?P<x>[A-Z]{6})'''
secretGroup = 1
"#;

#[test]
fn gitleaks_config_rules_are_honoured_directly_and_through_import() {
    let dir = tree(&[
        (".gitleaks.toml", GITLEAKS_TOML),
        ("t/app.py", "client = Client(token=\"acme_q7w2e9r4t1y8u3i6o5p0a2s7d4f1g8h3\")\nid = 'corp-20240501-QWERTZ'\n"),
    ]);
    let (code, doc, stderr) = scan_json(dir.path(), &["t", "--rules", ".gitleaks.toml", "--no-builtin-rules"]);
    assert_eq!(code, 1, "{stderr}");
    let mut rules = rules_at(&doc, "t/app.py");
    rules.sort();
    assert_eq!(rules, vec!["acme-internal-token".to_string(), "no-keywords".to_string()]);
    assert!(stderr.contains("[extend]") && stderr.contains("no keywords"), "{stderr}");
    let out =
        kh().current_dir(dir.path()).args(["rules", "import", ".gitleaks.toml", "-o", "acme.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (code, doc, _) = scan_json(dir.path(), &["t", "--rules", "acme.yaml", "--no-builtin-rules"]);
    assert_eq!(code, 1);
    assert!(rules_at(&doc, "t/app.py").contains(&"acme-internal-token".to_string()));
}

//! Output formats: text, JSON, JSONL and SARIF, redaction and finding identity.
use serde_json::Value;

use crate::support::*;

fn dirty() -> tempfile::TempDir {
    tree(&[
        ("config/prod.yaml", &format!("aws:\n  access_key_id: {AWS_ID}\n  secret_access_key: {AWS_SECRET}\n")),
        ("deploy.sh", &format!("export GITHUB_TOKEN={GH}\n")),
        ("scripts/release.sh", &format!("#!/bin/sh\nGH_TOKEN={GH} gh release create \"$1\"\n")),
    ])
}

#[test]
fn text_output_names_the_file_and_redacts_by_default() {
    let dir = dirty();
    let out = kh().current_dir(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("config/prod.yaml") && text.contains("deploy.sh"), "{text}");
    assert!(!text.contains(AWS_SECRET) && !text.contains(GH), "{text}");
    let shown = kh().current_dir(dir.path()).args(["scan", ".", "--show-secrets"]).output().unwrap();
    assert!(String::from_utf8_lossy(&shown.stdout).contains(AWS_SECRET));
}

#[test]
fn json_findings_carry_the_documented_fields_and_fingerprint() {
    let dir = dirty();
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(doc["schema_version"], 1);
    assert!(doc["summary"].is_object());
    let fs = findings(&doc);
    for f in &fs {
        for key in [
            "rule_id",
            "rule_name",
            "provider",
            "kind",
            "confidence",
            "severity",
            "path",
            "line",
            "end_line",
            "column",
            "end_column",
            "fingerprint",
            "secret",
            "snippet",
            "source",
        ] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
    }
    let gh = fs.iter().find(|f| f["path"] == "deploy.sh").expect("deploy.sh finding");
    // hex(SHA-256("keyhound-v1\0" || secret)[..16])
    assert_eq!(gh["fingerprint"], keyhound_report::fingerprint(GH.as_bytes()));
    assert_eq!((gh["line"].as_u64(), gh["column"].as_u64()), (Some(1), Some(21)));
    let raw = doc.to_string();
    assert!(!raw.contains(GH) && !raw.contains(AWS_SECRET));
    // The AWS key id is an identifier, not a secret: the paired finding shows it beside its redacted secret.
    let aws = fs.iter().find(|f| f["path"] == "config/prod.yaml").expect("aws finding");
    assert_eq!(aws["rule_id"], "aws-access-key-pair");
    assert!(aws["snippet"].as_str().unwrap().contains(AWS_ID));
}

#[test]
fn jsonl_holds_one_finding_per_line() {
    let dir = dirty();
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    let out = kh().current_dir(dir.path()).args(["scan", ".", "--format", "jsonl"]).output().unwrap();
    let lines: Vec<Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), findings(&doc).len());
    assert!(lines.iter().all(|l| l["rule_id"].is_string()));
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let dir = dirty();
    let report = dir.path().join("report.json");
    kh().current_dir(dir.path()).args(["scan", "config", "--format", "json", "--output"]).arg(&report).assert().code(1);
    let doc: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert!(!findings(&doc).is_empty());
}

fn sarif(dir: &std::path::Path) -> Value {
    let out = kh().current_dir(dir).args(["scan", ".", "--format", "sarif"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn partial_fingerprints(doc: &Value, uri: &str) -> Vec<String> {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
        .map(|r| r["partialFingerprints"]["keyhound/v1"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_fit_for_code_scanning() {
    let dir = dirty();
    let doc = sarif(dir.path());
    // The official schema, vendored. One of its patterns has a bare `]` (a literal in ECMA-262 regexes,
    // an error in Rust's): escape it so the Rust validator accepts the schema; the meaning is unchanged.
    let text = include_str!("data/sarif-schema-2.1.0.json").replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).take(3).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!validator.is_valid(&broken), "the validator rejects an invalid region");
    let run = &doc["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["shortDescription"]["text"].is_string() && rule["fullDescription"]["text"].is_string());
        assert!(rule["help"]["text"].is_string() && rule["help"]["markdown"].is_string());
        assert!(rule["properties"]["security-severity"].is_string());
        assert!(rule["properties"]["precision"].is_string());
        assert!(rule["properties"]["tags"].as_array().unwrap().contains(&"security".into()));
    }
    for result in run["results"].as_array().unwrap() {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(!location["artifactLocation"]["uri"].as_str().unwrap().starts_with('/'));
        assert!(location["region"]["endLine"].as_u64() >= location["region"]["startLine"].as_u64());
    }
    let raw = doc.to_string();
    assert!(!raw.contains(GH) && !raw.contains(AWS_SECRET));
}

#[test]
fn sarif_partial_fingerprints_survive_moved_lines_and_differ_per_file() {
    let dir = dirty();
    let before = sarif(dir.path());
    write(dir.path(), "deploy.sh", format!("#!/bin/sh\n\n# moved\nexport GITHUB_TOKEN={GH}\n").as_bytes());
    let after = sarif(dir.path());
    assert_eq!(partial_fingerprints(&before, "deploy.sh"), partial_fingerprints(&after, "deploy.sh"));
    let other = partial_fingerprints(&before, "scripts/release.sh");
    assert!(!other.is_empty());
    assert!(other.iter().all(|p| !partial_fingerprints(&before, "deploy.sh").contains(p)));
}

#[test]
fn base64_encoded_secrets_are_found_at_the_encoded_location() {
    // A Kubernetes Secret: data values are base64 of the real value.
    let encoded = "Z2hwX1I3bkIyeFFrOUxtVDR2V2M4WnBZMXNIZDZmSmczVTBLaElRQw==";
    let dir = tree(&[("k8s/secret.yaml", &format!("apiVersion: v1\nkind: Secret\ndata:\n  token: {encoded}\n"))]);
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    let f =
        findings(&doc).into_iter().find(|f| f["rule_id"].as_str().unwrap().starts_with("github-")).expect("decoded");
    assert_eq!(f["line"], 4);
    assert_eq!(f["column"], 10);
    assert_eq!(f["encoding"], "base64");
    assert_eq!(f["fingerprint"], keyhound_report::fingerprint(GH.as_bytes()));
    assert!(!doc.to_string().contains(encoded), "the encoded form of a secret is redacted too");
}

#[test]
fn placeholders_and_references_are_not_reported() {
    let dir = tree(&[(
        "settings.py",
        "AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'\nGITHUB_TOKEN = os.environ['GITHUB_TOKEN']\ntoken: ${GITHUB_TOKEN}\nkey: '{{ .Values.key }}'\nsecret = \"<TOKEN>\"\n",
    )]);
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0, "{doc}");
}

#[test]
fn summary_line_goes_to_stderr() {
    let dir = dirty();
    let out = kh().current_dir(dir.path()).args(["scan", "."]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("files") && stderr.contains("findings") && stderr.contains("scanned in"), "{stderr}");
    let quiet = kh().current_dir(dir.path()).args(["scan", ".", "--quiet"]).output().unwrap();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn min_confidence_hides_findings_but_snippets_still_redact_them() {
    let sid = "AC35059e0ae57c6105d97dc37e1dddf3e7";
    let dir = tree(&[("a.env", &format!("TWILIO_ACCOUNT_SID={sid} GITHUB_TOKEN={GH}\n"))]);
    let (_, low, _) = scan_json(dir.path(), &[".", "--min-confidence", "low"]);
    assert!(rules_at(&low, "a.env").iter().any(|r| r == "twilio-account-sid"));
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(rules_at(&doc, "a.env"), vec!["github-pat-classic".to_string()]);
    assert!(!doc.to_string().contains(sid), "the low-confidence value stays redacted in the snippet: {doc}");
}

#[test]
fn a_report_into_a_closed_pipe_keeps_the_findings_exit_code() {
    let lines: String = (0..3000).map(|i| format!("user{i}_password = \"Kq{i}x7Wm2pLr\"\n")).collect();
    let dir = tree(&[("many.env", &lines)]);
    let (_, out) = first_line_then_close(dir.path(), &["scan", ".", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

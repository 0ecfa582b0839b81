//! Confidence levels: the default threshold (medium), paired id + secret findings, and test paths.
use crate::support::*;

#[test]
fn default_threshold_is_medium_so_an_id_alone_is_not_reported() {
    let dir = tree(&[("config.env", &format!("AWS_ACCESS_KEY_ID={AWS_ID}\nregion=us-east-1\n"))]);
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0, "{doc}");
    let (code, doc, _) = scan_json(dir.path(), &[".", "--min-confidence", "low"]);
    assert_eq!(code, 1);
    let f = &findings(&doc)[0];
    assert_eq!(f["rule_id"], "aws-access-key-id");
    assert_eq!(f["confidence"], "low");
}

#[test]
fn an_id_and_its_secret_on_following_lines_are_one_finding_spanning_both() {
    let text = format!("[default]\naws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n");
    let dir = tree(&[("credentials", &text)]);
    let (code, doc, _) = scan_json(dir.path(), &[".", "--min-confidence", "low"]);
    assert_eq!(code, 1);
    let all = findings(&doc);
    assert_eq!(all.len(), 1, "the id is not reported again on its own: {all:#?}");
    let f = &all[0];
    assert_eq!(f["rule_id"], "aws-access-key-pair");
    assert_eq!((f["line"].as_u64(), f["end_line"].as_u64()), (Some(2), Some(3)), "from the id through the secret");
    let snippet = f["snippet"].as_str().unwrap();
    assert!(snippet.contains(AWS_ID) && snippet.contains("aws_secret_access_key"), "{snippet}");
    assert!(!snippet.contains(AWS_SECRET), "the secret is redacted: {snippet}");
    // The identity of the finding is the secret (the part to rotate), as for the secret found alone.
    let alone = tree(&[("credentials", &format!("aws_secret_access_key = {AWS_SECRET}\n"))]);
    let (_, doc, _) = scan_json(alone.path(), &["."]);
    assert_eq!(findings(&doc)[0]["fingerprint"], f["fingerprint"]);
}

#[test]
fn secret_before_its_id_is_paired_too() {
    let text = format!("AWS_SECRET_ACCESS_KEY={AWS_SECRET}\nAWS_ACCESS_KEY_ID={AWS_ID}\n");
    let dir = tree(&[(".env", &text)]);
    let (_, doc, _) = scan_json(dir.path(), &[".", "--min-confidence", "low"]);
    let all = findings(&doc);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["rule_id"], "aws-secret-key-pair-reversed");
    assert_eq!((all[0]["line"].as_u64(), all[0]["end_line"].as_u64()), (Some(1), Some(2)));
}

#[test]
fn test_paths_lower_high_confidence_to_medium_and_no_further() {
    let line = format!("token = \"{GH}\"\n");
    let dir = tree(&[("src/app.py", &line), ("tests/test_app.py", &line), ("src/AppTest.java", &line)]);
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    let confidence = |path: &str| {
        findings(&doc).into_iter().find(|f| f["path"] == path).map(|f| f["confidence"].as_str().unwrap().to_string())
    };
    assert_eq!(confidence("src/app.py").as_deref(), Some("high"));
    assert_eq!(confidence("tests/test_app.py").as_deref(), Some("medium"), "still reported by default");
    assert_eq!(confidence("src/AppTest.java").as_deref(), Some("medium"));
    let (_, doc, _) = scan_json(dir.path(), &[".", "--min-confidence", "high"]);
    assert_eq!(paths(&doc), vec!["src/app.py"]);
    // `latest.go` is not a test file.
    let dir = tree(&[("cmd/latest.go", &line)]);
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(findings(&doc)[0]["confidence"], "high");
}

#[test]
fn a_key_named_for_a_known_vendor_is_raised_to_medium_unless_it_says_public() {
    let value = "Qz7vX2pLr9TzK4bWn8YcE1sH";
    let text = format!(
        "ADAFRUIT_AIO_KEY = \"{value}\"\ncontent_moderator_key = \"{value}x\"\nstripe_pub_key = \"{value}y\"\n"
    );
    let dir = tree(&[("settings.py", &text)]);
    let (_, doc, _) = scan_json(dir.path(), &[".", "--min-confidence", "low"]);
    let at = |line: u64| {
        findings(&doc).into_iter().find(|f| f["line"] == line).map(|f| {
            assert_eq!(f["rule_id"], "generic-key-assignment-high-entropy");
            f["confidence"].as_str().unwrap().to_string()
        })
    };
    assert_eq!(at(1).as_deref(), Some("medium"), "named for a vendor: {doc}");
    assert_eq!(at(2).as_deref(), Some("low"), "no vendor in the name");
    assert_eq!(at(3).as_deref(), Some("low"), "a public key stays low");
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(findings(&doc).len(), 1, "only the raised one at the default threshold: {doc}");
}

#[test]
fn a_key_in_a_section_named_for_a_known_vendor_is_raised_too() {
    let value = "Qz7vX2pLr9TzK4bWn8YcE1sH";
    let ini = format!("[server]\nport = 8080\n\n[adafruit]\n# IO account\nkey = {value}\npublic_key = {value}p\n\n[cache]\nkey = {value}c\n");
    let yaml = format!("integrations:\n  sendgrid:\n    user: app\n    key: {value}s\n  cache:\n    key: {value}k\n");
    let dir = tree(&[("app.ini", &ini), ("config.yaml", &yaml)]);
    let (_, doc, _) = scan_json(dir.path(), &[".", "--min-confidence", "low"]);
    let at = |path: &str, line: u64| {
        let all = findings(&doc);
        let f = all.iter().find(|f| f["path"] == path && f["line"] == line);
        f.map(|f| f["confidence"].as_str().unwrap().to_string())
    };
    assert_eq!(at("app.ini", 6).as_deref(), Some("medium"), "under [adafruit]: {doc}");
    assert_eq!(at("app.ini", 7).as_deref(), Some("low"), "a public key stays low");
    assert_eq!(at("app.ini", 10).as_deref(), Some("low"), "under [cache]");
    assert_eq!(at("config.yaml", 4).as_deref(), Some("medium"), "under sendgrid:");
    assert_eq!(at("config.yaml", 6).as_deref(), Some("low"), "under cache:");
}

//! The directory walk's rules, as documented in the README.
use crate::support::*;

fn walk_tree() -> tempfile::TempDir {
    let dir = tree(&[
        (".gitignore", "ignored.env\n"),
        (".env", &format!("SLACK_BOT_TOKEN={SLACK}\n")),
        (".config/x.yml", &format!("github:\n  token: {GH}\n")),
        ("ignored.env", &format!("GITHUB_TOKEN={GH}\n")),
        ("node_modules/acme/client.js", &format!("const t = \"{GH}\";\n")),
        ("vendor/github.com/acme/client.go", &format!("const token = \"{GH}\"\n")),
        ("vendor/ownlib/client.go", &format!("const token = \"{GH}\"\n")),
        ("src/badcrc.txt", &format!("token = \"{GH_BAD_CRC}\"\n")),
        ("src/main.rs", "fn main() {}\n"),
    ]);
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    write(dir.path(), ".git/config", format!("[core]\n\ttoken = {GH}\n").as_bytes());
    let mut p12 = b"\x30\x82\x0a\x1f\x02\x01\x03\x00\x00".to_vec();
    p12.extend((0u8..=255).cycle().take(2048));
    write(dir.path(), "certs/keystore.p12", &p12);
    dir
}

#[test]
fn scans_dotfiles_and_dot_directories_but_not_git_internals() {
    let dir = walk_tree();
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let p = paths(&doc);
    assert!(p.contains(&".env".into()) && p.contains(&".config/x.yml".into()), "{p:?}");
    assert!(!p.iter().any(|p| p.starts_with(".git/")), "{p:?}");
}

#[test]
fn honours_gitignore_unless_no_ignore_or_named() {
    let dir = walk_tree();
    let (_, doc, stderr) = scan_json(dir.path(), &["."]);
    assert!(!paths(&doc).contains(&"ignored.env".into()));
    assert!(stderr.contains("ignored"), "summary counts ignored files: {stderr}");
    assert!(doc["summary"]["skipped"]["ignored"].as_u64().unwrap() >= 1);
    let (_, doc, _) = scan_json(dir.path(), &[".", "--no-ignore"]);
    assert!(paths(&doc).contains(&"ignored.env".into()));
    let (code, doc, _) = scan_json(dir.path(), &["ignored.env"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["ignored.env".to_string()]);
}

#[test]
fn excludes_dependency_dirs_by_default_but_not_own_vendor_code() {
    let dir = walk_tree();
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    let p = paths(&doc);
    assert!(!p.contains(&"node_modules/acme/client.js".into()), "{p:?}");
    assert!(!p.contains(&"vendor/github.com/acme/client.go".into()), "{p:?}");
    assert!(p.contains(&"vendor/ownlib/client.go".into()), "{p:?}");
    let (_, doc, _) = scan_json(dir.path(), &[".", "--all-files"]);
    let p = paths(&doc);
    assert!(
        p.contains(&"node_modules/acme/client.js".into()) && p.contains(&"vendor/github.com/acme/client.go".into())
    );
    assert!(!p.iter().any(|p| p.starts_with(".git/")));
}

#[test]
fn path_rules_fire_on_binary_files() {
    let dir = walk_tree();
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    let rules = rules_at(&doc, "certs/keystore.p12");
    assert!(!rules.is_empty(), "keystore.p12 should be reported by a path rule");
    assert!(doc["summary"]["skipped"]["binary"].as_u64().unwrap() >= 1);
}

#[test]
fn bad_checksum_is_not_a_github_token() {
    let dir = walk_tree();
    let (_, doc, _) = scan_json(dir.path(), &["."]);
    assert!(rules_at(&doc, "src/badcrc.txt").iter().all(|r| !r.contains("github")));
    assert!(rules_at(&doc, ".config/x.yml").iter().any(|r| r.starts_with("github-")));
}

#[test]
fn stdin_takes_its_name_from_stdin_filename() {
    let out = kh()
        .args(["scan", "-", "--stdin-filename", "app/.env", "--format", "json"])
        .write_stdin(format!("SLACK_BOT_TOKEN={SLACK}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(paths(&doc), vec!["app/.env".to_string()]);
}

#[test]
fn config_allowlist_skips_paths_and_counts_them() {
    let dir = tree(&[
        (".keyhound.yaml", "allowlist:\n  paths:\n    - fixtures/**\n"),
        ("fixtures/keys.env", &format!("GITHUB_TOKEN={GH}\n")),
        ("app.env", "DEBUG=1\n"),
    ]);
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["skipped"]["allowlisted"], 1);
}

#[test]
fn exit_code_flag_changes_only_the_findings_code() {
    let dir = tree(&[("a.env", &format!("GITHUB_TOKEN={GH}\n"))]);
    kh().current_dir(dir.path()).args(["scan", ".", "--exit-code", "7"]).assert().code(7);
    let clean = tree(&[("a.txt", "hello\n")]);
    kh().current_dir(clean.path()).args(["scan", ".", "--exit-code", "7"]).assert().code(0);
}

#[test]
fn config_init_writes_a_starter_that_loads() {
    let dir = tree(&[("a.txt", "hello\n")]);
    kh().current_dir(dir.path()).args(["config", "init"]).assert().code(0);
    assert!(dir.path().join(".keyhound.yaml").is_file());
    kh().current_dir(dir.path()).args(["scan", "."]).assert().code(0);
    kh().current_dir(dir.path()).args(["config", "init"]).assert().code(2);
}

#[test]
fn config_disables_rules_adds_rule_files_and_allowlists_values() {
    let rule = "rules:\n  - id: acme-token\n    name: Acme token\n    provider: acme\n    kind: api-key\n    confidence: high\n    severity: high\n    keywords: [acme_]\n    pattern: '\\b(?P<secret>acme_[a-z0-9]{24})\\b'\n";
    let dir = tree(&[
        (".keyhound/acme.yaml", rule),
        ("app.env", &format!("ACME=acme_q8w7e6r5t4y3u2i1o9p8a7s6\nGITHUB_TOKEN={GH}\nSLACK={SLACK}\n")),
    ]);
    write(
        dir.path(),
        ".keyhound.yaml",
        b"rules: [.keyhound/acme.yaml]\ndisable: [github-pat-classic]\nallowlist:\n  values: ['^xoxb-2741938465-']\n",
    );
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let rules = rules_at(&doc, "app.env");
    assert!(rules.contains(&"acme-token".to_string()), "{doc}");
    assert!(!rules.iter().any(|r| r.starts_with("github-") || r.starts_with("slack-")), "{rules:?}");
    assert_eq!(doc["summary"]["suppressed"], 1, "the allowlisted Slack value");
}

#[test]
fn keyhound_config_env_names_the_config_file() {
    let dir = tree(&[("fixtures/a.env", &format!("GITHUB_TOKEN={GH}\n"))]);
    let config = dir.path().join("elsewhere.yaml");
    std::fs::write(&config, "allowlist:\n  paths: ['fixtures/**']\nmin_confidence: high\nmax_file_size: 1M\n").unwrap();
    let out = kh().current_dir(dir.path()).env("KEYHOUND_CONFIG", &config).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    kh().current_dir(dir.path()).args(["scan", "."]).assert().code(1);
}

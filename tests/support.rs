//! Shared fixtures for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A checksum-valid GitHub classic PAT (fake).
pub const GH: &str = "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";
/// The same shape with a wrong CRC32: not a GitHub token.
pub const GH_BAD_CRC: &str = "ghp_Xw5Kd8Tq2Lm7Rb4Nz9Vc1Hs6Gf3Jp0Zt7Wq2";
pub const AWS_ID: &str = "AKIAZ7QK3TXM5RPL2WQN";
pub const AWS_SECRET: &str = "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";
pub const SLACK: &str = "xoxb-2741938465-5839201746-Kd8sLq2WnT7vXb4ZpR9mYc1e";

/// The keyhound binary, with colour off and no inherited config.
pub fn kh() -> Command {
    let mut cmd = Command::cargo_bin("keyhound").expect("keyhound binary");
    cmd.env("NO_COLOR", "1").env_remove("KEYHOUND_CONFIG");
    cmd
}

/// A temp dir with the given files (path, content).
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        write(dir.path(), path, content.as_bytes());
    }
    dir
}

pub fn write(root: &Path, rel: &str, content: &[u8]) -> PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    path
}

/// Runs `keyhound scan ARGS --format json` in `dir`; returns (exit code, document, stderr).
pub fn scan_json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = kh().current_dir(dir).arg("scan").args(args).args(["--format", "json"]).output().unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), doc, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The findings array of a JSON document.
pub fn findings(doc: &Value) -> Vec<Value> {
    doc["findings"].as_array().cloned().unwrap_or_default()
}

/// Paths that have at least one finding.
pub fn paths(doc: &Value) -> Vec<String> {
    let mut p: Vec<String> = findings(doc).iter().filter_map(|f| f["path"].as_str().map(String::from)).collect();
    p.sort();
    p.dedup();
    p
}

/// Rule ids of the findings at `path`.
pub fn rules_at(doc: &Value, path: &str) -> Vec<String> {
    findings(doc).iter().filter(|f| f["path"] == path).filter_map(|f| f["rule_id"].as_str().map(String::from)).collect()
}

/// Runs `git` in `dir` with no user or system config, as Jane Doe, at a fixed date; returns its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Jane Doe")
        .env("GIT_AUTHOR_EMAIL", "jane@example.org")
        .env("GIT_COMMITTER_NAME", "Jane Doe")
        .env("GIT_COMMITTER_EMAIL", "jane@example.org")
        .env("GIT_AUTHOR_DATE", "2024-05-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-05-01T12:00:00Z")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs keyhound with `args` in `dir`, reads the first line of its stdout and closes the pipe (like
/// `keyhound ... | head -1`); returns the first line and the finished process's output.
pub fn first_line_then_close(dir: &Path, args: &[&str]) -> (String, std::process::Output) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("keyhound"))
        .args(args)
        .current_dir(dir)
        .env_remove("KEYHOUND_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    // The reader is dropped at the end of this statement: the rest of the output hits a closed pipe.
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    (first, child.wait_with_output().unwrap())
}

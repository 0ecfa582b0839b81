//! The GitHub Action's shell logic (scripts/action-scan.sh), run against recorded event payloads
//! (tests/data/events) on a real clone with an `origin`, as on a runner.
use std::path::{Path, PathBuf};

use crate::support::*;

fn commit(dir: &Path, path: &str, content: &str) -> String {
    write(dir, path, content.as_bytes());
    git(dir, &["add", "-A"]);
    git(dir, &["-c", "commit.gpgsign=false", "commit", "-q", "-m", path]);
    git(dir, &["rev-parse", "HEAD"])
}

/// An origin with an old secret on main, and a checkout (depth `depth`) of a feature branch that adds a new
/// secret. Returns (temp dir, checkout path, main's head, feature's head).
fn setup(depth: Option<&str>) -> (tempfile::TempDir, PathBuf, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    commit(&origin, "old.env", &format!("SLACK_BOT_TOKEN={SLACK}\n"));
    let main = commit(&origin, "README.md", "hello\n");
    git(&origin, &["checkout", "-q", "-b", "feature"]);
    commit(&origin, "docs.md", "docs\n");
    let feature = commit(&origin, "new.env", &format!("GITHUB_TOKEN={GH}\n"));
    let url = format!("file://{}", origin.display());
    let mut args = vec!["clone", "-q", "--branch", "feature"];
    if let Some(depth) = depth {
        args.extend(["--depth", depth]);
    }
    args.extend([url.as_str(), "work"]);
    git(tmp.path(), &args);
    let work = tmp.path().join("work");
    (tmp, work, main, feature)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    outputs: String,
    summary: String,
}

fn run(work: &Path, event: &str, name: &str, before: &str, after: &str, fail_on: &str) -> Run {
    let dir = work.parent().unwrap();
    let template =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/events").join(event)).unwrap();
    let event_path = dir.join("event.json");
    std::fs::write(&event_path, template.replace("@BEFORE@", before).replace("@AFTER@", after)).unwrap();
    let (outputs, summary) = (dir.join("outputs"), dir.join("summary.md"));
    let _ = std::fs::remove_file(&outputs);
    let _ = std::fs::remove_file(&summary);
    let out = std::process::Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-scan.sh"))
        .current_dir(work)
        .env("KEYHOUND", assert_cmd::cargo::cargo_bin("keyhound"))
        .env("GITHUB_EVENT_NAME", name)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("RUNNER_TEMP", dir)
        .env("INPUT_FAIL_ON", fail_on)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
    }
}

#[test]
fn push_scans_before_to_after_in_a_shallow_checkout() {
    let (_tmp, work, main, feature) = setup(Some("1"));
    let r = run(&work, "push.json", "push", &main, &feature, "any");
    assert_eq!(r.code, Some(1), "{} {}", r.stdout, r.outputs);
    assert!(r.outputs.contains("findings=1"), "{}", r.outputs);
    assert!(r.stdout.contains("::error file=new.env,line=1"), "{}", r.stdout);
    assert!(r.summary.contains("new.env:1") && !r.summary.contains("old.env"), "{}", r.summary);
    assert!(!r.stdout.contains(GH) && !r.summary.contains(GH), "never prints a secret");
}

#[test]
fn new_branch_and_force_push_scan_what_the_default_branch_lacks() {
    for event in ["push-new-branch.json", "push-forced.json"] {
        let (_tmp, work, _main, feature) = setup(Some("1"));
        let r = run(&work, event, "push", "", &feature, "any");
        assert_eq!(r.code, Some(1), "{event}: {} {}", r.stdout, r.outputs);
        assert!(r.outputs.contains("findings=1") && r.summary.contains("new.env"), "{event}: {}", r.summary);
    }
}

#[test]
fn pull_request_scans_base_to_head_and_fail_on_none_passes() {
    let (_tmp, work, main, feature) = setup(Some("1"));
    let r = run(&work, "pull_request.json", "pull_request", &main, &feature, "none");
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    assert!(r.outputs.contains("findings=1") && r.outputs.contains("sarif-file="), "{}", r.outputs);
}

#[test]
fn schedule_scans_the_whole_history_and_an_empty_range_is_a_notice() {
    let (_tmp, work, main, feature) = setup(None);
    let r = run(&work, "schedule.json", "schedule", "", "", "any");
    assert_eq!(r.code, Some(1));
    assert!(r.outputs.contains("findings=2"), "old and new secrets: {}", r.outputs);
    let r = run(&work, "push.json", "push", &feature, &feature, "any");
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.contains("::notice") && r.outputs.contains("findings=0"), "{}", r.stdout);
    let _ = main;
}

#[test]
fn a_base_that_cannot_be_fetched_fails_naming_fetch_depth() {
    let (_tmp, work, _main, feature) = setup(Some("1"));
    let r = run(&work, "push.json", "push", &"2".repeat(40), &feature, "any");
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stdout.contains("fetch-depth: 0"), "{}", r.stdout);
}

#[test]
fn action_yml_is_a_composite_action_with_the_documented_inputs_and_outputs() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let action: serde_json::Value = serde_saphyr::from_str(&text).expect("action.yml is YAML");
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["args", "version", "base", "head", "sarif", "fail-on", "baseline"] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
    for output in ["findings", "sarif-file"] {
        assert!(action["outputs"][output].is_object(), "output {output}");
    }
    assert!(text.contains("github/codeql-action/upload-sarif") && text.contains("inputs.fail-on"));
}

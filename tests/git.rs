//! Git sources: full history with provenance, ranges for CI, staged changes for pre-commit. Every test
//! builds a real repository in a temp dir with the `git` command.
use std::path::Path;

use serde_json::Value;

use crate::support::*;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["config", "user.name", "Jane Doe"]);
    git(dir.path(), &["config", "user.email", "jane@example.org"]);
    git(dir.path(), &["config", "commit.gpgsign", "false"]);
    dir
}

fn commit_file(dir: &Path, path: &str, content: &str, message: &str) -> String {
    write(dir, path, content.as_bytes());
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

fn scan(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    scan_json(dir, args)
}

#[test]
fn finds_secret_in_deleted_file_of_old_commit_attributed_to_the_adding_commit() {
    let dir = repo();
    commit_file(dir.path(), "README.md", "hello\n", "init");
    let adding = commit_file(dir.path(), "deploy/.env", &format!("GITHUB_TOKEN={GH}\n"), "add deploy env");
    std::fs::remove_file(dir.path().join("deploy/.env")).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "remove env"]);
    let (code, doc, _) = scan(dir.path(), &["--git", "."]);
    assert_eq!(code, 1);
    let f = findings(&doc).into_iter().find(|f| f["path"] == "deploy/.env").expect("history finding");
    assert_eq!(f["commit"], adding.as_str());
    assert_eq!(f["author_name"], "Jane Doe");
    assert_eq!(f["author_email"], "jane@example.org");
    assert_eq!(f["date"], "2024-05-01T12:00:00+00:00");
    assert_eq!(f["summary"], "add deploy env");
    assert_eq!(f["in_head"], false);
    assert_eq!(f["source"], "git-blob");
    assert_eq!(f["line"], 1);
    let (code, _, _) = scan(dir.path(), &["."]);
    assert_eq!(code, 0, "the working tree no longer has it");
}

#[test]
fn secret_still_in_head_is_marked_in_head() {
    let dir = repo();
    commit_file(dir.path(), "a.env", &format!("GITHUB_TOKEN={GH}\n"), "add");
    commit_file(dir.path(), "a.env", &format!("# moved\nGITHUB_TOKEN={GH}\n"), "edit");
    let (_, doc, _) = scan(dir.path(), &["--git", "."]);
    let fs: Vec<Value> = findings(&doc).into_iter().filter(|f| f["path"] == "a.env").collect();
    assert!(!fs.is_empty() && fs.iter().all(|f| f["in_head"] == true), "{fs:?}");
}

#[test]
fn finds_secrets_only_on_a_side_branch_or_only_in_a_tag() {
    let dir = repo();
    commit_file(dir.path(), "README.md", "hello\n", "init");
    git(dir.path(), &["checkout", "-q", "-b", "side"]);
    commit_file(dir.path(), "side.env", &format!("SLACK_BOT_TOKEN={SLACK}\n"), "side work");
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["checkout", "-q", "--detach"]);
    commit_file(dir.path(), "tagged.py", &format!("AWS_SECRET_ACCESS_KEY = \"{AWS_SECRET}\"\n"), "release");
    git(dir.path(), &["tag", "-a", "v1", "-m", &format!("release notes, token {GH}")]);
    git(dir.path(), &["checkout", "-q", "main"]);
    let (_, doc, _) = scan(dir.path(), &["--git", "."]);
    let p = paths(&doc);
    assert!(p.contains(&"side.env".into()) && p.contains(&"tagged.py".into()), "{p:?}");
    let tag = findings(&doc).into_iter().find(|f| f["source"] == "tag-message").expect("tag message finding");
    assert!(tag["path"].is_null());
    let (_, doc, _) = scan(dir.path(), &["--git", ".", "--branch", "main"]);
    assert!(paths(&doc).is_empty(), "--branch main sees neither");
}

#[test]
fn the_same_blob_at_two_paths_is_scanned_once_and_reported_at_both() {
    let dir = repo();
    let content = format!("GITHUB_TOKEN={GH}\n");
    write(dir.path(), "one/.env", content.as_bytes());
    commit_file(dir.path(), "two/.env", &content, "both");
    let (_, doc, _) = scan(dir.path(), &["--git", "."]);
    assert_eq!(paths(&doc), vec!["one/.env".to_string(), "two/.env".to_string()]);
    assert_eq!(doc["summary"]["files_scanned"], 1, "one unique blob");
}

#[test]
fn secret_in_a_commit_message_is_attributed_to_the_commit_and_redacted() {
    let dir = repo();
    commit_file(dir.path(), "README.md", "hello\n", "init");
    git(dir.path(), &["commit", "-q", "--allow-empty", "-m", &format!("debug with {SLACK}")]);
    let sha = git(dir.path(), &["rev-parse", "HEAD"]);
    let (code, doc, _) = scan(dir.path(), &["--git", "."]);
    assert_eq!(code, 1);
    let f = findings(&doc).into_iter().find(|f| f["source"] == "commit-message").expect("message finding");
    assert!(f["path"].is_null());
    assert_eq!(f["commit"], sha.as_str());
    assert!(!doc.to_string().contains(SLACK), "summary is redacted: {}", f["summary"]);
    let out = kh().current_dir(dir.path()).args(["scan", "--git", ".", "--format", "sarif"]).output().unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["versionControlProvenance"][0]["revisionId"], sha.as_str());
    let uris: Vec<String> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_string())
        .collect();
    assert!(uris.contains(&format!("keyhound-commit:{sha}")), "{uris:?}");
}

#[test]
fn history_and_working_tree_scans_agree_on_sarif_identity() {
    let dir = repo();
    commit_file(dir.path(), "deploy.sh", &format!("export GITHUB_TOKEN={GH}\n"), "add");
    let fingerprints = |args: &[&str]| -> Vec<String> {
        let out = kh().current_dir(dir.path()).arg("scan").args(args).args(["--format", "sarif"]).output().unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["keyhound/v1"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(fingerprints(&["."]), fingerprints(&["--git", "."]));
}

#[test]
fn range_scans_only_what_the_commits_introduced() {
    let dir = repo();
    commit_file(dir.path(), "old.env", &format!("SLACK_BOT_TOKEN={SLACK}\n"), "old");
    let base = git(dir.path(), &["rev-parse", "HEAD"]);
    let new = commit_file(dir.path(), "new.env", &format!("GITHUB_TOKEN={GH}\n"), "new");
    let (code, doc, _) = scan(dir.path(), &[".", "--range", &format!("{base}..HEAD")]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["new.env".to_string()]);
    assert_eq!(findings(&doc)[0]["commit"], new.as_str());
    let (_, doc, _) = scan(dir.path(), &[".", "--since", &base]);
    assert_eq!(paths(&doc), vec!["new.env".to_string()]);
    let (code, doc, stderr) = scan(dir.path(), &[".", "--range", "HEAD..HEAD"]);
    assert_eq!(code, 0, "an empty range is a clean scan: {stderr}");
    assert!(findings(&doc).is_empty());
}

#[test]
fn range_on_a_shallow_clone_without_its_base_fails_with_advice() {
    let origin = repo();
    commit_file(origin.path(), "a.txt", "one\n", "one");
    let base = git(origin.path(), &["rev-parse", "HEAD"]);
    commit_file(origin.path(), "b.txt", "two\n", "two");
    commit_file(origin.path(), "c.env", &format!("GITHUB_TOKEN={GH}\n"), "three");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let shallow = clone.path().join("c");
    let out = kh().current_dir(&shallow).args(["scan", ".", "--range", &format!("{base}..HEAD")]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("shallow") && stderr.contains("fetch"), "{stderr}");
    // With the base fetched, the same range works.
    git(&shallow, &["fetch", "-q", "--deepen", "5"]);
    let (code, doc, _) = scan(&shallow, &[".", "--range", &format!("{base}..HEAD")]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["c.env".to_string()]);
}

#[test]
fn staged_scan_reports_new_secrets_but_not_those_already_in_head() {
    let dir = repo();
    commit_file(dir.path(), "old.env", &format!("SLACK_BOT_TOKEN={SLACK}\n"), "old");
    write(dir.path(), "old.env", format!("SLACK_BOT_TOKEN={SLACK}\nDEBUG=1\n").as_bytes());
    write(dir.path(), "new.env", format!("GITHUB_TOKEN={GH}\n").as_bytes());
    git(dir.path(), &["add", "-A"]);
    let (code, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["new.env".to_string()]);
    assert_eq!(findings(&doc)[0]["source"], "staged");
}

#[test]
fn staged_scan_ignores_unstaged_edits_and_untracked_files() {
    let dir = repo();
    commit_file(dir.path(), "app.env", "DEBUG=1\n", "init");
    write(dir.path(), "app.env", format!("GITHUB_TOKEN={GH}\n").as_bytes());
    write(dir.path(), "untracked.env", format!("GITHUB_TOKEN={GH}\n").as_bytes());
    let (code, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 0, "{doc}");
}

#[test]
fn staged_scan_handles_the_first_commit() {
    let dir = repo();
    write(dir.path(), "first.env", format!("GITHUB_TOKEN={GH}\n").as_bytes());
    git(dir.path(), &["add", "-A"]);
    let (code, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["first.env".to_string()]);
}

#[test]
fn staged_rename_of_a_file_with_an_old_secret_does_not_block() {
    let dir = repo();
    commit_file(dir.path(), "old.env", &format!("GITHUB_TOKEN={GH}\n"), "old");
    git(dir.path(), &["mv", "old.env", "renamed.env"]);
    let (code, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 0, "{doc}");
    // A rename with an edit: the old secret is still not new.
    write(dir.path(), "renamed.env", format!("# note\nGITHUB_TOKEN={GH}\n").as_bytes());
    git(dir.path(), &["add", "-A"]);
    let (code, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 0, "{doc}");
}

#[test]
fn staged_scan_skips_and_counts_submodules_and_intent_to_add() {
    let dir = repo();
    commit_file(dir.path(), "README.md", "hello\n", "init");
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    git(dir.path(), &["update-index", "--add", "--cacheinfo", &format!("160000,{head},vendored")]);
    write(dir.path(), "later.env", format!("GITHUB_TOKEN={GH}\n").as_bytes());
    git(dir.path(), &["add", "-N", "later.env"]);
    let (code, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["skipped"]["submodule"], 1);
    assert_eq!(doc["summary"]["skipped"]["not_committable"], 1);
}

#[test]
fn a_missing_object_is_a_counted_skip_and_exit_2_under_strict() {
    let dir = repo();
    commit_file(dir.path(), "a.env", &format!("GITHUB_TOKEN={GH}\n"), "a");
    commit_file(dir.path(), "b.txt", "plain\n", "b");
    let blob = git(dir.path(), &["rev-parse", "HEAD:b.txt"]);
    std::fs::remove_file(dir.path().join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let (code, doc, stderr) = scan(dir.path(), &["--git", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(doc["summary"]["skipped"]["unreadable"], 1);
    assert!(stderr.contains(&blob), "{stderr}");
    let (code, _, _) = scan(dir.path(), &["--git", ".", "--strict"]);
    assert_eq!(code, 2);
}

#[test]
fn not_a_repository_or_a_bad_revision_is_a_clear_error() {
    let dir = tree(&[("a.txt", "x\n")]);
    let out = kh().current_dir(dir.path()).args(["scan", "--git", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a git repository"));
    let repo = repo();
    commit_file(repo.path(), "a.txt", "x\n", "a");
    let out = kh().current_dir(repo.path()).args(["scan", "--git", ".", "--branch", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

#[test]
fn all_objects_also_scans_unreachable_blobs() {
    let dir = repo();
    commit_file(dir.path(), "README.md", "hello\n", "init");
    let loose = dir.path().join("loose.env");
    std::fs::write(&loose, format!("GITHUB_TOKEN={GH}\n")).unwrap();
    let id = git(dir.path(), &["hash-object", "-w", "loose.env"]);
    std::fs::remove_file(&loose).unwrap();
    let (code, _, _) = scan(dir.path(), &["--git", "."]);
    assert_eq!(code, 0, "no ref reaches the blob");
    let (code, doc, _) = scan(dir.path(), &["--git", ".", "--all-objects"]);
    assert_eq!(code, 1);
    let f = &findings(&doc)[0];
    assert!(f["path"].is_null() && f["commit"].is_null());
    let out = kh().current_dir(dir.path()).args(["scan", "--git", ".", "--all-objects"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("keyhound-blob:{id}")));
}

#[test]
fn pre_push_scans_the_pushed_commits_or_a_new_branch_not_on_any_remote() {
    let origin = repo();
    commit_file(origin.path(), "old.env", &format!("SLACK_BOT_TOKEN={SLACK}\n"), "old");
    let clone = tempfile::tempdir().unwrap();
    git(clone.path(), &["clone", "-q", &format!("file://{}", origin.path().display()), "c"]);
    let c = clone.path().join("c");
    git(&c, &["config", "user.name", "Jane Doe"]);
    git(&c, &["config", "user.email", "jane@example.org"]);
    let from = git(&c, &["rev-parse", "HEAD"]);
    commit_file(&c, "new.env", &format!("GITHUB_TOKEN={GH}\n"), "new");
    let to = git(&c, &["rev-parse", "HEAD"]);
    let run = |from: &str| {
        let out = kh()
            .current_dir(&c)
            .args(["scan", "--pre-push", "--format", "json"])
            .env("PRE_COMMIT_FROM_REF", from)
            .env("PRE_COMMIT_TO_REF", &to)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), paths(&doc))
    };
    assert_eq!(run(&from), (Some(1), vec!["new.env".to_string()]));
    // A new branch (the all-zero "from"): only what origin/* does not have.
    assert_eq!(run(&"0".repeat(40)), (Some(1), vec!["new.env".to_string()]));
}

#[test]
fn staged_scan_with_a_valid_cache_tree_reads_only_changed_directories() {
    let dir = repo();
    write(dir.path(), "b/keep.env", format!("SLACK_BOT_TOKEN={SLACK}\n").as_bytes());
    write(dir.path(), "c/deep/note.txt", b"hello\n");
    commit_file(dir.path(), "a/app.env", "DEBUG=1\n", "init"); // `git commit` writes a full cache tree
    write(dir.path(), "a/app.env", format!("DEBUG=1\nGITHUB_TOKEN={GH}\n").as_bytes());
    git(dir.path(), &["add", "a/app.env"]); // invalidates the cache tree of a/ and the root only
    let (code, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["a/app.env".to_string()]);
    write(dir.path(), "c/deep/new.env", format!("GITHUB_TOKEN={GH}\n").as_bytes());
    git(dir.path(), &["add", "c/deep/new.env"]);
    let (_, doc, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(paths(&doc), vec!["a/app.env".to_string(), "c/deep/new.env".to_string()]);
    git(dir.path(), &["commit", "-q", "-m", "both"]);
    let (code, _, _) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 0, "nothing staged after the commit");
}

/// Blobs read as pack deltas are scanned only near what each delta changed, with the base's matches
/// carried over; this history (this repository's rule files and sources, edited over many commits and
/// repacked with deep delta chains) must give exactly the findings of scanning every blob version whole.
#[test]
fn delta_scan_of_a_packed_history_finds_exactly_what_whole_blob_scans_find() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<Vec<String>> = Vec::new();
    for dir in ["patterns/cloud", "patterns/saas", "patterns/generic", "crates/engine/src"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        let lines = files
            .iter()
            .flat_map(|f| std::fs::read_to_string(f).unwrap().lines().map(String::from).collect::<Vec<_>>());
        texts.push(lines.collect());
    }
    let dir = repo();
    let names = ["config/cloud.yaml", "config/saas.yaml", "config/generic.yaml", "src/engine.rs"];
    let save = |texts: &[Vec<String>]| {
        for (name, lines) in names.iter().zip(texts) {
            write(dir.path(), name, (lines.join("\n") + "\n").as_bytes());
        }
    };
    save(&texts);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "import"]);
    for i in 0..40usize {
        let donor = texts[(i + 1) % 4][(i * 131) % texts[(i + 1) % 4].len()].clone();
        let lines = &mut texts[i % 4];
        let at = (i * 7919) % (lines.len() - 40);
        match i % 4 {
            0 => lines.insert(at, donor),
            1 => drop(lines.drain(at..at + 3)),
            2 => {
                let block: Vec<String> = lines.drain(at..at + 20).collect();
                let to = (at * 3) % (lines.len() - 1);
                lines.splice(to..to, block);
            }
            _ => lines[at] = format!("{} # edited {i}", lines[at]),
        }
        save(&texts);
        git(dir.path(), &["commit", "-q", "-am", &format!("edit {i}")]);
    }
    git(dir.path(), &["repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50"]);
    let packs: Vec<_> = std::fs::read_dir(dir.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect();
    let verify = git(dir.path(), &["verify-pack", "-v", packs[0].to_str().unwrap()]);
    let deltas = verify.lines().filter(|l| l.contains(" blob ") && l.split_whitespace().count() == 7).count();
    assert!(deltas >= 30, "the history is stored as deltas ({deltas})");
    let sorted = |doc: &Value| {
        let mut all: Vec<String> = findings(doc).iter().map(|f| f.to_string()).collect();
        all.sort();
        all
    };
    let (_, delta, _) = scan(dir.path(), &["--git", "."]);
    let (_, whole, _) = scan(dir.path(), &["--git", "--whole-blobs", "."]);
    let (delta, whole) = (sorted(&delta), sorted(&whole));
    assert!(delta.len() > 100, "{} findings", delta.len());
    let only_delta: Vec<_> = delta.iter().filter(|f| !whole.contains(f)).collect();
    let only_whole: Vec<_> = whole.iter().filter(|f| !delta.contains(f)).collect();
    assert!(only_delta.is_empty() && only_whole.is_empty(), "only delta: {only_delta:#?}\nonly whole: {only_whole:#?}");
}

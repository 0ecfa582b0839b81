//! Bad input: clear messages or counted skips, never a panic, never a lost finding.
use crate::support::*;

#[test]
fn oversized_sparse_file_is_skipped_by_the_size_cap_without_reading_it() {
    let dir = tree(&[("small.env", &format!("GITHUB_TOKEN={GH}\n"))]);
    let big = std::fs::File::create(dir.path().join("huge.bin")).unwrap();
    big.set_len(3 << 30).unwrap(); // 3 GiB, sparse
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(doc["summary"]["skipped"]["too_large"], 1);
    assert_eq!(paths(&doc), vec!["small.env".to_string()]);
}

#[test]
fn max_file_size_flag_accepts_units() {
    let dir = tree(&[("a.env", &format!("GITHUB_TOKEN={GH}\n"))]);
    let (code, doc, _) = scan_json(dir.path(), &[".", "--max-file-size", "10"]);
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["skipped"]["too_large"], 1);
    kh().args(["scan", ".", "--max-file-size", "12Q"]).assert().code(2);
}

#[test]
fn empty_nul_heavy_and_invalid_utf8_files_are_handled() {
    let dir = tree(&[("empty.txt", "")]);
    write(dir.path(), "nul.dat", &vec![0u8; 1 << 20]);
    let mut latin1 = b"caf\xe9 \xff\xfe token=".to_vec();
    latin1.extend_from_slice(GH.as_bytes());
    latin1.push(b'\n');
    write(dir.path(), "latin1.txt", &latin1);
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc), vec!["latin1.txt".to_string()]);
    assert_eq!(doc["summary"]["skipped"]["binary"], 1);
}

#[cfg(unix)]
#[test]
fn invalid_utf8_file_names_are_scanned() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree(&[]);
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.env");
    std::fs::write(dir.path().join(name), format!("GITHUB_TOKEN={GH}\n")).unwrap();
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc).len(), 1);
}

#[cfg(unix)]
#[test]
fn symlinks_are_counted_loops_do_not_hang_and_strict_fails_on_unreadable() {
    let dir = tree(&[("real/a.env", &format!("GITHUB_TOKEN={GH}\n"))]);
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("real/loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("dangling")).unwrap();
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(doc["summary"]["skipped"]["broken_symlink"], 1);
    assert_eq!(doc["summary"]["skipped"]["symlink"], 1);
    let (code, doc, _) = scan_json(dir.path(), &[".", "--follow"]);
    assert_eq!(code, 1, "{doc}");
    assert!(paths(&doc).contains(&"real/a.env".to_string()));
    // A path named on the command line that cannot be read: a counted skip, and exit 2 under --strict.
    let (code, doc, stderr) = scan_json(dir.path(), &["dangling", "real"]);
    assert_eq!(code, 1);
    assert_eq!(doc["summary"]["skipped"]["unreadable"], 1);
    assert!(stderr.contains("dangling"), "{stderr}");
    let (code, _, _) = scan_json(dir.path(), &["dangling", "real", "--strict"]);
    assert_eq!(code, 2);
}

#[test]
fn malformed_config_names_file_line_and_field() {
    let dir = tree(&[(".keyhound.yaml", "allowlist:\n  pathz: [x]\n"), ("a.txt", "x\n")]);
    let out = kh().current_dir(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".keyhound.yaml:2:") && stderr.contains("pathz"), "{stderr}");
}

#[test]
fn long_single_line_file_is_scanned_in_bounded_windows() {
    let mut line = "a=b;".repeat(2_000_000);
    line.push_str(&format!("token={GH};"));
    line.push_str(&"c=d;".repeat(1000));
    let dir = tree(&[("one-line.txt", &line)]);
    let (code, doc, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc)[0]["line"], 1);
}

#[test]
fn the_repository_itself_scans_clean() {
    let root = env!("CARGO_MANIFEST_DIR");
    kh().current_dir(root).args(["scan", ".", "--quiet"]).assert().code(0);
}

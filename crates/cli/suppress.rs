//! Applying acknowledgements to a scan's findings: `.keyhoundignore` at the scanned root, `--baseline`,
//! and writing `--write-baseline`. Inline markers are recognised while findings are built.
use std::path::PathBuf;

use anyhow::{Context, Result};
use keyhound_report::{parse_ignore_file, Acknowledged, Baseline, Finding};

use crate::args::ScanArgs;

/// The ignore file looked for at the root of the scanned tree or repository.
pub const IGNORE_FILE: &str = ".keyhoundignore";

/// Marks suppressed findings (ignore file, baseline), writes the baseline if asked, and reports unused
/// entries if asked. Inline-marked findings are already marked.
pub fn apply(args: &ScanArgs, roots: &[PathBuf], findings: &mut [Finding]) -> Result<()> {
    let mut sources: Vec<(Vec<Acknowledged>, &str)> = Vec::new();
    if let Some(root) = roots.iter().find(|r| r.is_dir()) {
        let path = root.join(IGNORE_FILE);
        if path.is_file() {
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let entries = parse_ignore_file(&path.display().to_string(), &text).map_err(anyhow::Error::msg)?;
            sources.push((entries, "ignore-file"));
        }
    }
    if let Some(path) = &args.write_baseline {
        // The baseline records what is reported today, after inline markers and the ignore file.
        let mut current: Vec<Finding> = findings.iter().filter(|f| f.suppressed.is_none()).cloned().collect();
        mark(&mut current, &sources);
        current.retain(|f| f.suppressed.is_none());
        let text = serde_json::to_string_pretty(&Baseline::of(&current))?;
        std::fs::write(path, text + "\n").with_context(|| format!("cannot write baseline {}", path.display()))?;
    }
    if let Some(path) = &args.baseline {
        let baseline = Baseline::load(path).map_err(anyhow::Error::msg)?;
        sources.push((baseline.acknowledged(&path.display().to_string()), "baseline"));
    }
    let used = mark(findings, &sources);
    if let Some(root) = roots.iter().find(|r| r.is_dir()) {
        apply_gitleaksignore(&root.join(".gitleaksignore"), findings)?;
    }
    if args.report_unused_ignores {
        for (entry, used) in sources.iter().flat_map(|(entries, _)| entries).zip(&used) {
            if !used {
                eprintln!("keyhound: unused ignore entry {}: {}", entry.origin, entry.fingerprint);
            }
        }
    }
    Ok(())
}

/// Suppresses findings covered by an entry; returns, for every entry in order, whether it matched.
fn mark(findings: &mut [Finding], sources: &[(Vec<Acknowledged>, &str)]) -> Vec<bool> {
    let mut used: Vec<bool> = sources.iter().flat_map(|(entries, _)| entries.iter().map(|_| false)).collect();
    for finding in findings.iter_mut() {
        let mut index = 0;
        for (entries, reason) in sources.iter() {
            for entry in entries {
                if entry.covers(finding) {
                    used[index] = true;
                    if finding.suppressed.is_none() {
                        finding.suppressed = Some(reason.to_string());
                    }
                }
                index += 1;
            }
        }
    }
    used
}

/// Reads a `.gitleaksignore` left from gitleaks: its entries (`[commit:]file:rule:line`) are positions, not
/// values, so each is resolved to the finding at that file, rule and line (rules imported from a gitleaks
/// config keep their ids) and that finding is suppressed; entries that resolve to no finding are reported.
fn apply_gitleaksignore(path: &std::path::Path, findings: &mut [Finding]) -> Result<()> {
    if !path.is_file() {
        return Ok(());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut unresolved = 0;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let parts: Vec<&str> = line.rsplitn(3, ':').collect();
        let (Some(number), Some(rule), Some(rest)) = (parts.first(), parts.get(1), parts.get(2)) else {
            unresolved += 1;
            continue;
        };
        // A leading 40-hex commit id (history findings) is followed by `:`.
        let (commit, file) = match rest.split_once(':') {
            Some((c, f)) if c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()) => (Some(c), f),
            _ => (None, *rest),
        };
        let Ok(number) = number.parse::<usize>() else {
            unresolved += 1;
            continue;
        };
        let mut hit = false;
        for f in findings.iter_mut() {
            let same_commit = commit.is_none_or(|c| f.commit.as_deref() == Some(c));
            if same_commit && f.rule_id == *rule && f.line == number && f.path.as_deref() == Some(file) {
                f.suppressed.get_or_insert_with(|| "gitleaksignore".into());
                hit = true;
            }
        }
        unresolved += usize::from(!hit);
    }
    if unresolved > 0 {
        eprintln!(
            "keyhound: warning: {}: {unresolved} entries match no finding (gitleaks fingerprints are positions; use .keyhoundignore fingerprints instead)",
            path.display()
        );
    }
    Ok(())
}

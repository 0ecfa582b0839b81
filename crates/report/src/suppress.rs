//! Acknowledged findings: inline allow markers, the `.keyhoundignore` file and baselines. All key on the
//! finding's value-based fingerprint (or its own line, for markers), never on a position alone, so moving
//! a line keeps a finding acknowledged and a new secret on an acknowledged line is still reported.
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Finding;

/// Comments that acknowledge the secret on their line: keyhound's own and those codebases already carry
/// from gitleaks and detect-secrets.
pub const INLINE_MARKERS: &[&str] = &["keyhound:allow", "gitleaks:allow", "pragma: allowlist secret"];

/// True when a line of text carries an inline allow marker.
pub fn has_inline_marker(line: &[u8]) -> bool {
    INLINE_MARKERS.iter().any(|m| memchr::memmem::find(line, m.as_bytes()).is_some())
}

/// One acknowledged secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Acknowledged {
    pub fingerprint: String,
    /// Only at paths matching this glob (an ignore-file entry's `path=GLOB`), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only for this rule (an ignore-file entry's `rule=ID`), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Where the entry came from (`.keyhoundignore:3`, `baseline.json`), for unused-entry reports.
    #[serde(skip)]
    pub origin: String,
}

impl Acknowledged {
    /// True when this entry acknowledges `finding`.
    pub fn covers(&self, finding: &Finding) -> bool {
        if !self.fingerprint.eq_ignore_ascii_case(&finding.fingerprint) {
            return false;
        }
        if self.rule_id.as_ref().is_some_and(|r| *r != finding.rule_id) {
            return false;
        }
        match &self.path {
            None => true,
            Some(glob) => {
                let path = finding.rel_path.as_deref().or(finding.path.as_deref()).unwrap_or("");
                globset::Glob::new(glob).map(|g| g.compile_matcher().is_match(path)).unwrap_or(false)
            }
        }
    }
}

/// Parses a `.keyhoundignore`: one fingerprint per line, optionally scoped with `path=GLOB` and
/// `rule=ID`, then an optional `# reason`; blank lines and `#` comments are skipped. A malformed line is
/// an error naming the file and line.
pub fn parse_ignore_file(name: &str, text: &str) -> Result<Vec<Acknowledged>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let fingerprint = parts.next().unwrap_or_default();
        if fingerprint.len() != 32 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "{name}:{}: `{fingerprint}` is not a finding fingerprint (32 hex digits, the `fingerprint` of a finding)",
                i + 1
            ));
        }
        let mut entry = Acknowledged {
            fingerprint: fingerprint.to_ascii_lowercase(),
            path: None,
            rule_id: None,
            origin: format!("{name}:{}", i + 1),
        };
        for scope in parts {
            match scope.split_once('=') {
                Some(("path", glob)) => entry.path = Some(glob.to_string()),
                Some(("rule", id)) => entry.rule_id = Some(id.to_string()),
                _ => return Err(format!("{name}:{}: unknown scope `{scope}` (use path=GLOB or rule=ID)", i + 1)),
            }
        }
        out.push(entry);
    }
    Ok(out)
}

/// A baseline: the findings a team has acknowledged, by fingerprint; no secret in clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    pub schema_version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One baselined finding: its fingerprint, and where it was, for people reading the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    #[serde(default)]
    pub path: Option<String>,
}

impl Baseline {
    /// The baseline of `findings` (one entry per fingerprint, rule and path).
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                path: f.path.clone(),
            })
            .collect();
        entries.sort_by(|a, b| (&a.fingerprint, &a.rule_id, &a.path).cmp(&(&b.fingerprint, &b.rule_id, &b.path)));
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.rule_id == b.rule_id && a.path == b.path);
        Baseline { schema_version: crate::SCHEMA_VERSION, findings: entries }
    }

    /// Reads a baseline written by `--write-baseline`.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not a keyhound baseline: {e}", path.display()))
    }

    /// Its entries as acknowledgements: a baselined secret is acknowledged wherever it moves.
    pub fn acknowledged(&self, origin: &str) -> Vec<Acknowledged> {
        let mut out: Vec<Acknowledged> = self
            .findings
            .iter()
            .map(|e| Acknowledged {
                fingerprint: e.fingerprint.to_ascii_lowercase(),
                path: None,
                rule_id: None,
                origin: origin.to_string(),
            })
            .collect();
        out.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_file_lines_parse_with_scopes_and_reasons() {
        let text = "# acknowledged\n\naffafa4b49589426757416ccd949ac8f # test token\nAFFAFA4B49589426757416CCD949AC8F path=tests/** rule=x\n";
        let entries = parse_ignore_file(".keyhoundignore", text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].path.as_deref(), Some("tests/**"));
        assert_eq!(entries[1].fingerprint, "affafa4b49589426757416ccd949ac8f");
        let err = parse_ignore_file(".keyhoundignore", "x\nnot-a-fingerprint\n").unwrap_err();
        assert!(err.starts_with(".keyhoundignore:1:"), "{err}");
    }

    #[test]
    fn inline_markers_are_recognised() {
        assert!(has_inline_marker(b"token = 'x' # keyhound:allow"));
        assert!(has_inline_marker(b"token = 'x' // gitleaks:allow"));
        assert!(has_inline_marker(b"token = 'x'  # pragma: allowlist secret"));
        assert!(!has_inline_marker(b"token = 'x'"));
    }
}

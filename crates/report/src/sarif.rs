//! SARIF 2.1.0 as GitHub code scanning ingests it.
use std::collections::BTreeMap;
use std::io::{self, Write};

use keyhound_rules::{Confidence, Rule, Severity};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::finding::hex;
use crate::Finding;

/// GitHub maps `security-severity` to critical (>= 9.0), high (>= 7.0), medium (>= 4.0) and low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn precision(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn level(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "error",
        "medium" => "warning",
        _ => "note",
    }
}

/// A hash of (fingerprint, rule id, repo-relative path) without the line, so an alert survives moved
/// lines while the same secret in two files stays two alerts.
fn partial_fingerprint(f: &Finding) -> String {
    let mut hasher = Sha256::new();
    for part in [f.fingerprint.as_str(), f.rule_id.as_str(), f.rel_path.as_deref().unwrap_or("")] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize()[..16])
}

/// Percent-encodes a path for use in a URI (keeps `/` and unreserved characters).
pub fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule_descriptor(rule: &Rule) -> Value {
    let what = format!("{} ({} {})", rule.name, rule.provider, rule.kind);
    let full = rule.description.clone().unwrap_or_else(|| format!("Detects a leaked {what}."));
    let refs: Vec<String> = rule.references.iter().map(|r| format!("- <{r}>")).collect();
    let remediation = "Rotate the credential at its provider (revoke it and issue a new one), then remove it \
        from the code and its history, and load it at run time from a secret manager or the environment.";
    let markdown = format!(
        "**{}**\n\n{}\n\n**Remediation:** {}{}",
        rule.name,
        full,
        remediation,
        if refs.is_empty() { String::new() } else { format!("\n\n**References:**\n{}", refs.join("\n")) }
    );
    let mut desc = json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.name },
        "fullDescription": { "text": full },
        "help": { "text": format!("{full} {remediation}"), "markdown": markdown },
        "defaultConfiguration": { "level": level(rule.severity.as_str()) },
        "properties": {
            "tags": ["security", "secret", rule.provider, rule.kind],
            "security-severity": security_severity(rule.severity),
            "precision": precision(rule.confidence),
            "problem.severity": level(rule.severity.as_str()),
        }
    });
    if let Some(first) = rule.references.first() {
        desc["helpUri"] = json!(first);
    }
    desc
}

/// The repository a git scan read, for SARIF's `versionControlProvenance`.
#[derive(Debug, Clone)]
pub struct VersionControl {
    pub repository_uri: String,
    /// HEAD's full commit id.
    pub revision: Option<String>,
    /// HEAD's branch (`refs/heads/...`).
    pub branch: Option<String>,
}

/// Writes one SARIF 2.1.0 run; `root_uri` is the `file://` URI of the scan root (ends with `/`).
pub fn write_sarif(
    out: &mut dyn Write,
    findings: &[Finding],
    rules: &[Rule],
    root_uri: &str,
    vcs: Option<&VersionControl>,
) -> io::Result<()> {
    let by_id: BTreeMap<&str, &Rule> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut used: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    used.sort_unstable();
    used.dedup();
    let index: BTreeMap<&str, usize> = used.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let descriptors: Vec<Value> = used.iter().filter_map(|id| by_id.get(id)).map(|r| rule_descriptor(r)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": uri_path(f.rel_path.as_deref().or(f.path.as_deref()).unwrap_or("stdin")),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {
                        "startLine": f.line,
                        "startColumn": f.column,
                        "endLine": f.end_line,
                        "endColumn": f.end_column,
                        "snippet": { "text": f.snippet },
                    }
                }
            });
            if f.path.is_none() && f.commit.is_none() {
                // An unreachable git blob: named by its id.
                let name = f.rel_path.clone().unwrap_or_default();
                location["physicalLocation"]["artifactLocation"] = json!({ "uri": name });
            } else if f.path.is_none() {
                // A commit or tag message: the location is the commit.
                let commit = f.commit.clone().unwrap_or_default();
                location["physicalLocation"]["artifactLocation"] =
                    json!({ "uri": format!("keyhound-commit:{commit}") });
                location["logicalLocations"] = json!([{ "name": commit, "kind": "commit" }]);
            }
            json!({
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id.as_str()],
                "level": level(&f.severity),
                "message": { "text": format!("{} found: {} ({} confidence)", f.rule_name, f.secret, f.confidence) },
                "locations": [location],
                "partialFingerprints": { "keyhound/v1": partial_fingerprint(f) },
                "properties": {
                    "fingerprint": f.fingerprint,
                    "confidence": f.confidence,
                    "severity": f.severity,
                    "provider": f.provider,
                    "kind": f.kind,
                    "source": f.source,
                    "commit": f.commit,
                    "author_name": f.author_name,
                    "author_email": f.author_email,
                    "date": f.date,
                    "summary": f.summary,
                    "in_head": f.in_head,
                }
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "keyhound",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/keyhound/keyhound",
                "rules": descriptors,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut doc = doc;
    if let Some(vcs) = vcs {
        let mut entry = json!({ "repositoryUri": vcs.repository_uri });
        if let Some(revision) = &vcs.revision {
            entry["revisionId"] = json!(revision);
        }
        if let Some(branch) = &vcs.branch {
            entry["branch"] = json!(branch);
        }
        doc["runs"][0]["versionControlProvenance"] = json!([entry]);
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_relative_paths() {
        assert_eq!(uri_path("src/my file#1.rs"), "src/my%20file%231.rs");
    }
}

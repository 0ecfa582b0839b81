//! Human-readable output: findings grouped by file, coloured on a terminal.
use std::io::{self, Write};

use crate::Finding;

/// A commit id shortened to 7 characters for people; JSON and SARIF always carry the full id.
fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// Whether to use ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextStyle {
    Plain,
    Color,
}

/// Writes findings grouped by path (findings must be sorted by path).
pub fn write_text(out: &mut dyn Write, findings: &[Finding], style: TextStyle) -> io::Result<()> {
    let paint = |code: &str, text: &str| match style {
        TextStyle::Color => format!("\x1b[{code}m{text}\x1b[0m"),
        TextStyle::Plain => text.to_string(),
    };
    let mut current: Option<String> = None;
    for f in findings {
        let header = match (&f.path, &f.commit) {
            (Some(path), _) => path.clone(),
            (None, Some(commit)) => format!("commit {} ({})", short(commit), f.source.replace('-', " ")),
            (None, None) => f.rel_path.clone().unwrap_or_else(|| "<stdin>".to_string()),
        };
        let path = header.as_str();
        if current.as_deref() != Some(path) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", paint("1;35", path))?;
            current = Some(header.clone());
        }
        let severity_color = match f.severity.as_str() {
            "critical" | "high" => "1;31",
            "medium" => "33",
            _ => "36",
        };
        let provenance = match (&f.commit, &f.author_name, &f.date) {
            (Some(commit), Some(author), Some(date)) => {
                format!(" (commit {}, {}, {})", short(commit), author, date.get(..10).unwrap_or(date))
            }
            _ => String::new(),
        };
        writeln!(
            out,
            "  {}{}  {}  {} [{} severity, {} confidence]  {}",
            paint("32", &format!("{path}:{}:{}", f.line, f.column)),
            provenance,
            paint(severity_color, &f.rule_id),
            f.rule_name,
            f.severity,
            f.confidence,
            paint("1", &f.secret),
        )?;
        if let Some(reason) = &f.suppressed {
            writeln!(out, "      (suppressed: {reason})")?;
        }
        let snippet = f.snippet.trim();
        let snippet: String = snippet.chars().take(160).collect();
        writeln!(out, "      {}", paint("2", &snippet))?;
    }
    Ok(())
}

//! Human-readable output: findings grouped by file, coloured on a terminal.
use std::io::{self, Write};

use crate::Finding;

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
    let mut current: Option<&str> = None;
    for f in findings {
        let path = f.path.as_deref().unwrap_or("<stdin>");
        if current != Some(path) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", paint("1;35", path))?;
            current = Some(path);
        }
        let severity_color = match f.severity.as_str() {
            "critical" | "high" => "1;31",
            "medium" => "33",
            _ => "36",
        };
        writeln!(
            out,
            "  {}  {}  {} [{} severity, {} confidence]  {}",
            paint("32", &format!("{path}:{}:{}", f.line, f.column)),
            paint(severity_color, &f.rule_id),
            f.rule_name,
            f.severity,
            f.confidence,
            paint("1", &f.secret),
        )?;
        let snippet = f.snippet.trim();
        let snippet: String = snippet.chars().take(160).collect();
        writeln!(out, "      {}", paint("2", &snippet))?;
    }
    Ok(())
}

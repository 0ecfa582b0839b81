//! JSON (one versioned document) and JSONL (one finding a line, for merging shards).
use std::io::{self, Write};

use serde::Serialize;

use crate::{Finding, Summary, SCHEMA_VERSION};

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    findings: &'a [Finding],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// Writes `{"schema_version": 1, "tool": {...}, "findings": [...], "summary": {...}}`.
pub fn write_json(out: &mut dyn Write, findings: &[Finding], summary: &Summary) -> io::Result<()> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "keyhound", version: env!("CARGO_PKG_VERSION") },
        findings,
        summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Writes one JSON finding object per line.
pub fn write_jsonl(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, finding)?;
        writeln!(out)?;
    }
    Ok(())
}

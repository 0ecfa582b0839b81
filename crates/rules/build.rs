//! Parses and validates every `patterns/**/*.yaml` of the repository with the crate's own parser and
//! writes them as static data (`builtin_rules.rs`), so the binary starts without parsing YAML. A
//! malformed built-in rule fails the build with its file, line and field.
use std::fmt::Write as _;
use std::{env, fs, path::Path, path::PathBuf};

#[allow(dead_code)]
#[path = "src/import.rs"]
mod import;
#[allow(dead_code)]
#[path = "src/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "src/parse.rs"]
mod parse;
use parse::RuleError;
/// Stands in for the generated module while the generator itself is being built.
#[allow(dead_code)]
mod builtin {
    pub fn rules() -> Vec<crate::model::Rule> {
        Vec::new()
    }
}

use model::{Checksum, Target};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", inner.join(", "))
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let patterns = manifest.join("../../patterns");
    println!("cargo:rerun-if-changed={}", patterns.display());
    println!("cargo:rerun-if-changed=src/model.rs");
    println!("cargo:rerun-if-changed=src/parse.rs");
    let mut files = Vec::new();
    collect(&patterns, &mut files);
    files.sort();
    let mut set = parse::RuleSet::default();
    for file in &files {
        let name = format!("patterns/{}", file.strip_prefix(&patterns).unwrap().to_string_lossy().replace('\\', "/"));
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Err(e) = set.add_yaml(&name, &text, true) {
            panic!("invalid built-in rule file: {e}");
        }
    }
    let mut code = String::from("pub(crate) static BUILTIN_RULES: &[StaticRule] = &[\n");
    for rule in &set.rules {
        let (keywords, pattern, entropy, requirements, allow, checksum, window, raise, path, skip_paths) = match &rule
            .target
        {
            Target::Content(c) => (
                list(&c.keywords),
                format!("Some({:?})", c.pattern),
                format!("{:?}", c.entropy),
                format!("[{}, {}, {}]", c.requirements.min_digits, c.requirements.min_upper, c.requirements.min_lower),
                list(&c.allow),
                match c.checksum {
                    Some(Checksum::Crc32Base62) => "Some(Checksum::Crc32Base62)".to_string(),
                    Some(Checksum::Crc16Nkey) => "Some(Checksum::Crc16Nkey)".to_string(),
                    Some(Checksum::Base64UserPassword) => "Some(Checksum::Base64UserPassword)".to_string(),
                    None => "None".to_string(),
                },
                c.window,
                match &c.raise {
                    Some(r) => {
                        format!("Some((Confidence::{:?}, {}, {}))", r.to, list(&r.names), list(&r.except))
                    }
                    None => "None".to_string(),
                },
                "&[]".to_string(),
                list(&c.skip_paths),
            ),
            Target::Path { path } => (
                "&[]".into(),
                "None".into(),
                "None".into(),
                "[0, 0, 0]".into(),
                "&[]".into(),
                "None".into(),
                0,
                "None".into(),
                list(path),
                "&[]".into(),
            ),
        };
        writeln!(
            code,
            "    StaticRule {{ id: {:?}, name: {:?}, provider: {:?}, kind: {:?}, confidence: Confidence::{:?}, \
             severity: Severity::{:?}, description: {:?}, keywords: {keywords}, pattern: {pattern}, \
             entropy: {entropy}, requirements: {requirements}, allow: {allow}, checksum: {checksum}, \
             window: {window}, raise: {raise}, path: {path}, skip_paths: {skip_paths}, examples: {}, negative_examples: {}, references: {}, file: {:?}, \
             line: {} }},",
            rule.id,
            rule.name,
            rule.provider,
            rule.kind,
            rule.confidence,
            rule.severity,
            rule.description,
            list(&rule.examples),
            list(&rule.negative_examples),
            list(&rule.references),
            rule.origin.file,
            rule.origin.line,
        )
        .unwrap();
    }
    code.push_str("];\n");
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join("builtin_rules.rs"), code).unwrap();
}

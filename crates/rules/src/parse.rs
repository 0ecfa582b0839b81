//! Reading rule YAML: every error names the file, the line and the field.
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::model::{
    build_regex, Checksum, Confidence, ContentRule, Raise, Requirements, Rule, RuleOrigin, Severity, Target, KINDS,
};

/// Default bytes after a keyword hit that a match may reach.
const DEFAULT_WINDOW: usize = 512;
/// The largest `window` a rule may ask for.
const MAX_WINDOW: usize = 64 * 1024;

/// A rule file that cannot be used, located as precisely as possible.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The file is not valid YAML or does not have the rule file's shape.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax { file: String, line: u64, column: u64, message: String },
    /// A field holds a value that is not allowed.
    #[error("{file}:{line}: rule `{rule}`: field `{field}`: {message}")]
    Invalid { file: String, line: u64, rule: String, field: &'static str, message: String },
    /// The file or directory cannot be read.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    name: String,
    provider: String,
    kind: Spanned<String>,
    confidence: Confidence,
    severity: Severity,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    #[serde(default)]
    entropy: Option<Spanned<f64>>,
    #[serde(default)]
    requirements: Requirements,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    checksum: Option<Checksum>,
    #[serde(default)]
    window: Option<Spanned<usize>>,
    #[serde(default)]
    raise: Option<Raise>,
    #[serde(default)]
    path: Vec<Spanned<String>>,
    #[serde(default)]
    skip_paths: Vec<Spanned<String>>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    negative_examples: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
}

/// A validated set of rules, built-in and user-supplied, with the warnings loading produced.
#[derive(Debug, Default, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Non-fatal problems, e.g. a user rule without examples.
    pub warnings: Vec<String>,
}

impl RuleSet {
    /// The built-in rules from `patterns/`, parsed and validated when keyhound was built (a malformed
    /// built-in rule fails the build), so start-up pays no YAML parsing. Their regexes are compiled
    /// lazily by the engine; the test suite compiles every one of them.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        Ok(RuleSet { rules: crate::builtin::rules(), warnings: Vec::new() })
    }

    /// Adds rules from a YAML file or from every `*.yaml`/`*.yml` file under a directory.
    pub fn add_path(&mut self, path: &Path) -> Result<(), RuleError> {
        let io = |source| RuleError::Io { path: path.display().to_string(), source };
        if path.is_dir() {
            let mut files = Vec::new();
            collect_yaml(path, &mut files).map_err(io)?;
            files.sort();
            for file in files {
                self.add_path(&file)?;
            }
            return Ok(());
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let name = path.display().to_string();
        if path.extension().is_some_and(|e| e == "toml") {
            // A gitleaks / betterleaks config: its custom rules, translated.
            let (yaml, warnings) = crate::import::import_gitleaks(&name, &text)?;
            self.warnings.extend(warnings);
            return self.add_yaml(&name, &yaml, false);
        }
        self.add_yaml(&name, &text, false)
    }

    /// Parses and validates one rule file's text. A user rule whose id equals a built-in's replaces it.
    pub fn add_yaml(&mut self, file: &str, text: &str, builtin: bool) -> Result<(), RuleError> {
        let raw: RawFile = parse_yaml(file, text)?;
        let mut index: HashMap<String, usize> = self.rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        for raw_rule in raw.rules {
            let rule = validate(file, raw_rule, builtin)?;
            if rule.content().is_some_and(|c| c.keywords.is_empty()) {
                self.warnings.push(format!(
                    "{}:{}: rule `{}` has no keywords: its regex runs on all content (slower); add keywords",
                    file, rule.origin.line, rule.id
                ));
            }
            if !builtin && (rule.examples.is_empty() || rule.negative_examples.is_empty()) {
                self.warnings.push(format!(
                    "{}:{}: rule `{}` has no {}; add some so `keyhound rules check` can test it",
                    file,
                    rule.origin.line,
                    rule.id,
                    if rule.examples.is_empty() { "examples" } else { "negative_examples" }
                ));
            }
            match index.get(&rule.id) {
                Some(&i) if self.rules[i].origin.builtin && !builtin => self.rules[i] = rule,
                Some(&i) => {
                    return Err(RuleError::Invalid {
                        file: file.to_string(),
                        line: rule.origin.line,
                        rule: rule.id.clone(),
                        field: "id",
                        message: format!(
                            "duplicate id, first defined at {}:{}",
                            self.rules[i].origin.file, self.rules[i].origin.line
                        ),
                    })
                }
                None => {
                    index.insert(rule.id.clone(), self.rules.len());
                    self.rules.push(rule);
                }
            }
        }
        Ok(())
    }

    /// Removes every rule whose origin is built-in.
    pub fn remove_builtin(&mut self) {
        self.rules.retain(|r| !r.origin.builtin);
    }
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Deserializes YAML `text` (from `file`) with serde-saphyr's default budget against YAML bombs; the error
/// names the file, line, column and, where it can, the field. Used for rule files and config files alike.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, RuleError> {
    serde_saphyr::from_str(text).map_err(|e| syntax_error(file, text, &e))
}

fn syntax_error(file: &str, text: &str, e: &serde_saphyr::Error) -> RuleError {
    let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
    // serde-saphyr renders a snippet over several lines; the first line carries the message, after a
    // location prefix that we print ourselves.
    let rendered = e.to_string();
    let first = rendered.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("invalid YAML");
    let mut message = first.trim_start_matches("error: ").to_string();
    if let Some(rest) = message.strip_prefix(&format!("line {line} column {column}: ")) {
        message = rest.to_string();
    }
    // Name the field when the offending line is a `key: value` entry.
    let source_line = text.lines().nth((line as usize).saturating_sub(1)).unwrap_or("");
    let key = source_line.trim_start().trim_start_matches("- ").split(':').next().unwrap_or("").trim();
    if line > 0
        && !key.is_empty()
        && source_line.contains(':')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        message = format!("field `{key}`: {message}");
    }
    RuleError::Syntax { file: file.to_string(), line, column, message }
}

struct Ctx<'a> {
    file: &'a str,
    rule: &'a str,
}

impl Ctx<'_> {
    fn err(&self, line: u64, field: &'static str, message: impl fmt::Display) -> RuleError {
        RuleError::Invalid {
            file: self.file.to_string(),
            line,
            rule: self.rule.to_string(),
            field,
            message: message.to_string(),
        }
    }
}

fn validate(file: &str, raw: RawRule, builtin: bool) -> Result<Rule, RuleError> {
    let line = raw.id.referenced.line();
    let id = raw.id.value;
    let cx = Ctx { file, rule: &id };
    if id.is_empty()
        || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'_')
    {
        return Err(cx.err(line, "id", "must be kebab-case: lower-case letters, digits and `-`"));
    }
    if !KINDS.contains(&raw.kind.value.as_str()) {
        return Err(cx.err(
            raw.kind.referenced.line(),
            "kind",
            format!("unknown kind `{}`; one of: {}", raw.kind.value, KINDS.join(", ")),
        ));
    }
    if raw.name.trim().is_empty() {
        return Err(cx.err(line, "name", "must not be empty"));
    }
    let target = match (raw.pattern, raw.path.is_empty()) {
        (Some(_), false) => return Err(cx.err(line, "path", "a rule has either `pattern` or `path`, not both")),
        (None, true) => {
            return Err(cx.err(line, "pattern", "missing: a rule needs `pattern` (with `keywords`) or `path`"))
        }
        (None, false) => {
            if !raw.skip_paths.is_empty() {
                return Err(cx.err(line, "skip_paths", "only content rules (with `pattern`) can skip paths"));
            }
            for glob in &raw.path {
                globset::Glob::new(&glob.value).map_err(|e| cx.err(glob.referenced.line(), "path", e))?;
            }
            Target::Path { path: raw.path.into_iter().map(|g| g.value).collect() }
        }
        (Some(pattern), true) => {
            if raw.keywords.iter().any(|k| k.is_empty()) || (builtin && raw.keywords.is_empty()) {
                return Err(cx.err(line, "keywords", "at least one non-empty keyword is required"));
            }
            if !builtin {
                // Built-in patterns are compiled lazily; the test suite compiles every one of them.
                build_regex(&pattern.value).map_err(|e| cx.err(pattern.referenced.line(), "pattern", e))?;
                for allow in &raw.allow {
                    build_allow(&allow.value).map_err(|e| cx.err(allow.referenced.line(), "allow", e))?;
                }
            }
            let entropy = match raw.entropy {
                Some(e) if !(0.0..=8.0).contains(&e.value) => {
                    return Err(cx.err(e.referenced.line(), "entropy", "must be between 0 and 8 bits per byte"))
                }
                e => e.map(|e| e.value),
            };
            let window = match raw.window {
                Some(w) if w.value == 0 || w.value > MAX_WINDOW => {
                    return Err(cx.err(w.referenced.line(), "window", format!("must be between 1 and {MAX_WINDOW}")))
                }
                w => w.map_or(DEFAULT_WINDOW, |w| w.value),
            };
            for glob in &raw.skip_paths {
                globset::Glob::new(&glob.value).map_err(|e| cx.err(glob.referenced.line(), "skip_paths", e))?;
            }
            if let Some(raise) = &raw.raise {
                if raise.to <= raw.confidence {
                    return Err(cx.err(line, "raise", "`to` must be above the rule's own confidence"));
                }
                if raise.names.is_empty() || raise.names.iter().chain(&raise.except).any(|n| n.is_empty()) {
                    return Err(cx.err(line, "raise", "`names` needs at least one word, and no word may be empty"));
                }
            }
            Target::Content(ContentRule {
                keywords: raw.keywords,
                pattern: pattern.value,
                entropy,
                requirements: raw.requirements,
                allow: raw.allow.into_iter().map(|a| a.value).collect(),
                checksum: raw.checksum,
                window,
                raise: raw.raise,
                skip_paths: raw.skip_paths.into_iter().map(|g| g.value).collect(),
            })
        }
    };
    Ok(Rule {
        name: raw.name,
        provider: raw.provider,
        kind: raw.kind.value,
        confidence: raw.confidence,
        severity: raw.severity,
        description: raw.description,
        target,
        examples: raw.examples,
        negative_examples: raw.negative_examples,
        references: raw.references,
        origin: RuleOrigin { file: file.to_string(), line, builtin },
        id,
    })
}

/// Compiles an allow-regex the way the engine runs it (bytes, ASCII semantics; no `secret` group needed).
pub fn build_allow(pattern: &str) -> Result<regex_automata::meta::Regex, String> {
    regex_automata::meta::Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().unicode(false).utf8(false))
        .build(pattern)
        .map_err(|e| e.to_string().split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_names_file_and_line() {
        let mut set = RuleSet::default();
        let err = set.add_yaml("bad.yaml", "rules:\n  - id: broken\n    pattern: [unclosed\n", false).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("bad.yaml:"), "{text}");
        assert!(matches!(err, RuleError::Syntax { line, .. } if line >= 2), "{text}");
    }

    #[test]
    fn invalid_regex_names_field_and_line() {
        let yaml = "rules:\n  - id: x\n    name: X\n    provider: p\n    kind: api-key\n    confidence: high\n    severity: high\n    keywords: [a]\n    pattern: '(?P<secret>a['\n";
        let err = RuleSet::default().add_yaml("u.yaml", yaml, false).unwrap_err().to_string();
        assert!(err.starts_with("u.yaml:9: rule `x`: field `pattern`"), "{err}");
    }

    #[test]
    fn unknown_field_is_an_error() {
        let yaml = "rules:\n  - id: x\n    name: X\n    provider: p\n    kind: api-key\n    confidence: high\n    severity: high\n    keywords: [a]\n    patern: 'a'\n";
        let err = RuleSet::default().add_yaml("u.yaml", yaml, false).unwrap_err().to_string();
        assert!(err.contains("u.yaml:") && err.contains("patern"), "{err}");
    }

    #[test]
    fn user_rule_without_examples_loads_with_warning() {
        let yaml = "rules:\n  - id: x\n    name: X\n    provider: p\n    kind: api-key\n    confidence: high\n    severity: high\n    keywords: [a]\n    pattern: '(?P<secret>a+)'\n";
        let mut set = RuleSet::default();
        set.add_yaml("u.yaml", yaml, false).unwrap();
        assert_eq!(set.rules.len(), 1);
        assert_eq!(set.warnings.len(), 1);
    }

    #[test]
    fn raise_must_go_up_and_name_words() {
        let rule = "rules:\n  - id: x\n    name: X\n    provider: p\n    kind: api-key\n    confidence: medium\n    severity: high\n    keywords: [a]\n    pattern: '(?P<secret>a+)'\n";
        let load = |raise: &str| RuleSet::default().add_yaml("u.yaml", &format!("{rule}{raise}"), false);
        let err = load("    raise: {to: low, names: [acme]}\n").unwrap_err().to_string();
        assert!(err.contains("field `raise`") && err.contains("above"), "{err}");
        let err = load("    raise: {to: high, names: []}\n").unwrap_err().to_string();
        assert!(err.contains("field `raise`"), "{err}");
        let mut set = RuleSet::default();
        set.add_yaml("u.yaml", &format!("{rule}    raise: {{to: high, names: [acme], except: [public]}}\n"), false)
            .unwrap();
        let raise = set.rules[0].content().unwrap().raise.clone().unwrap();
        assert!(
            raise.applies_to(b"ACME_API_KEY") && !raise.applies_to(b"ACME_PUBLIC_KEY") && !raise.applies_to(b"KEY")
        );
        // A short name must be a whole part of the assigned name.
        let mut set = RuleSet::default();
        set.add_yaml("u.yaml", &format!("{rule}    raise: {{to: high, names: [duo, box]}}\n"), false).unwrap();
        let raise = set.rules[0].content().unwrap().raise.clone().unwrap();
        for name in ["DUO_KEY", "duoSecretKey", "box.api-key", "BoxKey", "my-box"] {
            assert!(raise.applies_to(name.as_bytes()), "{name}");
        }
        for name in ["checkbox_key", "duologue_key", "inboxKey", "DUOKEY"] {
            assert!(!raise.applies_to(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn skip_paths_are_globs_of_content_rules() {
        let rule = "rules:\n  - id: x\n    name: X\n    provider: p\n    kind: api-key\n    confidence: medium\n    severity: high\n";
        let load = |rest: &str| RuleSet::default().add_yaml("u.yaml", &format!("{rule}{rest}"), false);
        let content = "    keywords: [a]\n    pattern: '(?P<secret>a+)'\n";
        let err = load(&format!("{content}    skip_paths: ['src/[']\n")).unwrap_err().to_string();
        assert!(err.starts_with("u.yaml:10: rule `x`: field `skip_paths`"), "{err}");
        let err = load("    path: ['*.pem']\n    skip_paths: ['*.py']\n").unwrap_err().to_string();
        assert!(err.contains("field `skip_paths`"), "{err}");
        let mut set = RuleSet::default();
        set.add_yaml("u.yaml", &format!("{rule}{content}    skip_paths: ['*.py', 'vendor/**']\n"), false).unwrap();
        assert_eq!(set.rules[0].content().unwrap().skip_paths, ["*.py", "vendor/**"]);
    }

    #[test]
    fn builtin_rules_parse() {
        RuleSet::builtin().unwrap();
    }
}

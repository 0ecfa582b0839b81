//! Migration from gitleaks / betterleaks: their `.gitleaks.toml` / `.betterleaks.toml` custom rules become
//! keyhound rules. What cannot be translated is listed as warnings, never silently dropped.
use crate::RuleError;

/// gitleaks' `secretGroup` as a named `secret` group: the N-th capturing group of `pattern` (N = 0 or
/// absent: the first group if there is one, else the whole match, as gitleaks does).
pub(crate) fn name_secret_group(pattern: &str, group: Option<usize>) -> String {
    let bytes = pattern.as_bytes();
    // For each capturing group: the offset just after its `(`, and where its body starts (after a name).
    let mut starts = Vec::new();
    let (mut i, mut in_class) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => {
                in_class = true;
                // A `]` right after `[` or `[^` is a literal.
                if bytes.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &pattern[i + 1..];
                if !rest.starts_with('?') {
                    starts.push((i + 1, i + 1));
                } else if rest.starts_with("?P<") || rest.starts_with("?<") {
                    if let Some(end) = rest.find('>') {
                        starts.push((i + 1, i + 1 + end + 1));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    let chosen = match group {
        Some(n) if n >= 1 => starts.get(n - 1),
        _ => starts.first(),
    };
    match chosen {
        // Replace whatever follows `(` up to the group's body (a name, if any) with `?P<secret>`.
        Some(&(open, body)) => format!("{}?P<secret>{}", &pattern[..open], &pattern[body..]),
        None => format!("(?P<secret>{pattern})"),
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Translates a gitleaks/betterleaks TOML config into keyhound rule YAML, with warnings for everything
/// that has no keyhound equivalent.
pub fn import_gitleaks(file: &str, text: &str) -> Result<(String, Vec<String>), RuleError> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(0, |s| text[..s.start.min(text.len())].lines().count().max(1) as u64);
        RuleError::Syntax { file: file.to_string(), line, column: 0, message: e.message().to_string() }
    })?;
    let mut warnings = Vec::new();
    let mut yaml = format!("# imported by `keyhound rules import` from {file}\nrules:\n");
    for key in doc.keys() {
        match key.as_str() {
            "rules" | "title" | "description" => {}
            "extend" => warnings.push(format!("{file}: [extend]: keyhound's built-in rules are used instead of gitleaks' defaults")),
            "allowlist" | "allowlists" => warnings.push(format!(
                "{file}: [{key}]: global allowlists are not imported; put paths in .keyhound.yaml `allowlist: paths:` (globs) and values in `allowlist: values:`"
            )),
            other => warnings.push(format!("{file}: `{other}` has no keyhound equivalent and was not imported")),
        }
    }
    let rules = doc.get("rules").and_then(|r| r.as_array()).cloned().unwrap_or_default();
    for rule in &rules {
        let Some(rule) = rule.as_table() else { continue };
        let id = rule.get("id").and_then(|v| v.as_str()).unwrap_or("").to_string();
        let Some(regex) = rule.get("regex").and_then(|v| v.as_str()) else {
            warnings.push(format!("{file}: rule `{id}`: no `regex` (path-only rules are not imported)"));
            continue;
        };
        let group = rule.get("secretGroup").and_then(|v| v.as_integer()).map(|n| n.max(0) as usize);
        let name = rule.get("description").and_then(|v| v.as_str()).unwrap_or(&id);
        let keywords: Vec<String> = rule
            .get("keywords")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|k| k.as_str()).map(|k| quote(&k.to_ascii_lowercase())).collect())
            .unwrap_or_default();
        yaml.push_str(&format!(
            "  - id: {}\n    name: {}\n    provider: custom\n    kind: secret-key\n    confidence: medium\n    severity: high\n",
            quote(&id),
            quote(name)
        ));
        yaml.push_str(&format!("    keywords: [{}]\n", keywords.join(", ")));
        yaml.push_str(&format!("    pattern: {}\n", quote(&name_secret_group(regex, group))));
        if let Some(entropy) = rule.get("entropy").and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64))) {
            yaml.push_str(&format!("    entropy: {entropy}\n"));
        }
        let mut allow = Vec::new();
        let lists: Vec<&toml::Value> = ["allowlist", "allowlists"]
            .iter()
            .filter_map(|k| rule.get(*k))
            .flat_map(|v| v.as_array().map(|a| a.iter().collect()).unwrap_or_else(|| vec![v]))
            .collect();
        for list in lists {
            let Some(list) = list.as_table() else { continue };
            for (key, value) in list {
                let items = value.as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>());
                match (key.as_str(), items) {
                    ("regexes", Some(items)) => allow.extend(items.into_iter().map(quote)),
                    ("stopwords", Some(items)) => allow.extend(items.into_iter().map(|w| {
                        let escaped: String = w
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c.to_string() } else { format!("\\{c}") })
                            .collect();
                        quote(&format!("(?i){escaped}"))
                    })),
                    ("description" | "regexTarget", _) if key != "regexTarget" || value.as_str() == Some("secret") => {}
                    _ => warnings.push(format!(
                        "{file}: rule `{id}`: allowlist `{key}` cannot be translated and was not imported"
                    )),
                }
            }
        }
        if !allow.is_empty() {
            yaml.push_str(&format!("    allow: [{}]\n", allow.join(", ")));
        }
        for (key, _) in rule {
            if !matches!(
                key.as_str(),
                "id" | "description"
                    | "regex"
                    | "secretGroup"
                    | "keywords"
                    | "entropy"
                    | "allowlist"
                    | "allowlists"
                    | "tags"
            ) {
                warnings.push(format!(
                    "{file}: rule `{id}`: `{key}` cannot be translated (keyhound has no equivalent) and was not imported"
                ));
            }
        }
    }
    Ok((yaml, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_group_becomes_a_named_group() {
        assert_eq!(name_secret_group(r"\b(acme_[a-z]{4})\b", Some(1)), r"\b(?P<secret>acme_[a-z]{4})\b");
        assert_eq!(name_secret_group(r"(a)[(](b)", Some(2)), r"(a)[(](?P<secret>b)");
        assert_eq!(name_secret_group(r"(?i)key=(?:x|y)(\w+)", None), r"(?i)key=(?:x|y)(?P<secret>\w+)");
        assert_eq!(name_secret_group(r"acme_[a-z]{4}", None), r"(?P<secret>acme_[a-z]{4})");
        assert_eq!(name_secret_group(r"(?P<tok>ab)", Some(1)), r"(?P<secret>ab)");
    }

    #[test]
    fn gitleaks_rules_translate_with_warnings_for_the_rest() {
        let toml = r#"
title = "x"
[extend]
useDefault = true
[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''\b(acme_[a-z0-9]{32})\b'''
secretGroup = 1
keywords = ["ACME_"]
entropy = 3.0
path = '''\.py$'''
[[rules.allowlists]]
stopwords = ["example"]
commits = ["abc"]
"#;
        let (yaml, warnings) = import_gitleaks("g.toml", toml).unwrap();
        let mut set = crate::RuleSet::default();
        set.add_yaml("g.toml", &yaml, false).unwrap();
        assert_eq!(set.rules[0].id, "acme-token");
        assert_eq!(set.rules[0].content().unwrap().keywords, vec!["acme_"]);
        assert!(warnings.iter().any(|w| w.contains("`path`")), "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("commits")), "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("[extend]")), "{warnings:?}");
    }
}

//! `.keyhound.yaml`: the repository's own settings. A scanned repository's config is untrusted input in
//! CI: it can narrow what is reported and add rule files (YAML only), never run code or reach the network.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex_automata::meta::Regex;
use serde::Deserialize;

use crate::args::{parse_size, InitArgs, MinConfidence};

/// The config file name looked for at the root of the scanned tree.
pub const CONFIG_FILE: &str = ".keyhound.yaml";
/// Environment variable naming a config file.
pub const CONFIG_ENV: &str = "KEYHOUND_CONFIG";

/// A parsed config file. Unknown keys are errors: a typo must not silently do nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Extra rule files or directories, relative to the config file.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Rule ids not to use.
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub allowlist: Allowlist,
    /// Default for `--min-confidence`.
    #[serde(default)]
    pub min_confidence: Option<MinConfidence>,
    /// Default for `--max-file-size`, e.g. `10M`.
    #[serde(default)]
    pub max_file_size: Option<String>,
    /// The directory the config file is in.
    #[serde(skip)]
    pub dir: PathBuf,
    /// The config file, for messages.
    #[serde(skip)]
    pub file: String,
}

/// What the repository says is not a leak.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// Globs relative to the root of the scanned tree; matching files are skipped (and counted).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes; a secret matching one is not reported (counted as suppressed).
    #[serde(default)]
    pub values: Vec<String>,
    /// Words; a secret containing one (case-insensitively) is not reported.
    #[serde(default)]
    pub stopwords: Vec<String>,
}

impl Config {
    /// The config named by `--config`, else by `$KEYHOUND_CONFIG`, else `.keyhound.yaml` in the first
    /// scanned directory, else empty.
    pub fn discover(explicit: Option<&Path>, roots: &[PathBuf]) -> Result<Config> {
        let from_env = std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()).map(PathBuf::from);
        let path = match explicit.map(Path::to_path_buf).or(from_env) {
            Some(path) => path,
            None => match roots.iter().find(|r| r.is_dir()).map(|r| r.join(CONFIG_FILE)) {
                Some(path) if path.is_file() => path,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read config {}", path.display()))?;
        let file = path.display().to_string();
        let mut config: Config = keyhound_rules::parse_yaml(&file, &text)?;
        config.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.file = file;
        Ok(config)
    }

    /// The allowlist's path globs, compiled; `*` stays within a directory, `**` crosses them, and a glob
    /// without `/` matches a file name in any directory.
    pub fn allowlist_paths(&self) -> Result<Option<GlobSet>> {
        if self.allowlist.paths.is_empty() {
            return Ok(None);
        }
        let mut set = GlobSetBuilder::new();
        for glob in &self.allowlist.paths {
            let pattern =
                if glob.contains('/') { glob.trim_start_matches('/').to_string() } else { format!("**/{glob}") };
            set.add(
                GlobBuilder::new(&pattern)
                    .literal_separator(true)
                    .build()
                    .with_context(|| format!("{}: allowlist.paths: invalid glob `{glob}`", self.file))?,
            );
        }
        Ok(Some(set.build()?))
    }

    /// The allowlist's value regexes and stopwords as one test: true when a secret is allowlisted.
    pub fn value_allowlist(&self) -> Result<impl Fn(&[u8]) -> bool> {
        let regexes = self
            .allowlist
            .values
            .iter()
            .map(|v| Regex::new(v).with_context(|| format!("{}: allowlist.values: invalid regex `{v}`", self.file)))
            .collect::<Result<Vec<_>>>()?;
        let stopwords: Vec<Vec<u8>> =
            self.allowlist.stopwords.iter().map(|w| w.to_ascii_lowercase().into_bytes()).collect();
        Ok(move |secret: &[u8]| {
            let lower = secret.to_ascii_lowercase();
            regexes.iter().any(|r| r.is_match(secret))
                || stopwords.iter().any(|w| !w.is_empty() && memchr::memmem::find(&lower, w).is_some())
        })
    }

    /// `max_file_size` in bytes, if set.
    pub fn max_file_size(&self) -> Result<Option<u64>> {
        self.max_file_size
            .as_deref()
            .map(|s| parse_size(s).map_err(|e| anyhow::anyhow!("{}: max_file_size: {e}", self.file)))
            .transpose()
    }

    /// Rule paths, resolved against the config file's directory.
    pub fn rule_paths(&self) -> Vec<PathBuf> {
        self.rules.iter().map(|r| self.dir.join(r)).collect()
    }
}

/// A commented starter config.
const STARTER: &str = r#"# keyhound configuration (https://github.com/keyhound/keyhound). All keys are optional;
# unknown keys are errors.

# Extra rule files or directories (YAML, see docs/rule-format.md), relative to this file.
# rules:
#   - .keyhound/rules

# Rule ids not to use (see `keyhound rules list`).
# disable:
#   - generic-key-assignment-high-entropy

allowlist:
  # Files that are not scanned: globs relative to this directory. `*` stays in a directory, `**` crosses
  # directories, a glob without `/` matches a file name anywhere.
  paths: []
  # paths:
  #   - tests/fixtures/**
  #   - "*.snap"
  # Secrets that are not reported: regexes of the secret's value...
  # values:
  #   - '^AKIA[0-9A-Z]{12}TEST$'
  # ...and words a reported secret must not contain (case-insensitive).
  # stopwords:
  #   - localdev

# Report only findings at or above this confidence: low, medium (the default) or high.
# min_confidence: medium

# Skip files larger than this.
# max_file_size: 100M
"#;

/// `keyhound config init`.
pub fn init(args: &InitArgs) -> Result<u8> {
    if args.stdout {
        print!("{STARTER}");
        return Ok(0);
    }
    let path = Path::new(CONFIG_FILE);
    if path.exists() && !args.force {
        anyhow::bail!("{CONFIG_FILE} already exists (use --force to overwrite, or --stdout to print)");
    }
    std::fs::write(path, STARTER).with_context(|| format!("cannot write {CONFIG_FILE}"))?;
    eprintln!("keyhound: wrote {CONFIG_FILE}");
    Ok(0)
}

//! `.keyhound.yaml`: the repository's own settings (for now its path allowlist).
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// The config file name looked for at the root of the scanned tree.
pub const CONFIG_FILE: &str = ".keyhound.yaml";

/// A parsed config file. Unknown keys are errors: a typo must not silently disable nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub allowlist: Allowlist,
}

/// What the repository says is not a leak.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// Globs relative to the root of the scanned tree; matching files are skipped (and counted).
    #[serde(default)]
    pub paths: Vec<String>,
}

impl Config {
    /// The config named by `--config`, else `.keyhound.yaml` in the first scanned directory, else empty.
    pub fn discover(explicit: Option<&Path>, roots: &[PathBuf]) -> Result<Config> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => match roots.iter().find(|r| r.is_dir()).map(|r| r.join(CONFIG_FILE)) {
                Some(path) if path.is_file() => path,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read config {}", path.display()))?;
        Ok(keyhound_rules::parse_yaml(&path.display().to_string(), &text)?)
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
                    .with_context(|| format!("config allowlist: invalid path glob `{glob}`"))?,
            );
        }
        Ok(Some(set.build()?))
    }
}

//! `.gitignore`/`.ignore` matching that can count what it excludes.
//!
//! The `ignore` crate's walker drops ignored entries silently; keyhound must report how many it skipped,
//! so the walk runs with the crate's filters off and asks this matcher instead. Each directory's rules are
//! parsed once (cached) and consulted from the entry's own directory up to the top of the work tree, the
//! nearest decisive rule winning, as git does.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

pub(crate) struct IgnoreRules {
    /// The top of the git work tree holding the scan root, or the scan root itself.
    top: PathBuf,
    cache: Mutex<HashMap<PathBuf, Option<Arc<Gitignore>>>>,
}

impl IgnoreRules {
    /// Rules for a scan rooted at `root` (an absolute path).
    pub(crate) fn new(root: &Path) -> IgnoreRules {
        let top = root.ancestors().find(|d| d.join(".git").exists()).unwrap_or(root).to_path_buf();
        IgnoreRules { top, cache: Mutex::new(HashMap::new()) }
    }

    fn rules_of(&self, dir: &Path) -> Option<Arc<Gitignore>> {
        if let Some(cached) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
            return cached.clone();
        }
        let mut builder = GitignoreBuilder::new(dir);
        let mut any = false;
        let mut files = vec![dir.join(".gitignore"), dir.join(".ignore")];
        if dir == self.top {
            files.insert(0, dir.join(".git/info/exclude"));
        }
        for file in files {
            if file.is_file() {
                // A malformed line is skipped by the builder; the rest of the file still applies.
                let _ = builder.add(&file);
                any = true;
            }
        }
        let rules = any.then(|| builder.build().ok().map(Arc::new)).flatten();
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(dir.to_path_buf(), rules.clone());
        rules
    }

    /// True when the absolute `path` is excluded by the ignore files of its directories.
    pub(crate) fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let mut dir = path.parent();
        while let Some(d) = dir {
            if let Some(rules) = self.rules_of(d) {
                match rules.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            if d == self.top {
                break;
            }
            dir = d.parent();
        }
        false
    }
}

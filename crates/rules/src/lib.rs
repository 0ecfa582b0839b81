//! keyhound's rule model.
//!
//! A rule says what one kind of secret looks like: keywords that must occur near it (the prefilter), a
//! regex with a `secret` capture group, optional entropy / character requirements / allow-regexes /
//! checksum, or instead `path` globs for files that are secrets by their name alone. Rules are YAML
//! (see `docs/rule-format.md`); the built-in ones in `patterns/` are embedded at build time.
//!
//! ```
//! let set = keyhound_rules::RuleSet::builtin().unwrap();
//! assert!(set.rules.len() > 100);
//! assert!(set.rules.iter().all(|r| !r.examples.is_empty()));
//! ```

mod builtin;
mod import;
mod model;
mod parse;

pub use import::import_gitleaks;
pub use model::{
    build_regex, Checksum, Confidence, ContentRule, Raise, Requirements, Rule, RuleOrigin, Severity, Target, KINDS,
};
pub use parse::{build_allow, parse_yaml, RuleError, RuleSet};

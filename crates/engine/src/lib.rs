//! keyhound's matcher.
//!
//! One Aho-Corasick automaton over every rule's keywords finds where secrets can be; each rule's regex then
//! confirms matches only in a bounded window around its keyword hits. Confirmed secrets pass the rule's
//! entropy, character, allow-regex and checksum tests and a shared placeholder filter. Base64 runs are
//! decoded one level deep and scanned too, reported at the encoded location.
//!
//! ```
//! use keyhound_engine::Scanner;
//! let rules = keyhound_rules::RuleSet::builtin().unwrap();
//! let scanner = Scanner::new(rules.rules);
//! let matches = scanner.scan(b"token = \"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\"\n");
//! assert!(matches.iter().any(|m| scanner.rule(m.rule).provider == "github"));
//! ```

mod check;
mod checksum;
mod decode;
mod delta;
mod entropy;
mod filters;
mod location;
mod scanner;

pub use check::check_rule;
pub use delta::BlobMatches;
pub use entropy::shannon_entropy;
pub use filters::is_placeholder;
pub use location::{LineIndex, Position};
pub use scanner::{Match, Scanner};

//! The validated rule types.
use regex_automata::meta;
use serde::{Deserialize, Serialize};

/// How sure a match of a rule is a real secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// The impact if the secret a rule finds has leaked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Confidence {
    /// Lower-case name as used in YAML and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl Severity {
    /// Lower-case name as used in YAML and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A named checksum or structural check a secret must pass for the rule to report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// Text after the first `_`: a body and 6 trailing characters equal to base62(CRC32(body)) (GitHub, npm).
    Crc32Base62,
    /// A NATS NKEY (seed or public key): unpadded base32 whose last two decoded bytes are the little-endian
    /// CRC-16/XMODEM of the bytes before them.
    Crc16Nkey,
    /// HTTP Basic credentials: base64 (padding optional) of printable `user:password` with a password.
    Base64UserPassword,
}

/// Minimum character-class counts of a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_digits: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_upper: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_lower: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Requirements {
    /// True when `secret` has at least the required digits, upper- and lower-case letters.
    pub fn satisfied_by(&self, secret: &[u8]) -> bool {
        if self.min_digits == 0 && self.min_upper == 0 && self.min_lower == 0 {
            return true;
        }
        let digits = secret.iter().filter(|b| b.is_ascii_digit()).count();
        let upper = secret.iter().filter(|b| b.is_ascii_uppercase()).count();
        let lower = secret.iter().filter(|b| b.is_ascii_lowercase()).count();
        digits >= self.min_digits && upper >= self.min_upper && lower >= self.min_lower
    }
}

/// The matching part of a content rule.
#[derive(Debug, Clone, Serialize)]
pub struct ContentRule {
    pub keywords: Vec<String>,
    pub pattern: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entropy: Option<f64>,
    #[serde(skip_serializing_if = "is_default_requirements")]
    pub requirements: Requirements,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// Bytes after a keyword hit that a match may reach.
    pub window: usize,
    /// A higher confidence for matches whose value is assigned to a name that says whose secret it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raise: Option<Raise>,
    /// Globs of files the rule does not apply to, matched like path rules' globs (a glob without `/`
    /// matches the file name in any directory): config-syntax rules skip source code, where an unquoted
    /// `token = next_char` is an expression, not a value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skip_paths: Vec<String>,
}

/// Raises a match's confidence to `to` when the name its value is assigned to (the identifier before
/// `=`/`:` on the same line, such as `STRIPE_API_KEY`) contains one of `names` and none of `except`
/// (ASCII case-insensitive substrings), or when the section the value sits in (`[stripe]`, a parent
/// `stripe:` key) contains one of `names` and neither it nor the assigned name contains one of `except`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raise {
    pub to: Confidence,
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
}

impl Raise {
    /// True when `name` (the assigned name) qualifies for the raise.
    pub fn applies_to(&self, name: &[u8]) -> bool {
        let contains = |word: &String| contains_word(name, word);
        self.names.iter().any(contains) && !self.except.iter().any(contains)
    }

    /// True when the raise applies to a value assigned to `name` inside the section named `section`
    /// (empty when there is none): `key = ...` under `[adafruit]` qualifies, `public_key = ...` does not.
    pub fn applies_in<'a>(&self, name: &[u8], section: impl FnOnce() -> &'a [u8]) -> bool {
        if self.applies_to(name) {
            return true;
        }
        let excluded = self.except.iter().any(|word| contains_word(name, word));
        !excluded && self.applies_to(section())
    }
}

/// Letters and digits of shorter words must make up a whole part of the name (see [`contains_word`]).
const WHOLE_PART_BELOW: usize = 5;

/// `word` occurs in `name`, ASCII case-insensitively (an empty word never does). A short alphanumeric word
/// (`duo`, `okta`) must be a whole part of the name, as split at `_ . -` and lower-to-upper case changes
/// (`DUO_KEY`, `oktaApiKey`), so `box` does not match `checkbox_key`.
fn contains_word(name: &[u8], word: &str) -> bool {
    let word = word.as_bytes();
    if word.is_empty() {
        return false;
    }
    if word.len() >= WHOLE_PART_BELOW || !word.iter().all(u8::is_ascii_alphanumeric) {
        return name.windows(word.len()).any(|w| w.eq_ignore_ascii_case(word));
    }
    name_parts(name).any(|part| part.eq_ignore_ascii_case(word))
}

/// The parts of an identifier: split at non-alphanumeric bytes and where a lower-case letter or digit is
/// followed by an upper-case letter: the parts of `stripeApiKey` are `stripe`, `Api` and `Key`.
fn name_parts(name: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let mut parts = Vec::new();
    for i in 0..=name.len() {
        let boundary = i == name.len()
            || !name[i].is_ascii_alphanumeric()
            || (i > start && name[i].is_ascii_uppercase() && !name[i - 1].is_ascii_uppercase());
        if boundary {
            if i > start {
                parts.push(&name[start..i]);
            }
            start = if i < name.len() && name[i].is_ascii_alphanumeric() { i } else { i + 1 };
        }
    }
    parts.into_iter()
}

fn is_default_requirements(r: &Requirements) -> bool {
    *r == Requirements::default()
}

/// What a rule looks at: file content or file paths.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Target {
    Content(ContentRule),
    Path { path: Vec<String> },
}

/// Where a rule was defined.
#[derive(Debug, Clone, Serialize)]
pub struct RuleOrigin {
    /// `patterns/...` for built-ins, the file path for user rules.
    pub file: String,
    pub line: u64,
    pub builtin: bool,
}

/// One validated detection rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub kind: String,
    pub confidence: Confidence,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub target: Target,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    pub references: Vec<String>,
    pub origin: RuleOrigin,
}

impl Rule {
    /// The content part of the rule, if it matches content.
    pub fn content(&self) -> Option<&ContentRule> {
        match &self.target {
            Target::Content(c) => Some(c),
            Target::Path { .. } => None,
        }
    }

    /// True for the provider-less rules (`provider: generic`) that judge a value by its context and shape
    /// alone, not by a provider's format.
    pub fn is_generic(&self) -> bool {
        self.provider == "generic"
    }
}

/// Kinds of non-human identity a rule may declare.
pub const KINDS: &[&str] = &[
    "api-key",
    "access-token",
    "refresh-token",
    "session-token",
    "oauth-client-secret",
    "client-id",
    "private-key",
    "password",
    "connection-string",
    "webhook-url",
    "secret-key",
    "signing-secret",
    "encryption-key",
    "credentials-file",
    "keystore",
    "certificate",
];

/// Compiles a rule pattern the way the engine runs it: on bytes, ASCII semantics for `\w`, `\d`, `\b`,
/// with a bounded lazy-DFA cache per thread. Fails when the pattern is invalid or lacks a `secret` group.
pub fn build_regex(pattern: &str) -> Result<meta::Regex, String> {
    let regex = meta::Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().unicode(false).utf8(false))
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                // Each rule's regex keeps one cache per thread; bound it so memory stays flat as rules and
                // threads grow (the default of 2 MiB per cache would be 600 MiB for 300 rules on 1 thread).
                .hybrid_cache_capacity(512 * 1024)
                .dfa_size_limit(Some(256 * 1024))
                .nfa_size_limit(Some(4 * 1024 * 1024)),
        )
        .build(pattern)
        .map_err(|e| one_line(&e.to_string()))?;
    if regex.group_info().to_index(regex_automata::PatternID::ZERO, "secret").is_none() {
        return Err("pattern has no capture group named `secret` (write `(?P<secret>...)`)".into());
    }
    Ok(regex)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! Command-line flags (clap derive).
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find secrets (API keys, tokens, private keys, passwords) in files, directories and stdin.
#[derive(Debug, Parser)]
#[command(name = "keyhound", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, directories or stdin (`-`) for secrets. Exit 0: none found, 1: findings, 2: error.
    Scan(Box<ScanArgs>),
    /// List or check detection rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Work with the .keyhound.yaml config file.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented starter .keyhound.yaml in the current directory.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Print the starter config instead of writing .keyhound.yaml.
    #[arg(long)]
    pub stdout: bool,
    /// Overwrite an existing .keyhound.yaml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in use (built-ins plus any --rules).
    List(ListArgs),
    /// Run every rule's examples and negative examples; with FILEs, only the rules in those files.
    Check(CheckArgs),
    /// Translate a gitleaks / betterleaks TOML config's custom rules into keyhound rule YAML.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The .gitleaks.toml or .betterleaks.toml to read.
    pub file: PathBuf,
    /// Write the YAML to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Where rules come from; shared by every command that loads rules.
#[derive(Debug, Args, Clone)]
pub struct RuleSource {
    /// Extra rule file or directory of *.yaml rule files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long)]
    pub no_builtin_rules: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub source: RuleSource,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: RuleSource,
    /// Rule files or directories to check (default: the built-ins plus any --rules).
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MinConfidence {
    Low,
    Medium,
    High,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (default: `.`); `-` reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub source: RuleSource,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print secrets in clear (they are redacted by default).
    #[arg(long)]
    pub show_secrets: bool,
    /// The path to report for stdin input (path rules and allowlists apply to it).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Config file (default: $KEYHOUND_CONFIG, else .keyhound.yaml at the root of the scanned tree).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than this (bytes, or with K/M/G suffix; default 100M, or the config's).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Also scan files that .gitignore/.ignore exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Also scan dependency dirs (node_modules, Go vendoring), lockfiles, minified bundles and media.
    #[arg(long)]
    pub all_files: bool,
    /// Follow symbolic links.
    #[arg(long)]
    pub follow: bool,
    /// Exit code when findings are reported (default 1).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Exit 2 when any file could not be read.
    #[arg(long)]
    pub strict: bool,
    /// Report only findings at or above this confidence (default medium, or the config's).
    #[arg(long, value_enum)]
    pub min_confidence: Option<MinConfidence>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Scan the git history of the repository at PATH (default `.`): every blob reachable from every
    /// ref, each unique blob once, plus commit and tag messages.
    #[arg(long)]
    pub git: bool,
    /// With --git: also scan blobs that no ref reaches (dangling or unreachable objects).
    #[arg(long, requires = "git")]
    pub all_objects: bool,
    /// With --git: scan every blob version whole instead of only what its pack delta changed (slower; the
    /// findings are the same, which the tests check).
    #[arg(long, requires = "git", hide = true)]
    pub whole_blobs: bool,
    /// With --git: only the history reachable from this ref.
    #[arg(long, value_name = "REF", requires = "git")]
    pub branch: Option<String>,
    /// Scan only what the commits of BASE..HEAD introduced (implies --git); for CI.
    #[arg(long, value_name = "BASE..HEAD", conflicts_with = "branch")]
    pub range: Option<String>,
    /// Scan only what the commits after REV introduced: REV..HEAD (implies --git).
    #[arg(long, value_name = "REV", conflicts_with_all = ["branch", "range"])]
    pub since: Option<String>,
    /// pre-push hook: scan the commits being pushed, from pre-commit's PRE_COMMIT_FROM_REF and
    /// PRE_COMMIT_TO_REF (a new branch: the commits no remote-tracking ref has yet).
    #[arg(long, conflicts_with_all = ["git", "range", "since", "branch"])]
    pub pre_push: bool,
    /// Scan what the index would commit, reporting only secrets that the staged change introduces
    /// (pre-commit).
    #[arg(long, conflicts_with_all = ["git", "range", "since"])]
    pub staged: bool,
    /// Report only findings that are not in this baseline (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings (fingerprints, no secrets) as a baseline in FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Also list findings suppressed by inline markers, .keyhoundignore or the baseline.
    #[arg(long)]
    pub show_suppressed: bool,
    /// List .keyhoundignore and baseline entries that matched no finding.
    #[arg(long)]
    pub report_unused_ignores: bool,
    /// Accepted for gitleaks users; redaction is already the default.
    #[arg(long)]
    pub redact: bool,
    /// Do not print the summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Parses `100`, `64K`, `100M`, `2G` (binary units) into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let n: u64 = digits.parse().map_err(|_| format!("`{text}` is not a size like 100M"))?;
    let mult = match unit.to_ascii_uppercase().trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("`{text}`: unknown unit (use K, M or G)")),
    };
    n.checked_mul(mult).ok_or_else(|| format!("`{text}` is too large"))
}

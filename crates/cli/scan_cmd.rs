//! `keyhound scan`: walk the inputs, match every blob, report findings.
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use keyhound_engine::{LineIndex, Match, Scanner};
use keyhound_report::{fingerprint, redact, redact_spans, Finding, Summary, TextStyle, VersionControl};
use keyhound_rules::{Confidence, Rule};
use keyhound_sources::{is_binary, walk, Blob, SkipReason, WalkOptions, WalkStats};

use crate::args::{ColorChoice, MinConfidence, OutputFormat, ScanArgs};
use crate::config::Config;
use crate::rules_cmd::load_rules;

/// Files larger than this are skipped unless `--max-file-size` or the config says otherwise.
const DEFAULT_MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;

pub fn run(args: &ScanArgs) -> Result<u8> {
    let started = Instant::now();
    let roots: Vec<PathBuf> = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let config = Config::discover(args.config.as_deref(), &roots)?;
    let mut source = args.source.clone();
    source.rules.extend(config.rule_paths());
    let mut rules = load_rules(&source)?;
    for id in &config.disable {
        if !rules.rules.iter().any(|r| &r.id == id) {
            eprintln!("keyhound: warning: {}: disable: no rule `{id}`", config.file);
        }
    }
    rules.rules.retain(|r| !config.disable.contains(&r.id));
    let scanner = Scanner::new(rules.rules);
    let max_file_size = args.max_file_size.or(config.max_file_size()?).unwrap_or(DEFAULT_MAX_FILE_SIZE);
    let allowlisted_value = config.value_allowlist()?;
    let min_confidence = match args.min_confidence.or(config.min_confidence).unwrap_or(MinConfidence::Medium) {
        MinConfidence::Low => Confidence::Low,
        MinConfidence::Medium => Confidence::Medium,
        MinConfidence::High => Confidence::High,
    };
    let collector = Collector {
        scanner: &scanner,
        show_secrets: args.show_secrets,
        min_confidence,
        findings: Mutex::new(Vec::new()),
    };
    let stats = WalkStats::default();
    let allowlist = config.allowlist_paths()?;
    let options = WalkOptions {
        no_ignore: args.no_ignore,
        all_files: args.all_files,
        follow_links: args.follow,
        max_file_size,
        threads: args.threads.unwrap_or(0),
        allowlist: allowlist.clone(),
    };

    let (stdin_roots, file_roots): (Vec<PathBuf>, Vec<PathBuf>) =
        roots.iter().cloned().partition(|p| p == Path::new("-"));
    if !stdin_roots.is_empty() {
        let name = args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".to_string());
        let mut data = Vec::new();
        std::io::stdin().read_to_end(&mut data).context("cannot read stdin")?;
        if allowlist.as_ref().is_some_and(|a| a.is_match(&name)) {
            stats.add_skip(SkipReason::Allowlisted);
        } else {
            let binary = is_binary(&data);
            if binary {
                stats.add_skip(SkipReason::Binary);
            } else {
                stats.add_scanned(data.len() as u64);
            }
            let source = if args.stdin_filename.is_some() { "file" } else { "stdin" };
            collector.visit(&Blob { path: &name, rel_path: &name, data: Some(&data), binary }, source);
        }
    }
    let done = AtomicBool::new(false);
    let vcs = std::thread::scope(|scope| {
        if std::io::stderr().is_terminal() && !args.quiet {
            scope.spawn(|| show_progress(&stats, &done));
        }
        let result = if args.staged {
            crate::git_cmd::scan_staged(args, &collector, &stats).map(|()| None)
        } else if args.git || args.pre_push || args.range.is_some() || args.since.is_some() {
            crate::git_cmd::scan_history(args, max_file_size, &collector, &stats).map(Some)
        } else {
            walk(&file_roots, &options, &stats, &|blob| collector.visit(blob, "file"));
            Ok(None)
        };
        done.store(true, Ordering::Relaxed);
        result
    })?;

    let mut findings = collector.findings.into_inner().unwrap_or_else(|e| e.into_inner());
    if !args.show_secrets {
        crate::git_cmd::redact_summaries(&mut findings);
    }
    for f in findings.iter_mut() {
        if f.suppressed.is_none() && !f.secret_value.is_empty() && allowlisted_value(&f.secret_value) {
            f.suppressed = Some("allowlist".into());
        }
    }
    crate::suppress::apply(args, &roots, &mut findings)?;
    let suppressed = findings.iter().filter(|f| f.suppressed.is_some()).count();
    if !args.show_suppressed {
        findings.retain(|f| f.suppressed.is_none());
    }
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id, &a.commit, &a.fingerprint).cmp(&(
            &b.path,
            b.line,
            b.column,
            &b.rule_id,
            &b.commit,
            &b.fingerprint,
        ))
    });
    // A file named twice (`keyhound scan app.env .`) is reported once.
    findings.dedup_by(|a, b| {
        (&a.path, &a.commit, a.line, a.column, &a.rule_id, &a.fingerprint)
            == (&b.path, &b.commit, b.line, b.column, &b.rule_id, &b.fingerprint)
    });
    let summary = Summary {
        files_scanned: stats.files(),
        bytes_scanned: stats.bytes(),
        skipped: SkipReason::ALL
            .iter()
            .filter(|r| stats.skipped(**r) > 0)
            .map(|r| (r.name().to_string(), stats.skipped(*r)))
            .collect(),
        findings: findings.len() - if args.show_suppressed { suppressed } else { 0 },
        suppressed,
        rules: scanner.rules().len(),
        seconds: started.elapsed().as_secs_f64(),
    };
    write_report(args, &findings, &summary, scanner.rules(), &roots, vcs.as_ref())?;

    let errors = stats.errors();
    if !args.quiet {
        for error in errors.iter().take(20) {
            eprintln!("keyhound: warning: skipped unreadable {error}");
        }
        if errors.len() > 20 {
            eprintln!("keyhound: warning: ... and {} more unreadable entries", errors.len() - 20);
        }
        eprintln!("{}", summary_line(&summary));
    }
    if args.strict && !errors.is_empty() {
        eprintln!("keyhound: error: {} entries could not be read (--strict)", errors.len());
        return Ok(crate::EXIT_ERROR);
    }
    Ok(if summary.findings == 0 { 0 } else { args.exit_code })
}

/// Turns engine matches into findings, from any number of walker threads.
pub(crate) struct Collector<'a> {
    scanner: &'a Scanner,
    show_secrets: bool,
    min_confidence: Confidence,
    findings: Mutex<Vec<Finding>>,
}

impl Collector<'_> {
    pub(crate) fn visit(&self, blob: &Blob, source: &str) {
        let mut found = self.path_findings(blob, source);
        found.extend(self.content_findings(blob, source));
        self.push(found);
    }

    /// Adds findings to the report.
    pub(crate) fn push(&self, found: Vec<Finding>) {
        if !found.is_empty() {
            self.findings.lock().unwrap_or_else(|e| e.into_inner()).extend(found);
        }
    }

    /// Findings of path rules (files that are secrets by their name), at or above the minimum confidence.
    pub(crate) fn path_findings(&self, blob: &Blob, source: &str) -> Vec<Finding> {
        let mut found = Vec::new();
        for rule in self.scanner.match_path(blob.rel_path) {
            let confidence = confidence_at(self.scanner.rule(rule).confidence, blob.rel_path);
            if confidence < self.min_confidence {
                continue;
            }
            // A file that is a secret by its name: its identity is its content (the same keystore in two
            // places is one secret), or its path when it was too large to read.
            let value = blob.data.unwrap_or(blob.rel_path.as_bytes());
            found.push(self.finding(
                self.scanner.rule(rule),
                blob,
                source,
                fingerprint(value),
                1,
                1,
                1,
                1,
                0..0,
                "(file)".into(),
                blob.rel_path.to_string(),
            ));
            found.last_mut().expect("just pushed").confidence = confidence.as_str().into();
        }
        found
    }

    /// The scanner findings come from.
    pub(crate) fn scanner(&self) -> &Scanner {
        self.scanner
    }

    /// Findings of content rules in a blob's bytes, at or above the minimum confidence.
    pub(crate) fn content_findings(&self, blob: &Blob, source: &str) -> Vec<Finding> {
        match (blob.data, blob.binary) {
            (Some(data), false) => self.findings_of(blob, source, self.scanner.scan(data)),
            _ => Vec::new(),
        }
    }

    /// Findings of the engine's `matches` in a blob's bytes, at or above the minimum confidence.
    pub(crate) fn findings_of(&self, blob: &Blob, source: &str, mut matches: Vec<Match>) -> Vec<Finding> {
        let mut found = Vec::new();
        if let (Some(data), false) = (blob.data, blob.binary) {
            matches.retain(|m| self.scanner.applies_at(m.rule, blob.rel_path));
            let mut matches = best_per_span(self.scanner, matches);
            // Snippets redact every secret on their line, reported or below the minimum confidence.
            let spans: Vec<_> = matches.iter().map(|m| m.secret_span.clone()).collect();
            let confidence = |m: &Match| confidence_at(self.scanner.confidence(m), blob.rel_path);
            matches.retain(|m| confidence(m) >= self.min_confidence);
            let mut index = LineIndex::new(data);
            for m in &matches {
                // A paired secret (an id and its secret) is reported over its whole region, so that both
                // halves are shown; any other secret over its own span.
                let paired = !m.decoded && m.region != m.secret_span;
                let shown_span = if paired { m.region.clone() } else { m.secret_span.clone() };
                let start = index.position(shown_span.start);
                let end = index.position(shown_span.end);
                let (line_start, first_line) = LineIndex::line_text(data, shown_span.start);
                let (last_start, last_line) = LineIndex::line_text(data, shown_span.end.saturating_sub(1));
                let text = &data[line_start..last_start + last_line.len()];
                let snippet = redact_spans(text, line_start, &spans, self.show_secrets);
                let secret = String::from_utf8_lossy(&m.secret).into_owned();
                let shown = if self.show_secrets { secret.clone() } else { redact(&secret) };
                let mut f = self.finding(
                    self.scanner.rule(m.rule),
                    blob,
                    source,
                    fingerprint(&m.secret),
                    start.line,
                    start.column,
                    end.line,
                    end.column,
                    shown_span,
                    shown,
                    snippet,
                );
                f.confidence = confidence(m).as_str().into();
                f.encoding = m.decoded.then(|| "base64".to_string());
                f.secret_value = m.secret.clone();
                if keyhound_report::has_inline_marker(first_line) {
                    f.suppressed = Some("inline".into());
                }
                found.push(f);
            }
        }
        found
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule: &Rule,
        blob: &Blob,
        source: &str,
        fingerprint: String,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
        span: std::ops::Range<usize>,
        secret: String,
        snippet: String,
    ) -> Finding {
        Finding {
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
            provider: rule.provider.clone(),
            kind: rule.kind.clone(),
            confidence: rule.confidence.as_str().into(),
            severity: rule.severity.as_str().into(),
            path: Some(blob.path.to_string()),
            rel_path: Some(blob.rel_path.to_string()),
            line,
            end_line,
            column,
            end_column,
            start_offset: span.start,
            end_offset: span.end,
            fingerprint,
            secret,
            snippet,
            source: source.into(),
            encoding: None,
            commit: None,
            author_name: None,
            author_email: None,
            date: None,
            summary: None,
            in_head: None,
            suppressed: None,
            secret_value: Vec::new(),
        }
    }
}

/// Test, example and mock files: fixtures there are mostly fake.
fn is_test_path(path: &str) -> bool {
    const DIRS: &[&str] = &[
        "test",
        "tests",
        "__tests__",
        "testdata",
        "test_data",
        "test-data",
        "testing",
        "spec",
        "specs",
        "fixture",
        "fixtures",
        "__fixtures__",
        "mock",
        "mocks",
        "__mocks__",
        "example",
        "examples",
        "sample",
        "samples",
        "demo",
        "demos",
    ];
    let file_name = path.rsplit('/').next().unwrap_or(path);
    // `FooTest.java`, `FooTests.cs`: the case tells a test class from `latest.go`.
    let class_stem = file_name.split('.').next().unwrap_or("");
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split('/').rev();
    let name = parts.next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    parts.any(|dir| DIRS.contains(&dir))
        || [".test.", ".spec.", "_test.", "-test."].iter().any(|m| name.contains(m))
        || ["test_", "test-"].iter().any(|p| stem.starts_with(p))
        || ["_test", "-test", "_tests", "_mock", "-mock"].iter().any(|s| stem.ends_with(s))
        || class_stem.ends_with("Test")
        || class_stem.ends_with("Tests")
        || name.ends_with(".example")
        || name.ends_with(".sample")
}

/// The confidence of a match (its rule's, or raised by the name it is assigned to) in the file at `path`:
/// in test, example and mock files a high confidence match is medium. Nothing is lowered below medium
/// there: a live key in a test file is still a live key, and labeled corpora show that most credentials
/// found in test code are real ones.
fn confidence_at(confidence: Confidence, path: &str) -> Confidence {
    match confidence {
        Confidence::High if is_test_path(path) => Confidence::Medium,
        confidence => confidence,
    }
}

/// When several rules match overlapping text, keeps the most specific one: a provider rule over a generic
/// one, then the higher confidence, then the longer secret, then a pair (id and secret) over the secret
/// alone. An identifier that a paired match already
/// reports with its secret (an AWS key id next to its secret key) is not reported again on its own.
fn best_per_span(scanner: &Scanner, mut matches: Vec<Match>) -> Vec<Match> {
    let rank = |m: &Match| {
        let rule = scanner.rule(m.rule);
        (!rule.is_generic(), scanner.confidence(m), m.secret_span.len(), m.region.len())
    };
    let mut keep = vec![true; matches.len()];
    for i in 0..matches.len() {
        let inside_pair = |p: &Match| {
            !p.decoded
                && p.region != p.secret_span
                && p.region.start <= matches[i].secret_span.start
                && matches[i].secret_span.end <= p.region.end
                && (matches[i].secret_span.end <= p.secret_span.start
                    || p.secret_span.end <= matches[i].secret_span.start)
        };
        if matches.iter().any(inside_pair) {
            keep[i] = false;
        }
    }
    for i in 0..matches.len() {
        for j in 0..matches.len() {
            if i != j && keep[i] && keep[j] {
                let (a, b) = (&matches[i], &matches[j]);
                let overlap = a.secret_span.start < b.secret_span.end && b.secret_span.start < a.secret_span.end;
                if overlap && (rank(b) > rank(a) || (rank(b) == rank(a) && j < i && a.secret == b.secret)) {
                    keep[i] = false;
                }
            }
        }
    }
    let mut i = 0;
    matches.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    matches
}

fn write_report(
    args: &ScanArgs,
    findings: &[Finding],
    summary: &Summary,
    rules: &[Rule],
    roots: &[PathBuf],
    vcs: Option<&VersionControl>,
) -> Result<()> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot write report to {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let result = match args.format {
        OutputFormat::Json => keyhound_report::write_json(&mut out, findings, summary),
        OutputFormat::Jsonl => keyhound_report::write_jsonl(&mut out, findings),
        OutputFormat::Sarif => keyhound_report::write_sarif(&mut out, findings, rules, &root_uri(roots), vcs),
        OutputFormat::Text => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
            };
            keyhound_report::write_text(&mut out, findings, if color { TextStyle::Color } else { TextStyle::Plain })
        }
    };
    match result.and_then(|_| out.flush()) {
        // `keyhound scan | head`: the reader has what it wanted; the exit code still tells about findings.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("cannot write report"),
    }
}

/// `file://` URI of the directory SARIF paths are relative to (the first directory scanned).
pub(crate) fn root_uri(roots: &[PathBuf]) -> String {
    let root = roots.iter().find(|r| r.is_dir()).cloned().unwrap_or_else(|| PathBuf::from("."));
    let abs = std::path::absolute(&root).unwrap_or(root);
    let mut text = abs.to_string_lossy().replace('\\', "/");
    while text.ends_with("/.") {
        text.truncate(text.len() - 2);
    }
    if !text.ends_with('/') {
        text.push('/');
    }
    let encoded = keyhound_report::uri_path(&text);
    format!("file://{}{}", if encoded.starts_with('/') { "" } else { "/" }, encoded)
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn summary_line(s: &Summary) -> String {
    let skipped = if s.skipped.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = s.skipped.iter().map(|(k, v)| format!("{v} {}", k.replace('_', " "))).collect();
        format!("; skipped {}", parts.join(", "))
    };
    format!(
        "keyhound: {} files ({}) scanned in {:.2}s{}; {} finding{}{}",
        s.files_scanned,
        human_bytes(s.bytes_scanned),
        s.seconds,
        skipped,
        s.findings,
        if s.findings == 1 { "" } else { "s" },
        if s.suppressed > 0 {
            format!(" ({} suppressed; --show-suppressed lists them)", s.suppressed)
        } else {
            String::new()
        }
    )
}

/// A progress spinner on stderr, shown only once a scan has run for a second; returns when `done` is set.
fn show_progress(stats: &WalkStats, done: &AtomicBool) {
    let started = Instant::now();
    let bar = indicatif::ProgressBar::hidden();
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() < Duration::from_secs(1) {
            continue;
        }
        if bar.is_hidden() {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg}").expect("valid template"));
        }
        bar.set_message(format!("{} files, {} scanned", stats.files(), human_bytes(stats.bytes())));
        bar.tick();
    }
    bar.finish_and_clear();
}

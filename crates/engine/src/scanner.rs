//! The scanner: keyword prefilter, windowed regex confirmation, secret filters, one level of decoding.
use std::cell::RefCell;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use keyhound_rules::{build_allow, build_regex, Confidence, ContentRule, Rule, Target};
use regex_automata::util::captures::Captures;
use regex_automata::{meta, Input};

use crate::delta::{BlobMatches, DeltaScan};
use crate::{
    checksum, decode,
    entropy::shannon_entropy,
    filters::{has_counting_run, is_placeholder},
};

/// Bytes before a keyword hit that a match may start at (before snapping to the line start).
const BEFORE: usize = 256;
/// How far a window may be widened to reach a line boundary.
const SNAP: usize = 1024;
/// After this many bytes scanned, the keyword automaton is rebuilt as a DFA: about 6 ms to build for the
/// built-in keywords, then twice the speed of the NFA, which builds in 1.5 ms. A pre-commit run over a few
/// small files never pays for the DFA; a directory sweep pays once and runs at DFA speed.
const DFA_AFTER_BYTES: u64 = 8 << 20;

/// A keyword occurrence: the keyword's index in the automaton, its start and its end.
pub(crate) type KeywordHit = (u32, usize, usize);

/// One confirmed secret in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in [`Scanner::rules`].
    pub rule: usize,
    /// Byte span of the secret in the blob. For a decoded secret, the span of the encoded text.
    pub secret_span: Range<usize>,
    /// Byte span from a paired identifier (a rule's `id` group, such as an AWS access key id) through the
    /// secret, in either order; the secret's span for unpaired rules.
    pub region: Range<usize>,
    /// The secret's bytes (decoded, if it was found inside an encoded run).
    pub secret: Vec<u8>,
    /// True when the secret was found inside base64-encoded text.
    pub decoded: bool,
    /// True when the rule's `raise` applies: the name the secret is assigned to says whose it is.
    pub raised: bool,
}

struct CompiledRule {
    regex: OnceLock<Option<(meta::Regex, usize, Option<usize>)>>,
    allow: OnceLock<Vec<meta::Regex>>,
}

/// Compiled rules, ready to scan any number of blobs from any number of threads.
pub struct Scanner {
    rules: Vec<Rule>,
    compiled: Vec<CompiledRule>,
    keywords: Option<AhoCorasick>,
    keyword_list: Vec<String>,
    keywords_dfa: OnceLock<Option<AhoCorasick>>,
    bytes_scanned: AtomicU64,
    keyword_rules: Vec<Vec<u32>>,
    /// Content rules without keywords (imported ones): their regex runs on all content.
    always: Vec<usize>,
    id: u64,
    paths: GlobSet,
    path_rules: Vec<usize>,
    /// Per rule: the files its `skip_paths` exclude.
    skip_paths: Vec<Option<GlobSet>>,
    /// Per rule: how far from a keyword hit the bytes that decide a match can lie. The window reaches
    /// [`BEFORE`] + [`SNAP`] bytes back and `window` + [`SNAP`] bytes on (plus the keyword), and the match
    /// and the look-around of its regex lie in it.
    reach: Vec<usize>,
    /// Length of the longest keyword.
    max_keyword: usize,
}

#[derive(Default)]
struct Scratch {
    hits: Vec<(u32, usize, usize)>,
    /// The scanner whose rules `caches` belong to.
    scanner_id: u64,
    /// Per-rule regex search state of this thread, created on a rule's first hit on this thread.
    caches: Vec<Option<RegexState>>,
    /// Sum of `caches`' memory use, kept under [`CACHE_BUDGET`].
    cache_bytes: usize,
}

/// A regex's mutable search state: its lazy-DFA and other engine caches, and a captures buffer.
struct RegexState {
    cache: meta::Cache,
    captures: Captures,
    bytes: usize,
}

/// Regex search caches a thread may hold across all rules. regex-automata's own pools keep one cache per
/// regex per thread that only grows; keyhound keeps the caches itself and, past this budget, drops all
/// but the one in use, so memory is bounded per thread however many rules there are. At 4 MiB the built-in
/// rules overflowed it on real code and rebuilt lazy-DFA states over and over (7% of a scan's time); at
/// 16 MiB a scan of crate sources is 5% faster for 15 MB more peak memory, and 64 MiB gains nothing more.
const CACHE_BUDGET: usize = 16 << 20;

static NEXT_SCANNER_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A rule's path glob as matched against slash-separated paths relative to the scan root: case-insensitive,
/// `*` stays within one directory, and a glob without `/` matches the file name in any directory.
fn path_glob(glob: &str) -> Option<globset::Glob> {
    let glob = if glob.contains('/') { glob.to_string() } else { format!("**/{glob}") };
    GlobBuilder::new(&glob).literal_separator(true).case_insensitive(true).build().ok()
}

impl Scanner {
    /// Builds the keyword automaton and path matcher. Regexes are compiled lazily, on a rule's first
    /// keyword hit, so start-up cost does not grow with the number of rules a scan never needs.
    pub fn new(rules: Vec<Rule>) -> Scanner {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut by_keyword = std::collections::HashMap::new();
        let mut paths = GlobSetBuilder::new();
        let mut path_rules = Vec::new();
        let mut always = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            match &rule.target {
                Target::Content(c) => {
                    if c.keywords.is_empty() {
                        always.push(i);
                    }
                    for kw in &c.keywords {
                        let key = kw.to_ascii_lowercase();
                        let slot = *by_keyword.entry(key.clone()).or_insert_with(|| {
                            keywords.push(key);
                            keyword_rules.push(Vec::new());
                            keywords.len() - 1
                        });
                        if !keyword_rules[slot].contains(&(i as u32)) {
                            keyword_rules[slot].push(i as u32);
                        }
                    }
                }
                Target::Path { path } => {
                    for g in path.iter().filter_map(|glob| path_glob(glob)) {
                        paths.add(g);
                        path_rules.push(i);
                    }
                }
            }
        }
        let skip_paths = rules
            .iter()
            .map(|rule| {
                let globs = rule.content().map(|c| c.skip_paths.as_slice()).unwrap_or_default();
                (!globs.is_empty()).then(|| {
                    let mut set = GlobSetBuilder::new();
                    globs.iter().filter_map(|glob| path_glob(glob)).for_each(|g| {
                        set.add(g);
                    });
                    set.build().unwrap_or_else(|_| GlobSet::empty())
                })
            })
            .collect();
        let automaton = build_keyword_automaton(&keywords, None);
        let max_keyword = keywords.iter().map(String::len).max().unwrap_or(1);
        let reach: Vec<usize> = rules
            .iter()
            .map(|rule| rule.content().map_or(0, |c| if c.keywords.is_empty() { 0 } else { c.window }))
            .map(|window| BEFORE + 2 * SNAP + window + max_keyword + 1)
            .collect();

        let compiled = rules.iter().map(|_| CompiledRule { regex: OnceLock::new(), allow: OnceLock::new() }).collect();
        Scanner {
            rules,
            compiled,
            keywords: automaton,
            keyword_list: keywords,
            keywords_dfa: OnceLock::new(),
            bytes_scanned: AtomicU64::new(0),
            keyword_rules,
            always,
            id: NEXT_SCANNER_ID.fetch_add(1, Ordering::Relaxed),
            paths: paths.build().unwrap_or_else(|_| GlobSet::empty()),
            path_rules,
            skip_paths,
            reach,
            max_keyword,
        }
    }

    /// All rules, indexed by [`Match::rule`].
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The confidence of `m`: its rule's, or the rule's `raise` level when that applies to `m`.
    pub fn confidence(&self, m: &Match) -> Confidence {
        let rule = &self.rules[m.rule];
        match (&rule.target, m.raised) {
            (Target::Content(ContentRule { raise: Some(raise), .. }), true) => raise.to,
            _ => rule.confidence,
        }
    }

    /// The rule at `index`.
    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    /// False when content rule `rule` skips the file at `path` (its `skip_paths`).
    pub fn applies_at(&self, rule: usize, path: &str) -> bool {
        self.skip_paths[rule].as_ref().is_none_or(|skip| !skip.is_match(path))
    }

    /// Indices of the path rules that match `path` (slash-separated, relative to the scan root).
    pub fn match_path(&self, path: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self.paths.matches(path).into_iter().map(|g| self.path_rules[g]).collect();
        out.dedup();
        out
    }

    /// Compiles a rule's regex now; the error says why it cannot be compiled.
    pub fn compile(&self, rule: usize) -> Result<(), String> {
        match &self.rules[rule].target {
            Target::Content(c) => build_regex(&c.pattern).map(|_| ()),
            Target::Path { .. } => Ok(()),
        }
    }

    /// All confirmed secrets in `data`, in order of position, with base64 runs decoded one level deep.
    pub fn scan(&self, data: &[u8]) -> Vec<Match> {
        self.scan_blob(data).matches()
    }

    /// Scans a whole blob; keep the result to scan the blob's deltas with [`Scanner::scan_delta`].
    pub fn scan_blob(&self, data: &[u8]) -> BlobMatches {
        let mut all = Vec::new();
        let mut hits = Vec::new();
        self.scan_into(data, None, Some(&mut hits), &mut all);
        self.scan_decoded(data, decode::base64_runs(data), &mut all);
        BlobMatches { all, hits }
    }

    /// Scans the base64 runs of `data`, adding what their decoded text holds, at the run's location.
    pub(crate) fn scan_decoded(&self, data: &[u8], runs: impl Iterator<Item = Range<usize>>, all: &mut Vec<Match>) {
        for run in runs {
            if let Some(decoded) = decode::decode_base64_text(&data[run.clone()]) {
                let mut inner = Vec::new();
                self.scan_into(&decoded, None, None, &mut inner);
                all.extend(inner.into_iter().map(|m| Match {
                    secret_span: run.clone(),
                    region: run.clone(),
                    decoded: true,
                    ..m
                }));
            }
        }
    }

    /// The keyword automaton to use: the quick-to-build NFA until enough bytes were scanned to pay for
    /// building the faster DFA.
    fn automaton(&self, len: usize) -> Option<&AhoCorasick> {
        if let Some(dfa) = self.keywords_dfa.get() {
            return dfa.as_ref();
        }
        let seen = self.bytes_scanned.fetch_add(len as u64, Ordering::Relaxed) + len as u64;
        if seen >= DFA_AFTER_BYTES {
            return self
                .keywords_dfa
                .get_or_init(|| build_keyword_automaton(&self.keyword_list, Some(AhoCorasickKind::DFA)))
                .as_ref();
        }
        self.keywords.as_ref()
    }

    /// Confirms the keyword hits of `data` into `out`, recording the keyword hits in `record`. With `delta`,
    /// the keyword hits are the base's, moved with the text the delta copied, plus those found near each
    /// change (the same hits a search of all of `data` finds), and a rule's merged window lying more than
    /// two reaches from every change is not confirmed but added to `delta.clean`: its matches are those of
    /// the same window in the base.
    pub(crate) fn scan_into(
        &self,
        data: &[u8],
        mut delta: Option<&mut DeltaScan>,
        record: Option<&mut Vec<KeywordHit>>,
        out: &mut Vec<Match>,
    ) {
        if self.keywords.is_none() && self.always.is_empty() {
            return;
        }
        let mut found = match delta.as_deref() {
            None => self.search_keywords(data, 0..data.len()),
            Some(delta) => self.delta_keywords(data, delta),
        };
        found.sort_unstable_by_key(|&(pattern, start, _)| (start, pattern));
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            if scratch.scanner_id != self.id {
                scratch.scanner_id = self.id;
                scratch.caches.clear();
                scratch.cache_bytes = 0;
            }
            if scratch.caches.len() < self.rules.len() {
                scratch.caches.resize_with(self.rules.len(), || None);
            }
            let mut hits = std::mem::take(&mut scratch.hits);
            hits.clear();
            for &(pattern, start, end) in &found {
                for &rule in &self.keyword_rules[pattern as usize] {
                    hits.push((rule, start, end));
                }
            }
            hits.sort_unstable();
            let mut finish = |scratch: &mut Scratch, rule: usize, content: &ContentRule, window: Range<usize>| {
                if let Some(delta) = delta.as_deref_mut() {
                    if delta.changed.distance_to(&window) > 2 * self.reach[rule] {
                        delta.clean.push((rule, window));
                        return;
                    }
                }
                self.confirm(scratch, rule, content, data, window, out);
            };
            let mut i = 0;
            while i < hits.len() {
                let rule = hits[i].0 as usize;
                let content = self.rules[rule].content().expect("keyword rules are content rules");
                let mut window: Option<Range<usize>> = None;
                while i < hits.len() && hits[i].0 as usize == rule {
                    let (_, start, end) = hits[i];
                    let w = window_around(data, start, end, content.window);
                    window = match window {
                        Some(cur) if w.start <= cur.end => Some(cur.start..cur.end.max(w.end)),
                        Some(cur) => {
                            finish(scratch, rule, content, cur);
                            Some(w)
                        }
                        None => Some(w),
                    };
                    i += 1;
                }
                if let Some(cur) = window {
                    finish(scratch, rule, content, cur);
                }
            }
            scratch.hits = hits;
            // Rules without keywords search all of `data` in one pass, which any change can affect.
            for &rule in &self.always {
                let content = self.rules[rule].content().expect("always-rules are content rules");
                self.confirm(scratch, rule, content, data, 0..data.len(), out);
            }
        });
        if let Some(record) = record {
            *record = found;
        }
    }

    /// Every keyword occurrence that starts in `range` of `data` (and may end past it), as (keyword,
    /// start, end).
    fn search_keywords(&self, data: &[u8], range: Range<usize>) -> Vec<KeywordHit> {
        let end = (range.end + self.max_keyword).min(data.len());
        let Some(ac) = self.automaton(end - range.start) else { return Vec::new() };
        ac.find_overlapping_iter(&data[range.start..end])
            .map(|hit| (hit.pattern().as_u32(), range.start + hit.start(), range.start + hit.end()))
            .filter(|&(_, start, _)| start < range.end)
            .collect()
    }

    /// A delta's keyword occurrences: the base's inside copied pieces, moved, and a search around every
    /// change for those that touch inserted bytes or a seam.
    fn delta_keywords(&self, data: &[u8], delta: &DeltaScan) -> Vec<KeywordHit> {
        let mut found = Vec::new();
        for (target, src) in delta.copies {
            let from = delta.base_hits.partition_point(|h| h.1 < *src);
            for &(pattern, start, end) in &delta.base_hits[from..] {
                if start >= src + target.len() {
                    break;
                }
                if end <= src + target.len() {
                    found.push((pattern, start - src + target.start, end - src + target.start));
                }
            }
        }
        let inside_a_piece = |start: usize, end: usize| {
            let i = delta.copies.partition_point(|(target, _)| target.end <= start);
            delta.copies.get(i).is_some_and(|(target, _)| target.start <= start && end <= target.end)
        };
        let reach = self.max_keyword.saturating_sub(1);
        for zone in delta.changed.zones(reach, data.len()) {
            let new = self.search_keywords(data, zone);
            found.extend(new.into_iter().filter(|&(_, start, end)| !inside_a_piece(start, end)));
        }
        found
    }

    fn confirm(
        &self,
        scratch: &mut Scratch,
        rule: usize,
        content: &ContentRule,
        data: &[u8],
        window: Range<usize>,
        out: &mut Vec<Match>,
    ) {
        let compiled = &self.compiled[rule];
        let Some((regex, secret_group, id_group)) = compiled
            .regex
            .get_or_init(|| {
                build_regex(&content.pattern).ok().map(|re| {
                    let info = re.group_info().clone();
                    let secret = info.to_index(regex_automata::PatternID::ZERO, "secret").unwrap();
                    let id = info.to_index(regex_automata::PatternID::ZERO, "id");
                    (re, secret, id)
                })
            })
            .as_ref()
        else {
            return;
        };
        let state = scratch.caches[rule].get_or_insert_with(|| RegexState {
            cache: regex.create_cache(),
            captures: regex.create_captures(),
            bytes: 0,
        });
        let end = window.end;
        let mut input = Input::new(data).span(window);
        loop {
            regex.search_captures_with(&mut state.cache, &input, &mut state.captures);
            let Some(whole) = state.captures.get_match() else { break };
            let next = if whole.is_empty() { whole.end() + 1 } else { whole.end() };
            if let Some(span) = state.captures.get_group(*secret_group) {
                let secret = &data[span.range()];
                // A paired secret's region runs from its identifier through the secret, in either order.
                let region = match id_group.and_then(|g| state.captures.get_group(g)) {
                    Some(id) => id.start.min(span.start)..id.end.max(span.end),
                    None => span.range(),
                };
                let known = out.iter().any(|m| m.rule == rule && m.secret_span == span.range());
                if !known && self.accepts(rule, content, secret) {
                    let raised = content.raise.as_ref().is_some_and(|r| {
                        r.applies_in(assigned_name(data, span.start), || enclosing_section(data, span.start))
                    });
                    out.push(Match {
                        rule,
                        secret_span: span.range(),
                        region,
                        secret: secret.to_vec(),
                        decoded: false,
                        raised,
                    });
                }
            }
            if next > end {
                break;
            }
            input.set_start(next);
        }
        // Keep this thread's regex caches within budget.
        let bytes = state.cache.memory_usage();
        scratch.cache_bytes = scratch.cache_bytes.saturating_sub(state.bytes) + bytes;
        state.bytes = bytes;
        if scratch.cache_bytes > CACHE_BUDGET {
            for (i, other) in scratch.caches.iter_mut().enumerate() {
                if i != rule {
                    *other = None;
                }
            }
            scratch.cache_bytes = bytes;
        }
    }

    fn accepts(&self, rule: usize, content: &ContentRule, secret: &[u8]) -> bool {
        if secret.is_empty() || is_placeholder(secret) {
            return false;
        }
        if self.rules[rule].is_generic() && has_counting_run(secret) {
            return false;
        }
        if content.entropy.is_some_and(|min| shannon_entropy(secret) < min) {
            return false;
        }
        if !content.requirements.satisfied_by(secret) {
            return false;
        }
        if content.checksum.is_some_and(|c| !checksum::passes(c, secret)) {
            return false;
        }
        if !content.allow.is_empty() {
            let allow = self.compiled[rule]
                .allow
                .get_or_init(|| content.allow.iter().filter_map(|a| build_allow(a).ok()).collect());
            if allow.iter().any(|re| re.is_match(secret)) {
                return false;
            }
        }
        true
    }
}

/// One automaton over all keywords (ASCII case-insensitive, overlapping matches); `None` without keywords.
fn build_keyword_automaton(keywords: &[String], kind: Option<AhoCorasickKind>) -> Option<AhoCorasick> {
    (!keywords.is_empty()).then(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(keywords)
            .expect("keyword automaton")
    })
}

/// The name a value starting at `secret_start` is assigned to: the identifier (words joined by `_ . -`
/// or single spaces, at most 64 bytes) before the quotes, brackets and operator (`=`, `:`, `=>`, `:=`)
/// that precede the value on its line. Empty when there is none.
fn assigned_name(data: &[u8], secret_start: usize) -> &[u8] {
    let line_start = data[..secret_start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let before = &data[line_start..secret_start];
    let is_glue = |b: u8| matches!(b, b' ' | b'\t' | b'"' | b'\'' | b'`' | b'\\' | b'[' | b']' | b'(' | b'$' | b'@');
    let is_operator = |b: u8| matches!(b, b'=' | b':' | b'>' | b'<' | b'?' | b'+' | b'|' | b',');
    let mut end = before.len();
    while end > 0 && (is_glue(before[end - 1]) || is_operator(before[end - 1])) {
        end -= 1;
    }
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    let mut start = end;
    while start > 0 && end - start < 64 {
        let b = before[start - 1];
        let joined_by_space = b == b' ' && start >= 2 && is_name(before[start - 2]) && start < end;
        if !(is_name(b) || joined_by_space) {
            break;
        }
        start -= 1;
    }
    &before[start..end]
}

/// How many lines [`enclosing_section`] looks back.
const SECTION_LOOKBACK: usize = 40;

/// The name of the section the value at `secret_start` sits in: the nearest `[section]` header line above
/// it (INI, TOML), or the nearest line above it that is indented less and opens a block (`name:` in YAML,
/// `name {` / `"name": {` in HCL, JSON and code). Empty when a less-indented line that opens no block comes
/// first, or nothing is found within [`SECTION_LOOKBACK`] lines.
fn enclosing_section(data: &[u8], secret_start: usize) -> &[u8] {
    let indent_of = |line: &[u8]| line.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    // On the first line there is nothing above.
    let Some(newline) = memchr::memrchr(b'\n', &data[..secret_start]) else { return b"" };
    let indent = indent_of(&data[newline + 1..secret_start]);
    let mut end = newline;
    for _ in 0..SECTION_LOOKBACK {
        let start = memchr::memrchr(b'\n', &data[..end]).map_or(0, |i| i + 1);
        let line = &data[start..end];
        let text = line.trim_ascii();
        let comment = text.starts_with(b"#") || text.starts_with(b"//") || text.starts_with(b";");
        if !text.is_empty() && !comment {
            let line_indent = indent_of(line);
            if text.len() > 2 && text[0] == b'[' && text[text.len() - 1] == b']' && line_indent <= indent {
                return last_identifier(text);
            }
            if line_indent < indent {
                return match text.last() {
                    Some(b':' | b'{') => last_identifier(&text[..text.len() - 1]),
                    _ => b"",
                };
            }
        }
        if start == 0 {
            break;
        }
        end = start - 1;
    }
    b""
}

/// The last run of identifier bytes (`A-Za-z0-9_.-`) in `text`, ignoring trailing quotes, spaces and `=`/`:`.
fn last_identifier(text: &[u8]) -> &[u8] {
    let is_name = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    let end = text.iter().rposition(is_name).map_or(0, |i| i + 1);
    let start = text[..end].iter().rposition(|b| !is_name(b)).map_or(0, |i| i + 1);
    &text[start..end]
}

/// The window a rule's regex runs in around a keyword hit at `start..end`: from up to [`BEFORE`] bytes
/// before it, back to its line start, through `after` bytes past it, forward to its line end; widening to
/// line boundaries stops after [`SNAP`] bytes so a single huge line cannot make a window huge.
fn window_around(data: &[u8], start: usize, end: usize, after: usize) -> Range<usize> {
    let from = start.saturating_sub(BEFORE);
    let snap_floor = from.saturating_sub(SNAP);
    let ws = memchr::memrchr(b'\n', &data[snap_floor..from]).map_or(snap_floor, |i| snap_floor + i + 1);
    let to = end.saturating_add(after).min(data.len());
    let snap_ceil = to.saturating_add(SNAP).min(data.len());
    let we = memchr::memchr(b'\n', &data[to..snap_ceil]).map_or(snap_ceil, |i| to + i);
    ws..we
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enclosing_section_is_the_header_or_parent_block() {
        let section = |text: &str, value: &str| {
            let start = text.find(value).unwrap();
            String::from_utf8_lossy(enclosing_section(text.as_bytes(), start)).into_owned()
        };
        assert_eq!(section("[server]\nport = 1\n\n[adafruit]\n# io\nkey = V1", "V1"), "adafruit");
        assert_eq!(section("[profile \"prod\"]\nkey = V1", "V1"), "prod");
        assert_eq!(section("services:\n  sendgrid:\n    user: a\n    key: V1", "V1"), "sendgrid");
        assert_eq!(section("{\n  \"mailgun\": {\n    \"key\": \"V1\"", "V1"), "mailgun");
        assert_eq!(section("provider \"datadog\" {\n  key = \"V1\"\n}", "V1"), "datadog");
        // A less-indented line that opens no block ends the search; so does the first line.
        assert_eq!(section("stripe:\n  - name: a\n    key: V1", "V1"), "");
        assert_eq!(section("key = V1", "V1"), "");
        assert_eq!(section("stripe = 1\nkey = V1", "V1"), "");
    }

    #[test]
    fn assigned_name_is_the_identifier_before_the_operator() {
        let name = |line: &str, value: &str| {
            let start = line.find(value).unwrap();
            String::from_utf8_lossy(assigned_name(line.as_bytes(), start)).into_owned()
        };
        assert_eq!(name("a = 1\nSTRIPE_API_KEY=sk1", "sk1"), "STRIPE_API_KEY");
        assert_eq!(name("  \"mailgun.key\": \"v1\"", "v1"), "mailgun.key");
        assert_eq!(name("const mailgunKey = 'v1';", "v1"), "const mailgunKey");
        assert_eq!(name("kling Access Key: v1", "v1"), "kling Access Key");
        assert_eq!(name("cfg[\"acme_key\"] => \"v1\"", "v1"), "acme_key");
        assert_eq!(name("v1", "v1"), "");
    }

    #[test]
    fn regex_caches_stay_within_the_thread_budget() {
        let rules = keyhound_rules::RuleSet::builtin().unwrap().rules;
        let keywords: Vec<String> = rules.iter().filter_map(|r| r.content()).flat_map(|c| c.keywords.clone()).collect();
        let scanner = Scanner::new(rules);
        // Every keyword in one text: every rule's regex runs on this thread.
        let text = keywords.iter().map(|k| format!("{k} = \"Zq8xW3vB7nM2kL9pR4tY6uI1oP5aS0dF\"\n")).collect::<String>();
        for _ in 0..3 {
            scanner.scan(text.as_bytes());
        }
        SCRATCH.with(|s| {
            let s = s.borrow();
            let live: usize = s.caches.iter().flatten().map(|c| c.cache.memory_usage()).sum();
            assert_eq!(live, s.cache_bytes);
            assert!(live <= CACHE_BUDGET + (1 << 20), "{live} bytes of regex caches");
        });
    }

    #[test]
    fn skip_paths_exclude_files_from_a_rule() {
        let yaml = "rules:\n  - id: x\n    name: X\n    provider: p\n    kind: api-key\n    confidence: medium\n    \
                    severity: high\n    keywords: [a]\n    pattern: '(?P<secret>a+)'\n    skip_paths: ['*.py', 'vendor/**']\n";
        let mut set = keyhound_rules::RuleSet::default();
        set.add_yaml("u.yaml", yaml, false).unwrap();
        let scanner = Scanner::new(set.rules);
        for path in ["lexer.py", "src/Lexer.PY", "vendor/lib/config.env"] {
            assert!(!scanner.applies_at(0, path), "{path}");
        }
        for path in ["config.env", "src/vendor/config.env", "lexer.pyc"] {
            assert!(scanner.applies_at(0, path), "{path}");
        }
    }

    #[test]
    fn window_is_bounded_on_a_single_huge_line() {
        let data = vec![b'a'; 100_000];
        let w = window_around(&data, 50_000, 50_004, 512);
        assert!(w.start >= 50_000 - BEFORE - SNAP && w.end <= 50_004 + 512 + SNAP);
    }
}

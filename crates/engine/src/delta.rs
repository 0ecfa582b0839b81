//! Scanning a blob that is a delta of a scanned base: only text near what the delta changed is scanned,
//! and the base's matches in text the delta copied are carried over.
//!
//! A match depends only on bytes within its rule's [`Scanner::reach`] of it (its keyword hit, the window
//! around the hit, the match itself). So a base match whose reach the delta copied unchanged, as one piece,
//! is a match of the blob at the copied place; and every other match of the blob has a keyword hit within
//! three reaches of a changed byte (an inserted byte, or a seam where copied pieces meet), which is where
//! the blob is scanned. Base64 runs are rescanned when they lie near a change and carried over otherwise.
use std::ops::Range;

use crate::decode;

/// Bytes around a base64 run that decide it: a run is a maximal stretch of base64 characters, so only its
/// neighbours matter; the margin is generous.
const RUN_REACH: usize = 64;
use crate::scanner::{KeywordHit, Match, Scanner};

/// What a delta scan needs beside the blob: the base's keyword hits, what the delta copied and changed,
/// and (filled in by the scan) the merged windows far enough from every change to take the base's matches.
pub(crate) struct DeltaScan<'a> {
    pub(crate) base_hits: &'a [KeywordHit],
    pub(crate) copies: &'a [(Range<usize>, usize)],
    pub(crate) changed: &'a Changed,
    pub(crate) clean: Vec<(usize, Range<usize>)>,
}

/// Every confirmed match of a blob, before deduplication across decoded runs: what a delta of the blob
/// inherits. [`BlobMatches::matches`] gives what is reported.
#[derive(Debug, Clone, Default)]
pub struct BlobMatches {
    pub(crate) all: Vec<Match>,
    /// The blob's keyword occurrences, by start: a delta of the blob reuses those in the text it copied.
    pub(crate) hits: Vec<KeywordHit>,
}

impl BlobMatches {
    /// The blob's matches in order of position. A secret found in decoded text is dropped when the same
    /// rule found it in plain text, or in an earlier encoded run.
    pub fn matches(&self) -> Vec<Match> {
        let mut out: Vec<Match> = self.all.iter().filter(|m| !m.decoded).cloned().collect();
        let mut decoded: Vec<&Match> = self.all.iter().filter(|m| m.decoded).collect();
        decoded.sort_by_key(|m| (m.secret_span.start, m.rule));
        for m in decoded {
            if !out.iter().any(|o| o.rule == m.rule && o.secret == m.secret) {
                out.push(m.clone());
            }
        }
        out.sort_by_key(|m| (m.secret_span.start, m.rule));
        out
    }
}

/// Where a blob differs from its base: inserted ranges and seams (empty ranges), sorted and disjoint.
pub(crate) struct Changed {
    spans: Vec<Range<usize>>,
}

impl Changed {
    /// The changes of a blob of `len` bytes that copied `copies` (target range, base offset; in target
    /// order) from a base of `base_len` bytes.
    fn new(len: usize, base_len: usize, copies: &[(Range<usize>, usize)]) -> Changed {
        let mut spans: Vec<Range<usize>> = Vec::new();
        let mut at = 0;
        for (target, base) in copies {
            if target.start > at {
                spans.push(at..target.start);
            }
            // The edges of a copied piece are seams, unless the piece starts (ends) where both texts do.
            if !(target.start == 0 && *base == 0) {
                spans.push(target.start..target.start);
            }
            if !(target.end == len && base + target.len() == base_len) {
                spans.push(target.end..target.end);
            }
            at = target.end;
        }
        if at < len || copies.is_empty() {
            spans.push(at..len);
        }
        spans.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        Changed { spans: merged }
    }

    /// Distance from `range` to the nearest change (0 when they touch).
    pub(crate) fn distance_to(&self, range: &Range<usize>) -> usize {
        let i = self.spans.partition_point(|r| r.end < range.start);
        let after = self.spans.get(i).map_or(usize::MAX, |r| r.start.saturating_sub(range.end));
        let before = i.checked_sub(1).map_or(usize::MAX, |j| range.start - self.spans[j].end);
        after.min(before)
    }

    /// The changes widened by `margin` on both sides (within `0..len`), merged.
    pub(crate) fn zones(&self, margin: usize, len: usize) -> Vec<Range<usize>> {
        let mut zones: Vec<Range<usize>> = Vec::new();
        for span in &self.spans {
            let zone = span.start.saturating_sub(margin)..span.end.saturating_add(margin).min(len);
            match zones.last_mut() {
                Some(last) if zone.start <= last.end => last.end = last.end.max(zone.end),
                _ => zones.push(zone),
            }
        }
        zones
    }
}

impl Scanner {
    /// Scans `data`, a blob made by a delta from a base of `base_len` bytes whose scan gave `base`:
    /// `copies` are the pieces of `data` copied from the base (target range in `data`, offset in the
    /// base), in order. Finds the same matches as [`Scanner::scan_blob`] on `data`, reading only the text
    /// near what the delta changed.
    pub fn scan_delta(
        &self,
        data: &[u8],
        base_len: usize,
        copies: &[(Range<usize>, usize)],
        base: &BlobMatches,
    ) -> BlobMatches {
        let changed = Changed::new(data.len(), base_len, copies);
        let mut all = Vec::new();
        let mut hits = Vec::new();
        let mut delta = DeltaScan { base_hits: &base.hits, copies, changed: &changed, clean: Vec::new() };
        self.scan_into(data, Some(&mut delta), Some(&mut hits), &mut all);
        let clean = delta.clean;
        // A clean window lies inside one copied piece with two reaches to spare on each side, so the base
        // has the same window there (same hits, same merges): its matches are the base window's.
        for (rule, window) in clean {
            let Some((target, src)) =
                copies.iter().find(|(target, _)| target.start <= window.start && window.end <= target.end)
            else {
                continue;
            };
            let in_base = window.start - target.start + src..window.end - target.start + src;
            for m in base.all.iter().filter(|m| m.rule == rule && !m.decoded) {
                if in_base.start <= m.region.start.min(m.secret_span.start)
                    && m.region.end.max(m.secret_span.end) <= in_base.end
                {
                    let moved = |r: &Range<usize>| r.start - src + target.start..r.end - src + target.start;
                    all.push(Match { secret_span: moved(&m.secret_span), region: moved(&m.region), ..m.clone() });
                }
            }
        }
        // Base64 runs near a change, found whole: zones are widened to the runs' edges.
        let mut runs: Vec<Range<usize>> = Vec::new();
        for zone in changed.zones(RUN_REACH, data.len()) {
            let is_run_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=');
            let start = data[..zone.start].iter().rposition(|&b| !is_run_byte(b)).map_or(0, |i| i + 1);
            let end = data[zone.end..].iter().position(|&b| !is_run_byte(b)).map_or(data.len(), |i| zone.end + i);
            for run in decode::base64_runs(&data[start..end]) {
                let run = start + run.start..start + run.end;
                if runs.last().is_none_or(|last| last.end <= run.start) {
                    runs.push(run);
                }
            }
        }
        self.scan_decoded(data, runs.into_iter(), &mut all);
        // Matches in base64 runs that were copied unchanged, in one piece, with a reach to spare.
        for m in base.all.iter().filter(|m| m.decoded) {
            let lo = m.secret_span.start.min(m.region.start);
            let hi = m.secret_span.end.max(m.region.end);
            let reach = RUN_REACH;
            let (from, to) = (lo.saturating_sub(reach), (hi + reach).min(base_len));
            // A delta may copy the same base text to several places.
            let pieces = copies.iter().filter(|(target, src)| {
                *src <= from
                    && to <= src + target.len()
                    && (lo >= reach || (*src == 0 && target.start == 0))
                    && (hi + reach <= base_len || (src + target.len() == base_len && target.end == data.len()))
            });
            for (target, src) in pieces {
                let moved = |r: &Range<usize>| r.start - src + target.start..r.end - src + target.start;
                let inherited = Match { secret_span: moved(&m.secret_span), region: moved(&m.region), ..m.clone() };
                let known = all.iter().any(|o| {
                    o.rule == inherited.rule
                        && o.secret_span == inherited.secret_span
                        && o.decoded == inherited.decoded
                        && o.secret == inherited.secret
                });
                if !known {
                    all.push(inherited);
                }
            }
        }
        BlobMatches { all, hits }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_inserts_and_seams() {
        // "AAAA" + inserted "xx" + base[10..14] at the end of both texts.
        let changed = Changed::new(10, 14, &[(0..4, 0), (6..10, 10)]);
        assert_eq!(changed.spans, vec![4..6]);
        // A piece copied from the middle of the base: both its edges are seams.
        let changed = Changed::new(4, 14, &[(0..4, 5)]);
        assert_eq!(changed.spans, vec![0..0, 4..4]);
        assert_eq!(changed.distance_to(&(2..2)), 2);
        assert_eq!(changed.distance_to(&(1..3)), 1);
        assert_eq!(changed.zones(1, 4), vec![0..1, 3..4]);
    }
}

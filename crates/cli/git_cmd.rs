//! The git modes of `keyhound scan`: `--git` (full history), `--range`/`--since` (CI) and `--staged`
//! (pre-commit). Sources come from keyhound-sources; this file attaches provenance to findings.
use std::path::PathBuf;

use anyhow::Result;
use keyhound_engine::BlobMatches;
use keyhound_report::{redact, Finding, VersionControl};
use keyhound_sources::{
    is_binary, Blob, BlobVersion, CommitMeta, History, HistoryOptions, MessageKind, SkipReason, WalkStats,
};

use crate::args::ScanArgs;
use crate::scan_cmd::{root_uri, Collector};

fn repo_path(args: &ScanArgs) -> PathBuf {
    args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."))
}

fn attach(finding: &mut Finding, commit: &CommitMeta) {
    finding.commit = Some(commit.id.clone());
    finding.author_name = Some(commit.author_name.clone());
    finding.author_email = Some(commit.author_email.clone());
    finding.date = Some(commit.date.clone());
    finding.summary = Some(commit.summary.clone());
}

/// `--git`, `--range`, `--since`: every blob the selected commits introduced, once, plus their messages.
pub fn scan_history(
    args: &ScanArgs,
    max_file_size: u64,
    collector: &Collector,
    stats: &WalkStats,
) -> Result<VersionControl> {
    let mut range = args.range.clone().or_else(|| args.since.as_ref().map(|rev| format!("{rev}..HEAD")));
    let mut hide_remote_refs = false;
    if args.pre_push {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let to = var("PRE_COMMIT_TO_REF").unwrap_or_else(|| "HEAD".into());
        match var("PRE_COMMIT_FROM_REF").filter(|from| from.bytes().any(|b| b != b'0')) {
            Some(from) => range = Some(format!("{from}..{to}")),
            // A new branch: everything no remote-tracking ref has yet.
            None => {
                range = Some(format!("..{to}"));
                hide_remote_refs = true;
            }
        }
    }
    let options =
        HistoryOptions { branch: args.branch.clone(), range, hide_remote_refs, all_objects: args.all_objects };
    let history = History::open(&repo_path(args), &options)?;
    // A blob read as a pack delta is scanned with its base's scan: only the text near what the delta
    // changed is searched, and the base's keyword hits and matches carry over through copied text.
    let scanner = collector.scanner();
    history.scan_blobs(max_file_size, args.whole_blobs, stats, &|blob| {
        let BlobVersion { id, data, binary, intros, delta } = *blob;
        let scanned = (!binary).then(|| match delta {
            Some((delta, base)) => {
                let copies: Vec<_> = delta.copies.iter().map(|c| (c.target.clone(), c.base)).collect();
                scanner.scan_delta(data, delta.base_len, &copies, base)
            }
            None => scanner.scan_blob(data),
        });
        let matches = scanned.as_ref().map(BlobMatches::matches).unwrap_or_default();
        let Some(first) = intros.first() else {
            // An unreachable blob (--all-objects): no path, no commit; named by its id.
            let name = format!("keyhound-blob:{id}");
            let blob = Blob { path: &name, rel_path: &name, data: Some(data), binary };
            let mut found = collector.findings_of(&blob, "git-blob", matches);
            for f in &mut found {
                f.path = None;
            }
            collector.push(found);
            return scanned;
        };
        let blob = Blob { path: &first.path, rel_path: &first.path, data: Some(data), binary };
        let content = collector.findings_of(&blob, "git-blob", matches);
        let mut found = Vec::new();
        for intro in intros {
            let blob = Blob { path: &intro.path, rel_path: &intro.path, data: Some(data), binary };
            let mut here = collector.path_findings(&blob, "git-blob");
            here.extend(content.iter().cloned().map(|mut f| {
                f.path = Some(intro.path.clone());
                f.rel_path = Some(intro.path.clone());
                f
            }));
            for f in &mut here {
                attach(f, &history.commits[intro.commit]);
                f.in_head = Some(history.in_head(&intro.path, &f.secret_value));
            }
            found.extend(here);
        }
        collector.push(found);
        scanned
    });
    for message in &history.messages {
        let commit = &history.commits[message.commit];
        let (source, name) = match message.kind {
            MessageKind::Commit => ("commit-message", format!("keyhound-commit:{}", commit.id)),
            MessageKind::Tag => ("tag-message", format!("keyhound-commit:{}", commit.id)),
        };
        let blob = Blob { path: &name, rel_path: &name, data: Some(&message.text), binary: false };
        let mut found = collector.content_findings(&blob, source);
        for f in &mut found {
            f.path = None;
            attach(f, commit);
            f.in_head = Some(false);
        }
        collector.push(found);
    }
    Ok(VersionControl {
        repository_uri: root_uri(std::slice::from_ref(&history.root)),
        revision: history.head_commit.clone(),
        branch: history.head_branch.clone(),
    })
}

/// `--staged`: what the index would commit, keeping only secrets HEAD does not already have at that path
/// (or in a file the change deletes or renames away).
pub fn scan_staged(args: &ScanArgs, collector: &Collector, stats: &WalkStats) -> Result<()> {
    let staged = keyhound_sources::staged(&repo_path(args))?;
    for _ in 0..staged.submodules {
        stats.add_skip(SkipReason::Submodule);
    }
    for _ in 0..staged.unmerged_or_intent {
        stats.add_skip(SkipReason::NotCommittable);
    }
    for change in &staged.changes {
        let binary = is_binary(&change.data);
        if binary {
            stats.add_skip(SkipReason::Binary);
        } else {
            stats.add_scanned(change.data.len() as u64);
        }
        let blob = Blob { path: &change.path, rel_path: &change.path, data: Some(&change.data), binary };
        // A sensitive file that HEAD already has at this path is not new.
        let mut found = if change.head.is_none() { collector.path_findings(&blob, "staged") } else { Vec::new() };
        let old: Vec<&[u8]> = change.head.iter().chain(&staged.removed).map(Vec::as_slice).collect();
        found.extend(
            collector
                .content_findings(&blob, "staged")
                .into_iter()
                .filter(|f| !old.iter().any(|o| memchr::memmem::find(o, &f.secret_value).is_some())),
        );
        collector.push(found);
    }
    Ok(())
}

/// Commit summaries can hold secrets too: redact every secret found in the same commit out of each
/// finding's summary.
pub fn redact_summaries(findings: &mut [Finding]) {
    let mut by_commit: std::collections::HashMap<String, Vec<Vec<u8>>> = std::collections::HashMap::new();
    for f in findings.iter() {
        if let Some(commit) = &f.commit {
            if !f.secret_value.is_empty() {
                by_commit.entry(commit.clone()).or_default().push(f.secret_value.clone());
            }
        }
    }
    for f in findings.iter_mut() {
        let (Some(commit), Some(summary)) = (&f.commit, &f.summary) else { continue };
        let mut text = summary.clone();
        for secret in by_commit.get(commit).into_iter().flatten() {
            let secret = String::from_utf8_lossy(secret);
            if !secret.is_empty() {
                text = text.replace(secret.as_ref(), &redact(&secret));
            }
        }
        f.summary = Some(text);
    }
}

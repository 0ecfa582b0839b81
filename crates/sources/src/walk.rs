//! The parallel directory walk.
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

use crate::excludes::{is_excluded_dir, is_excluded_file};
use crate::ignores::IgnoreRules;
use crate::stats::{SkipReason, WalkStats};

/// Files at least this large are memory-mapped; smaller ones are read into a reused per-thread buffer,
/// which is cheaper than setting up a mapping. Mapping only big files also keeps the SIGBUS risk of a file
/// truncated while mapped to the rare huge file.
const MMAP_THRESHOLD: u64 = 16 * 1024 * 1024;
/// Capacity of the per-thread read buffer kept between files.
const KEEP_BUFFER: usize = 1024 * 1024;
/// Content with a NUL byte in this prefix is treated as binary.
const BINARY_PROBE: usize = 8 * 1024;

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Scan files that `.gitignore`/`.ignore` exclude.
    pub no_ignore: bool,
    /// Scan dependency directories, lockfiles, minified bundles and media too.
    pub all_files: bool,
    /// Follow symbolic links.
    pub follow_links: bool,
    /// Files larger than this many bytes are skipped (path rules still see them).
    pub max_file_size: u64,
    /// Worker threads; 0 picks the number of CPUs.
    pub threads: usize,
    /// Paths (relative to a root) matching these globs are skipped: the config's allowlist.
    pub allowlist: Option<GlobSet>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            no_ignore: false,
            all_files: false,
            follow_links: false,
            max_file_size: 100 * 1024 * 1024,
            threads: 0,
            allowlist: None,
        }
    }
}

/// One file's content and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// The path as the user would type it (the root joined with `rel_path`).
    pub path: &'a str,
    /// The path relative to the scan root, `/`-separated (for path rules, allowlists and SARIF).
    pub rel_path: &'a str,
    /// The file's bytes; `None` when it was too large to read (path rules still apply).
    pub data: Option<&'a [u8]>,
    /// True when the bytes are binary: only path rules apply to them.
    pub binary: bool,
}

/// True when `data` holds a NUL byte in its first 8 KiB.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

/// Walks every root (a file is scanned as named; a directory by the walk rules) and calls `visit` for
/// each file on the walk's worker threads.
pub fn walk(roots: &[PathBuf], opts: &WalkOptions, stats: &WalkStats, visit: &(dyn Fn(&Blob) + Sync)) {
    for root in roots {
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => walk_dir(root, opts, stats, visit),
            Ok(_) => {
                let shown = display(root);
                let mut buf = Vec::new();
                read_and_visit(root, &shown, &shown, opts, stats, &mut buf, visit);
            }
            Err(e) => stats.add_error(format!("{}: {e}", root.display())),
        }
    }
}

fn display(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut s = text.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

fn walk_dir(root: &Path, opts: &WalkOptions, stats: &WalkStats, visit: &(dyn Fn(&Blob) + Sync)) {
    let abs_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let ignores = (!opts.no_ignore).then(|| IgnoreRules::new(&abs_root));
    let root_shown = display(root);
    WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(false)
        .follow_links(opts.follow_links)
        .threads(opts.threads)
        .build_parallel()
        .run(|| {
            let mut buf = Vec::new();
            let ignores = ignores.as_ref();
            let root_shown = &root_shown;
            let abs_root = &abs_root;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        stats.add_error(e.to_string());
                        return WalkState::Continue;
                    }
                };
                if entry.depth() == 0 {
                    return WalkState::Continue;
                }
                let path = entry.path();
                let rel = path.strip_prefix(root).unwrap_or(path);
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                if entry.file_name() == ".git" {
                    return if is_dir { WalkState::Skip } else { WalkState::Continue };
                }
                let ignored = |is_dir| ignores.is_some_and(|i| i.is_ignored(&abs_root.join(rel), is_dir));
                if is_dir {
                    if !opts.all_files && is_excluded_dir(rel) {
                        stats.add_skip(SkipReason::Excluded);
                        return WalkState::Skip;
                    }
                    if ignored(true) {
                        stats.add_skip(SkipReason::Ignored);
                        return WalkState::Skip;
                    }
                    return WalkState::Continue;
                }
                if entry.path_is_symlink() && !opts.follow_links {
                    let reason = if path.exists() { SkipReason::Symlink } else { SkipReason::BrokenSymlink };
                    stats.add_skip(reason);
                    return WalkState::Continue;
                }
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    if !path.exists() {
                        stats.add_skip(SkipReason::BrokenSymlink);
                    }
                    return WalkState::Continue;
                }
                let rel_path = display(rel);
                let name = entry.file_name().to_string_lossy();
                if !opts.all_files && is_excluded_file(&name) {
                    stats.add_skip(SkipReason::Excluded);
                } else if ignored(false) {
                    stats.add_skip(SkipReason::Ignored);
                } else if opts.allowlist.as_ref().is_some_and(|a| a.is_match(&rel_path)) {
                    stats.add_skip(SkipReason::Allowlisted);
                } else {
                    let shown = if root_shown.is_empty() || root_shown == "." {
                        rel_path.clone()
                    } else {
                        format!("{}/{}", root_shown.trim_end_matches('/'), rel_path)
                    };
                    read_and_visit(path, &shown, &rel_path, opts, stats, &mut buf, visit);
                }
                WalkState::Continue
            })
        });
}

fn read_and_visit(
    path: &Path,
    shown: &str,
    rel_path: &str,
    opts: &WalkOptions,
    stats: &WalkStats,
    buf: &mut Vec<u8>,
    visit: &(dyn Fn(&Blob) + Sync),
) {
    let unreadable = |e: std::io::Error| stats.add_error(format!("{shown}: {e}"));
    let skipped = |reason| {
        stats.add_skip(reason);
        visit(&Blob { path: shown, rel_path, data: None, binary: false });
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => return unreadable(e),
    };
    let len = match file.metadata() {
        Ok(meta) => meta.len(),
        Err(e) => return unreadable(e),
    };
    if len > opts.max_file_size {
        return skipped(SkipReason::TooLarge);
    }
    let mapped;
    let data: &[u8] = if len >= MMAP_THRESHOLD {
        // SAFETY: the mapping is read-only and dropped before this function returns; a file truncated by
        // another process while mapped is the documented risk of memory-mapped scanning.
        mapped = match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => map,
            Err(e) => return unreadable(e),
        };
        &mapped
    } else {
        buf.clear();
        // The file may grow while read: never read more than the cap.
        if let Err(e) = (&file).take(opts.max_file_size + 1).read_to_end(buf) {
            return unreadable(e);
        }
        if buf.len() as u64 > opts.max_file_size {
            return skipped(SkipReason::TooLarge);
        }
        buf
    };
    let binary = is_binary(data);
    if binary {
        stats.add_skip(SkipReason::Binary);
    } else {
        stats.add_scanned(data.len() as u64);
    }
    visit(&Blob { path: shown, rel_path, data: Some(data), binary });
    // One big file must not pin its size in this thread's buffer for the rest of the walk.
    if buf.capacity() > KEEP_BUFFER {
        *buf = Vec::with_capacity(KEEP_BUFFER);
    }
}

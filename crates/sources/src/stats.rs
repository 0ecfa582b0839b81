//! Counters of what a scan read and what it skipped, by reason.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Why a file (or directory) was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Larger than the size cap.
    TooLarge,
    /// Holds NUL bytes in its first 8 KiB (path rules still apply).
    Binary,
    /// Excluded by a `.gitignore`/`.ignore` file.
    Ignored,
    /// Excluded by default (dependency directories, lockfiles, minified bundles, media).
    Excluded,
    /// Excluded by the config's path allowlist.
    Allowlisted,
    /// Could not be read (permission denied, vanished, I/O error, symlink loop).
    Unreadable,
    /// A symbolic link whose target does not exist.
    BrokenSymlink,
    /// A symbolic link, not followed (use `--follow`).
    Symlink,
    /// A git submodule entry (its own repository is not scanned).
    Submodule,
    /// An index entry that cannot be committed as is: an unresolved conflict or an intent-to-add entry.
    NotCommittable,
}

impl SkipReason {
    /// All reasons, in the order the summary lists them.
    pub const ALL: [SkipReason; 10] = [
        SkipReason::TooLarge,
        SkipReason::Binary,
        SkipReason::Ignored,
        SkipReason::Excluded,
        SkipReason::Allowlisted,
        SkipReason::Unreadable,
        SkipReason::BrokenSymlink,
        SkipReason::Symlink,
        SkipReason::Submodule,
        SkipReason::NotCommittable,
    ];

    /// Short name used in summaries and JSON.
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::TooLarge => "too_large",
            SkipReason::Binary => "binary",
            SkipReason::Ignored => "ignored",
            SkipReason::Excluded => "excluded",
            SkipReason::Allowlisted => "allowlisted",
            SkipReason::Unreadable => "unreadable",
            SkipReason::BrokenSymlink => "broken_symlink",
            SkipReason::Symlink => "symlink",
            SkipReason::Submodule => "submodule",
            SkipReason::NotCommittable => "not_committable",
        }
    }
}

/// Thread-safe counters filled by a walk.
#[derive(Debug, Default)]
pub struct WalkStats {
    files: AtomicU64,
    bytes: AtomicU64,
    skipped: [AtomicU64; 10],
    errors: Mutex<Vec<String>>,
}

impl WalkStats {
    /// Counts one file whose `len` bytes were scanned.
    pub fn add_scanned(&self, len: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
    }

    /// Counts one skipped entry.
    pub fn add_skip(&self, reason: SkipReason) {
        self.skipped[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an unreadable entry and keeps its message.
    pub fn add_error(&self, message: String) {
        self.add_skip(SkipReason::Unreadable);
        self.errors.lock().unwrap_or_else(|e| e.into_inner()).push(message);
    }

    /// Files scanned.
    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    /// Bytes scanned.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Entries skipped for `reason`.
    pub fn skipped(&self, reason: SkipReason) -> u64 {
        self.skipped[reason as usize].load(Ordering::Relaxed)
    }

    /// Messages of the entries that could not be read.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

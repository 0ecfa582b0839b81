//! keyhound's inputs: what to scan and where each piece of content came from.
//!
//! [`walk`] scans files and directory trees in parallel with the walk rules of ripgrep: hidden files are
//! scanned, `.git/` internals are not, `.gitignore`/`.ignore` are honoured (`no_ignore` to scan anyway),
//! dependency directories, lockfiles, minified bundles and media are excluded by default (`all_files`),
//! and a path named explicitly is always scanned. Every skipped file is counted by reason in [`WalkStats`].
//!
//! ```
//! use keyhound_sources::{walk, WalkOptions, WalkStats};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("a.txt"), "hello").unwrap();
//! let stats = WalkStats::default();
//! let seen = std::sync::Mutex::new(Vec::new());
//! walk(&[dir.path().to_path_buf()], &WalkOptions::default(), &stats, &|blob| {
//!     seen.lock().unwrap().push(blob.rel_path.to_string());
//! });
//! assert_eq!(seen.into_inner().unwrap(), vec!["a.txt"]);
//! ```

mod excludes;
mod git;
mod ignores;
mod pack;
mod stats;
mod walk;

pub use git::{
    staged, BlobVersion, CommitMeta, GitError, History, HistoryOptions, Intro, Message, MessageKind, Staged,
    StagedChange,
};
pub use gix::ObjectId;
pub use pack::{apply_delta, Delta, DeltaCopy};
pub use stats::{SkipReason, WalkStats};
pub use walk::{is_binary, walk, Blob, WalkOptions};

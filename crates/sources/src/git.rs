//! Git sources read with gix (no `git` subprocess, no checkout): the full history, a commit range, and
//! the staged changes of the index.
//!
//! History and range scans visit each unique blob once. Which blobs a commit introduced comes from a tree
//! diff against its first parent that skips every subtree whose id did not change; walking commits oldest
//! first, the first commit that brought a blob to a path is that blob's provenance there.
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use gix::bstr::{BStr, ByteSlice};
use gix::ObjectId;
use rayon::prelude::*;

use crate::pack::{pack_indexes, visit_pack_blobs, Delta};
use crate::stats::{SkipReason, WalkStats};

/// A git repository that cannot be read, or a revision that cannot be resolved.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GitError(pub String);

fn err(context: impl std::fmt::Display) -> impl FnOnce(&dyn std::fmt::Display) -> GitError {
    move |e| GitError(format!("{context}: {e}"))
}

macro_rules! ctx {
    ($result:expr, $($fmt:tt)+) => {
        $result.map_err(|e| err(format!($($fmt)+))(&e))
    };
}

/// Who made a commit, when, and what it says.
#[derive(Debug, Clone)]
pub struct CommitMeta {
    /// Full 40-hex commit id.
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    /// Author date, RFC 3339.
    pub date: String,
    /// First line of the message.
    pub summary: String,
    time: i64,
}

/// The commit (index into [`History::commits`]) that first brought a blob to a path.
#[derive(Debug, Clone)]
pub struct Intro {
    pub path: String,
    pub commit: usize,
}

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Commit,
    Tag,
}

/// A commit or tag message, attributed to a commit.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: MessageKind,
    pub commit: usize,
    pub text: Vec<u8>,
}

/// A blob of the history, ready to scan; `S` is what the scan of a blob leaves for its deltas.
pub struct BlobVersion<'a, S> {
    pub id: &'a ObjectId,
    pub data: &'a [u8],
    /// Binary content is not scanned (path rules still apply).
    pub binary: bool,
    /// Where the blob was introduced (empty for an unreachable blob).
    pub intros: &'a [Intro],
    /// How the blob was made from its pack delta base, and what the base's visit returned, when it
    /// returned something: everything the delta did not insert is text the base scan has already seen.
    pub delta: Option<(&'a Delta, &'a S)>,
}

/// Called for each blob of the history; a delta base is always visited before its deltas, and what its
/// visit returns is handed to them.
pub type BlobVisitor<'a, S> = dyn Fn(&BlobVersion<S>) -> Option<S> + Sync + 'a;

/// What part of the history to read.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Only commits reachable from this revision (default: every ref, stash included).
    pub branch: Option<String>,
    /// Only the commits of `BASE..HEAD` (what a push or pull request introduced).
    pub range: Option<String>,
    /// Hide every commit reachable from a remote-tracking ref (`refs/remotes/*`): with a range whose base
    /// is empty (`..TO`), the commits of a new branch that no remote has yet.
    pub hide_remote_refs: bool,
    /// Also every blob in the object database that no ref reaches (dangling, unreachable); such blobs
    /// have no path and no commit.
    pub all_objects: bool,
}

/// The blobs and messages of a history, ready to be scanned.
pub struct History {
    repo: gix::ThreadSafeRepository,
    pub commits: Vec<CommitMeta>,
    /// Each unique blob once, with where it was introduced (oldest first, one entry per path).
    pub blobs: Vec<(ObjectId, Vec<Intro>)>,
    pub messages: Vec<Message>,
    head_tree: Option<ObjectId>,
    /// Full id of HEAD's commit, if any.
    pub head_commit: Option<String>,
    /// HEAD's branch name (`refs/heads/...`), if HEAD is on a branch.
    pub head_branch: Option<String>,
    /// The repository's work tree or git dir.
    pub root: std::path::PathBuf,
}

/// Bytes of decoded delta bases each thread keeps while reading trees or blobs by id.
const DELTA_BASE_CACHE: usize = 32 << 20;

/// A thread's repository handle with a delta-base cache. gix sets up none without its `max-performance`
/// feature (and ignores `core.deltaBaseCacheLimit`): without one, every object stored as a delta would be
/// rebuilt from the root of its delta chain (~20 deltas deep in a long history).
fn with_delta_cache(mut repo: gix::Repository) -> gix::Repository {
    repo.objects.set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(DELTA_BASE_CACHE)));
    repo
}

fn open(path: &Path) -> Result<gix::Repository, GitError> {
    let repo = ctx!(gix::discover(path), "{} is not a git repository", path.display())?;
    Ok(repo)
}

fn commit_meta(commit: &gix::Commit<'_>) -> Result<CommitMeta, GitError> {
    let id = commit.id;
    let author = ctx!(commit.author(), "commit {id}: bad author")?;
    let time = author.time().unwrap_or_default();
    let summary = commit.message().map(|m| m.summary().to_str_lossy().into_owned()).unwrap_or_default();
    Ok(CommitMeta {
        id: id.to_string(),
        author_name: author.name.to_str_lossy().trim().to_string(),
        author_email: author.email.to_str_lossy().trim().to_string(),
        date: time.format_or_unix(gix::date::time::format::ISO8601_STRICT),
        summary,
        time: time.seconds,
    })
}

impl History {
    /// Reads which commits, blobs and messages make up the history (or range) of the repository at `path`.
    pub fn open(path: &Path, options: &HistoryOptions) -> Result<History, GitError> {
        let repo = open(path)?;
        let mut tips: Vec<ObjectId> = Vec::new();
        let mut hidden: Vec<ObjectId> = Vec::new();
        let mut tag_messages: Vec<(ObjectId, Vec<u8>)> = Vec::new();
        if let Some(range) = &options.range {
            let (base, head) = range.split_once("..").unwrap_or((range.as_str(), "HEAD"));
            let head = if head.is_empty() { "HEAD" } else { head };
            let head_id = resolve(&repo, head)?;
            if base.is_empty() {
                tips.push(head_id);
            }
            let base_id = match repo.rev_parse_single(base) {
                _ if base.is_empty() => None,
                Ok(id) => Some(id.detach()),
                Err(e) => {
                    let shallow = repo.is_shallow().unwrap_or(false);
                    return Err(GitError(if shallow {
                        format!(
                            "base revision `{base}` is not in this shallow clone: fetch deeper (e.g. `git fetch \
                             --deepen=100`, or `fetch-depth: 0` in actions/checkout) so that it is present"
                        )
                    } else {
                        format!("cannot resolve base revision `{base}`: {e}")
                    }));
                }
            };
            if let Some(base_id) = base_id {
                tips.push(head_id);
                hidden.push(base_id);
            }
        } else if let Some(branch) = &options.branch {
            tips.push(resolve(&repo, branch)?);
        } else {
            let refs = ctx!(repo.references(), "cannot read references")?;
            for reference in ctx!(refs.all(), "cannot read references")? {
                let Ok(mut reference) = reference else { continue };
                // An annotated tag's message, attributed to the commit the tag points at.
                let tag_message = reference
                    .target()
                    .try_id()
                    .and_then(|direct| repo.find_object(direct.to_owned()).ok())
                    .filter(|object| object.kind == gix::object::Kind::Tag)
                    .and_then(|object| object.into_tag().decode().ok().map(|tag| tag.message.to_vec()));
                let Ok(id) = reference.peel_to_id() else { continue };
                let id = id.detach();
                if repo.find_commit(id).is_ok() {
                    tips.push(id);
                    if let Some(text) = tag_message {
                        tag_messages.push((id, text));
                    }
                }
            }
            if let Ok(head) = repo.head_id() {
                tips.push(head.detach());
            }
        }
        if options.hide_remote_refs {
            let refs = ctx!(repo.references(), "cannot read references")?;
            for reference in ctx!(refs.remote_branches(), "cannot read remote references")? {
                if let Ok(id) =
                    reference.map_err(|e| e.to_string()).and_then(|mut r| r.peel_to_id().map_err(|e| e.to_string()))
                {
                    hidden.push(id.detach());
                }
            }
        }
        tips.sort();
        tips.dedup();

        let mut infos = Vec::new();
        // BASE == HEAD (a push of nothing new) is an empty range, not an error.
        let empty_range = !hidden.is_empty() && tips.iter().all(|t| hidden.contains(t));
        if !tips.is_empty() && !empty_range {
            let walk = ctx!(repo.rev_walk(tips.clone()).with_hidden(hidden.clone()).all(), "cannot walk history")?;
            for info in walk {
                let info = ctx!(info, "cannot walk history")?;
                infos.push(info.id);
            }
        }
        // Reading commits and diffing their trees are independent per commit: both run on all cores, each
        // thread with its own repository handle (and object caches).
        let sync = repo.clone().into_sync();
        type CommitRow = (CommitMeta, ObjectId, Option<ObjectId>, Vec<u8>);
        let rows: Vec<CommitRow> = infos
            .par_iter()
            .map_init(
                || sync.to_thread_local(),
                |repo, &id| -> Result<CommitRow, GitError> {
                    let commit = ctx!(repo.find_commit(id), "cannot read commit {id}")?;
                    let meta = commit_meta(&commit)?;
                    let tree = ctx!(commit.tree_id(), "commit {id}: no tree")?.detach();
                    let parent = commit.parent_ids().next().map(|p| p.detach());
                    Ok((meta, tree, parent, commit.message_raw_sloppy().to_vec()))
                },
            )
            .collect::<Result<_, _>>()?;
        let tree_of: HashMap<ObjectId, ObjectId> = infos.iter().zip(&rows).map(|(id, row)| (*id, row.1)).collect();
        // Rayon hands each thread runs of consecutive commits (newest first), which share most of their
        // trees: each thread's tree reader hands a diff's parent trees on to the next diff, and its
        // delta-base cache decodes each tree from its (just decoded) delta base.
        let diffs: Vec<Vec<(String, ObjectId)>> = rows
            .par_iter()
            .map_init(
                || TreeReader::new(with_delta_cache(sync.to_thread_local())),
                |reader, (_, tree, parent, _)| -> Result<Vec<(String, ObjectId)>, GitError> {
                    let repo = &reader.repo;
                    let parent_tree = match parent {
                        Some(p) => match tree_of.get(p) {
                            Some(tree) => Some(*tree),
                            // A parent outside the walk (the base of a range, or beyond a shallow boundary).
                            None => repo.find_commit(*p).ok().and_then(|c| c.tree_id().ok()).map(|t| t.detach()),
                        },
                        None => None,
                    };
                    let mut added = Vec::new();
                    reader.next_diff();
                    diff_trees(reader, parent_tree, *tree, &mut Vec::new(), &HashSet::new(), &mut |path, oid| {
                        added.push((path.to_str_lossy().into_owned(), oid));
                    })?;
                    Ok(added)
                },
            )
            .collect::<Result<_, _>>()?;
        let mut commits = Vec::with_capacity(rows.len());
        let mut messages = Vec::new();
        for (i, (meta, _, _, text)) in rows.into_iter().enumerate() {
            commits.push(meta);
            messages.push(Message { kind: MessageKind::Commit, commit: i, text });
        }
        // Oldest first, so the first introduction of a blob at a path is the one recorded.
        let mut order: Vec<usize> = (0..commits.len()).collect();
        order.sort_by_key(|&i| (commits[i].time, std::cmp::Reverse(i)));
        let mut blobs: HashMap<ObjectId, Vec<Intro>> = HashMap::new();
        let mut blob_order: Vec<ObjectId> = Vec::new();
        for &i in &order {
            for (path, oid) in &diffs[i] {
                let intros = blobs.entry(*oid).or_insert_with(|| {
                    blob_order.push(*oid);
                    Vec::new()
                });
                if !intros.iter().any(|intro| &intro.path == path) {
                    intros.push(Intro { path: path.clone(), commit: i });
                }
            }
        }
        if options.all_objects {
            let all = ctx!(repo.objects.iter(), "cannot list the object database")?;
            for id in all {
                let id = ctx!(id, "cannot list the object database")?;
                let is_blob = repo.find_header(id).is_ok_and(|h| h.kind() == gix::object::Kind::Blob);
                if is_blob && !blobs.contains_key(&id) {
                    blobs.insert(id, Vec::new());
                    blob_order.push(id);
                }
            }
        }
        let index_of: HashMap<String, usize> = commits.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        for (target, text) in tag_messages {
            if let Some(&commit) = index_of.get(&target.to_string()) {
                messages.push(Message { kind: MessageKind::Tag, commit, text });
            }
        }
        let head_commit = repo.head_id().ok().map(|id| id.to_string());
        let head_tree = repo.head_tree_id().ok().map(|id| id.detach());
        let head_branch = repo.head_name().ok().flatten().map(|n| n.as_bstr().to_str_lossy().into_owned());
        let root = repo.workdir().unwrap_or_else(|| repo.git_dir()).to_path_buf();
        let mut blobs: Vec<(ObjectId, Vec<Intro>)> =
            blob_order.into_iter().map(|oid| (oid, blobs.remove(&oid).unwrap_or_default())).collect();
        // Versions of one file are usually deltas of each other: reading them one after another keeps their
        // bases in the delta-base cache, where interleaving them with other files' blobs evicts them.
        blobs.sort_by(|a, b| a.1.first().map(|i| &i.path).cmp(&b.1.first().map(|i| &i.path)));
        Ok(History { repo: sync, commits, blobs, messages, head_tree, head_commit, head_branch, root })
    }

    /// Reads every blob (in parallel) and calls `visit` with it; blobs over `max_size` are counted as
    /// skipped, unreadable ones as errors. Packed blobs are read pack by pack, walking delta trees from
    /// their roots, so each blob is decoded once from its base and comes with its [`Delta`]; with
    /// `whole_blobs`, or for loose objects, each blob is looked up on its own and has no delta.
    pub fn scan_blobs<S: Send + Sync>(
        &self,
        max_size: u64,
        whole_blobs: bool,
        stats: &WalkStats,
        visit: &BlobVisitor<S>,
    ) {
        let claimed: Vec<AtomicBool> = self.blobs.iter().map(|_| AtomicBool::new(false)).collect();
        // Visits blob `n` unless another pack already did; true when its content was scanned.
        let visit_one = |n: usize, data: &[u8], delta: Option<(&Delta, &S)>| -> Option<S> {
            if claimed[n].swap(true, Ordering::Relaxed) {
                return None;
            }
            let (id, intros) = (&self.blobs[n].0, self.blobs[n].1.as_slice());
            if data.len() as u64 > max_size {
                stats.add_skip(SkipReason::TooLarge);
                return None;
            }
            let binary = crate::is_binary(data);
            if binary {
                stats.add_skip(SkipReason::Binary);
            } else {
                stats.add_scanned(data.len() as u64);
            }
            visit(&BlobVersion { id, data, binary, intros, delta: delta.filter(|_| !binary) })
        };
        if !whole_blobs && !self.blobs.is_empty() {
            let number: HashMap<ObjectId, usize> = self.blobs.iter().enumerate().map(|(n, b)| (b.0, n)).collect();
            let objects = self.repo.to_thread_local().common_dir().join("objects");
            for idx in pack_indexes(&objects) {
                // A pack that cannot be read leaves its blobs to the object database lookups below.
                let _ = visit_pack_blobs(
                    &idx,
                    &|id, data, delta| number.get(id).and_then(|&n| visit_one(n, data, delta)),
                    &|_| {},
                );
            }
        }
        self.blobs.par_iter().enumerate().filter(|(n, _)| !claimed[*n].load(Ordering::Relaxed)).for_each_init(
            || with_delta_cache(self.repo.to_thread_local()),
            |repo, (n, (oid, _))| {
                let header = match repo.find_header(*oid) {
                    Ok(header) => header,
                    Err(e) => return stats.add_error(format!("blob {oid}: {e}")),
                };
                if header.size() > max_size {
                    return stats.add_skip(SkipReason::TooLarge);
                }
                match repo.find_object(*oid) {
                    Ok(object) => {
                        visit_one(n, &object.data, None);
                    }
                    Err(e) => stats.add_error(format!("blob {oid}: {e}")),
                }
            },
        );
    }

    /// True when the file at `path` in HEAD still holds `secret`.
    pub fn in_head(&self, path: &str, secret: &[u8]) -> bool {
        let repo = self.repo.to_thread_local();
        let Some(tree) = self.head_tree else { return false };
        blob_at(&repo, tree, path).is_some_and(|data| memchr::memmem::find(&data, secret).is_some())
    }
}

fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId, GitError> {
    Ok(ctx!(repo.rev_parse_single(spec), "cannot resolve revision `{spec}`")?.detach())
}

/// The bytes of the blob at `path` in `tree`, if there is one.
fn blob_at(repo: &gix::Repository, tree: ObjectId, path: &str) -> Option<Vec<u8>> {
    let mut current = tree;
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        let tree = repo.find_tree(current).ok()?;
        let decoded = tree.decode().ok()?;
        let entry = decoded.entries.iter().find(|e| e.filename == part.as_bytes().as_bstr())?;
        current = entry.oid.to_owned();
        if parts.peek().is_none() {
            return entry.mode.is_blob().then(|| repo.find_object(current).ok().map(|o| o.data.clone())).flatten();
        }
        if !entry.mode.is_tree() {
            return None;
        }
    }
    None
}

/// Calls `emit(path, blob)` for every blob entry of `new` that `old` does not have at the same path,
/// descending only into subtrees whose ids differ and whose paths are not in `skip`. Submodules and
/// symbolic links are not blobs to scan.
fn diff_trees(
    reader: &mut TreeReader,
    old: Option<ObjectId>,
    new: ObjectId,
    prefix: &mut Vec<u8>,
    skip: &HashSet<Vec<u8>>,
    emit: &mut dyn FnMut(&BStr, ObjectId),
) -> Result<(), GitError> {
    if old == Some(new) {
        return Ok(());
    }
    let new_tree = reader.read(new)?;
    let old_tree = match old {
        Some(old) => Some(reader.read(old)?),
        None => None,
    };
    let hash = reader.repo.object_hash();
    let new_data = new_tree.as_slice();
    let old_data = old_tree.as_deref().unwrap_or_default();
    let new_bad = |e: &dyn std::fmt::Display| GitError(format!("cannot decode tree {new}: {e}"));
    let old_bad = |e: &dyn std::fmt::Display| GitError(format!("cannot decode tree {}: {e}", old.unwrap_or(new)));
    let changes = match changed_entries(new_data, old_data, hash, &new_bad, &old_bad)? {
        Some(changes) => changes,
        // Entries out of git's order (a tree `git fsck` rejects): match them by name instead.
        None => changed_entries_unsorted(new_data, old_data, hash, &new_bad, &old_bad)?,
    };
    for (entry, old_sub) in changes {
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(entry.filename);
        if entry.mode.is_tree() {
            if !skip.contains(prefix.as_slice()) {
                diff_trees(reader, old_sub, entry.oid.to_owned(), prefix, skip, emit)?;
            }
        } else if entry.mode.is_blob() {
            emit(prefix.as_bstr(), entry.oid.to_owned());
        }
        prefix.truncate(len);
    }
    if let (Some(old), Some(data)) = (old, old_tree) {
        reader.keeping.insert(old, data);
    }
    Ok(())
}

/// Reads trees for [`diff_trees`]. Diffing commits newest first, the trees a diff reads on its old (parent)
/// side are the next diff's new side: they are kept for one diff and handed over without another lookup.
struct TreeReader {
    repo: gix::Repository,
    /// Old-side trees of the previous diff.
    kept: HashMap<ObjectId, Vec<u8>>,
    /// Old-side trees of the current diff.
    keeping: HashMap<ObjectId, Vec<u8>>,
}

impl TreeReader {
    fn new(repo: gix::Repository) -> TreeReader {
        TreeReader { repo, kept: HashMap::new(), keeping: HashMap::new() }
    }

    /// Starts the next diff: what the current one kept becomes available, what it did not use is dropped.
    fn next_diff(&mut self) {
        std::mem::swap(&mut self.kept, &mut self.keeping);
        self.keeping.clear();
    }

    /// The raw data of tree `id`.
    fn read(&mut self, id: ObjectId) -> Result<Vec<u8>, GitError> {
        if let Some(data) = self.kept.remove(&id) {
            return Ok(data);
        }
        Ok(ctx!(self.repo.find_tree(id), "cannot read tree {id}")?.detach().data)
    }
}

/// An entry of the new tree that the old one does not have, with the old tree's subtree of the same name.
type Change<'a> = (gix::objs::tree::EntryRef<'a>, Option<ObjectId>);

/// Git's tree order: by name, a directory's name compared as if it ended in `/`.
fn tree_order(a: &gix::objs::tree::EntryRef<'_>, b: &gix::objs::tree::EntryRef<'_>) -> std::cmp::Ordering {
    let (x, y) = (a.filename.as_bytes(), b.filename.as_bytes());
    let common = x.len().min(y.len());
    x[..common].cmp(&y[..common]).then_with(|| {
        let end = |name: &[u8], is_tree: bool| name.get(common).copied().unwrap_or(if is_tree { b'/' } else { 0 });
        end(x, a.mode.is_tree()).cmp(&end(y, b.mode.is_tree()))
    })
}

/// The entries of `new` whose id differs from the entry of the same name in `old` (or that `old` lacks),
/// by a merge of the two sorted entry lists without allocating per entry; `None` when either tree's entries
/// are not in strictly increasing git order.
fn changed_entries<'a>(
    new: &'a [u8],
    old: &'a [u8],
    hash: gix::hash::Kind,
    new_bad: &dyn Fn(&dyn std::fmt::Display) -> GitError,
    old_bad: &dyn Fn(&dyn std::fmt::Display) -> GitError,
) -> Result<Option<Vec<Change<'a>>>, GitError> {
    use gix::objs::TreeRefIter;
    use std::cmp::Ordering::{Equal, Greater, Less};
    let mut changes = Vec::new();
    let mut olds = TreeRefIter::from_bytes(old, hash);
    let mut next_old = || olds.next().transpose().map_err(|e| old_bad(&e));
    let mut old_entry = next_old()?;
    let mut prev_new: Option<gix::objs::tree::EntryRef<'a>> = None;
    for entry in TreeRefIter::from_bytes(new, hash) {
        let entry = entry.map_err(|e| new_bad(&e))?;
        if prev_new.is_some_and(|p| tree_order(&p, &entry) != Less) {
            return Ok(None);
        }
        prev_new = Some(entry);
        let mut matched = None;
        while let Some(o) = old_entry {
            match tree_order(&o, &entry) {
                Less => {}
                Equal => matched = Some(o),
                Greater => break,
            }
            let next = next_old()?;
            if next.is_some_and(|n| tree_order(&o, &n) != Less) {
                return Ok(None);
            }
            old_entry = next;
            if matched.is_some() {
                break;
            }
        }
        match matched {
            Some(o) if o.oid == entry.oid => {}
            Some(o) => changes.push((entry, o.mode.is_tree().then(|| o.oid.to_owned()))),
            // A subtree where `old` had a submodule of the same name and id is unchanged too.
            None if entry.mode.is_tree()
                && !old.is_empty()
                && TreeRefIter::from_bytes(old, hash)
                    .any(|o| o.is_ok_and(|o| o.filename == entry.filename && o.oid == entry.oid)) => {}
            None => changes.push((entry, None)),
        }
    }
    // The rest of `old` must be in order too, or an entry of `new` might have been missed there.
    while let Some(o) = old_entry {
        let next = next_old()?;
        if next.is_some_and(|n| tree_order(&o, &n) != Less) {
            return Ok(None);
        }
        old_entry = next;
    }
    Ok(Some(changes))
}

/// [`changed_entries`] for trees whose entries are out of order: each entry of `new` looked up by name in
/// `old` (the last entry of a name wins).
fn changed_entries_unsorted<'a>(
    new: &'a [u8],
    old: &'a [u8],
    hash: gix::hash::Kind,
    new_bad: &dyn Fn(&dyn std::fmt::Display) -> GitError,
    old_bad: &dyn Fn(&dyn std::fmt::Display) -> GitError,
) -> Result<Vec<Change<'a>>, GitError> {
    use gix::objs::TreeRefIter;
    let new_entries = TreeRefIter::from_bytes(new, hash).entries().map_err(|e| new_bad(&e))?;
    let old_entries = TreeRefIter::from_bytes(old, hash).entries().map_err(|e| old_bad(&e))?;
    let old_entries: HashMap<&[u8], gix::objs::tree::EntryRef<'a>> =
        old_entries.into_iter().map(|e| (e.filename.as_bytes(), e)).collect();
    Ok(new_entries
        .into_iter()
        .filter_map(|entry| match old_entries.get(entry.filename.as_bytes()) {
            Some(o) if o.oid == entry.oid => None,
            previous => Some((entry, previous.filter(|o| o.mode.is_tree()).map(|o| o.oid.to_owned()))),
        })
        .collect())
}

/// A file whose staged content differs from HEAD's.
#[derive(Debug)]
pub struct StagedChange {
    pub path: String,
    pub data: Vec<u8>,
    /// HEAD's content at the same path, if it had one.
    pub head: Option<Vec<u8>>,
}

/// What `git commit` would commit, compared with HEAD.
#[derive(Debug, Default)]
pub struct Staged {
    pub changes: Vec<StagedChange>,
    /// HEAD's content of files the index no longer has at the same path (deleted or renamed away): a
    /// secret moved from one of them is not new.
    pub removed: Vec<Vec<u8>>,
    /// Submodule entries, not scanned.
    pub submodules: u64,
    /// Entries left unscanned: unresolved merge conflicts and intent-to-add entries.
    pub unmerged_or_intent: u64,
}

/// Reads the index of the repository at `path` and what it changes relative to HEAD.
pub fn staged(path: &Path) -> Result<Staged, GitError> {
    let repo = open(path)?;
    let index = ctx!(repo.index_or_empty(), "cannot read the index")?;
    // Directories whose cache-tree entry (the index's TREE extension) is valid and equals HEAD's tree
    // there hold no staged change: neither their index entries nor HEAD's subtrees are read.
    let head_tree = repo.head_tree_id().ok().map(|t| t.detach());
    let mut unchanged: HashSet<Vec<u8>> = HashSet::new();
    if let (Some(cache), Some(tree)) = (index.tree(), head_tree) {
        unchanged_dirs(&repo, cache, Some(tree), &mut Vec::new(), &mut unchanged);
    }
    if unchanged.contains(b"".as_slice()) {
        return Ok(Staged::default());
    }
    let mut head: HashMap<Vec<u8>, ObjectId> = HashMap::new();
    if let Some(tree) = head_tree {
        let mut reader = TreeReader::new(repo.clone());
        diff_trees(&mut reader, None, tree, &mut Vec::new(), &unchanged, &mut |path, oid| {
            head.insert(path.to_vec(), oid);
        })?;
    }
    let head_ids: HashSet<ObjectId> = head.values().copied().collect();
    let mut staged = Staged::default();
    let mut in_index: HashSet<Vec<u8>> = HashSet::new();
    let in_unchanged_dir = |path: &[u8]| {
        let mut end = path.len();
        while let Some(slash) = path[..end].iter().rposition(|&b| b == b'/') {
            if unchanged.contains(&path[..slash]) {
                return true;
            }
            end = slash;
        }
        false
    };
    for entry in index.entries() {
        let path = entry.path(&index);
        if in_unchanged_dir(path) {
            continue;
        }
        in_index.insert(path.to_vec());
        if entry.flags.stage() != gix::index::entry::Stage::Unconflicted
            || entry.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD)
        {
            staged.unmerged_or_intent += 1;
            continue;
        }
        if entry.mode == gix::index::entry::Mode::COMMIT {
            staged.submodules += 1;
            continue;
        }
        if entry.mode == gix::index::entry::Mode::SYMLINK {
            continue;
        }
        let previous = head.get(path.as_bytes());
        // Unchanged, or the same content HEAD already has elsewhere (a pure rename or copy).
        if previous == Some(&entry.id) || head_ids.contains(&entry.id) {
            continue;
        }
        let data = ctx!(repo.find_object(entry.id), "cannot read staged blob {} for {}", entry.id, path)?.data.clone();
        let head_data = previous.and_then(|oid| repo.find_object(*oid).ok()).map(|o| o.data.clone());
        staged.changes.push(StagedChange { path: path.to_str_lossy().into_owned(), data, head: head_data });
    }
    for (path, oid) in &head {
        if !in_index.contains(path) {
            if let Ok(object) = repo.find_object(*oid) {
                staged.removed.push(object.data.clone());
            }
        }
    }
    Ok(staged)
}

/// Collects the directories (paths, `""` for the root) whose valid cache-tree entry has the id of HEAD's
/// tree at the same place.
fn unchanged_dirs(
    repo: &gix::Repository,
    node: &gix::index::extension::Tree,
    head: Option<ObjectId>,
    prefix: &mut Vec<u8>,
    out: &mut HashSet<Vec<u8>>,
) {
    let Some(head) = head else { return };
    if node.num_entries.is_some() && node.id == head {
        out.insert(prefix.clone());
        return;
    }
    let Ok(tree) = repo.find_tree(head) else { return };
    let Ok(decoded) = tree.decode() else { return };
    for child in &node.children {
        let sub = decoded
            .entries
            .iter()
            .find(|e| e.filename == child.name.as_slice().as_bstr() && e.mode.is_tree())
            .map(|e| e.oid.to_owned());
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(&child.name);
        unchanged_dirs(repo, child, sub, prefix, out);
        prefix.truncate(len);
    }
}

//! Blobs read straight from pack files, in pack order, with each delta applied to its base in memory.
//!
//! A pack stores most versions of a file as deltas: instructions that copy byte ranges of a base object and
//! insert new bytes. Walking each pack's delta trees from their roots decodes every object once, from its
//! parent's bytes, without the repeated chain reconstruction of random object lookups, and it tells which
//! bytes of a blob are new: the scanner then only needs to look near the inserted bytes (see
//! [`Delta`]). Trees rooted at commits, trees or tags are not decoded at all.
use std::ops::Range;
use std::path::{Path, PathBuf};

use gix::odb::pack::data::entry::Header;
use gix::odb::pack::{data, index};
use gix::ObjectId;
use rayon::prelude::*;

use crate::git::GitError;

/// Bytes of a blob that equal a range of its delta base: `target` in the blob holds `base..base +
/// target.len()` of the base. Consecutive copies of consecutive base bytes are merged into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeltaCopy {
    pub target: Range<usize>,
    pub base: usize,
}

/// How a blob was made from its delta base: everything outside `copies` was inserted by the delta.
#[derive(Debug, Clone)]
pub struct Delta {
    /// The base object's length in bytes.
    pub base_len: usize,
    /// What the blob copied from the base, in blob order.
    pub copies: Vec<DeltaCopy>,
}

/// Called for each blob of a pack, a delta's base always before the delta: its id, its bytes, and how it
/// was made from its base with what the visit of the base returned, when it returned something. A visit
/// returns what its deltas need to know of the blob (its scan), which lives until they are all visited.
pub(crate) type PackVisitor<'a, S> = dyn Fn(&ObjectId, &[u8], Option<(&Delta, &S)>) -> Option<S> + Sync + 'a;

/// The pack index files of the object database at `objects_dir` (alternates are not followed).
pub(crate) fn pack_indexes(objects_dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(objects_dir.join("pack"))
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "idx") && path.with_extension("pack").is_file())
        .collect();
    found.sort();
    found
}

struct PackTrees {
    pack: data::File,
    /// Object ids, by entry number (entries sorted by pack offset).
    ids: Vec<ObjectId>,
    /// Delta children of each entry.
    children: Vec<Vec<u32>>,
    /// Entries stored whole as blobs: the roots of blob delta trees.
    blob_roots: Vec<u32>,
    offsets: Vec<u64>,
}

fn read_trees(idx_path: &Path) -> Result<PackTrees, GitError> {
    let fail = |e: &dyn std::fmt::Display| GitError(format!("cannot read pack {}: {e}", idx_path.display()));
    let index = index::File::at(idx_path, gix::hash::Kind::Sha1).map_err(|e| fail(&e))?;
    let pack = data::File::at(idx_path.with_extension("pack"), gix::hash::Kind::Sha1).map_err(|e| fail(&e))?;
    let mut by_offset: Vec<(u64, ObjectId)> = index.iter().map(|e| (e.pack_offset, e.oid)).collect();
    by_offset.sort_unstable_by_key(|&(offset, _)| offset);
    let offsets: Vec<u64> = by_offset.iter().map(|&(offset, _)| offset).collect();
    let ids: Vec<ObjectId> = by_offset.into_iter().map(|(_, id)| id).collect();
    let mut children = vec![Vec::new(); ids.len()];
    let mut blob_roots = Vec::new();
    for (i, &offset) in offsets.iter().enumerate() {
        let entry = pack.entry(offset).map_err(|e| fail(&e))?;
        let base_offset = match entry.header {
            Header::Blob => {
                blob_roots.push(i as u32);
                continue;
            }
            Header::OfsDelta { base_distance } => entry.checked_base_pack_offset(base_distance),
            Header::RefDelta { base_id } => index.lookup(base_id).map(|n| index.pack_offset_at_index(n)),
            Header::Commit | Header::Tree | Header::Tag => continue,
        };
        // A base outside this pack (a thin pack) leaves the delta to the object database.
        if let Some(base) = base_offset.and_then(|offset| offsets.binary_search(&offset).ok()) {
            children[base].push(i as u32);
        }
    }
    Ok(PackTrees { pack, ids, children, blob_roots, offsets })
}

thread_local! {
    static INFLATE: std::cell::RefCell<gix::zlib::Inflate> = std::cell::RefCell::new(Default::default());
}

impl PackTrees {
    /// The entry's decompressed bytes (a whole object, or a delta's instructions).
    fn inflate(&self, i: u32) -> Option<Vec<u8>> {
        let entry = self.pack.entry(self.offsets[i as usize]).ok()?;
        let mut out = vec![0; usize::try_from(entry.decompressed_size).ok()?];
        INFLATE.with(|inflate| self.pack.decompress_entry(&entry, &mut inflate.borrow_mut(), &mut out).ok())?;
        Some(out)
    }

    fn descend<S: Send + Sync>(
        &self,
        node: u32,
        data: &[u8],
        scan: Option<&S>,
        visit: &PackVisitor<S>,
        failed: &(dyn Fn(ObjectId) + Sync),
    ) {
        self.children[node as usize].par_iter().for_each(|&child| {
            let id = self.ids[child as usize];
            let Some((bytes, copies)) = self.inflate(child).and_then(|delta| apply_delta(data, &delta)) else {
                return failed(id);
            };
            let delta = Delta { base_len: data.len(), copies };
            let child_scan = visit(&id, &bytes, scan.map(|s| (&delta, s)));
            self.descend(child, &bytes, child_scan.as_ref(), visit, failed);
        });
    }
}

/// Visits every blob of the pack whose index is `idx_path`, delta bases before their deltas, in parallel;
/// `failed` gets blobs whose data could not be decoded (they, and their deltas, are not visited).
pub(crate) fn visit_pack_blobs<S: Send + Sync>(
    idx_path: &Path,
    visit: &PackVisitor<S>,
    failed: &(dyn Fn(ObjectId) + Sync),
) -> Result<(), GitError> {
    let trees = read_trees(idx_path)?;
    trees.blob_roots.par_iter().for_each(|&root| {
        let id = trees.ids[root as usize];
        let Some(data) = trees.inflate(root) else { return failed(id) };
        let scan = visit(&id, &data, None);
        trees.descend(root, &data, scan.as_ref(), visit, failed);
    });
    Ok(())
}

/// Reads a delta size (little-endian base-128).
fn read_size(delta: &[u8], at: &mut usize) -> Option<usize> {
    let mut size = 0usize;
    let mut shift = 0;
    loop {
        let byte = *delta.get(*at)?;
        *at += 1;
        size |= usize::from(byte & 0x7f).checked_shl(shift)?;
        shift += 7;
        if byte & 0x80 == 0 {
            return Some(size);
        }
    }
}

/// Applies a git delta to `base`: the result, and what it copied from the base. `None` for a corrupt delta.
pub fn apply_delta(base: &[u8], delta: &[u8]) -> Option<(Vec<u8>, Vec<DeltaCopy>)> {
    let mut at = 0;
    if read_size(delta, &mut at)? != base.len() {
        return None;
    }
    let size = read_size(delta, &mut at)?;
    let mut out = Vec::with_capacity(size);
    let mut copies: Vec<DeltaCopy> = Vec::new();
    while let Some(&cmd) = delta.get(at) {
        at += 1;
        if cmd & 0x80 != 0 {
            let mut field = |bits: u8, shift: u32| -> Option<usize> {
                if cmd & bits == 0 {
                    return Some(0);
                }
                let byte = *delta.get(at)?;
                at += 1;
                Some(usize::from(byte) << shift)
            };
            let offset = field(0x01, 0)? | field(0x02, 8)? | field(0x04, 16)? | field(0x08, 24)?;
            let mut len = field(0x10, 0)? | field(0x20, 8)? | field(0x40, 16)?;
            if len == 0 {
                len = 0x10000;
            }
            let source = base.get(offset..offset.checked_add(len)?)?;
            let target = out.len()..out.len() + len;
            match copies.last_mut() {
                Some(last) if last.target.end == target.start && last.base + last.target.len() == offset => {
                    last.target.end = target.end;
                }
                _ => copies.push(DeltaCopy { target, base: offset }),
            }
            out.extend_from_slice(source);
        } else if cmd != 0 {
            let len = usize::from(cmd);
            out.extend_from_slice(delta.get(at..at + len)?);
            at += len;
        } else {
            return None;
        }
    }
    (out.len() == size).then_some((out, copies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_copies_and_inserts_and_merges_adjacent_copies() {
        let base = b"0123456789";
        // base size 10, result size 9: copy 0..3, copy 3..5 (adjacent: merged), insert "ab", copy 8..10.
        let delta = [10, 9, 0x91, 0, 3, 0x91, 3, 2, 2, b'a', b'b', 0x91, 8, 2];
        let (out, copies) = apply_delta(base, &delta).unwrap();
        assert_eq!(out, b"01234ab89");
        assert_eq!(copies, vec![DeltaCopy { target: 0..5, base: 0 }, DeltaCopy { target: 7..9, base: 8 }]);
    }

    #[test]
    fn rejects_corrupt_deltas() {
        let base = b"0123456789";
        assert!(apply_delta(base, &[9, 1, 1, b'x']).is_none(), "wrong base size");
        assert!(apply_delta(base, &[10, 4, 0x91, 8, 4]).is_none(), "copy past the base");
        assert!(apply_delta(base, &[10, 2, 1, b'x']).is_none(), "result shorter than declared");
        assert!(apply_delta(base, &[10, 1, 0]).is_none(), "reserved instruction");
    }
}

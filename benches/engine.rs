//! Engine throughput on real source code, and start-up (parsing the built-in rules, building the scanner).
//!
//!     cargo bench --bench engine
//!
//! The corpus is up to 32 MiB of text files from `$KEYHOUND_BENCH_CORPUS`, else from the cargo registry's
//! unpacked crate sources (`~/.cargo/registry/src`, real Rust/TOML/Markdown/JSON), else this repository.
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyhound_engine::Scanner;
use keyhound_rules::RuleSet;

const CORPUS_LIMIT: usize = 32 << 20;

fn corpus_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("KEYHOUND_BENCH_CORPUS") {
        return dir.into();
    }
    let registry = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|c| c.join("registry/src"));
    match registry {
        Some(dir) if dir.is_dir() => dir,
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    }
}

fn load_corpus() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut total = 0;
    let mut stack = vec![corpus_root()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(data) = std::fs::read(&path) {
                if total < CORPUS_LIMIT && !data.contains(&0) {
                    total += data.len();
                    files.push(data);
                }
            }
        }
    }
    files
}

fn bench(c: &mut Criterion) {
    let corpus = load_corpus();
    let bytes: usize = corpus.iter().map(Vec::len).sum();
    let scanner = Scanner::new(RuleSet::builtin().unwrap().rules);
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("scan {} files, {} MiB", corpus.len(), bytes >> 20), |b| {
        b.iter(|| corpus.iter().map(|f| scanner.scan(f).len()).sum::<usize>())
    });
    group.finish();
    c.bench_function("startup: parse built-in rules and build scanner", |b| {
        b.iter(|| Scanner::new(RuleSet::builtin().unwrap().rules))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

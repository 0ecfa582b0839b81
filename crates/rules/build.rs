//! Embeds every `patterns/**/*.yaml` of the repository into the binary as `(name, text)` pairs.
use std::{env, fs, path::Path, path::PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let patterns = manifest.join("../../patterns");
    println!("cargo:rerun-if-changed={}", patterns.display());
    let mut files = Vec::new();
    collect(&patterns, &mut files);
    files.sort();
    let mut code = String::from("/// Built-in rule files: (path under patterns/, YAML text).\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        let rel = file.strip_prefix(&patterns).unwrap().to_string_lossy().replace('\\', "/");
        let abs = fs::canonicalize(file).unwrap();
        code.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            format!("patterns/{rel}"),
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join("builtin.rs"), code).unwrap();
}

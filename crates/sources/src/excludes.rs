//! Default excludes: what a dependency manager or a build wrote, not the project's own code.
use std::path::Path;

/// Directory names that hold third-party dependencies.
const DEPENDENCY_DIRS: &[&str] = &["node_modules", "bower_components", "jspm_packages", "__pycache__", "site-packages"];

/// Lockfiles: pinned versions and integrity hashes, never secrets.
const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "cargo.lock",
    "go.sum",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "gemfile.lock",
    "composer.lock",
    "mix.lock",
    "pubspec.lock",
    "podfile.lock",
    "packages.lock.json",
    "flake.lock",
    "gradle.lockfile",
];

/// Extensions of media, fonts and archives of compiled output.
const MEDIA_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tif", "tiff", "svg", "psd", "mp3", "mp4", "m4a", "mov", "avi",
    "mkv", "webm", "wav", "flac", "ogg", "woff", "woff2", "ttf", "otf", "eot",
];

/// True when a directory at `rel` (relative to the scan root) is excluded by default.
pub(crate) fn is_excluded_dir(rel: &Path) -> bool {
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else { return false };
    if DEPENDENCY_DIRS.contains(&name) {
        return true;
    }
    // Go module vendoring (vendor/github.com/..., vendor/golang.org/...) and Bundler's vendor/bundle;
    // a vendor/ folder of a project's own code is scanned.
    let parent = rel.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str());
    parent == Some("vendor") && (name.contains('.') || name == "bundle")
}

/// True when a file named `name` is excluded by default.
pub(crate) fn is_excluded_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if LOCKFILES.contains(&lower.as_str()) {
        return true;
    }
    if lower.ends_with(".min.js")
        || lower.ends_with(".min.css")
        || lower.ends_with(".js.map")
        || lower.ends_with(".css.map")
    {
        return true;
    }
    lower.rsplit_once('.').is_some_and(|(_, ext)| MEDIA_EXTENSIONS.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_layouts_are_excluded_but_own_vendor_code_is_not() {
        assert!(is_excluded_dir(Path::new("web/node_modules")));
        assert!(is_excluded_dir(Path::new("vendor/github.com")));
        assert!(is_excluded_dir(Path::new("vendor/bundle")));
        assert!(!is_excluded_dir(Path::new("vendor/mylib")));
        assert!(!is_excluded_dir(Path::new("src")));
    }

    #[test]
    fn lockfiles_bundles_and_media_are_excluded() {
        for name in ["Cargo.lock", "package-lock.json", "app.min.js", "logo.PNG"] {
            assert!(is_excluded_file(name), "{name}");
        }
        for name in [".env", "config.yaml", "main.rs"] {
            assert!(!is_excluded_file(name), "{name}");
        }
    }
}

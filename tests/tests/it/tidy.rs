//! Tidy checks: rules about the workspace's code and dependency graph, checked as tests so
//! that breaking one fails `cargo test` (in the spirit of rust-analyzer's `tidy.rs`).
//!
//! - The layering of ARCHITECTURE.md, from `cargo metadata`: which workspace crates each
//!   crate may depend on, no I/O crate in `twilio-model`'s or `twilio-export`'s dependency
//!   tree, and `hyper` only where it is meant to be.
//! - Every crate root forbids `unsafe` and library roots warn on missing docs.
//! - Every crate takes the workspace's lints (`[lints] workspace = true`), which include
//!   clippy's `unwrap_used`, `expect_used`, `todo` and `unimplemented`, and no crate's source
//!   turns them off: clippy (`-D warnings` in CI) then keeps panicking shortcuts out of
//!   non-test code, which no scan here re-implements.
//! - What every publishable crate's package carries (description, licence, docs.rs, ...).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// The workspace root (this package lives in `tests/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `cargo metadata --format-version 1`, with the resolved dependency graph.
fn metadata() -> &'static Value {
    static METADATA: OnceLock<Value> = OnceLock::new();
    METADATA.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    })
}

fn as_str(value: &Value) -> &str {
    value.as_str().unwrap()
}

/// Package id -> package name, for every package in the graph.
fn names() -> BTreeMap<&'static str, &'static str> {
    metadata()["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (as_str(&p["id"]), as_str(&p["name"])))
        .collect()
}

/// The workspace members' packages.
fn members() -> Vec<&'static Value> {
    let ids: BTreeSet<&str> = metadata()["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(as_str)
        .collect();
    metadata()["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| ids.contains(as_str(&p["id"])))
        .collect()
}

/// Whether a declared dependency is a normal or build dependency (not a dev-dependency).
fn is_shipped(kind: &Value) -> bool {
    kind.is_null() || kind.as_str() == Some("build")
}

/// The names of `package`'s direct dependencies of the kinds `filter` accepts.
fn direct_deps(package: &Value, filter: impl Fn(&Value) -> bool) -> BTreeSet<&str> {
    package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| filter(&d["kind"]))
        .map(|d| as_str(&d["name"]))
        .collect()
}

fn member(name: &str) -> &'static Value {
    members()
        .into_iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not a workspace member"))
}

/// The names of every package `name` pulls in through normal and build dependencies,
/// transitively, from the resolved graph (all targets and features as resolved).
fn shipped_closure(name: &str) -> BTreeSet<&'static str> {
    let names = names();
    let nodes: BTreeMap<&str, &Value> = metadata()["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (as_str(&n["id"]), n))
        .collect();
    let start = as_str(&member(name)["id"]);
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(id) = todo.pop() {
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let shipped = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| is_shipped(&k["kind"]));
            let dep_id = as_str(&dep["pkg"]);
            if shipped && seen.insert(dep_id) {
                todo.push(dep_id);
            }
        }
    }
    seen.into_iter().map(|id| names[id]).collect()
}

/// The workspace crates each workspace crate may depend on (normal and build dependencies),
/// as ARCHITECTURE.md lays them out. A new crate must be added here on purpose.
const LAYERS: &[(&str, &[&str])] = &[
    ("twilio-model", &[]),
    ("twilio-transport", &[]),
    ("twilio-pager", &["twilio-model"]),
    (
        "twilio-api",
        &[
            "twilio-model",
            "twilio-transport",
            "twilio-pager",
            "twilio-twiml",
        ],
    ),
    ("twilio-sandbox", &["twilio-model"]),
    ("twilio-webhook", &[]),
    ("twilio-twiml", &[]),
    ("twilio-export", &["twilio-model"]),
    (
        "twilio-api-cli",
        &[
            "twilio-api",
            "twilio-sandbox",
            "twilio-webhook",
            "twilio-export",
        ],
    ),
    // Not shipped: the end-to-end tests, the benchmarks and the automation.
    ("twilio-e2e", &[]),
    ("twilio-bench", &["twilio-api", "twilio-sandbox"]),
    ("xtask", &[]),
];

#[test]
fn each_crate_depends_only_on_the_workspace_crates_its_layer_allows() {
    let workspace: BTreeSet<&str> = members().iter().map(|p| as_str(&p["name"])).collect();
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    for package in members() {
        let name = as_str(&package["name"]);
        let Some(allowed) = allowed.get(name) else {
            panic!("{name} is not in LAYERS: add it, with what ARCHITECTURE.md lets it use")
        };
        let ours: BTreeSet<&str> = direct_deps(package, is_shipped)
            .into_iter()
            .filter(|d| workspace.contains(d))
            .collect();
        let extra: Vec<&&str> = ours.iter().filter(|d| !allowed.contains(d)).collect();
        assert!(
            extra.is_empty(),
            "{name} depends on {extra:?}; its layer allows only {allowed:?}"
        );
    }
}

#[test]
fn the_model_and_the_export_crate_pull_in_no_io_crate() {
    for name in ["twilio-model", "twilio-export"] {
        let closure = shipped_closure(name);
        assert!(
            closure.contains("serde_json"),
            "the closure is computed: {closure:?}"
        );
        for io in ["tokio", "hyper", "http", "bytes", "hyper-util", "rustls"] {
            assert!(
                !closure.contains(io),
                "{name} depends on {io} (directly or not): {closure:?}"
            );
        }
    }
}

#[test]
fn only_the_transport_and_the_sandbox_use_hyper_directly() {
    // The benchmarks compare the client with a hand-written hyper client on purpose; they
    // are not shipped (publish = false) and nothing depends on them.
    const ALLOWED: &[&str] = &["twilio-transport", "twilio-sandbox", "twilio-bench"];
    for package in members() {
        let name = as_str(&package["name"]);
        let direct = direct_deps(package, |_| true);
        if direct.contains("hyper") || direct.contains("hyper-util") {
            assert!(ALLOWED.contains(&name), "{name} depends on hyper directly");
        }
    }
    assert!(direct_deps(member("twilio-transport"), is_shipped).contains("hyper"));
    assert!(direct_deps(member("twilio-sandbox"), is_shipped).contains("hyper"));
}

/// Each member's crate roots (`lib.rs`, `main.rs`), with whether it is a library.
fn crate_roots() -> Vec<(PathBuf, bool)> {
    let mut roots = Vec::new();
    for package in members() {
        for target in package["targets"].as_array().unwrap() {
            let kinds: Vec<&str> = target["kind"]
                .as_array()
                .unwrap()
                .iter()
                .map(as_str)
                .collect();
            let is_lib = kinds.iter().any(|k| k.ends_with("lib"));
            if is_lib || kinds.contains(&"bin") {
                roots.push((PathBuf::from(as_str(&target["src_path"])), is_lib));
            }
        }
    }
    assert!(roots.len() >= 8, "{roots:?}");
    roots
}

#[test]
fn every_crate_forbids_unsafe_and_libraries_document_everything() {
    for (path, is_lib) in crate_roots() {
        let text = std::fs::read_to_string(&path).unwrap();
        let has = |attr: &str| text.lines().any(|l| l.trim() == attr);
        assert!(
            has("#![forbid(unsafe_code)]"),
            "{} lacks #![forbid(unsafe_code)]",
            path.display()
        );
        if is_lib {
            assert!(
                has("#![warn(missing_docs)]") || has("#![deny(missing_docs)]"),
                "{} lacks #![warn(missing_docs)]",
                path.display()
            );
        }
    }
}

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A manifest's `[lints]` table: the lines between its header and the next table.
fn lints_table(manifest: &str) -> Option<Vec<&str>> {
    let mut lines = manifest.lines().map(str::trim);
    lines.find(|line| *line == "[lints]")?;
    Some(
        lines
            .take_while(|line| !line.starts_with('['))
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect(),
    )
}

/// Clippy's `unwrap_used`, `expect_used`, `todo` and `unimplemented` keep panicking shortcuts
/// out of non-test code (clippy.toml lets tests use them; CI runs clippy with `-D warnings`
/// on every target). They only apply to a crate that takes the workspace's lints: every
/// member takes them as they are, and no crate's source turns them off.
#[test]
fn every_crate_takes_the_workspace_lints_that_ban_panicking_shortcuts() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let clippy: Vec<&str> = manifest
        .lines()
        .map(str::trim)
        .skip_while(|line| *line != "[workspace.lints.clippy]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .collect();
    for lint in ["unwrap_used", "expect_used", "todo", "unimplemented"] {
        assert!(
            clippy.iter().any(|line| {
                line.strip_prefix(lint)
                    .and_then(|rest| rest.trim_start().strip_prefix('='))
                    .is_some_and(|level| matches!(level.trim(), "\"warn\"" | "\"deny\""))
            }),
            "[workspace.lints.clippy] lacks {lint} = \"warn\": {clippy:?}"
        );
    }
    let clippy_toml = std::fs::read_to_string(root().join("clippy.toml")).unwrap();
    for setting in [
        "allow-unwrap-in-tests = true",
        "allow-expect-in-tests = true",
    ] {
        assert!(
            clippy_toml.lines().any(|line| line.trim() == setting),
            "clippy.toml lacks {setting}"
        );
    }
    let members = members();
    assert!(members.len() >= 10, "{}", members.len());
    for package in members {
        let name = as_str(&package["name"]);
        let path = as_str(&package["manifest_path"]);
        let text = std::fs::read_to_string(path).unwrap();
        assert_eq!(
            lints_table(&text),
            Some(vec!["workspace = true"]),
            "{name} ({path}) must take the workspace's lints: `[lints]` then `workspace = true`, \
             and nothing else"
        );
    }
    // The lints stay on in non-test source (clippy.toml already lets tests use them).
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    assert!(files.len() >= 20, "{files:?}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let attribute =
                line.trim_start().starts_with("#[") || line.trim_start().starts_with("#!");
            let silenced = [
                "unwrap_used",
                "expect_used",
                "clippy::todo",
                "unimplemented",
            ]
            .iter()
            .any(|lint| line.contains(lint));
            if attribute && silenced {
                found.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "source that turns the panicking-shortcut lints off:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_lints_table_is_read_up_to_the_next_table() {
    let manifest = "[package]\nname = \"x\"\n\n[lints]\n# shared\nworkspace = true\n\n[lints.clippy]\nunwrap_used = \"allow\"\n";
    assert_eq!(lints_table(manifest), Some(vec!["workspace = true"]));
    assert_eq!(lints_table("[package]\nname = \"x\"\n"), None);
    assert_eq!(
        lints_table("[lints]\nworkspace = false\n[dependencies]\n"),
        Some(vec!["workspace = false"])
    );
}

/// The packages that are not published: the end-to-end tests, the benchmarks, the automation.
const UNPUBLISHED: &[&str] = &["twilio-e2e", "twilio-bench", "xtask"];

#[test]
fn every_publishable_crate_carries_what_crates_io_and_docs_rs_need() {
    let root_licences = ["LICENSE-MIT", "LICENSE-APACHE"]
        .map(|file| (file, std::fs::read_to_string(root().join(file)).unwrap()));
    let mut published = 0;
    for package in members() {
        let name = as_str(&package["name"]);
        // `publish = false` reads as an empty list of registries.
        let unpublished = package["publish"].as_array().is_some_and(Vec::is_empty);
        assert_eq!(
            unpublished,
            UNPUBLISHED.contains(&name),
            "{name}: publish = false is for {UNPUBLISHED:?} only"
        );
        if unpublished {
            continue;
        }
        published += 1;
        for field in ["description", "license", "readme", "rust_version"] {
            assert!(package[field].is_string(), "{name} has no {field}");
        }
        assert_eq!(package["license"], "MIT OR Apache-2.0", "{name}");
        assert_eq!(
            package["documentation"].as_str(),
            Some(format!("https://docs.rs/{name}").as_str()),
            "{name}"
        );
        // No invented URL: these stay out until a real one exists.
        assert!(
            package["repository"].is_null(),
            "{name} has a repository URL"
        );
        assert!(package["homepage"].is_null(), "{name} has a homepage URL");
        let keywords = package["keywords"].as_array().unwrap();
        assert!((1..=5).contains(&keywords.len()), "{name}: 1 to 5 keywords");
        assert!(
            !package["categories"].as_array().unwrap().is_empty(),
            "{name}"
        );
        let docs_rs = &package["metadata"]["docs"]["rs"];
        assert_eq!(
            docs_rs["all-features"], true,
            "{name}: docs.rs all-features"
        );
        assert_eq!(
            docs_rs["rustdoc-args"],
            serde_json::json!(["--cfg", "docsrs"]),
            "{name}"
        );
        let dir = Path::new(as_str(&package["manifest_path"]))
            .parent()
            .unwrap();
        assert!(dir.join("README.md").is_file(), "{name} has no README.md");
        for (file, text) in &root_licences {
            let copy = std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("{name}: {file}: {e}"));
            assert_eq!(&copy, text, "{name}'s {file} differs from the root's");
        }
        // Feature-gated items show their feature on docs.rs (the `--cfg docsrs` above).
        for target in package["targets"].as_array().unwrap() {
            if target["kind"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "lib")
            {
                let lib = std::fs::read_to_string(as_str(&target["src_path"])).unwrap();
                assert!(
                    lib.lines()
                        .any(|l| l.trim() == "#![cfg_attr(docsrs, feature(doc_cfg))]"),
                    "{name}'s lib.rs lacks #![cfg_attr(docsrs, feature(doc_cfg))]"
                );
            }
        }
    }
    assert!(published >= 8, "{published}");
}

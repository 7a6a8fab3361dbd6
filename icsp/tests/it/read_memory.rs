//! Peak memory of reading, as a multiple of the input, for the packings users feed: YAML documents, one YAML List
//! and `oc get -o json`'s JSON List. The bound is what issue 15 asks of a whole process (4× the input) less the
//! input itself, which the caller holds: reading may add at most 3× the input, and more input never costs less.
//! Each read runs in a fresh child process (this test binary again), whose heap holds nothing else.

use std::fs;

fn status_kb(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `n` sources as `shape` (91 per object, two mirrors each, as in the benchmarks).
fn input(n: usize, shape: &str) -> String {
    let mut objects = Vec::new();
    for (object, start) in (0..n).step_by(91).enumerate() {
        let entries: Vec<(String, [String; 2])> = (start..n.min(start + 91))
            .map(|i| {
                (
                    format!("registry-{}.example.com/team-{}/app-{i}", i % 97, i % 13),
                    [
                        format!("mirror.internal.example.com:5000/team-{}/app-{i}", i % 13),
                        format!("backup.internal.example.com/app-{i}"),
                    ],
                )
            })
            .collect();
        objects.push((format!("mirrors-{object}"), entries));
    }
    let mut out = String::new();
    match shape {
        "yaml" | "yaml-list" => {
            let list = shape == "yaml-list";
            let indent = if list { "  " } else { "" };
            if list {
                out.push_str("apiVersion: v1\nitems:\n");
            }
            for (name, entries) in &objects {
                out.push_str(if list { "- " } else { "---\n" });
                out.push_str(&format!(
                    "apiVersion: config.openshift.io/v1\n{indent}kind: ImageDigestMirrorSet\n{indent}metadata:\n{indent}  name: {name}\n{indent}spec:\n{indent}  imageDigestMirrors:\n"
                ));
                for (s, [m0, m1]) in entries {
                    out.push_str(&format!(
                        "{indent}  - mirrors:\n{indent}    - {m0}\n{indent}    - {m1}\n{indent}    source: {s}\n"
                    ));
                }
            }
            if list {
                out.push_str("kind: List\n");
            }
        }
        _ => {
            let items: Vec<serde_json::Value> = objects
                .iter()
                .map(|(name, entries)| {
                    serde_json::json!({
                        "apiVersion": "config.openshift.io/v1",
                        "kind": "ImageDigestMirrorSet",
                        "metadata": {"name": name},
                        "spec": {"imageDigestMirrors": entries.iter().map(|(s, m)| {
                            serde_json::json!({"mirrors": m, "source": s})
                        }).collect::<Vec<_>>()},
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&serde_json::json!({
                "apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}
            }))
            .unwrap();
        }
    }
    out
}

/// In the child: reads the file named by `ICSP_READ_MEMORY_FILE` and prints the peak memory the read added.
fn child() -> bool {
    let Ok(path) = std::env::var("ICSP_READ_MEMORY_FILE") else {
        return false;
    };
    let bytes = fs::read(&path).unwrap();
    let before = status_kb("VmRSS:").unwrap();
    let stream = icsp::read_stream("in", &bytes, &icsp::ReadOptions::default()).unwrap();
    let peak = status_kb("VmHWM:").unwrap();
    println!(
        "ADDED {} SOURCES {}",
        peak.saturating_sub(before) * 1024,
        stream.mirror_entries()
    );
    true
}

/// Peak memory added by reading `text` in a fresh process, in bytes.
fn added_peak(text: &str, sources: usize) -> Option<u64> {
    status_kb("VmHWM:")?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input");
    fs::write(&path, text).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "read_memory::reading_adds_at_most_three_times_the_input_whatever_the_packing",
            "--nocapture",
        ])
        .env("ICSP_READ_MEMORY_FILE", &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("ADDED "))?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[3].parse::<usize>().unwrap(), sources, "{line}");
    fields[1].parse().ok()
}

/// Code pages and buffers a read touches whatever its size (≈1 MiB measured), not part of the ratio.
const FIXED: u64 = 2 << 20;

#[test]
fn reading_adds_at_most_three_times_the_input_whatever_the_packing() {
    if child() {
        return;
    }
    for shape in ["yaml", "yaml-list", "json-list"] {
        let mut last: Option<(usize, u64)> = None;
        for sources in [10_000, 40_000] {
            let text = input(sources, shape);
            let Some(added) = added_peak(&text, sources) else {
                eprintln!("peak memory is not measurable here");
                return;
            };
            #[allow(clippy::cast_precision_loss)]
            let ratio = added as f64 / text.len() as f64;
            eprintln!(
                "{shape}, {sources} sources, {} bytes: +{added} bytes peak, {ratio:.2}× the input",
                text.len()
            );
            assert!(
                added <= 3 * text.len() as u64 + FIXED,
                "{shape}, {sources} sources: {ratio:.2}× the input"
            );
            if let Some((last_len, last_added)) = last {
                assert!(
                    added > last_added,
                    "{shape}: more input, less memory ({last_added} then {added})"
                );
                // What each further byte of input costs, fixed costs aside.
                #[allow(clippy::cast_precision_loss)]
                let marginal = (added - last_added) as f64 / (text.len() - last_len) as f64;
                assert!(
                    marginal <= 3.0,
                    "{shape}: {marginal:.2} bytes of memory per byte of input"
                );
            }
            last = Some((text.len(), added));
        }
    }
}

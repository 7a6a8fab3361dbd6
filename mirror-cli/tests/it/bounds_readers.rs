//! Issue 8 item 3: every reader refuses a 100 MB input and a 100 000-deep nesting in little memory, with a clear
//! error. How fast is a benchmark's question, not a test's: the bound here is peak memory, which does not depend on
//! the machine's speed, and `common::rerun_alone` kills a child that hangs. Readers: the YAML object stream (and the CLI's file reader in front of it), the JSON pull secret,
//! registries.conf, and PEM bundles.
//!
//! Each test runs alone in a child process of the test binary, so it can measure its own peak memory (`VmHWM`, reset
//! through `/proc/self/clear_refs`) with no other module's test allocating beside it; the inputs are built before
//! the measurement starts.

use std::fs;

use mirror_cli::cluster::{Cluster, Input};

use crate::common::{self, assert_contains};

const HUNDRED_MB: usize = 100 * 1024 * 1024;
const DEPTH: usize = 100_000;
/// The most a refusal may add to the process's peak memory (the input itself is not counted).
/// toml_edit's refusal of 100 000 nested inline tables peaks at about 31 MiB, the most of any reader.
const MEMORY_LIMIT_KB: u64 = 64 * 1024;

/// Runs `read`, checks it failed within the memory bound, and returns its error text.
fn bounded<T, E: std::fmt::Display>(
    what: &str,
    memory_limit_kb: u64,
    read: impl FnOnce() -> Result<T, E>,
) -> String {
    // Peak RSS back to the current RSS, where the kernel allows it.
    let reset = fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = common::status_kib("VmRSS:");
    let result = read();
    let peak = common::status_kib("VmHWM:");
    let message = match result {
        Ok(_) => panic!("{what}: accepted"),
        Err(e) => e.to_string(),
    };
    if let (true, Some(before), Some(peak)) = (reset, before, peak) {
        let extra = peak.saturating_sub(before);
        assert!(
            extra < memory_limit_kb,
            "{what}: peak memory grew by {extra} KiB"
        );
        eprintln!("{what}: +{extra} KiB peak: {message:.160}");
    } else {
        eprintln!("{what}: (memory not measurable here): {message:.160}");
    }
    message
}

fn nested(prefix: &str, open: &str, close: &str, suffix: &str) -> Vec<u8> {
    let mut s =
        String::with_capacity(prefix.len() + DEPTH * (open.len() + close.len()) + suffix.len());
    s.push_str(prefix);
    s.push_str(&open.repeat(DEPTH));
    s.push_str(&close.repeat(DEPTH));
    s.push_str(suffix);
    s.into_bytes()
}

/// `what`'s two deep inputs, each named: `prefix`, 100 000 nested arrays or 100 000 nested `tables` (each opened
/// by `open` and closed by `}`), and `suffix`.
fn deep(
    what: &str,
    prefix: &str,
    (tables, open): (&str, &str),
    suffix: &str,
) -> [(String, Vec<u8>); 2] {
    [
        (
            format!("{what} 100 000-deep arrays"),
            nested(prefix, "[", "]", suffix),
        ),
        (
            format!("{what} 100 000-deep {tables}"),
            nested(prefix, open, "}", suffix),
        ),
    ]
}

/// 100 MB of `unit` repeated: well-formed content, so only a size check stops it early.
fn big(unit: &str) -> Vec<u8> {
    unit.repeat(HUNDRED_MB / unit.len() + 1).into_bytes()
}

/// The stack of a program's main thread on Linux, where the CLI reads its inputs.
const MAIN_THREAD_STACK: usize = 8 << 20;

#[test]
fn yaml_stream() {
    if common::rerun_alone("bounds_readers::yaml_stream") {
        return;
    }
    // Found here: in a debug build, YAML flow mappings nested ~50 deep (under the depth budget of 64) overflow a
    // 2 MiB stack (a test thread's) inside serde-saphyr's deserialisation; the CLI reads on its 8 MiB main thread.
    std::thread::Builder::new()
        .stack_size(MAIN_THREAD_STACK)
        .spawn(yaml_stream_checks)
        .unwrap()
        .join()
        .unwrap();
}

fn yaml_stream_checks() {
    let limits = icsp::Limits::default();
    let doc =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: openshift-config}\n---\n";
    let input = big(doc);
    let e = bounded("YAML 100 MB", MEMORY_LIMIT_KB, || {
        icsp::read_objects("big.yaml", &input, &limits)
    });
    let limit = format!("more than the limit of {} bytes", icsp::DEFAULT_MAX_BYTES);
    assert_contains(&e, &limit);

    for (what, bytes) in [
        (
            "YAML 100 000-deep flow sequences",
            nested("a: ", "[", "]", "\n"),
        ),
        (
            "YAML 100 000-deep flow mappings",
            nested("a: ", "{a: ", "}", "\n"),
        ),
        (
            "YAML 100 000-deep block sequences",
            nested("a:\n", "- ", "", "x\n"),
        ),
    ] {
        let e = bounded(what, MEMORY_LIMIT_KB, || {
            icsp::read_objects("deep.yaml", &bytes, &limits)
        });
        assert!(
            e.contains("deep.yaml") && e.contains("exceeds a parsing budget"),
            "{what}: {e}"
        );
        // The same through the CLI's reading of manifests.
        let inputs = [Input {
            name: "deep.yaml".into(),
            bytes: bytes.clone(),
        }];
        bounded(what, MEMORY_LIMIT_KB, || Cluster::read(&inputs, &limits));
    }
}

#[test]
fn cli_file_reader() {
    if common::rerun_alone("bounds_readers::cli_file_reader") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    fs::write(&path, big("# filler\n")).unwrap();
    // The reader stops one byte past the limit: at most that much memory.
    let limit_kb = mirror_cli::commands::MAX_INPUT_BYTES / 1024 + MEMORY_LIMIT_KB;
    let e = bounded("CLI file reader, 100 MB file", limit_kb, || {
        mirror_cli::commands::read_file(&path, &mut mirror_cli::commands::command_budget())
    });
    assert!(
        e.contains("big.yaml")
            && e.contains(&format!(
                "larger than {} bytes",
                mirror_cli::commands::MAX_INPUT_BYTES
            )),
        "{e}"
    );
    let e = bounded("CLI -f reader, 100 MB file", limit_kb, || {
        mirror_cli::commands::read_inputs(
            &[path.display().to_string()],
            false,
            &mut mirror_cli::commands::command_budget(),
        )
    });
    assert_contains(
        &e,
        &format!(
            "larger than {} bytes",
            mirror_cli::commands::MAX_INPUT_BYTES
        ),
    );
}

#[test]
fn json_pull_secret() {
    if common::rerun_alone("bounds_readers::json_pull_secret") {
        return;
    }
    let mut input = b"{\"auths\":{".to_vec();
    input.extend(big("\"a.example.com\":{\"auth\":\"dTpw\"},"));
    let e = bounded("pull secret 100 MB", MEMORY_LIMIT_KB, || {
        dockerconfig::DockerConfig::parse(&input, "big.json")
    });
    assert!(
        e.contains("big.json") && e.contains("more than the limit of 16777216 bytes"),
        "{e}"
    );
    bounded("json.Compact of 100 MB", MEMORY_LIMIT_KB, || {
        dockerconfig::compact(&input, "big.json")
    });

    for (what, bytes) in deep("pull secret", "{\"auths\":", ("objects", "{\"a\":"), "}") {
        let what = what.as_str();
        let e = bounded(what, MEMORY_LIMIT_KB, || {
            dockerconfig::DockerConfig::parse(&bytes, "deep.json")
        });
        assert!(
            e.contains("deep.json") && e.contains("nested deeper than 128 levels"),
            "{what}: {e}"
        );
        let e = bounded(what, MEMORY_LIMIT_KB, || {
            dockerconfig::compact(&bytes, "deep.json")
        });
        assert!(e.contains("nested deeper than 128 levels"), "{what}: {e}");
    }
}

#[test]
fn registries_conf() {
    if common::rerun_alone("bounds_readers::registries_conf") {
        return;
    }
    let input = big("[[registry]]\nlocation = \"quay.io/a\"\n");
    let e = bounded("registries.conf 100 MB", MEMORY_LIMIT_KB, || {
        registries_conf::parse("big.conf", &input)
    });
    assert!(
        e.contains("\"big.conf\"")
            && e.contains(&format!(
                "more than the limit of {} bytes",
                registries_conf::MAX_INPUT_BYTES
            )),
        "{e}"
    );
    bounded("registries.conf.d drop-in 100 MB", MEMORY_LIMIT_KB, || {
        registries_conf::parse_drop_in("big.conf", &input)
    });

    for (what, bytes) in deep("registries.conf", "x = ", ("inline tables", "{a = "), "\n") {
        let what = what.as_str();
        let e = bounded(what, MEMORY_LIMIT_KB, || {
            registries_conf::parse("deep.conf", &bytes)
        });
        assert!(
            e.contains("\"deep.conf\"") && e.contains("max recursion depth met"),
            "{what}: {e}"
        );
    }
}

/// DER length octets.
fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// A PEM CERTIFICATE block whose DER is `DEPTH` SEQUENCEs, each inside the previous.
fn deep_der_pem() -> Vec<u8> {
    // Content lengths from the innermost SEQUENCE out, then the headers from the outermost in.
    let mut lengths = Vec::with_capacity(DEPTH);
    let mut inner = 0usize;
    for _ in 0..DEPTH {
        lengths.push(inner);
        let mut header = Vec::new();
        der_len(inner, &mut header);
        inner += 1 + header.len();
    }
    let mut der = Vec::with_capacity(inner);
    for &len in lengths.iter().rev() {
        der.push(0x30);
        der_len(len, &mut der);
    }
    let b64 = go_compat::encode_std_base64(&der);
    let mut pem = b"-----BEGIN CERTIFICATE-----\n".to_vec();
    for line in b64.as_bytes().chunks(64) {
        pem.extend_from_slice(line);
        pem.push(b'\n');
    }
    pem.extend_from_slice(b"-----END CERTIFICATE-----\n");
    pem
}

#[test]
fn pem_bundles() {
    if common::rerun_alone("bounds_readers::pem_bundles") {
        return;
    }
    let now = trust_bundle::UnixTime::now();
    let pem = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../trust-bundle/tests/data/ca.pem"
    ))
    .unwrap();
    let big_bundle = trust_bundle::Bundle {
        key: "mirror.example.com..5000".into(),
        origin: trust_bundle::Origin::Data,
        bytes: pem.repeat(HUNDRED_MB / pem.len() + 1),
    };
    let e = bounded("PEM bundle 100 MB", MEMORY_LIMIT_KB, || {
        trust_bundle::check_bundle(&big_bundle, now)
    });
    assert!(
        e.contains("mirror.example.com..5000")
            && e.contains("more than the limit of 16777216 bytes"),
        "{e}"
    );
    let bundles = [big_bundle];
    bounded("certs.d plan of a 100 MB bundle", MEMORY_LIMIT_KB, || {
        trust_bundle::plan_folders(&bundles, now)
    });

    let deep = trust_bundle::Bundle {
        key: "mirror.example.com..5000".into(),
        origin: trust_bundle::Origin::Data,
        bytes: deep_der_pem(),
    };
    let e = bounded("PEM with 100 000-deep DER", MEMORY_LIMIT_KB, || {
        trust_bundle::check_bundle(&deep, now)
    });
    assert!(
        e.contains("mirror.example.com..5000") && e.contains("certificate"),
        "{e}"
    );
}

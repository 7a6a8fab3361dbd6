//! Peak memory of the whole pipeline after the files are read (`Cluster::read` → `node::plan`, what `render` does
//! before writing), over the input size, at 50 000 and 100 000 sources and for three packings of the same objects
//! (many documents, one `kind: List`, few large documents). Linux only; release build (CI runs it with the other
//! large-input tests): `cargo test -p mirror-cli --release --test it pipeline_memory -- --ignored --nocapture`.
//! Each case runs in a fresh child process (this test binary again, `measure_one_case`), so no case reuses the heap
//! an earlier one freed. As registries-conf's `render_memory`, the child resets its peak RSS
//! (`/proc/self/clear_refs`) once the input is made, runs, and reads the new peak (`VmHWM`); no allocator hook (the
//! crates forbid `unsafe`).

use std::fs;
use std::process::Command;

use mirror_cli::cluster::{Cluster, Input};
use mirror_cli::commands::render::{self, RenderRequest};
use mirror_cli::commands::{Exit, Style};
use mirror_cli::node::{RenderOptions, plan};

use crate::common;
use crate::pipeline_input::{Packing, idms_yaml};

/// Peak RSS (KiB) above the start while reading and planning `yaml`, and the plan's registries.conf size.
fn peak_extra_kib(yaml: String) -> (u64, usize) {
    let inputs = [Input {
        name: "idms.yaml".into(),
        bytes: yaml.into_bytes(),
    }];
    fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let baseline = common::status_kib("VmRSS:").expect("VmRSS");
    let cluster = Cluster::read(&inputs, &icsp::Limits::default()).expect("reads");
    let node = plan(&cluster, &RenderOptions::default()).expect("plans");
    let peak = common::status_kib("VmHWM:").expect("VmHWM");
    let output = node.files.iter().map(|f| f.bytes.len()).sum();
    drop((node, cluster));
    (peak.saturating_sub(baseline), output)
}

/// Peak RSS (KiB) above the start of the whole `render --root` (the command line's way, [`render::run_owned`]:
/// the inputs dropped once read, registries.conf written a block at a time), and the size written.
fn render_peak_extra_kib(yaml: String) -> (u64, usize) {
    let root = tempfile::tempdir().expect("a root");
    let request = RenderRequest {
        inputs: vec![Input {
            name: "idms.yaml".into(),
            bytes: yaml.into_bytes(),
        }],
        root: Some(root.path().to_path_buf()),
        ..Default::default()
    };
    fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let baseline = common::status_kib("VmRSS:").expect("VmRSS");
    let exit = render::run_owned(
        request,
        &mut std::io::sink(),
        &mut std::io::sink(),
        &Style::plain(),
    )
    .expect("renders");
    let peak = common::status_kib("VmHWM:").expect("VmHWM");
    assert_eq!(exit, Exit::Ok);
    let written = fs::metadata(root.path().join("etc/containers/registries.conf"))
        .expect("registries.conf written")
        .len() as usize;
    (peak.saturating_sub(baseline), written)
}

/// The case a child process measures: `SOURCES PACKING PER_OBJECT` (packing `documents` or `list`).
const CASE_VARIABLE: &str = "MIRROR_CLI_PIPELINE_MEMORY_CASE";

/// The child's half: measures the case named in [`CASE_VARIABLE`] and prints `peak-extra-kib input-bytes
/// output-bytes`; without the variable (a run by hand) it does nothing.
#[test]
#[ignore = "the child of pipeline_memory_is_bounded_by_the_input"]
fn measure_one_case() {
    let Ok(case) = std::env::var(CASE_VARIABLE) else {
        return;
    };
    let fields: Vec<&str> = case.split_whitespace().collect();
    let n: usize = fields[0].parse().expect("sources");
    let per_object: usize = fields[2].parse().expect("per object");
    let packing = match fields[1] {
        "list" => Packing::List { per_object },
        _ => Packing::Documents { per_object },
    };
    let yaml = idms_yaml(n, packing);
    let input = yaml.len();
    let (extra, output) = match fields.get(3) {
        Some(&"render") => render_peak_extra_kib(yaml),
        _ => peak_extra_kib(yaml),
    };
    println!("MEASURED {extra} {input} {output}");
}

/// Runs [`measure_one_case`] in a child process: (peak extra KiB, input bytes, output bytes); `what` is `plan`
/// (read and plan in memory) or `render` (the whole command, writing a root).
fn measure_in_child(n: usize, packing: Packing, what: &str) -> (u64, usize, usize) {
    let (name, per_object) = match packing {
        Packing::Documents { per_object } => ("documents", per_object),
        Packing::List { per_object } => ("list", per_object),
    };
    let output = Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "--exact",
            "pipeline_memory::measure_one_case",
            "--ignored",
            "--nocapture",
        ])
        .env(CASE_VARIABLE, format!("{n} {name} {per_object} {what}"))
        .output()
        .expect("runs the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split("MEASURED ").nth(1))
        .unwrap_or_else(|| panic!("the child measured nothing: {stdout}"));
    let numbers: Vec<u64> = line
        .split_whitespace()
        .map(|x| x.parse().expect("number"))
        .collect();
    (numbers[0], numbers[1] as usize, numbers[2] as usize)
}

/// Measures `what` (`plan` or `render`) at 50 000 and 100 000 sources in three packings: more memory for twice the
/// sources, and not more than about twice as much (a fifth for noise); returns the worst peak over the input
/// (input included).
fn worst_ratio(what: &str) -> f64 {
    let packings = [
        Packing::Documents { per_object: 100 },
        Packing::List { per_object: 100 },
        Packing::Documents { per_object: 2_000 },
    ];
    let mut worst: f64 = 0.0;
    for packing in packings {
        let mut previous: Option<u64> = None;
        for n in [50_000, 100_000] {
            let (extra, input, output) = measure_in_child(n, packing, what);
            // The input bytes are held for the whole run too.
            let ratio = (extra as f64 * 1024.0 + input as f64) / input as f64;
            println!(
                "{what}, {n} sources, {packing:?}: input {} KiB, output {} KiB, peak {extra} KiB above the start, \
                 {ratio:.2}x the input (input included)",
                input / 1024,
                output / 1024
            );
            worst = worst.max(ratio);
            if let Some(smaller) = previous {
                assert!(
                    extra as f64 >= smaller as f64 * 1.2 && extra as f64 <= smaller as f64 * 2.4,
                    "{what}, {packing:?}: {smaller} KiB at 50 000 sources, {extra} KiB at 100 000"
                );
            }
            previous = Some(extra);
        }
    }
    println!("{what}, worst: {worst:.2}x the input");
    worst
}

/// The pipeline's peak over its input, at each size and packing: below a bound, and growing with the input
/// whatever the packing (issue 15 saw 431 MiB at 50 000 sources and 165 MiB at 100 000, depending on packing).
#[test]
#[ignore = "measurement: release build (CI runs it)"]
fn pipeline_memory_is_bounded_by_the_input() {
    let worst = worst_ratio("plan");
    assert!(worst < BOUND, "the pipeline used {worst:.2}x its input");
}

/// The bound guarded: what the pipeline measured at the commit that added this test, with a margin. Issue 15 asks
/// for 4x; the gap is the parsed objects plus the plain rules copied from them, and the rendered text (about 2x the
/// YAML by itself).
const BOUND: f64 = 12.0;

/// The whole `render --root` over its input, at each size and packing: what a user's process peaks at, with the
/// binary's own few MiB left out (the child's RSS before reading counts as the start).
#[test]
#[ignore = "measurement: release build (CI runs it)"]
fn render_memory_is_bounded_by_the_input() {
    let worst = worst_ratio("render");
    assert!(worst < RENDER_BOUND, "render used {worst:.2}x its input");
}

/// The bound guarded for the whole command: issue 15's 4x. Measured at 3.2x to 3.7x over the packings and sizes
/// (release, CI's profile) once the scope index held numbers and plain mirror lists stayed in their sets; it was
/// 3.3x to 4.35x before. CI runs this test (`.ci/run`, with the other large-input tests).
const RENDER_BOUND: f64 = 4.0;

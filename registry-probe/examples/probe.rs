//! Probe one source from the command line (for trying the crate by hand; mirror-cli has the real command).
//!
//! ```text
//! cargo run -p registry-probe --example probe -- REGISTRY REPOSITORY TAG|DIGEST \
//!     [--certs-dir DIR] [--user USER] [--insecure] [--resolve HOST:PORT:ADDR] [--find PATH] [--json]
//! ```
//! The password, if any, is read from the `PROBE_PASSWORD` environment variable, never from the arguments.

use std::path::Path;

use registry_probe::{
    Credentials, FileQuery, Options, Prober, Reference, ResolveOverride, Source, Trust,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!(
            "usage: probe REGISTRY REPOSITORY TAG|DIGEST [--certs-dir DIR] [--user USER] [--insecure] [--resolve H:P:A] [--find PATH] [--json]"
        );
        std::process::exit(2);
    }
    let mut options = Options::default();
    let mut source = Source::new(&args[0], &args[1], Reference::parse(&args[2])?)?;
    let (mut find, mut json) = (None, false);
    let mut rest = args[3..].iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--certs-dir" => {
                let dir = rest.next().ok_or("--certs-dir DIR")?;
                let trust = Trust::from_certs_dir(Path::new(dir), &format!("certs.d/{}", args[0]))?;
                source = source.with_trust(trust);
            }
            "--user" => {
                let user = rest.next().ok_or("--user USER")?;
                let password = std::env::var("PROBE_PASSWORD").unwrap_or_default();
                source = source.with_credentials(Some(Credentials::password(
                    args[0].as_str(),
                    user.as_str(),
                    password,
                )));
            }
            "--insecure" => source = source.with_insecure(true),
            "--resolve" => options.resolve.push(ResolveOverride::parse(
                rest.next().ok_or("--resolve H:P:A")?,
            )?),
            "--find" => find = Some(rest.next().ok_or("--find PATH")?.clone()),
            "--json" => json = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let prober = Prober::new(options)?;
    let outcome = prober.manifest(&source);
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome.to_json())?);
    } else {
        println!("{outcome}");
        for n in &outcome.notes {
            println!("  note: {n}");
        }
    }
    if let Some(path) = find {
        let search = prober.find_file(&source, &FileQuery::new(path));
        for l in &search.layers {
            println!(
                "  layer {} read {} bytes (complete: {})",
                l.digest, l.bytes_read, l.complete
            );
        }
        match search.result {
            Ok(f) => println!(
                "found {} ({} bytes) in layer {}",
                f.entry_path,
                f.bytes.len(),
                f.layer_index
            ),
            Err(stop) => println!("file: {stop}"),
        }
    }
    std::process::exit(if outcome.is_ok() { 0 } else { 1 });
}

//! Whole-process measurement of the reader: `read_stream FILE` reads FILE (or `-` for stdin) as `mirror-cli`
//! does and prints what it read; `read_stream --generate yaml|yaml-list|json-list|json N` prints N mirror sources in
//! the shape the benchmarks use. Run under `/usr/bin/time -v` for the time and peak memory of a whole process.

use std::io::Read;

#[path = "../benches/shapes/mod.rs"]
mod shapes;
use shapes::{json, yaml};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, shape, n] if flag == "--generate" => {
            let n: usize = n.parse().expect("N is a number");
            let text = match shape.as_str() {
                "yaml" => yaml(n, false),
                "yaml-list" => yaml(n, true),
                "json" => json(n, false),
                "json-list" => json(n, true),
                other => panic!("unknown shape {other}"),
            };
            print!("{text}");
        }
        [file] => {
            let bytes = if file == "-" {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .expect("stdin reads");
                bytes
            } else {
                std::fs::read(file).expect("the file reads")
            };
            match icsp::read_stream(file, &bytes, &icsp::ReadOptions::default()) {
                Ok(stream) => {
                    println!(
                        "{} bytes, {} documents, {} objects, {} sources, {} warnings",
                        bytes.len(),
                        stream.documents,
                        stream.objects.len(),
                        stream.mirror_entries(),
                        stream.warnings.len()
                    );
                }
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
        }
        _ => {
            eprintln!(
                "usage: read_stream FILE | read_stream --generate yaml|yaml-list|json|json-list N"
            );
            std::process::exit(2);
        }
    }
}

//! Reading benchmarks: 1k, 10k and 100k mirror sources of a realistic shape, as YAML and JSON, packed as many
//! documents (one ImageDigestMirrorSet per 91 sources, as `oc get` of a large mirrored cluster prints them) or as one
//! `kind: List`.

use icsp::{Limits, read_objects};

mod shapes;
use shapes::{json, yaml};

fn main() {
    divan::main();
}

fn read(bencher: divan::Bencher, text: String) {
    let limits = Limits {
        max_bytes: 64 << 20,
        max_documents: 16384,
        max_nodes: 10_000_000,
        ..Limits::default()
    };
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| read_objects("bench", text.as_bytes(), &limits).expect("the input reads"));
}

/// One benchmark per shape (`yaml` or `json` text, as documents or as one List), each over the same sizes.
macro_rules! read_benches {
    ($($name:ident: $shape:ident(list = $list:literal),)*) => {$(
        #[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5, sample_size = 1)]
        fn $name(bencher: divan::Bencher, n: usize) {
            read(bencher, $shape(n, $list));
        }
    )*};
}

read_benches! {
    yaml_documents: yaml(list = false),
    yaml_list: yaml(list = true),
    json_documents: json(list = false),
    json_list: json(list = true),
}

/// The floor under the YAML reader: the YAML parser's events alone, nothing built.
#[divan::bench(args = [100_000], sample_count = 3, sample_size = 1)]
fn floor_yaml_parser_events(bencher: divan::Bencher, n: usize) {
    let text = yaml(n, false);
    bencher.bench(|| {
        let mut count = 0usize;
        for ev in serde_saphyr::granit_parser::Parser::new_from_str(&text) {
            ev.unwrap();
            count += 1;
        }
        count
    });
}

/// The floor under a JSON reader: serde_json into its `Value`.
#[divan::bench(args = [100_000], sample_count = 3, sample_size = 1)]
fn floor_serde_json_value(bencher: divan::Bencher, n: usize) {
    let text = json(n, true);
    bencher.bench(|| serde_json::from_str::<serde_json::Value>(&text).unwrap());
}

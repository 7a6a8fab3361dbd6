//! How long checking takes for a large bundle (a system-trust-sized file).

use trust_bundle::{Bundle, Origin, UnixTime, check_bundle};

fn main() {
    divan::main();
}

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

/// `n` copies of the two-certificate chain.
fn big_bundle(n: usize) -> Bundle {
    Bundle {
        key: "mirror.example.com..5000".into(),
        origin: Origin::Data,
        bytes: fixture("chain.pem").repeat(n).into_bytes(),
    }
}

#[divan::bench(args = [1, 75, 500])]
fn check_chain_copies(bencher: divan::Bencher, n: usize) {
    let bundle = big_bundle(n);
    let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_748_736_000));
    bencher.bench(|| check_bundle(divan::black_box(&bundle), now).expect("accepted"));
}

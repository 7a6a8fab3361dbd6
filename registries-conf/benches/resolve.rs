//! Resolving pull sources on large configurations: the cost per reference must not grow with the entries.

use divan::{Bencher, black_box, counter::ItemsCount};
use registries_conf::Resolver;
use registries_conf::parse;
use registries_conf::validate;
use registries_conf::{Mirror, RegistriesConf, Registry};

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// `n` entries: namespaces on 100 hosts, one mirror each, every 10th a digest-only one, every 50th a wildcard.
fn config(n: usize) -> RegistriesConf {
    let registries = (0..n)
        .map(|i| {
            if i % 50 == 0 {
                Registry {
                    prefix: format!("*.d{i}.example.org"),
                    mirrors: vec![Mirror {
                        location: format!("wild.example.net/d{i}"),
                        ..Mirror::default()
                    }],
                    ..Registry::default()
                }
            } else {
                Registry {
                    prefix: format!("reg{}.example.com/ns{i}", i % 100),
                    location: format!("reg{}.example.com/ns{i}", i % 100),
                    mirror_by_digest_only: i % 10 == 0,
                    mirrors: vec![Mirror {
                        location: format!("mirror.example.net:5000/m{i}"),
                        ..Mirror::default()
                    }],
                    ..Registry::default()
                }
            }
        })
        .collect();
    RegistriesConf {
        registries,
        ..RegistriesConf::default()
    }
}

/// References hitting namespaces, wildcards, and nothing.
fn references(n: usize) -> Vec<String> {
    (0..64)
        .map(|k| {
            let i = (k * 7919) % n;
            match k % 4 {
                0 => format!("a.d{}.example.org/app:1", (i / 50) * 50),
                1 => format!("reg{}.example.com/ns{i}/app/sub:1.0", i % 100),
                2 => format!(
                    "reg{}.example.com/ns{i}/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                    i % 100
                ),
                _ => format!("quay.io/other/app{k}"),
            }
        })
        .collect()
}

#[divan::bench(args = SIZES)]
fn pull_sources(bencher: Bencher, n: usize) {
    let resolver = Resolver::new(&config(n));
    let refs = references(n);
    bencher.counter(ItemsCount::new(refs.len())).bench(|| {
        for r in &refs {
            black_box(resolver.pull_sources(black_box(r)).unwrap());
        }
    });
}

#[divan::bench(args = SIZES)]
fn find_registry(bencher: Bencher, n: usize) {
    let resolver = Resolver::new(&config(n));
    let names: Vec<String> = references(n)
        .iter()
        .map(|r| image_ref::Reference::parse_normalized(r).unwrap().name())
        .collect();
    bencher.counter(ItemsCount::new(names.len())).bench(|| {
        for name in &names {
            black_box(resolver.find_registry(black_box(name)));
        }
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn index(bencher: Bencher, n: usize) {
    let config = config(n);
    bencher.bench(|| Resolver::new(black_box(&config)));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn parse_and_validate(bencher: Bencher, n: usize) {
    let text = registries_conf::encode(&config(n), registries_conf::Layout::Current);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            validate(
                &parse(
                    "/etc/containers/registries.conf",
                    black_box(text.as_bytes()),
                )
                .unwrap(),
            )
            .unwrap()
        });
}

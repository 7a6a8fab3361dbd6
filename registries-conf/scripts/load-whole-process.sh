#!/usr/bin/env bash
# Whole-process load figures: renders the registries.conf of 1k, 10k and 100k realistic sources (the benches' shape),
# then reads, parses and validates each as one process (`examples/load_conf.rs`), three runs each, printing wall
# time, user and system CPU and peak memory. Run from anywhere: registries-conf/scripts/load-whole-process.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p registries-conf --example realistic_conf --example load_conf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%8s %10s %8s %8s %8s %10s\n' sources bytes wall_s user_s sys_s peak_kib
for n in 1000 10000 100000; do
    target/release/examples/realistic_conf "$n" > "$work/$n.conf"
    size=$(stat -c %s "$work/$n.conf")
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" target/release/examples/load_conf "$work/$n.conf" > /dev/null
        read -r wall user sys peak < "$work/time"
        printf '%8s %10s %8s %8s %8s %10s\n' "$n" "$size" "$wall" "$user" "$sys" "$peak"
    done
done

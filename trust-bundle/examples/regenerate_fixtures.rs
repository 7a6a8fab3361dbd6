//! Regenerates the fixed PEM files under tests/data:
//! `cargo run -p trust-bundle --example regenerate_fixtures`. The files are committed so the
//! snapshot tables stay stable; regenerating changes keys and signatures (and may shift a line
//! number in the tables, as signature lengths vary by a byte or two).

#[path = "../tests/it/common.rs"]
mod common;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let ca = common::ca();
    let leaf = common::leaf(&ca);
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    write("ca.pem", ca.pem.as_bytes());
    write("ca.der", &ca.der);
    write("leaf.pem", leaf.pem.as_bytes());
    write("chain.pem", format!("{}{}", leaf.pem, ca.pem).as_bytes());
    write("expired-ca.pem", common::expired_ca().pem.as_bytes());
    write("future-ca.pem", common::future_ca().pem.as_bytes());
    write(
        "ca-with-key.pem",
        format!("{}{}", ca.pem, leaf.key.serialize_pem()).as_bytes(),
    );
    write(
        "ca-and-public-key.pem",
        format!("# exported by hand\n{}{}", ca.pem, ca.key.public_key_pem()).as_bytes(),
    );
    write("ca-crlf.pem", ca.pem.replace('\n', "\r\n").as_bytes());
    write("not-pem.crt", b"this is not a certificate\n");
    let truncated: String = ca.pem.lines().take(5).map(|l| format!("{l}\n")).collect();
    write("truncated.pem", truncated.as_bytes());
}

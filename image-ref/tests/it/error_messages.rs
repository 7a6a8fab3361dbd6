//! Every kind of reference error, as people see it.

use image_ref::Reference;

#[test]
fn error_messages() {
    let inputs = [
        "",
        ":justtag",
        "aa/asdf$$^/aa",
        "Uppercase:tag",
        "test:5000/Uppercase/lowercase:tag",
        "quay.io/Org/repo:1",
        "docker///docker",
        "repo@sha256:ffffffffffffffffffffffffffffffffff",
        "repo@sha256:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        "repo@md5:0123456789abcdef0123456789abcdef",
        "repo@sha256:0123",
        "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "[fe80::1%eth0]:5000/repo",
        "example.com/repo:tag:tag",
    ];
    let long = format!("domain.com/{}:tag", "a".repeat(256));
    let mut table = String::new();
    for input in inputs.iter().copied().chain([long.as_str()]) {
        let err = Reference::parse_normalized(input).expect_err(input);
        let shown = if input.len() > 60 {
            format!("{}…", &input[..60])
        } else {
            input.to_owned()
        };
        table.push_str(&format!("{shown:?}\n    {err}\n"));
    }
    let noncanonical = Reference::parse_canonical("quay.io/ns/repo:1").map(|r| r.to_string());
    assert!(noncanonical.is_ok());
    for input in [
        "busybox",
        "docker.io/busybox",
        "index.docker.io/library/busybox",
    ] {
        let err = Reference::parse_canonical(input).expect_err(input);
        table.push_str(&format!("canonical {input:?}\n    {err}\n"));
    }
    insta::assert_snapshot!(table);
}

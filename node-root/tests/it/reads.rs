//! Issue 14 rows 7 and 12: line and total bounds, listing bounds, and what a read reports.

use std::fs;
use std::io::Read;

use node_root::{
    Budget, Entry, ErrorKind, FileKind, Found, Lines, Listing, Root, read_limited, read_path,
};

use crate::common::{Ground, mkfifo};

/// A reader that counts what is taken from it, and never ends.
struct Endless {
    taken: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        buf.fill(b'x');
        self.taken += buf.len() as u64;
        Ok(buf.len())
    }
}

#[test]
fn a_stream_is_read_one_byte_past_its_limit_and_no_further() {
    let mut endless = Endless { taken: 0 };
    let mut budget = Budget::unlimited();
    let e = read_limited(&mut endless, "<stream>".as_ref(), 100_000, &mut budget).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooLarge { limit: 100_000 });
    assert_eq!(endless.taken, 100_001);
}

#[test]
fn a_budget_spans_every_input_of_a_command() {
    let ground = Ground::new();
    let root_path = ground.root();
    for i in 0..5 {
        fs::write(root_path.join(format!("f{i}")), vec![b'y'; 300 * 1024]).unwrap();
    }
    let root = Root::open(&root_path).unwrap();
    // Each file is within its own limit; together they are not.
    let mut budget = Budget::new(1 << 20);
    for i in 0..3 {
        root.read(format!("f{i}"), 16 << 20, &mut budget).unwrap();
    }
    let e = root.read("f3", 16 << 20, &mut budget).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BudgetExceeded { total: 1 << 20 });
    assert_eq!(
        budget.spent(),
        3 * 300 * 1024,
        "the refused file was not read"
    );
    // Streams and lines are charged to the same budget.
    let e = read_limited(
        &b"z".repeat(200 * 1024)[..],
        "<stdin>".as_ref(),
        16 << 20,
        &mut budget,
    )
    .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BudgetExceeded { total: 1 << 20 });
    let mut budget = Budget::new(10);
    let mut lines = Lines::new(&b"abc\ndef\nghi\n"[..], "<batch>", 100, &mut budget);
    assert_eq!(lines.next_line().unwrap(), Some("abc"));
    assert_eq!(lines.next_line().unwrap(), Some("def"));
    assert_eq!(
        lines.next_line().unwrap_err().kind(),
        &ErrorKind::BudgetExceeded { total: 10 }
    );
}

#[test]
fn lines_are_bounded_one_by_one() {
    let mut budget = Budget::unlimited();
    let input = b"quay.io/a:1\n\nregistry.example.com/b@sha256:00\r\nlast-without-newline";
    let mut lines = Lines::new(&input[..], "<batch>", 64, &mut budget);
    let mut got = Vec::new();
    while let Some(line) = lines.next_line().unwrap() {
        got.push(line.to_owned());
    }
    assert_eq!(
        got,
        [
            "quay.io/a:1",
            "",
            "registry.example.com/b@sha256:00\r",
            "last-without-newline"
        ]
    );
    assert_eq!(budget.spent(), input.len() as u64);

    let long = format!("ok\n{}\n", "x".repeat(65));
    let mut lines = Lines::new(long.as_bytes(), "<batch>", 64, &mut budget);
    assert_eq!(lines.next_line().unwrap(), Some("ok"));
    let e = lines.next_line().unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::LineTooLong { line: 2, limit: 64 });
    assert_eq!(
        e.to_string(),
        "cannot read <batch>: line 2 is longer than 64 bytes"
    );

    let zeros = std::io::BufReader::new(std::io::repeat(0));
    let mut lines = Lines::new(zeros, "<stdin>", 1 << 16, &mut budget);
    assert_eq!(
        lines.next_line().unwrap_err().kind(),
        &ErrorKind::LineTooLong {
            line: 1,
            limit: 1 << 16
        }
    );

    let mut lines = Lines::new(&b"\xff\xfe\n"[..], "<batch>", 64, &mut budget);
    assert_eq!(
        lines.next_line().unwrap_err().kind(),
        &ErrorKind::NotUtf8 { line: 1 }
    );
}

#[test]
fn a_read_says_what_was_there() {
    let ground = Ground::with_folders(&["etc/containers/registries.conf.d/folder.conf"]);
    let root_path = ground.root();
    ground.write("etc/containers/registries.conf.d/00.conf", "a");
    ground.write("etc/containers/registries.conf.d/\x1b[2J.conf", "b");
    ground.link("00.conf", "etc/containers/registries.conf.d/01.conf");
    mkfifo(&root_path.join("etc/containers/registries.conf.d/02.conf"));
    ground.write("etc/file-not-folder", "c");
    let root = Root::open(&root_path).unwrap();
    let mut budget = Budget::unlimited();
    assert_eq!(
        root.read("etc/missing", 10, &mut budget).unwrap(),
        Found::Missing
    );
    assert_eq!(
        root.read("missing/deeper/file", 10, &mut budget).unwrap(),
        Found::Missing
    );
    assert_eq!(
        root.read("etc/file-not-folder/x", 10, &mut budget).unwrap(),
        Found::NotRegular {
            at: "etc/file-not-folder".into(),
            kind: FileKind::File
        }
    );
    assert_eq!(
        root.read(
            "etc/containers/registries.conf.d/folder.conf",
            10,
            &mut budget
        )
        .unwrap(),
        Found::NotRegular {
            at: "etc/containers/registries.conf.d/folder.conf".into(),
            kind: FileKind::Folder
        }
    );
    let file = root
        .read("etc/containers/registries.conf.d/00.conf", 10, &mut budget)
        .unwrap();
    let file = file.into_file().unwrap();
    assert_eq!(
        (file.bytes.as_slice(), file.meta.size, file.meta.links),
        (&b"a"[..], 1, 1)
    );
    assert!(
        !format!("{file:?}").contains("bytes: ["),
        "Debug never prints the bytes"
    );
    let Listing::Entries(entries) = root
        .read_dir("etc/containers/registries.conf.d", 10)
        .unwrap()
    else {
        panic!("a folder");
    };
    let kinds: Vec<(String, FileKind)> = entries
        .iter()
        .map(|Entry { name, kind }| (name.to_string_lossy().into_owned(), *kind))
        .collect();
    assert_eq!(
        kinds,
        [
            // By bytes: ESC (0x1b) before the digits.
            ("\x1b[2J.conf".to_string(), FileKind::File),
            ("00.conf".to_string(), FileKind::File),
            ("01.conf".to_string(), FileKind::Symlink),
            ("02.conf".to_string(), FileKind::Fifo),
            ("folder.conf".to_string(), FileKind::Folder),
        ]
    );
    let e = root
        .read_dir("etc/containers/registries.conf.d", 4)
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooManyEntries { limit: 4 });
    assert_eq!(root.read_dir("etc/nothing", 4).unwrap(), Listing::Missing);
    // A hostile name is shown escaped in messages, never raw.
    let e = root
        .read(
            "etc/containers/registries.conf.d/\x1b[2J.conf",
            0,
            &mut budget,
        )
        .unwrap_err();
    assert!(e.to_string().contains("\\u{1b}[2J.conf"), "{e}");
    assert!(!e.to_string().contains('\x1b'));
    assert_eq!(
        read_path(&root_path.join("nope"), 10, &mut budget).unwrap(),
        Found::Missing
    );
}

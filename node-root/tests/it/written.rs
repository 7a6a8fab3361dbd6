//! Files whose contents are written on demand (`Plan::file_written`): compared, hashed into the journal and written
//! a block at a time, with the same outcomes as bytes held in memory.

use std::fs;
use std::io;
use std::time::Duration;

use node_root::{Contents, Outcome, Owner, Plan, Root};

use crate::common::{Ground, leftovers};

/// `lines` numbered lines, `tag` in each: several of the writer's 64 KiB blocks.
struct NumberedLines {
    lines: usize,
    tag: &'static str,
    /// The size it claims, when it lies.
    claimed: Option<u64>,
}

impl NumberedLines {
    fn new(lines: usize, tag: &'static str) -> Self {
        NumberedLines {
            lines,
            tag,
            claimed: None,
        }
    }

    fn text(&self) -> String {
        (0..self.lines)
            .map(|i| format!("{} line {i}\n", self.tag))
            .collect()
    }
}

impl Contents for NumberedLines {
    fn size(&self) -> u64 {
        self.claimed.unwrap_or(self.text().len() as u64)
    }

    fn write_to(&self, out: &mut dyn io::Write) -> io::Result<()> {
        // Many small writes, as an encoder makes them.
        for i in 0..self.lines {
            writeln!(out, "{} line {i}", self.tag)?;
        }
        Ok(())
    }
}

fn write(ground: &Ground, contents: &dyn Contents) -> node_root::Result<Outcome> {
    let root = Root::open(ground.root()).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.file_written(
        "etc/containers/registries.conf",
        contents,
        0o644,
        Owner::ROOT,
    )
    .file("etc/containers/policy.json", b"{}\n", 0o644, Owner::ROOT);
    let report = writer.write(&plan)?;
    Ok(report.outcomes[0].1)
}

#[test]
fn written_contents_are_created_left_alone_and_replaced() {
    let ground = Ground::new();
    let conf = ground.root().join("etc/containers/registries.conf");
    let first = NumberedLines::new(20_000, "first");
    assert!(first.text().len() > 4 * 64 * 1024);

    assert_eq!(write(&ground, &first).unwrap(), Outcome::Created);
    assert!(fs::read(&conf).unwrap() == first.text().as_bytes());

    // The same bytes, compared block by block against the file: left alone.
    assert_eq!(write(&ground, &first).unwrap(), Outcome::Unchanged);

    // Same size, one byte differs deep in the file: replaced.
    let other = NumberedLines::new(20_000, "fir5t");
    assert_eq!(other.text().len(), first.text().len());
    assert!(matches!(write(&ground, &other).unwrap(), Outcome::Replaced(d) if d.bytes));
    assert!(fs::read(&conf).unwrap() == other.text().as_bytes());
    assert!(
        leftovers(&ground.root()).is_empty(),
        "{:?}",
        leftovers(&ground.root())
    );
}

#[test]
fn contents_that_write_other_than_their_size_change_nothing() {
    let ground = Ground::new();
    let conf = ground.root().join("etc/containers/registries.conf");
    fs::create_dir_all(conf.parent().unwrap()).unwrap();
    fs::write(&conf, "before\n").unwrap();
    for claimed in [10, 10_000_000] {
        let liar = NumberedLines {
            claimed: Some(claimed),
            ..NumberedLines::new(1_000, "lie")
        };
        let error = write(&ground, &liar).unwrap_err();
        assert!(error.to_string().contains("registries.conf"), "{error}");
        assert_eq!(fs::read_to_string(&conf).unwrap(), "before\n");
        assert!(!ground.root().join("etc/containers/policy.json").exists());
        assert!(
            leftovers(&ground.root()).is_empty(),
            "{:?}",
            leftovers(&ground.root())
        );
        // Refused before a generation was begun.
        let root = Root::open(ground.root()).unwrap();
        assert_eq!(
            root.lock(Duration::from_secs(5)).unwrap().next_generation(),
            1
        );
    }
}

//! The default depth budget keeps the recursive deserialiser inside an ordinary 2 MiB thread stack, even in a debug
//! build: the deepest input the budget allows is read (or refused) without overflowing, and one level more is refused.

fn nested(depth: usize) -> String {
    // Under a known field the crate keeps as it is (managedFields), so strict decoding accepts it.
    let mut s =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, managedFields: ");
    s.push_str(&"{a: ".repeat(depth));
    s.push('1');
    s.push_str(&"}".repeat(depth));
    s.push_str("}\n");
    s
}

#[test]
fn default_depth_fits_a_small_thread_stack() {
    let max = icsp::Limits::default().max_depth;
    let outcome = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let limits = icsp::Limits::default();
            let at_limit =
                icsp::read_objects("deep.yaml", nested(max - 2).as_bytes(), &limits).is_ok();
            let beyond = icsp::read_objects("deep.yaml", nested(max + 1).as_bytes(), &limits)
                .expect_err("deeper than the budget")
                .to_string();
            (at_limit, beyond)
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert!(outcome.0, "an object just inside the depth budget reads");
    assert!(outcome.1.contains("budget"), "{}", outcome.1);
}

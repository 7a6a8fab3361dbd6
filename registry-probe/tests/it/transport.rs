//! Connecting: `--resolve`, refused connections, names that do not resolve, timeouts.

use std::time::{Duration, Instant};

use registry_probe::{Options, Prober, Reference, ResolveOverride, Source, Stage, StopReason};

use crate::server::Server;
use crate::{Tls, options_for};

#[test]
fn resolve_override_reaches_a_name_no_resolver_knows() {
    let (t, _, by_digest) = Tls::with_release();
    // mirror.test resolves nowhere but through the override; TLS still checks the name mirror.test.
    let o = t.prober().manifest(&by_digest);
    assert!(o.is_ok(), "{o}");
    // 127.0.0.2 is loopback too, but nothing listens there on this port.
    let p = Prober::new(options_for(&[(
        "mirror.test",
        t.server.port(),
        "127.0.0.2",
    )]))
    .unwrap();
    let o = p.manifest(&by_digest);
    let stop = o.result.unwrap_err();
    assert!(
        matches!(stop.reason, StopReason::Refused { ref addr } if addr.starts_with("127.0.0.2:")),
        "{stop:?}"
    );
}

#[test]
fn connection_refused() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p = Prober::new(Options::default()).unwrap();
    let s = Source::new(
        &format!("127.0.0.1:{port}"),
        "a/b",
        Reference::parse("latest").unwrap(),
    )
    .unwrap();
    let o = p.manifest(&s);
    assert_eq!(
        o.to_string(),
        format!("connect: connection refused by 127.0.0.1:{port}")
    );
    assert!(o.reached.is_empty());
}

#[test]
fn unresolvable_name_stops_at_connect() {
    let mut opts = Options::default();
    opts.connect_timeout = Duration::from_secs(5);
    let p = Prober::new(opts).unwrap();
    let s = Source::new(
        "no-such-host.invalid",
        "a/b",
        Reference::parse("latest").unwrap(),
    )
    .unwrap();
    let started = Instant::now();
    let o = p.manifest(&s);
    let stop = o.result.unwrap_err();
    assert_eq!(stop.stage, Stage::Connect, "{stop}");
    // A DNS failure, not the 5 s connect timeout: the answer came from the resolver, whatever the machine's speed.
    assert!(matches!(stop.reason, StopReason::Dns { .. }), "{stop:?}");
    println!("failed in {:?}", started.elapsed());
}

/// A server that accepts connections and never answers, a prober with the `configure`d options that reaches it as
/// mirror.test, and a source there.
fn silent_registry(configure: impl FnOnce(&mut Options)) -> (Server, Prober, Source) {
    let silent = Server::silent("127.0.0.1");
    let mut opts = options_for(&[("mirror.test", silent.port(), "127.0.0.1")]);
    configure(&mut opts);
    let source = Source::new(
        &format!("mirror.test:{}", silent.port()),
        "a/b",
        Reference::parse("latest").unwrap(),
    )
    .unwrap();
    (silent, Prober::new(opts).unwrap(), source)
}

#[test]
fn a_server_that_never_answers_fails_within_the_timeout() {
    let (_silent, p, s) = silent_registry(|opts| {
        opts.connect_timeout = Duration::from_secs(1);
        opts.read_timeout = Duration::from_secs(1);
    });
    // TLS: the handshake never completes.
    let started = Instant::now();
    let o = p.manifest(&s);
    let took = started.elapsed();
    let stop = o.result.unwrap_err();
    assert_eq!(stop.stage, Stage::Tls, "{stop}");
    // Stopped by the 1 s timeout it was given (a deadline cannot fire early; how late is the machine's speed).
    assert!(
        matches!(stop.reason, StopReason::Timeout { after, .. } if after == Duration::from_secs(1)),
        "{stop:?}"
    );
    assert!(took >= Duration::from_secs(1), "{took:?}");
    // Plain HTTP (insecure): the answer never comes.
    let started = Instant::now();
    let o = p.manifest(&s.clone().with_insecure(true));
    let took = started.elapsed();
    let stop = o.result.unwrap_err();
    assert_eq!(stop.stage, Stage::Ping, "{stop}");
    assert!(
        stop.to_string().starts_with("/v2/: no answer within 1 s"),
        "{stop}"
    );
    assert!(took >= Duration::from_secs(1), "{took:?}");
}

#[test]
fn overall_timeout_bounds_everything() {
    let (_silent, p, s) = silent_registry(|opts| {
        opts.read_timeout = Duration::from_secs(30);
        opts.overall_timeout = Duration::from_secs(1);
    });
    let s = s.with_insecure(true);
    let started = Instant::now();
    let o = p.manifest(&s);
    let took = started.elapsed();
    // The 1 s overall deadline stopped it, not the 30 s read timeout: named by the reason, not by a wall clock.
    let stop = o.result.unwrap_err();
    assert!(
        matches!(stop.reason, StopReason::Timeout { after, .. } if after == Duration::from_secs(1)),
        "{stop:?}"
    );
    assert!(took >= Duration::from_secs(1), "{took:?}");
}

#[test]
fn options_have_upper_bounds() {
    let mut o = Options::default();
    o.overall_timeout = Duration::from_secs(7200);
    assert!(Prober::new(o).is_err());
    assert!(ResolveOverride::parse("bad").is_err());
}

//! ureq's pluggable transport, so that each failure is known by its stage: a resolver with `--resolve` overrides,
//! TCP (ureq's own, its errors labelled) and TLS with the node's trust (our own rustls connector).

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, TcpConnector,
    Transport, TransportAdapter,
};

use crate::options::ResolveOverride;
use crate::outcome::{Stage, Stop, StopReason};
use crate::tls::TlsSetup;

/// A failure of the connector chain, carried through ureq as `ureq::Error::Other`.
#[derive(Debug)]
pub(crate) struct TransportFailure(pub(crate) Stop);

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for TransportFailure {}

fn fail(stage: Stage, reason: StopReason) -> ureq::Error {
    ureq::Error::Other(Box::new(TransportFailure(Stop::new(stage, reason))))
}

/// The host of a URI without IPv6 brackets, lowercased.
pub(crate) fn bare_host(uri: &Uri) -> String {
    let h = uri.host().unwrap_or("");
    h.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

pub(crate) fn port_of(uri: &Uri) -> u16 {
    uri.port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") {
            80
        } else {
            443
        })
}

#[derive(Debug)]
pub(crate) struct OverrideResolver {
    overrides: Vec<ResolveOverride>,
    inner: DefaultResolver,
}

impl OverrideResolver {
    pub(crate) fn new(overrides: Vec<ResolveOverride>) -> Self {
        OverrideResolver {
            overrides,
            inner: DefaultResolver::default(),
        }
    }
}

impl Resolver for OverrideResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = bare_host(uri);
        let port = port_of(uri);
        if let Some(o) = self
            .overrides
            .iter()
            .find(|o| o.host == host && o.port == port)
        {
            let mut addrs = self.empty();
            addrs.push(std::net::SocketAddr::new(o.addr, port));
            return Ok(addrs);
        }
        self.inner.resolve(uri, config, timeout).map_err(|e| {
            let detail = match e {
                ureq::Error::HostNotFound => "no address found".to_owned(),
                ureq::Error::Timeout(_) => "the resolver did not answer in time".to_owned(),
                ureq::Error::Io(io) => io.to_string(),
                other => other.to_string(),
            };
            fail(Stage::Connect, StopReason::Dns { host, detail })
        })
    }
}

/// ureq's TCP connector, its errors turned into connect stops.
#[derive(Debug, Default)]
pub(crate) struct Tcp(TcpConnector);

impl Connector<()> for Tcp {
    type Out = <TcpConnector as Connector<()>>::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        self.0.connect(details, chained).map_err(|e| {
            let addrs: Vec<String> = details.addrs.iter().map(|a| a.to_string()).collect();
            let host = details
                .uri
                .authority()
                .map(|a| a.to_string())
                .unwrap_or_default();
            let reason = match e {
                ureq::Error::Io(io) if io.kind() == io::ErrorKind::ConnectionRefused => {
                    StopReason::Refused {
                        addr: addrs.join(", "),
                    }
                }
                ureq::Error::Timeout(_) => StopReason::ConnectTimeout {
                    host,
                    after: details.config.timeouts().connect.unwrap_or(Duration::ZERO),
                },
                ureq::Error::Io(io) => {
                    StopReason::Connect(format!("{} ({})", io, addrs.join(", ")))
                }
                other => StopReason::Connect(other.to_string()),
            };
            fail(Stage::Connect, reason)
        })
    }
}

/// TLS with the node's trust for `https` URLs; plain connections pass through.
#[derive(Debug)]
pub(crate) struct Tls(pub(crate) Arc<TlsSetup>);

impl<In: Transport> Connector<In> for Tls {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = bare_host(details.uri);
        let name = ServerName::try_from(host.clone()).map_err(|_| {
            fail(
                Stage::Tls,
                StopReason::Handshake(format!("{host:?} is not a TLS server name")),
            )
        })?;
        let seen = Arc::new(Mutex::new(None));
        let config = self.0.for_connection(seen.clone());
        let mut conn = ClientConnection::new(config, name)
            .map_err(|e| fail(Stage::Tls, StopReason::Handshake(e.to_string())))?;
        let mut adapter = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        adapter.set_timeout(details.timeout);
        let mut sock = FirstBytes {
            inner: adapter,
            first: Vec::new(),
        };
        while conn.is_handshaking() {
            if let Err(e) = conn.complete_io(&mut sock) {
                let presented = seen.lock().ok().and_then(|s| s.clone());
                return Err(fail(
                    Stage::Tls,
                    self.explain_io(&e, presented.as_deref(), &sock.first, &host, details),
                ));
            }
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned { conn, sock },
        })))
    }
}

impl Tls {
    fn explain_io(
        &self,
        e: &io::Error,
        presented: Option<&[u8]>,
        first: &[u8],
        host: &str,
        details: &ConnectionDetails,
    ) -> StopReason {
        if first.starts_with(b"HTTP/") {
            return StopReason::NotTls { http: true };
        }
        if let Some(inner) = e.get_ref() {
            if let Some(re) = inner.downcast_ref::<rustls::Error>() {
                if matches!(re, rustls::Error::InvalidMessage(_))
                    && !first.is_empty()
                    && first[0] != 0x15
                    && first[0] != 0x16
                {
                    return StopReason::NotTls { http: false };
                }
                return self.0.explain(re, presented, host);
            }
            if let Some(ureq::Error::Timeout(_)) = inner.downcast_ref::<ureq::Error>() {
                return StopReason::Timeout {
                    what: "TLS handshake",
                    after: details.config.timeouts().connect.unwrap_or(Duration::ZERO),
                };
            }
        }
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => StopReason::Timeout {
                what: "TLS handshake",
                after: details.config.timeouts().connect.unwrap_or(Duration::ZERO),
            },
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted => StopReason::Handshake(
                "the server closed the connection during the handshake".into(),
            ),
            _ => StopReason::Handshake(e.to_string()),
        }
    }
}

/// Keeps the first bytes the server sent, to tell a plain-HTTP answer from a TLS one.
struct FirstBytes {
    inner: TransportAdapter,
    first: Vec<u8>,
}

impl Read for FirstBytes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.first.len() < 8 {
            let take = (8 - self.first.len()).min(n);
            self.first.extend_from_slice(&buf[..take]);
        }
        Ok(n)
    }
}

impl Write for FirstBytes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, FirstBytes>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.sock.inner.set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.sock.inner.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.inner.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// An agent for one host's trust.
pub(crate) fn agent(
    setup: Arc<TlsSetup>,
    opts: &crate::Options,
    max_idle_per_host: usize,
) -> ureq::Agent {
    let config = Config::builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(opts.user_agent.as_str())
        .accept(ureq::config::AutoHeaderValue::None)
        .accept_encoding(ureq::config::AutoHeaderValue::None)
        .proxy(None)
        .timeout_resolve(Some(opts.connect_timeout))
        .timeout_connect(Some(opts.connect_timeout))
        .timeout_recv_response(Some(opts.read_timeout))
        .timeout_per_read(Some(opts.read_timeout))
        .timeout_per_write(Some(opts.read_timeout))
        .max_idle_connections(max_idle_per_host.max(1) * 4)
        .max_idle_connections_per_host(max_idle_per_host.max(1))
        .build();
    let connector = ().chain(Tcp::default()).chain(Tls(setup));
    ureq::Agent::with_parts(
        config,
        connector,
        OverrideResolver::new(opts.resolve.clone()),
    )
}

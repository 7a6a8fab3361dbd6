//! A small HTTP/1.1 server on loopback for the tests that stand up a registry: one thread per connection, every
//! request recorded, the handler's answer written back (keep-alive, `HEAD` without a body). Each crate's
//! `tests/it/main.rs` includes this file with `#[path = "../../../test-support/http_server.rs"] mod http_server;`.
//!
//! Plain HTTP answers a TLS hello as Go's `net/http` does (the words a client sees from a plain registry it tried
//! with TLS). TLS itself is not here, so that a crate without rustls can include the file: a crate that has it
//! puts a TLS session in front with [`Server::wrapped`].
// Not every crate that includes the file uses every part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn query(&self) -> &str {
        self.target.split_once('?').map(|(_, q)| q).unwrap_or("")
    }
}

pub type Stream = Box<dyn FnMut(&mut dyn Write) -> std::io::Result<()> + Send>;

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub stream: Option<(u64, Stream)>,
}

impl Resp {
    pub fn new(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            stream: None,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn body(mut self, b: impl Into<Vec<u8>>) -> Resp {
        self.body = b.into();
        self
    }
    pub fn json(self, b: &str) -> Resp {
        self.header("Content-Type", "application/json")
            .body(b.as_bytes().to_vec())
    }
    /// A body of `len` bytes written by `f` (which may stop early with an error when the client goes away).
    pub fn stream(mut self, len: u64, f: Stream) -> Resp {
        self.stream = Some((len, f));
        self
    }
}

pub type Handler = Arc<dyn Fn(&Req) -> Resp + Send + Sync>;

/// What a connection is served over: the TCP stream itself, or a session wrapped around it (TLS).
pub trait Conn: Read + Write + Send {}
impl<T: Read + Write + Send> Conn for T {}

/// Makes an accepted connection what is served (a TLS session, say), or drops it (`None`).
pub type Wrap = Arc<dyn Fn(TcpStream) -> Option<Box<dyn Conn>> + Send + Sync>;

pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
    stop: Arc<AtomicBool>,
    pub sent: Arc<AtomicU64>,
    pub connections: Arc<AtomicU64>,
}

impl Server {
    /// Plain HTTP.
    pub fn http(ip: &str, handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> Server {
        Server::start(ip, Arc::new(handler), None, false)
    }

    /// HTTP over what `wrap` makes of each connection.
    pub fn wrapped(
        ip: &str,
        wrap: Wrap,
        handler: impl Fn(&Req) -> Resp + Send + Sync + 'static,
    ) -> Server {
        Server::start(ip, Arc::new(handler), Some(wrap), false)
    }

    /// Accepts connections and never answers.
    pub fn silent(ip: &str) -> Server {
        Server::start(ip, Arc::new(|_| Resp::new(500)), None, true)
    }

    fn start(ip: &str, handler: Handler, wrap: Option<Wrap>, silent: bool) -> Server {
        let listener = TcpListener::bind((ip, 0)).expect("bind");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicU64::new(0));
        let (l2, s2, sent2, c2) = (log.clone(), stop.clone(), sent.clone(), connections.clone());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming() {
                if s2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                c2.fetch_add(1, Ordering::SeqCst);
                if silent {
                    held.push(conn);
                    continue;
                }
                let (h, l, w, s) = (handler.clone(), l2.clone(), wrap.clone(), sent2.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                    let _ = conn.set_write_timeout(Some(Duration::from_secs(10)));
                    match w {
                        Some(wrap) => {
                            if let Some(stream) = wrap(conn) {
                                serve(stream, &h, &l, &s);
                            }
                        }
                        None => {
                            if !answered_tls_hello(&conn) {
                                serve(conn, &h, &l, &s);
                            }
                        }
                    }
                });
            }
        });
        Server {
            addr,
            log,
            stop,
            sent,
            connections,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// On plain HTTP, a connection that opens with a TLS handshake record (a client trying TLS first, as the insecure
/// registries' clients do) gets Go's `net/http` answer, and is closed: true when that happened (or nothing came).
fn answered_tls_hello(mut conn: &TcpStream) -> bool {
    let mut first = [0u8; 1];
    match conn.peek(&mut first) {
        Ok(1) if first[0] == 0x16 => {
            let _ = conn.write_all(
                b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
            );
            true
        }
        Ok(1) => false,
        _ => true,
    }
}

struct Counting<'a, W: Write> {
    inner: W,
    sent: &'a AtomicU64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sent.fetch_add(n as u64, Ordering::SeqCst);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn serve<S: Read + Write>(stream: S, handler: &Handler, log: &Mutex<Vec<Req>>, sent: &AtomicU64) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut raw = Vec::new();
        match reader.read_until(b'\n', &mut raw) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        // Like a real HTTP server, a request line that is not HTTP gets a 400.
        let line = String::from_utf8(raw).unwrap_or_default();
        let mut parts = line.trim_end().splitn(3, ' ');
        let (Some(method), Some(target), Some(version)) =
            (parts.next(), parts.next(), parts.next())
        else {
            let _ = reader.get_mut().write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        };
        if !version.starts_with("HTTP/1.") {
            let _ = reader.get_mut().write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        let (method, target) = (method.to_owned(), target.to_owned());
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let req = Req {
            method,
            target,
            headers,
            body,
        };
        log.lock().unwrap().push(req.clone());
        let resp = handler(&req);
        let stream = reader.get_mut();
        let mut out = Counting {
            inner: stream,
            sent,
        };
        let len = resp
            .stream
            .as_ref()
            .map_or(resp.body.len() as u64, |(l, _)| *l);
        let mut head = format!("HTTP/1.1 {} X\r\n", resp.status);
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {len}\r\n\r\n"));
        if out.write_all(head.as_bytes()).is_err() {
            return;
        }
        if req.method != "HEAD" {
            let ok = match resp.stream {
                Some((_, mut f)) => f(&mut out).is_ok(),
                None => out.write_all(&resp.body).is_ok(),
            };
            if !ok {
                return;
            }
        }
        if out.flush().is_err() {
            return;
        }
    }
}

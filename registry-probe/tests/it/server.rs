//! The loopback HTTP/1.1 servers of these tests: test-support's server (`http_server`), plain or with a TLS
//! session (rustls) in front.

use std::sync::Arc;

pub use crate::http_server::{Req, Resp, Server};

impl Server {
    pub fn tls(
        ip: &str,
        config: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Req) -> Resp + Send + Sync + 'static,
    ) -> Server {
        let wrap = move |conn: std::net::TcpStream| {
            let session = rustls::ServerConnection::new(config.clone()).ok()?;
            let stream: Box<dyn crate::http_server::Conn> =
                Box::new(rustls::StreamOwned::new(session, conn));
            Some(stream)
        };
        Server::wrapped(ip, Arc::new(wrap), handler)
    }
}

//! How long to wait, how much to read, where names resolve.

use std::net::IpAddr;
use std::time::Duration;

use crate::error::Error;

/// `HOST:PORT:ADDR`, as curl's `--resolve`: connections to `HOST:PORT` go to `ADDR` (TLS still checks `HOST`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolveOverride {
    /// The host name as in URLs (lowercase; an IPv6 literal without brackets).
    pub host: String,
    /// The port.
    pub port: u16,
    /// Where to connect instead.
    pub addr: IpAddr,
}

impl ResolveOverride {
    /// Parses `HOST:PORT:ADDR`; `ADDR` may be an IPv6 address, bracketed or not (`mirror:5000:[::1]`).
    ///
    /// ```
    /// use registry_probe::ResolveOverride;
    /// let r = ResolveOverride::parse("mirror.example.com:5000:127.0.0.1")?;
    /// assert_eq!((r.host.as_str(), r.port), ("mirror.example.com", 5000));
    /// assert!(ResolveOverride::parse("mirror:5000:[::1]")?.addr.is_ipv6());
    /// # Ok::<(), registry_probe::Error>(())
    /// ```
    pub fn parse(entry: &str) -> Result<Self, Error> {
        let bad = |why| Error::InvalidResolve {
            entry: entry.chars().take(140).collect(),
            why,
        };
        let (host, rest) = if let Some(r) = entry.strip_prefix('[') {
            let (h, rest) = r
                .split_once("]:")
                .ok_or(bad("an IPv6 host needs `]:` before the port"))?;
            (h, rest)
        } else {
            entry
                .split_once(':')
                .ok_or(bad("expected HOST:PORT:ADDR"))?
        };
        let (port, addr) = rest.split_once(':').ok_or(bad("expected HOST:PORT:ADDR"))?;
        if host.is_empty() {
            return Err(bad("the host is empty"));
        }
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p > 0)
            .ok_or(bad("the port must be 1 to 65535"))?;
        let addr = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| bad("ADDR must be an IP address"))?;
        Ok(ResolveOverride {
            host: host.to_ascii_lowercase(),
            port,
            addr,
        })
    }
}

/// How the manifest of a **tag** is asked for. A digest is always read with `GET`, so that the bytes can be
/// checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ManifestMethod {
    /// `HEAD` first (the digest from `Docker-Content-Digest`, as containers/image's `GetDigest`); `GET` when the
    /// registry does not answer `HEAD` with 200, a digest and a known media type — the `GET` answer is then the
    /// one reported, since a pull uses `GET`.
    #[default]
    HeadThenGet,
    /// `GET` only, as containers/image's pull itself (`fetchManifest`): the digest is computed over the bytes.
    Get,
}

/// Bounds and settings of a [`Prober`](crate::Prober). `Options::default()` has the defaults below; each value
/// has an upper bound that [`Prober::new`](crate::Prober::new) enforces.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// Name resolution and TCP connect, per attempt, and separately the TLS handshake. Default 10 s, at most
    /// 120 s (containers/image: 30 s dial, 10 s handshake).
    pub connect_timeout: Duration,
    /// Waiting for a response's headers, and for each read of a body. Default 30 s, at most 300 s.
    pub read_timeout: Duration,
    /// Everything one call does (`manifest`, one blob, one file search), redirects and tokens included.
    /// Default 120 s, at most 1 h.
    pub overall_timeout: Duration,
    /// `HOST:PORT:ADDR` overrides, for every connection (registry, token realm, redirects).
    pub resolve: Vec<ResolveOverride>,
    /// Largest manifest read. Default 4 MiB (containers/image's `MaxManifestBodySize`), at most 64 MiB.
    pub max_manifest_bytes: u64,
    /// Largest token response read. Default 1 MiB (`MaxAuthTokenBodySize`), at most 16 MiB.
    pub max_token_bytes: u64,
    /// How much of an error body is read to find the distribution error JSON. Default 64 KiB, at most 1 MiB.
    pub max_error_bytes: u64,
    /// Redirects followed per request. Default 10 (Go's), at most 20.
    pub max_redirects: u32,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// How a tag's manifest is asked for.
    pub manifest_method: ManifestMethod,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            overall_timeout: Duration::from_secs(120),
            resolve: Vec::new(),
            max_manifest_bytes: 4 << 20,
            max_token_bytes: 1 << 20,
            max_error_bytes: 64 << 10,
            max_redirects: 10,
            user_agent: concat!("registry-probe/", env!("CARGO_PKG_VERSION")).to_owned(),
            manifest_method: ManifestMethod::default(),
        }
    }
}

impl Options {
    pub(crate) fn check(&self) -> Result<(), Error> {
        fn dur(name: &'static str, v: Duration, max: Duration) -> Result<(), Error> {
            if v.is_zero() || v > max {
                return Err(Error::InvalidOption {
                    name,
                    value: format!("{v:?}"),
                    why: format!("it must be more than 0 and at most {max:?}"),
                });
            }
            Ok(())
        }
        fn size(name: &'static str, v: u64, max: u64) -> Result<(), Error> {
            if v == 0 || v > max {
                return Err(Error::InvalidOption {
                    name,
                    value: v.to_string(),
                    why: format!("it must be 1 to {max}"),
                });
            }
            Ok(())
        }
        dur(
            "connect_timeout",
            self.connect_timeout,
            Duration::from_secs(120),
        )?;
        dur("read_timeout", self.read_timeout, Duration::from_secs(300))?;
        dur(
            "overall_timeout",
            self.overall_timeout,
            Duration::from_secs(3600),
        )?;
        size("max_manifest_bytes", self.max_manifest_bytes, 64 << 20)?;
        size("max_token_bytes", self.max_token_bytes, 16 << 20)?;
        size("max_error_bytes", self.max_error_bytes, 1 << 20)?;
        if self.max_redirects > 20 {
            return Err(Error::InvalidOption {
                name: "max_redirects",
                value: self.max_redirects.to_string(),
                why: "it must be at most 20".into(),
            });
        }
        if self.user_agent.is_empty()
            || self.user_agent.len() > 512
            || self.user_agent.bytes().any(|b| b < 0x20 || b == 0x7f)
        {
            return Err(Error::InvalidOption {
                name: "user_agent",
                value: format!("{:?}", self.user_agent.chars().take(60).collect::<String>()),
                why: "it must be 1 to 512 printable characters".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_entries() {
        let r = ResolveOverride::parse("Mirror:443:10.1.2.3").unwrap();
        assert_eq!(r.host, "mirror");
        assert_eq!(r.port, 443);
        let r = ResolveOverride::parse("[::1]:5000:::1").unwrap();
        assert_eq!(r.host, "::1");
        assert!(r.addr.is_ipv6());
        for bad in [
            "mirror",
            "mirror:5000",
            "mirror:x:1.2.3.4",
            "mirror:0:1.2.3.4",
            ":5000:1.2.3.4",
            "m:1:host",
        ] {
            assert!(ResolveOverride::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds() {
        Options::default().check().unwrap();
        let o = Options {
            read_timeout: Duration::from_secs(301),
            ..Options::default()
        };
        assert!(o.check().is_err());
        let o = Options {
            max_manifest_bytes: 0,
            ..Options::default()
        };
        assert!(o.check().is_err());
    }
}

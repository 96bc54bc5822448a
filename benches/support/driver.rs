//! The load driver of the HTTP benchmarks (`benches/load.rs` and the peer comparison in
//! `benches/peers`): keep-alive HTTP/1.1 GETs on hyper's client connection API (no pool, no
//! redirects, so the tool itself costs little next to the servers measured), fixed concurrency,
//! latency percentiles.
#![allow(dead_code)]

use std::{sync::Arc, time::Instant};

/// Connections used by [`load`].
pub const CONCURRENCY: usize = 16;

/// What a run measured.
#[derive(Clone, Debug)]
pub struct Load {
    pub rps: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub errors: usize,
}

/// `total` GET requests over [`CONCURRENCY`] connections, with `cookie`; every response must
/// have status `expect`.
pub async fn load(url: &str, cookie: Option<&str>, total: usize, expect: u16) -> Load {
    load_on(url, cookie, total, expect, CONCURRENCY).await
}

/// `total` GET requests over `connections` keep-alive connections.
pub async fn load_on(
    url: &str,
    cookie: Option<&str>,
    total: usize,
    expect: u16,
    connections: usize,
) -> Load {
    let values = cookie.map(|c| Arc::new(vec![c.to_string()]));
    run(
        url,
        values.map(|v| ("cookie", v)),
        total,
        expect,
        connections,
    )
    .await
}

/// `total` GET requests over `connections` connections, request `i` carrying header `name`
/// with `values[i % len]` (distinct values per request: a new token every time).
pub async fn run(
    url: &str,
    header: Option<(&'static str, Arc<Vec<String>>)>,
    total: usize,
    expect: u16,
    connections: usize,
) -> Load {
    let per = total / connections;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (url, header) = (url.to_string(), header.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = RawClient::new(&url);
            let mut lat = Vec::with_capacity(per);
            let mut errors = 0;
            for i in 0..per {
                let value = header
                    .as_ref()
                    .map(|(name, values)| (*name, values[(c * per + i) % values.len()].as_str()));
                let t = Instant::now();
                match conn.get(value).await {
                    Ok(status) if status == expect => {}
                    _ => errors += 1,
                }
                lat.push(t.elapsed().as_secs_f64() * 1e6);
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::with_capacity(total);
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    Load {
        rps: all.len() as f64 / elapsed,
        p50_us: pct(0.50),
        p99_us: pct(0.99),
        errors,
    }
}

/// One keep-alive connection; reconnects when the server closes (as gunicorn's sync workers do).
struct RawClient {
    addr: String,
    uri: http::Uri,
    sender: Option<hyper::client::conn::http1::SendRequest<http_body_util::Empty<bytes::Bytes>>>,
}

impl RawClient {
    fn new(url: &str) -> Self {
        let uri: http::Uri = url.parse().unwrap();
        let addr = uri.authority().unwrap().to_string();
        Self {
            addr,
            uri,
            sender: None,
        }
    }

    async fn connect(&mut self) -> std::io::Result<()> {
        let stream = tokio::net::TcpStream::connect(&self.addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        self.sender = Some(sender);
        Ok(())
    }

    async fn get(&mut self, header: Option<(&'static str, &str)>) -> std::io::Result<u16> {
        use http_body_util::BodyExt;
        let ready = match self.sender.as_mut() {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        if !ready {
            self.connect().await?;
        }
        let mut req = http::Request::get(self.uri.path_and_query().unwrap().as_str())
            .header(http::header::HOST, &self.addr)
            .header(http::header::ACCEPT, "*/*");
        if let Some((name, value)) = header {
            req = req.header(name, value);
        }
        let req = req.body(http_body_util::Empty::new()).unwrap();
        let sender = self.sender.as_mut().unwrap();
        let res = match sender.send_request(req).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(std::io::Error::other(e));
            }
        };
        let status = res.status().as_u16();
        res.into_body()
            .collect()
            .await
            .map_err(std::io::Error::other)?;
        Ok(status)
    }
}

//! A bare HTTP/1 client for the benches: one keep-alive connection per `connect`, so a
//! bench controls exactly how many connections it holds (hyper's pooled client would
//! open and share them on its own).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::http::response::Parts;
use hyper::Request;
use hyper_util::rt::TokioIo;

/// The sending half of one connection.
pub type Sender = http1::SendRequest<Full<Bytes>>;

/// Opens a connection to `addr` (Nagle off: requests are small and latency is measured),
/// driving it on the current tokio runtime; `None` when it cannot be opened.
pub async fn connect(addr: SocketAddr) -> Option<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.ok()?;
    tokio::spawn(connection);
    Some(sender)
}

/// The body of `GET path` on a new connection, as text; empty when anything fails
/// (the benches read `/metrics` with it and treat a missing series as unknown).
pub async fn get_text(addr: SocketAddr, path: &str) -> String {
    let Some(mut sender) = connect(addr).await else {
        return String::new();
    };
    let Ok(request) = Request::get(path)
        .header("host", "bench")
        .body(Full::new(Bytes::new()))
    else {
        return String::new();
    };
    match sender.send_request(request).await {
        Ok(response) => match response.into_body().collect().await {
            Ok(body) => String::from_utf8_lossy(&body.to_bytes()).into_owned(),
            Err(_) => String::new(),
        },
        Err(_) => String::new(),
    }
}

/// The value of `series` (its name with any labels, as written) in Prometheus text.
pub fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Sends `request` on `sender` and reads the whole answer, within `limit`. The error
/// says which step failed, for the benches' tally of lost requests.
pub async fn exchange(
    sender: &mut Sender,
    request: Request<Full<Bytes>>,
    limit: Duration,
) -> Result<(Parts, Bytes), String> {
    let exchange = async {
        sender
            .ready()
            .await
            .map_err(|e| format!("connection: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("sending: {e}"))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| format!("reading the body: {e}"))?
            .to_bytes();
        Ok((parts, body))
    };
    tokio::time::timeout(limit, exchange)
        .await
        .map_err(|_| format!("no answer within {limit:?}"))?
}

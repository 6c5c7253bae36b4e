//! `plotbox healthcheck`: asks a running `plotbox serve` for `/healthz` and exits 0 on
//! 200, 1 otherwise. Container images built `FROM scratch` have no curl or wget, so
//! their `HEALTHCHECK` runs the binary itself.
//!
//! Plain HTTP/1.0 over a `std::net::TcpStream`: one request, one status line, no
//! runtime to start, so the probe costs a few milliseconds of CPU.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args)]
pub struct HealthcheckArgs {
    /// Address of the server. The same variable as `plotbox serve --addr`, so a
    /// container configured with PLOTBOX_ADDR probes the address it serves on; an
    /// unspecified address (0.0.0.0, [::]) is probed on loopback.
    #[arg(long, env = "PLOTBOX_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// Time allowed for connecting, and then for the answer, in milliseconds.
    #[arg(long, default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout_ms: u64,
}

/// Probes the server; the outcome is printed (stdout when healthy, stderr otherwise).
pub fn run(args: &HealthcheckArgs) -> ExitCode {
    let addr = probe_address(args.addr);
    let timeout = Duration::from_millis(args.timeout_ms);
    match status_of_healthz(addr, timeout) {
        Ok(200) => {
            println!("plotbox healthcheck: http://{addr}/healthz answered 200");
            ExitCode::SUCCESS
        }
        Ok(status) => {
            eprintln!("plotbox healthcheck: http://{addr}/healthz answered {status}, not 200");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("plotbox healthcheck: http://{addr}/healthz: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A server listening on every interface is reachable on loopback.
fn probe_address(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// The status code of `GET /healthz`.
fn status_of_healthz(addr: SocketAddr, timeout: Duration) -> Result<u16, String> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|error| format!("cannot connect: {error}"))?;
    let timeouts = stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)));
    timeouts.map_err(|error| format!("cannot set the socket timeout: {error}"))?;
    let request =
        format!("GET /healthz HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: plotbox-healthcheck\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|error| format!("cannot send the request: {error}"))?;
    // The status line is all the probe needs; a server that sends a huge first line
    // is not healthy, so the read stops at 1 KiB.
    let mut line = Vec::new();
    BufReader::new(std::io::Read::take(&mut stream, 1024))
        .read_until(b'\n', &mut line)
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                format!("no answer within {} ms", timeout.as_millis())
            }
            _ => format!("cannot read the answer: {error}"),
        })?;
    parse_status_line(&line).ok_or_else(|| {
        let shown = String::from_utf8_lossy(&line);
        if shown.is_empty() {
            "the connection closed without an answer".to_owned()
        } else {
            format!("not an HTTP status line: {:?}", shown.trim_end())
        }
    })
}

/// `HTTP/1.x NNN reason` → NNN.
fn parse_status_line(line: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split_ascii_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(parse_status_line(b"HTTP/1.0 200 OK\r\n"), Some(200));
        assert_eq!(
            parse_status_line(b"HTTP/1.1 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(parse_status_line(b"HTTP/1.1 200\r\n"), Some(200));
        assert_eq!(parse_status_line(b"SSH-2.0-OpenSSH_9.2\r\n"), None);
        assert_eq!(parse_status_line(b"HTTP/1.1 2000 OK\r\n"), None);
        assert_eq!(parse_status_line(b""), None);
    }

    #[test]
    fn unspecified_addresses_are_probed_on_loopback() {
        let probe = |addr: &str| probe_address(addr.parse().unwrap()).to_string();
        assert_eq!(probe("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(probe("[::]:8080"), "[::1]:8080");
        assert_eq!(probe("10.1.2.3:9000"), "10.1.2.3:9000");
    }
}

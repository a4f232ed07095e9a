//! The benches' load generator: a lean keep-alive HTTP/1.1 client.

use std::net::SocketAddr;

/// A keep-alive HTTP/1.1 connection that sends requests and reads the answers, and
/// nothing more: the load generator should spend as little of the two cores as it can (as `wrk`
/// would), so what is measured is the server.
pub struct Connection {
    stream: tokio::io::BufReader<tokio::net::TcpStream>,
    line: String,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Self> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: tokio::io::BufReader::new(stream),
            line: String::new(),
        })
    }

    /// (status, body) of `GET path`.
    #[allow(dead_code)] // not every bench GETs
    pub async fn get(&mut self, path: &str, token: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n");
        self.send(request.as_bytes(), &[]).await
    }

    /// (status, body) of `POST path` with a JSON body.
    #[allow(dead_code)] // not every bench POSTs
    pub async fn post(&mut self, path: &str, token: &str, json: &[u8]) -> anyhow::Result<(u16, Vec<u8>)> {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            json.len()
        );
        self.send(head.as_bytes(), json).await
    }

    async fn send(&mut self, head: &[u8], body: &[u8]) -> anyhow::Result<(u16, Vec<u8>)> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        self.stream.get_mut().write_all(head).await?;
        if !body.is_empty() {
            self.stream.get_mut().write_all(body).await?;
        }
        self.line.clear();
        self.stream.read_line(&mut self.line).await?;
        let status: u16 = self
            .line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("bad status line {:?}", self.line))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            self.line.clear();
            self.stream.read_line(&mut self.line).await?;
            let header = self.line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.trim().eq_ignore_ascii_case("chunked");
                }
            }
        }
        if !chunked {
            let mut body = vec![0; length];
            self.stream.read_exact(&mut body).await?;
            return Ok((status, body));
        }
        // A streamed answer: chunks of `size\r\n data\r\n`, ended by a zero-size chunk.
        let mut body = Vec::new();
        loop {
            self.line.clear();
            self.stream.read_line(&mut self.line).await?;
            let size = usize::from_str_radix(self.line.trim_end().split(';').next().unwrap_or("0"), 16)?;
            let start = body.len();
            body.resize(start + size + 2, 0);
            self.stream.read_exact(&mut body[start..]).await?;
            body.truncate(start + size);
            if size == 0 {
                return Ok((status, body));
            }
        }
    }
}

//! A client for the ClamAV daemon's INSTREAM command over TCP: the file is sent in
//! length-prefixed chunks and clamd answers `stream: OK` or `stream: <name> FOUND`.

use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::timeout,
};

const CHUNK: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature clamd matched, e.g. `Eicar-Signature`.
    Infected(String),
}

pub async fn scan(addr: &str, bytes: &[u8]) -> Result<Verdict, String> {
    timeout(TIMEOUT, exchange(addr, bytes)).await.map_err(|_| {
        format!(
            "clamd at {addr} did not answer within {}s",
            TIMEOUT.as_secs()
        )
    })?
}

async fn exchange(addr: &str, bytes: &[u8]) -> Result<Verdict, String> {
    let io = |err: std::io::Error| format!("clamd at {addr}: {err}");
    let mut stream = TcpStream::connect(addr).await.map_err(io)?;
    stream.write_all(b"zINSTREAM\0").await.map_err(io)?;
    for chunk in bytes.chunks(CHUNK) {
        stream
            .write_all(&(chunk.len() as u32).to_be_bytes())
            .await
            .map_err(io)?;
        stream.write_all(chunk).await.map_err(io)?;
    }
    stream.write_all(&0u32.to_be_bytes()).await.map_err(io)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.map_err(io)?;
    parse_reply(&String::from_utf8_lossy(&reply))
}

fn parse_reply(reply: &str) -> Result<Verdict, String> {
    let reply = reply.trim_end_matches(['\0', '\n']).trim();
    let body = reply
        .strip_prefix("stream:")
        .map(str::trim)
        .unwrap_or(reply);
    if body == "OK" {
        Ok(Verdict::Clean)
    } else if let Some(name) = body.strip_suffix(" FOUND") {
        Ok(Verdict::Infected(name.trim().to_owned()))
    } else {
        Err(format!("clamd could not scan the file: {reply}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read() {
        assert_eq!(parse_reply("stream: OK\0"), Ok(Verdict::Clean));
        assert_eq!(
            parse_reply("stream: Eicar-Signature FOUND\0"),
            Ok(Verdict::Infected("Eicar-Signature".into()))
        );
        assert!(parse_reply("INSTREAM size limit exceeded. ERROR\0").is_err());
    }
}

//! The phones: each a loop of daily logs (kept in an outbox until acknowledged), page
//! loads and sign-ins at its own pace, what each request got, and the slow clients.

use super::*;

pub(super) type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// One request's outcome, seconds after the load started.
#[derive(Clone, Debug)]
pub(super) struct Outcome {
    pub(super) at: f64,
    pub(super) kind: &'static str,
    /// The status, or 0 when there was no answer (refused, reset, timed out).
    pub(super) status: u16,
    pub(super) retry_after: bool,
}

#[derive(Default)]
pub(super) struct Record {
    pub(super) outcomes: Vec<Outcome>,
    /// Logs the server acknowledged: (idempotency key, count).
    pub(super) acknowledged: HashSet<Uuid>,
    /// When each fault's service came back, by fault.
    pub(super) returned: BTreeMap<&'static str, f64>,
    pub(super) began: BTreeMap<&'static str, f64>,
    /// Logs left unacknowledged when the load stopped: (phone, token, key, task).
    pub(super) outbox: Vec<(usize, String, Uuid, Uuid)>,
}

pub(super) type Shared = Arc<Mutex<Record>>;

/// One request; its status (0 when unanswered) and whether it carried `Retry-After`.
pub(super) async fn send(
    http: &Http,
    addr: SocketAddr,
    phone: usize,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> (u16, bool) {
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        // Each phone from an address of its own, as the trusted proxy tells it.
        .header(
            "x-forwarded-for",
            format!(
                "10.{}.{}.{}",
                phone / 65536 % 256,
                phone / 256 % 256,
                phone % 256
            ),
        );
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = match body {
        Some((content_type, body)) => {
            request = request.header("content-type", content_type);
            Full::new(Bytes::from(body))
        }
        None => Full::new(Bytes::new()),
    };
    let Ok(request) = request.body(body) else {
        return (0, false);
    };
    match tokio::time::timeout(TIMEOUT, http.request(request)).await {
        Ok(Ok(response)) => {
            let status = response.status().as_u16();
            let retry_after = response.headers().contains_key("retry-after");
            let _ = response.into_body().collect().await;
            (status, retry_after)
        }
        _ => (0, false),
    }
}

/// One phone: a request every `EVERY` on average until `until`.
pub(super) async fn phone(
    http: Http,
    addr: SocketAddr,
    n: usize,
    token: String,
    start: Instant,
    until: Instant,
    record: Shared,
) {
    // Spread the phones over one period, then keep their own pace.
    let mut next = start + EVERY.mul_f64(n as f64 % 97.0 / 97.0);
    // Logs not yet acknowledged: (idempotency key, task), sent again as they were.
    let mut outbox: Vec<(Uuid, Uuid)> = Vec::new();
    let mut turn = n;
    while next < until {
        tokio::time::sleep_until(next.into()).await;
        next += EVERY;
        turn += 1;
        let (kind, status, retry_after) = match turn % 20 {
            0 | 10 => {
                let (status, retry_after) =
                    send(&http, addr, n, "GET", "/carer", Some(&token), None).await;
                ("page", status, retry_after)
            }
            5 => {
                let body = serde_json::json!({ "email": format!("carer{n}@chaos.example"), "password": PASSWORD }).to_string();
                let (status, retry_after) = send(
                    &http,
                    addr,
                    n,
                    "POST",
                    "/api/v1/auth/login",
                    None,
                    Some(("application/json", body)),
                )
                .await;
                ("sign-in", status, retry_after)
            }
            _ => {
                // A new log joins the outbox; the oldest not yet acknowledged goes first,
                // as it was.
                outbox.push((Uuid::new_v4(), task_id(turn % TASKS + 1)));
                let (key, task) = outbox[0];
                let (status, retry_after) = log(&http, addr, n, &token, key, task).await;
                if (200..300).contains(&status) {
                    outbox.remove(0);
                    record.lock().unwrap().acknowledged.insert(key);
                }
                ("log", status, retry_after)
            }
        };
        record.lock().unwrap().outcomes.push(Outcome {
            at: start.elapsed().as_secs_f64(),
            kind,
            status,
            retry_after,
        });
    }
    // What is left in the outbox is sent by `drain`.
    record.lock().unwrap().outbox.extend(
        outbox
            .into_iter()
            .map(|(key, task)| (n, token.clone(), key, task)),
    );
}

/// A daily log of one, with its idempotency key.
pub(super) async fn log(
    http: &Http,
    addr: SocketAddr,
    n: usize,
    token: &str,
    key: Uuid,
    task: Uuid,
) -> (u16, bool) {
    let body = serde_json::json!({
        "task_id": task,
        "care_package_id": PACKAGE,
        "count": 1,
        "idempotency_key": key,
    })
    .to_string();
    send(
        http,
        addr,
        n,
        "POST",
        "/api/v1/me/task-completions",
        Some(token),
        Some(("application/json", body)),
    )
    .await
}

/// Sends every log still in a phone's outbox until the server acknowledges it (30 tries
/// a second apart at most); answers how many there were.
pub(super) async fn drain(http: &Http, addr: SocketAddr, record: &Shared) -> usize {
    let pending = std::mem::take(&mut record.lock().unwrap().outbox);
    let count = pending.len();
    for (n, token, key, task) in pending {
        for _ in 0..30 {
            let (status, _) = log(http, addr, n, &token, key, task).await;
            if (200..300).contains(&status) {
                record.lock().unwrap().acknowledged.insert(key);
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    count
}

/// A client that sends a request's head a byte every 500 ms for `for_how_long`;
/// whether the server cut it off before it finished.
pub(super) async fn dribble(addr: SocketAddr, for_how_long: Duration) -> bool {
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return true;
    };
    let head = b"GET /carer HTTP/1.1\r\nhost: chaos\r\nx-padding: "
        .iter()
        .copied()
        .chain(std::iter::repeat(b'a'));
    let until = Instant::now() + for_how_long;
    for byte in head {
        if Instant::now() > until {
            return false;
        }
        if stream.write_all(&[byte]).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    false
}

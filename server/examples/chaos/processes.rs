//! What the run stands on: the seeded world, the server's processes, the services
//! faulted and brought back, and what the SMTP server received.

use super::*;

/// One package, `TASKS` tasks, and `carers` carers placed there, all with `hash`.
pub(super) async fn seed(db: &PgPool, carers: usize, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into care_packages (id, name, postcode_district, client_name_enc,
                                    client_name_key_id, address_enc, address_key_id)
         values ($1, 'Chaos', 'M14', '\\x00', 'chaos', '\\x00', 'chaos')",
    )
    .bind(PACKAGE.parse::<Uuid>().unwrap())
    .execute(db)
    .await?;
    for n in 1..=TASKS {
        sqlx::query(
            "with t as (insert into tasks (id, name, target_count) values ($1, $2, 1000) returning id)
             insert into package_tasks (package_id, task_id, assigned_at)
             select $3, id, now() - interval '1 day' from t",
        )
        .bind(task_id(n))
        .bind(format!("Task {n}"))
        .bind(PACKAGE.parse::<Uuid>().unwrap())
        .execute(db)
        .await?;
    }
    for n in 1..=carers {
        sqlx::query(
            "with u as (insert into users (id, email, role, password_hash, email_verified_at)
                        values ($1, $2, 'CARER', $3, now()) returning id),
                  p as (insert into user_profiles (user_id, first_name, last_name)
                        select id, 'Carer', $4 from u)
             insert into carer_packages (carer_id, package_id, assigned_at)
             select id, $5, now() - interval '1 day' from u",
        )
        .bind(carer_id(n))
        .bind(format!("carer{n}@chaos.example"))
        .bind(hash)
        .bind(n.to_string())
        .bind(PACKAGE.parse::<Uuid>().unwrap())
        .execute(db)
        .await?;
    }
    Ok(())
}

pub(super) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `server serve` (web only) or `server worker`, on the scratch database, logging
/// warnings and errors as JSON to `.data/chaos-<what>.log`.
pub(super) fn spawn(
    binary: &Path,
    what: &str,
    database_url: &str,
    port: u16,
) -> std::io::Result<Child> {
    let root = PathBuf::from(std::env::var("CHAOS_ROOT").unwrap_or_default());
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join(format!(".data/chaos-{what}.log")))?;
    Command::new(binary)
        .arg(what)
        .env("DATABASE_URL", database_url)
        .env("APP_ENV", "test")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "LEPTOS_SITE_ROOT",
            std::env::temp_dir().join("caretrack-chaos-site"),
        )
        .env("LEPTOS_OUTPUT_NAME", "caretrack")
        .env("TRUSTED_PROXIES", "127.0.0.1/32")
        .env("DATABASE_APP_ROLE", "caretrack_app")
        .env("MIGRATE_ON_START", "false")
        .env("SCHEDULER_ENABLED", "false")
        .env(
            "WORKER_CONCURRENCY",
            if what == "worker" { "4" } else { "0" },
        )
        .env("JOB_LEASE_SECONDS", "5")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
}

pub(super) async fn wait_until_ready(addr: SocketAddr) -> Result<(), String> {
    for _ in 0..200 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await {
            let _ = stream
                .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                .await;
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("the server did not start on {addr}"))
}

pub(super) async fn sleep_until(start: Instant, at: f64) {
    tokio::time::sleep_until((start + Duration::from_secs_f64(at)).into()).await;
}

/// `scripts/services.sh <command>`.
pub(super) fn services(root: &Path, command: &str) -> std::io::Result<()> {
    let status = Command::new(root.join("scripts/services.sh"))
        .arg(command)
        .stdout(Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "services.sh {command} failed"
        )))
    }
}

/// Resident memory of a process, in KiB.
pub(super) fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// The Message-IDs of the messages in the SMTP server's Maildir (`CHAOS_MAILDIR`).
pub(super) fn delivered_message_ids(root: &Path) -> std::io::Result<Vec<String>> {
    let dir = std::env::var("CHAOS_MAILDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join(".data/chaos-mail"));
    let mut ids = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let text = std::fs::read_to_string(entry?.path())?;
            if let Some(id) = text.lines().find_map(|l| {
                l.strip_prefix("Message-ID: ")
                    .or_else(|| l.strip_prefix("Message-Id: "))
            }) {
                ids.push(id.trim().to_owned());
            }
        }
    }
    ids.sort();
    Ok(ids)
}

//! The file service against a real S3-compatible server (`s3s-fs`, which verifies SigV4
//! signatures including presigned URLs, started per test), and the local-disk backend
//! through the real router.

use crate::common;

use app::files::{
    self, FileError, FileStorage, ObjectStore, StorageError, Upload, Viewer, collect_garbage,
};
use caretrack::{
    Role,
    files::{FilePurpose, FileStatus, UploadRejection},
};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use server::files::{local::LocalStore, s3::S3Store};
use sqlx::{PgPool, types::Uuid};
use std::{
    io::Cursor,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

const ACCESS_KEY: &str = "caretrack-test";
const SECRET_KEY: &str = "caretrack-test-secret";

/// A real S3-compatible server storing objects in a temporary directory.
struct S3Server {
    endpoint: String,
    root: PathBuf,
    child: Child,
}

impl S3Server {
    fn start() -> Self {
        let port = common::free_port();
        let root = std::env::temp_dir().join(format!("caretrack-s3-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&root).unwrap();
        let child = Command::new("s3s-fs")
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("s3s-fs is installed by scripts/bootstrap.sh");
        common::wait_for_port(port, "s3s-fs");
        Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            root,
            child,
        }
    }

    async fn store(&self) -> S3Store {
        let store = S3Store::new(
            Some(&self.endpoint),
            "eu-west-2",
            "caretrack-test",
            ACCESS_KEY,
            SECRET_KEY,
            true,
        );
        store.ensure_bucket().await.unwrap();
        store
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn storage(store: Arc<dyn ObjectStore>, url_ttl: Duration) -> FileStorage {
    FileStorage {
        store,
        url_ttl,
        scan_uploads: false,
    }
}

/// A small JPEG carrying an EXIF segment with a GPS position.
fn photo_with_gps() -> Vec<u8> {
    let mut plain = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(RgbImage::from_pixel(16, 9, Rgb([20, 120, 200])))
        .write_to(&mut plain, ImageFormat::Jpeg)
        .unwrap();
    let plain = plain.into_inner();
    let exif = b"Exif\0\0GPSLatitude 53.4808N";
    let mut photo = plain[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    photo.extend_from_slice(exif);
    photo.extend_from_slice(&plain[2..]);
    photo
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn user(db: &PgPool, email: &str, role: Role) -> Viewer {
    let id: Uuid = sqlx::query_scalar(
        "insert into users (email, role, password_hash) values ($1, $2::text::user_role, 'x') returning id",
    )
    .bind(email)
    .bind(role.as_str())
    .fetch_one(db)
    .await
    .unwrap();
    Viewer { user_id: id, role }
}

fn avatar(owner: Uuid, bytes: Vec<u8>) -> Upload {
    Upload {
        owner: Some(owner),
        purpose: FilePurpose::Avatar,
        original_name: "IMG_0042.JPG".into(),
        bytes,
    }
}

/// GET over plain HTTP/1.1: what a browser following the presigned link would do.
async fn http_get(url: &str) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = tokio::net::TcpStream::connect(authority).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, body)
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).unwrap().trim(), 16)
            .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        raw = &raw[line_end + 2 + size + 2..];
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn upload_to_s3_strips_gps_and_the_presigned_link_downloads_it(db: PgPool) {
    let s3 = S3Server::start();
    let files = storage(Arc::new(s3.store().await), Duration::from_secs(60));
    let sam = user(&db, "sam@example.com", Role::Carer).await;

    let original = photo_with_gps();
    assert!(contains(&original, b"GPSLatitude"));
    let stored = files::upload(&db, &files, avatar(sam.user_id, original))
        .await
        .unwrap();
    assert_eq!(stored.status, FileStatus::Ready);
    assert_eq!(stored.content_type, "image/jpeg");
    assert_eq!(stored.original_name, "IMG_0042.jpg");

    let link = files::download_url(&db, &files, stored.id, sam)
        .await
        .unwrap();
    assert!(link.url.contains("X-Amz-Signature="), "{}", link.url);
    let (status, head, body) = http_get(&link.url).await;
    assert_eq!(status, 200, "{head}");
    assert!(body.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG came back");
    assert!(
        !contains(&body, b"GPSLatitude"),
        "no GPS position in the stored photo"
    );
    assert_eq!(body.len() as u64, stored.size_bytes);
    let sha: Vec<u8> = sqlx::query_scalar("select sha256 from files where id = $1")
        .bind(stored.id)
        .fetch_one(&db)
        .await
        .unwrap();
    use sha2::Digest;
    assert_eq!(sha, sha2::Sha256::digest(&body).to_vec());
}

#[sqlx::test(migrations = "../migrations")]
async fn presigned_links_expire_and_tampered_ones_are_refused(db: PgPool) {
    let s3 = S3Server::start();
    let files = storage(Arc::new(s3.store().await), Duration::from_secs(1));
    let sam = user(&db, "sam@example.com", Role::Carer).await;
    let stored = files::upload(&db, &files, avatar(sam.user_id, photo_with_gps()))
        .await
        .unwrap();

    let link = files::download_url(&db, &files, stored.id, sam)
        .await
        .unwrap();
    // Another object's key under the same signature.
    let other_key = link
        .url
        .replace(&stored.id.to_string(), &Uuid::new_v4().to_string());
    let (status, _, _) = http_get(&other_key).await;
    assert_eq!(status, 403, "a signature is for one object only");
    // One character of the signature changed.
    let at = link.url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let mut tampered = link.url.clone();
    let flipped = if &tampered[at..at + 1] == "0" {
        "1"
    } else {
        "0"
    };
    tampered.replace_range(at..at + 1, flipped);
    let (status, _, _) = http_get(&tampered).await;
    assert_eq!(status, 403, "tampered signature");
    let (status, head, _) = http_get(&link.url).await;
    assert_eq!(status, 200, "the genuine link works: {head}");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, _, body) = http_get(&link.url).await;
    assert_eq!(status, 403, "expired: {}", String::from_utf8_lossy(&body));
}

#[sqlx::test(migrations = "../migrations")]
async fn oversize_and_wrong_type_uploads_are_refused_with_a_clear_error(db: PgPool) {
    let s3 = S3Server::start();
    let store = Arc::new(s3.store().await);
    let files = storage(store.clone(), Duration::from_secs(60));
    let sam = user(&db, "sam@example.com", Role::Carer).await;

    let mut huge = photo_with_gps();
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let err = files::upload(&db, &files, avatar(sam.user_id, huge))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FileError::Rejected(UploadRejection::TooLarge { .. })),
        "{err:?}"
    );
    let app_error = app::error::AppError::from(err);
    assert_eq!(app_error.status_code(), 422);
    assert_eq!(
        app_error.to_string(),
        "The file is too large: a profile photo may be at most 5 MB."
    );

    let exe = b"MZ\x90\0\x03\0\0\0 pretending to be a photo".to_vec();
    let err = files::upload(&db, &files, avatar(sam.user_id, exe))
        .await
        .unwrap_err();
    assert_eq!(
        app::error::AppError::from(err).to_string(),
        "This type of file cannot be used as a profile photo: choose a JPEG photo or PNG image."
    );

    let pdf_as_avatar = b"%PDF-1.7\n%%EOF".to_vec();
    assert!(
        files::upload(&db, &files, avatar(sam.user_id, pdf_as_avatar))
            .await
            .is_err()
    );

    let rows: i64 = sqlx::query_scalar("select count(*) from files")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, 0, "nothing refused is recorded");
    assert!(
        store.list("files/").await.unwrap().is_empty(),
        "nothing refused is stored"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_owners_and_entitled_roles_get_download_links(db: PgPool) {
    let dir = std::env::temp_dir().join(format!("caretrack-files-{}", Uuid::new_v4()));
    let files = storage(
        Arc::new(LocalStore::new(dir.clone(), [3; 32])),
        Duration::from_secs(60),
    );
    let sam = user(&db, "sam@example.com", Role::Carer).await;
    let jo = user(&db, "jo@example.com", Role::Carer).await;
    let assessor = user(&db, "assessor@example.com", Role::Assessor).await;
    let manager = user(&db, "manager@example.com", Role::Admin).await;
    let opt_out = files::upload(
        &db,
        &files,
        Upload {
            owner: Some(sam.user_id),
            purpose: FilePurpose::WtrOptOut,
            original_name: "opt-out signed.pdf".into(),
            bytes: b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".to_vec(),
        },
    )
    .await
    .unwrap();

    assert!(
        files::download_url(&db, &files, opt_out.id, sam)
            .await
            .is_ok()
    );
    assert!(
        files::download_url(&db, &files, opt_out.id, manager)
            .await
            .is_ok()
    );
    for outsider in [jo, assessor] {
        let err = files::download_url(&db, &files, opt_out.id, outsider)
            .await
            .unwrap_err();
        assert!(matches!(err, FileError::Forbidden), "{err:?}");
    }
    let missing = files::download_url(&db, &files, Uuid::new_v4(), manager)
        .await
        .unwrap_err();
    assert!(matches!(missing, FileError::NotFound));
    files::mark_deleted(&db, opt_out.id).await.unwrap();
    let deleted = files::download_url(&db, &files, opt_out.id, sam)
        .await
        .unwrap_err();
    assert!(
        matches!(deleted, FileError::NotFound),
        "deleted files are not downloadable"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn local_links_download_through_the_router_and_refuse_tampering(db: PgPool) {
    let dir = std::env::temp_dir().join(format!("caretrack-files-{}", Uuid::new_v4()));
    let local = Arc::new(LocalStore::new(dir.clone(), [9; 32]));
    let mut state = common::state_with(db.clone(), &common::redis_url());
    state.files = Arc::new(storage(local.clone(), Duration::from_secs(60)));
    let router = server::startup::build_router_with(
        state.clone(),
        server::startup::RouterExtras {
            local_files: Some(local),
            ..Default::default()
        },
    );
    let sam = user(&db, "sam@example.com", Role::Carer).await;
    let stored = files::upload(&db, &state.files, avatar(sam.user_id, photo_with_gps()))
        .await
        .unwrap();
    let link = files::download_url(&db, &state.files, stored.id, sam)
        .await
        .unwrap();
    assert!(
        link.url.starts_with("/files/local/files/avatar/"),
        "{}",
        link.url
    );

    let ok = common::get(router.clone(), &link.url).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.headers["content-type"], "image/jpeg");
    assert!(
        ok.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("IMG_0042.jpg")
    );

    let tampered = link.url.replace("name=IMG_0042.jpg", "name=other.jpg");
    assert_ne!(tampered, link.url);
    let refused = common::get(router.clone(), &tampered).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body, "The download link is not valid.");
    let _ = std::fs::remove_dir_all(dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn garbage_collection_removes_orphans_and_keeps_what_is_used(db: PgPool) {
    let s3 = S3Server::start();
    let store = Arc::new(s3.store().await);
    let files = storage(store.clone(), Duration::from_secs(60));
    let sam = user(&db, "sam@example.com", Role::Carer).await;

    // Kept: Sam's profile photo, in use.
    let in_use = files::upload(&db, &files, avatar(sam.user_id, photo_with_gps()))
        .await
        .unwrap();
    sqlx::query("insert into user_profiles (user_id, first_name, last_name, avatar_file_id) values ($1, 'Sam', 'Taylor', $2)")
        .bind(sam.user_id)
        .bind(in_use.id)
        .execute(&db)
        .await
        .unwrap();
    // Removed: a photo uploaded but never attached to a profile.
    let unattached = files::upload(&db, &files, avatar(sam.user_id, photo_with_gps()))
        .await
        .unwrap();
    // Removed: a document someone deleted.
    let document = Upload {
        owner: Some(sam.user_id),
        purpose: FilePurpose::Other,
        original_name: "notes.pdf".into(),
        bytes: b"%PDF-1.4\n%%EOF\n".to_vec(),
    };
    let deleted = files::upload(&db, &files, document).await.unwrap();
    files::mark_deleted(&db, deleted.id).await.unwrap();
    // Removed: an object with no row (a crash between storing it and recording it).
    store
        .put(
            "files/other/stray.pdf",
            b"%PDF-1.4".to_vec(),
            "application/pdf",
        )
        .await
        .unwrap();
    // Kept: objects outside the service's prefix are not its to remove.
    store
        .put("backups/keep.txt", b"not ours".to_vec(), "text/plain")
        .await
        .unwrap();

    // Within the grace period nothing is touched.
    let report = collect_garbage(&db, &files, Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(report, Default::default());

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let report = collect_garbage(&db, &files, Duration::ZERO).await.unwrap();
    assert_eq!(report.unattached_files, 1);
    assert_eq!(report.deleted_files, 1);
    assert_eq!(report.orphan_objects, 1);

    let mut keys: Vec<String> = store
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "backups/keep.txt".to_owned(),
            files::object_key(
                FilePurpose::Avatar,
                in_use.id,
                caretrack::files::FileKind::Jpeg
            )
        ]
    );
    let statuses: Vec<(Uuid, String)> =
        sqlx::query_as("select id, status from files order by created_at")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        statuses,
        vec![
            (in_use.id, "READY".to_owned()),
            (unattached.id, "DELETED".to_owned()),
            (deleted.id, "DELETED".to_owned()),
        ]
    );
    assert!(matches!(
        store.get("files/other/stray.pdf").await,
        Err(StorageError::NotFound(_))
    ));
    // A second run finds nothing more.
    assert_eq!(
        collect_garbage(&db, &files, Duration::ZERO).await.unwrap(),
        Default::default()
    );
}

/// A real ClamAV daemon with a one-signature database (no network needed for the
/// official one): it reports any file containing `SCAN_MARKER` as infected.
struct Clamd {
    addr: String,
    dir: PathBuf,
    child: Child,
}

const SCAN_MARKER: &[u8] = b"CARETRACK-VIRUS-SCAN-TEST-MARKER";

impl Clamd {
    fn start() -> Self {
        let port = common::free_port();
        let dir = std::env::temp_dir().join(format!("caretrack-clamd-{}", Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("db")).unwrap();
        let hex: String = SCAN_MARKER.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(
            dir.join("db/caretrack-test.ndb"),
            format!("CareTrack.Test.Marker:0:*:{hex}\n"),
        )
        .unwrap();
        let config = format!(
            "Foreground yes\nTCPSocket {port}\nTCPAddr 127.0.0.1\nDatabaseDirectory {db}\nLogFile {log}\n\
             PidFile {pid}\n",
            db = dir.join("db").display(),
            log = dir.join("clamd.log").display(),
            pid = dir.join("clamd.pid").display(),
        );
        std::fs::write(dir.join("clamd.conf"), config).unwrap();
        let child = Command::new("/usr/sbin/clamd")
            .arg("-c")
            .arg(dir.join("clamd.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("clamd is installed by scripts/bootstrap.sh (clamav-daemon)");
        common::wait_for_port(port, "clamd");
        Self {
            addr: format!("127.0.0.1:{port}"),
            dir,
            child,
        }
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn uploads_stay_quarantined_until_clamd_passes_them(db: PgPool) {
    use server::{
        jobs::{Registry, worker},
        mail::{Brand, Mailer},
    };
    let clamd = Clamd::start();
    let dir = std::env::temp_dir().join(format!("caretrack-files-{}", Uuid::new_v4()));
    let mut state = common::state_with(db.clone(), &common::redis_url());
    state.files = Arc::new(FileStorage {
        store: Arc::new(LocalStore::new(dir.clone(), [1; 32])),
        url_ttl: Duration::from_secs(60),
        scan_uploads: true,
    });
    let manager = user(&db, "manager@example.com", Role::Admin).await;
    let document = |bytes: &[u8]| Upload {
        owner: Some(manager.user_id),
        purpose: FilePurpose::Other,
        original_name: "policy.pdf".into(),
        bytes: bytes.to_vec(),
    };
    let clean = files::upload(&db, &state.files, document(b"%PDF-1.4\nsafe\n%%EOF\n"))
        .await
        .unwrap();
    let mut infected_bytes = b"%PDF-1.4\n".to_vec();
    infected_bytes.extend_from_slice(SCAN_MARKER);
    let infected = files::upload(&db, &state.files, document(&infected_bytes))
        .await
        .unwrap();
    for file in [&clean, &infected] {
        assert_eq!(file.status, FileStatus::Quarantined);
        let err = files::download_url(&db, &state.files, file.id, manager)
            .await
            .unwrap_err();
        assert!(
            app::error::AppError::from(err)
                .to_string()
                .contains("waiting for its virus check"),
            "not downloadable before the scan"
        );
    }

    let mailer = Arc::new(Mailer::directory(
        dir.join("mail"),
        "CareTrack <no-reply@care.example>".parse().unwrap(),
        Brand {
            organisation_name: "Test Care".into(),
            logo_url: String::new(),
        },
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(worker::run(
        state.clone(),
        Arc::new(Registry::standard(
            mailer,
            Some(Arc::from(clamd.addr.as_str())),
            None,
        )),
        worker::WorkerConfig {
            poll_interval: Duration::from_millis(100),
            ..worker::WorkerConfig::new(2)
        },
        async move {
            let _ = stopped.await;
        },
    ));
    let scanned = common::wait_for(
        &db,
        "select count(*) from files where scanned_at is not null",
        2,
    )
    .await;
    stop.send(()).unwrap();
    worker.await.unwrap();
    assert_eq!(scanned, 2, "both files scanned");

    let results: Vec<(Uuid, String, Option<String>)> =
        sqlx::query_as("select id, status, scan_result from files order by created_at")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        results,
        vec![
            (clean.id, "READY".into(), Some("clean".into())),
            (
                infected.id,
                "QUARANTINED".into(),
                Some("infected: CareTrack.Test.Marker.UNOFFICIAL".into())
            ),
        ]
    );
    assert!(
        files::download_url(&db, &state.files, clean.id, manager)
            .await
            .is_ok()
    );
    assert!(
        files::download_url(&db, &state.files, infected.id, manager)
            .await
            .is_err()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn uploads_over_http_stream_with_the_limit_and_downloads_redirect(db: PgPool) {
    use axum::{body::Body, http::Request};
    let dir = std::env::temp_dir().join(format!("caretrack-files-{}", Uuid::new_v4()));
    let local = Arc::new(LocalStore::new(dir.clone(), [4; 32]));
    let mut state = common::state_with(db.clone(), &common::redis_url());
    state.files = Arc::new(storage(local.clone(), Duration::from_secs(60)));
    let router = server::startup::build_router_with(
        state.clone(),
        server::startup::RouterExtras {
            local_files: Some(local),
            ..Default::default()
        },
    );
    let hash = state.auth.hasher.hash_now("a long and unusual passphrase");
    sqlx::query(
        "insert into users (email, role, password_hash) values ('sam@care.example', 'CARER', $1)",
    )
    .bind(hash)
    .execute(&db)
    .await
    .unwrap();
    let login = common::send(
        router.clone(),
        Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"email":"sam@care.example","password":"a long and unusual passphrase"}"#,
            ))
            .unwrap(),
    )
    .await;
    let token = login.json()["access_token"].as_str().unwrap().to_owned();
    let upload = |query: &str, body: Vec<u8>| {
        Request::post(format!("/api/v1/files?{query}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap()
    };

    let created = common::send(
        router.clone(),
        upload("purpose=AVATAR&name=me.jpg", photo_with_gps()),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let stored = created.json();
    assert_eq!(stored["status"], "READY");
    assert_eq!(stored["original_name"], "me.jpg");

    let mut too_big = photo_with_gps();
    too_big.resize(5 * 1024 * 1024 + 10, 0);
    let refused = common::send(router.clone(), upload("purpose=AVATAR", too_big)).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.json()["error"]["fields"]["file"],
        "The file is too large: a profile photo may be at most 5 MB."
    );
    let wrong = common::send(
        router.clone(),
        upload("purpose=AVATAR", b"GIF89a....".to_vec()),
    )
    .await;
    assert_eq!(wrong.status, 422);
    let not_theirs = common::send(
        router.clone(),
        upload("purpose=WTR_OPT_OUT", b"%PDF-1.4\n".to_vec()),
    )
    .await;
    assert_eq!(
        not_theirs.status, 403,
        "carers do not file opt-out agreements"
    );
    let report = common::send(
        router.clone(),
        upload("purpose=REPORT", b"%PDF-1.4\n".to_vec()),
    )
    .await;
    assert_eq!(report.status, 422);

    let id = stored["id"].as_str().unwrap();
    let redirect = common::send(
        router.clone(),
        Request::get(format!("/api/v1/files/{id}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(redirect.status, 303);
    let location = redirect.headers["location"].to_str().unwrap().to_owned();
    let downloaded = common::get(router.clone(), &location).await;
    assert_eq!(downloaded.status, 200);
    let anonymous = common::get(router, &format!("/api/v1/files/{id}")).await;
    assert_eq!(anonymous.status, 401);
    let _ = std::fs::remove_dir_all(dir);
}

//! `/dev/mailbox`: the emails written to `.data/mail/` in development (never mounted in
//! production, nor when SMTP is configured).

use askama::Template;
use axum::{
    Extension,
    extract::Path,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use std::path::PathBuf;

/// Where the development mailbox reads from.
#[derive(Clone)]
pub struct DevMailbox(pub PathBuf);

struct Entry {
    file: String,
    subject: String,
    to: String,
    date: String,
}

#[derive(Template)]
#[template(path = "dev/mailbox.html")]
struct MailboxPage {
    entries: Vec<Entry>,
    directory: String,
}

fn header_value(message: &str, name: &str) -> String {
    message
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default()
}

pub async fn list(Extension(DevMailbox(dir)): Extension<DevMailbox>) -> Response {
    let mut entries = Vec::new();
    if let Ok(mut read) = tokio::fs::read_dir(&dir).await {
        while let Ok(Some(item)) = read.next_entry().await {
            let file = item.file_name().to_string_lossy().into_owned();
            if !file.ends_with(".eml") {
                continue;
            }
            let modified = item.metadata().await.and_then(|m| m.modified()).ok();
            let text = tokio::fs::read_to_string(item.path())
                .await
                .unwrap_or_default();
            entries.push((
                modified,
                Entry {
                    subject: header_value(&text, "Subject"),
                    to: header_value(&text, "To"),
                    date: header_value(&text, "Date"),
                    file,
                },
            ));
        }
    }
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    let page = MailboxPage {
        entries: entries.into_iter().map(|(_, e)| e).collect(),
        directory: dir.display().to_string(),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

pub async fn show(
    Extension(DevMailbox(dir)): Extension<DevMailbox>,
    Path(file): Path<String>,
) -> Response {
    // Only names this mailbox writes: no path traversal.
    let valid = file.strip_suffix(".eml").is_some_and(|stem| {
        !stem.is_empty() && stem.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    });
    if !valid {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read_to_string(dir.join(&file)).await {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

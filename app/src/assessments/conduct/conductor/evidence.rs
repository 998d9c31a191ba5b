//! Evidence: the list of an assessment's files, and uploading one (`/api/v1/files`).

use crate::assessments::conduct::api::{Evidence, remove_evidence};
use leptos::{prelude::*, task::spawn_local};

/// The evidence attached to an assessment: download links, and while it is open,
/// uploading (through the file service) and removing, which asks first.
#[component]
pub(in crate::assessments) fn EvidenceList(
    id: caretrack::ids::AssessmentId,
    evidence: RwSignal<Vec<Evidence>>,
    editable: bool,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let removing = RwSignal::new(None::<caretrack::ids::FileId>);
    let id = StoredValue::new(id);
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            busy.set(true);
            problem.set(None);
            spawn_local(async move {
                let name = file.name();
                let result = match upload_evidence(file).await {
                    Ok(stored) => crate::assessments::conduct::api::attach_evidence(
                        id.get_value(),
                        stored.file_id,
                        String::new(),
                    )
                    .await
                    .map(|()| stored)
                    .map_err(|err| err.to_string()),
                    Err(err) => Err(err),
                };
                busy.set(false);
                match result {
                    Ok(stored) => evidence.update(|list| list.push(stored)),
                    Err(err) => problem.set(Some(format!("{name}: {err}"))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let remove = move |file_id: caretrack::ids::FileId| {
        spawn_local(async move {
            match remove_evidence(id.get_value(), file_id).await {
                Ok(()) => evidence.update(|list| list.retain(|e| e.file_id != file_id)),
                Err(err) => problem.set(Some(err.to_string())),
            }
            removing.set(None);
        });
    };
    view! {
        <section class="card" data-test="evidence">
            <h2>"Evidence"</h2>
            {move || {
                let list = evidence.get();
                if list.is_empty() {
                    return view! { <p class="muted">"No files attached."</p> }.into_any();
                }
                view! {
                    <ul class="evidence-list">
                        {list
                            .into_iter()
                            .map(|e| {
                                let file_id = e.file_id;
                                let asking = move || removing.get() == Some(file_id);
                                view! {
                                    <li data-test="evidence-file">
                                        <a
                                            href=format!("/api/v1/files/{}", e.file_id)
                                            target="_blank"
                                            rel="noopener"
                                        >
                                            {e.name}
                                        </a>
                                        <span class="muted small">
                                            {format!(" {} · added by {}", e.size, e.added_by)}
                                        </span>
                                        {editable
                                            .then(|| {
                                                let (ask_id, remove_id) = (file_id, file_id);
                                                view! {
                                                    <Show
                                                        when=asking
                                                        fallback=move || {
                                                            view! {
                                                                <button
                                                                    class="button button--link"
                                                                    type="button"
                                                                    on:click=move |_| removing.set(Some(ask_id))
                                                                >
                                                                    "Remove"
                                                                </button>
                                                            }
                                                        }
                                                    >
                                                        {
                                                            view! {
                                                                <span>" Remove this file? "</span>
                                                                <button
                                                                    class="button button--danger"
                                                                    type="button"
                                                                    on:click=move |_| remove(remove_id)
                                                                >
                                                                    "Remove"
                                                                </button>
                                                                <button
                                                                    class="button"
                                                                    type="button"
                                                                    on:click=move |_| removing.set(None)
                                                                >
                                                                    "Keep"
                                                                </button>
                                                            }
                                                        }
                                                    </Show>
                                                }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {editable
                .then(|| {
                    view! {
                        <label class="field">
                            <span>"Attach a photo or document (JPEG, PNG or PDF)"</span>
                            <input
                                type="file"
                                accept="image/jpeg,image/png,application/pdf"
                                data-test="evidence-upload"
                                disabled=move || busy.get()
                                on:change=on_file
                            />
                        </label>
                        {move || busy.get().then(|| view! { <p class="muted">"Uploading…"</p> })}
                    }
                })}
            {move || {
                problem
                    .get()
                    .map(|p| {
                        view! {
                            <p class="field-error" role="alert">
                                {p}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

/// Sends a file to the file service (`POST /api/v1/files`), as the evidence of an
/// assessment; answers it as the list shows it.
#[cfg(feature = "hydrate")]
pub(in crate::assessments) async fn upload_evidence(
    file: web_sys::File,
) -> Result<Evidence, String> {
    #[derive(serde::Deserialize)]
    struct Stored {
        id: caretrack::ids::FileId,
        original_name: String,
        size_bytes: u64,
    }
    #[derive(serde::Deserialize)]
    struct Problem {
        message: String,
    }
    let url = format!(
        "/api/v1/files?purpose=ASSESSMENT_EVIDENCE&name={}",
        caretrack::text::percent_encode(&file.name())
    );
    let content_type = file.type_();
    let response = gloo_net::http::Request::post(&url)
        .header(
            crate::csrf::HEADER,
            &crate::csrf::csrf_token().unwrap_or_default(),
        )
        .header("content-type", &content_type)
        .body(file)
        .map_err(|err| err.to_string())?
        .send()
        .await
        .map_err(|_| "the upload did not reach CareTrack; try again".to_owned())?;
    if response.ok() {
        let stored: Stored = response.json().await.map_err(|err| err.to_string())?;
        Ok(Evidence {
            file_id: stored.id,
            name: stored.original_name,
            size: caretrack::files::format_size(stored.size_bytes),
            caption: String::new(),
            added_by: "you".into(),
        })
    } else {
        Err(response
            .json::<Problem>()
            .await
            .map(|p| p.message)
            .unwrap_or_else(|_| format!("refused ({})", response.status())))
    }
}

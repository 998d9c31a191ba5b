//! CareTrack Pro user interface: Leptos components, pages and server functions.
//!
//! Organised by feature (`status/`, and later `identity/`, `care/`, `rota/` …). Each
//! feature has `api.rs` (server functions and wire types, compiled for both sides),
//! `ssr.rs` (server-only queries and service calls) and its components.

// Release builds keep the full view types (debug builds erase them), and the deepest
// pages need more than the default 128 levels to lay out.
#![recursion_limit = "256"]

pub mod account;
pub mod admin_audit;
pub mod admin_jobs;
pub mod analytics;
pub mod assessments;
pub mod care;
pub mod codec;
pub mod components;
pub mod csrf;
pub mod dashboard;
pub mod error;
pub mod home;
pub mod identity;
pub mod invitations;
pub mod live;
pub mod navigation;
pub mod notifications;
pub mod pwa;
pub mod recycle_bin;
pub mod reports;
pub mod rota;
pub mod routes;
pub mod settings;
pub mod status;
pub mod users;
pub mod wire;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod build_files;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod hydration;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod state;

use components::{layout::Layout, toast::provide_toasts};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, StaticSegment,
    components::{Route, Router, Routes},
};
use routes::{office, personal};

/// The HTML document around the app, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    security::set_content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                // caretrack.<hash>.css when the build names files by their content.
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos" />
                // The WASM is fetched once the page has loaded and runs when it is
                // idle: the server's HTML paints first on a slow phone (its forms work
                // as plain forms until then).
                <hydration::DeferredHydration options />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Sets `data-hydrated` on the document's body once the WASM has taken over (called by
/// `frontend` when hydration, a lazy page's chunk included, is complete), so people and
/// end-to-end tests can tell a static page from a live one.
pub fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();

    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
        <Meta name="theme-color" content="#0f5c5b" />
        <Meta
            name="description"
            content="CareTrack Pro: competency, daily practice and rota management for UK home-care providers."
        />
        <Title formatter=|page: String| {
            if page.is_empty() {
                "CareTrack Pro".to_owned()
            } else {
                format!("{page} · CareTrack Pro")
            }
        } />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view={Lazy::<personal::Home>::new()} />
                    <Route path=StaticSegment("status") view={Lazy::<personal::Status>::new()} />
                    <Route path=StaticSegment("login") view=identity::LoginPage />
                    <Route
                        path=StaticSegment("forgot-password")
                        view={Lazy::<personal::ForgotPassword>::new()}
                    />
                    <Route
                        path=(StaticSegment("reset-password"), ParamSegment("token"))
                        view={Lazy::<personal::ResetPassword>::new()}
                    />
                    <Route
                        path=(StaticSegment("confirm-email"), ParamSegment("token"))
                        view={Lazy::<personal::ConfirmEmail>::new()}
                    />
                    <Route path=StaticSegment("account") view={Lazy::<personal::Account>::new()} />
                    <Route
                        path=StaticSegment("notifications")
                        view={Lazy::<personal::Notifications>::new()}
                    />
                    <Route path=StaticSegment("admin") view={Lazy::<office::Dashboard>::new()} />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("jobs"))
                        view={Lazy::<office::Jobs>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("invitations"))
                        view={Lazy::<office::Invitations>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("users"))
                        view={Lazy::<office::Users>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("audit"))
                        view={Lazy::<office::Audit>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("settings"))
                        view={Lazy::<office::Settings>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("packages"))
                        view={Lazy::<office::Packages>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("packages"), ParamSegment("id"))
                        view={Lazy::<office::Package>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("tasks"))
                        view={Lazy::<office::Tasks>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("progress"))
                        view={Lazy::<office::Progress>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("recycle-bin"))
                        view={Lazy::<office::RecycleBin>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("reports"))
                        view={Lazy::<office::Reports>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("analytics"))
                        view={Lazy::<office::Analytics>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("rota"))
                        view={Lazy::<office::Rota>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("shifts"))
                        view={Lazy::<office::OpenShifts>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("settings"),
                            StaticSegment("rota-rules"),
                        )
                        view={Lazy::<office::RuleSettings>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("assessments"),
                            StaticSegment("templates"),
                        )
                        view={Lazy::<office::Templates>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("assessments"),
                            StaticSegment("templates"),
                            ParamSegment("id"),
                        )
                        view={Lazy::<office::Template>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("assessments"),
                            ParamSegment("id"),
                        )
                        view={Lazy::<office::Conduct>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("progress"),
                            StaticSegment("assessments"),
                        )
                        view={Lazy::<office::Assessments>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("progress"),
                            StaticSegment("ratings"),
                        )
                        view={Lazy::<office::ManualRatings>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("progress"),
                            StaticSegment("confirmations"),
                        )
                        view={Lazy::<office::Confirmations>::new()}
                    />
                    <Route
                        path=(StaticSegment("invite"), ParamSegment("token"))
                        view={Lazy::<personal::AcceptInvitation>::new()}
                    />
                    <Route
                        path=StaticSegment("assessor")
                        view={Lazy::<personal::AssessorHome>::new()}
                    />
                    <Route path=StaticSegment("carer") view=care::CarerHome />
                    <Route
                        path=(StaticSegment("carer"), StaticSegment("ratings"))
                        view={Lazy::<personal::MyRatings>::new()}
                    />
                    <Route
                        path=(StaticSegment("carer"), StaticSegment("rota"))
                        view={Lazy::<personal::MyRota>::new()}
                    />
                    <Route
                        path=(StaticSegment("carer"), StaticSegment("shifts"))
                        view={Lazy::<personal::AvailableShifts>::new()}
                    />
                    <Route
                        path=StaticSegment("viewer")
                        view={Lazy::<personal::ViewerHome>::new()}
                    />
                </Routes>
            </Layout>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"The page you asked for does not exist or has moved."</p>
            <a class="button" href="/">
                "Go to the home page"
            </a>
        </section>
    }
}

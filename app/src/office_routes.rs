//! The office's pages, each loaded the first time it is opened.
//!
//! A carer's phone never downloads them: each is a lazy route whose view `cargo leptos
//! build --split` moves into its own WASM chunk (with the code only it uses), fetched
//! when the route is entered and, on a first load, preloaded by the server's HTML. The
//! carer's pages, sign-in and the account pages stay in the main bundle.
//!
//! Written out one by one: `#[lazy_route]` names each chunk by where it is written,
//! so a generating macro would give them all the same name.
//!
//! Every `/admin` route is one of these ([`is_office_path`]): on a first load the page
//! is live only once its chunk has arrived and hydrated, so the document is marked
//! hydrated by the page ([`page`]) rather than by `App`.

use crate::{
    admin_audit, admin_jobs, analytics, assessments, care, dashboard, invitations, recycle_bin,
    reports, rota, settings, users,
};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// Whether `path` is an office page (a lazy route).
pub fn is_office_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// A lazy page's view: marks the document hydrated once it has been (effects run after
/// the view they are created with has hydrated, and only in the browser).
fn page(view: impl IntoView + 'static) -> AnyView {
    Effect::new(|_| crate::mark_hydrated());
    view.into_any()
}

/// `/admin`
pub struct Dashboard;

#[lazy_route]
impl LazyRoute for Dashboard {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <dashboard::AdminHome /> })
    }
}

/// `/admin/jobs`
pub struct Jobs;

#[lazy_route]
impl LazyRoute for Jobs {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <admin_jobs::JobsPage /> })
    }
}

/// `/admin/invitations`
pub struct Invitations;

#[lazy_route]
impl LazyRoute for Invitations {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <invitations::InvitationsPage /> })
    }
}

/// `/admin/users`
pub struct Users;

#[lazy_route]
impl LazyRoute for Users {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <users::UsersPage /> })
    }
}

/// `/admin/audit`
pub struct Audit;

#[lazy_route]
impl LazyRoute for Audit {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <admin_audit::AuditPage /> })
    }
}

/// `/admin/settings`
pub struct Settings;

#[lazy_route]
impl LazyRoute for Settings {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <settings::SettingsPage /> })
    }
}

/// `/admin/packages`
pub struct Packages;

#[lazy_route]
impl LazyRoute for Packages {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <care::PackagesPage /> })
    }
}

/// `/admin/packages/{id}`
pub struct Package;

#[lazy_route]
impl LazyRoute for Package {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <care::PackagePage /> })
    }
}

/// `/admin/tasks`
pub struct Tasks;

#[lazy_route]
impl LazyRoute for Tasks {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <care::TasksPage /> })
    }
}

/// `/admin/progress`
pub struct Progress;

#[lazy_route]
impl LazyRoute for Progress {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <care::ProgressPage /> })
    }
}

/// `/admin/recycle-bin`
pub struct RecycleBin;

#[lazy_route]
impl LazyRoute for RecycleBin {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <recycle_bin::RecycleBinPage /> })
    }
}

/// `/admin/reports`
pub struct Reports;

#[lazy_route]
impl LazyRoute for Reports {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <reports::ReportsPage /> })
    }
}

/// `/admin/analytics`
pub struct Analytics;

#[lazy_route]
impl LazyRoute for Analytics {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <analytics::AnalyticsPage /> })
    }
}

/// `/admin/rota`
pub struct Rota;

#[lazy_route]
impl LazyRoute for Rota {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <rota::RotaPage /> })
    }
}

/// `/admin/shifts`
pub struct OpenShifts;

#[lazy_route]
impl LazyRoute for OpenShifts {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <rota::OpenShiftsPage /> })
    }
}

/// `/admin/settings/rota-rules`
pub struct RuleSettings;

#[lazy_route]
impl LazyRoute for RuleSettings {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <rota::RuleSettingsPage /> })
    }
}

/// `/admin/assessments/templates`
pub struct Templates;

#[lazy_route]
impl LazyRoute for Templates {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::TemplatesPage /> })
    }
}

/// `/admin/assessments/templates/{id}`
pub struct Template;

#[lazy_route]
impl LazyRoute for Template {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::TemplatePage /> })
    }
}

/// `/admin/assessments/{id}`
pub struct Conduct;

#[lazy_route]
impl LazyRoute for Conduct {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::ConductPage /> })
    }
}

/// `/admin/progress/assessments`
pub struct Assessments;

#[lazy_route]
impl LazyRoute for Assessments {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::AssessmentsPage /> })
    }
}

/// `/admin/progress/ratings`
pub struct ManualRatings;

#[lazy_route]
impl LazyRoute for ManualRatings {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::ManualRatingsPage /> })
    }
}

/// `/admin/progress/confirmations`
pub struct Confirmations;

#[lazy_route]
impl LazyRoute for Confirmations {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::ConfirmationsPage /> })
    }
}

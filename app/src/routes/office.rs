//! The office's pages (`/admin…`): a carer's phone never downloads them.

use super::{lazy_page, page};
use crate::{
    admin_audit, admin_jobs, analytics, assessments, care, dashboard, invitations, recycle_bin,
    reports, rota, settings, users,
};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `/admin`
pub struct Dashboard;

#[lazy_route]
impl LazyRoute for Dashboard {
    fn data() -> Self {
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
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
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::ConfirmationsPage /> })
    }
}

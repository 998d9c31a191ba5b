//! The office's pages (`/admin…`): a carer's phone never downloads them.

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
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <dashboard::AdminHome /> }.into_any()
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
        view! { <admin_jobs::JobsPage /> }.into_any()
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
        view! { <invitations::InvitationsPage /> }.into_any()
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
        view! { <users::UsersPage /> }.into_any()
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
        view! { <admin_audit::AuditPage /> }.into_any()
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
        view! { <settings::SettingsPage /> }.into_any()
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
        view! { <care::PackagesPage /> }.into_any()
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
        view! { <care::PackagePage /> }.into_any()
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
        view! { <care::TasksPage /> }.into_any()
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
        view! { <care::ProgressPage /> }.into_any()
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
        view! { <recycle_bin::RecycleBinPage /> }.into_any()
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
        view! { <reports::ReportsPage /> }.into_any()
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
        view! { <analytics::AnalyticsPage /> }.into_any()
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
        view! { <rota::RotaPage /> }.into_any()
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
        view! { <rota::OpenShiftsPage /> }.into_any()
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
        view! { <rota::RuleSettingsPage /> }.into_any()
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
        view! { <assessments::TemplatesPage /> }.into_any()
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
        view! { <assessments::TemplatePage /> }.into_any()
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
        view! { <assessments::ConductPage /> }.into_any()
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
        view! { <assessments::AssessmentsPage /> }.into_any()
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
        view! { <assessments::ManualRatingsPage /> }.into_any()
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
        view! { <assessments::ConfirmationsPage /> }.into_any()
    }
}

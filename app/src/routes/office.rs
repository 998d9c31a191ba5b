//! The office's pages (`/admin…`): a carer's phone never downloads them. Three chunks:
//! the office's lists and settings, its assessment work (templates, conducting,
//! ratings), and the rota editor, the largest page, fetched only when it is opened.

use crate::{
    admin_audit, admin_jobs, analytics, assessments, care, dashboard, invitations, recycle_bin,
    reports, rota, settings, users,
};
use leptos::prelude::*;

lazy_pages!(
    office_page,
    __preload_office_page,
    Office {
        /// `/admin`
        Dashboard,
        /// `/admin/jobs`
        Jobs,
        /// `/admin/invitations`
        Invitations,
        /// `/admin/users`
        Users,
        /// `/admin/audit`
        Audit,
        /// `/admin/settings`
        Settings,
        /// `/admin/packages`
        Packages,
        /// `/admin/packages/{id}`
        Package,
        /// `/admin/tasks`
        Tasks,
        /// `/admin/progress`
        Progress,
        /// `/admin/recycle-bin`
        RecycleBin,
        /// `/admin/reports`
        Reports,
        /// `/admin/analytics`
        Analytics,
        /// `/admin/shifts`
        OpenShifts,
        /// `/admin/settings/rota-rules`
        RuleSettings,
    }
);

#[lazy]
fn office_page(page: Office) -> AnyView {
    match page {
        Office::Dashboard => view! { <dashboard::AdminHome /> }.into_any(),
        Office::Jobs => view! { <admin_jobs::JobsPage /> }.into_any(),
        Office::Invitations => view! { <invitations::InvitationsPage /> }.into_any(),
        Office::Users => view! { <users::UsersPage /> }.into_any(),
        Office::Audit => view! { <admin_audit::AuditPage /> }.into_any(),
        Office::Settings => view! { <settings::SettingsPage /> }.into_any(),
        Office::Packages => view! { <care::PackagesPage /> }.into_any(),
        Office::Package => view! { <care::PackagePage /> }.into_any(),
        Office::Tasks => view! { <care::TasksPage /> }.into_any(),
        Office::Progress => view! { <care::ProgressPage /> }.into_any(),
        Office::RecycleBin => view! { <recycle_bin::RecycleBinPage /> }.into_any(),
        Office::Reports => view! { <reports::ReportsPage /> }.into_any(),
        Office::Analytics => view! { <analytics::AnalyticsPage /> }.into_any(),
        Office::OpenShifts => view! { <rota::OpenShiftsPage /> }.into_any(),
        Office::RuleSettings => view! { <rota::RuleSettingsPage /> }.into_any(),
    }
}

lazy_pages!(
    assessing_page,
    __preload_assessing_page,
    Assessing {
        /// `/admin/assessments/templates`
        Templates,
        /// `/admin/assessments/templates/{id}`
        Template,
        /// `/admin/assessments/{id}`
        Conduct,
        /// `/admin/progress/assessments`
        Assessments,
        /// `/admin/progress/ratings`
        ManualRatings,
        /// `/admin/progress/confirmations`
        Confirmations,
    }
);

#[lazy]
fn assessing_page(page: Assessing) -> AnyView {
    match page {
        Assessing::Templates => view! { <assessments::TemplatesPage /> }.into_any(),
        Assessing::Template => view! { <assessments::TemplatePage /> }.into_any(),
        Assessing::Conduct => view! { <assessments::ConductPage /> }.into_any(),
        Assessing::Assessments => view! { <assessments::AssessmentsPage /> }.into_any(),
        Assessing::ManualRatings => view! { <assessments::ManualRatingsPage /> }.into_any(),
        Assessing::Confirmations => view! { <assessments::ConfirmationsPage /> }.into_any(),
    }
}

lazy_pages!(
    rota_editor_page,
    __preload_rota_editor_page,
    RotaEditor {
        /// `/admin/rota`
        Rota,
    }
);

#[lazy]
fn rota_editor_page(page: RotaEditor) -> AnyView {
    match page {
        RotaEditor::Rota => view! { <rota::RotaPage /> }.into_any(),
    }
}

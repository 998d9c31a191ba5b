//! Everyone's pages beyond the first: a carer's rota, shifts and ratings, notifications,
//! the account, the pages an email link opens, the status page. One chunk: a carer's
//! phone fetches it the first time one of them is opened and keeps it (the service
//! worker keeps `/pkg` files as they pass), like the page itself.

use crate::{account, assessments, home, identity, invitations, notifications, rota, status};
use caretrack::Role;
use leptos::prelude::*;

lazy_pages!(
    personal_page,
    __preload_personal_page,
    Personal {
        /// `/`
        Home,
        /// `/status`
        Status,
        /// `/forgot-password`
        ForgotPassword,
        /// `/reset-password/{token}`
        ResetPassword,
        /// `/confirm-email/{token}`
        ConfirmEmail,
        /// `/account`
        Account,
        /// `/notifications`
        Notifications,
        /// `/invite/{token}`
        AcceptInvitation,
        /// `/assessor`
        AssessorHome,
        /// `/viewer`
        ViewerHome,
        /// `/carer/ratings`
        MyRatings,
        /// `/carer/rota`
        MyRota,
        /// `/carer/shifts`
        AvailableShifts,
    }
);

#[lazy]
fn personal_page(page: Personal) -> AnyView {
    match page {
        Personal::Home => view! { <home::HomePage /> }.into_any(),
        Personal::Status => view! { <status::SystemStatusPage /> }.into_any(),
        Personal::ForgotPassword => view! { <account::ForgotPasswordPage /> }.into_any(),
        Personal::ResetPassword => view! { <account::ResetPasswordPage /> }.into_any(),
        Personal::ConfirmEmail => view! { <account::ConfirmEmailPage /> }.into_any(),
        Personal::Account => view! { <account::AccountPage /> }.into_any(),
        Personal::Notifications => view! { <notifications::NotificationsPage /> }.into_any(),
        Personal::AcceptInvitation => view! { <invitations::AcceptInvitationPage /> }.into_any(),
        Personal::AssessorHome => view! { <identity::RoleHome role=Role::Assessor /> }.into_any(),
        Personal::ViewerHome => view! { <identity::RoleHome role=Role::Viewer /> }.into_any(),
        Personal::MyRatings => view! { <assessments::MyRatingsPage /> }.into_any(),
        Personal::MyRota => view! { <rota::MyRotaPage /> }.into_any(),
        Personal::AvailableShifts => view! { <rota::AvailableShiftsPage /> }.into_any(),
    }
}

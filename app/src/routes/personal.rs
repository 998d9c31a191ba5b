//! Everyone's pages beyond the first: a carer's rota, shifts and ratings, notifications,
//! the account, the pages an email link opens, the status page. A carer's phone fetches
//! each the first time it is opened and keeps it (the service worker keeps `/pkg` files
//! as they pass), like the page itself.

use crate::{account, assessments, home, identity, invitations, notifications, rota, status};
use caretrack::Role;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `/`
pub struct Home;

#[lazy_route]
impl LazyRoute for Home {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <home::HomePage /> }.into_any()
    }
}

/// `/status`
pub struct Status;

#[lazy_route]
impl LazyRoute for Status {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <status::SystemStatusPage /> }.into_any()
    }
}

/// `/forgot-password`
pub struct ForgotPassword;

#[lazy_route]
impl LazyRoute for ForgotPassword {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::ForgotPasswordPage /> }.into_any()
    }
}

/// `/reset-password/{token}`
pub struct ResetPassword;

#[lazy_route]
impl LazyRoute for ResetPassword {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::ResetPasswordPage /> }.into_any()
    }
}

/// `/confirm-email/{token}`
pub struct ConfirmEmail;

#[lazy_route]
impl LazyRoute for ConfirmEmail {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::ConfirmEmailPage /> }.into_any()
    }
}

/// `/account`
pub struct Account;

#[lazy_route]
impl LazyRoute for Account {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::AccountPage /> }.into_any()
    }
}

/// `/notifications`
pub struct Notifications;

#[lazy_route]
impl LazyRoute for Notifications {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <notifications::NotificationsPage /> }.into_any()
    }
}

/// `/invite/{token}`
pub struct AcceptInvitation;

#[lazy_route]
impl LazyRoute for AcceptInvitation {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <invitations::AcceptInvitationPage /> }.into_any()
    }
}

/// `/assessor`
pub struct AssessorHome;

#[lazy_route]
impl LazyRoute for AssessorHome {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <identity::RoleHome role=Role::Assessor /> }.into_any()
    }
}

/// `/viewer`
pub struct ViewerHome;

#[lazy_route]
impl LazyRoute for ViewerHome {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <identity::RoleHome role=Role::Viewer /> }.into_any()
    }
}

/// `/carer/ratings`
pub struct MyRatings;

#[lazy_route]
impl LazyRoute for MyRatings {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <assessments::MyRatingsPage /> }.into_any()
    }
}

/// `/carer/rota`
pub struct MyRota;

#[lazy_route]
impl LazyRoute for MyRota {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <rota::MyRotaPage /> }.into_any()
    }
}

/// `/carer/shifts`
pub struct AvailableShifts;

#[lazy_route]
impl LazyRoute for AvailableShifts {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <rota::AvailableShiftsPage /> }.into_any()
    }
}

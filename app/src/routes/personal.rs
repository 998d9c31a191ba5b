//! Everyone's pages beyond the first: a carer's rota, shifts and ratings, notifications,
//! the account, the pages an email link opens, the status page. A carer's phone fetches
//! each the first time it is opened and keeps it (the service worker keeps `/pkg` files
//! as they pass), like the page itself.

use super::{lazy_page, page};
use crate::{account, assessments, home, identity, invitations, notifications, rota, status};
use caretrack::Role;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `/`
pub struct Home;

#[lazy_route]
impl LazyRoute for Home {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <home::HomePage /> })
    }
}

/// `/status`
pub struct Status;

#[lazy_route]
impl LazyRoute for Status {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <status::SystemStatusPage /> })
    }
}

/// `/forgot-password`
pub struct ForgotPassword;

#[lazy_route]
impl LazyRoute for ForgotPassword {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <account::ForgotPasswordPage /> })
    }
}

/// `/reset-password/{token}`
pub struct ResetPassword;

#[lazy_route]
impl LazyRoute for ResetPassword {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <account::ResetPasswordPage /> })
    }
}

/// `/confirm-email/{token}`
pub struct ConfirmEmail;

#[lazy_route]
impl LazyRoute for ConfirmEmail {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <account::ConfirmEmailPage /> })
    }
}

/// `/account`
pub struct Account;

#[lazy_route]
impl LazyRoute for Account {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <account::AccountPage /> })
    }
}

/// `/notifications`
pub struct Notifications;

#[lazy_route]
impl LazyRoute for Notifications {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <notifications::NotificationsPage /> })
    }
}

/// `/invite/{token}`
pub struct AcceptInvitation;

#[lazy_route]
impl LazyRoute for AcceptInvitation {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <invitations::AcceptInvitationPage /> })
    }
}

/// `/assessor`
pub struct AssessorHome;

#[lazy_route]
impl LazyRoute for AssessorHome {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <identity::RoleHome role=Role::Assessor /> })
    }
}

/// `/viewer`
pub struct ViewerHome;

#[lazy_route]
impl LazyRoute for ViewerHome {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <identity::RoleHome role=Role::Viewer /> })
    }
}

/// `/carer/ratings`
pub struct MyRatings;

#[lazy_route]
impl LazyRoute for MyRatings {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <assessments::MyRatingsPage /> })
    }
}

/// `/carer/rota`
pub struct MyRota;

#[lazy_route]
impl LazyRoute for MyRota {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <rota::MyRotaPage /> })
    }
}

/// `/carer/shifts`
pub struct AvailableShifts;

#[lazy_route]
impl LazyRoute for AvailableShifts {
    fn data() -> Self {
        lazy_page(Self)
    }

    fn view(_this: Self) -> AnyView {
        page(view! { <rota::AvailableShiftsPage /> })
    }
}

use crate::navigation::nav_items;
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

/// The frame around every page: header with navigation, main content, footer.
/// Phone-first: below 640 px the navigation folds behind a menu button.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let location = use_location();
    // Following a link closes the phone menu.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    // Who is signed in decides the navigation; re-asked after each navigation so signing
    // in or out is reflected at once.
    let me = Resource::new(
        move || location.pathname.get(),
        |_| crate::identity::api::whoami(),
    );
    provide_context(crate::identity::CurrentMe(me));
    let me_now = move || me.get().and_then(Result::ok).flatten();
    // One live socket per tab while someone is signed in (losing the line is not
    // signing out).
    let known = crate::identity::known_me(me);
    let signed_in = Signal::derive(move || known.with(Option::is_some));
    let live = crate::live::provide_live(signed_in);
    let unread = crate::notifications::unread_count();
    crate::pwa::provide_pwa(signed_in);
    let sign_out = ServerAction::<crate::identity::api::SignOut>::new();
    // Logs made offline and not yet sent, found on signing out: asked about first.
    let unsent = RwSignal::new(None::<usize>);

    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">
                        "CT"
                    </span>
                    <span class="brand__name">"CareTrack Pro"</span>
                </a>
                <button
                    class="menu-toggle"
                    type="button"
                    aria-controls="primary-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    "Menu"
                </button>
                <nav
                    id="primary-nav"
                    class="primary-nav"
                    class:primary-nav--open=move || menu_open.get()
                    aria-label="Main"
                >
                    <Transition>
                        <ul>
                            {move || {
                                nav_items(me_now().map(|me| me.role))
                                    .into_iter()
                                    .map(|item| {
                                        let current = move || {
                                            (location.pathname.get() == item.href).then_some("page")
                                        };
                                        view! {
                                            <li>
                                                <a href=item.href aria-current=current>
                                                    {item.label}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                            {move || {
                                me_now()
                                    .map(|me| {
                                        view! {
                                            <li class="nav-bell">
                                                <span class="live-dot" data-test="live"
                                                    data-connected=move || live.connected.get().to_string()
                                                    title=move || if live.connected.get() { "Live updates on" } else { "Live updates paused: reconnecting" }>
                                                    <span class="visually-hidden">{move || if live.connected.get() { "Live" } else { "Reconnecting" }}</span>
                                                </span>
                                                <crate::notifications::NotificationBell unread />
                                            </li>
                                            <li class="nav-user">
                                                <span class="muted" data-test="signed-in-as">{me.display_name}</span>
                                                <ActionForm action=sign_out attr:class="inline-form">
                                                    <input type="hidden" name="_csrf" value=crate::csrf::csrf_token() />
                                                    <button class="link-button" type="submit" data-test="sign-out"
                                                        on:click=move |ev| check_unsent(ev, me.user_id, sign_out, unsent)>"Sign out"</button>
                                                </ActionForm>
                                            </li>
                                        }
                                    })
                            }}
                        </ul>
                    </Transition>
                </nav>
            </div>
        </header>
        <Show when=move || live.session_ended.get()>
            <div class="alert alert--warning session-ended" role="alert" data-test="session-ended">
                "You have been signed out. "<a href="/login">"Sign in again"</a>
            </div>
        </Show>
        <Show when=move || unsent.get().is_some()>
            <div class="alert alert--warning confirm" role="alertdialog" data-test="unsent-logs">
                {move || format!(
                    "{} log(s) you made on this phone have not been sent yet. They stay on this phone and are sent when you next sign in on it. Sign out anyway? ",
                    unsent.get().unwrap_or_default()
                )}
                <button class="button button--danger" type="button" data-test="sign-out-anyway"
                    on:click=move |_| { unsent.set(None); leave(sign_out); }>"Sign out"</button>
                <button class="button" type="button" on:click=move |_| unsent.set(None)>"Stay signed in"</button>
            </div>
        </Show>
        <crate::pwa::UpdatePrompt />
        <main id="main" class="site-main">
            <super::form_refusal::FormRefusal />
            {children()}
        </main>
        <footer class="site-footer">
            <p>"CareTrack Pro · competency, daily practice and rota for UK home care"</p>
        </footer>
        <crate::components::toast::ToastRegion />
    }
}

/// Signing out with logs still waiting on this phone asks first; otherwise it goes on
/// (without JavaScript the form simply posts).
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
fn check_unsent(
    ev: leptos::ev::MouseEvent,
    owner: caretrack::ids::UserId,
    sign_out: ServerAction<crate::identity::api::SignOut>,
    unsent: RwSignal<Option<usize>>,
) {
    #[cfg(feature = "hydrate")]
    {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match crate::care::pending::waiting_on_this_phone(owner).await {
                0 => leave(sign_out),
                n => unsent.set(Some(n)),
            }
        });
    }
}

/// Signs out, first forgetting this browser's push subscription: whoever uses the
/// phone next must not receive this person's notifications.
fn leave(sign_out: ServerAction<crate::identity::api::SignOut>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        crate::notifications::push_switch::forget_on_this_device().await;
        sign_out.dispatch(crate::identity::api::SignOut {});
    });
    #[cfg(not(feature = "hydrate"))]
    sign_out.dispatch(crate::identity::api::SignOut {});
}

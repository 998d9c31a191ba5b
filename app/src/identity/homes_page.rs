use super::api::Me;
use caretrack::Role;
use leptos::prelude::*;
use leptos_meta::Title;

/// The landing page of a role after signing in: who is signed in and what they can open
/// so far. Later features fill each home with its own cards.
#[component]
pub fn RoleHome(role: Role) -> impl IntoView {
    let me = super::use_me();
    view! {
        <Title text=role.label() />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                me.get()
                    .map(|result| match result {
                        Ok(Some(me)) if me.role == role => view! { <Welcome me /> }.into_any(),
                        Ok(Some(me)) => {
                            view! {
                                <div class="alert" role="alert">
                                    "This page is for another role. "
                                    <a href=me.role.home_path()>"Go to your home page"</a>
                                </div>
                            }
                                .into_any()
                        }
                        Ok(None) => view! { <SignInPrompt /> }.into_any(),
                        Err(err) => {
                            view! {
                                <div class="alert alert--error" role="alert">
                                    {err.to_string()}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
pub fn SignInPrompt() -> impl IntoView {
    view! {
        <div class="card">
            <p>"Please sign in to continue."</p>
            <a class="button button--primary" href="/login">
                "Sign in"
            </a>
        </div>
    }
}

#[component]
fn Welcome(me: Me) -> impl IntoView {
    let links = crate::navigation::nav_items(Some(me.role))
        .into_iter()
        .filter(|item| item.href != "/" && item.href != me.role.home_path())
        .map(|item| {
            view! {
                <li>
                    <a href=item.href>{item.label}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="page-header">
            <div>
                <h1 data-test="home-heading">{format!("Welcome, {}", me.display_name)}</h1>
                <p class="muted" data-test="home-role">
                    {me.role.label()}
                </p>
            </div>
        </div>
        <section class="card">
            <h2>"Open"</h2>
            <ul class="link-list">{links}</ul>
        </section>
    }
}

use super::api::SignIn;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// One sign-in page for every role; each lands on its own home afterwards. Works
/// before the WASM has loaded (a plain form post).
#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.to_string())
    };
    let query = leptos_router::hooks::use_query_map();
    let reset_done = move || query.read().get("reset").is_some_and(|v| v == "done");
    view! {
        <Title text="Sign in" />
        <section class="card auth-card">
            <h1>"Sign in"</h1>
            <p class="muted">"Use the email address your care manager invited."</p>
            <Show when=reset_done>
                <p class="alert" role="status" data-test="reset-done">"Your password has been changed. Sign in with the new one."</p>
            </Show>
            <ActionForm action=sign_in attr:class="form" attr:data-test="login-form">
                <label class="field">
                    <span>"Email"</span>
                    <input type="email" name="email" autocomplete="username" required inputmode="email" />
                </label>
                <label class="field">
                    <span>"Password"</span>
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                {move || error().map(|message| view! { <p class="alert alert--error" role="alert" data-test="login-error">{message}</p> })}
                <button class="button button--primary" type="submit" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p><a href="/forgot-password" data-test="forgot-password">"Forgot your password?"</a></p>
        </section>
    }
}

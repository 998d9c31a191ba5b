use leptos::prelude::*;
use leptos_meta::Title;

/// The public landing page: what CareTrack Pro does and for whom.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero">
            <p class="eyebrow">"For UK home-care providers"</p>
            <h1>"Know every carer is competent, before they walk through the door."</h1>
            <p class="lead">
                "CareTrack Pro links the practice your carers log each day to competency assessments, "
                "their signed confirmation, and a rota that keeps to the Working Time Regulations."
            </p>
            <div class="button-row">
                <a class="button button--primary" href="/status">
                    "Check system status"
                </a>
            </div>
        </section>
        <section class="feature-grid" aria-label="What it does">
            <FeatureCard
                title="Daily practice"
                body="Carers record the tasks they performed today from their phone, even with poor signal. Progress counts across every client they visit."
            />
            <FeatureCard
                title="Competency you can evidence"
                body="Assessments open automatically when practice targets are met. Each rating is confirmed by the carer and kept as an audit-ready record."
            />
            <FeatureCard
                title="A rota that follows the rules"
                body="The same rules engine checks every change as you drag a carer onto a shift, and again when you save: rest breaks, 48-hour weeks, young workers, supervision."
            />
            <FeatureCard
                title="Built for inspection"
                body="Evidence packs, compliance summaries and a tamper-evident audit log, ready when the CQC asks."
            />
        </section>
    }
}

#[component]
fn FeatureCard(title: &'static str, body: &'static str) -> impl IntoView {
    view! {
        <article class="card">
            <h2 class="card__title">{title}</h2>
            <p>{body}</p>
        </article>
    }
}

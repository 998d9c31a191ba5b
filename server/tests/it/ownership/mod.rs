//! Ownership: every route and server function that takes an id refuses a record that is
//! someone else's — another carer's package, progress, ratings, assessment answers,
//! file, device, notification or push subscription; an assessment another assessor is
//! conducting; a shift that is not open to the caller. `access.rs` proves what each role
//! may do at all (one person per role, made-up ids); this matrix proves *which records*,
//! with real ones. Each request is sent by someone whose role holds the permission, about
//! a record that belongs to somebody else, so a refusal here is about ownership, never
//! about role.
//!
//! Which routes take an id is decided mechanically: REST paths with a `{…}` segment, and
//! server functions whose arguments (listed in `ARGUMENTS`) name a record. A new one
//! without an entry fails the test. An entry either sends a request and expects it
//! refused, or says why ownership does not arise (`Why`); a claim that every holder of a
//! permission reaches every record is checked against the permission table.
//!
//! Afterwards the records are checked untouched, and then their owners send the same
//! requests and are answered: the refusals are not just broken requests.

mod matrix;
mod requests;
mod routes;
mod world;

use matrix::*;
use requests::*;
use routes::*;
use world::*;

use crate::common::{self, TestResponse};

use app::{
    assessments::conduct::ssr as conduct,
    audit::Actor,
    auth::{RequestMeta, sessions},
    files::{self, Upload},
    state::AppSettings,
};
use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode},
};
use caretrack::{
    Role,
    files::FilePurpose,
    permissions::{Permission as P, Scope},
};
use serde_json::{Value, json};
use server::api::{Access, table};
use sqlx::{PgPool, types::Uuid};
use std::{collections::BTreeMap, fmt, sync::Arc};

fn excerpt(body: &str) -> String {
    let short: String = body.chars().take(200).collect();
    if short.len() < body.len() {
        format!("{short}…")
    } else {
        short
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn no_one_reaches_a_record_that_is_someone_elses(db: PgPool) {
    let w = world(db).await;
    let matrix = matrix(&w);
    let table = table();
    let mut wrong = Vec::new();

    // Every REST route that takes an id has an entry; every entry names a real route.
    for route in &table {
        let this = Route::Rest(route.method, route.path);
        if route.path.contains('{') && !matrix.iter().any(|e| e.route() == this) {
            wrong.push(format!(
                "{this} takes an id and has no entry in the ownership matrix"
            ));
        }
    }
    // Every server function is listed with its arguments; those that take an id have an
    // entry; every entry names one that does.
    let arguments: BTreeMap<&str, &str> = ARGUMENTS.iter().copied().collect();
    let registered: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    for &path in &registered {
        match arguments.get(path) {
            None => wrong.push(format!(
                "server fn {path} is not in ARGUMENTS: list its arguments (and give it an entry if one names a record)"
            )),
            Some(args)
                if takes_an_id(args)
                    && !matrix.iter().any(|e| e.route() == Route::ServerFn(path)) =>
            {
                wrong.push(format!(
                    "server fn {path} takes an id ({args}) and has no entry in the ownership matrix"
                ));
            }
            Some(_) => {}
        }
    }
    for path in arguments.keys() {
        if !registered.contains(path) {
            wrong.push(format!(
                "ARGUMENTS lists {path}, which is not a server function"
            ));
        }
    }
    for entry in &matrix {
        match entry.route() {
            Route::Rest(method, path) => {
                if !table.iter().any(|r| r.method == method && r.path == path) {
                    wrong.push(format!(
                        "the matrix lists {}, which is not a REST route",
                        entry.route()
                    ));
                }
            }
            Route::ServerFn(path) => {
                if !arguments.get(path).is_some_and(|args| takes_an_id(args)) {
                    wrong.push(format!(
                        "the matrix lists {path}, which is not a server function that takes an id"
                    ));
                }
            }
        }
    }

    // Every route without a request says why; one whose holders all reach every record
    // is so in the permission table, and declares that permission.
    for entry in &matrix {
        let Entry::NotOwnable { route, why } = entry else {
            continue;
        };
        let (Why::AllRecords(_, reason) | Why::Because(reason)) = why;
        if reason.trim().is_empty() {
            wrong.push(format!("{route}: say why no record can be someone else's"));
        }
        let Why::AllRecords(permission, _) = why else {
            continue;
        };
        for role in Role::ALL {
            if role.scope(*permission) == Some(Scope::Own) {
                wrong.push(format!(
                    "{route}: the matrix says every holder of {permission} reaches every record, but {role:?} holds it over their own only: give it a real entry"
                ));
            }
        }
        if let Route::Rest(method, path) = route
            && let Some(declared) = table
                .iter()
                .find(|r| r.method == *method && r.path == *path)
            && declared.access != Access::Permission(*permission)
        {
            wrong.push(format!(
                "{route} declares {:?}, the matrix says {permission}",
                declared.access
            ));
        }
    }

    // The refusals.
    for entry in &matrix {
        let Entry::Refused {
            call,
            whose,
            refusal,
        } = entry
        else {
            continue;
        };
        let response = w.send(call).await;
        let status = response.status.as_u16();
        let problem = match refusal {
            Refusal::Status { statuses, says } => {
                if !statuses.contains(&status) {
                    Some(format!("expected {statuses:?}"))
                } else if let Some(says) = *says
                    && !response.body.contains(says)
                {
                    Some(format!("expected the refusal to say {says:?}"))
                } else {
                    None
                }
            }
            Refusal::InAnswer { says, never } => {
                if response.status.is_success()
                    && response.body.contains(*says)
                    && !response.body.contains(*never)
                {
                    None
                } else {
                    Some(format!(
                        "expected a 2xx answer refusing every item ({says:?}, never {never:?})"
                    ))
                }
            }
            Refusal::Untouched { still } => {
                if !(response.status.is_success() || [403, 404, 409].contains(&status)) {
                    Some("expected a refusal or a quiet nothing".to_owned())
                } else if !w.holds(still).await {
                    Some(format!("it changed the record: `{still}` no longer holds"))
                } else {
                    None
                }
            }
        };
        if let Some(problem) = problem {
            wrong.push(format!(
                "{} as {:?} on {whose}: got {status} ({}); {problem}",
                call.route,
                call.who,
                excerpt(&response.body)
            ));
        }
    }

    // Nothing the refused requests were about has changed.
    for (what, still) in w.untouched() {
        if !w.holds(&still).await {
            wrong.push(format!("after the refusals, no longer true: {what}"));
        }
    }

    // The owners, asking the same, are answered: the refusals were about whose it is.
    for (call, says) in controls(&w) {
        let response = w.send(&call).await;
        let answered = response.status.is_success() || response.status.is_redirection();
        if !answered || says.is_some_and(|says| !response.body.contains(says)) {
            wrong.push(format!(
                "control: {} as {:?} (the owner) got {} ({})",
                call.route,
                call.who,
                response.status,
                excerpt(&response.body)
            ));
        }
    }

    assert!(
        wrong.is_empty(),
        "ownership matrix violations:\n{}",
        wrong.join("\n")
    );
}

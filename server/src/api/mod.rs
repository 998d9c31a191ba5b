//! The REST surface under `/api/v1`, for integrations and black-box tests. Errors are
//! `{error: {code, message, fields?}}` (`AppError`'s `IntoResponse`).

pub mod assessments;
pub mod audit;
pub mod auth;
pub mod care;
pub mod exports;
pub mod extract;
pub mod files;
pub mod jobs;
pub mod openapi;
pub mod rota;

pub use extract::SignedIn;

use app::{
    auth::{CurrentUser, RequestMeta, authorize},
    error::AppError,
    state::AppState,
};
use axum::{
    Router,
    extract::{Request, State},
    middleware::Next,
    response::Response,
    routing::MethodRouter,
};
use caretrack::permissions::Permission;

/// Who may call a route: checked by the route's own extractors and guard, declared here
/// so that the access test can walk every route for every role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    SignedIn,
    Permission(Permission),
}

/// One row of the REST table.
#[derive(Clone, Copy, Debug)]
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub doc: openapi::Doc,
}

/// The routes with what each needs: the router and the table are both built from it.
struct Api {
    routes: Vec<(ApiRoute, MethodRouter<AppState>)>,
}

impl Api {
    fn route(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
        doc: openapi::Doc,
    ) -> Self {
        let route = ApiRoute {
            method,
            path,
            access,
            doc,
        };
        self.routes.push((route, handler));
        self
    }
}

/// Refuses the request unless the signed-in caller has `permission` (before the handler
/// reads its input). Refusals are audited by `authorize`.
async fn require(
    State((state, permission)): State<(AppState, Permission)>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let user = request
        .extensions()
        .get::<CurrentUser>()
        .copied()
        .ok_or(AppError::Unauthenticated)?;
    let meta = request
        .extensions()
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_default();
    authorize(&state, &user, &meta, permission).await?;
    Ok(next.run(request).await)
}

/// Refuses the request unless someone is signed in and admitted (a care manager who
/// must set up two-step verification first is not): the one check `authorize` makes
/// beyond the permission, for routes open to anyone signed in.
async fn require_admitted(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let user = request
        .extensions()
        .get::<CurrentUser>()
        .copied()
        .ok_or(AppError::Unauthenticated)?;
    app::auth::admit(&state, &user).await?;
    Ok(next.run(request).await)
}

fn api() -> Api {
    [
        auth::routes,
        files::routes,
        audit::routes,
        exports::routes,
        jobs::routes,
        care::routes,
        assessments::routes,
        rota::routes,
        openapi::routes,
    ]
    .into_iter()
    .fold(Api { routes: Vec::new() }, |api, routes| routes(api))
}

/// The REST router. Routes that need a permission check it in a layer of their own,
/// from the same declaration the access test walks.
pub fn routes(state: &AppState) -> Router<AppState> {
    api()
        .routes
        .into_iter()
        .fold(Router::new(), |router, (route, handler)| {
            let handler = match route.access {
                Access::Permission(permission) => handler.route_layer(
                    axum::middleware::from_fn_with_state((state.clone(), permission), require),
                ),
                Access::SignedIn => handler.route_layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    require_admitted,
                )),
                Access::Public => handler,
            };
            router.route(route.path, handler)
        })
}

/// Every REST route with its declared access.
pub fn table() -> Vec<ApiRoute> {
    api().routes.into_iter().map(|(route, _)| route).collect()
}

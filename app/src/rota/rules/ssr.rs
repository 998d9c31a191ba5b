//! The organisation's rule settings: read and changed (audited).

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::rota::RuleSettings;
use sqlx::PgPool;

/// The organisation's rule settings, from `rule_settings`.
#[tracing::instrument(skip_all)]
pub async fn rule_settings(db: &PgPool) -> Result<RuleSettings, AppError> {
    let rows = sqlx::query!(
        r#"select rule_id, enabled, severity::text as "severity!", overridable, parameters from rule_settings"#
    )
    .fetch_all(db)
    .await?;
    let mut json = serde_json::Map::new();
    let mut switches = serde_json::Map::new();
    for row in rows {
        switches.insert(
            row.rule_id.clone(),
            serde_json::json!({ "enabled": row.enabled, "severity": row.severity, "overridable": row.overridable }),
        );
        json.insert(row.rule_id, row.parameters);
    }
    json.insert("switches".into(), serde_json::Value::Object(switches));
    serde_json::from_value(serde_json::Value::Object(json)).map_err(|error| {
        tracing::error!(%error, "the stored rule settings do not parse");
        AppError::Internal
    })
}

/// Stores the organisation's rule settings, refused whole if the engine refuses them.
#[tracing::instrument(skip_all)]
pub async fn save_rule_settings(
    state: &AppState,
    actor: &Actor,
    settings: RuleSettings,
) -> Result<RuleSettings, AppError> {
    if let Some(problem) = settings.check().into_iter().next() {
        return Err(AppError::validation(
            problem.rule.as_str(),
            format!("{}: {}", problem.rule.label(), problem.message),
        ));
    }
    let before = rule_settings(&state.db).await?;
    let json = serde_json::to_value(&settings).map_err(|_| AppError::Internal)?;
    let mut tx = state.db.begin().await?;
    for rule in caretrack::rota::RuleId::ALL {
        let switch = settings.switch(*rule);
        let parameters = match &json[rule.as_str()] {
            serde_json::Value::Object(_) => json[rule.as_str()].clone(),
            _ => serde_json::json!({}),
        };
        sqlx::query!(
            "update rule_settings set enabled = $2, severity = $3::text::rule_severity, overridable = $4,
                                      parameters = $5, updated_by = $6
              where rule_id = $1",
            rule.as_str(),
            switch.enabled,
            switch.severity.as_str(),
            switch.overridable,
            parameters,
            actor.user_id
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::commit(
        tx,
        actor,
        Entry::new("rota.rules_update")
            .entity("rule_settings", "organisation")
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(json),
    )
    .await?;
    rule_settings(&state.db).await
}

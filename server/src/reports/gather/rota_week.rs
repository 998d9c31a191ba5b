//! A package's published week as a document.

use app::audit::Actor;
use app::error::AppError;
use app::state::AppState;
use reports::data::*;

/// The week as published (the spreadsheet export's data), laid out as the printed grid.
pub(super) async fn rota_week(
    state: &AppState,
    requester: &Actor,
    package: caretrack::ids::CarePackageId,
    week: time::Date,
    cover: impl Fn(&str, String) -> Cover,
) -> Result<RotaWeek, AppError> {
    let app::rota::week::ssr::PublishedWeek {
        loaded,
        days,
        slots,
    } = app::rota::week::ssr::published_week(state, requester, package, week).await?;
    let row = |night: bool| RotaRow {
        label: if night { "Night" } else { "Day" }.into(),
        cells: (0..7u8)
            .map(|weekday| {
                slots
                    .iter()
                    .filter(|s| s.weekday == weekday && s.night == night)
                    .map(|s| {
                        let filled = i32::try_from(s.carers.len()).unwrap_or(i32::MAX);
                        let short = filled < s.headcount;
                        RotaShift {
                            times: s.times.clone(),
                            carers: s.carers.clone(),
                            cover: format!(
                                "{filled} of {}{}",
                                s.headcount,
                                if short { " — short" } else { "" }
                            ),
                            short,
                        }
                    })
                    .collect()
            })
            .collect(),
    };
    let mut totals: Vec<RotaTotal> = Vec::new();
    let mut hours: Vec<f64> = Vec::new();
    for slot in &slots {
        for carer in &slot.carers {
            let i = match totals.iter().position(|t| &t.carer == carer) {
                Some(i) => i,
                None => {
                    totals.push(RotaTotal {
                        carer: carer.clone(),
                        shifts: 0,
                        nights: 0,
                        hours: String::new(),
                    });
                    hours.push(0.0);
                    totals.len() - 1
                }
            };
            totals[i].shifts += 1;
            totals[i].nights += u32::from(slot.night);
            hours[i] += slot.hours;
        }
    }
    for (total, hours) in totals.iter_mut().zip(&hours) {
        total.hours = format!("{hours:.1}");
    }
    totals.sort_by(|a, b| a.carer.cmp(&b.carer));
    Ok(RotaWeek {
        cover: cover(
            "Rota",
            format!("{} · week of {}", loaded.package.name, loaded.week_label),
        ),
        publication: match &loaded.published_at {
            Some(at) => format!("As published {at}."),
            None => {
                "Not published yet: this is the week as carers would see it, with nobody on it."
                    .into()
            }
        },
        package: loaded.package.name,
        days,
        rows: vec![row(false), row(true)],
        totals,
    })
}

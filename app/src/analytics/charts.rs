//! Two SVG charts, drawn on the server like the rest of the page: horizontal stacked bars
//! (one row per task, package task or carer) and columns (one per month). Both scale to
//! their container through the `viewBox` (on a phone the frame scrolls sideways rather
//! than shrink the text below reading size), name every bar in a `<title>` (a tooltip,
//! and what a screen reader reads), and carry their figures as text, not only as lengths.

use caretrack::analytics::{nice_ceiling, ticks};
use leptos::prelude::*;

const WIDTH: f64 = 720.0;
const LABEL_WIDTH: f64 = 210.0;
const NOTE_WIDTH: f64 = 90.0;
const ROW: f64 = 28.0;
const BAR: f64 = 18.0;
const AXIS: f64 = 22.0;
const LABEL_CHARS: usize = 30;

/// One part of a stacked bar: its size, its colour class (`chart-s0` … `chart-s3`) and
/// what it means, for the tooltip.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub value: u64,
    pub class: &'static str,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BarRow {
    pub label: String,
    pub segments: Vec<Segment>,
    /// Printed after the bar ("7 of 9", "38.5 h").
    pub note: String,
}

/// A coordinate as SVG text, to a tenth of a unit ("12.5", "40").
fn n(value: f64) -> String {
    let tenths = (value * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The colour key under a chart.
#[component]
pub fn Legend(items: Vec<(&'static str, &'static str)>) -> impl IntoView {
    view! {
        <ul class="chart-legend">
            {items
                .into_iter()
                .map(|(class, label)| {
                    view! {
                        <li>
                            <svg class="chart-key" viewBox="0 0 10 10" aria-hidden="true">
                                <rect class=class width="10" height="10" rx="2" />
                            </svg>
                            {label}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Horizontal stacked bars against a shared axis from 0 to `max` (rounded up to a
/// round number). `unit` follows the axis's numbers ("carers", "h").
#[component]
pub fn StackedBars(
    /// What the chart shows, for screen readers.
    caption: String,
    rows: Vec<BarRow>,
    max: u64,
    #[prop(optional)] unit: &'static str,
    /// The axis's numbers are the values divided by this (minutes drawn as hours: 60).
    #[prop(default = 1)]
    scale: u64,
) -> impl IntoView {
    let ceiling = nice_ceiling(max.div_ceil(scale.max(1))) * scale.max(1);
    let plot = WIDTH - LABEL_WIDTH - NOTE_WIDTH;
    let x = move |value: u64| LABEL_WIDTH + plot * value as f64 / ceiling as f64;
    let height = AXIS + ROW * rows.len().max(1) as f64 + 4.0;
    let grid = ticks(ceiling / scale.max(1))
        .into_iter()
        .map(|t| {
            let at = x(t * scale.max(1));
            let label = if unit.is_empty() {
                t.to_string()
            } else {
                format!("{t} {unit}")
            };
            view! {
                <line class="chart-grid" x1=n(at) x2=n(at) y1=n(AXIS - 4.0) y2=n(height - 4.0) />
                <text class="chart-axis" x=n(at) y=n(AXIS - 8.0) text-anchor="middle">
                    {label}
                </text>
            }
        })
        .collect_view();
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let top = AXIS + ROW * i as f64;
            let mut start = 0u64;
            let segments = row
                .segments
                .into_iter()
                .filter(|s| s.value > 0)
                .map(|s| {
                    let (from, to) = (x(start), x(start + s.value));
                    start += s.value;
                    view! {
                        <rect
                            class=s.class
                            x=n(from)
                            y=n(top + (ROW - BAR) / 2.0)
                            width=n((to - from).max(0.0))
                            height=n(BAR)
                        >
                            <title>{s.title}</title>
                        </rect>
                    }
                })
                .collect_view();
            let label = shorten(&row.label);
            view! {
                <g class="chart-row">
                    <text
                        class="chart-label"
                        x=n(LABEL_WIDTH - 8.0)
                        y=n(top + ROW / 2.0 + 4.0)
                        text-anchor="end"
                    >
                        <title>{row.label}</title>
                        {label}
                    </text>
                    {segments}
                    <text
                        class="chart-note"
                        x=n(WIDTH - NOTE_WIDTH + 6.0)
                        y=n(top + ROW / 2.0 + 4.0)
                    >
                        {row.note}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="chart-frame">
            <svg
                class="chart"
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-label=caption
            >
                {grid}
                {bars}
            </svg>
        </div>
    }
}

/// Vertical columns, one per label, each with its value printed above it.
#[component]
pub fn Columns(caption: String, columns: Vec<(String, u64)>) -> impl IntoView {
    const HEIGHT: f64 = 240.0;
    const LEFT: f64 = 40.0;
    const TOP: f64 = 20.0;
    const BOTTOM: f64 = 200.0;
    let max = columns.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let ceiling = nice_ceiling(max);
    let y = move |value: u64| BOTTOM - (BOTTOM - TOP) * value as f64 / ceiling as f64;
    let slot = (WIDTH - LEFT - 10.0) / columns.len().max(1) as f64;
    let grid = ticks(ceiling)
        .into_iter()
        .map(|t| {
            let at = y(t);
            view! {
                <line class="chart-grid" x1=n(LEFT) x2=n(WIDTH - 10.0) y1=n(at) y2=n(at) />
                <text class="chart-axis" x=n(LEFT - 6.0) y=n(at + 4.0) text-anchor="end">
                    {t}
                </text>
            }
        })
        .collect_view();
    let bars = columns
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let centre = LEFT + slot * (i as f64 + 0.5);
            let width = slot * 0.6;
            let top = y(value);
            view! {
                <g class="chart-column">
                    <rect
                        class="chart-s3"
                        x=n(centre - width / 2.0)
                        y=n(top)
                        width=n(width)
                        height=n(BOTTOM - top)
                    >
                        <title>{format!("{label}: {value}")}</title>
                    </rect>
                    <text class="chart-note" x=n(centre) y=n(top - 4.0) text-anchor="middle">
                        {value}
                    </text>
                    <text class="chart-axis" x=n(centre) y=n(BOTTOM + 16.0) text-anchor="middle">
                        {label}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="chart-frame">
            <svg
                class="chart"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label=caption
            >
                {grid}
                {bars}
            </svg>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{n, shorten};

    #[test]
    fn coordinates_print_to_a_tenth() {
        assert_eq!(n(40.0), "40");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(n(0.06), "0.1");
    }

    #[test]
    fn long_labels_are_shortened_with_an_ellipsis() {
        assert_eq!(shorten("Medication"), "Medication");
        let long = "Percutaneous endoscopic gastrostomy (PEG) feeding";
        let short = shorten(long);
        assert!(short.ends_with('…'));
        assert_eq!(short.chars().count(), 30);
    }
}

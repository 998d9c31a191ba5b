//! Spreadsheet exports (xlsx, through rust_xlsxwriter). The rota's week: a grid sheet
//! laid out like the editor, and a sheet with one row per carer per shift for payroll.

use app::rota::week::ssr::ExportSlot;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

/// The workbook's bytes.
pub fn rota_week(title: &str, days: &[String], slots: &[ExportSlot]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let grid = book.add_worksheet().set_name("Rota")?;
    grid.write_string_with_format(0, 0, title, &bold)?;
    grid.set_column_width(0, 10)?;
    for (i, day) in days.iter().enumerate() {
        let column = u16::try_from(i + 1).unwrap_or(u16::MAX);
        grid.write_string_with_format(2, column, day, &bold)?;
        grid.set_column_width(column, 22)?;
    }
    for (row, (label, night)) in [(3u32, ("Day", false)), (4u32, ("Night", true))] {
        grid.write_string_with_format(row, 0, label, &bold)?;
        grid.set_row_height(row, 60)?;
        for slot in slots.iter().filter(|s| s.night == night) {
            let mut text = format!("{} ({}/{})", slot.times, slot.carers.len(), slot.headcount);
            for carer in &slot.carers {
                text.push('\n');
                text.push_str(carer);
            }
            grid.write_string_with_format(row, u16::from(slot.weekday) + 1, &text, &wrap)?;
        }
    }

    let list = book.add_worksheet().set_name("Shifts")?;
    let heads = ["Date", "Shift", "Times", "Break (min)", "Carer"];
    for (column, head) in heads.iter().enumerate() {
        list.write_string_with_format(0, u16::try_from(column).unwrap_or(0), *head, &bold)?;
    }
    list.set_column_width(0, 18)?;
    list.set_column_width(2, 14)?;
    list.set_column_width(4, 28)?;
    let mut row = 1u32;
    for slot in slots {
        let kind = if slot.night { "Night" } else { "Day" };
        let carers: Vec<&str> = if slot.carers.is_empty() {
            vec!["(nobody yet)"]
        } else {
            slot.carers.iter().map(String::as_str).collect()
        };
        for carer in carers {
            list.write_string(row, 0, &slot.date)?;
            list.write_string(row, 1, kind)?;
            list.write_string(row, 2, &slot.times)?;
            list.write_number(row, 3, f64::from(slot.break_minutes))?;
            list.write_string(row, 4, carer)?;
            row += 1;
        }
    }
    list.autofilter(0, 0, row.saturating_sub(1).max(1), 4)?;
    book.save_to_buffer()
}

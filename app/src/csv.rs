//! CSV for the exports (audit, people, progress, rota): RFC 4180 quoting by the `csv`
//! crate, and a cell that a spreadsheet would run as a formula is defused first.

use std::borrow::Cow;

/// A leading `=`, `+`, `-`, `@`, tab or carriage return (OWASP's list: spreadsheets
/// skip the last two and read what follows) is prefixed with `'` so spreadsheets do not
/// run the cell as a formula.
fn defused(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// One record, its fields defused and quoted when they hold a comma, quote or line
/// break, ending with a line break.
pub fn line<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> String {
    let fields: Vec<S> = fields.into_iter().collect();
    // No field, or one empty one, is an empty line (the crate would write `""` to tell
    // the one-empty-field record from no record; our exports never need the difference).
    if fields.iter().all(|f| f.as_ref().is_empty()) && fields.len() <= 1 {
        return "\n".to_owned();
    }
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(256)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer
        .write_record(fields.iter().map(|f| defused(f.as_ref()).into_owned()))
        .expect("writing to memory cannot fail");
    let bytes = writer.into_inner().expect("flushing to memory cannot fail");
    String::from_utf8(bytes).expect("UTF-8 fields make UTF-8 CSV")
}

/// One field as [`line`] writes it.
pub fn field(value: &str) -> String {
    let mut record = line([value]);
    record.pop();
    record
}

#[cfg(test)]
mod tests {
    use super::{field, line};

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        // Spreadsheets skip a leading tab or carriage return and run what follows.
        assert_eq!(field("\t=1+2"), "'\t=1+2");
        assert_eq!(field("\r=1+2"), "\"'\r=1+2\"");
    }

    #[test]
    fn a_line_joins_its_fields_and_ends_the_record() {
        assert_eq!(line(["a", "b,c", ""]), "a,\"b,c\",\n");
        assert_eq!(line(Vec::<String>::new()), "\n");
        assert_eq!(line([""]), "\n");
        assert_eq!(field(""), "");
        assert_eq!(line(["", ""]), ",\n");
    }
}

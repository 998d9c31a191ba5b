//! Reading the environment one variable at a time, collecting every problem so they
//! are all reported at once.

use std::{fmt::Display, ops::RangeInclusive, str::FromStr};

/// A variable's value, trimmed: unset and blank are the same.
pub fn trimmed(var: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    var(name)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

pub struct Reader<'a> {
    pub var: &'a dyn Fn(&str) -> Option<String>,
    pub problems: Vec<String>,
}

impl<'a> Reader<'a> {
    pub fn new(var: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            var,
            problems: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<String> {
        trimmed(self.var, name)
    }

    pub fn problem(&mut self, problem: impl Into<String>) {
        self.problems.push(problem.into());
    }

    /// A variable that must be set; `missing` is the whole problem when it is not.
    pub fn required(&mut self, name: &str, missing: &str) -> String {
        self.get(name).unwrap_or_else(|| {
            self.problem(missing);
            String::new()
        })
    }

    /// `true`/`1`/`yes` or `false`/`0`/`no`.
    pub fn flag(&mut self, name: &str, default: bool) -> bool {
        match self.get(name).as_deref() {
            None => default,
            Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(raw) => {
                self.problem(format!("{name} must be true or false (got {raw:?})"));
                default
            }
        }
    }

    /// A whole number in `range`.
    pub fn number<T>(&mut self, name: &str, range: RangeInclusive<T>, default: T) -> T
    where
        T: FromStr + PartialOrd + Display,
    {
        match self.get(name) {
            None => default,
            Some(raw) => match raw.parse::<T>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    self.problem(format!(
                        "{name} must be a whole number from {} to {} (got {raw:?})",
                        range.start(),
                        range.end()
                    ));
                    default
                }
            },
        }
    }

    /// A value `parse` reads, or (unset) none; `parse` names the problem otherwise.
    pub fn parsed<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.get(name)?;
        parse(&raw).map_err(|problem| self.problem(problem)).ok()
    }
}

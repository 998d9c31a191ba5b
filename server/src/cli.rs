//! The command line: `server [serve | migrate | seed --demo]`.

pub const USAGE: &str = "\
CareTrack Pro server

Usage: server [COMMAND]

Commands:
  serve          Run the web server (default). Applies pending migrations first
                 unless MIGRATE_ON_START=false.
  worker         Run background jobs and the schedule only (no HTTP), so
                 production can scale workers separately.
  migrate        Apply pending database migrations and exit.
  seed --demo    Load the demo organisation (idempotent; refused in production).
  help           Show this message.

Configuration comes from the environment and a .env file; see README.md.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Worker,
    Migrate,
    Seed { demo: bool },
    Help,
}

impl Command {
    pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Self, String> {
        let args: Vec<String> = args.into_iter().collect();
        let unexpected = |arg: &str| Err(format!("unexpected argument {arg:?}\n\n{USAGE}"));
        match args.first().map(String::as_str) {
            None | Some("serve") => match args.get(1) {
                None => Ok(Command::Serve),
                Some(extra) => unexpected(extra),
            },
            Some("worker") => match args.get(1) {
                None => Ok(Command::Worker),
                Some(extra) => unexpected(extra),
            },
            Some("migrate") => match args.get(1) {
                None => Ok(Command::Migrate),
                Some(extra) => unexpected(extra),
            },
            Some("seed") => {
                let mut demo = false;
                for arg in &args[1..] {
                    match arg.as_str() {
                        "--demo" => demo = true,
                        other => return unexpected(other),
                    }
                }
                Ok(Command::Seed { demo })
            }
            Some("help" | "--help" | "-h") => Ok(Command::Help),
            Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        Command::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn serve_is_the_default() {
        assert_eq!(parse(&[]), Ok(Command::Serve));
        assert_eq!(parse(&["serve"]), Ok(Command::Serve));
        assert_eq!(parse(&["worker"]), Ok(Command::Worker));
    }

    #[test]
    fn seed_needs_its_flag_spelled_right() {
        assert_eq!(parse(&["seed", "--demo"]), Ok(Command::Seed { demo: true }));
        assert_eq!(parse(&["seed"]), Ok(Command::Seed { demo: false }));
        assert!(parse(&["seed", "--dmeo"]).unwrap_err().contains("--dmeo"));
    }

    #[test]
    fn unknown_commands_show_usage() {
        let err = parse(&["serv"]).unwrap_err();
        assert!(err.contains("unknown command \"serv\""));
        assert!(err.contains("Usage: server"));
        assert!(parse(&["migrate", "now"]).is_err());
    }
}

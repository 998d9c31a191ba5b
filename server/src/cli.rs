//! The command line: `server [serve | migrate | seed --demo]`.

pub const USAGE: &str = "\
CareTrack Pro server

Usage: server [COMMAND]

Commands:
  serve          Run the web server (default). Applies pending migrations first
                 unless MIGRATE_ON_START=false.
  worker         Run background jobs and the schedule only, so production can
                 scale workers separately. Serves /healthz and /metrics on
                 WORKER_METRICS_ADDR if it is set, nothing else over HTTP.
  migrate        Apply pending database migrations and exit.
  seed --demo    Load the demo organisation (idempotent; refused in production).
  create-admin --email EMAIL --first-name NAME --last-name NAME
                 Create a care-manager account (the first one of a new
                 installation). The password is read from standard input.
  audit verify   Check the audit log's hash chain; reports the first broken row.
  keys rotate    Re-encrypt personal data sealed with an older key using the
                 current one (the first in DATA_ENCRYPTION_KEYS). Safe to run
                 while the app serves; afterwards the old key can be removed.
  keys vapid     Print a new Web Push (VAPID) key pair for VAPID_PRIVATE_KEY.
  help           Show this message.

Configuration comes from the environment and a .env file; see README.md.";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Worker,
    Migrate,
    Seed {
        demo: bool,
    },
    CreateAdmin {
        email: String,
        first_name: String,
        last_name: String,
    },
    AuditVerify,
    KeysRotate,
    KeysVapid,
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
            Some("create-admin") => {
                let mut options = [
                    ("--email", None),
                    ("--first-name", None),
                    ("--last-name", None),
                ];
                let mut rest = args[1..].iter();
                while let Some(flag) = rest.next() {
                    let Some(slot) = options.iter_mut().find(|(name, _)| name == flag) else {
                        return unexpected(flag);
                    };
                    slot.1 = Some(
                        rest.next()
                            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?
                            .clone(),
                    );
                }
                let [
                    (_, Some(email)),
                    (_, Some(first_name)),
                    (_, Some(last_name)),
                ] = options
                else {
                    return Err(format!(
                        "create-admin needs --email, --first-name and --last-name\n\n{USAGE}"
                    ));
                };
                Ok(Command::CreateAdmin {
                    email,
                    first_name,
                    last_name,
                })
            }
            Some("audit") => match (args.get(1).map(String::as_str), args.get(2)) {
                (Some("verify"), None) => Ok(Command::AuditVerify),
                (_, Some(extra)) => unexpected(extra),
                (other, None) => Err(format!("unknown audit command {other:?}\n\n{USAGE}")),
            },
            Some("keys") => match (args.get(1).map(String::as_str), args.get(2)) {
                (Some("rotate"), None) => Ok(Command::KeysRotate),
                (Some("vapid"), None) => Ok(Command::KeysVapid),
                (_, Some(extra)) => unexpected(extra),
                (other, None) => Err(format!("unknown keys command {other:?}\n\n{USAGE}")),
            },
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
    fn create_admin_needs_all_three_values() {
        assert_eq!(
            parse(&[
                "create-admin",
                "--email",
                "a@b.example",
                "--first-name",
                "Alex",
                "--last-name",
                "Morgan"
            ]),
            Ok(Command::CreateAdmin {
                email: "a@b.example".into(),
                first_name: "Alex".into(),
                last_name: "Morgan".into()
            })
        );
        assert!(
            parse(&["create-admin", "--email", "a@b.example"])
                .unwrap_err()
                .contains("needs --email")
        );
        assert!(
            parse(&["create-admin", "--email"])
                .unwrap_err()
                .contains("--email needs a value")
        );
        assert!(parse(&["create-admin", "--role", "x"]).is_err());
        assert_eq!(parse(&["audit", "verify"]), Ok(Command::AuditVerify));
        assert!(parse(&["audit"]).is_err());
        assert_eq!(parse(&["keys", "rotate"]), Ok(Command::KeysRotate));
        assert!(parse(&["keys", "rotate", "now"]).is_err());
        assert_eq!(parse(&["keys", "vapid"]), Ok(Command::KeysVapid));
    }

    #[test]
    fn unknown_commands_show_usage() {
        let err = parse(&["serv"]).unwrap_err();
        assert!(err.contains("unknown command \"serv\""));
        assert!(err.contains("Usage: server"));
        assert!(parse(&["migrate", "now"]).is_err());
    }
}

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let command = match server::cli::Command::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    if let server::cli::Command::Help = command {
        println!("{}", server::cli::USAGE);
        return ExitCode::SUCCESS;
    }
    if let server::cli::Command::KeysVapid = command {
        // Needs no configuration: it is how part of it is made.
        let (private, public) = server::push::crypto::Vapid::generate();
        println!(
            "VAPID_PRIVATE_KEY={private}\n# public key (browsers subscribe with it): {public}"
        );
        return ExitCode::SUCCESS;
    }
    // A missing .env is normal in production (the environment is set by the platform).
    let _ = dotenvy::dotenv();
    let config = match server::config::Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(78); // EX_CONFIG
        }
    };
    server::telemetry::init(&config.log_filter, config.log_format);
    match server::run(command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "stopped with an error");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

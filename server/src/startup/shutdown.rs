//! Stopping cleanly: a flag raised by SIGINT/SIGTERM that every task can wait on, and
//! waiting for background tasks to finish.

use tokio::{sync::watch, task::JoinHandle};

/// A shutdown flag every part of the process can wait on, raised by SIGINT/SIGTERM.
pub(super) fn shutdown_channel() -> watch::Receiver<bool> {
    let (raise, flag) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = raise.send(true);
    });
    flag
}

pub(super) async fn until_shutdown(mut flag: watch::Receiver<bool>) {
    let _ = flag.wait_for(|down| *down).await;
}

/// Waits for background tasks to finish their graceful shutdown.
pub(super) async fn finish(tasks: Vec<JoinHandle<()>>) {
    for task in tasks {
        if let Err(err) = task.await {
            tracing::error!(error = %err, "a background task ended abnormally");
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (service managers, containers); in-flight
/// requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received: shutting down"),
        () = terminate => tracing::info!("SIGTERM received: shutting down"),
    }
}

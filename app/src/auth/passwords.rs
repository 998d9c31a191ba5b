//! Password hashing: argon2id with parameters from configuration, always off the async
//! runtime (a hash takes tens of milliseconds of CPU by design), and bounded: a few run
//! at once, a few more wait for a turn, and beyond that the request is told to come back
//! (`AppError::Busy`, 503 with `Retry-After`). Each hash holds 19 MiB while it runs, so
//! an unbounded burst of sign-ins would take the memory and the CPU from everything else.

use crate::error::AppError;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
    password_hash::SaltString,
};
use chacha20poly1305::aead::OsRng;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for HashParams {
    /// OWASP's recommendation for argon2id: 19 MiB, 2 iterations, 1 lane.
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

pub struct PasswordHasher {
    params: Params,
    /// A real hash of a random password: verified against when the account does not
    /// exist, so an unknown email takes as long as a wrong password.
    dummy: String,
    /// Hashes running now. The permits travel with the hash onto the blocking thread, so
    /// a request dropped mid-hash (the client went away) still holds its turn until the
    /// hash really ends.
    running: Arc<Semaphore>,
    /// Requests hashing or waiting for a turn.
    admitted: Arc<Semaphore>,
    /// Hashes run since the process started (for `/metrics` and the tests that prove a
    /// refused guess costs no hashing).
    runs: std::sync::atomic::AtomicU64,
    /// How long the last hash took, in microseconds: what a refused guess waits instead,
    /// so an answer's timing does not tell a held account from another.
    last_micros: std::sync::atomic::AtomicU64,
}

/// How long a request waits for a turn to hash before it is told to come back.
const TURN_WAIT: Duration = Duration::from_secs(5);
/// What a request told to come back is asked to wait, in seconds.
const BUSY_RETRY_SECONDS: u64 = 2;

impl PasswordHasher {
    /// As many hashes at once as the machine has cores, and eight times as many waiting.
    pub fn new(params: HashParams) -> Result<Self, String> {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::with_limits(params, cores, cores * 8)
    }

    /// At most `running` hashes at once, and `admitted` requests hashing or waiting.
    pub fn with_limits(
        params: HashParams,
        running: usize,
        admitted: usize,
    ) -> Result<Self, String> {
        let params = Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            None,
        )
        .map_err(|err| format!("invalid argon2 parameters: {err}"))?;
        let mut hasher = Self {
            params,
            dummy: String::new(),
            running: Arc::new(Semaphore::new(running.max(1))),
            admitted: Arc::new(Semaphore::new(admitted.max(running).max(1))),
            runs: std::sync::atomic::AtomicU64::new(0),
            last_micros: std::sync::atomic::AtomicU64::new(50_000),
        };
        hasher.dummy = hasher.hash_now(&uuid::Uuid::new_v4().to_string());
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Blocking: for `spawn_blocking`, tests and the CLI.
    pub fn hash_now(&self, password: &str) -> String {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 hashing with valid parameters cannot fail")
            .to_string()
    }

    /// Blocking. The stored hash's own parameters are used, so older hashes keep working
    /// after the configuration changes.
    pub fn verify_now(&self, stored: Option<&str>, password: &str) -> bool {
        let target = stored.unwrap_or(&self.dummy);
        let Ok(parsed) = PasswordHash::new(target) else {
            // A malformed stored hash: still spend the time, then refuse.
            let _ = self.argon2().verify_password(
                password.as_bytes(),
                &PasswordHash::new(&self.dummy).expect("valid"),
            );
            return false;
        };
        let ok = self
            .argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && stored.is_some()
    }

    /// Runs `work` on the blocking pool once a turn is free; `Busy` when too many are
    /// waiting already, or the turn does not come within a few seconds.
    async fn in_turn<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Self) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let busy = || {
            tracing::warn!("password hashing is at capacity: a request was told to come back");
            AppError::Busy(BUSY_RETRY_SECONDS)
        };
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| busy())?;
        let running = tokio::time::timeout(TURN_WAIT, self.running.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let hasher = self.clone();
        Ok(tokio::task::spawn_blocking(move || {
            let _turn = (admitted, running);
            let started = std::time::Instant::now();
            let done = work(&hasher);
            let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            hasher
                .last_micros
                .store(micros, std::sync::atomic::Ordering::Relaxed);
            done
        })
        .await
        .expect("password hashing does not panic"))
    }

    /// About as long as a hash takes here now (the last one's time).
    pub fn typical_time(&self) -> Duration {
        Duration::from_micros(self.last_micros.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Hashes run (or verified) through the bounded path since the process started.
    pub fn runs(&self) -> u64 {
        self.runs.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub async fn hash(self: &Arc<Self>, password: String) -> Result<String, AppError> {
        self.in_turn(move |hasher| hasher.hash_now(&password)).await
    }

    /// Verifies `password` against `stored`, or against a dummy hash when there is no
    /// account, taking the same time either way.
    pub async fn verify(
        self: &Arc<Self>,
        stored: Option<String>,
        password: String,
    ) -> Result<bool, AppError> {
        self.in_turn(move |hasher| hasher.verify_now(stored.as_deref(), &password))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> PasswordHasher {
        PasswordHasher::new(HashParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        })
        .unwrap()
    }

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let hasher = fast();
        let hash = hasher.hash_now("correct horse battery staple");
        assert!(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(hasher.verify_now(Some(&hash), "correct horse battery staple"));
        assert!(!hasher.verify_now(Some(&hash), "correct horse battery stable"));
    }

    #[test]
    fn no_account_and_malformed_hashes_never_verify() {
        let hasher = fast();
        assert!(!hasher.verify_now(None, "anything at all"));
        assert!(!hasher.verify_now(Some("not-a-hash"), "anything at all"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn beyond_the_waiting_room_a_request_is_told_to_come_back() {
        let hasher = std::sync::Arc::new(
            PasswordHasher::with_limits(
                HashParams {
                    memory_kib: 8 * 1024,
                    iterations: 4,
                    parallelism: 1,
                },
                1,
                2,
            )
            .unwrap(),
        );
        let attempts = (0..12).map(|_| {
            let hasher = hasher.clone();
            tokio::spawn(async move { hasher.hash("a long enough password".into()).await })
        });
        let mut done = 0;
        let mut busy = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            match attempt.await.unwrap() {
                Ok(hash) => {
                    assert!(hash.starts_with("$argon2id$"));
                    done += 1;
                }
                Err(AppError::Busy(seconds)) => {
                    assert!(seconds >= 1);
                    busy += 1;
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert!(done >= 2, "{done} hashed");
        assert!(busy >= 1, "none refused of 12 with room for 2");
        assert_eq!(done + busy, 12);
    }

    #[test]
    fn hashes_made_with_other_parameters_still_verify() {
        let old = PasswordHasher::new(HashParams {
            memory_kib: 2048,
            iterations: 1,
            parallelism: 1,
        })
        .unwrap();
        let hash = old.hash_now("a long enough password");
        assert!(fast().verify_now(Some(&hash), "a long enough password"));
    }
}

//! Password hashing: argon2id with parameters from configuration, always off the async
//! runtime (a hash takes tens of milliseconds of CPU by design).

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
    password_hash::SaltString,
};
use chacha20poly1305::aead::OsRng;

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
}

impl PasswordHasher {
    pub fn new(params: HashParams) -> Result<Self, String> {
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

    pub async fn hash(self: &std::sync::Arc<Self>, password: String) -> String {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.hash_now(&password))
            .await
            .expect("password hashing does not panic")
    }

    /// Verifies `password` against `stored`, or against a dummy hash when there is no
    /// account, taking the same time either way.
    pub async fn verify(
        self: &std::sync::Arc<Self>,
        stored: Option<String>,
        password: String,
    ) -> bool {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.verify_now(stored.as_deref(), &password))
            .await
            .expect("password verification does not panic")
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

//! Retry policy for background jobs: exponential backoff with jitter.

use time::Duration;

/// How failed jobs are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the first retry (before jitter).
    pub base: Duration,
    /// No delay is longer than this (before jitter).
    pub cap: Duration,
    /// After this many attempts the job is dead.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::seconds(10),
            cap: Duration::hours(1),
            max_attempts: 8,
        }
    }
}

/// What happens to a job whose attempt number `attempts` (1-based) has just failed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AfterFailure {
    RetryIn(Duration),
    Dead,
}

impl RetryPolicy {
    /// `jitter` is a uniform random number in `[0, 1)` from the caller (the core has no
    /// randomness of its own). "Equal jitter": half the backoff is fixed, half is random,
    /// so retries of many jobs that failed together spread out but never come too soon.
    pub fn after_failure(&self, attempts: u32, jitter: f64) -> AfterFailure {
        if attempts >= self.max_attempts {
            return AfterFailure::Dead;
        }
        let exponent = attempts.saturating_sub(1).min(30);
        let backoff = (self.base * 2i32.pow(exponent)).min(self.cap);
        let jitter = jitter.clamp(0.0, 1.0);
        AfterFailure::RetryIn(backoff / 2 + (backoff / 2) * jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_then_the_job_dies() {
        let policy = RetryPolicy::default();
        let full = |attempts| match policy.after_failure(attempts, 0.999_999) {
            AfterFailure::RetryIn(d) => d.whole_seconds(),
            AfterFailure::Dead => -1,
        };
        assert_eq!([full(1), full(2), full(3), full(4)], [9, 19, 39, 79]);
        assert_eq!(full(7), 639);
        assert_eq!(policy.after_failure(8, 0.5), AfterFailure::Dead);
        let capped = RetryPolicy {
            max_attempts: 100,
            ..policy
        };
        assert_eq!(
            capped.after_failure(40, 0.0),
            AfterFailure::RetryIn(Duration::minutes(30))
        );
    }

    proptest! {
        #[test]
        fn delay_is_between_half_and_all_of_the_backoff(attempts in 1u32..8, jitter in 0.0f64..1.0) {
            let policy = RetryPolicy::default();
            let AfterFailure::RetryIn(delay) = policy.after_failure(attempts, jitter) else {
                return Err(TestCaseError::fail("retries remain"));
            };
            let backoff = (policy.base * 2i32.pow(attempts - 1)).min(policy.cap);
            prop_assert!(delay >= backoff / 2 && delay <= backoff);
        }
    }
}

//! Rate limits in Redis, shared by every instance: a sliding window estimated from two
//! fixed-window counters (`INCR` + `EXPIRE` on this window's, `GET` on the last one's,
//! weighted by how much of it still overlaps), so a burst cannot double up across a
//! window boundary. If Redis is unreachable the limit is not enforced (and the
//! failure is logged): refusing every sign-in while Redis restarts would be worse.

use crate::{error::AppError, state::AppState};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window: Duration,
}

/// Sign-in attempts from one address. Generous: a care office's whole day shift signs
/// in from one address at 7 am; guessing is held back per account (limit and lockout).
pub const LOGIN_PER_IP: Limit = Limit {
    name: "login-ip",
    max: 100,
    window: Duration::from_secs(900),
};
/// Sign-in attempts for one account, whoever makes them (a carer with a phone, a tablet
/// and a shared office PC stays well inside it; guessing is also stopped by the lockout).
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    name: "login-account",
    max: 20,
    window: Duration::from_secs(900),
};
pub const REFRESH_PER_IP: Limit = Limit {
    name: "refresh-ip",
    max: 120,
    window: Duration::from_secs(300),
};
pub const RESET_PER_IP: Limit = Limit {
    name: "reset-ip",
    max: 10,
    window: Duration::from_secs(3600),
};
pub const RESET_PER_ACCOUNT: Limit = Limit {
    name: "reset-account",
    max: 3,
    window: Duration::from_secs(3600),
};
pub const INVITATION_PER_IP: Limit = Limit {
    name: "invitation-ip",
    max: 30,
    window: Duration::from_secs(3600),
};
/// Everything a signed-in person does.
pub const PER_USER: Limit = Limit {
    name: "user",
    max: 600,
    window: Duration::from_secs(60),
};

/// The requests in the last `window` seconds, estimated from this window's count and the
/// previous one's share of the overlap (rounded up: the estimate errs on the strict side).
fn sliding_count(current: u32, previous: u32, elapsed: u64, window: u64) -> u32 {
    let overlap = window.saturating_sub(elapsed);
    let carried = (u64::from(previous) * overlap).div_ceil(window);
    current.saturating_add(u32::try_from(carried).unwrap_or(u32::MAX))
}

/// Counts one request against `limit` for `key`; `RateLimited(seconds)` once over.
pub async fn hit(state: &AppState, limit: Limit, key: &str) -> Result<(), AppError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let window = limit.window.as_secs().max(1);
    let slot = now / window;
    let redis_key = |slot: u64| format!("rl:{}:{}:{slot}", limit.name, key);
    let count: Result<u32, redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        let (current, _, previous): (u32, bool, Option<u32>) = redis::pipe()
            .atomic()
            .incr(redis_key(slot), 1)
            .expire(redis_key(slot), 2 * window as i64 + 1)
            .get(redis_key(slot.saturating_sub(1)))
            .query_async(&mut redis)
            .await?;
        Ok(sliding_count(
            current,
            previous.unwrap_or(0),
            now - slot * window,
            window,
        ))
    }
    .await;
    match count {
        Ok(count) if count > limit.max => {
            // The key may be an email address: log the limit's name only.
            tracing::warn!(limit = limit.name, count, "rate limit reached");
            Err(AppError::RateLimited((slot + 1) * window - now))
        }
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::error!(error = %err, limit = limit.name, "rate limit not enforced: Redis unavailable");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sliding_count;

    #[test]
    fn the_last_window_counts_for_the_part_that_still_overlaps() {
        // Just after a boundary, nearly all of the last window still counts.
        assert_eq!(sliding_count(40, 60, 2, 900), 100);
        assert_eq!(sliding_count(41, 60, 2, 900), 101);
        // Halfway through, half of it (rounded up).
        assert_eq!(sliding_count(10, 61, 450, 900), 41);
        // At the end of this window, none of it.
        assert_eq!(sliding_count(7, 1000, 900, 900), 7);
        assert_eq!(sliding_count(0, 0, 0, 1), 0);
    }
}

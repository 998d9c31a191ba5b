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
/// Failed sign-in attempts for one address, whoever makes them, counting addresses with no
/// account too (the lockout covers only real accounts). Successful sign-ins do not count,
/// so a carer with a phone, a tablet and a shared office PC is never held back.
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
/// Typing one's current password again (to change the password or the email address,
/// or to turn two-step verification off), counted per person whether right or wrong.
pub const REENTRY_PER_USER: Limit = Limit {
    name: "reentry-user",
    max: 5,
    window: Duration::from_secs(900),
};
/// Uploads by one person (each is decoded and re-encoded when it is an image).
pub const UPLOADS_PER_USER: Limit = Limit {
    name: "upload-user",
    max: 30,
    window: Duration::from_secs(600),
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

/// Seconds until the sliding count falls back to `max` if nothing more arrives: while
/// the last window's share shrinks during this one, or else once this window has become
/// the last one and its share has shrunk enough.
fn retry_after(max: u32, current: u32, previous: u32, elapsed: u64, window: u64) -> u64 {
    let (max, current, previous) = (u64::from(max), u64::from(current), u64::from(previous));
    if current <= max && previous > 0 {
        // current + previous·(window − e)/window ≤ max  ⇔  e ≥ window − (max − current)·window/previous
        let at = window - ((max - current) * window / previous).min(window);
        return at.saturating_sub(elapsed).max(1);
    }
    let next = window - (max * window / current.max(1)).min(window);
    (window - elapsed.min(window) + next).max(1)
}

/// Adds to `pipe` the commands that count one more request for `key` (this window's
/// counter, then the last window's: two results) and answers the seconds elapsed in
/// this window. Lets a caller fold the count into a round trip it makes anyway.
pub fn count_into(pipe: &mut redis::Pipeline, limit: Limit, key: &str) -> u64 {
    let (current, previous, elapsed) = keys(limit, key);
    pipe.incr(&current, 1)
        .expire(&current, 2 * limit.window.as_secs().max(1) as i64 + 1)
        .ignore()
        .get(previous);
    elapsed
}

/// This window's and the last window's keys for `key`, and the seconds elapsed in this
/// window.
fn keys(limit: Limit, key: &str) -> (String, String, u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let window = limit.window.as_secs().max(1);
    let slot = now / window;
    let redis_key = |slot: u64| format!("rl:{}:{}:{slot}", limit.name, key);
    (
        redis_key(slot),
        redis_key(slot.saturating_sub(1)),
        now - slot * window,
    )
}

/// This window's and the last window's counters for `key`, this one first counting one
/// more request when `count` is set; and the seconds elapsed in this window.
async fn counters(
    state: &AppState,
    limit: Limit,
    key: &str,
    count: bool,
) -> Result<(u32, u32, u64), redis::RedisError> {
    let mut redis = state.redis.connection().await?;
    let mut pipe = redis::pipe();
    let (current, previous, elapsed) = if count {
        let elapsed = count_into(pipe.atomic(), limit, key);
        let (current, previous): (u32, Option<u32>) = pipe.query_async(&mut redis).await?;
        (Some(current), previous, elapsed)
    } else {
        let (current, previous, elapsed) = keys(limit, key);
        let (current, previous): (Option<u32>, Option<u32>) = pipe
            .get(current)
            .get(previous)
            .query_async(&mut redis)
            .await?;
        (current, previous, elapsed)
    };
    Ok((current.unwrap_or(0), previous.unwrap_or(0), elapsed))
}

/// `RateLimited` when `current` (including the request being decided) passes the limit.
pub fn decide(
    limit: Limit,
    counted: Result<(u32, u32, u64), redis::RedisError>,
    extra: u32,
) -> Result<(), AppError> {
    let window = limit.window.as_secs().max(1);
    match counted {
        Ok((current, previous, elapsed)) => {
            let current = current + extra;
            let count = sliding_count(current, previous, elapsed, window);
            if count > limit.max {
                // The key may be an email address: log the limit's name only.
                tracing::warn!(limit = limit.name, count, "rate limit reached");
                Err(AppError::RateLimited(retry_after(
                    limit.max, current, previous, elapsed, window,
                )))
            } else {
                Ok(())
            }
        }
        Err(err) => {
            tracing::error!(error = %err, limit = limit.name, "rate limit not enforced: Redis unavailable");
            Ok(())
        }
    }
}

/// Counts one request against `limit` for `key`; `RateLimited(seconds)` once over.
#[tracing::instrument(skip_all)]
pub async fn hit(state: &AppState, limit: Limit, key: &str) -> Result<(), AppError> {
    decide(limit, counters(state, limit, key, true).await, 0)
}

/// Takes back one request counted against `limit` for `key` in this window: a sign-in
/// that succeeded, where only failures should hold an address back.
#[tracing::instrument(skip_all)]
pub async fn give_back(state: &AppState, limit: Limit, key: &str) {
    let (current, _, _) = keys(limit, key);
    let given: Result<i64, redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        let left: i64 = redis::cmd("DECR")
            .arg(&current)
            .query_async(&mut redis)
            .await?;
        if left < 0 {
            // The window turned between the count and now: nothing to give back.
            let _: i64 = redis::cmd("INCR")
                .arg(&current)
                .query_async(&mut redis)
                .await?;
        }
        Ok(left)
    }
    .await;
    if let Err(err) = given {
        tracing::error!(error = %err, limit = limit.name, "a counted request was not given back");
    }
}

/// Whether one more request would pass `limit` for `key`, without counting it: for
/// limits that count only some outcomes (failed sign-ins), recorded later with `hit`.
#[tracing::instrument(skip_all)]
pub async fn check(state: &AppState, limit: Limit, key: &str) -> Result<(), AppError> {
    decide(limit, counters(state, limit, key, false).await, 1)
}

#[cfg(test)]
mod tests {
    use super::{retry_after, sliding_count};

    #[test]
    fn retry_after_waits_until_the_count_is_back_under_the_limit() {
        // 100 allowed; 50 now and 100 last window, 450 s into a 900 s window: the last
        // window still counts 50, so the next request must wait for it to shrink below 50.
        let wait = retry_after(100, 51, 100, 450, 900);
        assert!(wait > 0 && wait <= 450, "{wait}");
        assert!(super::sliding_count(51, 100, 450 + wait, 900) <= 100);
        // Over the limit in this window alone: after it ends, and its share has shrunk.
        let wait = retry_after(20, 30, 0, 100, 900);
        assert!(wait > 800, "{wait}");
        assert!(super::sliding_count(0, 30, 100 + wait - 900, 900) <= 20);
    }

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

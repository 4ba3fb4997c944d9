//! The login throttle's rule: how many failed sign-ins a key (an account from one client, an
//! account from anywhere, or one client across accounts) may have before it must wait, and how
//! long the wait grows.
//!
//! The rule is a pure function of the failures counted so far and the time since the last one,
//! so the server can decide, then reserve the attempt in the database only if the counter it
//! read is still the counter stored (see `services::login_throttle` in the api crate).

use std::fmt;
use std::str::FromStr;

/// Which failures a throttle counts. The strict one is per account *and* client, so a stranger
/// elsewhere cannot lock an account's owner out; the looser ones bound what many clients can
/// do to one account, and what one client can do across many accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThrottleScope {
    AccountClient,
    Account,
    Client,
}

impl ThrottleScope {
    pub const ALL: [ThrottleScope; 3] = [ThrottleScope::AccountClient, ThrottleScope::Account, ThrottleScope::Client];

    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleScope::AccountClient => "account_client",
            ThrottleScope::Account => "account",
            ThrottleScope::Client => "client",
        }
    }
}

impl fmt::Display for ThrottleScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::stored::stored_as_str!(ThrottleScope);

impl FromStr for ThrottleScope {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ThrottleScope::ALL.into_iter().find(|scope| scope.as_str() == s).ok_or(())
    }
}

/// One throttle: `free` failures pass at once; after that each further attempt must wait
/// 2, 4, 8 … seconds after the previous one, at most `max_delay_secs`. Failures are forgotten
/// once none has happened for `forget_after_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub free: u32,
    pub max_delay_secs: u64,
    pub forget_after_secs: u64,
}

/// What a throttle says about the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The attempt may go ahead; it is the `counted + 1`th failure if it fails.
    Go { counted: u32 },
    /// Not before `secs` more seconds.
    Wait { secs: u64 },
}

impl Throttle {
    /// The wait after `failures` counted failures, measured from the last one: none while
    /// failures stay within the free ones, then doubling from 2 s up to the cap.
    pub fn delay_secs(&self, failures: u32) -> u64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).saturating_add(1).min(63);
        1u64.checked_shl(doublings).unwrap_or(u64::MAX).min(self.max_delay_secs)
    }

    /// Whether an attempt may go ahead, given the failures stored and the seconds since the
    /// last of them (`None` when nothing is stored). A clock that went backwards counts as no
    /// time passed.
    pub fn check(&self, stored: Option<(u32, i64)>) -> Verdict {
        let Some((failures, since_last)) = stored else { return Verdict::Go { counted: 0 } };
        let since_last = u64::try_from(since_last).unwrap_or(0);
        if since_last >= self.forget_after_secs {
            return Verdict::Go { counted: 0 };
        }
        let delay = self.delay_secs(failures);
        if since_last >= delay { Verdict::Go { counted: failures } } else { Verdict::Wait { secs: delay - since_last } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STRICT: Throttle = Throttle { free: 5, max_delay_secs: 600, forget_after_secs: 900 };

    #[test]
    fn the_free_failures_pass_then_waits_double_from_two_seconds_to_the_cap() {
        assert_eq!(STRICT.check(None), Verdict::Go { counted: 0 });
        assert_eq!(STRICT.check(Some((4, 0))), Verdict::Go { counted: 4 });
        assert_eq!(STRICT.check(Some((5, 0))), Verdict::Wait { secs: 2 });
        assert_eq!(STRICT.check(Some((5, 2))), Verdict::Go { counted: 5 });
        assert_eq!(STRICT.check(Some((6, 1))), Verdict::Wait { secs: 3 });
        assert_eq!(STRICT.delay_secs(14), 600);
        assert_eq!(STRICT.check(Some((40, 599))), Verdict::Wait { secs: 1 });
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_window_and_a_clock_going_back_waits() {
        assert_eq!(STRICT.check(Some((40, 900))), Verdict::Go { counted: 0 });
        assert_eq!(STRICT.check(Some((5, -30))), Verdict::Wait { secs: 2 });
    }

    proptest! {
        #[test]
        fn waits_never_shrink_as_failures_grow_and_never_pass_the_cap(
            free in 0u32..100, cap in 0u64..100_000, failures in any::<u32>(),
        ) {
            let throttle = Throttle { free, max_delay_secs: cap, forget_after_secs: u64::MAX };
            let delay = throttle.delay_secs(failures);
            prop_assert!(delay <= cap);
            prop_assert!(throttle.delay_secs(failures.saturating_add(1)) >= delay);
        }

        #[test]
        fn a_verdict_to_wait_never_asks_for_more_than_the_cap(
            failures in any::<u32>(), since in any::<i64>(),
        ) {
            if let Verdict::Wait { secs } = STRICT.check(Some((failures, since))) {
                prop_assert!((1..=STRICT.max_delay_secs).contains(&secs));
            }
        }
    }
}

//! The key agent's cache of unwrapped data keys: keyed by the master key's identity and the
//! wrapped key, held only in [`LockedSlots`], answered within a time to live, for a bounded
//! number of uses, and past the time to live only while the provider is unreachable (never
//! after it answered "no"). Entries are zeroed when they expire, when they are used up and when
//! the cache is cleared (exit, signals).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::locked::{LockState, LockedSlots, Slot};
use crate::keys::attempt::Unwrapped;
use crate::keys::{KeyError, KeySource, MasterKey};

/// How long and how often a cached key may answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CachePolicy {
    /// How long after the provider's answer the cache answers instead of the provider.
    pub ttl: Duration,
    /// How many times one entry may answer before it is dropped (`None`: no limit).
    pub max_uses: Option<u64>,
    /// How long past the time to live an entry may still answer while the provider is
    /// unreachable.
    pub serve_stale_for: Duration,
}

/// The identity an entry is filed under: key kind, the key's full id (for AWS KMS it carries
/// the role, the encryption context and the profile; for Vault the address, engine and key
/// name) and the wrapped key.
#[derive(Clone, PartialEq, Eq, Hash)]
struct EntryKey(String);

impl EntryKey {
    fn of(key: &dyn MasterKey, enc: &str) -> EntryKey {
        EntryKey(format!("{}\0{}\0{}", key.kind().tag(), key.id(), enc))
    }
}

struct Entry {
    slot: Slot,
    answered_at: Instant,
    uses: u64,
}

struct State {
    entries: HashMap<EntryKey, Entry>,
    slots: LockedSlots,
    closed: bool,
}

impl State {
    fn remove(&mut self, key: &EntryKey) {
        if let Some(entry) = self.entries.remove(key) {
            self.slots.release(entry.slot);
        }
    }

    /// Gives one answer from `key`'s entry, dropping the entry when this was its last use.
    fn answer(&mut self, key: &EntryKey, max_uses: Option<u64>) -> Option<Zeroizing<Vec<u8>>> {
        let entry = self.entries.get_mut(key)?;
        entry.uses += 1;
        let used_up = max_uses.is_some_and(|max| entry.uses >= max);
        let secret = Zeroizing::new(self.slots.get(entry.slot).to_vec());
        if used_up {
            self.remove(key);
        }
        Some(secret)
    }
}

/// The cache. Shared between the server's request handlers and the sweeper thread.
pub struct KeyCache {
    policy: CachePolicy,
    state: Mutex<State>,
    changed: Condvar,
}

impl KeyCache {
    /// An empty cache; its memory is locked if the OS allows ([`KeyCache::lock_state`]).
    /// Durations longer than a century are taken as a century (an `Instant` cannot reach
    /// much further).
    pub fn new(policy: CachePolicy) -> KeyCache {
        const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
        let policy = CachePolicy {
            ttl: policy.ttl.min(CENTURY),
            serve_stale_for: policy.serve_stale_for.min(CENTURY),
            ..policy
        };
        KeyCache {
            policy,
            state: Mutex::new(State {
                entries: HashMap::new(),
                slots: LockedSlots::new(),
                closed: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// The policy.
    pub fn policy(&self) -> CachePolicy {
        self.policy
    }

    /// Whether the key memory is locked from swap.
    pub fn lock_state(&self) -> LockState {
        self.state().slots.lock_state().clone()
    }

    /// How many keys are cached.
    pub fn len(&self) -> usize {
        self.state().entries.len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Unwraps `enc` for `key`: from the cache when it may answer, else through `ask` (the
    /// provider), whose answer is cached when it is a key. Says where the answer came from.
    pub fn unwrap(
        &self,
        key: &dyn MasterKey,
        enc: &str,
        ask: impl FnOnce() -> Unwrapped,
    ) -> (Unwrapped, KeySource) {
        self.unwrap_at(Instant::now, key, enc, ask)
    }

    fn unwrap_at(
        &self,
        now: impl Fn() -> Instant,
        key: &dyn MasterKey,
        enc: &str,
        ask: impl FnOnce() -> Unwrapped,
    ) -> (Unwrapped, KeySource) {
        let entry_key = EntryKey::of(key, enc);
        {
            let mut state = self.state();
            let fresh = state
                .entries
                .get(&entry_key)
                .is_some_and(|e| now() < e.answered_at + self.policy.ttl);
            if fresh && let Some(secret) = state.answer(&entry_key, self.policy.max_uses) {
                return (Ok(Some(secret)), KeySource::Cache);
            }
        }
        // The provider is asked without holding the lock: other keys stay answerable.
        let answer = ask();
        let mut state = self.state();
        match answer {
            Ok(Some(secret)) => {
                self.store(&mut state, entry_key, &secret, now());
                (Ok(Some(secret)), KeySource::Provider)
            }
            Err(KeyError::Unavailable(reason)) => {
                let within_stale = state.entries.get(&entry_key).is_some_and(|e| {
                    now() < e.answered_at + self.policy.ttl + self.policy.serve_stale_for
                });
                if within_stale && let Some(secret) = state.answer(&entry_key, self.policy.max_uses)
                {
                    return (Ok(Some(secret)), KeySource::CacheStale);
                }
                state.remove(&entry_key);
                (Err(KeyError::Unavailable(reason)), KeySource::Provider)
            }
            // An answer (access denied, no such key, no credentials) ends the entry.
            other => {
                state.remove(&entry_key);
                (other, KeySource::Provider)
            }
        }
    }

    fn store(&self, state: &mut State, entry_key: EntryKey, secret: &[u8], now: Instant) {
        if state.closed {
            return;
        }
        state.remove(&entry_key);
        if state.slots.is_full() {
            let oldest = state
                .entries
                .iter()
                .min_by_key(|(_, e)| e.answered_at)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                state.remove(&oldest);
            }
        }
        if let Some(slot) = state.slots.store(secret) {
            state.entries.insert(
                entry_key,
                Entry {
                    slot,
                    answered_at: now,
                    uses: 0,
                },
            );
            self.changed.notify_all();
        }
    }

    /// Zeroes and drops every entry whose time to live and stale window have both passed;
    /// returns when the next one will.
    fn sweep(&self, state: &mut State, now: Instant) -> Option<Instant> {
        let keep_for = self.policy.ttl + self.policy.serve_stale_for;
        let expired: Vec<EntryKey> = state
            .entries
            .iter()
            .filter(|(_, e)| now >= e.answered_at + keep_for)
            .map(|(k, _)| k.clone())
            .collect();
        for key in &expired {
            state.remove(key);
        }
        state
            .entries
            .values()
            .map(|e| e.answered_at + keep_for)
            .min()
    }

    /// Starts the thread that zeroes entries as they expire, until [`KeyCache::clear`].
    pub fn start_sweeper(self: &Arc<Self>) -> std::thread::JoinHandle<()> {
        let cache = Arc::clone(self);
        std::thread::Builder::new()
            .name("key-cache-sweeper".into())
            .spawn(move || {
                let mut state = cache.state();
                while !state.closed {
                    let next = cache.sweep(&mut state, Instant::now());
                    // Woken early by a new entry or by clear(); a minute is only a bound.
                    let wait = next
                        .map(|at| at.saturating_duration_since(Instant::now()))
                        .unwrap_or(Duration::from_secs(60));
                    state = cache
                        .changed
                        .wait_timeout(state, wait)
                        .map(|(guard, _)| guard)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
            })
            .expect("the sweeper thread starts")
    }

    /// Zeroes every entry and stops caching (for exit and signals); returns how many keys
    /// were cached.
    pub fn clear(&self) -> usize {
        let mut state = self.state();
        let cached = state.entries.len();
        state.entries.clear();
        state.slots.clear();
        state.closed = true;
        self.changed.notify_all();
        cached
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::keys::AgeKey;

    const RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    fn policy(ttl: u64, max_uses: Option<u64>, stale: u64) -> CachePolicy {
        CachePolicy {
            ttl: Duration::from_secs(ttl),
            max_uses,
            serve_stale_for: Duration::from_secs(stale),
        }
    }

    /// A provider that counts its calls and answers what it is told to.
    struct Provider {
        calls: Cell<u32>,
    }

    impl Provider {
        fn new() -> Provider {
            Provider {
                calls: Cell::new(0),
            }
        }

        fn answer(&self, answer: Unwrapped) -> impl FnOnce() -> Unwrapped + '_ {
            move || {
                self.calls.set(self.calls.get() + 1);
                answer
            }
        }
    }

    fn key() -> AgeKey {
        AgeKey::new(RECIPIENT).unwrap()
    }

    fn data_key() -> Unwrapped {
        Ok(Some(Zeroizing::new(vec![42; 32])))
    }

    fn outage() -> Unwrapped {
        Err(KeyError::Unavailable("connection refused".into()))
    }

    fn source(
        cache: &KeyCache,
        at: Instant,
        provider: &Provider,
        answer: Unwrapped,
    ) -> (bool, KeySource) {
        let (result, source) = cache.unwrap_at(|| at, &key(), "ENC", provider.answer(answer));
        (matches!(result, Ok(Some(ref k)) if **k == [42; 32]), source)
    }

    #[test]
    fn within_the_ttl_the_provider_is_not_asked() {
        let cache = KeyCache::new(policy(10, None, 0));
        let provider = Provider::new();
        let t0 = Instant::now();
        assert_eq!(
            source(&cache, t0, &provider, data_key()),
            (true, KeySource::Provider)
        );
        for s in 1..10 {
            let at = t0 + Duration::from_secs(s);
            assert_eq!(
                source(&cache, at, &provider, data_key()),
                (true, KeySource::Cache)
            );
        }
        assert_eq!(provider.calls.get(), 1);
        let expired = t0 + Duration::from_secs(10);
        assert_eq!(
            source(&cache, expired, &provider, data_key()),
            (true, KeySource::Provider)
        );
        assert_eq!(provider.calls.get(), 2);
    }

    #[test]
    fn another_wrapped_key_or_master_key_is_another_entry() {
        let cache = KeyCache::new(policy(10, None, 0));
        let provider = Provider::new();
        let now = Instant::now();
        let _ = cache.unwrap_at(|| now, &key(), "ENC", provider.answer(data_key()));
        let _ = cache.unwrap_at(|| now, &key(), "ENC2", provider.answer(data_key()));
        let other =
            AgeKey::new(&age::x25519::Identity::generate().to_public().to_string()).unwrap();
        let _ = cache.unwrap_at(|| now, &other, "ENC", provider.answer(data_key()));
        assert_eq!(provider.calls.get(), 3);
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn after_max_uses_the_entry_is_dropped() {
        let cache = KeyCache::new(policy(60, Some(2), 0));
        let provider = Provider::new();
        let now = Instant::now();
        let sources: Vec<KeySource> = (0..6)
            .map(|_| source(&cache, now, &provider, data_key()).1)
            .collect();
        use KeySource::{Cache, Provider as Asked};
        assert_eq!(sources, [Asked, Cache, Cache, Asked, Cache, Cache]);
        assert_eq!(provider.calls.get(), 2);
        assert!(cache.is_empty(), "the second use dropped the entry");
    }

    #[test]
    fn an_outage_is_bridged_for_the_stale_window_only() {
        let cache = KeyCache::new(policy(10, None, 5));
        let provider = Provider::new();
        let t0 = Instant::now();
        source(&cache, t0, &provider, data_key());
        let in_window = t0 + Duration::from_secs(12);
        assert_eq!(
            source(&cache, in_window, &provider, outage()),
            (true, KeySource::CacheStale)
        );
        let past = t0 + Duration::from_secs(15);
        assert_eq!(
            source(&cache, past, &provider, outage()),
            (false, KeySource::Provider)
        );
        assert!(cache.is_empty());
    }

    #[test]
    fn an_access_denied_answer_is_never_served_from_the_cache() {
        let cache = KeyCache::new(policy(10, None, 3600));
        let provider = Provider::new();
        let t0 = Instant::now();
        source(&cache, t0, &provider, data_key());
        let denied = Err(KeyError::Failed("HTTP 403: permission denied".into()));
        let expired = t0 + Duration::from_secs(11);
        assert_eq!(
            source(&cache, expired, &provider, denied),
            (false, KeySource::Provider)
        );
        assert!(cache.is_empty(), "the denial dropped the entry");
        assert_eq!(
            source(&cache, expired, &provider, outage()),
            (false, KeySource::Provider),
            "nothing left to serve stale"
        );
    }

    #[test]
    fn without_a_stale_window_an_outage_is_an_error() {
        let cache = KeyCache::new(policy(10, None, 0));
        let provider = Provider::new();
        let t0 = Instant::now();
        source(&cache, t0, &provider, data_key());
        let (result, source) = cache.unwrap_at(
            || t0 + Duration::from_secs(10),
            &key(),
            "ENC",
            provider.answer(outage()),
        );
        assert!(matches!(result, Err(KeyError::Unavailable(_))));
        assert_eq!(source, KeySource::Provider);
    }

    #[test]
    fn sweeping_and_clearing_zero_the_slots() {
        let cache = KeyCache::new(policy(10, None, 5));
        let provider = Provider::new();
        let t0 = Instant::now();
        source(&cache, t0, &provider, data_key());
        let mut state = cache.state();
        assert_eq!(
            cache.sweep(&mut state, t0 + Duration::from_secs(14)),
            Some(t0 + Duration::from_secs(15))
        );
        assert_eq!(cache.sweep(&mut state, t0 + Duration::from_secs(15)), None);
        assert!(state.entries.is_empty());
        assert!(state.slots.is_clear());
        drop(state);
        source(&cache, t0, &provider, data_key());
        assert_eq!(cache.clear(), 1);
        assert!(cache.state().slots.is_clear());
        source(&cache, t0, &provider, data_key());
        assert!(cache.is_empty(), "a cleared cache stores nothing more");
    }

    #[test]
    fn an_endless_ttl_does_not_overflow() {
        let cache = KeyCache::new(CachePolicy {
            ttl: Duration::MAX,
            max_uses: None,
            serve_stale_for: Duration::MAX,
        });
        let provider = Provider::new();
        let now = Instant::now();
        source(&cache, now, &provider, data_key());
        assert_eq!(
            source(&cache, now, &provider, data_key()).1,
            KeySource::Cache
        );
        let mut state = cache.state();
        assert!(cache.sweep(&mut state, now).is_some());
    }

    #[test]
    fn a_full_cache_drops_its_oldest_entry() {
        let cache = KeyCache::new(policy(60, None, 0));
        let provider = Provider::new();
        let t0 = Instant::now();
        for i in 0..=super::super::locked::SLOTS {
            let at = t0 + Duration::from_millis(i as u64);
            let _ = cache.unwrap_at(
                || at,
                &key(),
                &format!("ENC{i}"),
                provider.answer(data_key()),
            );
        }
        assert_eq!(cache.len(), super::super::locked::SLOTS);
        let (_, first) = cache.unwrap_at(|| t0, &key(), "ENC0", provider.answer(data_key()));
        assert_eq!(first, KeySource::Provider);
    }
}

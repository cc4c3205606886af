//! What one run remembers about keys across the files it opens: the data keys (or shares) it
//! already unwrapped, so that each distinct wrapped key costs one provider call per run; the
//! providers that timed out, so that a dead provider costs its timeout once per run; and the
//! offline switch, which leaves every network provider (all but age and PGP) alone.
//!
//! Every attempt still goes through [`super::attempt`]; this module decides whether an attempt
//! is made at all.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use super::attempt::{self, Unwrapped};
use super::{KeyContext, KeyError, KeyEvent, KeyKind, KeySource, MasterKey};

/// The settings of a run's key attempts (from the command line and the environment).
#[derive(Clone, Debug, Default)]
pub struct AttemptSettings {
    /// Skip network providers: only age and PGP keys are used.
    pub offline: bool,
    /// The whole-request timeout the network providers apply (also given to them through
    /// `SOPS_RS_HTTP_TIMEOUT_SECONDS`); an attempt that failed after at least this long marks
    /// its provider dead for the rest of the run. `None`: the providers' default (30 s).
    pub provider_timeout: Option<Duration>,
}

/// The default whole-request timeout of the network providers.
const DEFAULT_PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);

/// A wrapped key as the memo knows it: kind, key id (with its options: the AWS role, context
/// and profile are part of the id) and the wrapped value.
type MemoKey = (&'static str, String, String);

/// One memo entry; its lock is held while the provider is asked, so files that share a
/// wrapped key wait for the first one's answer instead of asking again.
type MemoEntry = Arc<Mutex<Option<Zeroizing<Vec<u8>>>>>;

/// How a provider has behaved in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Health {
    /// An attempt is under way and nobody knows yet; others wait for it.
    Probing,
    /// It answered (success or a plain failure).
    Answering,
    /// It timed out: skipped for the rest of the run.
    Dead,
}

/// The run-wide memory; [`KeyContext`] holds one.
#[derive(Default)]
pub struct RunState {
    memo: Mutex<HashMap<MemoKey, MemoEntry>>,
    health: Mutex<HashMap<String, Health>>,
    health_changed: Condvar,
}

impl RunState {
    fn memo_entry(&self, key: MemoKey) -> MemoEntry {
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(memo.entry(key).or_default())
    }

    /// Waits while another attempt probes `provider`; returns its state, claiming the probe
    /// when the provider is unknown.
    fn enter(&self, provider: &str) -> Option<Health> {
        let mut health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match health.get(provider).copied() {
                Some(Health::Probing) => {
                    health = self
                        .health_changed
                        .wait(health)
                        .unwrap_or_else(|e| e.into_inner());
                }
                None => {
                    health.insert(provider.to_string(), Health::Probing);
                    return None;
                }
                known => return known,
            }
        }
    }

    fn settle(&self, provider: &str, state: Health) {
        let mut health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        let entry = health
            .entry(provider.to_string())
            .or_insert(Health::Probing);
        if *entry != Health::Dead {
            *entry = state;
        }
        self.health_changed.notify_all();
    }
}

/// Whether keys of `kind` are used without the network.
pub fn is_local(kind: KeyKind) -> bool {
    matches!(kind.tag(), "age" | "pgp")
}

/// The provider a network key talks to, for the "dead provider" memory: the scheme and host of
/// a URL id (Vault, Azure Key Vault), the region of an ARN (AWS KMS, whose endpoint is the same
/// for every key of a run), else the kind as a whole (GCP KMS, Huawei Cloud KMS).
fn provider_of(kind: KeyKind, id: &str) -> String {
    if let Some((scheme, rest)) = id.split_once("://") {
        let host = rest.split('/').next().unwrap_or(rest);
        return format!("{}:{scheme}://{host}", kind.tag());
    }
    if let Some(rest) = id.strip_prefix("arn:") {
        let region = rest.split(':').nth(2).unwrap_or("");
        return format!("{}:{region}", kind.tag());
    }
    kind.tag().to_string()
}

/// Why a key was not asked, or `None` when it may be.
fn skip_reason(kind: KeyKind, ctx: &KeyContext) -> Option<&'static str> {
    (ctx.attempts.offline && !is_local(kind))
        .then_some("skipped: offline (--offline / SOPS_RS_OFFLINE), network keys are not used")
}

const DEAD: &str = "skipped: its provider timed out earlier in this run";

/// Runs `call` (one attempt on a network provider) under the run's provider memory: skipped
/// when the provider is dead, the first attempt on an unknown provider probing it while the
/// others wait.
fn guarded<T>(
    key: &dyn MasterKey,
    ctx: &KeyContext,
    call: impl FnOnce() -> (Result<T, KeyError>, KeyEvent),
) -> (Result<T, KeyError>, Option<KeyEvent>) {
    if let Some(reason) = skip_reason(key.kind(), ctx) {
        return (Err(KeyError::Failed(reason.to_string())), None);
    }
    if is_local(key.kind()) {
        let (result, event) = call();
        return (result, Some(event));
    }
    let provider = provider_of(key.kind(), &key.id());
    if ctx.run.enter(&provider) == Some(Health::Dead) {
        return (Err(KeyError::Failed(DEAD.to_string())), None);
    }
    // Settled when dropped, so that a panicking call still wakes the files waiting on its probe.
    let mut probe = Probe {
        run: &ctx.run,
        provider,
        health: Health::Answering,
    };
    let (result, event) = call();
    let timeout = ctx
        .attempts
        .provider_timeout
        .unwrap_or(DEFAULT_PROVIDER_TIMEOUT);
    if event.result == "failure" && event.duration >= timeout.mul_f64(0.9) {
        probe.health = Health::Dead;
    }
    (result, Some(event))
}

/// One attempt on a network provider; what it showed of the provider is recorded when it ends.
struct Probe<'a> {
    run: &'a RunState,
    provider: String,
    health: Health,
}

impl Drop for Probe<'_> {
    fn drop(&mut self) {
        self.run.settle(&self.provider, self.health);
    }
}

/// Unwraps `enc` with `key` at most once per run: a wrapped key unwrapped before (by any file)
/// is answered from the memo with a [`KeySource::Memo`] event; otherwise the provider is asked
/// (unless offline or dead). `None` for the event: no attempt was made.
pub(crate) fn unwrap(
    key: &dyn MasterKey,
    enc: &str,
    ctx: &KeyContext,
) -> (Unwrapped, Option<KeyEvent>) {
    if let Some(reason) = skip_reason(key.kind(), ctx) {
        return (Err(KeyError::Failed(reason.to_string())), None);
    }
    let entry = ctx
        .run
        .memo_entry((key.kind().tag(), key.id(), enc.to_string()));
    let mut slot = entry.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(secret) = slot.as_ref() {
        let event = KeyEvent {
            operation: "unwrap",
            kind: key.kind(),
            id: key.id(),
            result: "success",
            error: None,
            request_id: None,
            duration: Duration::ZERO,
            source: KeySource::Memo,
            key_service: None,
        };
        return (Ok(Some(secret.clone())), Some(event));
    }
    let (result, event) = guarded(key, ctx, || attempt::unwrap(key, enc, ctx));
    if let Ok(Some(secret)) = &result {
        *slot = Some(secret.clone());
    }
    (result, event)
}

/// Wraps `secret` with `key` (never memoized: every file has its own data key), unless offline
/// or the provider is dead.
pub(crate) fn wrap(
    key: &dyn MasterKey,
    secret: &[u8],
    ctx: &KeyContext,
) -> (Result<String, KeyError>, Option<KeyEvent>) {
    guarded(key, ctx, || attempt::wrap(key, secret, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_told_apart_by_host_or_region() {
        let kind = KeyKind::from_tag("hc_vault").expect("vault kind");
        assert_eq!(
            provider_of(kind, "http://127.0.0.1:8200/v1/transit/keys/a"),
            provider_of(kind, "http://127.0.0.1:8200/v1/transit/keys/b")
        );
        assert_ne!(
            provider_of(kind, "http://127.0.0.1:8200/v1/transit/keys/a"),
            provider_of(kind, "http://127.0.0.1:8300/v1/transit/keys/a")
        );
        let kms = KeyKind::from_tag("kms").expect("kms kind");
        assert_eq!(
            provider_of(kms, "arn:aws:kms:eu-west-1:123:key/a"),
            "kms:eu-west-1"
        );
    }

    #[test]
    fn a_probe_that_panics_still_wakes_the_waiting_files() {
        let run = RunState::default();
        assert_eq!(run.enter("kms:eu-west-1"), None, "the first attempt probes");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _probe = Probe {
                run: &run,
                provider: "kms:eu-west-1".to_string(),
                health: Health::Answering,
            };
            panic!("the provider's client panicked");
        }));
        assert!(outcome.is_err());
        // Still `Probing` here would leave every other file waiting for ever.
        let health = run.health.lock().unwrap().get("kms:eu-west-1").copied();
        assert_eq!(health, Some(Health::Answering));
    }

    #[test]
    fn a_dead_provider_stays_dead() {
        let state = RunState::default();
        assert_eq!(state.enter("p"), None);
        state.settle("p", Health::Dead);
        state.settle("p", Health::Answering);
        assert_eq!(state.enter("p"), Some(Health::Dead));
    }
}

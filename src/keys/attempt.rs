//! One wrap or one unwrap of a data key (or share) by one master key: the call, how long it
//! took and the [`KeyEvent`] that describes it. Every wrap and unwrap in the crate goes through
//! here, so where a key is asked (directly or through a key service) and what is recorded about
//! it is decided in one place.
//!
//! The order is sops's: this process first, unless `--enable-local-keyservice=false` turned it
//! off, then each `--keyservice` in the order given; the first answer wins. One event describes
//! the whole attempt: its `key_service` names the remote service that answered (or, when all
//! failed, the last one asked), and a failure lists every place asked.

use std::time::Instant;

use zeroize::Zeroizing;

use super::{KeyContext, KeyError, KeyEvent, KeySource, MasterKey};

/// What an unwrap gives: the secret, `None` when there are no credentials for the key here, or
/// the error.
pub type Unwrapped = Result<Option<Zeroizing<Vec<u8>>>, KeyError>;

/// Asks `key` to unwrap `enc`, locally and then through each key service. The event is
/// returned, not reported, so that callers running several attempts at once can report them in
/// a stable order.
pub(crate) fn unwrap(key: &dyn MasterKey, enc: &str, ctx: &KeyContext) -> (Unwrapped, KeyEvent) {
    let started = Instant::now();
    let mut misses = Misses::default();
    if ctx.key_services.local {
        let result = key.unwrap(enc, ctx);
        match result {
            Ok(Some(_)) => return finish("unwrap", key, result, started, None),
            Ok(None) if ctx.key_services.remote.is_empty() => {
                let (result, mut event) = finish("unwrap", key, result, started, None);
                event.result = "no_credentials";
                return (result, event);
            }
            Err(error) if ctx.key_services.remote.is_empty() => {
                return finish("unwrap", key, Err(error), started, None);
            }
            Ok(None) => misses.push("local", KeyError::NoCredentials("no credentials".into())),
            Err(error) => misses.push("local", error),
        }
    }
    for service in &ctx.key_services.remote {
        match service.unwrap(key, enc) {
            Ok((secret, source)) => {
                let (result, mut event) = finish(
                    "unwrap",
                    key,
                    Ok(Some(secret)),
                    started,
                    Some(service.address()),
                );
                event.source = source;
                return (result, event);
            }
            Err(error) => misses.push(service.address(), error),
        }
    }
    let last = ctx.key_services.remote.last().map(|s| s.address());
    finish("unwrap", key, Err(misses.into_error()), started, last)
}

/// Asks `key` to wrap `secret`, locally and then through each key service; the event is
/// returned as with [`unwrap`].
pub(crate) fn wrap(
    key: &dyn MasterKey,
    secret: &[u8],
    ctx: &KeyContext,
) -> (Result<String, KeyError>, KeyEvent) {
    let started = Instant::now();
    let mut misses = Misses::default();
    if ctx.key_services.local {
        match key.wrap(secret, ctx) {
            Ok(enc) => return finish("wrap", key, Ok(enc), started, None),
            Err(error) if ctx.key_services.remote.is_empty() => {
                return finish("wrap", key, Err(error), started, None);
            }
            Err(error) => misses.push("local", error),
        }
    }
    for service in &ctx.key_services.remote {
        match service.wrap(key, secret) {
            Ok(enc) => return finish("wrap", key, Ok(enc), started, Some(service.address())),
            Err(error) => misses.push(service.address(), error),
        }
    }
    let last = ctx.key_services.remote.last().map(|s| s.address());
    finish("wrap", key, Err(misses.into_error()), started, last)
}

/// The places asked that did not answer, and why.
#[derive(Default)]
struct Misses {
    all_without_credentials: bool,
    reasons: Vec<String>,
}

impl Misses {
    fn push(&mut self, place: &str, error: KeyError) {
        let without_credentials = matches!(error, KeyError::NoCredentials(_));
        self.all_without_credentials =
            without_credentials && (self.reasons.is_empty() || self.all_without_credentials);
        self.reasons.push(format!("{place}: {error}"));
    }

    /// One error naming every place asked; `no_credentials` when none of them had any.
    fn into_error(self) -> KeyError {
        if self.reasons.is_empty() {
            return KeyError::Failed(
                "no key service to ask: the local one is off (--enable-local-keyservice=false) \
                 and no --keyservice is given"
                    .into(),
            );
        }
        let message = self.reasons.join("; ");
        match self.all_without_credentials {
            true => KeyError::NoCredentials(message),
            false => KeyError::Failed(message),
        }
    }
}

fn finish<T>(
    operation: &'static str,
    key: &dyn MasterKey,
    result: Result<T, KeyError>,
    started: Instant,
    key_service: Option<&str>,
) -> (Result<T, KeyError>, KeyEvent) {
    let event = KeyEvent {
        operation,
        kind: key.kind(),
        id: key.id(),
        result: match &result {
            Ok(_) => "success",
            Err(KeyError::NoCredentials(_)) => "no_credentials",
            Err(_) => "failure",
        },
        error: result.as_ref().err().map(ToString::to_string),
        // A remote service's provider request id does not reach this process.
        request_id: match key_service {
            None => key.last_request_id(),
            Some(_) => None,
        },
        duration: started.elapsed(),
        source: KeySource::Provider,
        key_service: key_service.map(str::to_string),
    };
    (result, event)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::keys::{KeyKind, RemoteKeyService};
    use crate::tree::{Map, Timestamp};

    /// A key that answers (or not) locally, and remembers nothing.
    struct LocalKey(Option<&'static [u8]>);

    impl MasterKey for LocalKey {
        fn kind(&self) -> KeyKind {
            KeyKind::Age
        }
        fn id(&self) -> String {
            "age1test".into()
        }
        fn wrap(&self, _: &[u8], _: &KeyContext) -> Result<String, KeyError> {
            match self.0 {
                Some(_) => Ok("local-enc".into()),
                None => Err(KeyError::Failed("local wrap failed".into())),
            }
        }
        fn unwrap(&self, _: &str, _: &KeyContext) -> Unwrapped {
            Ok(self.0.map(|s| Zeroizing::new(s.to_vec())))
        }
        fn entry(&self, _: &str, _: Option<&Timestamp>) -> Map {
            Map::default()
        }
    }

    thread_local! {
        /// Calls to any [`Remote`] on this test's thread.
        static CALLS: Cell<usize> = const { Cell::new(0) };
    }

    /// A remote service that answers with `answer`, or fails.
    struct Remote {
        address: &'static str,
        answer: Option<(&'static [u8], KeySource)>,
    }

    impl RemoteKeyService for Remote {
        fn address(&self) -> &str {
            self.address
        }
        fn wrap(&self, _: &dyn MasterKey, _: &[u8]) -> Result<String, KeyError> {
            CALLS.with(|c| c.set(c.get() + 1));
            match self.answer {
                Some(_) => Ok(format!("enc-from-{}", self.address)),
                None => Err(KeyError::Failed("unreachable".into())),
            }
        }
        fn unwrap(
            &self,
            _: &dyn MasterKey,
            _: &str,
        ) -> Result<(Zeroizing<Vec<u8>>, KeySource), KeyError> {
            CALLS.with(|c| c.set(c.get() + 1));
            match self.answer {
                Some((secret, source)) => Ok((Zeroizing::new(secret.to_vec()), source)),
                None => Err(KeyError::Failed("unreachable".into())),
            }
        }
    }

    fn remote(address: &'static str, answer: Option<(&'static [u8], KeySource)>) -> Remote {
        Remote { address, answer }
    }

    fn context(local: bool, remotes: Vec<Remote>) -> KeyContext {
        let mut ctx = KeyContext::default();
        ctx.key_services.local = local;
        ctx.key_services.remote = remotes
            .into_iter()
            .map(|r| Box::new(r) as Box<dyn RemoteKeyService>)
            .collect();
        ctx
    }

    #[test]
    fn local_answers_first_and_no_service_is_asked() {
        let ctx = context(
            true,
            vec![remote("tcp://a:1", Some((b"remote", KeySource::Cache)))],
        );
        let (result, event) = unwrap(&LocalKey(Some(b"local")), "enc", &ctx);
        assert_eq!(result.unwrap().unwrap().as_slice(), b"local");
        assert_eq!(event.key_service, None);
        assert_eq!(event.source, KeySource::Provider);
        assert_eq!(CALLS.with(|c| c.get()), 0, "no key service was asked");
    }

    #[test]
    fn services_are_asked_in_order_after_the_local_key() {
        let ctx = context(
            true,
            vec![
                remote("tcp://down:1", None),
                remote("unix:///up.sock", Some((b"remote", KeySource::CacheStale))),
                remote("tcp://never:3", Some((b"other", KeySource::Provider))),
            ],
        );
        let (result, event) = unwrap(&LocalKey(None), "enc", &ctx);
        assert_eq!(result.unwrap().unwrap().as_slice(), b"remote");
        assert_eq!(event.result, "success");
        assert_eq!(event.key_service.as_deref(), Some("unix:///up.sock"));
        assert_eq!(event.source, KeySource::CacheStale);
        assert_eq!(
            CALLS.with(|c| c.get()),
            2,
            "the third service was not asked"
        );
    }

    #[test]
    fn without_the_local_service_only_remotes_are_asked() {
        let ctx = context(
            false,
            vec![remote("tcp://a:1", Some((b"remote", KeySource::Provider)))],
        );
        let (result, event) = unwrap(&LocalKey(Some(b"local")), "enc", &ctx);
        assert_eq!(result.unwrap().unwrap().as_slice(), b"remote");
        assert_eq!(event.key_service.as_deref(), Some("tcp://a:1"));
        let (wrapped, event) = wrap(&LocalKey(Some(b"local")), b"k", &ctx);
        assert_eq!(wrapped.unwrap(), "enc-from-tcp://a:1");
        assert_eq!(event.key_service.as_deref(), Some("tcp://a:1"));
    }

    #[test]
    fn a_failure_names_every_place_asked() {
        let ctx = context(
            true,
            vec![remote("tcp://a:1", None), remote("tcp://b:2", None)],
        );
        let (result, event) = unwrap(&LocalKey(None), "enc", &ctx);
        let message = result.unwrap_err().to_string();
        assert_eq!(
            message,
            "local: no credentials; tcp://a:1: unreachable; tcp://b:2: unreachable"
        );
        assert_eq!(event.result, "failure");
        assert_eq!(event.key_service.as_deref(), Some("tcp://b:2"));
        let (wrapped, _) = wrap(&LocalKey(None), b"k", &ctx);
        assert!(
            wrapped
                .unwrap_err()
                .to_string()
                .starts_with("local: local wrap failed; ")
        );
    }

    #[test]
    fn nowhere_to_ask_is_an_error() {
        let ctx = context(false, Vec::new());
        let (result, event) = unwrap(&LocalKey(Some(b"local")), "enc", &ctx);
        assert!(
            result
                .unwrap_err()
                .to_string()
                .contains("no key service to ask")
        );
        assert_eq!(event.result, "failure");
    }

    #[test]
    fn local_only_keeps_no_credentials_as_none() {
        let ctx = context(true, Vec::new());
        let (result, event) = unwrap(&LocalKey(None), "enc", &ctx);
        assert!(result.unwrap().is_none());
        assert_eq!(event.result, "no_credentials");
    }
}

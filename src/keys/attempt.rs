//! One wrap or one unwrap of a data key (or share) by one master key: the call, how long it
//! took and the [`KeyEvent`] that describes it. Every wrap and unwrap in the crate goes through
//! here, so where a key is asked (directly or through a key service) and what is recorded about
//! it is decided in one place.

use std::time::Instant;

use zeroize::Zeroizing;

use super::{KeyContext, KeyError, KeyEvent, KeySource, MasterKey};

/// What an unwrap gives: the secret, `None` when there are no credentials for the key here, or
/// the error.
pub(crate) type Unwrapped = Result<Option<Zeroizing<Vec<u8>>>, KeyError>;

/// Asks `key` to unwrap `enc`. The event is returned, not reported, so that callers running
/// several attempts at once can report them in a stable order.
pub(crate) fn unwrap(key: &dyn MasterKey, enc: &str, ctx: &KeyContext) -> (Unwrapped, KeyEvent) {
    let started = Instant::now();
    let result = key.unwrap(enc, ctx);
    let mut event = event("unwrap", key, &result, started);
    if matches!(result, Ok(None)) {
        event.result = "no_credentials";
    }
    (result, event)
}

/// Asks `key` to wrap `secret`; the event is returned as with [`unwrap`].
pub(crate) fn wrap(
    key: &dyn MasterKey,
    secret: &[u8],
    ctx: &KeyContext,
) -> (Result<String, KeyError>, KeyEvent) {
    let started = Instant::now();
    let result = key.wrap(secret, ctx);
    let event = event("wrap", key, &result, started);
    (result, event)
}

fn event<T>(
    operation: &'static str,
    key: &dyn MasterKey,
    result: &Result<T, KeyError>,
    started: Instant,
) -> KeyEvent {
    KeyEvent {
        operation,
        kind: key.kind(),
        id: key.id(),
        result: match result {
            Ok(_) => "success",
            Err(KeyError::NoCredentials(_)) => "no_credentials",
            Err(_) => "failure",
        },
        error: result.as_ref().err().map(ToString::to_string),
        request_id: key.last_request_id(),
        duration: started.elapsed(),
        source: KeySource::Provider,
        key_service: None,
    }
}

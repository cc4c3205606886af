//! The cache in front of the key service's Decrypt handler: an [`Unwrapper`] that answers from
//! the [`KeyCache`] when it may and asks the provider otherwise; and the wrapper that writes
//! each request served to the agent's [`RequestLog`].

use std::sync::Arc;
use std::time::Instant;

use super::cache::KeyCache;
use super::request_log::{RequestLog, Served};
use crate::keys::{KeyContext, KeySource, MasterKey, Unwrapped, attempt};
use crate::keyservice::{Peer, Unwrapper};

/// The caching unwrapper.
pub struct CachingUnwrapper {
    cache: Arc<KeyCache>,
    ctx: Arc<KeyContext>,
}

impl CachingUnwrapper {
    /// Unwraps through `cache`, asking providers with the credentials in `ctx` (whose hook
    /// hears each provider call).
    pub fn new(cache: Arc<KeyCache>, ctx: Arc<KeyContext>) -> CachingUnwrapper {
        CachingUnwrapper { cache, ctx }
    }
}

impl Unwrapper for CachingUnwrapper {
    fn unwrap(&self, key: &dyn MasterKey, enc: &str, _peer: &Peer) -> (Unwrapped, KeySource) {
        self.cache.unwrap(key, enc, || {
            let (result, event) = attempt::unwrap(key, enc, &self.ctx);
            self.ctx.report(event);
            result
        })
    }
}

/// Writes each request another unwrapper served to the agent's log.
pub struct LoggingUnwrapper<U: ?Sized> {
    inner: Arc<U>,
    log: Arc<RequestLog>,
}

impl<U: Unwrapper + ?Sized> LoggingUnwrapper<U> {
    /// Logs each request `inner` serves to `log`.
    pub fn new(inner: Arc<U>, log: Arc<RequestLog>) -> LoggingUnwrapper<U> {
        LoggingUnwrapper { inner, log }
    }
}

impl<U: Unwrapper + ?Sized> Unwrapper for LoggingUnwrapper<U> {
    fn unwrap(&self, key: &dyn MasterKey, enc: &str, peer: &Peer) -> (Unwrapped, KeySource) {
        let started = Instant::now();
        let (result, source) = self.inner.unwrap(key, enc, peer);
        self.log.record(&Served {
            operation: "decrypt",
            kind: key.kind(),
            key_id: &key.id(),
            result: result_tag(&result),
            source,
            duration: started.elapsed(),
            peer,
        });
        (result, source)
    }
}

fn result_tag(result: &Unwrapped) -> &'static str {
    match result {
        Ok(Some(_)) => "success",
        Ok(None) | Err(crate::keys::KeyError::NoCredentials(_)) => "no_credentials",
        Err(_) => "failure",
    }
}

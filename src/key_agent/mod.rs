//! The caching key agent behind `sops-rs keyservice --cache-ttl`: the cache of unwrapped data
//! keys and its policy ([`cache`]), the locked memory that holds them ([`locked`]), the process
//! hardening that keeps them out of core dumps ([`hygiene`]), the agent's request log
//! ([`request_log`]) and the duration syntax of its flags ([`duration`]). The gRPC server that
//! puts the cache in front of its Decrypt handler lives in `keyservice`.

pub mod cache;
pub mod duration;
pub mod hygiene;
pub mod locked;
pub mod request_log;

pub use cache::{CachePolicy, KeyCache};
pub use duration::parse_duration;
pub mod unwrapper;

use std::sync::Arc;

use crate::audit::sinks::Auditor;
use crate::keys::KeyContext;
use crate::keyservice::{DirectUnwrapper, Unwrapper};

pub use request_log::RequestLog;
pub use unwrapper::{CachingUnwrapper, LoggingUnwrapper};

/// What makes a key service an agent: a cache, a request log, or both.
#[derive(Default)]
pub struct AgentOptions {
    /// The cache's policy; `None`: no cache, every unwrap asks the provider.
    pub cache: Option<CachePolicy>,
    /// Where the request records go (the audit trail's sinks); `None`: no records.
    pub request_log: Option<Auditor>,
}

/// A started agent: what the server unwraps through, and the cache to clear when it stops.
pub struct Agent {
    /// The unwrapper to give the server.
    pub unwrapper: Arc<dyn Unwrapper>,
    cache: Option<Arc<KeyCache>>,
    sweeper: Option<std::thread::JoinHandle<()>>,
    log: Option<Arc<RequestLog>>,
}

impl Agent {
    /// Sets up the unwrapper for a server listening on `listen`, asking providers with `ctx`.
    /// With a cache, the process is hardened first (no core dumps, not dumpable) and the
    /// cache's memory locked; each step the OS refuses is one line to `warn`.
    pub fn start(
        options: AgentOptions,
        ctx: Arc<KeyContext>,
        listen: &str,
        warn: &dyn Fn(&str),
    ) -> Agent {
        let (inner, cache, sweeper): (Arc<dyn Unwrapper>, _, _) = match options.cache {
            Some(policy) => {
                for warning in hygiene::keep_keys_out_of_dumps() {
                    warn(&warning);
                }
                let cache = Arc::new(KeyCache::new(policy));
                if let locked::LockState::Refused(why) = cache.lock_state() {
                    warn(&format!(
                        "cannot lock the key cache's memory against swapping ({why}; raise \
                         RLIMIT_MEMLOCK, e.g. LimitMEMLOCK= in a systemd unit); going on unlocked"
                    ));
                }
                let sweeper = cache.start_sweeper();
                let unwrapper = CachingUnwrapper::new(Arc::clone(&cache), ctx);
                (Arc::new(unwrapper), Some(cache), Some(sweeper))
            }
            None => (Arc::new(DirectUnwrapper::new(ctx)), None, None),
        };
        let log = options
            .request_log
            .map(|auditor| Arc::new(RequestLog::new(auditor, listen)));
        let unwrapper = match &log {
            Some(log) => {
                Arc::new(LoggingUnwrapper::new(inner, Arc::clone(log))) as Arc<dyn Unwrapper>
            }
            None => inner,
        };
        Agent {
            unwrapper,
            cache,
            sweeper,
            log,
        }
    }

    /// Zeroes the cache, stops its sweeper and stores the last request records; returns how
    /// many keys were cached.
    pub fn stop(self) -> usize {
        if let Some(log) = &self.log {
            log.close();
        }
        let cleared = self.cache.as_ref().map_or(0, |cache| cache.clear());
        if let Some(sweeper) = self.sweeper {
            let _ = sweeper.join();
        }
        cleared
    }
}

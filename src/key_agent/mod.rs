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

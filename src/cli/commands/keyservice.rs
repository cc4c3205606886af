//! `sops-rs keyservice`: serve sops's key service with this process's credentials. The flags
//! are sops's (`--network/--net`, `--address/--addr`, `--prompt`, `--verbose`) plus who may
//! connect (`--allow-uid`, `--allow-remote`); the serving is `sops_rs::keyservice`'s. With
//! `--cache-ttl` it is a caching key agent; the audit trail gets one record per request served
//! (`sops_rs::key_agent`).

use std::time::Duration;

use clap::Args;
use sops_rs::audit::{AUDIT_UNAVAILABLE_EXIT, RunContext};
use sops_rs::key_agent::{Agent, AgentOptions, CachePolicy, parse_duration};
use sops_rs::keyservice::{ListenOptions, Listener, ServeOptions, server};

use crate::cli::exit::{CliError, code};
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct KeyserviceArgs {
    /// unix (the default) or tcp (sops's default; also tcp4, tcp6).
    #[arg(long, visible_alias = "net", value_name = "NETWORK")]
    pub network: Option<String>,
    /// The socket path, or host:port for tcp [default: $XDG_RUNTIME_DIR/sops-rs/keyservice.sock
    /// (else /tmp/sops-rs-UID/), or 127.0.0.1:5000 for tcp].
    #[arg(long, visible_alias = "addr", value_name = "ADDRESS")]
    pub address: Option<String>,
    /// Ask on the terminal before answering each request.
    #[arg(long)]
    pub prompt: bool,
    /// Another uid that may use the unix socket (repeatable; this user's uid always may).
    #[arg(long = "allow-uid", value_name = "UID")]
    pub allow_uid: Vec<u32>,
    /// Allow tcp on an address other hosts can reach (the protocol has no authentication).
    #[arg(long)]
    pub allow_remote: bool,
    /// Be a caching key agent: answer a repeated unwrap from memory for this long after the
    /// provider answered (30s, 5m, 1h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub cache_ttl: Option<Duration>,
    /// With --cache-ttl: a cached key answers at most N times, then the provider is asked
    /// again.
    #[arg(long, value_name = "N", requires = "cache_ttl", value_parser = clap::value_parser!(u64).range(1..))]
    pub cache_max_uses: Option<u64>,
    /// With --cache-ttl: while the provider is unreachable (no connection, timeout, 5xx), a
    /// cached key may answer this long past its TTL (never after a refusal).
    #[arg(long, value_name = "DURATION", requires = "cache_ttl", value_parser = parse_duration)]
    pub serve_stale_for: Option<Duration>,
}

pub fn run(args: &KeyserviceArgs, session: &Session) -> Result<(), CliError> {
    let keys = session.shared_keys()?;
    let options = ListenOptions {
        network: args.network.clone(),
        address: args.address.clone(),
        allow_uids: args.allow_uid.clone(),
        allow_remote: args.allow_remote,
        runtime_dir: std::env::var_os("XDG_RUNTIME_DIR").map(Into::into),
    };
    let failed = |message: String| CliError::new(code::GENERIC, message);
    let listener =
        Listener::bind(&options, &|warning| eprintln!("warning: {warning}")).map_err(failed)?;
    // The audit trail (--audit-log, SOPS_RS_AUDIT_*) also gets one record per request served.
    let request_log = session
        .audit_settings()?
        .auditor(RunContext::new(std::env::vars().collect()))
        .map_err(|e| CliError::new(AUDIT_UNAVAILABLE_EXIT, e.0))?;
    let caching = args.cache_ttl.is_some();
    let agent_options = AgentOptions {
        cache: args.cache_ttl.map(|ttl| CachePolicy {
            ttl,
            max_uses: args.cache_max_uses,
            serve_stale_for: args.serve_stale_for.unwrap_or_default(),
        }),
        request_log,
    };
    let agent = Agent::start(
        agent_options,
        keys.clone(),
        &listener.address(),
        &|warning| eprintln!("warning: {warning}"),
    );
    let serve = ServeOptions {
        prompt: args.prompt,
        verbose: session.args.verbose,
    };
    let served = server::serve(listener, keys, agent.unwrapper.clone(), serve, |address| {
        eprintln!("sops-rs keyservice: listening on {address}");
    });
    let zeroed = agent.stop();
    if caching {
        let keys = if zeroed == 1 { "key" } else { "keys" };
        eprintln!("sops-rs keyservice: stopped; zeroed {zeroed} cached {keys}");
    }
    served.map_err(failed)
}

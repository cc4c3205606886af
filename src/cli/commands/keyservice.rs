//! `sops-rs keyservice`: serve sops's key service with this process's credentials. The flags
//! are sops's (`--network/--net`, `--address/--addr`, `--prompt`, `--verbose`) plus who may
//! connect (`--allow-uid`, `--allow-remote`); the serving is `sops_rs::keyservice`'s.

use std::sync::Arc;

use clap::Args;
use sops_rs::keyservice::{DirectUnwrapper, ListenOptions, Listener, ServeOptions, server};

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
    let unwrapper = Arc::new(DirectUnwrapper::new(keys.clone()));
    let serve = ServeOptions {
        prompt: args.prompt,
        verbose: session.args.verbose,
    };
    server::serve(listener, keys, unwrapper, serve, |address| {
        eprintln!("sops-rs keyservice: listening on {address}");
    })
    .map_err(failed)
}

//! `--keyservice` / `SOPS_KEYSERVICE` and `--enable-local-keyservice` /
//! `SOPS_ENABLE_LOCAL_KEYSERVICE`, resolved into where the session's wraps and unwraps are
//! asked (local first when enabled, then each service in the order given, as sops does).

use std::time::Duration;

use sops_rs::keys::KeyServices;

use super::args::CommonArgs;
use super::exit::{CliError, code};

/// The key services the flags name; each call to one ends after `call_timeout` (the provider
/// timeout, when one is set) or the client's default.
pub fn resolve(args: &CommonArgs, call_timeout: Option<Duration>) -> Result<KeyServices, CliError> {
    let local = match args.enable_local_keyservice.as_deref() {
        None => true,
        Some(value) => go_bool(value).ok_or_else(|| {
            CliError::new(
                code::GENERIC,
                format!("invalid value {value:?} for --enable-local-keyservice: use true or false"),
            )
        })?,
    };
    // SOPS_KEYSERVICE holds several URIs separated by commas (urfave/cli's reading); a URI
    // never contains one, so a flag's value is split the same way.
    let uris: Vec<&str> = args
        .keyservice
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|uri| !uri.is_empty())
        .collect();
    Ok(KeyServices {
        local,
        remote: remote(&uris, call_timeout)?,
    })
}

#[cfg(all(feature = "keyservice", unix))]
fn remote(
    uris: &[&str],
    call_timeout: Option<Duration>,
) -> Result<Vec<Box<dyn sops_rs::keys::RemoteKeyService>>, CliError> {
    let call_timeout = call_timeout.unwrap_or(sops_rs::keyservice::client::DEFAULT_CALL_TIMEOUT);
    uris.iter()
        .map(|uri| {
            sops_rs::keyservice::Client::new(uri, call_timeout)
                .map(|client| Box::new(client) as Box<dyn sops_rs::keys::RemoteKeyService>)
                .map_err(|message| CliError::new(code::GENERIC, message))
        })
        .collect()
}

#[cfg(not(all(feature = "keyservice", unix)))]
fn remote(
    uris: &[&str],
    _call_timeout: Option<Duration>,
) -> Result<Vec<Box<dyn sops_rs::keys::RemoteKeyService>>, CliError> {
    match uris {
        [] => Ok(Vec::new()),
        _ => Err(CliError::new(
            code::GENERIC,
            "this build of sops-rs has no key service client (cargo feature `keyservice`, unix only)",
        )),
    }
}

/// Go's `strconv.ParseBool`, which urfave/cli reads boolean flags and variables with.
fn go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_booleans() {
        assert_eq!(go_bool("false"), Some(false));
        assert_eq!(go_bool("T"), Some(true));
        assert_eq!(go_bool("0"), Some(false));
        assert_eq!(go_bool("no"), None);
    }

    #[cfg(all(feature = "keyservice", unix))]
    #[test]
    fn splits_services_on_commas_in_order() {
        let args = CommonArgs {
            keyservice: vec!["tcp://a:1, unix:///b.sock".into(), "tcp://c:3".into()],
            enable_local_keyservice: Some("false".into()),
            ..Default::default()
        };
        let services = resolve(&args, None).unwrap();
        assert!(!services.local);
        let addresses: Vec<&str> = services.remote.iter().map(|s| s.address()).collect();
        assert_eq!(addresses, ["tcp://a:1", "unix:///b.sock", "tcp://c:3"]);
    }

    #[cfg(all(feature = "keyservice", unix))]
    #[test]
    fn a_bad_address_is_an_error() {
        let args = CommonArgs {
            keyservice: vec!["localhost:5000".into()],
            ..Default::default()
        };
        let error = resolve(&args, None).err().unwrap();
        assert!(
            error.message.contains("localhost:5000"),
            "{}",
            error.message
        );
    }
}

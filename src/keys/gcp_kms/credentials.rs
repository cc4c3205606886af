//! Where a GCP KMS key gets its credentials from, in sops's order, read from the captured
//! environment (`KeyContext`):
//!
//! 1. `GOOGLE_OAUTH_ACCESS_TOKEN`: a ready access token, sent as is ([`StaticToken`]);
//! 2. `GOOGLE_CREDENTIALS`: a credentials JSON, the JSON itself or a path to it;
//! 3. Application Default Credentials: `GOOGLE_APPLICATION_CREDENTIALS`, else gcloud's
//!    `application_default_credentials.json` (under `CLOUDSDK_CONFIG`, else
//!    `$HOME/.config/gcloud`), else the metadata server (`GCE_METADATA_HOST`, else
//!    `metadata.google.internal`).
//!
//! The JSON kinds (`service_account`, `authorized_user`, `external_account`,
//! `impersonated_service_account`) are handed to `google-cloud-auth`'s builder for that kind; the
//! ADC file lookup is done here rather than by `google-cloud-auth`'s own ADC builder, so the
//! library reads the environment it was given, not the process's.
//!
//! Nothing here prints a token or key: errors name where the credentials came from.

use std::path::PathBuf;

use google_cloud_auth::credentials::{
    CacheableResource, Credentials, CredentialsProvider, EntityTag, external_account, impersonated,
    mds, service_account, user_account,
};
use google_cloud_auth::errors::CredentialsError;
use http::{Extensions, HeaderMap, HeaderValue, header::AUTHORIZATION};
use serde_json::Value as Json;
use zeroize::Zeroizing;

use crate::keys::KeyContext;

/// Where the credentials of one call came from.
#[derive(PartialEq, Eq)]
pub(crate) enum Source {
    /// `GOOGLE_OAUTH_ACCESS_TOKEN`.
    AccessToken(Zeroizing<String>),
    /// A credentials JSON and where it was read (`GOOGLE_CREDENTIALS`, a file path).
    Json {
        origin: String,
        json: Zeroizing<String>,
    },
    /// The metadata server: `GCE_METADATA_HOST` if set, else the well-known one.
    MetadataServer { host: Option<String> },
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only where the credentials come from, never the token or the JSON.
        write!(f, "Source({})", self.describe())
    }
}

impl Source {
    /// Picks the source from the captured environment; reads credential files.
    pub(crate) fn from_context(ctx: &KeyContext) -> Result<Source, String> {
        if let Some(token) = ctx.var("GOOGLE_OAUTH_ACCESS_TOKEN") {
            return Ok(Source::AccessToken(Zeroizing::new(
                token.trim().to_string(),
            )));
        }
        if let Some(value) = ctx.var("GOOGLE_CREDENTIALS") {
            // sops takes the JSON itself or a path to it.
            if value.trim_start().starts_with('{') {
                return Ok(Source::Json {
                    origin: "GOOGLE_CREDENTIALS".into(),
                    json: Zeroizing::new(value.to_string()),
                });
            }
            return read(PathBuf::from(value), "GOOGLE_CREDENTIALS");
        }
        if let Some(path) = ctx.var("GOOGLE_APPLICATION_CREDENTIALS") {
            return read(PathBuf::from(path), "GOOGLE_APPLICATION_CREDENTIALS");
        }
        // gcloud's own directory: ~/.config/gcloud, on Windows %APPDATA%\gcloud.
        let gcloud = ctx.var("CLOUDSDK_CONFIG").map(PathBuf::from).or_else(|| {
            if cfg!(windows) {
                return ctx.user_config_dir().map(|dir| dir.join("gcloud"));
            }
            ctx.var("HOME")
                .map(|home| PathBuf::from(home).join(".config/gcloud"))
        });
        if let Some(file) = gcloud.map(|dir| dir.join("application_default_credentials.json"))
            && file.is_file()
        {
            return read(file, "gcloud application default credentials");
        }
        Ok(Source::MetadataServer {
            host: ctx.var("GCE_METADATA_HOST").map(str::to_string),
        })
    }

    /// Where the credentials come from, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::AccessToken(_) => "GOOGLE_OAUTH_ACCESS_TOKEN".into(),
            Source::Json { origin, .. } => origin.clone(),
            Source::MetadataServer { host: Some(host) } => {
                format!("the metadata server at {host} (GCE_METADATA_HOST)")
            }
            Source::MetadataServer { host: None } => "the GCE metadata server".into(),
        }
    }

    /// The SDK credentials. Must run inside a tokio runtime: the SDK's token caches start
    /// their refresh task when they are built.
    pub(crate) fn credentials(&self) -> Result<Credentials, String> {
        let built = match self {
            Source::AccessToken(token) => return StaticToken::new(token).map(Credentials::from),
            Source::Json { origin, json } => {
                let value: Json = serde_json::from_str(json)
                    .map_err(|_| format!("the GCP credentials in {origin} are not JSON"))?;
                let kind = value.get("type").and_then(Json::as_str).unwrap_or_default();
                match kind {
                    "service_account" => service_account::Builder::new(value).build(),
                    "authorized_user" => user_account::Builder::new(value).build(),
                    "external_account" => external_account::Builder::new(value).build(),
                    "impersonated_service_account" => impersonated::Builder::new(value).build(),
                    other => {
                        return Err(format!(
                            "the GCP credentials in {origin} are of type {other:?}, which sops-rs \
                             cannot use (service_account, authorized_user, external_account or \
                             impersonated_service_account)"
                        ));
                    }
                }
            }
            Source::MetadataServer { host } => {
                let builder = mds::Builder::default();
                match host {
                    Some(host) => builder.with_endpoint(format!("http://{host}")).build(),
                    None => builder.build(),
                }
            }
        };
        built.map_err(|e| format!("the GCP credentials in {}: {e}", self.describe()))
    }
}

fn read(path: PathBuf, origin: &str) -> Result<Source, String> {
    match crate::bounded::read_file_to_string(&path, crate::bounded::Kind::Key) {
        Ok(json) => Ok(Source::Json {
            origin: format!("{origin} ({})", path.display()),
            json: Zeroizing::new(json),
        }),
        Err(e) => Err(format!("cannot read {origin} {}: {e}", path.display())),
    }
}

/// A fixed access token (`GOOGLE_OAUTH_ACCESS_TOKEN`), sent as `Authorization: Bearer`. It is
/// never refreshed: when it expires, the service says so.
pub(super) struct StaticToken {
    token: Zeroizing<String>,
}

impl StaticToken {
    fn new(token: &str) -> Result<StaticToken, String> {
        // Checked once here, so building the header below cannot fail.
        if token.is_empty() || HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
            return Err(
                "GOOGLE_OAUTH_ACCESS_TOKEN contains characters not allowed in an HTTP header"
                    .into(),
            );
        }
        Ok(StaticToken {
            token: Zeroizing::new(token.to_string()),
        })
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticToken")
            .field("token", &"[redacted]")
            .finish()
    }
}

impl CredentialsProvider for StaticToken {
    async fn headers(
        &self,
        _extensions: Extensions,
    ) -> Result<CacheableResource<HeaderMap>, CredentialsError> {
        let bearer = Zeroizing::new(format!("Bearer {}", self.token.as_str()));
        let mut value = HeaderValue::from_str(&bearer).map_err(|_| {
            CredentialsError::from_msg(false, "the access token is not a valid header value")
        })?;
        value.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, value);
        // A fresh tag every time: the SDK's HTTP client never asks "not modified".
        Ok(CacheableResource::New {
            entity_tag: EntityTag::new(),
            data: headers,
        })
    }

    async fn universe_domain(&self) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(vars: &[(&str, &str)]) -> KeyContext {
        KeyContext::from_vars(vars.iter().copied())
    }

    #[test]
    fn sources_in_sops_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sa.json");
        std::fs::write(&file, r#"{"type": "service_account"}"#).unwrap();
        let file = file.display().to_string();
        let gcloud = dir.path().join(".config/gcloud");
        std::fs::create_dir_all(&gcloud).unwrap();
        std::fs::write(
            gcloud.join("application_default_credentials.json"),
            r#"{"type": "authorized_user"}"#,
        )
        .unwrap();
        let home = dir.path().display().to_string();

        let all = ctx(&[
            ("GOOGLE_OAUTH_ACCESS_TOKEN", "t"),
            ("GOOGLE_CREDENTIALS", "{}"),
            ("GOOGLE_APPLICATION_CREDENTIALS", &file),
            ("HOME", &home),
        ]);
        assert!(matches!(
            Source::from_context(&all),
            Ok(Source::AccessToken(t)) if t.as_str() == "t"
        ));
        let json = ctx(&[("GOOGLE_CREDENTIALS", " {\"a\": 1}"), ("HOME", &home)]);
        assert!(matches!(
            Source::from_context(&json),
            Ok(Source::Json { origin, .. }) if origin == "GOOGLE_CREDENTIALS"
        ));
        let path = ctx(&[("GOOGLE_CREDENTIALS", &file)]);
        assert!(matches!(
            Source::from_context(&path),
            Ok(Source::Json { origin, json }) if origin.contains(&file) && json.contains("service_account")
        ));
        let adc = ctx(&[("GOOGLE_APPLICATION_CREDENTIALS", &file), ("HOME", &home)]);
        assert!(matches!(
            Source::from_context(&adc),
            Ok(Source::Json { origin, .. }) if origin.starts_with("GOOGLE_APPLICATION_CREDENTIALS")
        ));
        let gcloud_file = ctx(&[("HOME", &home)]);
        assert!(matches!(
            Source::from_context(&gcloud_file),
            Ok(Source::Json { json, .. }) if json.contains("authorized_user")
        ));
        let metadata = ctx(&[("GCE_METADATA_HOST", "127.0.0.1:9")]);
        assert_eq!(
            Source::from_context(&metadata).unwrap(),
            Source::MetadataServer {
                host: Some("127.0.0.1:9".into())
            }
        );
        assert_eq!(
            Source::from_context(&KeyContext::default()).unwrap(),
            Source::MetadataServer { host: None }
        );
        let missing = ctx(&[("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/sa.json")]);
        assert!(
            Source::from_context(&missing)
                .unwrap_err()
                .contains("/nonexistent/sa.json")
        );
    }

    #[test]
    fn the_static_token_is_not_printed() {
        let token = StaticToken::new("ya29.secret").unwrap();
        assert!(!format!("{token:?}").contains("secret"));
        assert!(StaticToken::new("bad\ntoken").is_err());
        let source = Source::AccessToken(Zeroizing::new("ya29.secret".into()));
        assert!(!source.describe().contains("secret"));
    }

    #[test]
    fn unknown_credential_types_are_named() {
        let source = Source::Json {
            origin: "GOOGLE_CREDENTIALS".into(),
            json: Zeroizing::new(r#"{"type": "gdch_service_account"}"#.into()),
        };
        let err = source.credentials().unwrap_err();
        assert!(err.contains("gdch_service_account"), "{err}");
        let source = Source::Json {
            origin: "GOOGLE_CREDENTIALS".into(),
            json: Zeroizing::new("{not json".into()),
        };
        assert!(source.credentials().unwrap_err().contains("not JSON"));
    }
}

//! AWS KMS master keys (`kms`). The client, which wraps with KMS `Encrypt` through the AWS SDK,
//! is in `client.rs` and built only with the `aws` feature; `publish`'s S3 target shares its
//! configuration loader, runtime and error text.

#[cfg(feature = "aws")]
mod client;

#[cfg(feature = "aws")]
pub use self::client::{AwsKmsKey, runtime_started};
#[cfg(feature = "aws")]
pub(crate) use self::client::{
    aws_error_detail, chain_credentials, run, sdk_config, total_timeout,
};

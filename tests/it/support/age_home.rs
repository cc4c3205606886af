//! The former name of [`TestEnv`](super::TestEnv), kept so that test files written against it
//! still build. New tests use `TestEnv`.

// Unused until such a file is merged.
#[allow(unused_imports)]
pub use super::TestEnv as AgeHome;

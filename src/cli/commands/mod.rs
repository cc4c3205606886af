//! One module per subcommand (and the legacy top-level forms). Each owns its arguments and
//! its run function; they build on the command-line infrastructure in `cli/`, never the reverse.

pub mod audit_log;
pub mod check;
pub mod completion;
pub mod decrypt;
pub mod edit;
pub mod encrypt;
pub mod exec_env;
pub mod exec_file;
pub mod filestatus;
pub mod git_merge;
pub mod git_setup;
pub mod git_textconv;
pub mod groups;
#[cfg(all(feature = "keyservice", unix))]
pub mod keyservice;
pub mod legacy;
pub mod man;
pub mod publish_file;
pub mod rotate;
pub mod sealed;
pub mod set;
pub mod tree_edit;
pub mod unset;
pub mod updatekeys;

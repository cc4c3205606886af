//! The `sops-rs` binary: parse the arguments, run the command, map errors to sops's exit codes.

mod cli;

use std::process::ExitCode;

#[cfg(all(feature = "jemalloc", unix))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    // Decrypted values live in this process's memory: no core dumps of it (or of the children
    // it hands secrets to), where the OS allows. (Windows has no such limit: its crash dumps
    // are a Windows Error Reporting setting.)
    #[cfg(unix)]
    let _ = rustix::process::setrlimit(
        rustix::process::Resource::Core,
        rustix::process::Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    );
    match cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            cli::report(&error);
            ExitCode::from(error.code)
        }
    }
}

//! What the agent process does to itself before it holds a key: no core dumps
//! (`RLIMIT_CORE` 0) and not dumpable (`PR_SET_DUMPABLE` 0, which also keeps other processes
//! of the same uid from attaching a debugger or reading its memory). Each step that fails is a
//! warning, not a reason to stop.

/// Hardens the current process; returns one line per step that could not be taken.
pub fn keep_keys_out_of_dumps() -> Vec<String> {
    let mut warnings = Vec::new();
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        if let Err(e) = setrlimit(Resource::Core, none) {
            warnings.push(format!("cannot turn off core dumps (RLIMIT_CORE): {e}"));
        }
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
            warnings.push(format!("cannot mark the process not dumpable: {e}"));
        }
    }
    #[cfg(not(unix))]
    warnings.push("core dumps are not turned off on this platform".to_string());
    warnings
}

/// Whether the process is marked not dumpable (Linux; `None` elsewhere).
pub fn is_dumpable() -> Option<bool> {
    #[cfg(target_os = "linux")]
    {
        rustix::process::dumpable_behavior()
            .ok()
            .map(|b| b != rustix::process::DumpableBehavior::NotDumpable)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

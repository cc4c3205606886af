//! Who and where: the actor, the host, the CI run and the repository of a sops-rs run, read
//! from an environment map the caller captured (GitHub Actions and GitLab CI variables) and
//! from the operating system. Only an allow-list of CI metadata variables is ever read. The
//! user name comes from the real uid's account (`getpwuid`); `$USER` is anyone's to set, so it
//! is recorded only as a claim. On Windows there is no uid: the actor has no `user` and no
//! `uid`, `%USERNAME%` is the claim, and the host name is `%COMPUTERNAME%`.

use std::collections::HashMap;

use serde_json::{Map as JsonMap, Value as Json, json};

/// Facts about this process that every record carries.
#[derive(Clone, Debug)]
pub struct RunContext {
    /// One id per process; several operations share it.
    pub invocation_id: String,
    vars: HashMap<String, String>,
    user: Option<String>,
    claimed_user: Option<String>,
    uid: Option<u32>,
    host: String,
}

fn object(pairs: Vec<(&str, Option<String>)>) -> JsonMap<String, Json> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), Json::String(v))))
        .collect()
}

/// The variables that name the user, recorded only as a claim.
#[cfg(unix)]
const CLAIMED_USER_VARIABLES: [&str; 2] = ["USER", "LOGNAME"];
#[cfg(windows)]
const CLAIMED_USER_VARIABLES: [&str; 1] = ["USERNAME"];

/// The real uid, its account's name and the host name.
#[cfg(unix)]
fn os_identity(_vars: &HashMap<String, String>) -> (Option<u32>, Option<String>, String) {
    let uid = rustix::process::getuid().as_raw();
    let user = uzers::get_user_by_uid(uid).map(|u| u.name().to_string_lossy().into_owned());
    let host = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    (Some(uid), user, host)
}

/// Windows: no uid and no account name the crate can read without unsafe code; the host name
/// from `%COMPUTERNAME%`.
#[cfg(windows)]
fn os_identity(vars: &HashMap<String, String>) -> (Option<u32>, Option<String>, String) {
    let host = vars.get("COMPUTERNAME").cloned().unwrap_or_default();
    (None, None, host)
}

impl RunContext {
    /// Builds the context from a captured environment (only CI metadata variables and the
    /// user-name claim, USER / LOGNAME or on Windows USERNAME and COMPUTERNAME, are read from it).
    pub fn new(vars: HashMap<String, String>) -> RunContext {
        let claimed_user = CLAIMED_USER_VARIABLES
            .iter()
            .find_map(|name| vars.get(*name).filter(|v| !v.is_empty()).cloned());
        let (uid, user, host) = os_identity(&vars);
        RunContext {
            invocation_id: super::new_id(),
            vars,
            user,
            claimed_user,
            uid,
            host,
        }
    }

    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).filter(|v| !v.is_empty()).cloned()
    }

    fn is_github(&self) -> bool {
        self.var("GITHUB_ACTIONS").as_deref() == Some("true")
    }

    fn is_gitlab(&self) -> bool {
        self.var("GITLAB_CI").as_deref() == Some("true")
    }

    /// `{name, version}` of this tool.
    pub fn tool(&self) -> Json {
        json!({"name": "sops-rs", "version": env!("CARGO_PKG_VERSION"), "sops_compat": crate::metadata::FORMAT_VERSION})
    }

    /// The OS user (from the real uid; absent when the uid has no account), `$USER` as a claim,
    /// and the CI login where a CI provider names one.
    pub fn actor(&self) -> Json {
        let mut actor = JsonMap::new();
        if let Some(user) = &self.user {
            actor.insert("user".into(), user.clone().into());
        }
        if let Some(uid) = self.uid {
            actor.insert("uid".into(), uid.into());
        }
        if let Some(claimed) = &self.claimed_user {
            actor.insert("claimed_user".into(), claimed.clone().into());
        }
        let (kind, login, id) = if self.is_github() {
            ("ci", self.var("GITHUB_ACTOR"), self.var("GITHUB_ACTOR_ID"))
        } else if self.is_gitlab() {
            (
                "ci",
                self.var("GITLAB_USER_LOGIN"),
                self.var("GITLAB_USER_ID"),
            )
        } else {
            ("human", None, None)
        };
        actor.insert("kind".into(), kind.into());
        actor.extend(object(vec![("ci_login", login), ("ci_user_id", id)]));
        Json::Object(actor)
    }

    /// Host name, OS and architecture.
    pub fn host(&self) -> Json {
        json!({"name": self.host, "os": std::env::consts::OS, "arch": std::env::consts::ARCH})
    }

    /// The CI run, when a known provider's variables are present.
    pub fn ci(&self) -> Option<Json> {
        if self.is_github() {
            let run_url = match (
                self.var("GITHUB_SERVER_URL"),
                self.var("GITHUB_REPOSITORY"),
                self.var("GITHUB_RUN_ID"),
            ) {
                (Some(server), Some(repo), Some(run)) => {
                    Some(format!("{server}/{repo}/actions/runs/{run}"))
                }
                _ => None,
            };
            let mut ci = object(vec![
                ("provider", Some("github".into())),
                ("run_id", self.var("GITHUB_RUN_ID")),
                ("run_attempt", self.var("GITHUB_RUN_ATTEMPT")),
                ("run_number", self.var("GITHUB_RUN_NUMBER")),
                ("run_url", run_url),
                ("workflow", self.var("GITHUB_WORKFLOW")),
                ("workflow_ref", self.var("GITHUB_WORKFLOW_REF")),
                ("job", self.var("GITHUB_JOB")),
                ("event", self.var("GITHUB_EVENT_NAME")),
                ("runner", self.var("RUNNER_ENVIRONMENT")),
                ("runner_name", self.var("RUNNER_NAME")),
            ]);
            ci.insert("verified".into(), false.into());
            return Some(Json::Object(ci));
        }
        if self.is_gitlab() {
            let mut ci = object(vec![
                ("provider", Some("gitlab".into())),
                ("run_id", self.var("CI_PIPELINE_ID")),
                ("run_url", self.var("CI_PIPELINE_URL")),
                ("pipeline_source", self.var("CI_PIPELINE_SOURCE")),
                ("job", self.var("CI_JOB_NAME")),
                ("job_id", self.var("CI_JOB_ID")),
                ("job_url", self.var("CI_JOB_URL")),
                ("runner_id", self.var("CI_RUNNER_ID")),
                ("runner_name", self.var("CI_RUNNER_DESCRIPTION")),
            ]);
            ci.insert("verified".into(), false.into());
            return Some(Json::Object(ci));
        }
        None
    }

    /// The repository and commit, from CI variables.
    pub fn vcs(&self) -> Option<Json> {
        let vcs = if self.is_github() {
            let url = match (self.var("GITHUB_SERVER_URL"), self.var("GITHUB_REPOSITORY")) {
                (Some(server), Some(repo)) => Some(format!("{server}/{repo}")),
                _ => None,
            };
            object(vec![
                ("provider", Some("github".into())),
                ("repository", self.var("GITHUB_REPOSITORY")),
                ("url", url),
                ("ref", self.var("GITHUB_REF")),
                ("revision", self.var("GITHUB_SHA")),
            ])
        } else if self.is_gitlab() {
            object(vec![
                ("provider", Some("gitlab".into())),
                ("repository", self.var("CI_PROJECT_PATH")),
                ("url", self.var("CI_PROJECT_URL")),
                ("ref", self.var("CI_COMMIT_REF_NAME")),
                ("revision", self.var("CI_COMMIT_SHA")),
                ("change_id", self.var("CI_MERGE_REQUEST_IID")),
            ])
        } else {
            return None;
        };
        Some(Json::Object(vcs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> RunContext {
        RunContext::new(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn github_actions_variables() {
        let c = ctx(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_RUN_ID", "9753949763"),
            ("GITHUB_ACTOR", "octocat"),
            ("GITHUB_REPOSITORY", "org/app"),
            ("GITHUB_SHA", "4f2c"),
            ("GITHUB_JOB", "deploy"),
            ("GITHUB_SERVER_URL", "https://github.com"),
        ]);
        let ci = c.ci().unwrap();
        assert_eq!(ci["provider"], "github");
        assert_eq!(ci["run_id"], "9753949763");
        assert_eq!(ci["job"], "deploy");
        assert_eq!(
            ci["run_url"],
            "https://github.com/org/app/actions/runs/9753949763"
        );
        assert_eq!(c.actor()["ci_login"], "octocat");
        assert_eq!(c.vcs().unwrap()["revision"], "4f2c");
    }

    #[test]
    fn gitlab_ci_variables() {
        let c = ctx(&[
            ("GITLAB_CI", "true"),
            ("CI_PIPELINE_ID", "77"),
            ("GITLAB_USER_LOGIN", "dev"),
            ("CI_PROJECT_PATH", "g/p"),
            ("CI_COMMIT_SHA", "abc"),
            ("CI_JOB_NAME", "build"),
        ]);
        assert_eq!(c.ci().unwrap()["run_id"], "77");
        assert_eq!(c.actor()["ci_login"], "dev");
        assert_eq!(c.vcs().unwrap()["repository"], "g/p");
    }

    #[cfg(unix)]
    #[test]
    fn no_ci_means_a_human_and_user_is_only_a_claim() {
        let c = ctx(&[("USER", "alice-claims-this")]);
        assert!(c.ci().is_none() && c.vcs().is_none());
        assert_eq!(c.actor()["kind"], "human");
        assert_eq!(c.actor()["claimed_user"], "alice-claims-this");
        assert_ne!(c.actor()["user"], "alice-claims-this");
        let uid = rustix::process::getuid().as_raw();
        assert_eq!(c.actor()["uid"], uid);
    }
}

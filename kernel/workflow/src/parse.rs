//! Reading a workflow file: YAML into the checked [`Workflow`], or every
//! problem with its file, line and field.
//!
//! Owns: the checks after serde has read the file (`raw`) — names, exactly one action per step, conditions and
//! `${{ }}` templates that parse and read only declared parameters and earlier
//! steps, retries, timeouts, parameter defaults that fit their type.

use std::time::Duration;

use serde_json::Value;

use crate::error::{Problem, Problems};
use crate::expr::Expr;
use crate::locate::Lines;
use crate::params::check_value;
use crate::raw::{
    RawAttempts, RawDuration, RawGitAction, RawOnFailure, RawParamType, RawParams, RawRetry,
    RawStep, RawWorkflow,
};
use crate::schema::{
    Action, Attempts, GitAction, OnFailure, Param, ParamType, Retry, Step, Workflow,
};
use crate::template::{Template, templates_in};

/// Intent kinds an agent step may have.
const AGENT_KINDS: &[&str] = &[
    "edit", "create", "fix", "refactor", "docs", "explain", "analyze",
];

/// Most attempts a step may have.
const MAX_ATTEMPTS: u32 = 20;

/// Parses a duration: `30s`, `5m`, `1h`, `250ms`, or a number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((t, "s"), |i| (&t[..i], t[i..].trim()));
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration; write it like 30s, 5m, 1h or 250ms"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n * 60.0,
        "h" => n * 3600.0,
        other => {
            return Err(format!(
                "`{other}` is not a unit of time; use ms, s, m or h (e.g. 30s)"
            ));
        }
    };
    if !(secs > 0.0 && secs <= 7.0 * 86_400.0) {
        return Err(format!("`{text}` must be more than 0 and at most 7 days"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Whether `name` may name a workflow, a step or a parameter: lowercase
/// letters, digits, `-` and `_`, starting with a letter or digit.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// Checks and problems of one file.
struct Checker<'a> {
    file: &'a str,
    lines: Lines<'a>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn push(&mut self, line: Option<usize>, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column: None,
            field: field.into(),
            message: message.into(),
        });
    }

    /// Checks that `paths` read only declared params and steps before `index`.
    fn check_paths(
        &mut self,
        paths: Vec<Vec<String>>,
        params: &[Param],
        earlier: &[String],
        line: Option<usize>,
        field: &str,
    ) {
        for path in paths {
            let root = path.first().map(String::as_str).unwrap_or("");
            let second = path.get(1).map(String::as_str);
            match (root, second) {
                ("params", Some(name)) if !params.iter().any(|p| p.name == name) => {
                    let known: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
                    self.push(
                        line,
                        field,
                        format!(
                            "reads `params.{name}`, which is not declared under `params:` (declared: {})",
                            list(&known)
                        ),
                    );
                }
                ("steps", Some(name)) if !earlier.iter().any(|s| s == name) => {
                    self.push(
                        line,
                        field,
                        format!(
                            "reads `steps.{name}`, but no earlier step has that name (earlier steps: {})",
                            list(&earlier.iter().map(String::as_str).collect::<Vec<_>>())
                        ),
                    );
                }
                ("params" | "steps", None) => self.push(
                    line,
                    field,
                    format!("`{root}` alone is not a value; name one, e.g. `{root}.x`"),
                ),
                ("params" | "steps" | "run" | "config", _) => {}
                (other, _) => self.push(
                    line,
                    field,
                    format!("`{other}` is unknown; expressions read `params.<name>`, `steps.<name>.<field>`, `run.<field>` or `config.<section>.<key>`"),
                ),
            }
        }
    }

    fn template(
        &mut self,
        text: &str,
        params: &[Param],
        earlier: &[String],
        line: Option<usize>,
        field: &str,
    ) {
        match Template::parse(text) {
            Ok(t) => self.check_paths(t.paths(), params, earlier, line, field),
            Err(e) => self.push(line, field, e.to_string()),
        }
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Makes a YAML or serde error readable: the untagged enums' "did not match any
/// variant" becomes what to write.
fn explain(message: &str, path: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    if message.contains("untagged enum RawRetry") {
        return "retry is a number of attempts (`retry: 3`) or `{attempts: 3, backoff: 2s, factor: 2}`".into();
    }
    if message.contains("untagged enum RawDuration") {
        return "a duration is a number of seconds or text like 30s, 5m, 1h, 250ms".into();
    }
    if message.contains("untagged enum RawAttempts") {
        return "attempts is a whole number or a `${{ params.x }}` template".into();
    }
    if path.ends_with(".test") && message.contains("invalid type") {
        return "`test` takes a map: `test: {}` for the project's tests, or `test: {command: \"pytest -q tests/unit\"}`".into();
    }
    message.to_string()
}

/// Parses and checks the workflow in `text`; `file` names it in problems.
pub fn parse(file: &str, text: &str) -> Result<Workflow, Problems> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    let raw: RawWorkflow = match serde_path_to_error::deserialize(de) {
        Ok(raw) => raw,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let location = inner.location();
            let message = explain(&inner.to_string(), &path);
            return Err(Problems(vec![Problem {
                file: file.to_string(),
                line: location.as_ref().map(|l| l.line()),
                column: location.as_ref().map(|l| l.column()),
                field: if path == "." { String::new() } else { path },
                message,
            }]));
        }
    };
    let mut checker = Checker {
        file,
        lines: Lines::new(text),
        problems: Vec::new(),
    };
    if !is_name(&raw.name) {
        let line = checker.lines.top("name");
        checker.push(
            line,
            "name",
            format!("`{}` is not a workflow name: use lowercase letters, digits and dashes (e.g. `release-notes`)", raw.name),
        );
    }
    let params = check_params(&mut checker, raw.params);
    if raw.steps.is_empty() {
        let line = checker.lines.top("steps");
        checker.push(line, "steps", "a workflow needs at least one step");
    }
    let mut steps = Vec::new();
    let mut earlier: Vec<String> = Vec::new();
    for (index, raw_step) in raw.steps.into_iter().enumerate() {
        if let Some(step) = check_step(&mut checker, index, raw_step, &params, &earlier) {
            earlier.push(step.name.clone());
            steps.push(step);
        }
    }
    if !checker.problems.is_empty() {
        return Err(Problems(checker.problems));
    }
    Ok(Workflow {
        name: raw.name,
        description: raw.description,
        params,
        transactional: raw.transactional,
        steps,
    })
}

fn check_params(checker: &mut Checker<'_>, raw: RawParams) -> Vec<Param> {
    let mut params = Vec::new();
    for (name, p) in raw.0 {
        let line = checker.lines.param(&name);
        let field = format!("params.{name}");
        if !is_name(&name) {
            checker.push(
                line,
                &field,
                "parameter names are lowercase letters, digits, `_` and `-`",
            );
        }
        let kind = match p.kind {
            None | Some(RawParamType::String) => ParamType::String,
            Some(RawParamType::Integer) => ParamType::Integer,
            Some(RawParamType::Number) => ParamType::Number,
            Some(RawParamType::Boolean) => ParamType::Boolean,
        };
        let param = Param {
            name: name.clone(),
            description: p.description,
            kind,
            default: None,
            required: p.required,
            choices: p.choices,
            min: p.min,
            max: p.max,
        };
        if p.required && p.default.is_some() {
            checker.push(
                line,
                format!("{field}.required"),
                "a parameter with a default is never missing; drop `required: true` or the default",
            );
        }
        let default = match p.default {
            Some(value) => match check_value(&param, &value) {
                Ok(v) => Some(v),
                Err(why) => {
                    checker.push(line, format!("{field}.default"), why);
                    None
                }
            },
            None => None,
        };
        params.push(Param { default, ..param });
    }
    params
}

fn check_step(
    checker: &mut Checker<'_>,
    index: usize,
    raw: RawStep,
    params: &[Param],
    earlier: &[String],
) -> Option<Step> {
    macro_rules! at {
        ($key:expr) => {
            checker.lines.step_field(index, $key)
        };
    }
    let field = |key: &str| format!("steps[{index}].{key}");
    let line = checker.lines.step(index);
    let before = checker.problems.len();
    if !is_name(&raw.name) {
        checker.push(
            line,
            field("name"),
            format!(
                "`{}` is not a step name: use lowercase letters, digits, `_` and `-`",
                raw.name
            ),
        );
    }
    if earlier.contains(&raw.name) {
        checker.push(
            line,
            field("name"),
            format!(
                "two steps are named `{}`; step names must be unique",
                raw.name
            ),
        );
    }
    if let Some(condition) = &raw.condition {
        let l = at!("if");
        match Expr::parse(condition) {
            Ok(e) => checker.check_paths(e.paths(), params, earlier, l, &field("if")),
            Err(e) => checker.push(l, field("if"), e.to_string()),
        }
    }
    let mut actions: Vec<Action> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let template = |checker: &mut Checker<'_>, key: &str, text: &str| {
        let l = checker.lines.step_field(index, key);
        checker.template(text, params, earlier, l, &field(key));
    };
    if let Some(a) = raw.agent {
        template(checker, "agent", &a.prompt);
        for t in &a.targets {
            template(checker, "agent", t);
        }
        let kind = a.kind.unwrap_or_else(|| "edit".to_string());
        if !AGENT_KINDS.contains(&kind.as_str()) {
            checker.push(
                at!("kind"),
                field("agent.kind"),
                format!(
                    "`{kind}` is not an agent task kind; use one of {}",
                    AGENT_KINDS.join(", ")
                ),
            );
        }
        actions.push(Action::Agent {
            prompt: a.prompt,
            targets: a.targets,
            kind,
            verify: a.verify,
        });
        names.push("agent");
    }
    if let Some(t) = raw.test {
        if let Some(c) = &t.command {
            template(checker, "test", c);
        }
        actions.push(Action::Test { command: t.command });
        names.push("test");
    }
    if let Some(command) = raw.run {
        template(checker, "run", &command);
        if command.trim().is_empty() {
            checker.push(
                at!("run"),
                field("run"),
                "the command is empty; write the program and its arguments, e.g. `make build`",
            );
        }
        actions.push(Action::Run { command });
        names.push("run");
    }
    if let Some(g) = raw.git {
        let action = match g.action {
            RawGitAction::Status => GitAction::Status,
            RawGitAction::Diff => GitAction::Diff,
            RawGitAction::Log => GitAction::Log,
            RawGitAction::Commit => GitAction::Commit,
        };
        match (&g.message, action) {
            (None, GitAction::Commit) => checker.push(
                at!("git"),
                field("git.message"),
                "a commit needs a message: `git: {action: commit, message: \"…\"}`",
            ),
            (Some(m), _) => template(checker, "git", m),
            (None, _) => {}
        }
        actions.push(Action::Git {
            action,
            message: g.message,
        });
        names.push("git");
    }
    if let Some(name) = raw.plugin {
        if !is_name(&name) {
            checker.push(
                at!("plugin"),
                field("plugin"),
                format!("`{name}` is not a plugin name"),
            );
        }
        let with = raw
            .with
            .clone()
            .unwrap_or(Value::Object(Default::default()));
        match templates_in(&with) {
            Ok(ts) => {
                let l = at!("with");
                for t in ts {
                    checker.check_paths(t.paths(), params, earlier, l, &field("with"));
                }
            }
            Err(e) => checker.push(at!("with"), field("with"), e.to_string()),
        }
        actions.push(Action::Plugin { name, with });
        names.push("plugin");
    } else if raw.with.is_some() {
        checker.push(
            at!("with"),
            field("with"),
            "`with` gives parameters to a `plugin` step; this step has no `plugin`",
        );
    }
    if let Some(message) = raw.confirm {
        template(checker, "confirm", &message);
        actions.push(Action::Confirm { message });
        names.push("confirm");
    }
    if let Some(message) = raw.fail {
        template(checker, "fail", &message);
        actions.push(Action::Fail { message });
        names.push("fail");
    }
    if let Some(w) = raw.write {
        template(checker, "write", &w.path);
        template(checker, "write", &w.content);
        actions.push(Action::Write {
            path: w.path,
            content: w.content,
        });
        names.push("write");
    }
    let action = match actions.len() {
        1 => actions.pop(),
        0 => {
            checker.push(
                line,
                format!("steps[{index}]"),
                format!("step `{}` does nothing: give it one of agent, test, run, git, plugin, confirm, write, fail", raw.name),
            );
            None
        }
        _ => {
            checker.push(
                line,
                format!("steps[{index}]"),
                format!(
                    "step `{}` has {}; a step does one thing, so split it into one step each",
                    raw.name,
                    names.join(" and ")
                ),
            );
            None
        }
    };
    let retry = check_retry(checker, index, raw.retry, params, earlier);
    let timeout = raw.timeout.and_then(|t| match duration(t) {
        Ok(d) => Some(d),
        Err(why) => {
            let l = checker.lines.step_field(index, "timeout");
            checker.push(l, format!("steps[{index}].timeout"), why);
            None
        }
    });
    let on_failure = match raw.on_failure {
        None | Some(RawOnFailure::Stop) => OnFailure::Stop,
        Some(RawOnFailure::Continue) => OnFailure::Continue,
        Some(RawOnFailure::Rollback) => OnFailure::Rollback,
    };
    let action = action?;
    if checker.problems.len() > before {
        return None;
    }
    Some(Step {
        repeatable: raw
            .repeatable
            .unwrap_or_else(|| action.repeatable_by_default()),
        name: raw.name,
        line: line.unwrap_or(0),
        condition: raw.condition,
        retry,
        timeout,
        on_failure,
        action,
    })
}

fn duration(raw: RawDuration) -> Result<Duration, String> {
    match raw {
        RawDuration::Seconds(0) => Err("must be more than 0 seconds".into()),
        RawDuration::Seconds(s) => parse_duration(&s.to_string()),
        RawDuration::Text(t) => parse_duration(&t),
    }
}

fn check_retry(
    checker: &mut Checker<'_>,
    index: usize,
    raw: Option<RawRetry>,
    params: &[Param],
    earlier: &[String],
) -> Retry {
    let line = checker.lines.step_field(index, "retry");
    let field = format!("steps[{index}].retry");
    let mut retry = Retry::default();
    let (attempts, backoff, factor) = match raw {
        None => return retry,
        Some(RawRetry::Times(n)) => (RawAttempts::Number(n), None, None),
        Some(RawRetry::Full(f)) => (f.attempts, f.backoff, f.factor),
    };
    retry.attempts = match attempts {
        RawAttempts::Number(n) if (1..=MAX_ATTEMPTS).contains(&n) => Attempts::Fixed(n),
        RawAttempts::Number(n) => {
            checker.push(
                line,
                format!("{field}.attempts"),
                format!("{n} attempts: give 1 to {MAX_ATTEMPTS}"),
            );
            Attempts::Fixed(1)
        }
        RawAttempts::Template(t) => {
            checker.template(&t, params, earlier, line, &format!("{field}.attempts"));
            Attempts::Template(t)
        }
    };
    if let Some(b) = backoff {
        match duration(b) {
            Ok(d) => retry.backoff = d,
            Err(why) => checker.push(line, format!("{field}.backoff"), why),
        }
    }
    if let Some(f) = factor {
        if (1.0..=10.0).contains(&f) {
            retry.factor = f;
        } else {
            checker.push(
                line,
                format!("{field}.factor"),
                format!("{f}: the backoff factor is between 1 and 10"),
            );
        }
    }
    retry
}

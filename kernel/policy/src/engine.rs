//! The loaded policy set and the decision of one request.
//!
//! Owns: parsing every policy file (ids `file:line`, or the `@id` annotation),
//! strict validation against the schema, the table of rules with their location,
//! reason and `@confirm` flag, and [`Policy::decide`].
//!
//! Must never: allow a request when evaluation reported an error (fail closed), or
//! accept two rules with the same `@id`.

use std::collections::HashMap;
use std::str::FromStr;

use cedar_policy::{
    ActionConstraint, Authorizer, Context, Decision as CedarDecision, Effect, Entities, Entity,
    EntityUid, PolicyId, PolicySet, Request, Schema, ValidationMode, Validator,
};

use crate::action::Action;
use crate::decision::{Decision, Verdict};
use crate::entities::{Principal, Resource};
use crate::error::{PolicyError, Problem};
use crate::files::{PolicyFile, SCHEMA};
use crate::location::{first_offset, line_of, message};

/// Stack Cedar needs left before it evaluates (it checks for 100 KiB).
const RED_ZONE: usize = 192 * 1024;
/// Size of the stack segment decisions run on when too little is left.
const STACK_SEGMENT: usize = 1024 * 1024;

/// Whether a rule permits or forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleEffect {
    /// `permit`.
    Permit,
    /// `forbid`.
    Forbid,
}

/// One policy statement, as people refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Its `@id`, or `file:line` when it has none.
    pub id: String,
    /// `file:line`.
    pub location: String,
    /// Its `@reason`, in plain words.
    pub reason: Option<String>,
    /// Annotated `@confirm`: a denial by it asks for confirmation instead.
    pub confirm: bool,
    /// Permit or forbid.
    pub effect: RuleEffect,
}

/// A validated policy set, ready to decide.
pub struct Policy {
    /// Per action, the rules whose action scope can match it (a decision
    /// evaluates only those; the others could never apply).
    slices: HashMap<Action, PolicySet>,
    rules: HashMap<PolicyId, Rule>,
    actions: HashMap<Action, (EntityUid, Entity)>,
    authorizer: Authorizer,
    files: Vec<String>,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("rules", &self.rules.len())
            .field("files", &self.files)
            .finish()
    }
}

impl Policy {
    /// Parse and validate `files`. Every problem of every file is reported at once.
    pub fn load(files: &[PolicyFile]) -> Result<Policy, PolicyError> {
        let (schema, _) =
            Schema::from_cedarschema_str(SCHEMA).map_err(|e| PolicyError::Schema(message(&e)))?;
        let mut problems = Vec::new();
        let mut set = PolicySet::new();
        let mut rules = HashMap::new();
        let mut ids: HashMap<String, String> = HashMap::new();

        for file in files {
            let parsed = match PolicySet::from_str(&file.text) {
                Ok(parsed) => parsed,
                Err(err) => {
                    let line = first_offset(&err).map_or(0, |o| line_of(&file.text, o));
                    problems.push(Problem {
                        file: file.origin.clone(),
                        line,
                        message: format!("syntax error: {}", message(&err)),
                    });
                    continue;
                }
            };
            let mut cursor = 0;
            for policy in parsed.policies() {
                let text = policy.to_cedar().unwrap_or_default();
                let line = match file.text[cursor..].find(text.as_str()) {
                    Some(at) if !text.is_empty() => {
                        let start = cursor + at;
                        cursor = start + text.len();
                        line_of(&file.text, start)
                    }
                    _ => 0,
                };
                let location = format!("{}:{line}", file.origin);
                let id = policy
                    .annotation("id")
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}:{line}", file.name));
                if let Some(other) = ids.insert(id.clone(), location.clone()) {
                    problems.push(Problem {
                        file: file.origin.clone(),
                        line,
                        message: format!(
                            "a second rule with @id(\"{id}\") (the first is at {other}); give each rule its own @id"
                        ),
                    });
                    continue;
                }
                let policy_id = PolicyId::new(&id);
                let rule = Rule {
                    id: id.clone(),
                    location,
                    reason: policy.annotation("reason").map(str::to_string),
                    confirm: policy.annotation("confirm").is_some_and(|v| v != "false"),
                    effect: match policy.effect() {
                        Effect::Permit => RuleEffect::Permit,
                        Effect::Forbid => RuleEffect::Forbid,
                    },
                };
                if let Err(err) = set.add(policy.new_id(policy_id.clone())) {
                    problems.push(Problem {
                        file: file.origin.clone(),
                        line,
                        message: message(&err),
                    });
                    continue;
                }
                rules.insert(policy_id, rule);
            }
        }
        if problems.is_empty() {
            let validation = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
            for err in validation.validation_errors() {
                let rule = rules.get(err.policy_id());
                let (file, base_line) = rule
                    .and_then(|r| r.location.rsplit_once(':'))
                    .map(|(f, l)| (f.to_string(), l.parse().unwrap_or(0)))
                    .unwrap_or_else(|| ("policies".to_string(), 0));
                let line = match (first_offset(err), files.iter().find(|f| f.origin == file)) {
                    (Some(offset), Some(source)) if offset < source.text.len() => {
                        line_of(&source.text, offset)
                    }
                    _ => base_line,
                };
                problems.push(Problem {
                    file,
                    line,
                    message: format!("does not match the schema: {}", message(err)),
                });
            }
        }
        if !problems.is_empty() {
            problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            return Err(PolicyError::Problems(problems));
        }
        // Action entities carry their groups ("workspace:read-any"); a request
        // includes its action's entity so `action in ...` rules see the group.
        let action_entities = schema
            .action_entities()
            .map_err(|e| PolicyError::Schema(e.to_string()))?;
        let mut actions = HashMap::new();
        let mut slices = HashMap::new();
        for action in Action::ALL {
            let uid = EntityUid::from_str(&format!("Ralex::Action::\"{}\"", action.as_str()))
                .expect("action uids parse");
            let entity = action_entities.get(&uid).cloned().ok_or_else(|| {
                PolicyError::Schema(format!("the schema does not declare action {action}"))
            })?;
            let mut scope = vec![uid.clone()];
            if let Some(groups) = action_entities.ancestors(&uid) {
                scope.extend(groups.cloned());
            }
            let mut slice = PolicySet::new();
            for policy in set.policies() {
                let applies = match policy.action_constraint() {
                    ActionConstraint::Any => true,
                    ActionConstraint::Eq(a) => scope.contains(&a),
                    ActionConstraint::In(list) => list.iter().any(|a| scope.contains(a)),
                };
                if applies {
                    slice
                        .add(policy.clone())
                        .map_err(|e| PolicyError::Schema(e.to_string()))?;
                }
            }
            slices.insert(action, slice);
            actions.insert(action, (uid, entity));
        }
        Ok(Policy {
            slices,
            rules,
            actions,
            authorizer: Authorizer::new(),
            files: files.iter().map(|f| f.origin.clone()).collect(),
        })
    }

    /// The shipped defaults only.
    pub fn defaults() -> Result<Policy, PolicyError> {
        Policy::load(&crate::files::default_files())
    }

    /// Where the rules came from, in load order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Every rule, sorted by location.
    pub fn rules(&self) -> Vec<&Rule> {
        let mut rules: Vec<&Rule> = self.rules.values().collect();
        rules.sort_by(|a, b| a.location.cmp(&b.location));
        rules
    }

    /// Decide whether `principal` may do `action` on `resource`. `confirmed` is
    /// only meaningful for `command:run`.
    ///
    /// Cedar refuses to evaluate ("recursion limit reached") when `stacker` thinks
    /// less than 100 KiB of stack is left — which it always thinks on a wasmtime
    /// fiber, whose stack is not the thread's. Deciding on a stack segment that
    /// stacker knows (grown only when needed) keeps decisions working from host
    /// imports.
    pub fn decide(
        &self,
        principal: &Principal,
        action: Action,
        resource: &Resource,
        confirmed: bool,
    ) -> Decision {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.decide_here(principal, action, resource, confirmed)
        })
    }

    fn decide_here(
        &self,
        principal: &Principal,
        action: Action,
        resource: &Resource,
        confirmed: bool,
    ) -> Decision {
        let resource_entity = resource.entity();
        let context = if action == Action::CommandRun {
            Context::from_pairs([(
                "confirmed".to_string(),
                cedar_policy::RestrictedExpression::new_bool(confirmed),
            )])
            .expect("a one-field context is valid")
        } else {
            Context::empty()
        };
        let request = Request::new(
            principal.entity().uid(),
            self.actions[&action].0.clone(),
            resource_entity.uid(),
            context,
            None,
        )
        .expect("requests without a schema always build");
        let entities = match Entities::from_entities(
            [
                principal.entity().clone(),
                resource_entity,
                self.actions[&action].1.clone(),
            ],
            None,
        ) {
            Ok(entities) => entities,
            Err(err) => {
                return Decision::new(
                    Verdict::Deny,
                    Vec::new(),
                    vec![format!("the request's entities are invalid: {err}")],
                );
            }
        };
        let response = self
            .authorizer
            .is_authorized(&request, &self.slices[&action], &entities);
        let rules: Vec<Rule> = response
            .diagnostics()
            .reason()
            .filter_map(|id| self.rules.get(id).cloned())
            .collect();
        let errors: Vec<String> = response
            .diagnostics()
            .errors()
            .map(|e| e.to_string())
            .collect();
        let verdict = match response.decision() {
            // A rule that failed to evaluate might have been a forbid: fail closed.
            CedarDecision::Allow if !errors.is_empty() => Verdict::Deny,
            CedarDecision::Allow => Verdict::Allow,
            CedarDecision::Deny if !rules.is_empty() && rules.iter().all(|r| r.confirm) => {
                Verdict::NeedsConfirmation
            }
            CedarDecision::Deny => Verdict::Deny,
        };
        let mut rules = rules;
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Decision::new(verdict, rules, errors)
    }
}

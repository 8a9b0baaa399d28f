//! A run's parameters: the values given (`--param k=v` text, or JSON over HTTP)
//! checked against the declared ones, defaults filled in.

use serde_json::{Map, Value};

use crate::schema::{Param, ParamType, Workflow};

/// `value` as parameter `param` wants it (text from the command line is
/// converted to the declared type), or why it does not fit.
pub fn check_value(param: &Param, value: &Value) -> Result<Value, String> {
    let kind = param.kind.as_str();
    let wrong = |v: &Value| format!("{v} is not a {kind}");
    let value = match (param.kind, value) {
        (ParamType::String, Value::String(_)) => value.clone(),
        (ParamType::String, Value::Number(_) | Value::Bool(_)) => Value::String(value.to_string()),
        (ParamType::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => value.clone(),
        (ParamType::Integer, Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{s}` is not a whole number"))?,
        (ParamType::Number, Value::Number(_)) => value.clone(),
        (ParamType::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("`{s}` is not a number"))?,
        (ParamType::Boolean, Value::Bool(_)) => value.clone(),
        (ParamType::Boolean, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "on" => Value::Bool(true),
            "false" | "no" | "0" | "off" => Value::Bool(false),
            _ => return Err(format!("`{s}` is not true or false")),
        },
        (_, v) => return Err(wrong(v)),
    };
    if let Some(choices) = &param.choices
        && !choices.contains(&value)
    {
        let shown: Vec<String> = choices.iter().map(Value::to_string).collect();
        return Err(format!("{value} is not one of {}", shown.join(", ")));
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = param.min
            && n < min
        {
            return Err(format!("{value} is below the smallest allowed, {min}"));
        }
        if let Some(max) = param.max
            && n > max
        {
            return Err(format!("{value} is above the largest allowed, {max}"));
        }
    }
    Ok(value)
}

/// The run's parameters from `given`: each checked, defaults filled, required
/// ones present, unknown ones refused. Every problem is listed in one message.
pub fn resolve(
    workflow: &Workflow,
    given: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    let mut problems = Vec::new();
    for name in given.keys() {
        if !workflow.params.iter().any(|p| &p.name == name) {
            let known: Vec<&str> = workflow.params.iter().map(|p| p.name.as_str()).collect();
            problems.push(format!(
                "`{name}` is not a parameter of `{}` (its parameters: {})",
                workflow.name,
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ));
        }
    }
    for param in &workflow.params {
        match given.get(&param.name) {
            Some(value) => match check_value(param, value) {
                Ok(v) => {
                    out.insert(param.name.clone(), v);
                }
                Err(why) => problems.push(format!("parameter `{}`: {why}", param.name)),
            },
            None => match &param.default {
                Some(d) => {
                    out.insert(param.name.clone(), d.clone());
                }
                None if param.required => problems.push(format!(
                    "parameter `{}` is required{}; give it with --param {}=…",
                    param.name,
                    if param.description.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", param.description)
                    },
                    param.name
                )),
                None => {
                    out.insert(param.name.clone(), Value::Null);
                }
            },
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "the parameters of workflow `{}` are wrong: {}",
            workflow.name,
            problems.join("; ")
        ))
    }
}

/// Parses `k=v` pairs from the command line.
pub fn from_pairs(pairs: &[String]) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for pair in pairs {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "`{pair}` is not a parameter; write it as name=value"
            ));
        };
        out.insert(k.trim().to_string(), Value::String(v.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use serde_json::json;

    const FILE: &str = r#"
name: p
params:
  issue:
    required: true
    description: what is wrong
  tries:
    type: integer
    default: 3
    min: 1
    max: 5
  env:
    enum: [staging, production]
    default: staging
  fast:
    type: boolean
steps:
  - name: t
    test: {}
"#;

    #[test]
    fn converts_fills_and_refuses() {
        let wf = parse("p.yaml", FILE).unwrap();
        let given =
            from_pairs(&["issue=crash".into(), "tries=4".into(), "fast=yes".into()]).unwrap();
        let params = resolve(&wf, &given).unwrap();
        assert_eq!(
            Value::Object(params),
            json!({"issue": "crash", "tries": 4, "env": "staging", "fast": true})
        );
        let bad = from_pairs(&["tries=9".into(), "env=prod".into(), "colour=red".into()]).unwrap();
        let e = resolve(&wf, &bad).unwrap_err();
        assert!(e.contains("`colour` is not a parameter"), "{e}");
        assert!(
            e.contains("parameter `issue` is required (what is wrong)"),
            "{e}"
        );
        assert!(e.contains("9 is above the largest allowed, 5"), "{e}");
        assert!(
            e.contains("\"prod\" is not one of \"staging\", \"production\""),
            "{e}"
        );
        assert!(from_pairs(&["novalue".into()]).is_err());
    }
}

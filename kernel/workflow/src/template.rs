//! Text with `${{ expression }}` placeholders, filled from the run's data.
//!
//! Owns: [`Template`] — parsed once (so `ralex workflow check` reports a bad
//! placeholder), rendered per step. A placeholder that is the whole text keeps
//! its JSON type when rendered as a value ([`Template::value`]); inside other
//! text, strings are inserted as they are and other values as JSON.

use serde_json::Value;

use crate::expr::{Expr, ExprError};

/// One piece of a template.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Expr(Expr),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// Why a template does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `${{` without `}}`.
    #[error("`${{{{` at character {at} is never closed with `}}}}`")]
    Unclosed {
        /// 1-based character position.
        at: usize,
    },
    /// The expression inside is wrong.
    #[error("in `${{{{ … }}}}`: {0}")]
    Expr(#[from] ExprError),
}

impl Template {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(start) = rest.find("${{") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 3..];
            let Some(end) = after.find("}}") else {
                return Err(TemplateError::Unclosed {
                    at: text[..offset + start].chars().count() + 1,
                });
            };
            pieces.push(Piece::Expr(Expr::parse(after[..end].trim())?));
            offset += start + 3 + end + 2;
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Template { pieces })
    }

    /// The text with every placeholder filled from `data`.
    pub fn render(&self, data: &Value) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Expr(e) => match e.eval(data) {
                    Value::String(s) => out.push_str(&s),
                    Value::Null => {}
                    other => out.push_str(&other.to_string()),
                },
            }
        }
        out
    }

    /// The value: a lone placeholder keeps its JSON type, anything else is text.
    pub fn value(&self, data: &Value) -> Value {
        match self.pieces.as_slice() {
            [Piece::Expr(e)] => e.eval(data),
            _ => Value::String(self.render(data)),
        }
    }

    /// Every path the placeholders read.
    pub fn paths(&self) -> Vec<Vec<String>> {
        self.pieces
            .iter()
            .flat_map(|p| match p {
                Piece::Expr(e) => e.paths(),
                Piece::Text(_) => Vec::new(),
            })
            .collect()
    }
}

/// Renders every string inside `value` as a template (keys stay as they are).
pub fn render_value(value: &Value, data: &Value) -> Result<Value, TemplateError> {
    Ok(match value {
        Value::String(s) => Template::parse(s)?.value(data),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| render_value(v, data))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), render_value(v, data)?)))
                .collect::<Result<_, TemplateError>>()?,
        ),
        other => other.clone(),
    })
}

/// Every template inside `value` (for checks).
pub fn templates_in(value: &Value) -> Result<Vec<Template>, TemplateError> {
    let mut out = Vec::new();
    fn walk(value: &Value, out: &mut Vec<Template>) -> Result<(), TemplateError> {
        match value {
            Value::String(s) => out.push(Template::parse(s)?),
            Value::Array(items) => items.iter().try_for_each(|v| walk(v, out))?,
            Value::Object(map) => map.values().try_for_each(|v| walk(v, out))?,
            _ => {}
        }
        Ok(())
    }
    walk(value, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_placeholders() {
        let data = json!({"params": {"issue": "crash on empty cart", "n": 3}, "steps": {"t": {"ok": false}}});
        let t =
            Template::parse("Fix: ${{ params.issue }} (try ${{params.n}}, ok=${{ steps.t.ok }})")
                .unwrap();
        assert_eq!(
            t.render(&data),
            "Fix: crash on empty cart (try 3, ok=false)"
        );
        assert_eq!(
            Template::parse("${{ params.n }}").unwrap().value(&data),
            json!(3)
        );
        assert_eq!(
            Template::parse("plain").unwrap().value(&data),
            json!("plain")
        );
        assert_eq!(
            Template::parse("${{ params.missing }}!")
                .unwrap()
                .render(&data),
            "!"
        );
    }

    #[test]
    fn bad_placeholders_are_reported() {
        assert_eq!(
            Template::parse("ab ${{ params.x").unwrap_err(),
            TemplateError::Unclosed { at: 4 }
        );
        assert!(matches!(
            Template::parse("${{ params. }}").unwrap_err(),
            TemplateError::Expr(_)
        ));
    }

    #[test]
    fn renders_nested_values() {
        let data = json!({"params": {"f": "a.py"}});
        let v = render_value(&json!({"paths": ["${{ params.f }}"], "n": 1}), &data).unwrap();
        assert_eq!(v, json!({"paths": ["a.py"], "n": 1}));
    }
}

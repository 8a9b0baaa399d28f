//! Conditions (`if:`) and the expressions inside `${{ … }}` templates.
//!
//! Owns: [`Expr`] — parsing a small, side-effect-free expression language and
//! evaluating it against the run's data (`params.*`, `steps.<name>.*`, `run.*`).
//!
//! The language: literals (`'text'`, `"text"`, numbers, `true`, `false`,
//! `null`), paths (`steps.tests.failed`, `steps.plan.output.files[0]`), the
//! comparisons `==` `!=` `<` `<=` `>` `>=`, and `!` / `not`, `&&` / `and`,
//! `||` / `or`, with parentheses. A missing path is `null`. Truthiness is
//! JSON's: `null`, `false`, `0`, `""`, `[]` and `{}` are false.
//!
//! Must never: run code, read files or touch anything but the value it is given.

use serde_json::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant.
    Literal(Value),
    /// A path into the run's data: `steps.tests.failed` → `["steps","tests","failed"]`.
    Path(Vec<Segment>),
    /// `!e`.
    Not(Box<Expr>),
    /// `a && b`.
    And(Box<Expr>, Box<Expr>),
    /// `a || b`.
    Or(Box<Expr>, Box<Expr>),
    /// `a <op> b`.
    Compare(Box<Expr>, CompareOp, Box<Expr>),
}

/// One part of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// `.name`
    Key(String),
    /// `[3]`
    Index(usize),
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Why an expression does not parse: what, and at which character.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {at} of `{text}`")]
pub struct ExprError {
    /// The expression.
    pub text: String,
    /// 1-based character position.
    pub at: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(f64),
    Op(&'static str),
    Dot,
    LBracket,
    RBracket,
    LParen,
    RParen,
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let err = |at: usize, message: String| ExprError {
        text: text.to_string(),
        at: at + 1,
        message,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let op2 = ["==", "!=", "<=", ">=", "&&", "||"]
            .into_iter()
            .find(|op| *op == two);
        if let Some(op) = op2 {
            out.push((start, Token::Op(op)));
            i += 2;
            continue;
        }
        match c {
            '<' => out.push((start, Token::Op("<"))),
            '>' => out.push((start, Token::Op(">"))),
            '!' => out.push((start, Token::Op("!"))),
            '.' => out.push((start, Token::Dot)),
            '[' => out.push((start, Token::LBracket)),
            ']' => out.push((start, Token::RBracket)),
            '(' => out.push((start, Token::LParen)),
            ')' => out.push((start, Token::RParen)),
            '\'' | '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(start, "a text that is never closed".into())),
                        Some(q) if *q == c => break,
                        Some('\\') if chars.get(i + 1) == Some(&c) => {
                            s.push(c);
                            i += 1;
                        }
                        Some(ch) => s.push(*ch),
                    }
                    i += 1;
                }
                out.push((start, Token::Str(s)));
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                let n = s
                    .parse::<f64>()
                    .map_err(|_| err(start, format!("`{s}` is not a number")))?;
                out.push((start, Token::Num(n)));
                i = j;
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '-')
                {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                out.push((
                    start,
                    match word.as_str() {
                        "and" => Token::Op("&&"),
                        "or" => Token::Op("||"),
                        "not" => Token::Op("!"),
                        _ => Token::Ident(word),
                    },
                ));
                i = j;
                continue;
            }
            other => return Err(err(start, format!("unexpected `{other}`"))),
        }
        i += 1;
    }
    Ok(out)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(usize, Token)>,
    pos: usize,
    /// Nesting of `(` and `!`, bounded so a hostile file cannot exhaust the stack.
    depth: usize,
}

/// Deepest nesting of parentheses and `!` an expression may have.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or(self.text.chars().count(), |(at, _)| *at)
    }

    fn error(&self, message: impl Into<String>) -> ExprError {
        ExprError {
            text: self.text.to_string(),
            at: self.at() + 1,
            message: message.into(),
        }
    }

    fn eat_op(&mut self, op: &'static str) -> bool {
        let found = self.peek() == Some(&Token::Op(op));
        if found {
            self.pos += 1;
        }
        found
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.and()?;
        while self.eat_op("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.not()?;
        while self.eat_op("&&") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.eat_op("!") {
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.compare()
    }

    fn deeper(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!(
                "the expression nests deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    fn compare(&mut self) -> Result<Expr, ExprError> {
        let left = self.primary()?;
        let op = match self.peek() {
            Some(Token::Op("==")) => CompareOp::Eq,
            Some(Token::Op("!=")) => CompareOp::Ne,
            Some(Token::Op("<")) => CompareOp::Lt,
            Some(Token::Op("<=")) => CompareOp::Le,
            Some(Token::Op(">")) => CompareOp::Gt,
            Some(Token::Op(">=")) => CompareOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.primary()?;
        Ok(Expr::Compare(Box::new(left), op, Box::new(right)))
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("the expression ends where a value was expected"));
        };
        self.pos += 1;
        match token {
            Token::Str(s) => Ok(Expr::Literal(Value::String(s))),
            Token::Num(n) => Ok(Expr::Literal(number(n))),
            Token::LParen => {
                self.deeper()?;
                let inner = self.or()?;
                self.depth -= 1;
                if self.peek() != Some(&Token::RParen) {
                    return Err(self.error("expected `)`"));
                }
                self.pos += 1;
                Ok(inner)
            }
            Token::Ident(word) => match word.as_str() {
                "true" => Ok(Expr::Literal(Value::Bool(true))),
                "false" => Ok(Expr::Literal(Value::Bool(false))),
                "null" => Ok(Expr::Literal(Value::Null)),
                _ => self.path(word),
            },
            _ => {
                self.pos -= 1;
                Err(self.error("expected a value (a path such as steps.tests.failed, a number, 'text', true, false or null)"))
            }
        }
    }

    fn path(&mut self, first: String) -> Result<Expr, ExprError> {
        let mut segments = vec![Segment::Key(first)];
        loop {
            match self.peek() {
                Some(Token::Dot) => {
                    self.pos += 1;
                    match self.peek().cloned() {
                        Some(Token::Ident(name)) => {
                            self.pos += 1;
                            segments.push(Segment::Key(name));
                        }
                        _ => return Err(self.error("expected a name after `.`")),
                    }
                }
                Some(Token::LBracket) => {
                    self.pos += 1;
                    let index = match self.peek().cloned() {
                        Some(Token::Num(n)) if n >= 0.0 && n.fract() == 0.0 => n as usize,
                        Some(Token::Str(key)) => {
                            self.pos += 1;
                            if self.peek() != Some(&Token::RBracket) {
                                return Err(self.error("expected `]`"));
                            }
                            self.pos += 1;
                            segments.push(Segment::Key(key));
                            continue;
                        }
                        _ => {
                            return Err(self.error("expected a whole number or 'key' inside `[ ]`"));
                        }
                    };
                    self.pos += 1;
                    if self.peek() != Some(&Token::RBracket) {
                        return Err(self.error("expected `]`"));
                    }
                    self.pos += 1;
                    segments.push(Segment::Index(index));
                }
                _ => return Ok(Expr::Path(segments)),
            }
        }
    }
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// JSON truthiness.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn compare(left: &Value, op: CompareOp, right: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering = match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let equal = match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => left == right,
    };
    match op {
        CompareOp::Eq => equal,
        CompareOp::Ne => !equal,
        CompareOp::Lt => ordering == Some(Ordering::Less),
        CompareOp::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => ordering == Some(Ordering::Greater),
        CompareOp::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
    }
}

impl Expr {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            text,
            tokens,
            pos: 0,
            depth: 0,
        };
        let expr = parser.or()?;
        if parser.pos < parser.tokens.len() {
            return Err(parser.error("unexpected text after the end of the expression"));
        }
        Ok(expr)
    }

    /// The value of the expression over `data`.
    pub fn eval(&self, data: &Value) -> Value {
        match self {
            Expr::Literal(v) => v.clone(),
            Expr::Path(segments) => {
                let mut at = data;
                for segment in segments {
                    let next = match segment {
                        Segment::Key(k) => at.get(k),
                        Segment::Index(i) => at.get(*i),
                    };
                    match next {
                        Some(v) => at = v,
                        None => return Value::Null,
                    }
                }
                at.clone()
            }
            Expr::Not(e) => Value::Bool(!truthy(&e.eval(data))),
            Expr::And(a, b) => Value::Bool(truthy(&a.eval(data)) && truthy(&b.eval(data))),
            Expr::Or(a, b) => Value::Bool(truthy(&a.eval(data)) || truthy(&b.eval(data))),
            Expr::Compare(a, op, b) => Value::Bool(compare(&a.eval(data), *op, &b.eval(data))),
        }
    }

    /// Whether the expression holds over `data`.
    pub fn holds(&self, data: &Value) -> bool {
        truthy(&self.eval(data))
    }

    /// Every path the expression reads, as its leading names
    /// (`steps.tests.failed` → `["steps", "tests", "failed"]`).
    pub fn paths(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<Vec<String>>) {
        match self {
            Expr::Literal(_) => {}
            Expr::Path(segments) => out.push(
                segments
                    .iter()
                    .map_while(|s| match s {
                        Segment::Key(k) => Some(k.clone()),
                        Segment::Index(_) => None,
                    })
                    .collect(),
            ),
            Expr::Not(e) => e.collect(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(a, _, b) => {
                a.collect(out);
                b.collect(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(text: &str, data: &Value) -> Value {
        Expr::parse(text).expect(text).eval(data)
    }

    #[test]
    fn paths_comparisons_and_logic() {
        let data = json!({
            "params": {"env": "staging", "n": 3},
            "steps": {"tests": {"failed": true, "output": {"files": ["a.py"]}}}
        });
        assert_eq!(eval("steps.tests.failed", &data), json!(true));
        assert_eq!(eval("steps.tests.output.files[0]", &data), json!("a.py"));
        assert_eq!(eval("steps.nope.failed", &data), Value::Null);
        assert!(
            Expr::parse("params.env == 'staging' && params.n >= 3")
                .unwrap()
                .holds(&data)
        );
        assert!(
            Expr::parse("not steps.tests.failed or params.n > 2")
                .unwrap()
                .holds(&data)
        );
        assert!(
            !Expr::parse("!(params.n < 3) && params.env != \"staging\"")
                .unwrap()
                .holds(&data)
        );
        assert!(Expr::parse("params.n == 3.0").unwrap().holds(&data));
        assert!(Expr::parse("steps['tests'].failed").unwrap().holds(&data));
    }

    #[test]
    fn truthiness_is_jsons() {
        for falsy in [
            json!(null),
            json!(false),
            json!(0),
            json!(""),
            json!([]),
            json!({}),
        ] {
            assert!(!truthy(&falsy), "{falsy}");
        }
        for t in [
            json!(true),
            json!(1),
            json!("x"),
            json!([0]),
            json!({"a": 1}),
        ] {
            assert!(truthy(&t), "{t}");
        }
    }

    #[test]
    fn errors_say_where() {
        let e = Expr::parse("steps.tests.failed &&").unwrap_err();
        assert_eq!(e.at, 22, "{e}");
        assert!(e.message.contains("ends"), "{e}");
        let e = Expr::parse("params.x == 'open").unwrap_err();
        assert_eq!(e.at, 13, "{e}");
        let e = Expr::parse("a b").unwrap_err();
        assert!(e.message.contains("after the end"), "{e}");
        let e = Expr::parse("a = b").unwrap_err();
        assert!(e.message.contains("unexpected `=`"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_not_a_crash() {
        let deep = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = Expr::parse(&deep).unwrap_err();
        assert!(e.message.contains("nests deeper than 64"), "{e}");
        let bangs = format!("{}true", "!".repeat(10_000));
        assert!(Expr::parse(&bangs).is_err());
        assert!(Expr::parse("((a))").is_ok());
    }

    #[test]
    fn paths_are_listed() {
        let e = Expr::parse("steps.a.ok && (params.b == 1 || !steps.c.output[0])").unwrap();
        assert_eq!(
            e.paths(),
            vec![
                vec!["steps".to_string(), "a".into(), "ok".into()],
                vec!["params".into(), "b".into()],
                vec!["steps".into(), "c".into(), "output".into()],
            ]
        );
    }
}

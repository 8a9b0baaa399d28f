//! The tools the model may call: their specs (OpenAI-style, JSON Schema arguments) and
//! the parsing of a call into a typed [`Action`], with an error that names the tool and
//! the field when the call is malformed.
//!
//! Parsing never touches the project; executing an action is `execute`'s job.

use serde_json::{Map, Value, json};

use crate::host::ToolSpec;

/// Tools that change files; a failed call to one of them is an edit failure.
pub const EDIT_TOOLS: &[&str] = &["replace", "write_file", "create_file", "delete_file"];

/// One parsed tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Read a text file.
    ReadFile {
        /// File path.
        path: String,
    },
    /// List a directory.
    ListFiles {
        /// Directory ("" for the root).
        dir: String,
        /// Include subdirectories.
        recursive: bool,
    },
    /// Search file contents.
    Search {
        /// Literal text or regular expression.
        query: String,
        /// Treat `query` as a regular expression.
        regex: bool,
    },
    /// Replace the single occurrence of `search` in a file.
    Replace {
        /// File path.
        path: String,
        /// Exact text to find.
        search: String,
        /// Text to put instead.
        replace: String,
    },
    /// Replace a file's whole content.
    WriteFile {
        /// File path.
        path: String,
        /// New content.
        content: String,
    },
    /// Create a new file.
    CreateFile {
        /// File path.
        path: String,
        /// Content.
        content: String,
    },
    /// Delete a file.
    DeleteFile {
        /// File path.
        path: String,
    },
    /// Run the project's tests.
    RunTests,
    /// Run a program the kernel allows (a build, lint or test tool), without a shell.
    RunProgram {
        /// Program name, e.g. `cargo`.
        program: String,
        /// Its arguments, one word each.
        args: Vec<String>,
    },
}

/// A tool call that cannot be executed as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The `path` argument, when the arguments were readable enough to have one.
    pub path: Option<String>,
    /// What is wrong, for the model.
    pub message: String,
}

/// The tool specs to offer; `run_tests` only when the project has a test command.
pub fn specs(tests_offered: bool) -> Vec<ToolSpec> {
    let string = |description: &str| json!({"type": "string", "description": description});
    let mut specs = vec![
        spec(
            "read_file",
            "Read a UTF-8 text file of the project.",
            json!({"path": string("File path relative to the project root.")}),
            &["path"],
        ),
        spec(
            "list_files",
            "List the files and folders of a directory.",
            json!({
                "dir": string("Directory relative to the project root; \"\" for the root."),
                "recursive": {"type": "boolean", "description": "Include subdirectories (default false)."}
            }),
            &["dir"],
        ),
        spec(
            "search",
            "Search the project's files for text; returns path:line: text for each match.",
            json!({
                "query": string("Text to find (or a regular expression when regex is true)."),
                "regex": {"type": "boolean", "description": "Treat query as a Rust regular expression (default false)."}
            }),
            &["query"],
        ),
        spec(
            "replace",
            "Replace one exact block of an existing file. `search` must be copied exactly from the file and occur exactly once.",
            json!({
                "path": string("File path relative to the project root."),
                "search": string("Exact existing text, a few whole lines, unique in the file."),
                "replace": string("The new text for that block.")
            }),
            &["path", "search", "replace"],
        ),
        spec(
            "write_file",
            "Replace a whole file's content (or create it). Only for new or very small files.",
            json!({"path": string("File path relative to the project root."), "content": string("The complete new content.")}),
            &["path", "content"],
        ),
        spec(
            "create_file",
            "Create a new file; fails if it already exists.",
            json!({"path": string("File path relative to the project root."), "content": string("The file's content.")}),
            &["path", "content"],
        ),
        spec(
            "delete_file",
            "Delete a file.",
            json!({"path": string("File path relative to the project root.")}),
            &["path"],
        ),
        spec(
            "run_program",
            "Run a build, lint or test tool the project allows (no shells), in the project root; returns the exit code and the end of its output.",
            json!({
                "program": string("The program's name only, e.g. \"cargo\"; no arguments, paths or shell syntax."),
                "args": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The arguments, one word per item, e.g. [\"clippy\", \"--all-targets\"]."
                }
            }),
            &["program", "args"],
        ),
    ];
    if tests_offered {
        specs.push(spec(
            "run_tests",
            "Run the project's tests; returns the exit code and the end of the output.",
            json!({}),
            &[],
        ));
    }
    specs
}

fn spec(name: &str, description: &str, properties: Value, required: &[&str]) -> ToolSpec {
    let schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    });
    ToolSpec {
        name: name.to_string(),
        description: description.to_string(),
        parameters_json: schema.to_string(),
    }
}

/// Parse a call of tool `name` with `arguments_json` into an [`Action`].
pub fn parse(name: &str, arguments_json: &str, tests_offered: bool) -> Result<Action, CallError> {
    let known = specs(tests_offered);
    if !known.iter().any(|s| s.name == name) {
        let names: Vec<&str> = known.iter().map(|s| s.name.as_str()).collect();
        let why = if name == "run_tests" {
            "this project has no known test command"
        } else {
            "there is no such tool"
        };
        return Err(CallError {
            path: None,
            message: format!(
                "unknown tool `{name}`: {why}; the tools are {}",
                names.join(", ")
            ),
        });
    }
    let text = arguments_json.trim();
    let value: Value = if text.is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(text).map_err(|e| CallError {
            path: None,
            message: format!(
                "the arguments of `{name}` are not valid JSON ({e}); send one JSON object"
            ),
        })?
    };
    let Value::Object(args) = value else {
        return Err(CallError {
            path: None,
            message: format!(
                "the arguments of `{name}` must be a JSON object, got {}",
                kind(&value)
            ),
        });
    };
    let fields = Fields {
        tool: name,
        args: &args,
    };
    let path = fields.string("path").ok();
    fields
        .action()
        .map_err(|message| CallError { path, message })
}

/// The arguments of one call, with field accessors that explain what is wrong.
struct Fields<'a> {
    tool: &'a str,
    args: &'a Map<String, Value>,
}

impl Fields<'_> {
    fn action(&self) -> Result<Action, String> {
        Ok(match self.tool {
            "read_file" => Action::ReadFile { path: self.path()? },
            "list_files" => Action::ListFiles {
                dir: self.string("dir")?,
                recursive: self.flag("recursive")?,
            },
            "search" => Action::Search {
                query: self.non_empty("query")?,
                regex: self.flag("regex")?,
            },
            "replace" => Action::Replace {
                path: self.path()?,
                search: self.non_empty("search")?,
                replace: self.string("replace")?,
            },
            "write_file" => Action::WriteFile {
                path: self.path()?,
                content: self.string("content")?,
            },
            "create_file" => Action::CreateFile {
                path: self.path()?,
                content: self.string("content")?,
            },
            "delete_file" => Action::DeleteFile { path: self.path()? },
            "run_program" => Action::RunProgram {
                program: self.program()?,
                args: self.words("args")?,
            },
            _ => Action::RunTests,
        })
    }

    fn string(&self, field: &str) -> Result<String, String> {
        match self.args.get(field) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "`{field}` of `{}` must be a string, got {}",
                self.tool,
                kind(other)
            )),
            None => Err(format!("`{}` needs the string field `{field}`", self.tool)),
        }
    }

    fn non_empty(&self, field: &str) -> Result<String, String> {
        let value = self.string(field)?;
        if value.trim().is_empty() {
            return Err(format!("`{field}` of `{}` must not be empty", self.tool));
        }
        Ok(value)
    }

    fn path(&self) -> Result<String, String> {
        self.non_empty("path").map(|p| p.trim().to_string())
    }

    /// A bare program name: one word, no shell syntax (the kernel decides the rest).
    fn program(&self) -> Result<String, String> {
        let program = self.non_empty("program")?.trim().to_string();
        if program.contains(char::is_whitespace) {
            return Err(format!(
                "`program` of `run_program` must be one word, got `{program}`; put the arguments in `args`, one per item"
            ));
        }
        if let Some(c) = program.chars().find(|c| "|&;<>`$()".contains(*c)) {
            return Err(format!(
                "`program` of `run_program` must be a plain program name, and `{c}` is shell syntax; programs run without a shell"
            ));
        }
        Ok(program)
    }

    /// A list of strings; missing or null means none.
    fn words(&self, field: &str) -> Result<Vec<String>, String> {
        match self.args.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(format!(
                        "`{field}` of `{}` must be a list of strings, but one item is {}",
                        self.tool,
                        kind(other)
                    )),
                })
                .collect(),
            Some(other) => Err(format!(
                "`{field}` of `{}` must be a list of strings, got {}",
                self.tool,
                kind(other)
            )),
        }
    }

    fn flag(&self, field: &str) -> Result<bool, String> {
        match self.args.get(field) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(format!(
                "`{field}` of `{}` must be true or false, got {}",
                self.tool,
                kind(other)
            )),
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;

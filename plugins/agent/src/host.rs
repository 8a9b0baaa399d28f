//! The agent's view of the kernel: plain Rust mirrors of the WIT types it uses and the
//! [`Host`] trait over the imports (model, workspace, workspace-edit, exec, progress, log).
//!
//! Everything else in the crate is written against this trait, so the tool loop runs
//! natively in unit tests with a scripted model and an in-memory project. Only
//! `component` implements it with the real imports; this module must never call them.

/// Machine-readable reason for a failure (mirrors `types.error-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The input was malformed.
    InvalidInput,
    /// A file or resource does not exist (for `replace`: the search text was not found).
    NotFound,
    /// The policy refused the operation.
    Denied,
    /// Larger than the limit allows.
    TooLarge,
    /// A quota or limit was reached.
    LimitExceeded,
    /// The capability is not available.
    Unavailable,
    /// Conflicts with the current state (for `replace`: several matches).
    Conflict,
    /// Something failed inside the host or the plugin.
    Internal,
}

/// Why a call failed (mirrors `types.error`).
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
}

impl Error {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }
}

/// Tokens and cost of model calls (mirrors `types.usage`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// Prompt tokens sent.
    pub input_tokens: u32,
    /// Completion tokens received.
    pub output_tokens: u32,
    /// Cost in US dollars.
    pub cost_usd: f64,
}

impl Usage {
    /// Add `other` to this sum (token counts saturate).
    pub fn add(&mut self, other: Usage) {
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
        self.cost_usd += other.cost_usd;
    }
}

/// Who said a message (mirrors `model.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Instructions.
    System,
    /// The user's words.
    User,
    /// The model's answers.
    Assistant,
    /// A tool result.
    Tool,
}

/// A tool the model may call (mirrors `model.tool-spec`).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// Tool name.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// JSON Schema of the arguments.
    pub parameters_json: String,
}

/// A tool call the model asked for (mirrors `model.tool-call`).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// Identifier to answer with.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments as JSON text.
    pub arguments_json: String,
}

/// One message of the conversation (mirrors `model.message`).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Who said it.
    pub role: Role,
    /// What was said.
    pub content: String,
    /// Tool calls of an assistant message.
    pub tool_calls: Vec<ToolCall>,
    /// For tool messages: the call answered.
    pub tool_call_id: Option<String>,
}

impl Message {
    /// A message without tool calls.
    pub fn text(role: Role, content: impl Into<String>) -> Self {
        Message {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }

    /// The answer to tool call `id`.
    pub fn tool_result(id: &str, content: impl Into<String>) -> Self {
        Message {
            role: Role::Tool,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: Some(id.to_string()),
        }
    }
}

/// A chat request (mirrors `model.chat-request`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// Model name; none lets the kernel route.
    pub model: Option<String>,
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// Tools offered.
    pub tools: Vec<ToolSpec>,
    /// Completion token cap.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
}

/// A chat answer (mirrors `model.chat-response`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    /// The model that answered.
    pub model: String,
    /// The assistant message.
    pub message: Message,
    /// Why generation stopped.
    pub finish_reason: String,
    /// Tokens and cost.
    pub usage: Usage,
}

/// One entry of a directory listing (mirrors `workspace.entry`).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Path relative to the project root.
    pub path: String,
    /// True for directories.
    pub is_dir: bool,
    /// Size in bytes.
    pub size: u64,
}

/// One line that matched a search (mirrors `workspace.search-match`).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchMatch {
    /// Path relative to the project root.
    pub path: String,
    /// 1-based line number.
    pub line: u32,
    /// The matching line.
    pub text: String,
}

/// What a finished program produced (mirrors `exec.output`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExecOutput {
    /// Exit code; none when killed.
    pub exit_code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// True when the timeout killed it.
    pub timed_out: bool,
}

/// Severity of a log line (mirrors `log.level`, the levels the agent uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Diagnostics.
    Debug,
    /// Normal operation.
    Info,
    /// Something unexpected that was handled.
    Warn,
}

/// The kernel's imports, as the tool loop uses them. Every call goes through the
/// kernel's policy; a refusal comes back as an [`Error`] with [`ErrorCode::Denied`].
pub trait Host {
    /// `model::chat`.
    fn chat(&mut self, request: ChatRequest) -> Result<ChatResponse, Error>;
    /// `workspace::read`.
    fn read(&mut self, path: &str) -> Result<String, Error>;
    /// `workspace::list-dir`.
    fn list_dir(&mut self, dir: &str, recursive: bool) -> Result<Vec<Entry>, Error>;
    /// `workspace::search` (literal or regex, case-sensitive, at most `max_results`).
    fn search(
        &mut self,
        query: &str,
        regex: bool,
        max_results: u32,
    ) -> Result<Vec<SearchMatch>, Error>;
    /// `workspace-edit::replace`: exactly one occurrence, or `not-found`/`conflict`.
    fn replace(&mut self, path: &str, search: &str, replace: &str) -> Result<(), Error>;
    /// `workspace-edit::write`.
    fn write(&mut self, path: &str, content: &str) -> Result<(), Error>;
    /// `workspace-edit::create`: fails with `conflict` if the file exists.
    fn create(&mut self, path: &str, content: &str) -> Result<(), Error>;
    /// `workspace-edit::delete`.
    fn delete(&mut self, path: &str) -> Result<(), Error>;
    /// `exec::run` in the project root, without a timeout of our own.
    fn exec(&mut self, program: &str, args: &[String]) -> Result<ExecOutput, Error>;
    /// `progress::report`.
    fn progress(&mut self, message: &str, fraction: Option<f32>);
    /// `log::log`.
    fn log(&mut self, level: Level, message: &str);
}

// A tiny syntax highlighter for diff lines: keywords, strings, comments and
// numbers of the common languages, picked by file extension. One line at a time
// (a diff shows fragments, so nothing spans lines); unknown languages stay plain.

const C_LIKE = "break case catch class const continue default do else enum export extends false finally for function if import in interface let new null return static struct super switch this throw true try typeof var void while yield";

const LANGUAGES = {
  py: {
    comment: "#",
    keywords: "and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return self True try while with yield",
  },
  rs: {
    comment: "//",
    rustChars: true,
    keywords: "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return Self self static struct super trait true type unsafe use where while Some None Ok Err",
  },
  js: { comment: "//", backtick: true, keywords: `${C_LIKE} async await delete instanceof of undefined` },
  ts: { comment: "//", backtick: true, keywords: `${C_LIKE} async await as declare implements keyof private protected public readonly type undefined` },
  go: {
    comment: "//",
    backtick: true,
    keywords: "break case chan const continue default defer else fallthrough for func go goto if import interface map nil package range return select struct switch true false type var",
  },
  c: { comment: "//", keywords: `${C_LIKE} auto char double float goto int long register short signed sizeof unsigned volatile bool namespace public private template typename virtual` },
  java: { comment: "//", keywords: `${C_LIKE} abstract boolean byte char double final float implements instanceof int long native package private protected public short synchronized throws transient volatile` },
  sh: { comment: "#", keywords: "case do done elif else esac export fi for function if in local return then until while" },
  rb: { comment: "#", keywords: "begin class def do else elsif end ensure false if module nil not or rescue return self true unless until when while yield" },
  conf: { comment: "#", keywords: "true false null" },
};

const EXTENSIONS = {
  py: "py", pyi: "py", rs: "rs", js: "js", mjs: "js", cjs: "js", jsx: "js",
  ts: "ts", tsx: "ts", go: "go", c: "c", h: "c", cc: "c", cpp: "c", hpp: "c",
  java: "java", kt: "java", sh: "sh", bash: "sh", rb: "rb",
  toml: "conf", yaml: "conf", yml: "conf", json: "conf", cfg: "conf", ini: "conf",
};

const compiled = new Map();

function language(path) {
  const ext = (path.split(".").pop() ?? "").toLowerCase();
  const name = EXTENSIONS[ext];
  if (!name) return null;
  if (!compiled.has(name)) {
    const spec = LANGUAGES[name];
    const comment = spec.comment === "#" ? "#.*" : "//.*";
    const strings = [String.raw`"(?:[^"\\]|\\.)*"?`];
    strings.push(spec.rustChars ? String.raw`'(?:\\.|[^\\'])'` : String.raw`'(?:[^'\\]|\\.)*'?`);
    if (spec.backtick) strings.push(String.raw`\x60(?:[^\x60\\]|\\.)*\x60?`);
    compiled.set(name, {
      keywords: new Set(spec.keywords.split(" ")),
      pattern: new RegExp(
        `(${comment})|(${strings.join("|")})|(\\b\\d[\\d_]*(?:\\.\\d+)?\\b)|([A-Za-z_]\\w*)`,
        "g",
      ),
    });
  }
  return compiled.get(name);
}

/** `text` as [kind, piece] pairs; kind is "com", "str", "num", "kw" or "". */
export function tokens(text, path) {
  const lang = language(path);
  if (!lang) return [["", text]];
  const out = [];
  let last = 0;
  for (const match of text.matchAll(lang.pattern)) {
    const [piece, comment, string, number, word] = match;
    let kind = "";
    if (comment) kind = "com";
    else if (string) kind = "str";
    else if (number) kind = "num";
    else if (word && lang.keywords.has(word)) kind = "kw";
    if (!kind) continue;
    if (match.index > last) out.push(["", text.slice(last, match.index)]);
    out.push([kind, piece]);
    last = match.index + piece.length;
  }
  if (last < text.length) out.push(["", text.slice(last)]);
  return out;
}

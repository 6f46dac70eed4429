// Reading the inputs of `homelab import` as their own programs read them: a LiteLLM config with
// its `include:` files (yaml.safe_load, YAML 1.1), env files as systemd reads them, JSONL, JSON. Pure: the
// caller hands over texts (and a function that returns an included file's text). Every value
// keeps where it came from, so each report names file and line.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { IMPORT_CODES, type ImportCode } from '../core/codes.js';
import { toPointer, type Diagnostic } from '../core/diagnostic.js';

export interface InputFile {
  /** The path as the user sees it (relative to the working directory, POSIX). */
  file: string;
  text: string;
}

/** One parsed YAML input: its JS value and a way back from a path to a line. */
export interface YamlSource {
  file: string;
  text: string;
  value: unknown;
  doc: Document;
  lines: LineCounter;
}

export type Path = (string | number)[];

/** A value and where it stands: file + path inside that file. */
export interface Located<T = unknown> {
  value: T;
  src: YamlSource;
  path: Path;
}


export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseYamlSource(input: InputFile): { src?: YamlSource; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  // PyYAML reads YAML 1.1 and keeps the last of two equal keys.
  const doc = parseDocument(input.text, { version: '1.1', lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lines.linePos(e.pos[0]);
    return {
      diagnostics: [{ code: IMPORT_CODES.parse, severity: 'error', file: input.file, pointer: '', line: pos.line, col: pos.col, message: `not valid YAML: ${e.message.split('\n')[0]}`, hint: 'LiteLLM would refuse this file too: fix the YAML syntax here' }],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return { diagnostics: [{ code: IMPORT_CODES.parse, severity: 'error', file: input.file, pointer: '', message: `cannot read YAML: ${(err as Error).message}`, hint: 'simplify the anchors and aliases of this file' }] };
  }
  return { src: { file: input.file, text: input.text, value, doc, lines }, diagnostics: [] };
}

/** Line and column of the key of `path` (or of its value when it is a list item). */
export function locate(src: YamlSource, path: Path): { line?: number; col?: number } {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = parentPath.length ? src.doc.getIn(parentPath, true) : src.doc.contents;
  let range: [number, number, number] | undefined | null;
  if (parent && typeof parent === 'object' && 'items' in parent && last !== undefined) {
    const items = (parent as { items: unknown[] }).items;
    if (typeof last === 'number') {
      range = (items[last] as { range?: [number, number, number] } | undefined)?.range;
    } else {
      const pair = items.find((p) => (p as { key?: { value?: unknown } }).key?.value === last) as { key?: { range?: [number, number, number] } } | undefined;
      range = pair?.key?.range;
    }
  }
  if (!range) return {};
  const pos = src.lines.linePos(range[0]);
  return { line: pos.line, col: pos.col };
}

export interface Report {
  code: ImportCode;
  severity?: 'error' | 'warning';
  message: string;
  hint?: string;
}

export function diagAt(at: { src: YamlSource; path: Path } | { file: string; line?: number }, r: Report): Diagnostic {
  if ('src' in at) {
    return { code: r.code, severity: r.severity ?? 'warning', file: at.src.file, pointer: toPointer(at.path), ...locate(at.src, at.path), message: r.message, hint: r.hint };
  }
  return { code: r.code, severity: r.severity ?? 'warning', file: at.file, pointer: '', ...(at.line ? { line: at.line, col: 1 } : {}), message: r.message, hint: r.hint };
}

/** A variable of an env file, with its line. */
export interface EnvVar {
  value: string;
  file: string;
  line: number;
}

/** One `KEY=VALUE` of an env file (value undefined: the line had no `=`), at the line it starts on. */
interface EnvAssignment {
  key: string;
  value?: string;
  line: number;
  /** A # after a blank outside quotes: it reads like a comment, but systemd keeps it in the value. */
  hasInlineHash?: boolean;
}

const ENV_BLANK = ' \t\n\r';
const ENV_NEWLINE = '\n\r';
/** What a backslash escapes inside double quotes (systemd's SHELL_NEED_ESCAPE); before anything else it stays. */
const ENV_DQ_ESCAPED = '"\\`$';

/** Where the trailing blanks of `text` + `c` begin (-1: none), given where those of `text` do. */
function blankFrom(mark: number, text: string, c: string): number {
  if (!ENV_BLANK.includes(c)) return -1;
  return mark < 0 ? text.length : mark;
}

/**
 * The assignments of an env file as systemd's EnvironmentFile= reads them (systemd
 * src/basic/env-file.c, parse_env_file_internal): a line starting with # or ; is a comment;
 * blanks around the key and before the value are dropped; unquoted, trailing blanks are dropped,
 * a backslash takes the next character as it is and a # is part of the value; in '…' everything
 * is literal; in "…" a backslash escapes \\ " $ and ` only; quoted and unquoted pieces join; a
 * backslash-newline joins lines, and quotes may span them.
 */
function envAssignments(text: string): EnvAssignment[] {
  const out: EnvAssignment[] = [];
  type State = 'preKey' | 'key' | 'preValue' | 'value' | 'valueEscape' | 'single' | 'double' | 'doubleEscape' | 'comment';
  let state: State = 'preKey';
  let key = '';
  let value = '';
  let line = 1;
  let start = 1;
  /** Where trailing blanks begin in the key / the unquoted value (-1: none). */
  let keyBlank = -1;
  let valueBlank = -1;
  let hasInlineHash = false;
  let previous = '';
  /** End the assignment (and the line). */
  const push = (hasValue: boolean) => {
    const v = state === 'value' && valueBlank >= 0 ? value.slice(0, valueBlank) : value;
    out.push({ key: keyBlank >= 0 ? key.slice(0, keyBlank) : key, ...(hasValue ? { value: v } : {}), line: start, ...(hasInlineHash ? { hasInlineHash } : {}) });
    [key, value, hasInlineHash, state] = ['', '', false, 'preKey'];
  };
  for (const c of text) {
    const isNewline = ENV_NEWLINE.includes(c);
    if (c === '#' && (state === 'preValue' || state === 'value') && ' \t'.includes(previous)) hasInlineHash = true;
    previous = c;
    switch (state) {
      case 'preKey':
        if (c === '#' || c === ';') state = 'comment';
        else if (!ENV_BLANK.includes(c)) [state, key, keyBlank, start] = ['key', c, -1, line];
        break;
      case 'key':
        if (isNewline) push(false);
        else if (c === '=') [state, valueBlank] = ['preValue', -1];
        else [keyBlank, key] = [blankFrom(keyBlank, key, c), key + c];
        break;
      case 'preValue':
        if (isNewline) push(true);
        else if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '\\') state = 'valueEscape';
        else if (!ENV_BLANK.includes(c)) [state, value] = ['value', value + c];
        break;
      case 'value':
        if (isNewline) push(true);
        else if (c === '\\') [state, valueBlank] = ['valueEscape', -1];
        else [valueBlank, value] = [blankFrom(valueBlank, value, c), value + c];
        break;
      case 'valueEscape':
        state = 'value';
        if (!isNewline) value += c;
        break;
      case 'single':
        if (c === "'") state = 'preValue';
        else value += c;
        break;
      case 'double':
        if (c === '"') state = 'preValue';
        else if (c === '\\') state = 'doubleEscape';
        else value += c;
        break;
      case 'doubleEscape':
        state = 'double';
        if (ENV_DQ_ESCAPED.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'comment':
        if (isNewline) state = 'preKey';
        break;
    }
    if (c === '\n') line++;
  }
  if (state === 'key') push(false);
  else if (state !== 'preKey' && state !== 'comment') push(true);
  return out;
}

/**
 * KEY=VALUE files as systemd's EnvironmentFile= reads them (envAssignments), plus the `export `
 * prefix a shell-style file carries. A line that is no assignment is reported, never fatal.
 */
export function parseEnvFile(input: InputFile): { vars: Map<string, EnvVar>; diagnostics: Diagnostic[] } {
  const vars = new Map<string, EnvVar>();
  const diagnostics: Diagnostic[] = [];
  for (const a of envAssignments(input.text)) {
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(a.key);
    if (!m || a.value === undefined) {
      diagnostics.push(diagAt({ file: input.file, line: a.line }, { code: IMPORT_CODES.parse, message: 'not a KEY=VALUE line: ignored', hint: 'env files hold one KEY=VALUE a line' }));
      continue;
    }
    if (m[0] !== m[1]) {
      // systemd takes `export NAME` as the key, not a variable name, and drops the line
      // (src/basic/env-file.c); a shell or python-dotenv reads it. Which one loads the file is not
      // in it: import takes the value and says where it would be lost.
      diagnostics.push(diagAt({ file: input.file, line: a.line }, {
        code: IMPORT_CODES.parse,
        message: `${m[1]} is set with "export": systemd's EnvironmentFile= ignores this line, so a service that loads the file that way never had ${m[1]}`,
        hint: `drop "export " if a unit loads this file; import took the value as a shell would`,
      }));
    }
    if (a.hasInlineHash) {
      diagnostics.push(diagAt({ file: input.file, line: a.line }, {
        code: IMPORT_CODES.parse,
        message: `${m[1]} is ${JSON.stringify(a.value)}: the # and what follows are part of the value, as systemd reads it (a comment starts only a line)`,
        hint: 'put the comment on a line of its own, or quote the value if the # belongs to it',
      }));
    }
    vars.set(m[1]!, { value: a.value, file: input.file, line: a.line });
  }
  return { vars, diagnostics };
}

/** Line ranges between `# BEGIN MLXCTL AUTO` and `# END MLXCTL AUTO` (mlxctl's managed block). */
export function mlxctlBlocks(text: string): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  text.split('\n').forEach((l, i) => {
    if (/^\s*#\s*BEGIN MLXCTL AUTO/.test(l)) start = i + 1;
    else if (/^\s*#\s*END MLXCTL AUTO/.test(l) && start > 0) {
      out.push([start, i + 1]);
      start = -1;
    }
  });
  return out;
}

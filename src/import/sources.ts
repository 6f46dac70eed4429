// Reading the inputs of `homelab import` as their own programs read them: a LiteLLM config with
// its `include:` files (yaml.safe_load, YAML 1.1), dotenv-style env files, JSONL, JSON. Pure: the
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

/**
 * KEY=VALUE files as systemd's EnvironmentFile and python-dotenv read them: `#` comments,
 * optional `export `, single or double quotes. A malformed line is reported, never fatal.
 */
export function parseEnvFile(input: InputFile): { vars: Map<string, EnvVar>; diagnostics: Diagnostic[] } {
  const vars = new Map<string, EnvVar>();
  const diagnostics: Diagnostic[] = [];
  input.text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      diagnostics.push(diagAt({ file: input.file, line: i + 1 }, { code: IMPORT_CODES.parse, message: 'not a KEY=VALUE line: ignored', hint: 'env files hold one KEY=VALUE a line' }));
      return;
    }
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.lastIndexOf(q) > 0) value = value.slice(1, value.lastIndexOf(q));
    else value = value.replace(/\s+#.*$/, '');
    vars.set(m[1]!, { value, file: input.file, line: i + 1 });
  });
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

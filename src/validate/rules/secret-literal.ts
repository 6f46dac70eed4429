import type { Diagnostic } from '../diagnostic.js';
import { MANIFEST_PATH } from '../../compile/index.js';
import { at, type Rule } from '../context.js';
import type { RegistryFileName } from '../../registry/load.js';
import { toPointer } from '../diagnostic.js';

const code = 'secret-literal';

const PREFIXED: [RegExp, string][] = [
  [/\bsk-[A-Za-z0-9_-]{16,}/g, 'an API key (sk-…)'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, 'a bearer token'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, 'a JSON web token'],
  [/\b(?:ghp|gho|ghs|hf|xox[abp])_[A-Za-z0-9]{20,}/g, 'an access token'],
];

function isWordChar(c: number): boolean {
  // A-Z a-z 0-9 +
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43;
}

function classifyWord(word: string): string | undefined {
  if (/^[0-9a-fA-F]+$/.test(word)) return 'a long hex token';
  if (/[A-Z]/.test(word) && /[a-z]/.test(word) && /[0-9]/.test(word)) return 'a base64 token';
  return undefined;
}

/**
 * Runs of 32+ word characters (and their base64 padding). A `{32,}` regex retries every start
 * inside each shorter word, and matching every word allocates one object per word — both showed
 * in the profile at 10,000 handles. A run of 32 or more covers every residue modulo 32, so only
 * every 32nd character is looked at: where it is a word character, the run around it is measured
 * (each run once, then the scan jumps past it). Generated files of 10,000 handles are 9 MB.
 */
function longWords(text: string): { index: number; value: string }[] {
  const out: { index: number; value: string }[] = [];
  const n = text.length;
  for (let probe = 31; probe < n; probe += 32) {
    if (!isWordChar(text.charCodeAt(probe))) continue;
    let start = probe;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    let i = probe + 1;
    while (i < n && isWordChar(text.charCodeAt(i))) i++;
    if (i - start >= 32) {
      let end = i;
      while (end < n && end - i < 2 && text.charCodeAt(end) === 61) end++; // '=' padding
      out.push({ index: start, value: text.slice(start, end) });
    }
    // The next probe lies past this run (the character at i is no word character).
    while (probe + 32 <= i) probe += 32;
  }
  return out;
}

export function findSecrets(text: string): { index: number; kind: string; value: string }[] {
  const hits: { index: number; kind: string; value: string }[] = [];
  for (const [pattern, kind] of PREFIXED) for (const m of text.matchAll(pattern)) hits.push({ index: m.index!, kind, value: m[0] });
  for (const w of longWords(text)) {
    const kind = classifyWord(w.value.replace(/=+$/, ''));
    if (kind && !hits.some((h) => h.index <= w.index && w.index < h.index + h.value.length)) hits.push({ index: w.index, kind, value: w.value });
  }
  return hits.sort((a, b) => a.index - b.index);
}

function position(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

function redact(value: string): string {
  return `${value.slice(0, 4)}…(${value.length} chars)`;
}

/**
 * A name that says its value is secret: one of its `_`/`-`/`.` pieces is, or ends in, KEY, TOKEN,
 * SECRET, PASSWORD or PASSWD (any case): OPENAI_API_KEY, --client-secret, SMTP_PASSWD, APIKEY.
 * Pieces, not substrings: StrictHostKeyChecking, KEYRING_DIR and max_output_tokens say no such thing.
 */
const SECRET_PIECE_END = /(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)(?=[-_.]|$)/i;

export function isSecretName(name: string): boolean {
  // A piece ends where a separator or the name ends: one test, no array of pieces per key.
  return SECRET_PIECE_END.test(name);
}

/**
 * The wider test, for where a false alarm costs nothing: a name that merely contains one of those
 * words (or CREDENTIAL) may hold a secret, so a plan never shows its value and import never reads
 * it into the registry. The rule above must not fire on KEYRING_DIR; a redaction may.
 */
export function mayHoldSecret(name: string): boolean {
  return /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i.test(name);
}

/**
 * A value that names a secret instead of holding it: os.environ/X, ${X}, $X, or LiteLLM's keyless
 * placeholder. In an env file the renderer writes `$` as `\$` (a literal dollar), so `\${X}` there
 * is the same reference text, not a value.
 */
function isReference(value: string): boolean {
  return /^(?:os\.environ\/[A-Za-z_][A-Za-z0-9_]*|\\?\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*|none)$/.test(value);
}

/**
 * Secret-named assignments in a generated text: NAME=value (env files, Environment=, arguments)
 * and `name: value` (YAML), whose value is no reference to a secret.
 */
export function secretAssignments(text: string): { index: number; name: string; value: string }[] {
  const hits: { index: number; name: string; value: string }[] = [];
  // A secret name has a piece ending in one of these words (isSecretName), and no assignment
  // spans a line break (a match starting on the '\n' before a line finds what `^` finds), so
  // only the lines holding such a word are read: at 10,000 handles router.yaml has 130,000
  // `name: value` pairs, and one line in eight names a key (max_output_tokens names none).
  let done = -1;
  for (const word of text.matchAll(/(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)(?![A-Za-z0-9])/gi)) {
    if (word.index! < done) continue;
    const lineStart = text.lastIndexOf('\n', word.index!) + 1;
    const next = text.indexOf('\n', word.index!);
    const lineEnd = next < 0 ? text.length : next;
    done = lineEnd;
    const line = text.slice(lineStart, lineEnd);
    for (const m of line.matchAll(/(^|[\s"'])(-{0,2}[A-Za-z_][A-Za-z0-9_-]*)(=|: )"?([^\s"']+)/gm)) {
      if (/^\s*(?:#|<!--)/.test(line.slice(0, m.index! + 1))) continue; // a comment
      const name = m[2]!.replace(/^-+/, '');
      const value = m[4]!;
      if (!isSecretName(name) || isReference(value)) continue;
      hits.push({ index: lineStart + m.index! + m[1]!.length, name, value });
    }
  }
  return hits;
}

/**
 * Secret-named values in registry data: keys (run.environment, …) and NAME=value / --name value
 * arguments. `path` is one array pushed and popped on the way down (the registry has 100,000
 * values at 10,000 handles); a hit gets a copy.
 */
function secretValues(value: unknown, path: (string | number)[], out: { path: (string | number)[]; name: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === 'string') {
        const assign = /^(-{0,2})([A-Za-z_][A-Za-z0-9_-]*)=(.+)$/.exec(item);
        if (assign && isSecretName(assign[2]!) && !isReference(assign[3]!)) out.push({ path: [...path, i], name: assign[2]! });
        const next = value[i + 1];
        if (/^--?[A-Za-z][A-Za-z0-9_-]*$/.test(item) && isSecretName(item) && typeof next === 'string' && next !== '' && !next.startsWith('-') && !isReference(next)) {
          out.push({ path: [...path, i + 1], name: item.replace(/^-+/, '') });
        }
      } else {
        path.push(i);
        secretValues(item, path, out);
        path.pop();
      }
    });
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'string') {
        if (child !== '' && isSecretName(key) && !isReference(child)) out.push({ path: [...path, key], name: key });
      } else {
        path.push(key);
        secretValues(child, path, out);
        path.pop();
      }
    }
  }
}

const REGISTRY_HINT = 'secrets never go in the registry: declare the name in settings.yaml secrets and keep the value in the service\'s secrets file on the host; rotate the exposed key';
const GENERATED_HINT = 'a generated file must reference secrets by name (os.environ/X, ${X}); find the registry value it came from, or run `homelab compile` to replace a hand edit';

/**
 * Nothing that looks like a key or token, and no value of a secret-named variable, in the
 * registry, in what compile would write, or in the files on disk in generated/.
 */
export const secretLiteral: Rule = {
  code,
  check({ reg, files, generated }) {
    const out: Diagnostic[] = [];
    const scan = (file: string, text: string, hint: string, isGenerated: boolean) => {
      for (const hit of findSecrets(text)) {
        out.push({ code, severity: 'error', file, pointer: '', ...position(text, hit.index), message: `${hit.kind} literal: ${redact(hit.value)}`, hint });
      }
      if (!isGenerated) return;
      for (const hit of secretAssignments(text)) {
        out.push({ code, severity: 'error', file, pointer: '', ...position(text, hit.index), message: `${hit.name} holds a value (${redact(hit.value)}): its name says it is a secret`, hint });
      }
    };
    for (const src of Object.values(reg.sources)) scan(src.file, src.text, REGISTRY_HINT, false);
    const data: [RegistryFileName, string[], unknown][] = [
      ['hosts.yaml', ['hosts'], reg.hosts],
      ['endpoints.yaml', ['endpoints'], reg.endpoints],
      ['models.yaml', ['models'], reg.models],
      ['handles.jsonl', [], reg.handles],
      ['settings.yaml', [], reg.settings],
    ];
    for (const [file, root, value] of data) {
      const found: { path: (string | number)[]; name: string }[] = [];
      secretValues(value, root, found);
      for (const f of found) {
        out.push(at(reg, file, toPointer(f.path), { code, message: `${f.name} holds a value: its name says it is a secret, and secrets never go in the registry`, hint: REGISTRY_HINT }));
      }
    }
    const dir = generated?.dir ?? 'generated';
    for (const f of files()) {
      // The manifest's sha256 digests are hex by design.
      if (f.path === MANIFEST_PATH) continue;
      scan(`${dir}/${f.path}`, f.content, GENERATED_HINT, true);
      // What is on disk may hold a pasted key that compile would not write: name it as a secret, not only as drift.
      const disk = generated?.onDisk.get(f.path);
      if (disk !== undefined && disk !== f.content) scan(`${dir}/${f.path}`, disk, GENERATED_HINT, true);
    }
    return out;
  },
};

import type { Diagnostic } from '../diagnostic.js';
import { MANIFEST_PATH } from '../../compile/index.js';
import type { Rule } from '../context.js';

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
 * Runs of 32+ word characters (and their base64 padding), found with one linear pass over the
 * char codes: a `{32,}` regex retries every start inside each shorter word, and matching every
 * word allocates one object per word — both showed in the profile at 10,000 handles.
 */
function longWords(text: string): { index: number; value: string }[] {
  const out: { index: number; value: string }[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const isWord = i < text.length && isWordChar(text.charCodeAt(i));
    if (isWord) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= 32) {
      let end = i;
      while (end < text.length && end - i < 2 && text.charCodeAt(end) === 61) end++; // '=' padding
      out.push({ index: start, value: text.slice(start, end) });
    }
    start = -1;
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

/** Nothing that looks like a key or token in the registry or the generated files. */
export const secretLiteral: Rule = {
  code,
  check({ reg, files, generated }) {
    const out: Diagnostic[] = [];
    const scan = (file: string, text: string, hint: string) => {
      for (const hit of findSecrets(text)) {
        out.push({ code, severity: 'error', file, pointer: '', ...position(text, hit.index), message: `${hit.kind} literal: ${redact(hit.value)}`, hint });
      }
    };
    for (const src of Object.values(reg.sources)) {
      scan(src.file, src.text, 'secrets never go in the registry: declare the name in settings.yaml secrets and keep the value in the service\'s secrets file on the host; rotate the exposed key');
    }
    const dir = generated?.dir ?? 'generated';
    for (const f of files()) {
      // The manifest's sha256 digests are hex by design.
      if (f.path === MANIFEST_PATH) continue;
      scan(`${dir}/${f.path}`, f.content, 'a generated file must reference secrets by name (os.environ/X, ${X}); find the registry value it came from');
    }
    return out;
  },
};

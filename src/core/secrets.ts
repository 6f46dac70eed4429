// Secret detection, shared by the secret-literal rule, the deploy plan's redaction and import:
// what looks like a key or token in a text, which names say their value is secret, and the names
// of the secrets with a fixed role in the mesh.

/** Secret variable names with a fixed role in the mesh (declared per service in settings.yaml). */
export const SECRET = {
  /** general_settings.master_key of the gateway. */
  masterKey: 'LITELLM_MASTER_KEY',
  /**
   * Bearer the gateway sends to OptiLLM. Never in OptiLLM's own environment: there this name
   * switches OptiLLM to local inference (optillm/server.py, v0.3.12).
   */
  gatewayToOptillm: 'OPTILLM_API_KEY',
  /** OptiLLM's inbound key, passed as --optillm-api-key (never as OPTILLM_API_KEY in its env). */
  optillmInbound: 'OPTILLM_PROXY_KEY',
  /** Key OptiLLM calls the gateway back with (read natively by OptiLLM's OpenAI client). */
  optillmUpstream: 'OPENAI_API_KEY',
} as const;

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
  // The same line comes back thousands of times (`      api_key: none` once per router.yaml
  // entry): each distinct line is read once, its hits kept relative to its start.
  const lines = new Map<string, LineHit[]>();
  let done = -1;
  for (const word of text.matchAll(/(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)(?![A-Za-z0-9])/gi)) {
    if (word.index! < done) continue;
    const lineStart = text.lastIndexOf('\n', word.index!) + 1;
    const next = text.indexOf('\n', word.index!);
    const lineEnd = next < 0 ? text.length : next;
    done = lineEnd;
    const line = text.slice(lineStart, lineEnd);
    let found = lines.get(line);
    if (!found) lines.set(line, (found = lineAssignments(line)));
    for (const h of found) hits.push({ index: lineStart + h.offset, name: h.name, value: h.value });
  }
  return hits;
}

interface LineHit {
  offset: number;
  name: string;
  value: string;
}

/** The secret-named assignments of one line, at their offsets in it. */
function lineAssignments(line: string): LineHit[] {
  const hits: LineHit[] = [];
  for (const m of line.matchAll(/(^|[\s"'])(-{0,2}[A-Za-z_][A-Za-z0-9_-]*)(=|: )"?([^\s"']+)/gm)) {
    if (/^\s*(?:#|<!--)/.test(line.slice(0, m.index! + 1))) continue; // a comment
    const name = m[2]!.replace(/^-+/, '');
    const value = m[4]!;
    if (!isSecretName(name) || isReference(value)) continue;
    hits.push({ offset: m.index! + m[1]!.length, name, value });
  }
  return hits;
}

/**
 * Secret-named values in registry data: keys (run.environment, …) and NAME=value / --name value
 * arguments. `path` is one array pushed and popped on the way down (the registry has 100,000
 * values at 10,000 handles); a hit gets a copy.
 */
export function secretValues(value: unknown, path: (string | number)[], out: { path: (string | number)[]; name: string }[]): void {
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

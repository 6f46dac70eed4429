// The documentation keeps up with the code: every diagnostic code the code can emit has its
// heading in docs/rules.md, every command of the CLI its section in docs/commands.md, every
// relative link in the docs leads to a file, and the docs stand on their own (no pointer to
// files that exist only beside this repository).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_CODES, RULE_CODES, RUN_CODES } from '../src/core/codes.js';
import { ENDPOINT_KINDS, KINDS } from '../src/kinds/index.js';
import { ACCEPTABLE_CODES } from '../src/registry/schema.js';
import { RULES } from '../src/validate/index.js';
import { ROOT, runCli } from './helpers.js';

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name));
}

const DOCS = [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'docs'), '.md')];
const read = (path: string) => readFileSync(path, 'utf8');

describe('docs/rules.md', () => {
  const rules = read(join(ROOT, 'docs/rules.md'));

  it('has one heading per diagnostic code the code defines, and no heading for a code that is gone', () => {
    // Diagnostic.code is the literal union of src/core/codes.ts, so the compiler holds every
    // emitted code to that list; here the list is held to the docs, both ways.
    expect(DOCUMENTED_CODES).toEqual(expect.arrayContaining(['registry-parse', 'routing-loop', 'service-run', 'handle-reused', 'accept-unused', 'import-parse']));
    const headings = [...rules.matchAll(/^## `([a-z0-9-]+)`$/gm)].map((m) => m[1]!);
    expect(DOCUMENTED_CODES.filter((code) => !headings.includes(code))).toEqual([]);
    expect(headings.filter((h) => !(DOCUMENTED_CODES as readonly string[]).includes(h))).toEqual([]);
  });

  it('lists the rules in the order validate runs them, one rule per code', () => {
    expect(RULES.map((r) => r.code)).toEqual([...RULE_CODES]);
  });

  it('names every warning settings.yaml accept may name, in its Accepted warnings section and in registry.md', () => {
    // The schema's enum is the list; a code missing from the docs is a trade-off nobody knows can be accepted.
    const accepted = rules.slice(rules.indexOf('## Accepted warnings'), rules.indexOf('\n## ', rules.indexOf('## Accepted warnings') + 5));
    const registry = read(join(ROOT, 'docs/registry.md'));
    const accept = registry.slice(registry.indexOf('### `accept`'), registry.indexOf('\n## ', registry.indexOf('### `accept`')));
    expect(ACCEPTABLE_CODES).toContain('gateway-passthrough');
    expect(ACCEPTABLE_CODES.filter((code) => !accepted.includes(`\`${code}\``))).toEqual([]);
    expect(ACCEPTABLE_CODES.filter((code) => !accept.includes(`\`${code}\``))).toEqual([]);
  });

  it('has each heading once', () => {
    const headings = [...rules.matchAll(/^## `([a-z0-9-]+)`$/gm)].map((m) => m[1]!);
    expect(headings.filter((h, i) => headings.indexOf(h) !== i)).toEqual([]);
  });
});

describe('docs/registry.md', () => {
  it('names every endpoint kind and its handle prefix in its Kinds paragraph', () => {
    const doc = read(join(ROOT, 'docs/registry.md'));
    const kinds = doc.slice(doc.indexOf('**Kinds.**'), doc.indexOf('\n\n', doc.indexOf('**Kinds.**')));
    expect(kinds.length).toBeGreaterThan(100);
    expect(ENDPOINT_KINDS.filter((k) => !kinds.includes(`\`${k}\``))).toEqual([]);
    const prefixes = ENDPOINT_KINDS.map((k) => KINDS[k].handlePrefix).filter((p): p is string => p !== null);
    expect(prefixes.filter((p) => !kinds.includes(`\`${p}\``))).toEqual([]);
  });

  it('names every key of every registry file (schemas/*.schema.json) in a code span', () => {
    // The words of every `code span` (`deploy.root`, `lan.approved`, `agents.<name>.model` name
    // deploy, root, lan, approved, agents, model): a key the schemas accept and the page never
    // names is a key a newcomer can only learn from the source.
    const doc = read(join(ROOT, 'docs/registry.md'));
    const words = new Set([...doc.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1]!.split(/[^A-Za-z0-9_-]+/)));
    const keys = new Map<string, string>();
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, at));
      if (typeof node !== 'object' || node === null) return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'properties') for (const [name, sub] of Object.entries(v as object)) {
          keys.set(name, `${at}/${name}`);
          walk(sub, `${at}/${name}`);
        }
        else walk(v, at);
      }
    };
    const schemas = readdirSync(join(ROOT, 'schemas')).filter((f) => f.endsWith('.schema.json'));
    expect(schemas.length).toBeGreaterThanOrEqual(6);
    for (const f of schemas) walk(JSON.parse(read(join(ROOT, 'schemas', f))), f);
    expect(keys.size).toBeGreaterThan(80);
    expect([...keys].filter(([name]) => !words.has(name)).map(([, where]) => where)).toEqual([]);
  });
});

describe('docs/commands.md', () => {
  it('names every code of a run that ended before any diagnostics', () => {
    const doc = read(join(ROOT, 'docs/commands.md'));
    expect(RUN_CODES.filter((code) => !doc.includes(`\`${code}\``))).toEqual([]);
  });

  it('has a section for every command `homelab --help` lists', async () => {
    const help = await runCli(['--help'], ROOT);
    expect(help.code).toBe(0);
    const section = help.stdout.slice(help.stdout.indexOf('Commands:'));
    const commands = [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['compile', 'validate', 'explain', 'lock', 'sync-gateway', 'health']));
    const doc = read(join(ROOT, 'docs/commands.md'));
    const missing = commands.filter((c) => !new RegExp(`^## \`homelab ${c}\`$`, 'm').test(doc));
    expect(missing).toEqual([]);
  });
});

describe('README.md and docs/', () => {
  it('start with the two commands CI and a new user run', () => {
    const readme = read(join(ROOT, 'README.md'));
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5));
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
    expect(firstBlock).toContain('npm ci && npx homelab compile');
    expect(firstBlock).toContain('bash scripts/setup-test-deps.sh && npm ci && npm test');
    expect(read(join(ROOT, '.ci/run'))).toContain('bash scripts/setup-test-deps.sh && npm ci && npm test');
  });

  // The spec and the fact files that sit beside the repository while it is developed. Spelled in
  // pieces so that this file does not itself hold the words a repository-wide grep looks for.
  const OUTSIDE = new RegExp(['\\.\\./' + 'shared', 'CON' + 'TRACT', '\\b' + 'refer' + 'ence/'].join('|'));

  it('never point at files outside the repository', () => {
    const offenders = DOCS.flatMap((file) =>
      read(file)
        .split('\n')
        .map((line, i) => ({ where: `${relative(ROOT, file)}:${i + 1}`, line }))
        .filter(({ line }) => OUTSIDE.test(line))
        .map(({ where }) => where),
    );
    expect(offenders).toEqual([]);
  });

  it('nor does any other file of the repository (source, tests, scripts, fixtures, CI)', () => {
    // Every file git would commit: tracked ones and new ones not ignored (node_modules, dist are).
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'src/cli/main.ts', '.ci/run']));
    const offenders = files.filter((file) => {
      const path = join(ROOT, file);
      if (!existsSync(path) || statSync(path).isDirectory()) return false;
      const bytes = readFileSync(path);
      return !bytes.includes(0) && OUTSIDE.test(bytes.toString('utf8'));
    });
    // This file spells the words in pieces; a line that spelled them whole would show here.
    expect(offenders).toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      for (const m of read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // http:, mailto:
        const path = relative(ROOT, resolve(dirname(file), target));
        if (!existsSync(join(ROOT, path))) broken.push(`${relative(ROOT, file)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

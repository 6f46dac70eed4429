// npm run bench:pathological: one pathological row must cost no more time or memory than the
// 10,000-handle registry of `npm run bench`. Each case edits a copy of the shipped registry and
// runs `homelab validate` and `homelab compile` on it (wall ms, peak RSS), next to the shipped
// registry itself. Compare with the 10k row of `npm run bench` on the same machine.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/main.js');
const PRELOAD = join(ROOT, 'scripts/rss-report.mjs');
const MILLION = 1_000_000;
const MEGABYTE = 1 << 20;

function run(args, cwd) {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'bench-rss-')), 'rss');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], { cwd, env: { ...process.env, HOMELAB_BENCH_RSS: rssFile, NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let rss = NaN;
  try {
    // Each line is `<peak RSS KB> <CPU µs>` (scripts/rss-report.mjs).
    rss = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[0]))) / 1024;
  } catch {
    /* the process died before reporting */
  }
  const out = `${r.stdout}${r.stderr}`;
  return { ms, rss, code: r.status, lines: out.split('\n').length, bytes: out.length, crashed: /internal error|RangeError|heap out of memory/.test(out) };
}

function withEdit(edit) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-patho-'));
  cpSync(join(ROOT, 'registry'), join(dir, 'registry'), { recursive: true });
  cpSync(join(ROOT, 'generated'), join(dir, 'generated'), { recursive: true });
  const read = (f) => readFileSync(join(dir, 'registry', f), 'utf8');
  const write = (f, t) => writeFileSync(join(dir, 'registry', f), t);
  edit(read, write);
  return dir;
}

const addRow = (row) => (read, write) => write('handles.jsonl', `${read('handles.jsonl')}${JSON.stringify(row)}\n`);
const CASES = [
  ['shipped registry', () => {}],
  ['a million copies of one member', addRow({ handle: 'opt-huge-s', endpoint: 'ep_optillm_proxy_4020', selector: { model: 'moa-ens-huge-s' }, members: Array.from({ length: MILLION }, (_, i) => (i % 2 ? 'ov-phi-4-mini-instruct-fp16' : 'ov-qwen2-5-3b-instruct-fp16')) })],
  ['a million distinct unknown members', addRow({ handle: 'opt-huge-s', endpoint: 'ep_optillm_proxy_4020', selector: { model: 'moa-ens-huge-s' }, members: Array.from({ length: MILLION }, (_, i) => `ov-missing-${i}`) })],
  ['a megabyte handle name', addRow({ handle: `ov-${'a'.repeat(MEGABYTE)}` })],
  ['a megabyte LAN approval', (read, write) => write('endpoints.yaml', read('endpoints.yaml').replace('approved: chat UI for the household', `approved: ${'word '.repeat(MEGABYTE / 5)}`))],
  ['a megabyte selector', addRow({ handle: 'opt-big-s', endpoint: 'ep_optillm_proxy_4020', selector: { model: `moa-${'b-'.repeat(MEGABYTE / 2)}x` }, members: ['ov-phi-4-mini-instruct-fp16', 'ov-qwen2-5-3b-instruct-fp16'] })],
];

console.log('case                                  validate ms  RSS MB  exit  out lines    compile ms  RSS MB  exit');
for (const [name, edit] of CASES) {
  const dir = withEdit(edit);
  const v = run(['validate', '--out', 'generated'], dir);
  const c = run(['compile', '--out', 'out'], dir);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a').padStart(7);
  console.log(`${name.padEnd(36)} ${f(v.ms)}     ${f(v.rss)}  ${String(v.code).padStart(4)}  ${String(v.lines).padStart(9)}    ${f(c.ms)}  ${f(c.rss)}  ${String(c.code).padStart(4)}${v.crashed || c.crashed ? '  CRASH' : ''}`);
  rmSync(dir, { recursive: true, force: true });
}

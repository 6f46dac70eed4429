// `homelab sync-gateway`: the Studio's MLX registry → registry edits → ledger (lock's code) →
// validate (any error stops) → compile → plan against what the gateway host has installed →
// apply over ssh with health checks and rollback. Local files are written only after the
// deploy succeeded, so the repo always describes what is serving.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileAll } from '../compile/index.js';
import { layout } from '../compile/layout.js';
import { SECRET } from '../core/secrets.js';
import { gatewayEndpoint, optillmEndpoint, serviceOfUnit } from '../compile/mesh.js';
import type { GeneratedFile } from '../compile/render.js';
import { buildRouteModel } from '../compile/routes.js';
import { Chalk, type ChalkInstance } from 'chalk';
import { applyPlan, DeployInterrupted, type SecretsNeed } from '../deploy/apply.js';
import { planDeploy, renderPlan, type DeployPlan } from '../deploy/plan.js';
import { readFiles, remoteHost, remotePath, sshTransport, type KeyNames, type Remote, type Transport } from '../deploy/remote.js';
import { routerNames } from '../deploy/verify.js';
import { gatewayBaseUrl, gatewayOutOfReach, renderSmokeTable, smoke } from './smoke.js';
import { UsageError } from '../core/errors.js';
import { readGeneratedState, withCompileLock, writeFileAtomic, writeOutputs } from '../io/outputs.js';
import { selfHost } from '../io/self-host.js';
import { parseRegistry, type Registry, type RegistryFileName } from '../registry/load.js';
import { displayPath, readRegistryTexts } from '../registry/read.js';
import { MlxRegistrySchema, REGISTRY_FILES, type MlxRegistry } from '../registry/schema.js';
import { describeIssue } from '../registry/zod-issues.js';
import { hasErrors, normalizeDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { validateRegistry } from '../validate/index.js';
import { planLock } from './lock.js';
import { syncMlxRegistry, type MlxSyncReport } from './mlx-sync.js';
import { renderSyncReport } from './sync-report.js';

export interface SyncOptions {
  registryDir: string;
  outDir: string;
  mlxRegistry?: string;
  isPrune: boolean;
  /** Undefined: the registry's optillm.route_via_optillm stays as it is. */
  routeViaOptillm?: boolean;
}

export interface SyncPrepared {
  registry: Registry;
  texts: Partial<Record<RegistryFileName, string>>;
  changedFiles: RegistryFileName[];
  report: MlxSyncReport;
  files: GeneratedFile[];
  diagnostics: Diagnostic[];
}

export async function readMlxRegistry(path: string): Promise<MlxRegistry> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the MLX registry ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; pass --mlx-registry FILE`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (version !== 1) {
    throw new UsageError(`${path}#/version: ${JSON.stringify(version) ?? 'missing'}: homelab reads the Studio's registry.json version 1, as mlxctl writes it ({"version": 1, "models": {"<slug>": {"model_id", "port", …}}})`);
  }
  const r = MlxRegistrySchema.safeParse(data, { reportInput: true });
  if (!r.success) {
    const lines = r.error.issues.flatMap((i) => describeIssue(MlxRegistrySchema, i)).map((d) => `  ${path}#/${d.path.join('/')}: ${d.message} (${d.hint})`);
    throw new UsageError(`${path} does not match schemas/mlx-registry.schema.json:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** Everything up to the plan: pure apart from reading the inputs. Diagnostics with errors stop here. */
export async function prepareSync(o: SyncOptions): Promise<SyncPrepared | { diagnostics: Diagnostic[] }> {
  const original = await readRegistryTexts(o.registryDir);
  const dir = displayPath(o.registryDir);
  const loaded = parseRegistry(original, dir);
  if (!loaded.registry) return { diagnostics: loaded.diagnostics };
  const mlxPath = o.mlxRegistry ?? loaded.registry.settings.sync?.mlx_registry;
  if (!mlxPath) throw new UsageError('no MLX registry: pass --mlx-registry FILE or set sync.mlx_registry in settings.yaml');
  const mlx = await readMlxRegistry(mlxPath);
  const { texts: edits, report } = syncMlxRegistry(loaded.registry, mlx, { isPrune: o.isPrune, routeViaOptillm: o.routeViaOptillm });
  const next = parseRegistry({ ...original, ...edits }, dir);
  if (!next.registry) return { diagnostics: next.diagnostics };
  // lock has already read the registry with the ledger it writes: its registry is the one to deploy.
  const lock = planLock(next.registry);
  if (lock.refused.length) return { diagnostics: lock.refused };
  const texts = { ...original, ...edits, 'ports.lock.yaml': lock.text };
  const reg = lock.registry;
  const routes = buildRouteModel(reg);
  const files = compileAll(reg, routes);
  const diagnostics = normalizeDiagnostics(validateRegistry(reg, { routes, files }).diagnostics);
  // In the registry's file order: the texts were read concurrently, so their key order is the
  // order the reads finished in, and the report must not change from one run to the next.
  const changedFiles = REGISTRY_FILES.map((f) => f.name).filter((k) => texts[k] !== original[k]);
  return { registry: reg, texts, changedFiles, report, files, diagnostics };
}

export function isPrepared(p: SyncPrepared | { diagnostics: Diagnostic[] }): p is SyncPrepared {
  return 'registry' in p && !hasErrors(p.diagnostics);
}

export interface Observed {
  plan: DeployPlan;
  /** Set when the plan was made against generated/ rather than the host (--plan only). */
  note?: string;
  currentRouter?: string;
}

/** What the gateway host has installed now, and the plan against it. `--offline` needs no host settings. */
export async function observe(p: SyncPrepared, outDir: string, allowOffline: boolean, isOffline = false, transport: Transport = sshTransport): Promise<Observed> {
  const reg = p.registry;
  const lay = layout(reg);
  const mine = p.files.filter((f) => f.host === lay.gatewayHost && f.install);
  try {
    if (isOffline) throw new Error('--offline');
    const r: Remote = { host: remoteHost(reg, lay.gatewayHost), transport };
    const installed = await readFiles(r, mine.map((f) => remotePath(r.host, f.install!)));
    const observed = new Map(mine.map((f, i) => [f.install!, installed[i]!.content]));
    const digests = new Map(mine.map((f, i) => [f.install!, installed[i]!.digest]));
    return { plan: planDeploy(reg, p.files, lay.gatewayHost, observed, digests), currentRouter: observed.get(lay.router.install) };
  } catch (err) {
    if (!allowOffline) throw err;
    // --plan without the host: plan against the last compile (generated/), and say so.
    const state = await readGeneratedState(outDir, p.files);
    const observed = new Map(mine.map((f) => [f.install!, state.onDisk.get(f.path)]));
    return {
      plan: planDeploy(reg, p.files, lay.gatewayHost, observed),
      note: isOffline
        ? `--offline: planned against ${state.dir}/ (the last compile), not against the files installed on ${lay.gatewayHost}`
        : `${lay.gatewayHost} could not be reached (${(err as Error).message}); planned against ${state.dir}/ instead of the files installed there`,
      currentRouter: observed.get(lay.router.install),
    };
  }
}

/** Secret names each restarted unit's new files reference (os.environ/X, ${X}), by unit. */
export function secretsNeeded(reg: Registry, files: readonly GeneratedFile[], units: readonly string[]): SecretsNeed[] {
  const needs: SecretsNeed[] = [];
  const host = layout(reg).gatewayHost;
  for (const unit of units) {
    const service = serviceOfUnit(reg, host, unit);
    const secrets = service ? reg.settings.secrets[service] : undefined;
    if (!secrets) continue;
    const text = files.filter((f) => f.unit === unit).map((f) => f.content).join('\n');
    const names = secrets.names.filter((n) => text.includes(`os.environ/${n}`) || text.includes(`\${${n}}`));
    if (names.length) needs.push({ unit, file: secrets.file, names });
  }
  return needs;
}

export interface DeployOptions {
  verifyTimeoutMs: number;
  deadlineS: number;
  restartTimeoutS: number;
  breakLock?: boolean;
  signal?: AbortSignal;
  /** Smoke-test the new and changed handles after the served list is verified. */
  isSmoke?: boolean;
  log: (l: string) => void;
  transport?: Transport;
  pollMs?: number;
}

/** The gateway↔OptiLLM key names to compare on the host, when both services keep secrets there. */
export function keyNames(reg: Registry): KeyNames | undefined {
  const lay = layout(reg);
  const gwService = gatewayEndpoint(reg)?.service;
  const opt = optillmEndpoint(reg);
  const gw = gwService ? reg.settings.secrets[gwService] : undefined;
  const os = opt ? reg.settings.secrets[opt.service] : undefined;
  if (!gw || !os || opt!.host !== lay.gatewayHost) return undefined;
  const need = (list: string[], names: string[]) => names.every((n) => list.includes(n));
  if (!need(gw.names, [SECRET.masterKey, SECRET.gatewayToOptillm]) || !need(os.names, [SECRET.optillmInbound, SECRET.optillmUpstream])) return undefined;
  return { gatewayFile: gw.file, optillmFile: os.file, ...SECRET };
}

/** The handles a sync adds or changes (what --smoke sends a request to). */
export function touchedHandles(p: SyncPrepared): string[] {
  const active = new Set(p.registry.handles.map((h) => h.handle));
  return [...new Set([...p.report.added, ...p.report.updated.map((u) => u.id)])].filter((h) => active.has(h)).sort();
}

export async function deploy(p: SyncPrepared, observed: Observed, o: DeployOptions): Promise<void> {
  const reg = p.registry;
  const lay = layout(reg);
  const r: Remote = { host: remoteHost(reg, lay.gatewayHost), transport: o.transport ?? sshTransport };
  // Verified from this machine: the URL that reaches the gateway from here (runSyncGateway has refused one out of reach).
  const gatewayUrl = gatewayBaseUrl(reg, selfHost(reg));
  const key = process.env.HOMELAB_GATEWAY_KEY ?? process.env[SECRET.masterKey];
  const newRouter = observed.plan.changes.find((c) => c.install === lay.router.install)?.after ?? observed.currentRouter;
  const handles = touchedHandles(p);
  await applyPlan(r, observed.plan, {
    secrets: secretsNeeded(reg, p.files, observed.plan.restarts),
    keys: keyNames(reg),
    gatewayUrl,
    gatewayUnit: lay.gatewayUnit,
    gatewayPort: gatewayEndpoint(reg)!.port,
    routerInstall: lay.router.install,
    oldNames: routerNames(observed.currentRouter),
    newNames: routerNames(newRouter),
    verifyTimeoutMs: o.verifyTimeoutMs,
    deadlineS: o.deadlineS,
    restartTimeoutS: o.restartTimeoutS,
    key,
    breakLock: o.breakLock,
    signal: o.signal,
    log: o.log,
    pollMs: o.pollMs,
    afterVerify: o.isSmoke
      ? async () => {
          if (!handles.length) {
            o.log('smoke: no new or changed handle to try');
            return { isOk: true };
          }
          const results = await smoke(reg, handles, { baseUrl: gatewayUrl, key, timeoutMs: o.verifyTimeoutMs });
          for (const line of renderSmokeTable(results, new Chalk({ level: 0 })).trimEnd().split('\n')) o.log(`smoke: ${line}`);
          const failed = results.filter((x) => !x.isOk);
          return failed.length ? { isOk: false, reason: `smoke failed for ${failed.map((x) => `${x.handle} (${x.error})`).join(', ')}` } : { isOk: true };
        }
      : undefined,
  });
}

/**
 * After a successful deploy: the registry edits and generated/ are written, atomically each, all
 * under generated/'s compile lock. A `homelab compile` running at that moment finishes on the
 * registry it read whole; one that starts meanwhile waits, then reads the new registry whole.
 */
async function writeLocal(p: SyncPrepared, registryDir: string, outDir: string, onWait: (pid: number) => void): Promise<string[]> {
  return withCompileLock(outDir, async () => {
    const written: string[] = [];
    for (const name of p.changedFiles) {
      await writeFileAtomic(join(registryDir, name), p.texts[name]!);
      written.push(`${displayPath(registryDir)}/${name}`);
    }
    const state = await readGeneratedState(outDir, p.files);
    const r = await writeOutputs(outDir, p.files, state);
    return [...written, ...r.written.map((w) => `${state.dir}/${w}`)];
  }, { onWait });
}

export interface SyncRun extends SyncOptions {
  /** Plan only (against the host, or generated/ when it cannot be reached or with isOffline). */
  isPlan: boolean;
  isOffline: boolean;
  /** Apply without asking. */
  isYes: boolean;
  deploy: Omit<DeployOptions, 'log' | 'signal'>;
}

/** How the pipeline talks to the person running it (the command supplies the terminal). */
export interface SyncUi {
  out: (text: string) => void;
  err: (text: string) => void;
  color: ChalkInstance;
  diagnostics: (diagnostics: Diagnostic[]) => void;
  confirm: (question: string) => Promise<boolean>;
}

/** Exit statuses of a sync a signal interrupted (it rolled back first): 128 + the signal number. */
const SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** MLX registry → registry → validate → compile → plan → (confirm) → transaction on the host → write locally. */
export async function runSyncGateway(o: SyncRun, ui: SyncUi): Promise<number> {
  const c = ui.color;
  const prepared = await prepareSync(o);
  ui.diagnostics(prepared.diagnostics);
  if (!isPrepared(prepared)) {
    ui.err('sync-gateway: stopped before deploying: fix the errors above.\n');
    return 1;
  }
  ui.out(renderSyncReport(prepared, c) + '\n\n');
  const observed = await observe(prepared, o.outDir, o.isPlan, o.isOffline, o.deploy.transport);
  if (observed.note) ui.err(`${c.yellow('note:')} ${observed.note}\n`);
  ui.out(renderPlan(observed.plan, c) + '\n');
  if (o.isPlan) return 0;
  // The verify step calls the gateway from this machine: refused before anything is asked or installed.
  const far = gatewayOutOfReach(prepared.registry, selfHost(prepared.registry));
  if (far) throw new UsageError(`sync-gateway verifies the gateway from this machine, but ${far.why}; or run sync-gateway on ${far.gw.host}`);
  const isChange = observed.plan.changes.length > 0;
  if (isChange && !o.isYes && !(await ui.confirm(`apply to ${observed.plan.host}?`))) {
    ui.out('not applied.\n');
    return 1;
  }
  // From here a signal rolls back instead of killing the process mid-way.
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!abort.signal.aborted) ui.err(`\n${sig}: rolling back; wait for the account of what is installed\n`);
    abort.abort(sig);
  };
  for (const s of Object.keys(SIGNALS)) process.on(s, onSignal);
  try {
    await deploy(prepared, observed, { ...o.deploy, signal: abort.signal, log: (line) => ui.err(`  ${line}\n`) });
  } catch (err) {
    if (!(err instanceof DeployInterrupted)) throw err;
    ui.err(`homelab: ${err.message}\n`);
    return SIGNALS[err.signalName as keyof typeof SIGNALS] ?? 130;
  } finally {
    for (const s of Object.keys(SIGNALS)) process.off(s, onSignal);
  }
  const host = observed.plan.host;
  const onWait = (pid: number) => ui.err(`sync-gateway: waiting for a compile (pid ${pid}) writing to ${o.outDir}…\n`);
  let written: string[];
  try {
    written = await writeLocal(prepared, o.registryDir, o.outDir, onWait);
  } catch (err) {
    // The host is done and verified; only this clone lags behind it. Say both, and how to catch up.
    ui.err(`homelab: ${host}: ${isChange ? 'deployed and verified' : 'the gateway serves this lineup (verified)'}, but the local files were not all written: ${(err as Error).message}\n` +
      `Fix that and run \`homelab sync-gateway\` again: ${host} already serves this lineup, so it only writes ${displayPath(o.registryDir)}/ and ${displayPath(o.outDir)}/.\n`);
    return 1;
  }
  for (const w of written) ui.out(`${c.green('wrote')} ${w}\n`);
  ui.out(isChange ? `${host}: deployed and verified.\n` : `${host}: nothing to change; the gateway serves this lineup (verified).\n`);
  return 0;
}

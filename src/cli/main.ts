#!/usr/bin/env node
// The homelab CLI: commander wiring and the mapping from outcomes to exit codes
// (0 ok · 1 check failed · 2 usage error, unreadable input or a bug). No process.exit below here.
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { printFailure, reportError, wantsJson } from './report.js';
import { DEFAULTS, FORMATS } from './defaults.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

// Commands are imported when they run: start-up stays at node's own plus what that command needs.
const commands = {
  compile: () => import('./commands/compile.js'),
  validate: () => import('./commands/validate.js'),
  explain: () => import('./commands/explain.js'),
  lock: () => import('./commands/lock.js'),
  health: () => import('./commands/health.js'),
  sync: () => import('./commands/sync-gateway.js'),
  smoke: () => import('./commands/smoke.js'),
  import: () => import('./commands/import.js'),
};

const registryOption = () => new Option('--registry <dir>', 'registry directory').default(DEFAULTS.registry);

function run(action: () => Promise<number>): Promise<void> {
  return action().then((code) => {
    process.exitCode = code;
  });
}

export function buildProgram(): Command {
  const program = new Command('homelab')
    .description('Compile and check the home LLM mesh from one typed registry.')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError('(run `homelab --help` for usage)')
    .exitOverride();

  program
    .command('compile')
    .description('write every generated file of the mesh')
    .addOption(registryOption())
    .option('--out <dir>', 'output directory', DEFAULTS.out)
    .option('--check', 'write nothing; exit 1 listing each file that would change')
    .action((o) => run(async () => (await commands.compile()).compileCmd(o)));

  program
    .command('validate')
    .description('run every rule over the registry and the generated files')
    .addOption(registryOption())
    .option('--out <dir>', 'generated directory to check for drift', DEFAULTS.out)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default(DEFAULTS.format))
    .option('--against <git-ref>', 'also compare ports and handles with the registry at this git ref')
    .action((o) => run(async () => (await commands.validate()).validateCmd(o)));

  program
    .command('explain')
    .description('the route of a handle, hop by hop, down to host:port')
    .argument('<handle>', 'a handle or internal gateway name')
    .addOption(registryOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((handle, o) => run(async () => (await commands.explain()).explainCmd(handle, o)));

  program
    .command('lock')
    .description('add new port assignments (and migrations) to ports.lock.yaml; never edit or drop an entry')
    .addOption(registryOption())
    .action((o) => run(async () => (await commands.lock()).lockCmd(o)));

  program
    .command('sync-gateway')
    .description("read the Studio's MLX registry, recompile, and push the gateway's files over ssh with health checks and rollback")
    .addOption(registryOption())
    .option('--mlx-registry <file>', "the Studio's MLX registry.json (default: settings.yaml sync.mlx_registry)")
    .option('--out <dir>', 'output directory', DEFAULTS.out)
    .option('--plan', 'show the plan and stop (exit 0)')
    .option('--offline', 'with --plan: plan against generated/ without contacting the host')
    .option('--yes', 'apply without asking')
    .option('--prune', 'remove the handles of models that left the MLX registry')
    .option('--route-via-optillm', 'route public mlx-* handles through OptiLLM (sets optillm.route_via_optillm: true)')
    .option('--no-route-via-optillm', 'map mlx-* handles straight to their MLX ports (sets it false)')
    .option('--timeout <seconds>', 'how long the gateway may take to become healthy after a restart', '60')
    .option('--deadline <seconds>', 'the host rolls back by itself unless the sync confirms within this time', '120')
    .option('--restart-timeout <seconds>', 'the longest one systemctl call may take on the host', '60')
    .option('--break-lock', "take over a deploy lock whose sync is gone (its transaction is rolled back first)")
    .option('--smoke', 'after the served list is verified, send each new or changed handle a one-token request; a failure rolls back')
    .action((o, cmd: Command) =>
      // Without either routing flag the registry's setting stays: commander's --no-x would default x to true.
      run(async () => (await commands.sync()).syncGatewayCmd({ ...o, routeViaOptillm: cmd.getOptionValueSource('routeViaOptillm') === 'cli' ? o.routeViaOptillm : undefined })),
    );

  program
    .command('smoke')
    .description('send each handle (default: all) a one-token chat completion through the gateway')
    .argument('[handles...]', 'handles to try')
    .addOption(registryOption())
    .option('--gateway <url>', 'the gateway, http://host:port (default: from the registry)')
    .option('--timeout <ms>', 'per-request timeout in milliseconds', '120000')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((handles: string[], o) => run(async () => (await commands.smoke()).smokeCmd(handles, o)));

  program
    .command('health')
    .description("probe every active endpoint's health route")
    .addOption(registryOption())
    .option('--host <name>', 'only endpoints of this host')
    .option('--timeout <ms>', 'per-probe timeout in milliseconds', '3000')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((o) => run(async () => (await commands.health()).healthCmd(o)));

  program
    .command('import')
    .description('read a hand-written mesh (LiteLLM config, env files, handles.jsonl, the Studio registry, OptiLLM selector env) and write a registry')
    .requiredOption('--router <file>', 'the LiteLLM config (router.yaml) the gateway runs with')
    .option('--env <file>', 'an env file the gateway loads (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--handles <file>', 'the handles.jsonl the mesh kept before homelab (or homelab\'s own)')
    .option('--mlx-registry <file>', "the Studio's MLX registry.json")
    .option('--optillm-env <file>', "OptiLLM's selector env (OPTILLM_<HANDLE>_MODEL=…)")
    .option('--out <dir>', 'registry directory to write', 'registry')
    .option('--force', 'overwrite the registry files of an existing directory')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default(DEFAULTS.format))
    .action((o) => run(async () => (await commands.import()).importCmd(o)));

  return program;
}

export function exitCodeFor(err: unknown, isJson = false): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    // Commander has printed its message on stderr; a JSON reader still gets one document.
    if (isJson) printFailure('usage-error', err.message.replace(/^error: /, ''), 'run `homelab --help` for usage');
    return 2;
  }
  return reportError(err, isJson);
}

async function main(): Promise<void> {
  const program = buildProgram();
  // Bare `homelab`: the help, on stderr, as a usage error.
  if (process.argv.length <= 2) {
    program.outputHelp({ error: true });
    process.exitCode = 2;
    return;
  }
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err, wantsJson(process.argv));
  }
}

await main();

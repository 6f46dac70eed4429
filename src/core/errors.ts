// Error classes that cross module boundaries; cli/main.ts maps each class to an exit code.

/** Bad flags, an unreadable input, a missing ref: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command on a remote host failed: exit 1 (a failed deploy step). */
export class RemoteCommandError extends Error {
  override name = 'RemoteCommandError';
  constructor(
    readonly host: string,
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    message?: string,
  ) {
    super(message ?? `on ${host}: \`${argv.join(' ')}\` exited ${exitCode ?? 'abnormally'}${stderr ? `: ${stderr.trim()}` : ''}`);
  }
}

/** A deploy step failed after validation passed (health check, rollback): exit 1. */
export class DeployError extends Error {
  override name = 'DeployError';
}

/** A bug in homelab itself: exit 2 with a request to report it. */
export class InternalError extends Error {
  override name = 'InternalError';
}

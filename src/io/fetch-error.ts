// What a failed fetch() means to an operator: a timeout, or the socket error's code
// (ECONNREFUSED, EHOSTUNREACH, ...) rather than undici's generic "fetch failed".
export function describeFetchError(err: unknown, timeoutMs?: number): string {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return timeoutMs === undefined ? 'no answer' : `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.message;
}

// The flag values every command shares, read by commander (main.ts) and by the fast path
// (fast.ts) alike; this module loads nothing, so the fast path stays fast.

export type Format = 'text' | 'json' | 'github';
export const FORMATS: readonly Format[] = ['text', 'json', 'github'];

export const DEFAULTS = { registry: 'registry', out: 'generated', format: 'text' } as const satisfies { registry: string; out: string; format: Format };

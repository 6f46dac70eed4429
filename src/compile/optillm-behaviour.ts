// What OptiLLM 0.3.12 does to a request besides choosing a technique: what the request loses on
// the way, and how many upstream calls each technique makes for its candidate answers. Read from
// the optillm repository at tag v0.3.12 (commit 5211f50454a666e98a63d9203e1e6adb977a76fa).
// OptiLLM cannot be installed here, so these two tables are the executable record; `explain`,
// the route rules and the tests all read them, never a copy.

/** A capability an OpenAI-style request can need from its route. */
export type Capability = 'tools' | 'images' | 'multi-turn' | 'streaming' | 'extra-params';

export interface Loss {
  capability: Capability;
  /** What happens to it in OptiLLM, for the pass-through `none` and for a technique. */
  passThrough: string;
  technique: string;
  source: string;
}

/**
 * Every request through OptiLLM is first flattened by `parse_conversation`, whatever its
 * technique, so each loss holds for every OptiLLM hop (pass-through included).
 */
export const OPTILLM_LOSSES: readonly Loss[] = [
  {
    capability: 'tools',
    passThrough: '`tools` reach the backend on the first turn only: role "tool" messages are dropped and an assistant tool call becomes the text "Assistant: None", so no tool result ever arrives',
    technique: 'the technique builds its own prompts; the client\'s tools and tool_choice are not used',
    source: 'optillm/server.py parse_conversation, proxy (v0.3.12)',
  },
  {
    capability: 'images',
    passThrough: 'list content keeps only its text parts: images are dropped',
    technique: 'list content keeps only its text parts: images are dropped',
    source: 'optillm/server.py parse_conversation (v0.3.12)',
  },
  {
    capability: 'multi-turn',
    passThrough: 'the conversation becomes one user message of "User: …/Assistant: …" lines after the system message',
    technique: 'the conversation becomes one string, initial_query, that the technique prompts with',
    source: 'optillm/server.py parse_conversation (v0.3.12)',
  },
  {
    capability: 'streaming',
    passThrough: 'stream: true is simulated: one chunk with the final text, then [DONE]; tool calls are never streamed',
    technique: 'stream: true is simulated: one chunk with the final text, then [DONE]',
    source: 'optillm/server.py proxy (v0.3.12)',
  },
  {
    capability: 'extra-params',
    passThrough: 'body fields the OpenAI Python client does not know (e.g. top_k) go to client.chat.completions.create(**kwargs) and fail the request (HTTP 500)',
    technique: 'the technique sets its own sampling parameters; the client\'s response_format and unknown fields are not used',
    source: 'optillm/server.py proxy (v0.3.12)',
  },
];

export const CAPABILITIES: readonly Capability[] = OPTILLM_LOSSES.map((l) => l.capability);

/** What a request loses at an OptiLLM hop that runs `runs` (every approach flattens the request): one shared list. */
export function optillmLosses(_runs: readonly string[]): readonly Capability[] {
  return CAPABILITIES;
}

export interface CallPattern {
  /** Upstream calls that produce the candidate answers of one request. */
  calls: number;
  /** Choices each of those calls asks for (`n`); the mesh's backends return one and ignore n. */
  perCall: number;
  /** True when the calls are separate requests, each load-balanced to a member of its own. */
  isSeparate: boolean;
  what: string;
  source: string;
}

/**
 * Candidate calls per technique (one request; the upstream name is a LiteLLM group, which sends
 * each call to one deployment chosen at random). MLX and OpenVINO servers ignore `n`.
 * Techniques not listed here are not modelled: explain says so and ensemble-reach stays silent.
 */
export const TECHNIQUE_CALLS: Readonly<Record<string, CallPattern>> = {
  moa: {
    calls: 1, perCall: 3, isSeparate: false,
    what: '1 call with n=3 (does not fail on backends that ignore n, so its fallback of 3 calls never runs; a short answer list is padded with copies of the first), then 1 critique call and 1 final call',
    source: 'optillm/moa.py:22-33, 108-114 (v0.3.12)',
  },
  bon: {
    calls: 1, perCall: 3, isSeparate: false,
    what: '1 call with n (default 3), then a rating call per candidate',
    source: 'optillm/bon.py:20-29 (v0.3.12)',
  },
  re2: {
    calls: 1, perCall: 1, isSeparate: false,
    what: '1 call with the question read twice',
    source: 'optillm/reread.py:39-46 (v0.3.12)',
  },
  self_consistency: {
    calls: 5, perCall: 1, isSeparate: true,
    what: '5 separate calls, then the most consistent answer',
    source: 'optillm/self_consistency.py:23-35 (v0.3.12)',
  },
  plansearch: {
    calls: 4, perCall: 1, isSeparate: true,
    what: 'separate calls for observations, derived observations, a solution and its implementation (n=1)',
    source: 'optillm/plansearch.py PlanSearch.solve (v0.3.12)',
  },
  none: {
    calls: 1, perCall: 1, isSeparate: false,
    what: 'the request passed on once',
    source: 'optillm/server.py proxy (v0.3.12)',
  },
};

/** Techniques whose candidates can come from several members (the hint of ensemble-reach). */
export const MULTI_MEMBER_TECHNIQUES: readonly string[] = Object.entries(TECHNIQUE_CALLS)
  .filter(([, p]) => p.isSeparate && p.calls > 1)
  .map(([t]) => t);

export interface Candidates {
  technique: string;
  /** null when the technique's call pattern is not modelled. */
  calls: number | null;
  per_call: number | null;
  /** Distinct members of the group OptiLLM calls. */
  members: number;
  /** How many distinct members can produce the candidate answers of one request. */
  members_max: number | null;
}

export function candidatesOf(technique: string, members: number): Candidates {
  const p = TECHNIQUE_CALLS[technique];
  if (!p) return { technique, calls: null, per_call: null, members, members_max: null };
  const reach = p.isSeparate ? Math.min(p.calls, members) : Math.min(1, members);
  return { technique, calls: p.calls, per_call: p.perCall, members, members_max: reach };
}

/** "1 call with n=3", "5 calls": the candidate calls of a modelled technique, for messages. */
export function describeCalls(c: Candidates): string {
  return `${c.calls} call${c.calls === 1 ? '' : 's'}${c.per_call !== 1 ? ` with n=${c.per_call}` : ''}`;
}

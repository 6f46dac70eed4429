// docs/topology.md's route graph is only useful if Mermaid draws it: with its default
// configuration Mermaid refuses a diagram of more than 500 edges or 50,000 characters (mermaid's
// config.schema.yaml maxEdges / maxTextSize) and shows an error instead.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildRouteModel } from '../src/compile/routes.js';
import { layout } from '../src/compile/layout.js';
import { emitTopology, MERMAID } from '../src/compile/topology.js';
import { load, readTexts, ROOT, shippedTexts, type Texts } from './helpers.js';

const MINIMAL = join(ROOT, 'test/fixtures/minimal-one-host/registry');

function topology(texts: Texts): string {
  const reg = load(texts);
  return emitTopology(reg, buildRouteModel(reg), layout(reg)).content;
}

/** The text of each ```mermaid block. */
function diagrams(md: string): string[] {
  return [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

/** Edges of a flowchart: one per arrow line. */
function edges(diagram: string): number {
  return diagram.split('\n').filter((l) => /-->|-\.->/.test(l)).length;
}

/** The minimal registry with `n` more OpenVINO models, each its own handle routed straight to its backend (2 edges). */
function withModels(n: number): Texts {
  const texts = readTexts(MINIMAL);
  const models = [texts['models.yaml']!.trimEnd()];
  const rows = [texts['handles.jsonl']!.trimEnd()];
  for (let i = 0; i < n; i++) {
    models.push(`  ov-extra-${i}-int4:`, '    endpoint: ep_ov_9000', `    upstream: extra-${i}-int4`, `    source_path: /srv/models/extra-${i}`, '    context_length: 8192', '    max_output_tokens: 1024');
    rows.push(JSON.stringify({ handle: `ov-extra-${i}-int4` }));
  }
  return { ...texts, 'models.yaml': models.join('\n') + '\n', 'handles.jsonl': rows.join('\n') + '\n' };
}

/** The minimal registry with `n` more OpenVINO servers, one model handle each. */
function withServers(n: number): Texts {
  const texts = withModels(0);
  const eps = [texts['endpoints.yaml']!.trimEnd()];
  const models = [texts['models.yaml']!.trimEnd()];
  const rows = [texts['handles.jsonl']!.trimEnd()];
  for (let i = 0; i < n; i++) {
    eps.push(`  ep_ov_${10000 + i}:`, `    service: ov-${i}`, '    kind: openvino', '    host: box', `    port: ${10000 + i}`, '    bind: 127.0.0.1', '    run: {user: llm, workdir: /srv/ov}');
    models.push(`  ov-m-${i}-int4:`, `    endpoint: ep_ov_${10000 + i}`, `    upstream: m-${i}`, `    source_path: /srv/models/m-${i}`, '    context_length: 8192', '    max_output_tokens: 1024');
    rows.push(JSON.stringify({ handle: `ov-m-${i}-int4` }));
  }
  return { ...texts, 'endpoints.yaml': eps.join('\n') + '\n', 'models.yaml': models.join('\n') + '\n', 'handles.jsonl': rows.join('\n') + '\n' };
}

describe('docs/topology.md route graph', () => {
  it('the shipped registry draws every route, within what Mermaid draws', () => {
    const [graph, ...more] = diagrams(topology(shippedTexts()));
    expect(more).toEqual([]);
    expect(graph).toMatch(/^flowchart LR\n {2}clients\(\[clients\]\) --> gateway\[/);
    expect(edges(graph!)).toBeLessThanOrEqual(MERMAID.maxEdges);
    expect(graph!.length).toBeLessThanOrEqual(MERMAID.maxTextSize);
    // every gateway name is a node of it
    expect(graph).toContain('n_opt_chat_balanced_m["opt-chat-balanced-m"]');
  });

  it('draws every route up to 500 edges, and the routes by service from 501', () => {
    const base = edges(diagrams(topology(withModels(0)))[0]!);
    const fits = Math.floor((MERMAID.maxEdges - base) / 2);
    const full = topology(withModels(fits));
    const [graph] = diagrams(full);
    expect(edges(graph!)).toBe(base + 2 * fits);
    expect(edges(graph!)).toBeGreaterThan(MERMAID.maxEdges - 2);
    expect(graph).toContain(`n_ov_extra_${fits - 1}_int4 -->|"extra-${fits - 1}-int4"|`);

    const over = topology(withModels(fits + 1));
    const [summary, ...more] = diagrams(over);
    expect(more).toEqual([]);
    expect(over).toMatch(/The graph of every route has \d+ edges, more than Mermaid draws with its defaults \(500 edges, 50,000 characters\)/);
    expect(over).toContain('Below are the routes by service');
    expect(summary).not.toContain('n_ov_extra_');
    expect(edges(summary!)).toBeLessThanOrEqual(MERMAID.maxEdges);
    // the names per service add up: every ov-extra handle, the two minimal ones and opt-tiny-s's
    // ensemble group (an internal name) reach the one OpenVINO server; opt-tiny-s goes to OptiLLM,
    // which calls the group back
    expect(summary).toContain(`  gateway -->|"${(fits + 1 + 2 + 1).toLocaleString('en')} names"| b_box_9000[("box:9000")]`);
    expect(summary).toContain('  gateway -->|"1 name"| optillm{{"OptiLLM box:4020"}}');
    expect(summary).toContain('  optillm -.->|"1 call-back"| gateway');
    // the table still lists every name
    expect(over).toContain(`| \`ov-extra-${fits}-int4\` | handle |`);
  });

  it('leaves the graph out when even the services are more than Mermaid draws', () => {
    const md = topology(withServers(MERMAID.maxEdges));
    expect(diagrams(md)).toEqual([]);
    // clients → gateway, 2 per model name (gateway → name → backend: 502 names), opt-tiny-s's 2
    // (gateway → it → OptiLLM) and its group's 3 (the call-back, two members); thousands grouped
    expect(md).toContain('The graph of every route has 1,010 edges');
    expect(md).toContain('The services are too many for a graph as well; the tables above list every name');
    expect(md).toContain(`| \`ov-m-${MERMAID.maxEdges - 1}-int4\` | handle |`);
  });
});

/** Mermaid's entity codes (#34; #quot;) as the characters it draws. */
function decodeMermaid(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>' };
  return text.replace(/#(\d+|[a-z]+);/g, (_, c: string) => (/^\d+$/.test(c) ? String.fromCodePoint(Number(c)) : named[c]!));
}

/** A markdown table row's cells, split at the pipes GFM splits at (not at `\|`). */
function cells(row: string): string[] {
  return row.replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

describe('docs/topology.md with names from free text', () => {
  // upstream (what the backend serves) and alias names (what old clients send) are any non-empty
  // string: the schema and the rules leave them free, so they may hold what Mermaid and markdown read as syntax
  const UPSTREAM = 'we"ird|up `tick` [x] --> <b>&amp; #quot; %% end';
  const ALIAS = 'old"name|pipe`tick` {x} --> y';
  function weird(): Texts {
    const texts = readTexts(MINIMAL);
    return {
      ...texts,
      'models.yaml': texts['models.yaml']!.replace('upstream: "yes"', `upstream: ${JSON.stringify(UPSTREAM)}`),
      'settings.yaml': texts['settings.yaml']!.replace(
        '  litellm_settings:',
        // the second alias differs from a handle only where a Mermaid id cannot tell them apart
        `  aliases:\n    ${JSON.stringify(ALIAS)}: ov-phi-3-5-mini-instruct-int4\n    ov_qwen2_5_1_5b_instruct_int4: opt-tiny-s\n  litellm_settings:`,
      ),
    };
  }

  it('every quoted Mermaid label holds its text as entity codes, nothing Mermaid reads as syntax', () => {
    const md = topology(weird());
    const [graph] = diagrams(md);
    const labels = [...graph!.matchAll(/"([^"\n]*)"/g)].map((m) => m[1]!);
    for (const line of graph!.split('\n')) expect(line.split('"').length % 2, line).toBe(1);
    for (const l of labels) expect(l, l).not.toMatch(/[|<>`[\]{}]|#(?!\d+;)|&(?=#?\w+;)/);
    const decoded = labels.map(decodeMermaid);
    expect(decoded).toContain(UPSTREAM);
    expect(decoded).toContain(`${ALIAS} (alias)`);
  });

  it('an alias has its own node, even where its name maps to the id of a handle', () => {
    const [graph] = diagrams(topology(weird()));
    const aliasNode = /^ {2}(\w+)\["ov_qwen2_5_1_5b_instruct_int4 \(alias\)"\]$/m.exec(graph!);
    expect(aliasNode, graph).not.toBeNull();
    const id = aliasNode![1]!;
    expect(graph).toContain(`  gateway --> ${id}\n`);
    expect(graph).toContain(`  ${id} -->|"alias"| n_opt_tiny_s`);
    expect(graph).not.toMatch(new RegExp(`^ {2}${id} -->\\|"alias"\\| ${id}$`, 'm'));
  });

  it('table cells escape | and hold backticks in a longer code span', () => {
    const md = topology(weird());
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    for (const r of rows) expect(cells(r), r).toHaveLength(r.includes('| alias |') || r.includes('| handle |') || r.includes('| internal') ? 4 : 6);
    const phi = rows.find((r) => r.startsWith('| `ov-phi'))!;
    expect(cells(phi)[2]).toBe('``we"ird\\|up `tick` [x] --> <b>&amp; #quot; %% end``');
    const alias = rows.find((r) => r.includes('| alias |') && r.includes('old'))!;
    expect(cells(alias)[0]).toBe('``old"name\\|pipe`tick` {x} --> y``');
  });

  it('a | alone is escaped too, in a code span and in plain text; a plain name is one code span', () => {
    const texts = readTexts(MINIMAL);
    const md = topology({
      ...texts,
      'models.yaml': texts['models.yaml']!.replace('upstream: qwen2-5-1-5b-instruct-int4', 'upstream: "pipe|only"'),
      // A name no model has: its row is unresolved, and the reason quotes the name as plain text.
      'handles.jsonl': `${texts['handles.jsonl']!.trimEnd()}\n{"handle":"bad|name"}\n`,
    });
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    for (const r of rows) expect(cells(r), r).toHaveLength(r.includes('| handle |') || r.includes('| internal') ? 4 : 6);
    const qwen = rows.find((r) => r.startsWith('| `ov-qwen'))!;
    expect(cells(qwen)[0]).toBe('`ov-qwen2-5-1-5b-instruct-int4`');
    expect(cells(qwen)[2]).toBe('`pipe\\|only`');
    const bad = rows.find((r) => r.startsWith('| `bad'))!;
    expect(cells(bad)[0]).toBe('`bad\\|name`');
    expect(cells(bad)[2]).toBe('unresolved: no model "bad\\|name" in models.yaml');
  });
});

describe('docs/topology.md with two OptiLLM servers', () => {
  // An ensemble row names its OptiLLM endpoint: a mesh may run a second OptiLLM (another port or host).
  function twoOptillms(texts: Texts = readTexts(MINIMAL)): Texts {
    const second = ['  ep_optillm_4021:', '    service: optillm-b', '    kind: optillm', '    host: box', '    port: 4021', '    bind: 127.0.0.1', '    run: {user: llm, workdir: /srv/optillm-b}'];
    const row = { handle: 'opt-tiny-b', endpoint: 'ep_optillm_4021', selector: { model: 'moa&bon-ens-tiny-b' }, members: ['ov-qwen2-5-1-5b-instruct-int4', 'ov-phi-3-5-mini-instruct-int4'] };
    return {
      ...texts,
      'endpoints.yaml': `${texts['endpoints.yaml']!.trimEnd()}\n${second.join('\n')}\n`,
      'handles.jsonl': `${texts['handles.jsonl']!.trimEnd()}\n${JSON.stringify(row)}\n`,
    };
  }

  it('the graph of every route draws each OptiLLM, its handles and its call-backs', () => {
    const [graph] = diagrams(topology(twoOptillms()));
    expect(graph).toContain('optillm{{"OptiLLM box:4020"}}');
    const b = /^ {2}(\w+)\{\{"OptiLLM box:4021"\}\}$/m.exec(graph!)?.[1];
    expect(b, graph).toBeDefined();
    expect(b).not.toBe('optillm');
    expect(graph).toContain('  n_opt_tiny_s -->|"moa&bon-ens-tiny-s"| optillm\n');
    expect(graph).toContain(`  n_opt_tiny_b -->|"moa&bon-ens-tiny-b"| ${b}\n`);
    expect(graph).toContain('  optillm -.->|"ens-tiny-s"| n_ens_tiny_s');
    expect(graph).toContain(`  ${b} -.->|"ens-tiny-b"| n_ens_tiny_b`);
  });

  it('the routes by service count each OptiLLM apart', () => {
    const md = topology(twoOptillms(withModels(MERMAID.maxEdges)));
    const [summary] = diagrams(md);
    expect(md).toContain('Below are the routes by service');
    const b = /gateway -->\|"1 name"\| (\w+)\{\{"OptiLLM box:4021"\}\}/.exec(summary!)?.[1];
    expect(b, summary).toBeDefined();
    expect(b).not.toBe('optillm');
    expect(summary).toContain('  gateway -->|"1 name"| optillm{{"OptiLLM box:4020"}}');
    expect(summary).toContain('  optillm -.->|"1 call-back"| gateway');
    expect(summary).toContain(`  ${b} -.->|"1 call-back"| gateway`);
  });
});

import { ruleTable } from './table.js';
import { pipe, set, ROW } from './edits.js';

const onExperimental = pipe(
  set('endpoints.yaml', ['endpoints', 'ep_mlx_8120', 'state'], 'active'),
  set('models.yaml', ['models', 'mlx-gemma-3-27b-it-qat-4bit', 'endpoint'], 'ep_mlx_8120'),
);

ruleTable('port-range', [
  {
    name: 'an MLX server outside 8100–8139',
    edit: pipe(set('endpoints.yaml', ['endpoints', 'ep_mlx_8105', 'port'], 8150)),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_mlx_8105/port', line: 'port: 8150' }],
  },
  {
    name: 'an active handle (and its ensemble seats) on the experimental port 8120',
    edit: onExperimental,
    expected: [
      { file: 'registry/handles.jsonl', pointer: `/${ROW.gemma}/handle`, line: ROW.gemma + 1 },
      { file: 'registry/handles.jsonl', pointer: `/${ROW.architectBalanced}/members/1`, line: ROW.architectBalanced + 1 },
      { file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/members/0`, line: ROW.chat + 1 },
    ],
  },
  {
    name: 'near miss: a model without a handle on the experimental port',
    edit: set('models.yaml', ['models', 'mlx-deepseek-v3-1-4bit', 'endpoint'], 'ep_mlx_8120'),
    expected: [],
  },
  {
    name: 'near miss: the last team port 8119',
    edit: pipe(
      set('endpoints.yaml', ['endpoints', 'ep_mlx_8119'], { service: 'mlx-8119', kind: 'mlx', host: 'studio', port: 8119, bind: '127.0.0.1' }),
    ),
    expected: [],
  },
]);

// The bounds with an active handle: gemma's model moved to an MLX server on each edge port.
const onPort = (port: number) =>
  pipe(
    set('endpoints.yaml', ['endpoints', `ep_mlx_${port}`], { service: `mlx-${port}`, kind: 'mlx', host: 'studio', port, bind: '0.0.0.0', lan: { approved: 'test' } }),
    set('models.yaml', ['models', 'mlx-gemma-3-27b-it-qat-4bit', 'endpoint'], `ep_mlx_${port}`),
  );
const handleOn = [
  { file: 'registry/handles.jsonl', pointer: `/${ROW.gemma}/handle`, line: ROW.gemma + 1 },
  { file: 'registry/handles.jsonl', pointer: `/${ROW.architectBalanced}/members/1`, line: ROW.architectBalanced + 1 },
  { file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/members/0`, line: ROW.chat + 1 },
];
const outside = (port: number) => ({ file: 'registry/endpoints.yaml', pointer: `/endpoints/ep_mlx_${port}/port`, line: [`ep_mlx_${port}:`, 'port:'] as [string, string] });

ruleTable('port-range', [
  { name: '8099 (below the MLX range) with an active handle', edit: onPort(8099), expected: [outside(8099)] },
  { name: 'near miss: 8100, the first team port, with an active handle', edit: onPort(8100), expected: [] },
  { name: 'near miss: 8119, the last team port, with an active handle', edit: onPort(8119), expected: [] },
  { name: '8120, the first experimental port, with an active handle', edit: onPort(8120), expected: handleOn },
  { name: '8139, the last experimental port, with an active handle', edit: onPort(8139), expected: handleOn },
  { name: '8140 (above the MLX range) with an active handle', edit: onPort(8140), expected: [outside(8140)] },
]);

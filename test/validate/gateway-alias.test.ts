import { ruleTable } from './table.js';
import { set } from './edits.js';

const alias = (name: string) => ({ file: 'registry/settings.yaml', pointer: `/gateway/aliases/${name}`, line: `${name}:` });

ruleTable('gateway-alias', [
  { name: 'an alias to a name nobody serves', edit: set('settings.yaml', ['gateway', 'aliases'], { 'jerry-xl': 'mlx-gone' }), expected: [alias('jerry-xl')] },
  { name: 'an alias that hides a served handle', edit: set('settings.yaml', ['gateway', 'aliases'], { 'ov-phi-4-mini-instruct-fp16': 'mlx-gemma-3-27b-it-qat-4bit' }), expected: [alias('ov-phi-4-mini-instruct-fp16')] },
  { name: 'near miss: a role alias to a handle', edit: set('settings.yaml', ['gateway', 'aliases'], { 'jerry-xl': 'mlx-gpt-oss-120b-mxfp4-q8' }), expected: [] },
]);

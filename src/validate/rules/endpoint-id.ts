import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { MODEL_KINDS_IN_WORDS, type EndpointKind } from '../../kinds/index.js';
import type { RegistryFileName } from '../../registry/load.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'endpoint-id';
const ID = /^ep_[a-z0-9]+(?:_[a-z0-9]+)*_(\d+)$/;

/** Endpoint ids end in their port; every reference to an endpoint or host exists and has the right kind. */
export const endpointId: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      const m = ID.exec(id);
      if (!m) {
        out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id]), { code, message: `endpoint id "${id}" is not ep_<service>_<port>`, hint: `rename it "ep_${ep.service.replace(/-/g, '_')}_${ep.port}"` }));
      } else if (Number(m[1]) !== ep.port) {
        out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id, 'port']), { code, message: `endpoint id "${id}" ends in ${m[1]} but its port is ${ep.port}`, hint: `a port move needs a new id ("${id.replace(/_\d+$/, `_${ep.port}`)}") and a migration in ports.lock.yaml` }));
      }
      if (!reg.hosts[ep.host]) {
        out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id, 'host']), { code, message: `endpoint ${id} names unknown host "${ep.host}"`, hint: `use one of: ${Object.keys(reg.hosts).join(', ')}` }));
      }
    }
    const ref = (file: RegistryFileName, pointer: string, epId: string, kinds?: readonly EndpointKind[]) => {
      const ep = reg.endpoints[epId];
      if (!ep) {
        out.push(at(reg, file, pointer, { code, message: `unknown endpoint "${epId}"`, hint: 'use an id defined in endpoints.yaml' }));
      } else if (kinds && !kinds.includes(ep.kind)) {
        out.push(at(reg, file, pointer, { code, message: `endpoint "${epId}" is ${ep.kind}, expected ${kinds.join(' or ')}`, hint: `point it at a ${kinds.join(' or ')} endpoint` }));
      }
    };
    for (const [id, model] of Object.entries(reg.models)) {
      if (model.endpoint) ref('models.yaml', toPointer(['models', id, 'endpoint']), model.endpoint, MODEL_KINDS_IN_WORDS);
    }
    reg.handles.forEach((h, i) => {
      if (h.endpoint) ref('handles.jsonl', `/${i}/endpoint`, h.endpoint, ['optillm']);
    });
    const s = reg.settings;
    ref('settings.yaml', '/gateway/endpoint', s.gateway.endpoint, ['litellm']);
    ref('settings.yaml', '/optillm/endpoint', s.optillm.endpoint, ['optillm']);
    for (const [name, tool] of Object.entries(s.search)) ref('settings.yaml', toPointer(['search', name, 'endpoint']), tool.endpoint, ['searxng']);
    const webui = s.clients['open-webui'];
    if (webui && !reg.hosts[webui.host]) {
      out.push(at(reg, 'settings.yaml', '/clients/open-webui/host', { code, message: `unknown host "${webui.host}"`, hint: `use one of: ${Object.keys(reg.hosts).join(', ')}` }));
    }
    return out;
  },
};

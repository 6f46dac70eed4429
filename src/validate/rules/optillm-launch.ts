import type { RuleCode } from '../../core/codes.js';
import { OPTILLM_VERSION, LAUNCH_APPROACHES } from '../../compile/optillm.js';
import { serviceLaunch } from '../../compile/systemd-units.js';
import { toPointer, type Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';
import { SECRET } from '../../core/secrets.js';

const code: RuleCode = 'optillm-launch';

/** The OptiLLM launch keeps technique selection working and never enters local inference mode. */
export const optillmLaunch: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    const opt = reg.settings.optillm;
    if (opt.version !== OPTILLM_VERSION) {
      out.push(at(reg, 'settings.yaml', '/optillm/version', { code, severity: 'warning', message: `OptiLLM ${opt.version}: homelab proves routes with the parser of ${OPTILLM_VERSION}`, hint: `pin ${OPTILLM_VERSION}, or check the new parser and update src/compile/optillm.ts` }));
    }
    if (opt.approach !== 'auto') {
      const swallow = opt.approach === 'proxy' || opt.approach === 'none';
      out.push(
        at(reg, 'settings.yaml', '/optillm/approach', {
          code,
          message: swallow
            ? `approach "${opt.approach}" makes OptiLLM rewrite every request to "${opt.approach}-<name>": the selectors' technique prefixes are stripped and never run`
            : LAUNCH_APPROACHES.includes(opt.approach)
              ? `approach "${opt.approach}" forces ${opt.approach} on every request and prefixes every name, breaking per-handle techniques and the call-backs`
              : `approach "${opt.approach}" is not an OptiLLM 0.3.12 approach`,
          hint: 'use approach: auto (the --approach flag is then left out: 0.3.12 rejects `--approach auto`)',
        }),
      );
    }
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      if (ep.kind !== 'optillm') continue;
      const launch = serviceLaunch(reg, id, ep);
      if (!launch) continue;
      const args = launch.argv.filter((a): a is string => typeof a === 'string');
      const extra = ep.run?.args ?? [];
      extra.forEach((arg, i) => {
        const value = arg.startsWith('--approach=') ? arg.slice('--approach='.length) : arg === '--approach' ? extra[i + 1] : undefined;
        if (value === undefined) return;
        out.push(
          at(reg, 'endpoints.yaml', toPointer(['endpoints', id, 'run', 'args', i]), {
            code,
            message: value === 'auto'
              ? 'OptiLLM 0.3.12 rejects `--approach auto` (argparse: invalid choice) and will not start'
              : `\`--approach ${value}\` in the OptiLLM launch overrides every selector's technique${value === 'proxy' || value === 'none' ? ' (the prefixes are stripped and never run)' : ''}`,
            hint: 'remove --approach from run.args; set settings.yaml optillm.approach (auto leaves the flag out)',
          }),
        );
      });
      if (!args.includes('--host')) {
        out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id]), { code, message: 'the OptiLLM launch has no explicit --host', hint: 'pass --host 127.0.0.1' }));
      }
      const envNames = Object.keys(launch.environment);
      for (const name of [SECRET.gatewayToOptillm, 'OPTILLM_APPROACH']) {
        if (envNames.includes(name)) {
          out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id, 'run', 'environment', name]), { code, message: name === SECRET.gatewayToOptillm ? `${name} in OptiLLM's environment switches it to local inference mode: it loads each model name from HuggingFace itself` : `${name} in OptiLLM's environment overrides the approach`, hint: name === SECRET.gatewayToOptillm ? `pass the inbound key as --optillm-api-key from ${SECRET.optillmInbound} in the service's secrets file` : 'remove it; use settings.yaml optillm.approach' }));
        }
      }
      const secrets = reg.settings.secrets[ep.service];
      const idx = secrets?.names.indexOf(SECRET.gatewayToOptillm) ?? -1;
      if (idx >= 0) {
        out.push(at(reg, 'settings.yaml', toPointer(['secrets', ep.service, 'names', idx]), { code, message: `${SECRET.gatewayToOptillm} is loaded into ${ep.service}'s environment: OptiLLM then runs in local inference mode and loads each model name from HuggingFace`, hint: `declare the inbound key as ${SECRET.optillmInbound} (passed with --optillm-api-key); ${SECRET.gatewayToOptillm} belongs to the gateway's secrets` }));
      }
    }
    return out;
  },
};

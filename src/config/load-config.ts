// Builds the frozen configuration from flags, then environment (OPENTPS_*), then defaults, and
// reports every bad value at once: one line per field with the name, what was expected, what came.

import { OpenTpsError } from '../errors.js';
import { SETTINGS, type OpenTpsConfig } from './config-schema.js';

/** Flag values as parsed from the command line (`--port 9000` -> { port: '9000' }, `--http` -> { http: true }). */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

export function loadConfig(flags: FlagValues, env: NodeJS.ProcessEnv): Readonly<OpenTpsConfig> {
  const values: Partial<Record<keyof OpenTpsConfig, unknown>> = {};
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const flagValue = flags[setting.flag];
    const raw = flagValue === true ? 'true' : flagValue === false ? 'false' : (flagValue ?? env[setting.env]);
    if (raw === undefined) {
      values[setting.key] = setting.defaultValue();
      continue;
    }
    const parsed = (setting.parse as (text: string) => { ok: true; value: unknown } | { ok: false; expected: string })(raw);
    if (parsed.ok) values[setting.key] = parsed.value;
    else {
      const source = flagValue !== undefined ? `--${setting.flag}` : setting.env;
      problems.push(`${source}: expected ${parsed.expected}, received ${JSON.stringify(raw)}`);
    }
  }
  if ((values['certFile'] === null) !== (values['keyFile'] === null)) {
    problems.push('--cert/--key: expected both or neither, received only one');
  }
  if (problems.length > 0) throw new OpenTpsError('ERR_CONFIG_INVALID', problems.join('\n'), { details: { problems } });
  // Every SETTINGS key received a parsed value above, and SETTINGS covers every OpenTpsConfig key (satisfies in config-schema.ts).
  return Object.freeze(values as Partial<OpenTpsConfig> as OpenTpsConfig);
}

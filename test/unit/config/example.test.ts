import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfig } from '../../../src/config/load-config.js';
import { renderExampleYaml } from '../../../src/config/render-schema.js';
import { CONFIG_DEFAULTS, schemaLeaves } from '../../../src/config/schema.js';
import { validateConfig } from '../../../src/config/validate-config.js';

/**
 * config.example.yaml is generated. After changing the schema, regenerate it with
 *   TRADEBOT_UPDATE_EXAMPLE=1 npx vitest run test/unit/config/example.test.ts
 */
const EXAMPLE = fileURLToPath(new URL('../../../config.example.yaml', import.meta.url));

describe('config.example.yaml', () => {
  const rendered = renderExampleYaml();
  if (process.env['TRADEBOT_UPDATE_EXAMPLE'] === '1') writeFileSync(EXAMPLE, rendered);

  it('is exactly what renderExampleYaml() produces (regenerate: TRADEBOT_UPDATE_EXAMPLE=1)', () => {
    expect(readFileSync(EXAMPLE, 'utf8')).toBe(rendered);
  });

  it('is a valid config that resolves to exactly the defaults', () => {
    const config = validateConfig(parse(readFileSync(EXAMPLE, 'utf8')), 'config.example.yaml');
    expect(resolveConfig(config)).toEqual(CONFIG_DEFAULTS);
    expect(config).toEqual(CONFIG_DEFAULTS); // every key is written out
  });

  it('documents every key with its description', () => {
    for (const { path, field } of schemaLeaves()) {
      const key = path.slice(path.lastIndexOf('.') + 1);
      expect(rendered, path).toMatch(new RegExp(`^\\s*${key}: `, 'm'));
      expect(rendered, path).toContain(`# ${field.description}`);
    }
  });
});

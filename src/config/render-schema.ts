/**
 * Renders the schema as a commented YAML file: every key with its default. config.example.yaml
 * at the repo root is this output (a test keeps them equal, and checks the file validates).
 */
import { CONFIG_SCHEMA, isObjectField, type AnySchemaFields, type LeafField } from './schema.js';
import { CONFIG_SEARCH_PLACES, PACKAGE_PROP } from './load-config.js';

const INDENT = '  ';

/** A default value as YAML: strings double-quoted (JSON strings are valid YAML), records in flow style. */
export function yamlValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${yamlValue(v)}`).join(', ')} }`;
  }
  throw new TypeError(`cannot render ${typeof value} as YAML`);
}

/** "a fraction between 0 and 1, or null" */
export function typeText(field: LeafField): string {
  return field.nullable ? `${field.expected}, or null` : field.expected;
}

function renderFields(fields: AnySchemaFields, depth: number, lines: string[]): void {
  const pad = INDENT.repeat(depth);
  let first = true;
  for (const [key, node] of Object.entries(fields)) {
    if (depth === 0 && !first) lines.push('');
    first = false;
    lines.push(`${pad}# ${node.description}`);
    if (isObjectField(node)) {
      lines.push(`${pad}${key}:`);
      renderFields(node.fields, depth + 1, lines);
    } else {
      lines.push(`${pad}#   type: ${typeText(node)}`);
      lines.push(`${pad}${key}: ${yamlValue(node.default)}`);
    }
  }
}

/** The commented YAML of every config key with its default, as written to config.example.yaml. */
export function renderExampleYaml(): string {
  const lines = [
    '# tradebot configuration: every key with its default value. All keys are optional.',
    '#',
    '# Generated from src/config/schema.ts by renderExampleYaml(); do not edit by hand.',
    '#',
    '# tradebot looks for the first of these in the working directory, then in each parent',
    '# directory up to your home directory (outside it: up to the project root):',
    ...CONFIG_SEARCH_PLACES.map((p) => `#   ${p}${p === 'package.json' ? ` (the "${PACKAGE_PROP}" property)` : ''}`),
    '# or reads exactly the file given with --config FILE. Command-line flags override the file.',
    '# These are data (YAML or JSON), never code: a .js/.cjs/.mjs/.ts config file is not run.',
    '',
  ];
  renderFields(CONFIG_SCHEMA, 0, lines);
  return `${lines.join('\n')}\n`;
}

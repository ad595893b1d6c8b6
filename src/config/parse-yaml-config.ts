import { parseDocument } from 'yaml';
import { ConfigError } from './validate-config.js';
import { firstLine, stripBom } from './parse-config-text.js';

/** Parse YAML text; syntax errors become a ConfigError naming file, line and column. Empty -> undefined. */
export function parseYamlConfig(text: string, source: string): unknown {
  // no custom tags: YAML here is data only (the yaml package never evaluates anything)
  const doc = parseDocument(stripBom(text), { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
        return `${where}: invalid YAML: ${firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) ?? undefined;
  } catch (err) {
    throw new ConfigError([`${source}: invalid YAML: ${firstLine((err as Error).message)}`], { cause: err });
  }
}

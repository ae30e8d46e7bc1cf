/**
 * The official Microsoft.Network swagger (test/fixtures/azure-specs, see SOURCE.md there) as
 * JSON-schema validators (ajv). The local ARM server checks every request body it accepts and
 * every response it sends against them. Swagger 2.0 schemas are JSON schema with extensions
 * (x-ms-*, readOnly) that ajv ignores in non-strict mode.
 *
 * `$ref`s into spec files that are not kept here (virtualNetwork.json, publicIpAddress.json,
 * loadBalancer.json, networkWatcher.json, ...) resolve to `{ "type": "object" }`: a subnet, public
 * IP or flow log reference is only checked to be an object.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const SPEC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'azure-specs');
const BASE = 'https://specs.segsync.test/';

type SchemaFile =
  'networkSecurityGroup.json' | 'applicationSecurityGroup.json' | 'networkInterface.json' | 'network.json';

function externalRefs(value: unknown, out: Map<string, Set<string>>): void {
  if (Array.isArray(value)) return value.forEach((v) => externalRefs(v, out));
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    const m = k === '$ref' && typeof v === 'string' ? /^\.\/([^#]+\.json)#\/definitions\/(.+)$/.exec(v) : null;
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? new Set()).add(m[2]!));
    else externalRefs(v, out);
  }
}

export class SpecValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(dir = SPEC_DIR) {
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'arm-id', 'unixtime', 'duration']) this.ajv.addFormat(f, true);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const refs = new Map<string, Set<string>>();
    for (const f of files) {
      const spec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      externalRefs(spec, refs);
      this.ajv.addSchema({ ...spec, $id: BASE + f }, BASE + f);
    }
    for (const [f, defs] of refs) {
      if (files.includes(f)) continue;
      const definitions = Object.fromEntries([...defs].map((d) => [d, { type: 'object' }]));
      this.ajv.addSchema({ $id: BASE + f, definitions }, BASE + f);
    }
  }

  /** Problems of `data` against `file#/definitions/definition`, as "path message" lines; [] when valid. */
  check(file: SchemaFile, definition: string, data: unknown): string[] {
    const ref = `${BASE}${file}#/definitions/${definition}`;
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.getSchema(ref);
      if (!validate) throw new Error(`no schema ${file}#/definitions/${definition}`);
      this.cache.set(ref, validate);
    }
    if (validate(data)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  }
}

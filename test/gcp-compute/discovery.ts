/**
 * The Compute v1 discovery document (compute-v1-subset.json: a byte copy of ../shared/specs/gcp, from
 * Google) plus our supplement (compute-v1-supplement.json: the schemas and methods that copy
 * omits, transcribed from the SDK's own protos) turned into JSON Schema for ajv, so that the local
 * server checks every request body, query and path parameter the SDK sends, and every response
 * it gives, against the published API.
 *
 * Conversion (discovery "JSON Schema draft 3 flavour" → draft 7):
 * - `$ref: "Name"` → `#/definitions/Name`; `type: any` → `{}`.
 * - Objects with `properties` get `additionalProperties: false`: Compute rejects unknown fields
 *   ("Invalid JSON payload received. Unknown name …"), and our responses must not invent any.
 *   Maps (`additionalProperties: {schema}`) stay maps.
 * - `format` int32/uint32 → integer with its range; int64/uint64 → a decimal string (JSON
 *   encoding of 64-bit integers in Google APIs); `byte` → base64 text.
 * - `pattern` is a whole-value match in discovery documents: anchored as `^(?:…)$`; on an array
 *   (Tags.items) it applies to every element.
 * - `annotations.required: [method ids]` → `required` only when validating that method's request.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

export interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  parameters: Record<string, { type: string; format?: string; location: 'path' | 'query'; pattern?: string }>;
  request?: { $ref: string };
  response?: { $ref: string };
}

const SUBSET = new URL('./compute-v1-subset.json', import.meta.url);
const SUPPLEMENT = new URL('./compute-v1-supplement.json', import.meta.url);

function loadJson(url: URL): Json {
  return JSON.parse(readFileSync(url, 'utf8')) as Json;
}

const anchored = (pattern: string): string => `^(?:${pattern})$`;

const INTEGER_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

/** One discovery schema node → JSON Schema; `method` switches on its `annotations.required`. */
function convert(node: Json, method?: string): Json {
  if ('$ref' in node) return { $ref: `#/definitions/${String(node.$ref)}` };
  const out: Json = {};
  const type = node.type as string | undefined;
  const format = node.format as string | undefined;
  if (type === 'any' || type === undefined) return out;
  if (type === 'string' && (format === 'int64' || format === 'uint64')) {
    return { type: 'string', pattern: format === 'uint64' ? '^[0-9]+$' : '^-?[0-9]+$' };
  }
  out.type = type;
  if (type === 'integer' && format && INTEGER_RANGES[format]) {
    [out.minimum, out.maximum] = INTEGER_RANGES[format];
  }
  if (format === 'byte') out.pattern = '^[A-Za-z0-9+/_-]*={0,2}$';
  if (Array.isArray(node.enum)) out.enum = node.enum;
  if (node.items) out.items = convert(node.items as Json, method);
  if (typeof node.pattern === 'string') {
    // Tags.items carries its pattern on the array: it applies to each element.
    if (type === 'array') out.items = { ...(out.items as Json), pattern: anchored(node.pattern) };
    else out.pattern = anchored(node.pattern);
  }
  if (node.properties) {
    const props = node.properties as Record<string, Json>;
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, convert(v, method)]));
    out.additionalProperties = false;
    const required = Object.entries(props)
      .filter(([, v]) => method !== undefined && ((v.annotations as Json)?.required as string[])?.includes(method))
      .map(([k]) => k);
    if (required.length > 0) out.required = required;
  } else if (node.additionalProperties) {
    out.additionalProperties = convert(node.additionalProperties as Json, method);
  }
  return out;
}

export class ComputeDiscovery {
  readonly methods: DiscoveryMethod[];
  private readonly schemas: Record<string, Json>;
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    const subset = loadJson(SUBSET);
    const supplement = loadJson(SUPPLEMENT);
    this.schemas = { ...(supplement.schemas as Json), ...(subset.schemas as Json) } as Record<string, Json>;
    const methods: DiscoveryMethod[] = [];
    for (const doc of [subset, supplement]) {
      for (const resource of Object.values(doc.resources as Record<string, { methods: Json }>)) {
        methods.push(...(Object.values(resource.methods) as DiscoveryMethod[]));
      }
    }
    this.methods = methods;
  }

  /** The method whose path template and HTTP method match, with its path parameters. */
  match(httpMethod: string, path: string): { method: DiscoveryMethod; params: Record<string, string> } | undefined {
    for (const method of this.methods) {
      if (method.httpMethod !== httpMethod) continue;
      const names: string[] = [];
      const re = new RegExp(
        `^${method.path.replace(/\{(\w+)\}/g, (_, n: string) => {
          names.push(n);
          return '([^/]+)';
        })}$`,
      );
      const m = re.exec(path);
      if (m) return { method, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    }
    return undefined;
  }

  private validator(ref: string, method?: string): ValidateFunction {
    const key = `${ref} ${method ?? ''}`;
    let v = this.cache.get(key);
    if (!v) {
      const definitions = Object.fromEntries(Object.entries(this.schemas).map(([k, s]) => [k, convert(s, method)]));
      v = this.ajv.compile({ definitions, $ref: `#/definitions/${ref}` });
      this.cache.set(key, v);
    }
    return v;
  }

  /** Problems of a value against a schema (empty: valid), for the method's request when `method` is given. */
  check(ref: string, value: unknown, method?: string): string[] {
    const v = this.validator(ref, method);
    if (v(value)) return [];
    return (v.errors ?? []).map((e) => `${ref}${e.instancePath || ''} ${e.message ?? ''}${paramsText(e.params)}`);
  }

  /** Path and query parameters against the method's declared parameters (unknown query names included). */
  checkParams(method: DiscoveryMethod, path: Record<string, string>, query: URLSearchParams): string[] {
    const problems: string[] = [];
    for (const [name, value] of [...Object.entries(path), ...query.entries()]) {
      const spec = method.parameters[name];
      if (!spec) {
        problems.push(`unknown parameter "${name}" for ${method.id}`);
        continue;
      }
      if (spec.pattern && !new RegExp(anchored(spec.pattern)).test(value))
        problems.push(`${name}="${value}" does not match ${spec.pattern}`);
      if (spec.type === 'integer' && !/^[0-9]+$/.test(value)) problems.push(`${name}="${value}" is not an integer`);
      if (spec.type === 'boolean' && value !== 'true' && value !== 'false')
        problems.push(`${name}="${value}" is not a boolean`);
    }
    return problems;
  }
}

function paramsText(params: unknown): string {
  const p = params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (p.additionalProperty) return ` (${p.additionalProperty})`;
  if (p.allowedValues) return ` (${p.allowedValues.join(', ')})`;
  return '';
}

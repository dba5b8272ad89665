/**
 * Emulator faithfulness: every call an emulator recorded is checked against the vendor's documented
 * shapes — the request body the adapter sent and the answer the emulator gave, per endpoint and
 * status. Shapes are JSON Schema subsets transcribed from the vendor specs (each CRM package keeps
 * them in test/spec-shapes/, citing file and schema name); this file is the small checker for them.
 *
 * Supported keywords: type (string, integer, number, boolean, object, array, null), nullable,
 * required, properties, additionalProperties, items, enum, format (date-time), minLength, maxLength,
 * maxItems, oneOf, anyOf, and local `$ref` to `#/components/schemas/<name>`.
 */

export interface JsonSchema {
  $ref?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  format?: 'date-time' | string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  /** Where the shape comes from (ignored by the checker, kept for readers). */
  description?: string;
}

/** Named schemas, as in an OpenAPI file's `components.schemas`. */
export type SchemaComponents = Record<string, JsonSchema>;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Problems of `value` against `schema` (empty when it conforms), each with its JSON path. */
export function checkSchema(value: unknown, schema: JsonSchema, components: SchemaComponents, path = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = components[name];
    if (!target) return [`${path}: unknown schema ${name}`];
    return checkSchema(value, target, components, path);
  }
  if (schema.oneOf || schema.anyOf) {
    const options = (schema.oneOf ?? schema.anyOf)!;
    const results = options.map((option) => checkSchema(value, option, components, path));
    const matching = results.filter((problems) => problems.length === 0).length;
    if (schema.oneOf ? matching === 1 : matching >= 1) return [];
    return [`${path}: matches ${matching} of the ${schema.oneOf ? 'oneOf' : 'anyOf'} shapes (${results.map((problems) => problems[0]).join(' | ')})`];
  }
  if (value === null) return schema.nullable || schema.type === 'null' || schema.type === undefined ? [] : [`${path}: null where ${schema.type} is documented`];
  const problems: string[] = [];
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: ${typeof value} where a string is documented`];
      if (schema.format === 'date-time' && !ISO_DATE_TIME.test(value)) problems.push(`${path}: "${value}" is not an ISO 8601 date-time`);
      if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${path}: shorter than ${schema.minLength}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${path}: longer than ${schema.maxLength}`);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${path}: ${JSON.stringify(value)} where an integer is documented`];
      break;
    case 'number':
      if (typeof value !== 'number') return [`${path}: ${typeof value} where a number is documented`];
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${path}: ${typeof value} where a boolean is documented`];
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${path}: ${typeof value} where an array is documented`];
      if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: ${value.length} items, at most ${schema.maxItems} documented`);
      if (schema.items) value.forEach((item, index) => problems.push(...checkSchema(item, schema.items!, components, `${path}[${index}]`)));
      break;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: ${Array.isArray(value) ? 'array' : typeof value} where an object is documented`];
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (record[name] === undefined) problems.push(`${path}.${name}: required, missing`);
      for (const [name, item] of Object.entries(record)) {
        if (item === undefined) continue;
        const property = schema.properties?.[name];
        if (property) problems.push(...checkSchema(item, property, components, `${path}.${name}`));
        else if (schema.additionalProperties === false) problems.push(`${path}.${name}: not a documented member`);
        else if (typeof schema.additionalProperties === 'object') problems.push(...checkSchema(item, schema.additionalProperties, components, `${path}.${name}`));
      }
      break;
    }
    default:
      break;
  }
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  return problems;
}

/** One documented endpoint: what a request carries and what each status answers. */
export interface EndpointShape {
  /** e.g. `contacts batch upsert (crm-contacts-v3.json)`. */
  name: string;
  method: string;
  /** Matched against the recorded path (no query string). */
  path: RegExp;
  /** The request body; omit for calls without one. */
  request?: JsonSchema;
  /** Answer bodies by status; `default` stands for every status not listed. `null` means no body. */
  responses: Record<string, JsonSchema | null>;
}

/** What the checker needs of a recorded call (emulator-kit's `RecordedCall`). */
export interface CheckedCall {
  method: string;
  path: string;
  status: number;
  requestBodyJson: unknown;
  responseBodyJson: unknown;
  /** Set when the emulator answered with an injected fault, or dropped the call. */
  fault?: string | undefined;
}

export interface SpecCheckResult {
  /** Every mismatch, naming the endpoint, the call and the JSON path. */
  problems: string[];
  /** Endpoints of the shape list that the calls exercised, with how many calls each. */
  exercised: Record<string, number>;
  /** Statuses seen per endpoint, e.g. `contacts batch read: 200, 207`. */
  statuses: Record<string, number[]>;
}

/** Checks every call: it must match one documented endpoint, and its bodies the documented shapes. */
export function checkCalls(calls: readonly CheckedCall[], endpoints: readonly EndpointShape[], components: SchemaComponents): SpecCheckResult {
  const problems: string[] = [];
  const exercised: Record<string, number> = {};
  const statuses: Record<string, number[]> = {};
  const add = (text: string) => {
    if (problems.length < 200 && !problems.includes(text)) problems.push(text);
  };
  for (const [index, call] of calls.entries()) {
    const endpoint = endpoints.find((candidate) => candidate.method === call.method && candidate.path.test(call.path));
    const label = `call ${index + 1} ${call.method} ${call.path} → ${call.status}`;
    if (!endpoint) {
      add(`${label}: no documented endpoint in the shape list (the adapter uses an endpoint nobody checked, or the emulator answers one the vendor does not have)`);
      continue;
    }
    exercised[endpoint.name] = (exercised[endpoint.name] ?? 0) + 1;
    statuses[endpoint.name] = [...new Set([...(statuses[endpoint.name] ?? []), call.status])].sort();
    if (endpoint.request && call.requestBodyJson !== undefined) {
      for (const problem of checkSchema(call.requestBodyJson, endpoint.request, components, 'request')) add(`${label} [${endpoint.name}]: ${problem}`);
    } else if (endpoint.request && call.method !== 'GET' && call.method !== 'DELETE') {
      add(`${label} [${endpoint.name}]: the request has no JSON body, one is documented`);
    }
    if (call.status === 0) continue; // Dropped or never answered: nothing to check.
    const shape = endpoint.responses[String(call.status)] !== undefined ? endpoint.responses[String(call.status)] : endpoint.responses['default'];
    if (shape === undefined) {
      add(`${label} [${endpoint.name}]: status ${call.status} is not documented for this endpoint`);
      continue;
    }
    if (shape === null) {
      if (call.responseBodyJson !== undefined && call.responseBodyJson !== '') add(`${label} [${endpoint.name}]: a body where none is documented`);
      continue;
    }
    for (const problem of checkSchema(call.responseBodyJson, shape, components, 'response')) add(`${label} [${endpoint.name}]: ${problem}`);
  }
  return { problems, exercised, statuses };
}

/** A difference between an emulator and the documented shape that is known, explained, and kept. */
export interface KnownDivergence {
  /** Matches the problems it explains. */
  pattern: RegExp;
  /** Why it is kept, and what would settle it. */
  reason: string;
}

/**
 * Splits problems into those a known divergence explains and the rest, and lists the divergences
 * that no longer occur (so the list cannot go stale: a fixed emulator makes the test ask for its removal).
 */
export function withoutKnownDivergences(problems: readonly string[], divergences: readonly KnownDivergence[]): { unexplained: string[]; stale: string[] } {
  const unexplained = problems.filter((problem) => !divergences.some((divergence) => divergence.pattern.test(problem)));
  const stale = divergences.filter((divergence) => !problems.some((problem) => divergence.pattern.test(problem))).map((divergence) => divergence.reason);
  return { unexplained, stale };
}

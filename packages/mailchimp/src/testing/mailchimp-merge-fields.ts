import { MAILCHIMP_TEXT_FIELD_MAX_BYTES, truncateToUtf8Bytes } from '../mailchimp-text-budget';
import { problems, type MailchimpFieldError } from './mailchimp-problem';

export const MERGE_FIELD_TYPES = ['text', 'number', 'address', 'phone', 'date', 'url', 'imageurl', 'radio', 'dropdown', 'birthday', 'zip'] as const;
export type MergeFieldType = (typeof MERGE_FIELD_TYPES)[number];

/** An address merge value, as Mailchimp stores it. */
export interface MergeAddress {
  addr1: string;
  addr2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
}

export type MergeValue = string | number | MergeAddress;

/** A merge field ("audience field") as the emulator keeps it; the JSON shape is `ListsMergeFieldsMergeFields`. */
export interface StoredMergeField {
  merge_id: number;
  tag: string;
  name: string;
  type: MergeFieldType;
  required: boolean;
  default_value: string;
  public: boolean;
  display_order: number;
  options: { size?: number; choices?: string[]; date_format?: string; phone_format?: string; default_country?: number };
  help_text: string;
}

/** Tags Mailchimp keeps for itself. */
const RESERVED_TAGS = new Set(['EMAIL', 'INTERESTS', 'UNSUB', 'FORWARD', 'REWARDS', 'ARCHIVE', 'USER_URL', 'DATE', 'LIST', 'HTML', 'MC_LOCATION']);
/** Merge tags are at most 10 characters (uppercase letters, digits, underscores). */
export const MERGE_TAG_PATTERN = /^[A-Z0-9_]{1,10}$/;

/** The fields a new audience starts with. */
export function defaultMergeFields(): StoredMergeField[] {
  const base = { required: false, default_value: '', public: false, help_text: '' } as const;
  return [
    { ...base, merge_id: 1, tag: 'FNAME', name: 'First Name', type: 'text', display_order: 2, options: { size: 25 } },
    { ...base, merge_id: 2, tag: 'LNAME', name: 'Last Name', type: 'text', display_order: 3, options: { size: 25 } },
    { ...base, merge_id: 3, tag: 'ADDRESS', name: 'Address', type: 'address', display_order: 4, options: { default_country: 164 } },
    { ...base, merge_id: 4, tag: 'PHONE', name: 'Phone Number', type: 'phone', display_order: 5, options: { phone_format: 'none' } },
  ];
}

export interface MergeFieldInput {
  name?: unknown;
  type?: unknown;
  tag?: unknown;
  required?: unknown;
  public?: unknown;
  default_value?: unknown;
  display_order?: unknown;
  help_text?: unknown;
  options?: unknown;
}

/** Validates a `POST /lists/{id}/merge-fields` body and builds the stored field. Throws a MailchimpProblem. */
export function createMergeField(existing: StoredMergeField[], input: MergeFieldInput, mergeId: number): StoredMergeField {
  const errors: MailchimpFieldError[] = [];
  if (typeof input.name !== 'string' || input.name.trim() === '') errors.push({ field: 'name', message: 'This value should not be blank.' });
  if (typeof input.type !== 'string' || !(MERGE_FIELD_TYPES as readonly string[]).includes(input.type)) {
    errors.push({ field: 'type', message: `Value must be one of: ${MERGE_FIELD_TYPES.join(', ')}.` });
  }
  let tag = `MMERGE${mergeId}`;
  if (input.tag !== undefined && input.tag !== null && input.tag !== '') {
    if (typeof input.tag !== 'string') errors.push({ field: 'tag', message: 'The merge tag must be a string.' });
    else {
      tag = input.tag.toUpperCase();
      if (!MERGE_TAG_PATTERN.test(tag)) errors.push({ field: 'tag', message: 'Merge tags are 1 to 10 characters: letters, digits and underscores.' });
      else if (RESERVED_TAGS.has(tag)) errors.push({ field: 'tag', message: `The tag "${tag}" is reserved.` });
    }
  }
  const options = readOptions(input.options, errors);
  const type = input.type as MergeFieldType;
  if ((type === 'radio' || type === 'dropdown') && (!options.choices || options.choices.length === 0)) {
    errors.push({ field: 'options.choices', message: 'Radio and dropdown fields need at least one choice.' });
  }
  if (errors.length > 0) throw problems.invalidResource(errors);
  if (existing.some((field) => field.tag === tag)) {
    throw problems.invalidResource([{ field: 'tag', message: `A Merge Field with the tag "${tag}" already exists for this list.` }], `A Merge Field with the tag "${tag}" already exists for this list.`);
  }
  return {
    merge_id: mergeId,
    tag,
    name: (input.name as string).trim(),
    type,
    required: input.required === true,
    default_value: typeof input.default_value === 'string' ? input.default_value : '',
    public: input.public === true,
    display_order: typeof input.display_order === 'number' ? input.display_order : mergeId + 1,
    options: type === 'text' && options.size === undefined ? { ...options, size: 25 } : options,
    help_text: typeof input.help_text === 'string' ? input.help_text : '',
  };
}

/** Applies a `PATCH /lists/{id}/merge-fields/{merge_id}` body. The tag and type can't change here. */
export function updateMergeField(field: StoredMergeField, input: MergeFieldInput): void {
  const errors: MailchimpFieldError[] = [];
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.trim() === '')) errors.push({ field: 'name', message: 'This value should not be blank.' });
  const options = input.options === undefined ? undefined : readOptions(input.options, errors);
  if (errors.length > 0) throw problems.invalidResource(errors);
  if (typeof input.name === 'string') field.name = input.name.trim();
  if (typeof input.required === 'boolean') field.required = input.required;
  if (typeof input.public === 'boolean') field.public = input.public;
  if (typeof input.default_value === 'string') field.default_value = input.default_value;
  if (typeof input.display_order === 'number') field.display_order = input.display_order;
  if (typeof input.help_text === 'string') field.help_text = input.help_text;
  if (options) field.options = { ...field.options, ...options };
}

function readOptions(value: unknown, errors: MailchimpFieldError[]): StoredMergeField['options'] {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push({ field: 'options', message: 'Options must be an object.' });
    return {};
  }
  const source = value as Record<string, unknown>;
  const options: StoredMergeField['options'] = {};
  if (typeof source.size === 'number') options.size = source.size;
  if (Array.isArray(source.choices)) options.choices = source.choices.map(String);
  if (typeof source.date_format === 'string') options.date_format = source.date_format;
  if (typeof source.phone_format === 'string') options.phone_format = source.phone_format;
  if (typeof source.default_country === 'number') options.default_country = source.default_country;
  return options;
}

/** The JSON a merge field is answered with. */
export function mergeFieldJson(listId: string, field: StoredMergeField) {
  return { ...field, options: { ...field.options }, list_id: listId, _links: [] as unknown[] };
}

/** The empty value a member holds for a field it never set. */
export function emptyMergeValue(): MergeValue {
  return '';
}

/**
 * Checks and normalises the `merge_fields` of a member write. Text is cut to 255 bytes of
 * UTF-8 silently, as Mailchimp does. Tags the audience doesn't define are ignored. Required
 * fields are enforced on new members unless `skip_merge_validation` is set.
 */
export function validateMergeValues(
  fields: StoredMergeField[],
  input: unknown,
  context: { isNew: boolean; skipMergeValidation: boolean },
): { values: Record<string, MergeValue>; errors: MailchimpFieldError[] } {
  const values: Record<string, MergeValue> = {};
  const errors: MailchimpFieldError[] = [];
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    errors.push({ field: 'merge_fields', message: 'merge_fields must be an object.' });
    return { values, errors };
  }
  const source = (input ?? {}) as Record<string, unknown>;
  for (const [key, raw] of Object.entries(source)) {
    const field = fields.find((candidate) => candidate.tag === key.toUpperCase());
    if (!field) continue;
    const result = normaliseValue(field, raw);
    if ('error' in result) errors.push({ field: field.tag, message: result.error });
    else values[field.tag] = result.value;
  }
  if (context.isNew && !context.skipMergeValidation) {
    for (const field of fields) {
      if (!field.required) continue;
      const value = values[field.tag];
      if (value === undefined || value === '') errors.push({ field: field.tag, message: 'Please enter a value' });
    }
  }
  return { values, errors };
}

const DATE_FORMATS: Array<[RegExp, (match: RegExpExecArray) => [string, string, string]]> = [
  [/^(\d{4})-(\d{2})-(\d{2})$/, (match) => [match[1]!, match[2]!, match[3]!]],
  [/^(\d{4})\/(\d{2})\/(\d{2})$/, (match) => [match[1]!, match[2]!, match[3]!]],
  [/^(\d{2})\/(\d{2})\/(\d{4})$/, (match) => [match[3]!, match[1]!, match[2]!]],
  [/^(\d{2})-(\d{2})-(\d{4})$/, (match) => [match[3]!, match[2]!, match[1]!]],
];

function normaliseValue(field: StoredMergeField, raw: unknown): { value: MergeValue } | { error: string } {
  if (raw === null || raw === '') return { value: '' };
  switch (field.type) {
    case 'text':
    case 'phone': {
      if (typeof raw === 'object') return { error: 'Please enter a text value' };
      return { value: truncateToUtf8Bytes(String(raw), MAILCHIMP_TEXT_FIELD_MAX_BYTES) };
    }
    case 'number': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isFinite(number) ? { value: number } : { error: 'Please enter a number' };
    }
    case 'url':
    case 'imageurl': {
      if (typeof raw !== 'string') return { error: 'Please enter a valid URL' };
      try {
        const url = new URL(raw);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'Please enter a valid URL' };
      } catch {
        return { error: 'Please enter a valid URL' };
      }
      return { value: truncateToUtf8Bytes(raw, MAILCHIMP_TEXT_FIELD_MAX_BYTES) };
    }
    case 'date': {
      if (typeof raw !== 'string') return { error: 'Please enter a valid date' };
      for (const [pattern, parts] of DATE_FORMATS) {
        const match = pattern.exec(raw);
        if (!match) continue;
        const [year, month, day] = parts(match);
        const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
        if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(`${year}-${month}-${day}`)) return { value: `${year}-${month}-${day}` };
      }
      return { error: 'Please enter a valid date' };
    }
    case 'birthday': {
      if (typeof raw !== 'string' || !/^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])$/.test(raw)) return { error: 'Please enter a valid birthday (MM/DD)' };
      return { value: raw };
    }
    case 'zip': {
      const text = String(raw);
      return /^\d{5}$/.test(text) ? { value: text } : { error: 'Please enter a valid 5-digit ZIP code' };
    }
    case 'radio':
    case 'dropdown': {
      const text = String(raw);
      return field.options.choices?.includes(text) ? { value: text } : { error: 'Please choose one of the available options' };
    }
    case 'address': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return { error: 'Please enter a complete address' };
      const source = raw as Record<string, unknown>;
      const read = (key: string) => (typeof source[key] === 'string' ? (source[key] as string) : '');
      const address: MergeAddress = { addr1: read('addr1'), addr2: read('addr2'), city: read('city'), state: read('state'), zip: read('zip'), country: read('country') || 'US' };
      if (!address.addr1 || !address.city || !address.state || !address.zip) return { error: 'Please enter a complete address' };
      return { value: address };
    }
  }
}

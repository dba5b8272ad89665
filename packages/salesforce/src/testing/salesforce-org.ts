import { SalesforceRecordFailure, SalesforceRequestError, notFound, recordError, type SalesforceRecordError } from './salesforce-emulator-errors';
import { coerceFieldValue, formatSalesforceDatetime, historyDataType } from './salesforce-field-values';
import { buildSalesforceId, normalizeSalesforceId } from './salesforce-ids';
import { standardObjects, type SalesforceFieldDefinition, type SalesforceObjectDefinition } from './salesforce-schema';
import { SalesforceRecordStore, type StoredRecord } from './salesforce-store';

export interface SalesforceOrgOptions {
  consentObjects: boolean;
  /** Standard fields whose changes go to ContactHistory / LeadHistory. */
  trackedFields: Record<string, string[]>;
  now: () => number;
}

/** Outcome of an upsert: the record id and whether it was created. */
export interface UpsertOutcome {
  id: string;
  created: boolean;
}

/** Thrown by upsert when the external id matches several records (the REST API answers 300). */
export class MultipleMatchesError extends Error {
  constructor(
    readonly field: SalesforceFieldDefinition,
    readonly ids: string[],
  ) {
    super(`${field.name}: more than one record found for external id field: [${ids.join(', ')}]`);
    this.name = 'MultipleMatchesError';
  }
}

export const DEFAULT_TRACKED_FIELDS: Record<string, string[]> = {
  Contact: ['Email', 'FirstName', 'LastName', 'Salutation', 'Phone', 'MobilePhone', 'Title', 'MailingStreet', 'MailingCity', 'MailingPostalCode', 'MailingCountry', 'HasOptedOutOfEmail', 'DoNotCall', 'OwnerId'],
  Lead: ['Email', 'FirstName', 'LastName', 'Company', 'Phone', 'Title', 'Status', 'HasOptedOutOfEmail', 'DoNotCall', 'OwnerId'],
};

/**
 * The emulated org behind the HTTP layer: schema, rows, users and the rules a write goes through
 * (field permissions, types, lengths, required fields, lookups, uniqueness, history tracking).
 */
export class SalesforceOrg {
  readonly store = new SalesforceRecordStore();
  readonly #objects = new Map<string, SalesforceObjectDefinition>();
  #customObjectCount = 0;
  #metadataSequence = 0;
  /** The API user every session runs as. */
  readonly integrationUserId = buildSalesforceId('005', 1);
  /** A person working in the Salesforce UI; edits made through `state` are theirs. */
  readonly crmUserId = buildSalesforceId('005', 2);

  constructor(readonly options: SalesforceOrgOptions) {
    this.reset();
  }

  now(): number {
    return this.options.now();
  }

  nowText(): string {
    return formatSalesforceDatetime(this.now());
  }

  /** Back to a fresh org: standard objects only, two users, no other rows. */
  reset(): void {
    this.store.clear();
    this.#objects.clear();
    this.#customObjectCount = 0;
    for (const object of standardObjects({ consentObjects: this.options.consentObjects, trackedFields: this.options.trackedFields })) this.addObject(object);
    const created = this.nowText();
    const user = (id: string, firstName: string, lastName: string, email: string) => ({
      Id: id,
      IsDeleted: false,
      Username: email,
      FirstName: firstName,
      LastName: lastName,
      Name: `${firstName} ${lastName}`,
      Email: email,
      IsActive: true,
      CreatedDate: created,
      CreatedById: this.integrationUserId,
      LastModifiedDate: created,
      LastModifiedById: this.integrationUserId,
      SystemModstamp: created,
    });
    this.store.write('User', user(this.integrationUserId, 'OptinTrail', 'Integration', 'integration@optintrail.example'));
    this.store.write('User', user(this.crmUserId, 'Camille', 'Martin', 'camille.martin@example.com'));
  }

  nextMetadataSequence(): number {
    this.#metadataSequence += 1;
    return this.#metadataSequence;
  }

  nextCustomObjectIndex(): number {
    return this.#customObjectCount++;
  }

  addObject(object: SalesforceObjectDefinition): void {
    this.#objects.set(object.name.toLowerCase(), object);
  }

  object(name: string): SalesforceObjectDefinition | undefined {
    return this.#objects.get(name.toLowerCase());
  }

  /** The object, or the REST API's 404 for an unknown sObject. */
  requireObject(name: string): SalesforceObjectDefinition {
    const object = this.object(name);
    if (!object) throw notFound();
    return object;
  }

  objects(): SalesforceObjectDefinition[] {
    return [...this.#objects.values()];
  }

  objectForId(id: string): SalesforceObjectDefinition | undefined {
    const prefix = id.slice(0, 3);
    if (prefix === '017') return undefined;
    return this.objects().find((object) => object.keyPrefix === prefix);
  }

  /** A live (not deleted) row. */
  live(objectName: string, id: string): StoredRecord | undefined {
    const row = this.store.get(objectName, id);
    return row && row['IsDeleted'] !== true ? row : undefined;
  }

  *liveRows(object: SalesforceObjectDefinition, includeDeleted = false): Generator<StoredRecord> {
    for (const row of this.store.all(object.name)) if (includeDeleted || row['IsDeleted'] !== true) yield row;
  }

  /** Field by name, or the request-level INVALID_FIELD the REST API answers for an unknown one. */
  field(object: SalesforceObjectDefinition, name: string): SalesforceFieldDefinition {
    const field = object.fields.get(name.toLowerCase());
    if (!field) throw SalesforceRequestError.of(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${object.name}`);
    return field;
  }

  /**
   * Validates and converts a request body into field values. Unknown fields and type mismatches
   * throw request-level errors; everything else is collected as record errors.
   */
  #prepare(object: SalesforceObjectDefinition, input: Record<string, unknown>, mode: 'create' | 'update'): { values: Map<SalesforceFieldDefinition, unknown>; errors: SalesforceRecordError[] } {
    const values = new Map<SalesforceFieldDefinition, unknown>();
    const errors: SalesforceRecordError[] = [];
    const readOnly: string[] = [];
    for (const [name, raw] of Object.entries(input)) {
      if (name === 'attributes') continue;
      const lookup = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? this.#relationshipField(object, name) : undefined;
      if (lookup) {
        // A parent named by its External ID: `"Individual": { "Subject_Key__c": "…" }`.
        if (mode === 'create' ? !lookup.createable : !lookup.updateable) {
          readOnly.push(lookup.name);
          continue;
        }
        const resolved = this.#resolveForeignKey(lookup, raw as Record<string, unknown>);
        if ('error' in resolved) errors.push(resolved.error);
        else values.set(lookup, resolved.id);
        continue;
      }
      const field = this.field(object, name);
      if (mode === 'create' ? !field.createable : !field.updateable) {
        readOnly.push(field.name);
        continue;
      }
      const { value, errors: fieldErrors } = coerceFieldValue(field, raw);
      if (fieldErrors.length > 0) errors.push(...fieldErrors);
      else values.set(field, value);
    }
    if (readOnly.length > 0) {
      errors.unshift(
        recordError(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          readOnly,
        ),
      );
    }
    return { values, errors };
  }

  #relationshipField(object: SalesforceObjectDefinition, name: string): SalesforceFieldDefinition | undefined {
    const key = name.toLowerCase();
    return [...object.fields.values()].find((field) => field.type === 'reference' && field.relationshipName?.toLowerCase() === key);
  }

  /** The id of the parent a `{ ExternalIdField: value }` object names, or the record error Salesforce answers. */
  #resolveForeignKey(lookup: SalesforceFieldDefinition, reference: Record<string, unknown>): { id: string } | { error: SalesforceRecordError } {
    const typeName = (reference['attributes'] as { type?: unknown } | undefined)?.type;
    const parent = this.object(typeof typeName === 'string' ? typeName : (lookup.referenceTo[0] ?? ''));
    const entries = Object.entries(reference).filter(([key]) => key !== 'attributes');
    if (!parent || !lookup.referenceTo.includes(parent.name) || entries.length !== 1) {
      return { error: recordError('INVALID_FIELD', `${lookup.relationshipName}: a parent reference holds exactly one External ID field of ${lookup.referenceTo.join(', ')}`, [lookup.name]) };
    }
    const [fieldName, value] = entries[0]!;
    const field = parent.fields.get(fieldName.toLowerCase());
    if (!field || !(field.externalId || field.type === 'id')) {
      return { error: recordError('INVALID_FIELD', `Field ${fieldName} is not an External ID or an Id field of ${parent.name}`, [lookup.name]) };
    }
    const matches = value === null || value === undefined ? [] : this.matchExternalId(parent, field, String(value));
    if (matches.length === 0) {
      return { error: recordError('INVALID_FIELD', `Foreign key external ID: ${String(value)} not found for field ${field.name} in entity ${parent.name}`, [lookup.name]) };
    }
    if (matches.length > 1) {
      return { error: recordError('DUPLICATE_EXTERNAL_ID', `Foreign key external ID: ${String(value)} matches more than one ${parent.name} record on field ${field.name}`, [lookup.name]) };
    }
    return { id: matches[0]!.Id };
  }

  /** Checks the lookups and unique values of a would-be row. */
  #checkRow(object: SalesforceObjectDefinition, row: Record<string, unknown>, changed: Iterable<SalesforceFieldDefinition>): SalesforceRecordError[] {
    const errors: SalesforceRecordError[] = [];
    const missing = [...object.fields.values()].filter((field) => field.createable && !field.nillable && !field.defaultedOnCreate && (row[field.name] === null || row[field.name] === undefined));
    if (missing.length > 0) {
      const names = missing.map((field) => field.name);
      errors.push(recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names));
      return errors;
    }
    for (const field of changed) {
      const value = row[field.name];
      if (value === null || value === undefined) continue;
      if (field.type === 'reference') {
        const id = String(value);
        const target = field.referenceTo.map((name) => this.object(name)).find((candidate) => candidate?.keyPrefix === id.slice(0, 3));
        if (!target) {
          errors.push(recordError('FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${id}`, [field.name]));
        } else if (!this.store.get(target.name, id)) {
          errors.push(recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field.name]));
        } else if (!this.live(target.name, id)) {
          errors.push(recordError('ENTITY_IS_DELETED', 'entity is deleted', [field.name]));
        }
      }
      if (field.unique) {
        const clash = this.store.lookup(object.name, field.name, value, field.caseSensitive).find((other) => other.Id !== row['Id'] && other['IsDeleted'] !== true);
        if (clash) errors.push(recordError('DUPLICATE_VALUE', `duplicate value found: ${field.name} duplicates value on record with id: ${clash.Id}`, []));
      }
    }
    return errors;
  }

  #derive(object: SalesforceObjectDefinition, row: Record<string, unknown>): void {
    const name = object.fields.get('name');
    if (name && !name.createable && object.fields.has('lastname')) {
      row['Name'] = [row['FirstName'], row['LastName']].filter((part) => typeof part === 'string' && part !== '').join(' ');
    }
  }

  /** Creates a record; throws `SalesforceRecordFailure` with the record's errors. */
  create(objectName: string, input: Record<string, unknown>, actorId = this.integrationUserId): string {
    const object = this.requireObject(objectName);
    if (!object.createable) throw new SalesforceRecordFailure([recordError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be inserted: ${object.label}`)]);
    if ('Id' in input || 'id' in input) {
      throw new SalesforceRecordFailure([recordError('INVALID_FIELD_FOR_INSERT_UPDATE', `${object.label} ID: cannot specify Id in an insert call`, ['Id'])]);
    }
    const { values, errors } = this.#prepare(object, input, 'create');
    if (errors.length > 0) throw new SalesforceRecordFailure(errors);
    const now = this.nowText();
    const row: Record<string, unknown> = {};
    for (const field of object.fields.values()) {
      if (field.defaultValue !== null && field.defaultedOnCreate) row[field.name] = field.defaultValue;
      else if (field.type === 'boolean') row[field.name] = false;
      else row[field.name] = null;
    }
    for (const [field, value] of values) row[field.name] = value;
    const nameField = object.fields.get('name');
    if (nameField?.autoNumber) {
      const number = object.nextAutoNumber++;
      row['Name'] = (nameField.displayFormat ?? '{0}').replace(/\{(0+)\}/, (_match, zeros: string) => String(number).padStart(zeros.length, '0'));
    }
    const id = buildSalesforceId(object.keyPrefix, this.store.nextSequence());
    Object.assign(row, { Id: id, IsDeleted: false, CreatedDate: now, CreatedById: actorId, LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
    if (object.fields.has('ownerid') && !values.has(object.fields.get('ownerid')!)) row['OwnerId'] = actorId;
    for (const key of Object.keys(row)) if (!object.fields.has(key.toLowerCase())) delete row[key];
    this.#derive(object, row);
    const problems = this.#checkRow(object, row, values.keys());
    if (problems.length > 0) throw new SalesforceRecordFailure(problems);
    this.store.write(object.name, row as StoredRecord);
    if (object.history) this.#writeHistory(object, id, 'created', null, null, null, actorId, now);
    return id;
  }

  /**
   * Updates a live record. `missing` says how a missing record is reported: the single-record
   * endpoint answers 404, collections answer a record error.
   */
  update(objectName: string, id: string, input: Record<string, unknown>, actorId = this.integrationUserId, missing: 'not-found' | 'record-error' = 'record-error'): void {
    const object = this.requireObject(objectName);
    const normalized = this.#requireId(object, id);
    const existing = this.store.get(object.name, normalized);
    if (!existing || existing['IsDeleted'] === true) {
      if (!existing && missing === 'not-found') throw notFound();
      throw new SalesforceRecordFailure([recordError('ENTITY_IS_DELETED', 'entity is deleted')]);
    }
    if (!object.updateable) throw new SalesforceRecordFailure([recordError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be updated: ${object.label}`)]);
    const body = { ...input };
    delete body['Id'];
    delete body['id'];
    const { values, errors } = this.#prepare(object, body, 'update');
    if (errors.length > 0) throw new SalesforceRecordFailure(errors);
    const now = this.nowText();
    const row: Record<string, unknown> = { ...existing };
    for (const [field, value] of values) row[field.name] = value;
    Object.assign(row, { LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
    this.#derive(object, row);
    const problems = this.#checkRow(object, row, values.keys());
    if (problems.length > 0) throw new SalesforceRecordFailure(problems);
    this.store.write(object.name, row as StoredRecord);
    if (object.history) {
      for (const [field, value] of values) {
        const previous = existing[field.name] ?? null;
        if (!field.trackHistory || previous === value) continue;
        // Values longer than 255 characters are tracked as "changed" without the values.
        const keepValues = !(field.type === 'textarea' && field.length > 255);
        this.#writeHistory(object, normalized, field.name, historyDataType(field), keepValues ? previous : null, keepValues ? value : null, actorId, now);
      }
    }
  }

  #writeHistory(object: SalesforceObjectDefinition, parentId: string, fieldName: string, dataType: string | null, oldValue: unknown, newValue: unknown, actorId: string, now: string): void {
    const history = object.history!;
    this.store.write(history.objectName, {
      Id: buildSalesforceId('017', this.store.nextSequence()),
      IsDeleted: false,
      [history.parentField]: parentId,
      Field: fieldName,
      DataType: dataType,
      OldValue: oldValue,
      NewValue: newValue,
      CreatedById: actorId,
      CreatedDate: now,
    });
  }

  /** Normalizes an id for `object` or throws MALFORMED_ID. */
  #requireId(object: SalesforceObjectDefinition, id: string): string {
    const normalized = normalizeSalesforceId(id);
    if (!normalized || normalized.slice(0, 3) !== object.keyPrefix) {
      throw new SalesforceRecordFailure([recordError('MALFORMED_ID', `${object.label} ID: id value of incorrect type: ${id}`, ['Id'])]);
    }
    return normalized;
  }

  /** The field an upsert matches on: an External ID field, or Id. */
  externalIdField(object: SalesforceObjectDefinition, name: string): SalesforceFieldDefinition {
    const field = object.fields.get(name.toLowerCase());
    if (!field || !(field.externalId || field.type === 'id')) {
      throw SalesforceRequestError.of(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
    }
    return field;
  }

  /** Live rows whose external id equals `value`. */
  matchExternalId(object: SalesforceObjectDefinition, field: SalesforceFieldDefinition, value: string): StoredRecord[] {
    if (field.type === 'id') {
      const id = normalizeSalesforceId(value);
      const row = id ? this.live(object.name, id) : undefined;
      return row ? [row] : [];
    }
    return this.store.lookup(object.name, field.name, value, field.caseSensitive).filter((row) => row['IsDeleted'] !== true);
  }

  /** Creates or updates by external id; throws `MultipleMatchesError` on several matches. */
  upsert(objectName: string, fieldName: string, value: string, input: Record<string, unknown>, actorId = this.integrationUserId): UpsertOutcome {
    const object = this.requireObject(objectName);
    const field = this.externalIdField(object, fieldName);
    const body = { ...input };
    for (const key of Object.keys(body)) if (key.toLowerCase() === field.name.toLowerCase()) delete body[key];
    const matches = this.matchExternalId(object, field, value);
    if (matches.length > 1) throw new MultipleMatchesError(field, matches.map((row) => row.Id));
    const match = matches[0];
    if (match) {
      this.update(object.name, match.Id, body, actorId);
      return { id: match.Id, created: false };
    }
    if (field.type === 'id') throw notFound();
    return { id: this.create(object.name, { ...body, [field.name]: value }, actorId), created: true };
  }

  /** Moves a record to the recycle bin (IsDeleted), applying its children's delete constraints. */
  delete(objectName: string | null, id: string, actorId = this.integrationUserId, missing: 'not-found' | 'record-error' = 'record-error'): void {
    const normalized = normalizeSalesforceId(id);
    const object = objectName ? this.requireObject(objectName) : normalized ? this.objectForId(normalized) : undefined;
    if (!normalized || !object || normalized.slice(0, 3) !== object.keyPrefix) {
      throw new SalesforceRecordFailure([recordError('MALFORMED_ID', `malformed id ${id}`)]);
    }
    const existing = this.store.get(object.name, normalized);
    if (!existing) {
      if (missing === 'not-found') throw notFound();
      throw new SalesforceRecordFailure([recordError('ENTITY_IS_DELETED', 'entity is deleted')]);
    }
    if (existing['IsDeleted'] === true) throw new SalesforceRecordFailure([recordError('ENTITY_IS_DELETED', 'entity is deleted')]);
    if (!object.deletable) throw new SalesforceRecordFailure([recordError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be deleted: ${object.label}`)]);
    const now = this.nowText();
    for (const child of this.objects()) {
      for (const field of child.fields.values()) {
        if (field.type !== 'reference' || !field.referenceTo.includes(object.name) || !field.deleteConstraint) continue;
        for (const row of this.store.lookup(child.name, field.name, normalized, true)) {
          if (row['IsDeleted'] === true) continue;
          if (field.deleteConstraint === 'Restrict') {
            throw new SalesforceRecordFailure([recordError('DELETE_FAILED', `Your attempt to delete ${object.label} could not be completed because it is associated with the following ${child.labelPlural}: ${row.Id}`)]);
          }
          if (field.deleteConstraint === 'Cascade') this.store.write(child.name, { ...row, IsDeleted: true, LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
          else this.store.write(child.name, { ...row, [field.name]: null, LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
        }
      }
    }
    this.store.write(object.name, { ...existing, IsDeleted: true, LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
  }

  /** A row projected for the REST API: `attributes` first, then the requested (or all) fields. */
  project(object: SalesforceObjectDefinition, row: StoredRecord, version: string, fieldNames?: string[]): Record<string, unknown> {
    const projected: Record<string, unknown> = { attributes: { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${row.Id}` } };
    const fields = fieldNames ? fieldNames.map((name) => this.queryField(object, name)) : [...object.fields.values()];
    for (const field of fields) projected[field.name] = row[field.name] ?? null;
    return projected;
  }

  /** Field named in `fields=`; unknown names get the query-style INVALID_FIELD. */
  queryField(object: SalesforceObjectDefinition, name: string): SalesforceFieldDefinition {
    const field = object.fields.get(name.trim().toLowerCase());
    if (!field) {
      throw SalesforceRequestError.of(
        400,
        'INVALID_FIELD',
        `No such column '${name.trim()}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return field;
  }
}

import { describeField } from './salesforce-describe';
import { normalizeSalesforceId } from './salesforce-ids';
import type { SalesforceOrg } from './salesforce-org';

/** A row as the org stores it: field API names to values, `Id` always set. Datetimes read `2024-05-01T09:30:00.000+0000`. */
export type SalesforceRecord = Record<string, unknown> & { Id: string };

/** One field as `describe` reports it (name, type, length, custom, externalId, unique, …). */
export type SalesforceFieldDescription = Record<string, unknown> & {
  name: string;
  type: string;
  length: number;
  custom: boolean;
  externalId: boolean;
  unique: boolean;
  label: string;
};

/** One row of a history table (ContactHistory, LeadHistory, X__History). */
export interface SalesforceHistoryRow {
  Id: string;
  /** The parent record (ContactId, LeadId or ParentId). */
  ParentId: string;
  /** The field's API name, or `created` for the row written when the record was created. */
  Field: string;
  DataType: string | null;
  OldValue: unknown;
  NewValue: unknown;
  CreatedDate: string;
  CreatedById: string;
}

/** Who a tamper helper acts as: the CRM user (default) or the API integration user. */
export interface SalesforceStateWriteOptions {
  /** A User id; default `crmUserId`, a person editing in the Salesforce UI. */
  asUserId?: string;
}

/**
 * The org read directly, not through the REST API: what tests check an adapter's writes against,
 * and helpers that change data the way a person in the Salesforce UI would (these write history
 * rows and go through the same validation as the API).
 */
export interface SalesforceEmulatorState {
  /** The API user's id (every session runs as it) and a CRM user's id (the default author of tamper edits). */
  readonly integrationUserId: string;
  readonly crmUserId: string;
  /** Object API names, standard and custom. */
  objects(): string[];
  /** Copies of the rows of an object, oldest first; deleted (recycle bin) rows only when asked. */
  records(sobject: string, options?: { includeDeleted?: boolean }): SalesforceRecord[];
  /** One live row, or null. Accepts 15- or 18-character ids. */
  record(sobject: string, id: string): SalesforceRecord | null;
  /** The live Contact with this email (case-insensitive), or null. The first one if several. */
  contactByEmail(email: string): SalesforceRecord | null;
  /** The live Lead with this email, or null. */
  leadByEmail(email: string): SalesforceRecord | null;
  /** Describe metadata of every field of an object, custom ones included; [] for an unknown object. */
  fields(sobject: string): SalesforceFieldDescription[];
  /** One field's describe metadata, or null. */
  field(sobject: string, name: string): SalesforceFieldDescription | null;
  /** History rows of an object (`Contact` reads ContactHistory), optionally for one record, oldest first. */
  history(sobject: string, recordId?: string): SalesforceHistoryRow[];
  /** Creates a row as a CRM user would; returns its id. Throws when validation fails. */
  createRecord(sobject: string, fields: Record<string, unknown>, options?: SalesforceStateWriteOptions): string;
  /** Updates a row as a CRM user would (history rows are written for tracked fields). */
  updateRecord(sobject: string, id: string, fields: Record<string, unknown>, options?: SalesforceStateWriteOptions): void;
  /** Deletes a row (to the recycle bin) as a CRM user would. */
  deleteRecord(sobject: string, id: string, options?: SalesforceStateWriteOptions): void;
}

function normalizeFor(org: SalesforceOrg, sobject: string, id: string): string {
  org.requireObject(sobject);
  return normalizeSalesforceId(id) ?? id;
}

export function createSalesforceEmulatorState(org: SalesforceOrg): SalesforceEmulatorState {
  const copy = (row: Readonly<Record<string, unknown>> & { Id: string }): SalesforceRecord => ({ ...row });
  const byEmail = (sobject: string, email: string) => {
    const object = org.object(sobject);
    if (!object) return null;
    const row = org.store.lookup(object.name, 'Email', email.trim()).find((candidate) => candidate['IsDeleted'] !== true);
    return row ? copy(row) : null;
  };
  return {
    integrationUserId: org.integrationUserId,
    crmUserId: org.crmUserId,
    objects: () => org.objects().map((object) => object.name),
    records(sobject, options = {}) {
      const object = org.object(sobject);
      if (!object) return [];
      return [...org.liveRows(object, options.includeDeleted ?? false)].map(copy);
    },
    record(sobject, id) {
      const object = org.object(sobject);
      if (!object) return null;
      const row = org.live(object.name, normalizeFor(org, object.name, id));
      return row ? copy(row) : null;
    },
    contactByEmail: (email) => byEmail('Contact', email),
    leadByEmail: (email) => byEmail('Lead', email),
    fields(sobject) {
      const object = org.object(sobject);
      return object ? ([...object.fields.values()].map(describeField) as SalesforceFieldDescription[]) : [];
    },
    field(sobject, name) {
      const field = org.object(sobject)?.fields.get(name.toLowerCase());
      return field ? (describeField(field) as SalesforceFieldDescription) : null;
    },
    history(sobject, recordId) {
      const object = org.object(sobject);
      if (!object?.history) return [];
      const { objectName, parentField } = object.history;
      const parentId = recordId ? normalizeFor(org, object.name, recordId) : null;
      const rows = parentId ? org.store.lookup(objectName, parentField, parentId, true) : [...org.store.all(objectName)];
      return rows.map((row) => ({
        Id: row.Id,
        ParentId: String(row[parentField]),
        Field: String(row['Field']),
        DataType: (row['DataType'] as string | null) ?? null,
        OldValue: row['OldValue'] ?? null,
        NewValue: row['NewValue'] ?? null,
        CreatedDate: String(row['CreatedDate']),
        CreatedById: String(row['CreatedById']),
      }));
    },
    createRecord(sobject, fields, options = {}) {
      return org.create(sobject, fields, options.asUserId ?? org.crmUserId);
    },
    updateRecord(sobject, id, fields, options = {}) {
      org.update(sobject, normalizeFor(org, sobject, id), fields, options.asUserId ?? org.crmUserId);
    },
    deleteRecord(sobject, id, options = {}) {
      org.delete(sobject, normalizeFor(org, sobject, id), options.asUserId ?? org.crmUserId);
    },
  };
}

import type { HubSpotObjectType, HubSpotPropertyDefinition, HubSpotPropertyGroup } from './hubspot-emulator-schema';
import { normalizeValue, systemProperties } from './hubspot-emulator-schema';
import {
  compareIds,
  type HubSpotPropertyVersion,
  type HubSpotStore,
  type HubSpotSubscriptionDefinition,
  type HubSpotSubscriptionStatusVersion,
  type HubSpotWriteCounts,
  type HubSpotWriteSource,
  type StoredRecord,
} from './hubspot-emulator-store';

/** A record as the backend holds it, read without going through any adapter or HTTP. */
export interface HubSpotRecordSnapshot {
  id: string;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Every property that has a value (empty values omitted), plus the derived ones (id, create/modify dates). */
  properties: Record<string, string>;
  /** Every version of every stored property, newest first (as HubSpot returns `propertiesWithHistory`). */
  propertiesWithHistory: Record<string, HubSpotPropertyVersion[]>;
}

/** A note with the ids of the contacts it is associated with. */
export interface HubSpotNoteSnapshot extends HubSpotRecordSnapshot {
  contactIds: string[];
}

/** A contact's current status for one subscription type, with its history (oldest first). */
export interface HubSpotSubscriptionStatusSnapshot extends HubSpotSubscriptionStatusVersion {
  subscriptionName: string;
  history: HubSpotSubscriptionStatusVersion[];
}

/** How a tamper helper signs its writes: as a person in the HubSpot UI unless told otherwise. */
export interface TamperOptions {
  source?: HubSpotWriteSource;
}

const userInterface: HubSpotWriteSource = { sourceType: 'CRM_UI', sourceId: 'userId:1001', updatedByUserId: 1001 };

/**
 * The backend read path for tests: what the emulated HubSpot account holds, read and changed
 * directly, so a test can check what an adapter wrote without trusting the adapter to read it back.
 * Mutation helpers play the part of a person editing records in HubSpot (tamper and drift tests).
 */
export class HubSpotEmulatorState {
  constructor(readonly store: HubSpotStore) {}

  /** The live contact with this email (case-insensitive), or `null`. */
  contactByEmail(email: string): HubSpotRecordSnapshot | null {
    const record = this.store.find('contacts', email, 'email');
    return record ? this.#snapshot(record) : null;
  }

  /** A contact by record id (archived ones included), or `null`. */
  contactById(contactId: string): HubSpotRecordSnapshot | null {
    const record = this.store.recordsOf('contacts').get(contactId);
    return record ? this.#snapshot(record) : null;
  }

  /** Every live contact, in id order. */
  contacts(): HubSpotRecordSnapshot[] {
    return this.#live('contacts').map((record) => this.#snapshot(record));
  }

  /** A note by id (archived ones included), or `null`. */
  note(noteId: string): HubSpotNoteSnapshot | null {
    const record = this.store.recordsOf('notes').get(noteId);
    return record ? this.#noteSnapshot(record) : null;
  }

  /** Live notes associated with a contact, ordered by `hs_timestamp`, then id. */
  notesForContact(contactId: string): HubSpotNoteSnapshot[] {
    return this.store
      .associationsFrom('contacts', contactId, 'notes')
      .map((association) => this.store.recordsOf('notes').get(association.toId)!)
      .sort((left, right) => {
        const byTime = (this.store.value(left, 'hs_timestamp') ?? '').localeCompare(this.store.value(right, 'hs_timestamp') ?? '');
        return byTime !== 0 ? byTime : compareIds(left.id, right.id);
      })
      .map((record) => this.#noteSnapshot(record));
  }

  /** Every live note, in id order. */
  notes(): HubSpotNoteSnapshot[] {
    return this.#live('notes').map((record) => this.#noteSnapshot(record));
  }

  /** Property definitions of an object type (archived ones excluded). */
  properties(objectType: HubSpotObjectType = 'contacts'): HubSpotPropertyDefinition[] {
    return [...this.store.definitionsOf(objectType).values()].filter((definition) => !definition.archived).map((definition) => structuredClone(definition));
  }

  /** One property definition, or `null`. */
  property(objectType: HubSpotObjectType, name: string): HubSpotPropertyDefinition | null {
    const definition = this.store.definitionsOf(objectType).get(name);
    return definition && !definition.archived ? structuredClone(definition) : null;
  }

  /** Property groups of an object type. */
  propertyGroups(objectType: HubSpotObjectType = 'contacts'): HubSpotPropertyGroup[] {
    return [...this.store.groupsOf(objectType).values()].filter((group) => !group.archived).map((group) => ({ ...group }));
  }

  /** The subscription types the account offers. */
  subscriptionDefinitions(): HubSpotSubscriptionDefinition[] {
    return this.store.options.subscriptionDefinitions.map((definition) => ({ ...definition }));
  }

  /** Every subscription status ever set for this email, current value first in each entry's history tail. */
  subscriptionStatuses(email: string): HubSpotSubscriptionStatusSnapshot[] {
    const bySubscription = this.store.subscriptionStatuses.get(email.trim().toLowerCase());
    if (!bySubscription) return [];
    const names = new Map(this.store.options.subscriptionDefinitions.map((definition) => [Number(definition.id), definition.name]));
    return [...bySubscription.entries()]
      .sort(([left], [right]) => left - right)
      .map(([subscriptionId, history]) => ({
        ...history[history.length - 1]!,
        subscriptionName: names.get(subscriptionId) ?? '',
        history: history.map((version) => ({ ...version })),
      }));
  }

  /** Emails erased with `POST /crm/v3/objects/contacts/gdpr-delete`. */
  gdprDeletedEmails(): string[] {
    return [...this.store.gdprDeletedEmails];
  }

  /** Counts of accepted writes since start or the last `reset()`. */
  get writes(): Readonly<HubSpotWriteCounts> {
    return { ...this.store.writes };
  }

  /** Edits a note's body as a HubSpot user would. Throws if the note does not exist. */
  updateNoteBody(noteId: string, body: string, options: TamperOptions = {}): void {
    this.#write('notes', noteId, { hs_note_body: body }, options);
  }

  /** Edits any property of a note as a HubSpot user would. */
  updateNoteProperty(noteId: string, name: string, value: string, options: TamperOptions = {}): void {
    this.#write('notes', noteId, { [name]: value }, options);
  }

  /** Deletes a note for good (no archive), as if removed in HubSpot. */
  deleteNote(noteId: string): void {
    this.store.purge(this.#record('notes', noteId));
  }

  /** Edits a contact property as a HubSpot user would. The contact is found by id or email. */
  updateContactProperty(contactIdOrEmail: string, name: string, value: string, options: TamperOptions = {}): void {
    const record = contactIdOrEmail.includes('@') ? this.store.find('contacts', contactIdOrEmail, 'email') : this.store.recordsOf('contacts').get(contactIdOrEmail);
    if (!record) throw new Error(`No contact ${contactIdOrEmail} in the HubSpot emulator`);
    this.#write('contacts', record.id, { [name]: value }, options);
  }

  /**
   * Creates a contact as a HubSpot user would (history signed `CRM_UI` unless `options.source` says
   * otherwise, e.g. `{ sourceType: 'IMPORT' }` or `{ sourceType: 'FORM' }`). Returns its id.
   */
  createContact(properties: Record<string, string>, options: TamperOptions = {}): string {
    const definitions = this.store.definitionsOf('contacts');
    const normalized: Record<string, string> = {};
    for (const [name, raw] of Object.entries(properties)) {
      const result = normalizeValue(definitions.get(name), name, raw);
      if ('problem' in result) throw new Error(`HubSpot emulator: ${result.problem.message}`);
      normalized[name] = name === 'email' ? result.value.trim().toLowerCase() : result.value;
    }
    if (normalized['email'] && this.store.find('contacts', normalized['email'], 'email')) throw new Error(`HubSpot emulator: a contact with email ${normalized['email']} already exists`);
    return this.store.create('contacts', normalized, options.source ?? userInterface).id;
  }

  /** Deletes a contact and its associations for good. */
  deleteContact(contactId: string): void {
    this.store.purge(this.#record('contacts', contactId));
  }

  #write(objectType: HubSpotObjectType, id: string, values: Record<string, string>, options: TamperOptions): void {
    const record = this.#record(objectType, id);
    const definitions = this.store.definitionsOf(objectType);
    const normalized: Record<string, string> = {};
    for (const [name, raw] of Object.entries(values)) {
      const result = normalizeValue(definitions.get(name), name, raw);
      if ('problem' in result) throw new Error(`HubSpot emulator: ${result.problem.message}`);
      normalized[name] = result.value;
    }
    this.store.update(record, normalized, options.source ?? userInterface);
  }

  #record(objectType: HubSpotObjectType, id: string): StoredRecord {
    const record = this.store.recordsOf(objectType).get(id);
    if (!record) throw new Error(`No ${objectType.slice(0, -1)} ${id} in the HubSpot emulator`);
    return record;
  }

  #live(objectType: HubSpotObjectType): StoredRecord[] {
    return [...this.store.recordsOf(objectType).values()].filter((record) => !record.archived).sort((left, right) => compareIds(left.id, right.id));
  }

  #snapshot(record: StoredRecord): HubSpotRecordSnapshot {
    const properties: Record<string, string> = {};
    const propertiesWithHistory: Record<string, HubSpotPropertyVersion[]> = {};
    for (const name of record.history.keys()) {
      const value = this.store.value(record, name);
      if (value !== undefined && value !== '') properties[name] = value;
      propertiesWithHistory[name] = this.store.history(record, name);
    }
    for (const name of Object.values(systemProperties[record.objectType])) properties[name] = this.store.value(record, name)!;
    return { id: record.id, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: record.archived, properties, propertiesWithHistory };
  }

  #noteSnapshot(record: StoredRecord): HubSpotNoteSnapshot {
    const contactIds = this.store
      .links('notes', record.id, 'contacts')
      .map((association) => association.toId)
      .sort(compareIds);
    return { ...this.#snapshot(record), contactIds };
  }
}

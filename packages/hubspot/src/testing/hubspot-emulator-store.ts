import {
  defaultGroups,
  defaultProperties,
  systemProperties,
  type HubSpotObjectType,
  type HubSpotPropertyDefinition,
  type HubSpotPropertyGroup,
} from './hubspot-emulator-schema';

/** One version of a property value (`ValueWithTimestamp` in crm-contacts-v3.json). */
export interface HubSpotPropertyVersion {
  value: string;
  /** ISO 8601, UTC. */
  timestamp: string;
  /** e.g. `INTEGRATION` (API writes), `CRM_UI` (a person in HubSpot), `CALCULATED`. */
  sourceType: string;
  sourceId?: string;
  sourceLabel?: string;
  updatedByUserId?: number;
}

/** Who made a write; recorded on every property version it creates. */
export interface HubSpotWriteSource {
  sourceType: string;
  sourceId?: string;
  sourceLabel?: string;
  updatedByUserId?: number;
}

/** A stored CRM record. History per property is kept oldest first. */
export interface StoredRecord {
  readonly id: string;
  readonly objectType: HubSpotObjectType;
  readonly createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  readonly history: Map<string, HubSpotPropertyVersion[]>;
}

/** A directed association between two records (v4 model: type id + category, optional label). */
export interface StoredAssociation {
  fromType: HubSpotObjectType;
  fromId: string;
  toType: HubSpotObjectType;
  toId: string;
  typeId: number;
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  label: string | null;
}

/** HubSpot-defined association types the emulator knows, keyed `from->to`. */
export const associationTypes: Record<string, { typeId: number; name: string }> = {
  'notes->contacts': { typeId: 202, name: 'note_to_contact' },
  'contacts->notes': { typeId: 201, name: 'contact_to_note' },
};

/** A communication subscription type (`SubscriptionDefinition` in communication-preferences-v4.json). */
export interface HubSpotSubscriptionDefinition {
  id: string;
  name: string;
  description: string;
  purpose?: string;
  communicationMethod?: string;
  isActive: boolean;
  isDefault: boolean;
  isInternal: boolean;
  businessUnitId?: number;
  createdAt: string;
  updatedAt: string;
}

/** One recorded subscription status (`PublicStatus` in communication-preferences-v4.json, minus the subscriber). */
export interface HubSpotSubscriptionStatusVersion {
  subscriptionId: number;
  status: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NOT_SPECIFIED';
  legalBasis?: string;
  legalBasisExplanation?: string;
  source: string;
  /** ISO 8601, UTC. */
  timestamp: string;
}

/** How many writes of each kind the emulator accepted (reads are not counted here; see `calls`). */
export interface HubSpotWriteCounts {
  contactsCreated: number;
  contactsUpdated: number;
  contactsArchived: number;
  contactsPurged: number;
  notesCreated: number;
  notesUpdated: number;
  notesArchived: number;
  /** Property versions added (a write of an unchanged value adds none). */
  propertyValuesChanged: number;
  propertiesCreated: number;
  propertyGroupsCreated: number;
  associationsCreated: number;
  subscriptionStatusesWritten: number;
}

function zeroCounts(): HubSpotWriteCounts {
  return {
    contactsCreated: 0,
    contactsUpdated: 0,
    contactsArchived: 0,
    contactsPurged: 0,
    notesCreated: 0,
    notesUpdated: 0,
    notesArchived: 0,
    propertyValuesChanged: 0,
    propertiesCreated: 0,
    propertyGroupsCreated: 0,
    associationsCreated: 0,
    subscriptionStatusesWritten: 0,
  };
}

/** A change the store made, as webhook senders observe it (after the write). */
export type HubSpotStoreChange =
  | { kind: 'created'; record: StoredRecord; source: HubSpotWriteSource; timestamp: string }
  | { kind: 'updated'; record: StoredRecord; source: HubSpotWriteSource; timestamp: string; properties: Array<{ name: string; value: string }> }
  | { kind: 'purged'; record: StoredRecord; timestamp: string };

export interface HubSpotStoreOptions {
  now: () => number;
  subscriptionDefinitions: HubSpotSubscriptionDefinition[];
}

const objectTypes: HubSpotObjectType[] = ['contacts', 'notes'];
// HubSpot ids are large integers; distinct ranges make a contact id never look like a note id.
const firstIds: Record<HubSpotObjectType, number> = { contacts: 101, notes: 90_000_000_001 };

/** The emulator's in-memory CRM. Route handlers and the test read path both go through it. */
export class HubSpotStore {
  readonly records = new Map<HubSpotObjectType, Map<string, StoredRecord>>();
  readonly definitions = new Map<HubSpotObjectType, Map<string, HubSpotPropertyDefinition>>();
  readonly groups = new Map<HubSpotObjectType, Map<string, HubSpotPropertyGroup>>();
  readonly associations = new Map<string, StoredAssociation>();
  /** Subscription status history per lower-cased email and subscription id, oldest first. */
  readonly subscriptionStatuses = new Map<string, Map<number, HubSpotSubscriptionStatusVersion[]>>();
  /** Emails erased with `gdpr-delete` (HubSpot blocklists them). */
  readonly gdprDeletedEmails = new Set<string>();
  writes: HubSpotWriteCounts = zeroCounts();
  /** Observers of record changes (the webhook sender). */
  readonly listeners = new Set<(change: HubSpotStoreChange) => void>();
  readonly #nextIds = new Map<HubSpotObjectType, number>();
  #lastTimestamp = 0;
  /**
   * Records by the value of a property they can be found by (`idProperty`), per type and property
   * name: lookup key → every record holding that value, archived or not. Built on the first lookup by
   * a property, then kept current by create, update and purge, so an upsert of 100 contacts costs
   * 100 map reads whatever the store holds.
   */
  readonly #valueIndexes = new Map<HubSpotObjectType, Map<string, Map<string, Set<StoredRecord>>>>();
  /** Keys of `associations` by the record at either end (`type:id`), so reads and purges never scan them all. */
  readonly #associationsFromRecord = new Map<string, Set<string>>();
  readonly #associationsToRecord = new Map<string, Set<string>>();

  constructor(readonly options: HubSpotStoreOptions) {
    this.reset();
  }

  reset(): void {
    for (const type of objectTypes) {
      this.records.set(type, new Map());
      this.definitions.set(type, new Map(defaultProperties(type).map((definition) => [definition.name, definition])));
      this.groups.set(type, new Map(defaultGroups(type).map((group) => [group.name, group])));
      this.#nextIds.set(type, firstIds[type]);
    }
    this.#valueIndexes.clear();
    this.associations.clear();
    this.#associationsFromRecord.clear();
    this.#associationsToRecord.clear();
    this.subscriptionStatuses.clear();
    this.gdprDeletedEmails.clear();
    this.writes = zeroCounts();
  }

  /** Current time as ISO 8601; strictly increasing so history versions never tie. */
  timestamp(): string {
    const now = Math.max(this.options.now(), this.#lastTimestamp + 1);
    this.#lastTimestamp = now;
    return new Date(now).toISOString();
  }

  recordsOf(type: HubSpotObjectType): Map<string, StoredRecord> {
    return this.records.get(type)!;
  }

  definitionsOf(type: HubSpotObjectType): Map<string, HubSpotPropertyDefinition> {
    return this.definitions.get(type)!;
  }

  groupsOf(type: HubSpotObjectType): Map<string, HubSpotPropertyGroup> {
    return this.groups.get(type)!;
  }

  /**
   * A live (not archived) record by id, or by a unique property when `idProperty` is given. Email
   * matches case-insensitively, as HubSpot does. Should several records hold the value (a tamper
   * helper can make that happen), the oldest wins.
   */
  find(type: HubSpotObjectType, id: string, idProperty?: string, options: { archived?: boolean } = {}): StoredRecord | undefined {
    const archived = options.archived ?? false;
    if (!idProperty || idProperty === 'hs_object_id') {
      const record = this.recordsOf(type).get(id);
      return record && record.archived === archived ? record : undefined;
    }
    const wanted = idProperty === 'email' ? id.trim().toLowerCase() : id;
    if (isDerived(type, idProperty)) return this.#scan(type, idProperty, wanted, archived);
    let found: StoredRecord | undefined;
    for (const record of this.#valueIndex(type, idProperty).get(wanted) ?? []) {
      if (record.archived !== archived) continue;
      if (!found || compareIds(record.id, found.id) < 0) found = record;
    }
    return found;
  }

  /** The slow path for values the emulator derives (create and modify dates change without a write). */
  #scan(type: HubSpotObjectType, name: string, wanted: string, archived: boolean): StoredRecord | undefined {
    for (const record of this.recordsOf(type).values()) {
      if (record.archived !== archived) continue;
      const value = this.value(record, name);
      if (value !== undefined && lookupKey(name, value) === wanted) return record;
    }
    return undefined;
  }

  /** The index of one property, built from the store on first use. */
  #valueIndex(type: HubSpotObjectType, name: string): Map<string, Set<StoredRecord>> {
    let byName = this.#valueIndexes.get(type);
    if (!byName) this.#valueIndexes.set(type, (byName = new Map()));
    let index = byName.get(name);
    if (!index) {
      byName.set(name, (index = new Map()));
      for (const record of this.recordsOf(type).values()) {
        const value = this.value(record, name);
        if (value !== undefined) addToIndex(index, lookupKey(name, value), record);
      }
    }
    return index;
  }

  /** Moves a record between keys of the indexes a write touched (`before`/`after` undefined: no value). */
  #reindex(record: StoredRecord, name: string, before: string | undefined, after: string | undefined): void {
    const index = this.#valueIndexes.get(record.objectType)?.get(name);
    if (!index) return;
    if (before !== undefined) removeFromIndex(index, lookupKey(name, before), record);
    if (after !== undefined) addToIndex(index, lookupKey(name, after), record);
  }

  /** The current value of a property, including the values the emulator derives (id, dates). */
  value(record: StoredRecord, name: string): string | undefined {
    const system = systemProperties[record.objectType];
    if (name === system.id) return record.id;
    if (name === system.created) return record.createdAt;
    if (name === system.modified) return record.updatedAt;
    const versions = record.history.get(name);
    return versions?.[versions.length - 1]?.value;
  }

  /** History newest first, as HubSpot returns `propertiesWithHistory`. */
  history(record: StoredRecord, name: string): HubSpotPropertyVersion[] {
    const system = systemProperties[record.objectType];
    if (name === system.id || name === system.created || name === system.modified) {
      const value = this.value(record, name)!;
      const timestamp = name === system.modified ? record.updatedAt : record.createdAt;
      return [{ value, timestamp, sourceType: 'CALCULATED', sourceId: 'ObjectPropertyCalculation' }];
    }
    return [...(record.history.get(name) ?? [])].reverse().map((version) => ({ ...version }));
  }

  create(type: HubSpotObjectType, values: Record<string, string>, source: HubSpotWriteSource): StoredRecord {
    const next = this.#nextIds.get(type)!;
    this.#nextIds.set(type, next + 1);
    const timestamp = this.timestamp();
    const record: StoredRecord = { id: String(next), objectType: type, createdAt: timestamp, updatedAt: timestamp, archived: false, history: new Map() };
    this.recordsOf(type).set(record.id, record);
    for (const [name, value] of Object.entries(values)) {
      if (value === '') continue;
      record.history.set(name, [{ value, timestamp, ...source }]);
      this.#reindex(record, name, undefined, value);
      this.writes.propertyValuesChanged += 1;
    }
    if (type === 'contacts') this.writes.contactsCreated += 1;
    else this.writes.notesCreated += 1;
    for (const listener of this.listeners) listener({ kind: 'created', record, source, timestamp });
    return record;
  }

  /** Applies values; returns how many properties actually changed. An unchanged value adds no version. */
  update(record: StoredRecord, values: Record<string, string>, source: HubSpotWriteSource): number {
    const timestamp = this.timestamp();
    let changed = 0;
    const properties: Array<{ name: string; value: string }> = [];
    for (const [name, value] of Object.entries(values)) {
      const previous = this.value(record, name);
      if ((previous ?? '') === value) continue;
      const versions = record.history.get(name) ?? [];
      versions.push({ value, timestamp, ...source });
      record.history.set(name, versions);
      this.#reindex(record, name, previous, value);
      changed += 1;
      properties.push({ name, value });
    }
    if (changed > 0) for (const listener of this.listeners) listener({ kind: 'updated', record, source, timestamp, properties });
    if (changed > 0) {
      record.updatedAt = timestamp;
      this.writes.propertyValuesChanged += changed;
      if (record.objectType === 'contacts') this.writes.contactsUpdated += 1;
      else this.writes.notesUpdated += 1;
    }
    return changed;
  }

  archive(record: StoredRecord): void {
    if (record.archived) return;
    record.archived = true;
    record.archivedAt = this.timestamp();
    if (record.objectType === 'contacts') this.writes.contactsArchived += 1;
    else this.writes.notesArchived += 1;
  }

  /** Removes a record and its associations for good (GDPR delete, tamper helpers). */
  purge(record: StoredRecord): void {
    this.recordsOf(record.objectType).delete(record.id);
    for (const [name, index] of this.#valueIndexes.get(record.objectType) ?? []) {
      const value = this.value(record, name);
      if (value !== undefined) removeFromIndex(index, lookupKey(name, value), record);
    }
    if (this.listeners.size > 0) {
      const timestamp = this.timestamp();
      for (const listener of this.listeners) listener({ kind: 'purged', record, timestamp });
    }
    const end = endpoint(record.objectType, record.id);
    const touching = [...(this.#associationsFromRecord.get(end) ?? []), ...(this.#associationsToRecord.get(end) ?? [])];
    for (const key of touching) this.#removeAssociation(key);
  }

  #addAssociation(key: string, association: StoredAssociation): void {
    this.associations.set(key, association);
    addToIndex(this.#associationsFromRecord, endpoint(association.fromType, association.fromId), key);
    addToIndex(this.#associationsToRecord, endpoint(association.toType, association.toId), key);
  }

  #removeAssociation(key: string): void {
    const association = this.associations.get(key);
    if (!association) return;
    this.associations.delete(key);
    removeFromIndex(this.#associationsFromRecord, endpoint(association.fromType, association.fromId), key);
    removeFromIndex(this.#associationsToRecord, endpoint(association.toType, association.toId), key);
  }

  /** Links two records in both directions with HubSpot-defined types. */
  associate(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string): void {
    const forward = associationTypes[`${fromType}->${toType}`];
    const backward = associationTypes[`${toType}->${fromType}`];
    if (!forward || !backward) throw new Error(`No association type between ${fromType} and ${toType}`);
    const forwardKey = `${fromType}:${fromId}:${toType}:${toId}:${forward.typeId}`;
    if (this.associations.has(forwardKey)) return;
    this.#addAssociation(forwardKey, { fromType, fromId, toType, toId, typeId: forward.typeId, category: 'HUBSPOT_DEFINED', label: null });
    this.#addAssociation(`${toType}:${toId}:${fromType}:${fromId}:${backward.typeId}`, {
      fromType: toType,
      fromId: toId,
      toType: fromType,
      toId: fromId,
      typeId: backward.typeId,
      category: 'HUBSPOT_DEFINED',
      label: null,
    });
    this.writes.associationsCreated += 1;
  }

  /** Associations from one record to records of one type, ordered by target id (numeric); archived targets left out. */
  associationsFrom(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType): StoredAssociation[] {
    return this.links(fromType, fromId, toType)
      .filter((association) => {
        const target = this.recordsOf(toType).get(association.toId);
        return target !== undefined && !target.archived;
      })
      .sort((left, right) => compareIds(left.toId, right.toId));
  }

  /** Every association from one record to records of one type, archived targets included, in the order they were made. */
  links(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType): StoredAssociation[] {
    const found: StoredAssociation[] = [];
    for (const key of this.#associationsFromRecord.get(endpoint(fromType, fromId)) ?? []) {
      const association = this.associations.get(key)!;
      if (association.toType === toType) found.push(association);
    }
    return found;
  }
}

/** The key a property value is found under: emails are matched case-insensitively, as HubSpot does. */
function lookupKey(name: string, value: string): string {
  return name === 'email' ? value.toLowerCase() : value;
}

/** Properties whose value the emulator computes rather than stores (id, create and modify dates). */
function isDerived(type: HubSpotObjectType, name: string): boolean {
  const system = systemProperties[type];
  return name === system.id || name === system.created || name === system.modified;
}

function endpoint(type: HubSpotObjectType, id: string): string {
  return `${type}:${id}`;
}

function addToIndex<Value>(index: Map<string, Set<Value>>, key: string, value: Value): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

function removeFromIndex<Value>(index: Map<string, Set<Value>>, key: string, value: Value): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

/** Numeric id order (HubSpot ids are integers carried as strings). */
export function compareIds(left: string, right: string): number {
  const difference = BigInt(left) - BigInt(right);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

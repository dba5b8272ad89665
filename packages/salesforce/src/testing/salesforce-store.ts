/** A stored row: field API names (canonical case) to values; `Id` always set. */
export type StoredRecord = Readonly<Record<string, unknown>> & { readonly Id: string };

/** How a field's values are keyed in an index: text case-insensitively, unless told otherwise. */
export function indexKey(value: unknown, caseSensitive = false): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return caseSensitive ? text : text.toLowerCase();
}

interface FieldIndex {
  /** Canonical field name, as rows spell it. */
  fieldName: string;
  caseSensitive: boolean;
  entries: Map<string, Set<string>>;
}

/**
 * In-memory tables with an undo journal, so allOrNone collections and Composite requests can roll
 * back everything they wrote. Rows are replaced, never mutated, which is what makes undo cheap.
 * Field indexes (external ids, unique fields, lookups, Email) are built on first use and kept up
 * to date on every write, so large syncs stay linear.
 */
export class SalesforceRecordStore {
  readonly #tables = new Map<string, Map<string, StoredRecord>>();
  readonly #indexes = new Map<string, Map<string, FieldIndex>>();
  readonly #journals: Array<Array<() => void>> = [];
  #sequence = 0;

  /** Next number for ids. Not rolled back: Salesforce never hands out an id twice either. */
  nextSequence(): number {
    this.#sequence += 1;
    return this.#sequence;
  }

  #table(objectName: string): Map<string, StoredRecord> {
    const key = objectName.toLowerCase();
    let table = this.#tables.get(key);
    if (!table) {
      table = new Map();
      this.#tables.set(key, table);
    }
    return table;
  }

  get(objectName: string, id: string): StoredRecord | undefined {
    return this.#tables.get(objectName.toLowerCase())?.get(id);
  }

  /** Every row of a table, deleted ones included, in insertion order. */
  all(objectName: string): IterableIterator<StoredRecord> {
    return this.#table(objectName).values();
  }

  count(objectName: string): number {
    return this.#tables.get(objectName.toLowerCase())?.size ?? 0;
  }

  /** Inserts or replaces a row (journaled when inside a transaction). */
  write(objectName: string, record: StoredRecord): void {
    const previous = this.get(objectName, record.Id);
    this.#journals.at(-1)?.push(() => this.#apply(objectName, record.Id, previous));
    this.#apply(objectName, record.Id, record);
  }

  /** Removes a row for good (the recycle bin is modelled with IsDeleted instead). */
  purge(objectName: string, id: string): void {
    const previous = this.get(objectName, id);
    if (!previous) return;
    this.#journals.at(-1)?.push(() => this.#apply(objectName, id, previous));
    this.#apply(objectName, id, undefined);
  }

  #apply(objectName: string, id: string, next: StoredRecord | undefined): void {
    const table = this.#table(objectName);
    const previous = table.get(id);
    const indexes = this.#indexes.get(objectName.toLowerCase());
    if (indexes) {
      for (const index of indexes.values()) {
        const oldKey = previous ? indexKey(previous[index.fieldName], index.caseSensitive) : null;
        const newKey = next ? indexKey(next[index.fieldName], index.caseSensitive) : null;
        if (oldKey === newKey && previous && next) continue;
        if (oldKey !== null) index.entries.get(oldKey)?.delete(id);
        if (newKey !== null) {
          let ids = index.entries.get(newKey);
          if (!ids) index.entries.set(newKey, (ids = new Set()));
          ids.add(id);
        }
      }
    }
    if (next) table.set(id, next);
    else table.delete(id);
  }

  /**
   * Rows whose `fieldName` (canonical spelling) equals `value`; text is compared
   * case-insensitively unless `caseSensitive`.
   */
  lookup(objectName: string, fieldName: string, value: unknown, caseSensitive = false): StoredRecord[] {
    const key = indexKey(value, caseSensitive);
    if (key === null) return [];
    const index = this.#index(objectName, fieldName, caseSensitive);
    const ids = index.entries.get(key);
    if (!ids) return [];
    const table = this.#table(objectName);
    const rows: StoredRecord[] = [];
    for (const id of ids) {
      const row = table.get(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  #index(objectName: string, fieldName: string, caseSensitive: boolean): FieldIndex {
    const objectKey = objectName.toLowerCase();
    let indexes = this.#indexes.get(objectKey);
    if (!indexes) this.#indexes.set(objectKey, (indexes = new Map()));
    const fieldKey = fieldName.toLowerCase();
    let index = indexes.get(fieldKey);
    if (!index || index.caseSensitive !== caseSensitive || index.fieldName !== fieldName) {
      index = { fieldName, caseSensitive, entries: new Map() };
      for (const row of this.all(objectName)) {
        const key = indexKey(row[fieldName], caseSensitive);
        if (key === null) continue;
        let ids = index.entries.get(key);
        if (!ids) index.entries.set(key, (ids = new Set()));
        ids.add(row.Id);
      }
      indexes.set(fieldKey, index);
    }
    return index;
  }

  /** Starts a transaction; nested ones fold into their parent on commit. */
  begin(): void {
    this.#journals.push([]);
  }

  commit(): void {
    const journal = this.#journals.pop();
    if (journal && this.#journals.length > 0) this.#journals.at(-1)!.push(...journal);
  }

  rollback(): void {
    const journal = this.#journals.pop();
    if (!journal) return;
    for (let index = journal.length - 1; index >= 0; index -= 1) journal[index]!();
  }

  /** Forgets every row and index (the id sequence keeps counting). */
  clear(): void {
    this.#tables.clear();
    this.#indexes.clear();
    this.#journals.length = 0;
  }

}

import { isRedacted, type FieldValue, type Trail } from '../model/event';
import { redactEvent } from '../trail/hash-chain';

/**
 * Redacts some values of one field, leaving its other values in the history: where `redactFields`
 * erases every value a field ever had, this erases, say, only the misspelt name a rectification
 * replaced. Each `fields[i].value` / `fields[i].previousValue` of the named field for which
 * `matches` is true becomes a redaction marker; the chain still verifies.
 */
export function redactFieldValues(trail: Trail, fieldName: string, matches: (value: FieldValue) => boolean): Trail {
  return {
    subject: trail.subject,
    events: trail.events.map((event) => {
      const paths = new Set<string>();
      event.fields?.forEach((field, index) => {
        if (field.name !== fieldName) return;
        if (field.value !== undefined && !isRedacted(field.value) && matches(field.value)) paths.add(`fields[${index}].value`);
        if (field.previousValue !== undefined && !isRedacted(field.previousValue) && matches(field.previousValue)) paths.add(`fields[${index}].previousValue`);
      });
      return paths.size === 0 ? event : redactEvent(event, (path) => paths.has(path));
    }),
  };
}

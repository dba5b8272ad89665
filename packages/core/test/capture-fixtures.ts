import { emptyPushReport, type CrmAdapter, type Trail } from '../src/index';

/** The smallest adapter: trails in a map, with counts of pulls and pushes. */
export function memoryAdapter() {
  const trails = new Map<string, Trail>();
  const counts = { pulls: 0, pushes: 0 };
  const adapter: CrmAdapter = {
    specificationVersion: 'v1',
    id: 'memory',
    capabilities: { erase: false, rectify: false, export: false, captureChanges: true },
    ensureSchema: async () => ({ created: [], existing: [] }),
    async push(input, options) {
      counts.pushes += 1;
      const report = emptyPushReport('memory');
      for await (const trail of input) {
        const known = trails.get(trail.subject);
        // Like a CRM adapter: refuse a trail that does not extend what is stored.
        if (known && !known.events.every((event, index) => trail.events[index]?.id === event.id)) {
          report.failures.push({ subject: trail.subject, kind: 'conflict', reason: 'stored events missing from the trail' });
          continue;
        }
        if (!options?.dryRun) trails.set(trail.subject, structuredClone(trail));
        report.eventsWritten += trail.events.length - (known?.events.length ?? 0);
      }
      return report;
    },
    async pull(subject) {
      counts.pulls += 1;
      // Give the event loop a turn, as a real API call would, so concurrent deliveries interleave.
      await new Promise((resolve) => setImmediate(resolve));
      const trail = trails.get(subject.email);
      return trail ? structuredClone(trail) : null;
    },
  };
  return { adapter, trails, counts };
}


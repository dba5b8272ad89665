import { runAdapterConformance } from '../src/index';
import { createInMemoryAdapter, type InMemoryContact } from '../src/in-memory-adapter';

// The suite run against the reference adapter: proves the suite itself passes on a correct adapter.
const store = new Map<string, InMemoryContact>();

runAdapterConformance({
  name: 'in-memory',
  adapter: () => createInMemoryAdapter(store),
  backend: {
    reset: () => store.clear(),
    hasContact: (email) => store.has(email),
    summary: (email) => store.get(email)?.summary ?? null,
    timelineEntryCount: (email) => store.get(email)?.timeline.length ?? 0,
    tamperWithStoredEvent: (email) => {
      const contact = store.get(email)!;
      const event = JSON.parse(contact.timeline[1]!);
      event.source.name = 'Somewhere else';
      contact.timeline[1] = JSON.stringify(event);
    },
    deleteStoredEvent: (email) => {
      store.get(email)!.timeline.splice(1, 1);
    },
  },
});

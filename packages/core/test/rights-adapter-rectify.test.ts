import { describe, expect, it } from 'vitest';
import { buildTrail, createAdapterRectify, CrmApiError, ValidationError, type PushReport, type Trail } from '../src/index';
import { salonEvents, SALON_EMAIL } from './fixtures';

function setup(options: { failPush?: boolean } = {}) {
  let stored: Trail | null = buildTrail(SALON_EMAIL, salonEvents());
  const writes: Array<[string, string, unknown]> = [];
  const rectify = createAdapterRectify({
    adapter: 'test',
    crmName: 'Test CRM',
    pull: async () => stored,
    push: async (trails) => {
      const [trail] = [...(trails as Trail[])];
      if (!options.failPush) stored = trail!;
      return { failures: options.failPush ? [{ subject: SALON_EMAIL, kind: 'vendor', reason: 'refused' }] : [] } as unknown as PushReport;
    },
    nativeFieldName: (field) => ({ city: 'City', login: 'Email' })[field],
    writeNativeField: async (email, field, value) => {
      writes.push([email, field, value]);
      return true;
    },
  });
  return { rectify, writes, stored: () => stored };
}

const request = { field: 'city', value: 'Paris', reason: 'Moved', at: '2024-01-01T00:00:00Z', actor: { kind: 'subject' as const } };

describe('createAdapterRectify', () => {
  it('writes the native field, then pushes the trail with a data.rectified event keeping the old value', async () => {
    const { rectify, writes, stored } = setup();
    const trail = await rectify({ email: SALON_EMAIL.toUpperCase() }, request);
    expect(writes).toEqual([[SALON_EMAIL, 'city', 'Paris']]);
    expect(trail.events.at(-1)).toMatchObject({ type: 'data.rectified', reason: 'Moved', fields: [{ name: 'city', value: 'Paris', previousValue: 'Lyon' }] });
    expect(stored()).toEqual(trail);
  });

  it('refuses to rewrite the email key, even under another name', async () => {
    const { rectify, writes } = setup();
    await expect(rectify({ email: SALON_EMAIL }, { ...request, field: 'email' })).rejects.toSatisfy((error) => ValidationError.isInstance(error));
    await expect(rectify({ email: SALON_EMAIL }, { ...request, field: 'login' })).rejects.toSatisfy((error) => ValidationError.isInstance(error));
    expect(writes).toEqual([]);
  });

  it('reports a push failure as a CrmApiError naming rectify', async () => {
    const { rectify } = setup({ failPush: true });
    await expect(rectify({ email: SALON_EMAIL }, request)).rejects.toSatisfy((error) => CrmApiError.isInstance(error) && error.operation === 'rectify');
  });
});

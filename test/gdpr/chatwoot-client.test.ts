/**
 * The Chatwoot client against the stand-in: exact matches only out of a partial
 * search, "+" sent as %2B, every page read, the token required (401 is permanent:
 * a wrong token must not be retried forever), another account is 404, a server that
 * is down is transient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatwootClient, encodeQuery } from '../../src/gdpr/chatwoot-client.js';
import { ChatwootStandin } from '../helpers/chatwoot-standin.js';

describe('Chatwoot client', () => {
  const cw = new ChatwootStandin('tok_right', 3);
  const client = (o: { token?: string; accountId?: number } = {}) =>
    createChatwootClient({
      baseUrl: cw.url,
      token: o.token ?? 'tok_right',
      accountId: o.accountId ?? 3,
      timeoutMs: 2_000,
    });
  beforeAll(async () => {
    await cw.start();
    cw.add({
      name: 'Kovács János',
      email: null,
      phone_number: '+36301234567',
      identifier: 'C-123',
    });
    cw.add({
      name: 'Kovács Jánosné',
      email: null,
      phone_number: '+36301234568',
      identifier: 'C-1234',
    });
    // 40 partial matches for "C-12": three pages of 15.
    for (let i = 0; i < 40; i++)
      cw.add({ name: `Vevő ${i}`, email: null, phone_number: null, identifier: `C-12${100 + i}` });
    cw.add({ name: 'Last', email: null, phone_number: null, identifier: 'C-12' });
  });
  afterAll(() => cw.stop());

  it('encodes + as %2B (Chatwoot decodes a bare + as a space)', async () => {
    expect(encodeQuery('+36301234567')).toBe('%2B36301234567');
    const res = (q: string) =>
      fetch(`${cw.url}/api/v1/accounts/3/contacts/search?q=${q}`, {
        headers: { api_access_token: 'tok_right' },
      }).then((r) => r.json()) as Promise<{ payload: unknown[] }>;
    expect((await res(encodeQuery('+36301234567'))).payload).toHaveLength(1);
    expect((await res('+36301234567')).payload).toHaveLength(0);
  });

  it('keeps only the exact identifier out of a partial search, reading every page', async () => {
    expect((await client().byIdentifier('C-123')).map((c) => c.identifier)).toEqual(['C-123']);
    expect((await client().byIdentifier('C-12')).map((c) => c.identifier)).toEqual(['C-12']);
    expect(await client().byIdentifier('C-99')).toEqual([]);
    expect((await client().byPhone('+36301234567')).map((c) => c.identifier)).toEqual(['C-123']);
  });

  it('a wrong token or account is permanent; a Chatwoot that is down is transient', async () => {
    await expect(client({ token: 'tok_wrong' }).byIdentifier('C-123')).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('401'),
    });
    await expect(client({ accountId: 4 }).byIdentifier('C-123')).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('404'),
    });
    expect(cw.calls.unauthorised).toBeGreaterThan(0);
    const down = createChatwootClient({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      accountId: 3,
      timeoutMs: 1_000,
    });
    await expect(down.deleteContact(1)).rejects.toMatchObject({
      permanent: false,
      message: expect.stringContaining('unreachable'),
    });
  });

  it('delete: 200 deleted, 404 gone, 422 online', async () => {
    const c = cw.add({ name: 'Online Olga', email: null, phone_number: null, identifier: 'C-777' });
    cw.online.add(c.id);
    expect(await client().deleteContact(c.id)).toBe('online');
    cw.online.delete(c.id);
    expect(await client().deleteContact(c.id)).toBe('deleted');
    expect(await client().deleteContact(c.id)).toBe('gone');
  });
});

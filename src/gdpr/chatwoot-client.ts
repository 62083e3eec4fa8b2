/**
 * The part of Chatwoot's application API the erasure uses (DESIGN.md 9), for one
 * account, authenticated by the `api_access_token` header:
 *   GET  /api/v1/accounts/{account}/contacts/search?q=   partial match: we check the exact value
 *   POST /api/v1/accounts/{account}/contacts/filter      exact match (equal_to); checked again here
 *   DELETE /api/v1/accounts/{account}/contacts/{id}      200; 404 when gone; 422 while the contact is online
 * Answers are parsed through TypeBox schemas; errors become transient or permanent
 * StepFailures whose text never repeats Chatwoot's (a 422 names the contact).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { permanent, transient } from './steps/failure.js';

const Contact = Type.Object({
  id: Type.Integer(),
  identifier: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  phone_number: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type ChatwootContact = Static<typeof Contact>;

const ContactPage = Type.Object({
  meta: Type.Optional(Type.Object({ count: Type.Optional(Type.Integer()) })),
  payload: Type.Array(Contact),
});

export interface ChatwootApi {
  /** Contacts whose identifier is exactly `identifier`. */
  byIdentifier(identifier: string): Promise<ChatwootContact[]>;
  /** Contacts whose phone number is exactly `phone` (E.164). */
  byPhone(phone: string): Promise<ChatwootContact[]>;
  /** deleted (200), gone (404: already deleted), online (422: try again later). */
  deleteContact(id: number): Promise<'deleted' | 'gone' | 'online'>;
}

export interface ChatwootOptions {
  baseUrl: string;
  token: string;
  accountId: number;
  timeoutMs: number;
  /** Pages of 15 read at most per search (a partial match can be broad). */
  maxPages?: number;
}

/** Chatwoot's search treats "+" in a query string as a space: encode it (and everything else) explicitly. */
export function encodeQuery(q: string): string {
  return encodeURIComponent(q).replace(/\+/g, '%2B');
}

export function createChatwootClient(o: ChatwootOptions): ChatwootApi {
  const base = `${o.baseUrl.replace(/\/+$/, '')}/api/v1/accounts/${o.accountId}/contacts`;
  const maxPages = o.maxPages ?? 20;

  async function call(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          api_access_token: o.token,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why =
        e.name === 'TimeoutError'
          ? `no answer within ${o.timeoutMs} ms`
          : (e.cause?.code ?? e.name);
      throw transient(`Chatwoot unreachable (${why})`);
    }
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json };
  }

  function failure(what: string, status: number): Error {
    if (status === 401 || status === 403)
      return permanent(
        `Chatwoot refused the api_access_token (${status} on ${what}): check CHATWOOT_API_TOKEN and CHATWOOT_ACCOUNT_NUMBER`,
      );
    if (status === 404)
      return permanent(
        `Chatwoot has no account ${o.accountId} or no contacts API (404 on ${what})`,
      );
    if (status === 429 || status >= 500) return transient(`Chatwoot answered ${status} on ${what}`);
    return permanent(`Chatwoot answered ${status} on ${what}`);
  }

  function page(what: string, json: unknown): Static<typeof ContactPage> {
    if (!Value.Check(ContactPage, json))
      throw transient(`Chatwoot's answer to ${what} is not a contact list`);
    return json;
  }

  /** Reads pages until an empty one, or until meta.count contacts were seen. */
  async function pages(
    what: string,
    fetchPage: (n: number) => Promise<{ status: number; json: unknown }>,
    keep: (c: ChatwootContact) => boolean,
  ): Promise<ChatwootContact[]> {
    const found = new Map<number, ChatwootContact>();
    let seen = 0;
    for (let n = 1; n <= maxPages; n++) {
      const { status, json } = await fetchPage(n);
      if (status !== 200) throw failure(what, status);
      const { meta, payload } = page(what, json);
      seen += payload.length;
      for (const c of payload) if (keep(c)) found.set(c.id, c);
      if (payload.length === 0 || (meta?.count !== undefined && seen >= meta.count))
        return [...found.values()];
    }
    throw transient(`Chatwoot's ${what} matched more than ${maxPages} pages: narrow it by hand`);
  }

  return {
    byIdentifier: (identifier) =>
      pages(
        'contact search',
        (n) => call('GET', `${base}/search?q=${encodeQuery(identifier)}&page=${n}`),
        (c) => c.identifier === identifier,
      ),
    byPhone: (phone) =>
      pages(
        'contact filter',
        (n) =>
          call('POST', `${base}/filter?page=${n}`, {
            payload: [
              {
                attribute_key: 'phone_number',
                filter_operator: 'equal_to',
                values: [phone],
                query_operator: null,
              },
            ],
          }),
        (c) => c.phone_number === phone,
      ),
    async deleteContact(id) {
      const { status } = await call('DELETE', `${base}/${id}`);
      if (status === 200 || status === 204) return 'deleted';
      if (status === 404) return 'gone';
      if (status === 422) return 'online';
      throw failure('contact delete', status);
    },
  };
}

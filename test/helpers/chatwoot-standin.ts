/**
 * A Chatwoot stand-in on 127.0.0.1 following the documented contract (DESIGN.md 9):
 * search is a partial, case-insensitive match on name, e-mail, phone and identifier
 * (its query string decodes "+" as a space, as Rails does), filter is exact, delete
 * answers 200, 404 when gone, 422 "<name> is Online, please try again later" while
 * the contact is online; every call needs the api_access_token header (401 without),
 * and another account is 404. It counts calls, can answer slowly, and can go down
 * (connection refused) and come back on the same port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandinContact {
  id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
}

const PAGE_SIZE = 15;

export class ChatwootStandin {
  readonly contacts = new Map<number, StandinContact>();
  readonly online = new Set<number>();
  readonly calls = { search: 0, filter: 0, delete: 0, unauthorised: 0 };
  /** DELETE requests per contact id. */
  readonly deletes = new Map<number, number>();
  /** Answers every request after this many milliseconds. */
  delayMs = 0;
  private server: Server | undefined;
  private port = 0;
  private nextId = 1;

  constructor(
    readonly token: string,
    readonly accountId: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  add(c: Omit<StandinContact, 'id'>): StandinContact {
    const contact = { id: this.nextId++, ...c };
    this.contacts.set(contact.id, contact);
    return contact;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Chatwoot goes away: connections are refused until start() again (same port). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private page(
    list: StandinContact[],
    url: URL,
  ): { meta: { count: number; current_page: number }; payload: StandinContact[] } {
    const n = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
    return {
      meta: { count: list.length, current_page: n },
      payload: list.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const url = new URL(req.url ?? '/', 'http://standin');
    if (req.headers.api_access_token !== this.token) {
      this.calls.unauthorised++;
      return this.send(res, 401, { error: 'You need to sign in or sign up before continuing.' });
    }
    const m = /^\/api\/v1\/accounts\/(\d+)\/contacts(?:\/(search|filter|\d+))?$/.exec(url.pathname);
    if (!m || Number(m[1]) !== this.accountId)
      return this.send(res, 404, { error: 'Resource could not be found' });
    const sorted = () => [...this.contacts.values()].sort((a, b) => a.id - b.id);
    if (m[2] === 'search' && req.method === 'GET') {
      this.calls.search++;
      const q = (url.searchParams.get('q') ?? '').toLowerCase(); // "+" arrives as " " unless sent as %2B
      const hit = (v: string | null) => v !== null && v.toLowerCase().includes(q);
      return this.send(
        res,
        200,
        this.page(
          sorted().filter(
            (c) => hit(c.name) || hit(c.email) || hit(c.phone_number) || hit(c.identifier),
          ),
          url,
        ),
      );
    }
    if (m[2] === 'filter' && req.method === 'POST') {
      this.calls.filter++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        payload?: { attribute_key: string; filter_operator: string; values: string[] }[];
      };
      const f = body.payload?.[0];
      if (
        !f ||
        f.filter_operator !== 'equal_to' ||
        !['phone_number', 'identifier', 'email'].includes(f.attribute_key)
      ) {
        return this.send(res, 422, { message: 'Invalid filter' });
      }
      const key = f.attribute_key as 'phone_number' | 'identifier' | 'email';
      return this.send(
        res,
        200,
        this.page(
          sorted().filter((c) => c[key] !== null && f.values.includes(c[key] as string)),
          url,
        ),
      );
    }
    if (m[2] !== undefined && /^\d+$/.test(m[2]) && req.method === 'DELETE') {
      this.calls.delete++;
      const id = Number(m[2]);
      this.deletes.set(id, (this.deletes.get(id) ?? 0) + 1);
      const c = this.contacts.get(id);
      if (!c) return this.send(res, 404, { error: 'Resource could not be found' });
      if (this.online.has(id))
        return this.send(res, 422, { message: `${c.name} is Online, please try again later` });
      this.contacts.delete(id);
      return this.send(res, 200, undefined);
    }
    return this.send(res, 404, { error: 'Resource could not be found' });
  }
}

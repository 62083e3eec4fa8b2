/**
 * Step 4: the customer's contact in the franchise's Chatwoot account (deleting a
 * contact deletes its conversations). A contact is the customer's when:
 * - its identifier is exactly the customer id (search, then an exact check), or
 * - its phone is exactly the customer's (filter equal_to, checked again) and it has
 *   no identifier, and no other contact could be meant.
 * A phone matching several unidentified contacts, or an unidentified one beside a
 * contact identified as another customer, is ambiguous: the step stops and deletes
 * nothing rather than delete the wrong person. A phone another ERP customer shares
 * is never used. 404 on delete is "already gone"; 422 (the contact is online) is
 * retried later.
 */
import type { ChatwootApi, ChatwootContact } from '../chatwoot-client.js';
import {
  firstItems,
  plural,
  type ErasureStep,
  type StepContext,
  type StepPlan,
  type StepResult,
} from './step.js';
import { permanent, transient } from './failure.js';

interface Match {
  targets: ChatwootContact[];
  /** Unidentified contacts on the phone when the phone cannot tell who is who. */
  ambiguous: ChatwootContact[] | undefined;
  how: string;
}

function api(sc: StepContext): ChatwootApi | undefined {
  const s = sc.deps.chatwoot;
  if (s.kind === 'misconfigured') throw permanent(`Chatwoot is configured by halves: ${s.why}`);
  return s.kind === 'ready' ? s.api : undefined;
}

async function match(cw: ChatwootApi, sc: StepContext): Promise<Match> {
  const id = sc.request.customerId;
  const byId = await cw.byIdentifier(id);
  const phone = sc.request.phoneShared ? null : sc.request.lookupPhone;
  const how = sc.request.phoneShared
    ? 'by identifier only (the phone is shared with another ERP customer)'
    : phone === null
      ? 'by identifier only (the phone was not known)'
      : 'by identifier and phone';
  if (phone === null) return { targets: byId, ambiguous: undefined, how };
  const byPhone = await cw.byPhone(phone);
  const unidentified = byPhone.filter((c) => !c.identifier);
  const others = byPhone.filter((c) => c.identifier && c.identifier !== id);
  const ambiguous = unidentified.length > 1 || (unidentified.length === 1 && others.length > 0);
  const targets = new Map(byId.map((c) => [c.id, c]));
  if (!ambiguous) for (const c of unidentified) targets.set(c.id, c);
  return {
    targets: [...targets.values()].sort((a, b) => a.id - b.id),
    ambiguous: ambiguous ? unidentified : undefined,
    how,
  };
}

const ids = (cs: readonly ChatwootContact[]): string => cs.map((c) => `#${c.id}`).join(', ');

function ambiguity(m: Match): string {
  return `the phone matches ${plural(m.ambiguous?.length ?? 0, 'contact')} without a customer id (${ids(m.ambiguous ?? [])}) that could be someone else: nothing deleted in Chatwoot; set each contact's identifier to its customer id in Chatwoot, then gdpr resume`;
}

export const chatwootStep: ErasureStep = {
  name: 'chatwoot',
  position: 4,

  async plan(sc): Promise<StepPlan> {
    const cw = api(sc);
    if (!cw)
      return {
        action: 'skip',
        summary: `Chatwoot is not configured (${(sc.deps.chatwoot as { why: string }).why})`,
        counts: {},
        items: [],
      };
    const m = await match(cw, sc);
    if (m.ambiguous)
      return {
        action: 'unknown',
        summary: ambiguity(m),
        counts: {},
        items: m.ambiguous.map((c) => `contact #${c.id} (ambiguous)`),
      };
    if (m.targets.length === 0)
      return { action: 'nothing', summary: `no contact matches ${m.how}`, counts: {}, items: [] };
    return {
      action: 'erase',
      summary: `delete ${plural(m.targets.length, 'contact')} (matched ${m.how})`,
      counts: { contacts: m.targets.length },
      items: firstItems(
        m.targets.map(
          (c) =>
            `contact #${c.id} (${c.identifier === sc.request.customerId ? 'identifier' : 'phone'})`,
        ),
      ),
    };
  },

  async run(sc): Promise<StepResult> {
    const cw = api(sc);
    if (!cw)
      return {
        kind: 'skipped',
        counts: { contacts: 0 },
        detail: `Chatwoot is not configured (${(sc.deps.chatwoot as { why: string }).why})`,
      };
    const m = await match(cw, sc);
    if (m.ambiguous) throw permanent(ambiguity(m));
    const deleted: ChatwootContact[] = [];
    const online: ChatwootContact[] = [];
    let gone = 0;
    for (const c of m.targets) {
      const outcome = await cw.deleteContact(c.id);
      if (outcome === 'deleted') deleted.push(c);
      else if (outcome === 'gone') gone++;
      else online.push(c);
    }
    const counts = { contacts: deleted.length };
    if (online.length > 0)
      throw transient(
        `${plural(online.length, 'contact')} online (${ids(online)}): Chatwoot refuses to delete an online contact; retried later`,
        counts,
      );
    if (deleted.length === 0)
      return { kind: 'done', counts, detail: `no contact matches ${m.how}: already gone` };
    return {
      kind: 'done',
      counts,
      detail: `deleted ${plural(deleted.length, 'contact')} ${ids(deleted)} (matched ${m.how})${gone ? `; ${gone} already gone` : ''}`,
    };
  },

  async verify(sc, result) {
    const cw = api(sc);
    if (!cw) return result.kind === 'skipped' ? undefined : 'Chatwoot is not configured';
    const m = await match(cw, sc);
    if (m.ambiguous) return ambiguity(m);
    return m.targets.length === 0
      ? undefined
      : `${plural(m.targets.length, 'contact')} still in Chatwoot (${ids(m.targets)})`;
  },

  async collect(sc) {
    const cw = api(sc);
    if (!cw)
      return {
        status: 'not_configured',
        detail: `Chatwoot is not configured (${(sc.deps.chatwoot as { why: string }).why})`,
        data: [],
      };
    const m = await match(cw, sc);
    // An ambiguous contact may be this customer's: listed, marked, for a person to judge.
    const contacts = [
      ...m.targets.map((c) => ({
        match: c.identifier === sc.request.customerId ? 'identifier' : 'phone',
        contact: c,
      })),
      ...(m.ambiguous ?? []).map((c) => ({ match: 'phone, ambiguous', contact: c })),
    ];
    return contacts.length === 0
      ? { status: 'nothing', detail: `no contact matches ${m.how}`, data: [] }
      : {
          status: 'found',
          detail: `${plural(contacts.length, 'contact')} of the franchise's account (matched ${m.how})`,
          data: contacts,
        };
  },
};

/**
 * The Support module's lifecycle (seed 3.2, DESIGN.md 7), as pure functions:
 *
 *   DISABLED   the module is switched off
 *   DISCOVERY  started or switched on: the first look at SUPPORT_API_URL/health runs
 *   ACTIVE     that first look reached Support
 *   HEALTHY    the last periodic check passed (the chatbot, the context manager, Chatwoot)
 *   DEGRADED   the chatbot answers, but not as it should, or another component fails
 *   DOWN       the chatbot does not answer, or answers 5xx: an admin warning, while the
 *              ERP keeps working and webhook deliveries are buffered (seed 13)
 *
 * The monitor (monitor.ts) runs the checks and applies these verdicts.
 */
import type { ComponentView, LifecycleState } from './health.schema.js';
import { chatwootStatusOf, httpStatusOf } from './checks/services.js';
import type { HttpOutcome } from './probes/http.js';

/** Where Support's parts answer: the chatbot is required, the others are checked when set. */
export interface SupportUrls {
  readonly chatbot: string | undefined;
  readonly context: string | undefined;
  readonly chatwoot: string | undefined;
}

/** The health URL of each part. */
export function healthUrls(
  u: SupportUrls,
): { component: ComponentView['component']; url: string }[] {
  return [
    ...(u.chatbot ? [{ component: 'support-chatbot', url: `${u.chatbot}/health` }] : []),
    ...(u.context ? [{ component: 'support-context', url: `${u.context}/health` }] : []),
    ...(u.chatwoot ? [{ component: 'chatwoot', url: `${u.chatwoot}/api` }] : []),
  ];
}

export interface SupportVerdict {
  readonly state: 'HEALTHY' | 'DEGRADED' | 'DOWN';
  /** The chatbot gave no answer at all (refused, reset, timed out): what holds webhook deliveries. */
  readonly unreachable: boolean;
  readonly detail: string;
  readonly components: ComponentView[];
}

/** One look at Support's parts, judged. A part missing from `outcomes` was not configured. */
export function judgeSupport(
  outcomes: ReadonlyMap<string, HttpOutcome>,
  urls: SupportUrls,
): SupportVerdict {
  if (!urls.chatbot) {
    return {
      state: 'DOWN',
      unreachable: false,
      detail: 'SUPPORT_API_URL is not set: the chatbot cannot be reached',
      components: [],
    };
  }
  const components: ComponentView[] = healthUrls(urls).map(({ component, url }) => {
    const o = outcomes.get(component) ?? {
      kind: 'error',
      ms: 0,
      error: 'not checked',
      timedOut: false,
    };
    const s = component === 'chatwoot' ? chatwootStatusOf(o) : httpStatusOf(o);
    return {
      component,
      status: s.status,
      latency_ms: o.kind === 'answer' ? Math.round(o.ms) : null,
      output: `${url} ${s.output}`,
    };
  });
  const chatbot = components[0] as ComponentView;
  const chatbotOutcome = outcomes.get('support-chatbot');
  const others = components.slice(1).filter((c) => c.status !== 'pass');
  if (chatbot.status === 'fail') {
    return {
      state: 'DOWN',
      unreachable: chatbotOutcome?.kind !== 'answer',
      detail: `the chatbot: ${chatbot.output}`,
      components,
    };
  }
  if (chatbot.status === 'warn' || others.length > 0) {
    const bad = [...(chatbot.status === 'warn' ? [chatbot] : []), ...others];
    return {
      state: 'DEGRADED',
      unreachable: false,
      detail: bad.map((c) => `${c.component}: ${c.output}`).join('; '),
      components,
    };
  }
  return {
    state: 'HEALTHY',
    unreachable: false,
    detail: `${components.map((c) => c.component).join(', ')} answer`,
    components,
  };
}

/** Discovery (at start, at enable) only asks whether Support is there: ACTIVE, or DOWN. */
export function discoveryState(v: SupportVerdict): 'ACTIVE' | 'DOWN' {
  return v.state === 'DOWN' ? 'DOWN' : 'ACTIVE';
}

/** How a transition is logged: once, a warning when Support is DOWN or DEGRADED. */
export function transitionLevel(to: LifecycleState): 'warn' | 'info' | 'debug' {
  if (to === 'DOWN' || to === 'DEGRADED') return 'warn';
  return to === 'DISCOVERY' ? 'debug' : 'info';
}

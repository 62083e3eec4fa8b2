/**
 * franchise.yaml: one franchise's installation of the Support module (DESIGN 8,
 * seed 3.1 and 6.2). This TypeBox schema is the only definition: the types are
 * derived from it, `render` validates against it, and `schemas/franchise.schema.json`
 * (generated from it, checked by a test) lets editors complete and check the file.
 */
import { Type, type Static } from '@sinclair/typebox';
import { VERSION } from '../version.js';
import { DaemonSectionSchema } from './daemon-settings.js';

export const FRANCHISE_FILE_VERSION = 1;

/** Compose project names and file names are made from it: lowercase, digits, dashes. */
export const FRANCHISE_ID_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$';

/** The images a franchise may override; `chatwoot` serves both chatwoot-web and chatwoot-worker. */
export const IMAGE_KEYS = [
  'kgc-api',
  'kgc-support',
  'koko-chatbot',
  'koko-context',
  'chatwoot',
  'postgres',
  'redis',
] as const;
export type ImageKey = (typeof IMAGE_KEYS)[number];

export interface ImageRef {
  readonly image: string;
  readonly tag: string;
}

export const DEFAULT_IMAGES: Readonly<Record<ImageKey, ImageRef>> = {
  'kgc-api': { image: 'kgc-erp-api', tag: 'latest' },
  'kgc-support': { image: 'kgc-support', tag: VERSION },
  'koko-chatbot': { image: 'koko-ai-chatbot', tag: 'latest' },
  'koko-context': { image: 'koko-context-manager', tag: 'latest' },
  chatwoot: { image: 'chatwoot/chatwoot', tag: 'v4.0.4' },
  postgres: { image: 'pgvector/pgvector', tag: 'pg16' },
  redis: { image: 'redis', tag: '7-alpine' },
};

/** The host ports a franchise publishes; each must be unique on the host. */
export const PORT_KEYS = ['erp_api', 'daemon', 'chatbot', 'context', 'chatwoot'] as const;
export type PortKey = (typeof PORT_KEYS)[number];

const Port = (description: string) => Type.Integer({ minimum: 1, maximum: 65535, description });
const Duration = (description: string, dflt: string) =>
  Type.String({ pattern: '^([0-9]+(ms|s|m|h))+$', description, default: dflt, examples: [dflt] });

const ImageOverride = Type.Object(
  {
    image: Type.Optional(
      Type.String({
        minLength: 1,
        pattern: '^[a-z0-9][a-z0-9._/:-]*$',
        description:
          'Image name (with registry and path), e.g. registry.example.hu/koko-ai-chatbot',
      }),
    ),
    tag: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
        description: 'Image tag, e.g. 1.4.2',
      }),
    ),
  },
  { additionalProperties: false },
);

export const FranchiseSchema = Type.Object(
  {
    version: Type.Literal(FRANCHISE_FILE_VERSION, { description: 'Format version of this file' }),
    id: Type.String({
      pattern: FRANCHISE_ID_PATTERN,
      description:
        'Franchise id: lowercase letters, digits and dashes. The compose project is kgc-<id>.',
      examples: ['budapest-1'],
    }),
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The franchise as customers see it (any characters, e.g. "Kovács és Fia Kft.")',
    }),
    layout: Type.Union([Type.Literal('profiles'), Type.Literal('separate')], {
      description:
        'profiles (seed Option B, default): one stack, the support services under the compose profile "support". ' +
        'separate (seed Option A): a separate docker-compose.support.yml stack joined to the ERP by an external network.',
      default: 'profiles',
    }),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'IANA time zone of the franchise',
        default: 'Europe/Budapest',
      }),
    ),
    bind_address: Type.Optional(
      Type.String({
        pattern: '^[0-9.]+$|^\\[?[0-9a-fA-F:]+\\]?$',
        description:
          'Host address the published ports bind to; 0.0.0.0 to reach them from the network',
        default: '127.0.0.1',
      }),
    ),
    support: Type.Object(
      {
        enabled: Type.Boolean({
          description:
            'SUPPORT_MODULE_ENABLED: false keeps the ERP from calling Support (seed 3.1); `up` refuses to start it',
        }),
        chatwoot_account_id: Type.String({
          minLength: 1,
          maxLength: 100,
          description:
            "CHATWOOT_ACCOUNT_ID: the seed's per-franchise account identifier (seed 6.2, default kgc-<id>), given to the chatbot and the context manager; not Chatwoot's numeric account id",
          examples: ['kgc-franchise-a'],
        }),
        chatwoot_account_number: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 2_147_483_647,
            default: 1,
            description:
              "CHATWOOT_ACCOUNT_NUMBER: Chatwoot's numeric account id, the <n> in /app/accounts/<n>/ (default 1, the first account); the daemon and the chatbot call Chatwoot's API with it",
          }),
        ),
        knowledge_base_path: Type.String({
          minLength: 1,
          pattern: '^/',
          description: 'KNOWLEDGE_BASE_PATH inside the context manager container (seed 6.2)',
          examples: ['/opt/chatwoot/knowledge-bases/kgc-franchise-a/'],
        }),
        knowledge_base_dir: Type.Optional(
          Type.String({
            minLength: 1,
            description:
              'Host directory mounted there read-only; relative to the franchise directory',
            default: 'knowledge-base',
          }),
        ),
        chatwoot_frontend_url: Type.Optional(
          Type.String({
            pattern: '^https?://',
            description:
              'FRONTEND_URL of Chatwoot as agents open it; default http://localhost:<chatwoot port>',
          }),
        ),
        google_calendar: Type.Optional(
          Type.Object(
            {
              calendar_id: Type.String({
                minLength: 1,
                maxLength: 300,
                description:
                  'GOOGLE_CALENDAR_ID: the calendar the chatbot books service appointments in (seed 2.2, 11.1)',
                examples: ['kgc-budapest@group.calendar.google.com'],
              }),
              credentials_file: Type.String({
                minLength: 1,
                description:
                  "Host path of the Google service account's JSON key (relative to the franchise directory), mounted read-only into the chatbot; GOOGLE_APPLICATION_CREDENTIALS names the mount",
                examples: ['google-credentials.json'],
              }),
            },
            {
              additionalProperties: false,
              description:
                "Google Calendar for the chatbot's appointment booking (optional; absent: no mount, GOOGLE_CALENDAR_ID empty)",
            },
          ),
        ),
        erase_mode: Type.Optional(
          Type.Union([Type.Literal('delete'), Type.Literal('anonymise')], {
            default: 'delete',
            description:
              "KGC_GDPR_ERASE_MODE: what an erasure (DELETE /api/customers/{id}, gdpr delete) does to the customer's ERP record: delete it with its rentals, worklogs, orders and appointments, or anonymise it (the rows stay for invoice retention, name, phone and e-mail go). erp/kgc-support-erp.sql grants the daemon's role exactly what the mode needs",
          }),
        ),
        sms: Type.Optional(
          Type.Object(
            {
              provider: Type.String({
                minLength: 1,
                maxLength: 50,
                pattern: '^[a-z0-9][a-z0-9_.-]*$',
                description:
                  'SMS_PROVIDER: the SMS gateway the chatbot sends notifications through (its key is SMS_API_KEY in secrets.env)',
                examples: ['twilio', 'seeme'],
              }),
              sender_id: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 20,
                  description: 'SMS_SENDER_ID: the sender name or number customers see',
                  examples: ['KGC'],
                }),
              ),
            },
            {
              additionalProperties: false,
              description:
                'SMS notifications (optional; seed 2.3, 11.1; absent: SMS_PROVIDER empty)',
            },
          ),
        ),
      },
      {
        additionalProperties: false,
        description: 'The Support module of this franchise (seed 3.1, 6.2)',
      },
    ),
    ports: Type.Object(
      {
        erp_api: Port('Host port of the ERP API (kgc-api)'),
        daemon: Port('Host port of the kgc-support daemon (Pull API, /health)'),
        chatbot: Port('Host port of the Kokó chatbot (SUPPORT_API_URL)'),
        context: Port('Host port of the Kokó context manager (SUPPORT_CONTEXT_URL)'),
        chatwoot: Port("Host port of Chatwoot's web UI and API"),
      },
      {
        additionalProperties: false,
        description:
          'Host ports; each must be free on the host and unique among its franchises (init picks free ones)',
      },
    ),
    images: Type.Optional(
      Type.Object(
        {
          'kgc-api': Type.Optional(ImageOverride),
          'kgc-support': Type.Optional(ImageOverride),
          'koko-chatbot': Type.Optional(ImageOverride),
          'koko-context': Type.Optional(ImageOverride),
          chatwoot: Type.Optional(ImageOverride),
          postgres: Type.Optional(ImageOverride),
          redis: Type.Optional(ImageOverride),
        },
        {
          additionalProperties: false,
          description:
            'Per-image overrides of name and tag (defaults: the released images); chatwoot serves chatwoot-web and chatwoot-worker',
        },
      ),
    ),
    daemon: Type.Optional(DaemonSectionSchema),
    healthcheck: Type.Optional(
      Type.Object(
        {
          interval: Type.Optional(Duration('Time between health checks', '10s')),
          timeout: Type.Optional(Duration('How long one check may take', '5s')),
          retries: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 100,
              default: 5,
              description: 'Failures in a row before a container is unhealthy',
            }),
          ),
          start_period: Type.Optional(
            Duration('Grace period after start, failures do not count', '30s'),
          ),
        },
        { additionalProperties: false, description: 'Healthcheck timing of the support services' },
      ),
    ),
  },
  {
    additionalProperties: false,
    title: 'kgc-support franchise',
    description:
      "One franchise's Support module installation: written by `kgc-support init`, read by `render`, `up`, `down`, `status`, `doctor`.",
  },
);

export type Franchise = Static<typeof FranchiseSchema>;
export type Layout = Franchise['layout'];
export type Ports = Franchise['ports'];

export interface HealthTiming {
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly start_period: string;
}

export const DEFAULT_HEALTH: HealthTiming = {
  interval: '10s',
  timeout: '5s',
  retries: 5,
  start_period: '30s',
};
export const DEFAULT_TIMEZONE = 'Europe/Budapest';
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';
export const DEFAULT_KNOWLEDGE_BASE_DIR = 'knowledge-base';
export const DEFAULT_CHATWOOT_ACCOUNT_NUMBER = 1;
export const DEFAULT_ERASE_MODE = 'delete';
export type EraseMode = NonNullable<Franchise['support']['erase_mode']>;

export function eraseModeOf(f: Franchise): EraseMode {
  return f.support.erase_mode ?? DEFAULT_ERASE_MODE;
}
/** Where the chatbot finds the Google credentials file (GOOGLE_APPLICATION_CREDENTIALS). */
export const GOOGLE_CREDENTIALS_IN_CONTAINER = '/run/secrets/google-calendar-credentials.json';

export function imageOf(f: Franchise, key: ImageKey): ImageRef {
  const o = f.images?.[key];
  return { image: o?.image ?? DEFAULT_IMAGES[key].image, tag: o?.tag ?? DEFAULT_IMAGES[key].tag };
}

export function healthOf(f: Franchise): HealthTiming {
  return { ...DEFAULT_HEALTH, ...f.healthcheck };
}

/** The compose project of the ERP (and, in the profiles layout, of everything). */
export function projectName(f: Pick<Franchise, 'id'>): string {
  return `kgc-${f.id}`;
}

/** The compose project of the support stack: the same one in the profiles layout. */
export function supportProjectName(f: Pick<Franchise, 'id' | 'layout'>): string {
  return f.layout === 'separate' ? `kgc-${f.id}-support` : projectName(f);
}

/** The network that joins the ERP and the support stack (an external one in the separate layout). */
export function integrationNetworkName(f: Pick<Franchise, 'id'>): string {
  return `kgc-${f.id}-support-integration`;
}

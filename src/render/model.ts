/**
 * What a franchise's files are made of: the variables of its .env files and the
 * values of the templates' placeholders, and which files a layout has. Pure.
 */
import { posix } from 'node:path';
import {
  DEFAULT_BIND_ADDRESS,
  DEFAULT_CHATWOOT_ACCOUNT_NUMBER,
  DEFAULT_KNOWLEDGE_BASE_DIR,
  DEFAULT_TIMEZONE,
  eraseModeOf,
  GOOGLE_CREDENTIALS_IN_CONTAINER,
  healthOf,
  imageOf,
  integrationNetworkName,
  projectName,
  supportProjectName,
  type Franchise,
  type ImageKey,
  type Layout,
} from '../franchise/franchise.schema.js';
import type { Secrets } from './secrets.js';
import type { Literal } from './template.js';

/** Where the services answer inside the compose networks (fixed container ports). */
export const INTERNAL_URLS = {
  chatbot: 'http://support-chatbot:5001',
  context: 'http://support-context:5004',
  daemon: 'http://kgc-support:3030',
} as const;

const IMAGE_VARS: Readonly<Record<ImageKey, string>> = {
  'kgc-api': 'KGC_API_IMAGE',
  'kgc-support': 'KGC_SUPPORT_IMAGE',
  'koko-chatbot': 'KOKO_CHATBOT_IMAGE',
  'koko-context': 'KOKO_CONTEXT_IMAGE',
  chatwoot: 'CHATWOOT_IMAGE',
  postgres: 'CHATWOOT_POSTGRES_IMAGE',
  redis: 'CHATWOOT_REDIS_IMAGE',
};

/** One compose project of a layout: its file, its .env, the template sections of that .env. */
export interface ProjectFiles {
  readonly project: string;
  readonly role: 'all' | 'erp' | 'support';
  /** Paths relative to the franchise directory, with / separators. */
  readonly composeFile: string;
  readonly envFile: string;
  readonly skeleton: string;
  readonly envSections: readonly string[];
}

export function projectFilesOf(f: Franchise): ProjectFiles[] {
  if (f.layout === 'profiles') {
    return [
      {
        project: projectName(f),
        role: 'all',
        composeFile: 'docker-compose.yml',
        envFile: '.env',
        skeleton: 'profiles/docker-compose.yml',
        envSections: ['common', 'erp', 'support'],
      },
    ];
  }
  return [
    {
      project: projectName(f),
      role: 'erp',
      composeFile: 'docker-compose.yml',
      envFile: '.env',
      skeleton: 'separate/docker-compose.yml',
      envSections: ['common', 'erp'],
    },
    {
      project: supportProjectName(f),
      role: 'support',
      composeFile: 'support/docker-compose.support.yml',
      envFile: 'support/.env',
      skeleton: 'separate/docker-compose.support.yml',
      envSections: ['common', 'support'],
    },
  ];
}

/** The project that runs the support services. */
export function supportProjectOf(f: Franchise): ProjectFiles {
  const files = projectFilesOf(f);
  return files.find((p) => p.role !== 'erp') as ProjectFiles;
}

export function erpProjectOf(f: Franchise): ProjectFiles {
  return projectFilesOf(f)[0] as ProjectFiles;
}

/** A directory of the franchise as the compose file `composeFile` must name it (relative to that file). */
function mountPath(dir: string, composeFile: string): string {
  if (posix.isAbsolute(dir)) return dir;
  const rel = posix.relative(posix.dirname(composeFile), posix.normalize(dir));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The knowledge base directory as the compose file in `composeDir` must name it. */
export function knowledgeBaseMount(f: Franchise, composeFile: string): string {
  return mountPath(f.support.knowledge_base_dir ?? DEFAULT_KNOWLEDGE_BASE_DIR, composeFile);
}

/** The Google credentials file as the compose file must name it; undefined without Google Calendar. */
export function googleCredentialsMount(f: Franchise, composeFile: string): string | undefined {
  const file = f.support.google_calendar?.credentials_file;
  return file === undefined ? undefined : mountPath(file, composeFile);
}

/**
 * The host directory of the daemon's admin socket, relative to the franchise directory:
 * bind-mounted at /run/kgc-support, where the daemon listens on admin.sock.
 */
export const RUN_DIR = 'run';
/** The daemon's Redis service (compose/kgc-support.yml). */
export const REDIS_SERVICE = 'kgc-support-redis';

/** The daemon image's user, which must own run/ so that it can create its socket there. */
export const DAEMON_UID = 10001;

/** What ERP's DBA applies: the daemon's read-only role, its grants and the outbox. */
export const ERP_SQL_FILE = 'erp/kgc-support-erp.sql';

/**
 * Where each .env variable that is not a secret comes from (secrets come from their
 * secrets.env line): what a message about a bad value tells the admin to change.
 */
export const ENV_SOURCES: Readonly<Record<string, string>> = {
  KGC_FRANCHISE_ID: 'franchise.yaml id',
  KGC_FRANCHISE_NAME: 'franchise.yaml name',
  BIND_ADDRESS: 'franchise.yaml bind_address',
  SUPPORT_MODULE_ENABLED: 'franchise.yaml support.enabled',
  CHATWOOT_ACCOUNT_ID: 'franchise.yaml support.chatwoot_account_id',
  CHATWOOT_ACCOUNT_NUMBER: 'franchise.yaml support.chatwoot_account_number',
  CHATWOOT_FRONTEND_URL: 'franchise.yaml support.chatwoot_frontend_url',
  KNOWLEDGE_BASE_PATH: 'franchise.yaml support.knowledge_base_path',
  KNOWLEDGE_BASE_DIR: 'franchise.yaml support.knowledge_base_dir',
  KGC_SUPPORT_TIMEZONE: 'franchise.yaml timezone',
  KGC_API_PORT: 'franchise.yaml ports.erp_api',
  KGC_SUPPORT_HOST_PORT: 'franchise.yaml ports.daemon',
  SUPPORT_CHATBOT_PORT: 'franchise.yaml ports.chatbot',
  SUPPORT_CONTEXT_PORT: 'franchise.yaml ports.context',
  CHATWOOT_PORT: 'franchise.yaml ports.chatwoot',
  GOOGLE_CALENDAR_ID: 'franchise.yaml support.google_calendar.calendar_id',
  GOOGLE_CREDENTIALS_FILE: 'franchise.yaml support.google_calendar.credentials_file',
  GOOGLE_APPLICATION_CREDENTIALS: 'franchise.yaml support.google_calendar.credentials_file',
  SMS_PROVIDER: 'franchise.yaml support.sms.provider',
  SMS_SENDER_ID: 'franchise.yaml support.sms.sender_id',
  KGC_GDPR_ERASE_MODE: 'franchise.yaml support.erase_mode',
  ...Object.fromEntries(
    Object.entries(IMAGE_VARS).map(([k, v]) => [v, `franchise.yaml images.${k}`]),
  ),
};

/** Every variable of the franchise's .env files (COMPOSE_PROJECT_NAME and the mount are per file). */
export function envValues(
  f: Franchise,
  secrets: Secrets,
  files: ProjectFiles,
): Record<string, string> {
  const ref = (k: ImageKey) => {
    const i = imageOf(f, k);
    return `${i.image}:${i.tag}`;
  };
  const images = Object.fromEntries(
    (Object.keys(IMAGE_VARS) as ImageKey[]).map((k) => [IMAGE_VARS[k], ref(k)]),
  );
  return {
    ...secrets,
    ...images,
    COMPOSE_PROJECT_NAME: files.project,
    KGC_FRANCHISE_ID: f.id,
    KGC_FRANCHISE_NAME: f.name,
    BIND_ADDRESS: f.bind_address ?? DEFAULT_BIND_ADDRESS,
    SUPPORT_MODULE_ENABLED: String(f.support.enabled),
    SUPPORT_API_URL: INTERNAL_URLS.chatbot,
    SUPPORT_CONTEXT_URL: INTERNAL_URLS.context,
    KGC_SUPPORT_URL: INTERNAL_URLS.daemon,
    KGC_API_URL: INTERNAL_URLS.daemon,
    CHATWOOT_ACCOUNT_ID: f.support.chatwoot_account_id,
    CHATWOOT_ACCOUNT_NUMBER: String(
      f.support.chatwoot_account_number ?? DEFAULT_CHATWOOT_ACCOUNT_NUMBER,
    ),
    CHATWOOT_FRONTEND_URL:
      f.support.chatwoot_frontend_url ?? `http://localhost:${f.ports.chatwoot}`,
    KNOWLEDGE_BASE_PATH: f.support.knowledge_base_path,
    KNOWLEDGE_BASE_DIR: knowledgeBaseMount(f, files.composeFile),
    KGC_SUPPORT_RUN_DIR: mountPath(RUN_DIR, files.composeFile),
    KGC_SUPPORT_TIMEZONE: f.timezone ?? DEFAULT_TIMEZONE,
    KGC_API_PORT: String(f.ports.erp_api),
    KGC_SUPPORT_HOST_PORT: String(f.ports.daemon),
    SUPPORT_CHATBOT_PORT: String(f.ports.chatbot),
    SUPPORT_CONTEXT_PORT: String(f.ports.context),
    CHATWOOT_PORT: String(f.ports.chatwoot),
    // The optional services (seed 11.1): empty when not configured, which the chatbot reads as off.
    GOOGLE_CALENDAR_ID: f.support.google_calendar?.calendar_id ?? '',
    GOOGLE_CREDENTIALS_FILE: googleCredentialsMount(f, files.composeFile) ?? '',
    GOOGLE_APPLICATION_CREDENTIALS: f.support.google_calendar
      ? GOOGLE_CREDENTIALS_IN_CONTAINER
      : '',
    SMS_PROVIDER: f.support.sms?.provider ?? '',
    SMS_SENDER_ID: f.support.sms?.sender_id ?? '',
    KGC_GDPR_ERASE_MODE: eraseModeOf(f),
    // The stack's own Redis; the password is hex, safe inside a URL.
    KGC_SUPPORT_REDIS_URL: `redis://:${secrets.KGC_SUPPORT_REDIS_PASSWORD}@${REDIS_SERVICE}:6379/0`,
  };
}

/** The values of the templates' {{ placeholders }}. */
export function templateValues(f: Franchise): Record<string, Literal> {
  const h = healthOf(f);
  return {
    franchise_id: f.id,
    franchise_name: f.name,
    integration_network: integrationNetworkName(f),
    healthcheck_interval: h.interval,
    healthcheck_timeout: h.timeout,
    healthcheck_retries: h.retries,
    healthcheck_start_period: h.start_period,
  };
}

export function layoutLabel(layout: Layout): string {
  return layout === 'profiles' ? 'profiles (seed Option B)' : 'separate (seed Option A)';
}

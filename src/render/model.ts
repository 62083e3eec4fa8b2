/**
 * What a franchise's files are made of: the variables of its .env files and the
 * values of the templates' placeholders, and which files a layout has. Pure.
 */
import { posix } from 'node:path';
import {
  DEFAULT_BIND_ADDRESS, DEFAULT_KNOWLEDGE_BASE_DIR, DEFAULT_TIMEZONE, healthOf, imageOf, integrationNetworkName,
  projectName, supportProjectName, type Franchise, type ImageKey, type Layout,
} from '../franchise/franchise.schema.js';
import type { Secrets } from './secrets.js';
import type { Literal } from './template.js';

/** Where the services answer inside the compose networks (fixed container ports). */
export const INTERNAL_URLS = {
  chatbot: 'http://support-chatbot:5001',
  context: 'http://support-context:5004',
  daemon: 'http://kgc-support:3030',
} as const;

/** The services of the Support module, in start order; everything else is the ERP's. */
export const SUPPORT_SERVICES = ['chatwoot-postgres', 'chatwoot-redis', 'kgc-support', 'support-context', 'support-chatbot', 'chatwoot-web', 'chatwoot-worker'] as const;
export const ERP_SERVICES = ['kgc-api'] as const;
export type SupportService = (typeof SUPPORT_SERVICES)[number];

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
    return [{ project: projectName(f), role: 'all', composeFile: 'docker-compose.yml', envFile: '.env', skeleton: 'profiles/docker-compose.yml', envSections: ['common', 'erp', 'support'] }];
  }
  return [
    { project: projectName(f), role: 'erp', composeFile: 'docker-compose.yml', envFile: '.env', skeleton: 'separate/docker-compose.yml', envSections: ['common', 'erp'] },
    { project: supportProjectName(f), role: 'support', composeFile: 'support/docker-compose.support.yml', envFile: 'support/.env', skeleton: 'separate/docker-compose.support.yml', envSections: ['common', 'support'] },
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

/** The knowledge base directory as the compose file in `composeDir` must name it. */
export function knowledgeBaseMount(f: Franchise, composeFile: string): string {
  const dir = f.support.knowledge_base_dir ?? DEFAULT_KNOWLEDGE_BASE_DIR;
  if (posix.isAbsolute(dir)) return dir;
  const rel = posix.relative(posix.dirname(composeFile), posix.normalize(dir));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Every variable of the franchise's .env files (COMPOSE_PROJECT_NAME and the mount are per file). */
export function envValues(f: Franchise, secrets: Secrets, files: ProjectFiles): Record<string, string> {
  const ref = (k: ImageKey) => { const i = imageOf(f, k); return `${i.image}:${i.tag}`; };
  const images = Object.fromEntries((Object.keys(IMAGE_VARS) as ImageKey[]).map((k) => [IMAGE_VARS[k], ref(k)]));
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
    CHATWOOT_FRONTEND_URL: f.support.chatwoot_frontend_url ?? `http://localhost:${f.ports.chatwoot}`,
    KNOWLEDGE_BASE_PATH: f.support.knowledge_base_path,
    KNOWLEDGE_BASE_DIR: knowledgeBaseMount(f, files.composeFile),
    KGC_SUPPORT_TIMEZONE: f.timezone ?? DEFAULT_TIMEZONE,
    KGC_API_PORT: String(f.ports.erp_api),
    KGC_SUPPORT_HOST_PORT: String(f.ports.daemon),
    SUPPORT_CHATBOT_PORT: String(f.ports.chatbot),
    SUPPORT_CONTEXT_PORT: String(f.ports.context),
    CHATWOOT_PORT: String(f.ports.chatwoot),
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

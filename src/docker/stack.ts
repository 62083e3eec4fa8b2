/**
 * A franchise's stack on the engine: start and stop the Support module's services, and
 * the state of every service. Stopping never touches the ERP: in the profiles layout
 * it stops and removes the support services by name (`compose --profile support down`
 * would remove the whole project, ERP included); in the separate layout the support
 * stack is its own project, whose `down` leaves the ERP and the external network be.
 */
import { join } from 'node:path';
import type Docker from 'dockerode';
import { KgcError } from '../errors/kgc-error.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { integrationNetworkName } from '../franchise/franchise.schema.js';
import { erpProjectOf, supportProjectOf, type ProjectFiles } from '../render/model.js';
import { ERP_SERVICES, SUPPORT_SERVICES } from '../render/services.js';
import {
  mustCompose,
  type ComposeProject,
  type ComposeTool,
  type Exec,
  type ExecOptions,
} from './compose.js';
import { ensureNetwork, projectContainers, type ServiceContainer } from './engine.js';

export interface StackDeps {
  readonly docker: Docker;
  readonly compose: ComposeTool;
  readonly exec: Exec;
}

export const SUPPORT_PROFILE = 'support';

export function composeProject(ref: FranchiseRef, p: ProjectFiles): ComposeProject {
  const composeFile = join(ref.dir, p.composeFile);
  return {
    project: p.project,
    dir: join(composeFile, '..'),
    composeFile,
    envFile: join(ref.dir, p.envFile),
    profiles: p.role === 'all' ? [SUPPORT_PROFILE] : [],
  };
}

export function supportProject(ref: FranchiseRef): ComposeProject {
  return composeProject(ref, supportProjectOf(ref.franchise));
}

export function erpProject(ref: FranchiseRef): ComposeProject {
  return composeProject(ref, erpProjectOf(ref.franchise));
}

/** The support services named by --service (all when none), in start order; an unknown name is a usage error. */
export function chosenServices(wanted: readonly string[] | undefined): string[] {
  const unknown = (wanted ?? []).filter(
    (s) => !(SUPPORT_SERVICES as readonly string[]).includes(s),
  );
  if (unknown.length > 0)
    throw new KgcError(
      'usage',
      `unknown service ${unknown.join(', ')}: the support services are ${SUPPORT_SERVICES.join(', ')}`,
    );
  return wanted === undefined || wanted.length === 0
    ? [...SUPPORT_SERVICES]
    : SUPPORT_SERVICES.filter((s) => wanted.includes(s));
}

export async function startErp(
  ref: FranchiseRef,
  deps: StackDeps,
  opts: ExecOptions = {},
): Promise<void> {
  await prepareNetwork(ref, deps);
  await mustCompose(deps.compose, deps.exec, erpProject(ref), ['up', '-d', ...ERP_SERVICES], opts);
}

/** The separate layout's integration network must exist before either stack starts. */
async function prepareNetwork(ref: FranchiseRef, deps: StackDeps): Promise<void> {
  if (ref.franchise.layout !== 'separate') return;
  await ensureNetwork(
    deps.docker,
    integrationNetworkName(ref.franchise),
    erpProject(ref).project,
    'support-integration',
  );
}

/** `up -d` of the named support services only: the ERP's services are not named, so compose leaves them be. */
export async function startSupport(
  ref: FranchiseRef,
  deps: StackDeps,
  services: readonly string[] = SUPPORT_SERVICES,
  opts: ExecOptions = {},
): Promise<void> {
  await prepareNetwork(ref, deps);
  await mustCompose(deps.compose, deps.exec, supportProject(ref), ['up', '-d', ...services], opts);
}

/** Stops and removes the support services; the ERP's containers and networks stay. */
export async function stopSupport(
  ref: FranchiseRef,
  deps: StackDeps,
  services: readonly string[] = SUPPORT_SERVICES,
  opts: ExecOptions = {},
): Promise<void> {
  const p = supportProject(ref);
  const all = services.length === SUPPORT_SERVICES.length;
  if (ref.franchise.layout === 'separate' && all) {
    await mustCompose(deps.compose, deps.exec, p, ['down', '--remove-orphans'], opts);
    return;
  }
  await mustCompose(deps.compose, deps.exec, p, ['rm', '--stop', '--force', ...services], opts);
}

export interface ServiceState {
  readonly service: string;
  readonly role: 'erp' | 'support';
  readonly project: string;
  /** The container, when there is one. */
  readonly container: ServiceContainer | undefined;
}

/** Every service of the franchise, each with its container or none. */
export async function stackState(ref: FranchiseRef, docker: Docker): Promise<ServiceState[]> {
  const erp = erpProject(ref).project;
  const sup = supportProject(ref).project;
  const containers = new Map<string, ServiceContainer[]>();
  for (const project of new Set([erp, sup]))
    containers.set(project, await projectContainers(docker, project));
  const pick = (project: string, service: string) =>
    containers.get(project)?.find((c) => c.service === service);
  return [
    ...ERP_SERVICES.map((service) => ({
      service,
      role: 'erp' as const,
      project: erp,
      container: pick(erp, service),
    })),
    ...SUPPORT_SERVICES.map((service) => ({
      service,
      role: 'support' as const,
      project: sup,
      container: pick(sup, service),
    })),
  ];
}

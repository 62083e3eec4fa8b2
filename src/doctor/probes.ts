/** The real world for `doctor`: the engine, compose, the file system, the network. */
import { readFileSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Random } from '../context/clock.js';
import { detectCompose, type Exec } from '../docker/compose.js';
import { connectDocker, engineVersion, lastLogLines, projectContainers } from '../docker/engine.js';
import { stopCause, verdictOf } from '../docker/wait.js';
import { hostPorts } from '../docker/host-ports.js';
import { checkImages, stackImages } from '../docker/images.js';
import { erpProject, supportProject } from '../docker/stack.js';
import { isKgcError } from '../errors/kgc-error.js';
import { failingChecks } from '../health/daemon-ready.js';
import { httpGet, jsonBody } from '../health/probes/http.js';
import { driftOf, planRender } from '../render/render.service.js';
import { SECRETS_FILE } from '../render/secrets.js';
import type { TemplateSet } from '../render/template.js';
import { lockHolder } from '../store/lock.js';
import type { DoctorProbes } from './doctor.js';
import { modelImages } from './images.js';

export interface ProbeConfig {
  readonly exec: Exec;
  readonly composeCommand: string;
  readonly templates: TemplateSet;
  readonly random: Random;
  readonly dataDir: string;
  readonly daemonPort: number;
  readonly env: NodeJS.ProcessEnv;
}

export function realProbes(c: ProbeConfig): DoctorProbes {
  const docker = connectDocker(c.env);
  return {
    engine: () => engineVersion(docker),
    compose: () => detectCompose(c.exec, c.composeCommand),
    async freeBytes(path) {
      // The directory may not exist yet (before init): its nearest existing parent's file system.
      for (let p = path; ; p = dirname(p)) {
        try {
          const s = await statfs(p);
          return s.bavail * s.bsize;
        } catch {
          if (dirname(p) === p) return undefined;
        }
      }
    },
    hostPorts: (f) => {
      const ref = { id: f.id, dir: '', franchise: f };
      return hostPorts(f, docker, [erpProject(ref).project, supportProject(ref).project]);
    },
    fileMode(path) {
      try {
        return statSync(path).mode & 0o777;
      } catch {
        return undefined;
      }
    },
    readText(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    renderDrift(ref) {
      let plan;
      try {
        plan = planRender(ref, c.templates, c.random);
      } catch (err) {
        if (isKgcError(err)) return `render refuses it: ${err.message}`; // doctor's other checks say more
        throw err;
      }
      const drift = driftOf(plan);
      if (drift.length === 0) return undefined;
      const rendered = plan.files.filter((x) => x.path !== SECRETS_FILE).length;
      if (drift.filter((d) => d.drift === 'missing' && d.path !== SECRETS_FILE).length === rendered)
        return 'missing';
      return drift.map((d) => `${d.path} (${d.drift})`).join(', ');
    },
    async httpOk(url, timeoutMs) {
      const o = await httpGet(url, { timeoutMs, maxBody: 16_384 });
      if (o.kind !== 'answer') return { ok: false, detail: o.error };
      const ok = o.status >= 200 && o.status < 300;
      return {
        ok,
        detail: ok
          ? `HTTP ${o.status}`
          : `HTTP ${o.status}${failingChecks(jsonBody(o)) ? `: ${failingChecks(jsonBody(o))}` : ''}`,
      };
    },
    async daemonContainerRunning(ref) {
      const cs = await projectContainers(docker, supportProject(ref).project);
      return cs.some((x) => x.service === 'kgc-support' && x.state === 'running');
    },
    async images(ref) {
      const rendered = stackImages(ref);
      return checkImages(docker, rendered.length > 0 ? rendered : modelImages(ref));
    },
    async crashLoops(ref) {
      const cs = await projectContainers(docker, supportProject(ref).project);
      const loops = [];
      for (const x of cs) {
        const v = verdictOf(x);
        const restarting = x.state === 'restarting';
        if (!restarting && !v.detail.startsWith('crash loop')) continue;
        loops.push({
          service: x.service,
          container: x.name,
          detail: restarting
            ? `restarting (${x.restartCount} restart(s) so far), last ${stopCause(x)}`
            : v.detail,
          lastLines: await lastLogLines(docker, x.id, 10),
        });
      }
      return loops;
    },
    async localDaemon() {
      const info = await lockHolder(c.dataDir);
      return info && info.command === 'serve' ? { pid: info.pid, port: c.daemonPort } : undefined;
    },
  };
}

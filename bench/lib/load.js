import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wrkAvailable, wrkLoad } from './wrk.js';

const CHILD = fileURLToPath(new URL('./load-child.js', import.meta.url));

let generator = 'autocannon';

/** 'auto' (wrk when installed, else autocannon), 'wrk' or 'autocannon'; returns the one in use. */
export function chooseGenerator(wanted = 'auto') {
  if (wanted === 'autocannon') generator = 'autocannon';
  else if (wrkAvailable()) generator = 'wrk';
  else if (wanted === 'wrk')
    throw new Error('--generator wrk: wrk is not installed (apt-get install wrk)');
  else generator = 'autocannon';
  return generator;
}

/**
 * A closed-loop load: warm-up first (discarded), then the measured run. Plain GETs of a
 * list of paths go through the chosen generator; anything else (bodies, a fixed rate)
 * through autocannon in a child process.
 */
export async function load({
  url,
  connections = 50,
  duration = 10,
  warmup = 3,
  headers = {},
  method = 'GET',
  body,
  pipelining = 1,
  rate,
  requests,
  idReplacement = false,
}) {
  const plainGets =
    method === 'GET' &&
    !body &&
    !rate &&
    pipelining === 1 &&
    Array.isArray(requests) &&
    requests.every((r) => r.path && !r.method && !r.body);
  if (generator === 'wrk' && plainGets)
    return wrkLoad({
      url,
      connections,
      duration,
      warmup,
      headers,
      paths: requests.map((r) => r.path),
    });
  const base = {
    url,
    connections,
    headers,
    method,
    body,
    pipelining,
    idReplacement,
    ...(rate ? { overallRate: rate } : {}),
    ...(requests ? { requests } : {}),
  };
  if (warmup > 0) await runChild({ ...base, duration: warmup });
  return runChild({ ...base, duration });
}

function runChild(opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      try {
        resolve({ generator: 'autocannon', ...JSON.parse(out.trim().split('\n').pop()) });
      } catch (err) {
        reject(err);
      }
    });
  });
}

const PACED = fileURLToPath(new URL('./paced-child.js', import.meta.url));

/** A steady open-loop rate (see paced-child.js): latency from when each request was due. */
export async function paced({
  url,
  rate,
  duration = 10,
  warmup = 2,
  connections = 64,
  headers = {},
  method = 'GET',
  body,
  paths,
}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        PACED,
        JSON.stringify({ url, rate, duration, warmup, connections, headers, method, body, paths }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`paced load exited ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (err) {
        reject(err);
      }
    });
  });
}

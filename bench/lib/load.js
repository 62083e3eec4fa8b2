import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./load-child.js', import.meta.url));

/** Runs autocannon in a child process: warm-up first (discarded), then the measured run. */
export async function load({ url, connections = 50, duration = 10, warmup = 3, headers = {}, method = 'GET', body, pipelining = 1, rate, requests, idReplacement = false }) {
  const base = { url, connections, headers, method, body, pipelining, idReplacement, ...(rate ? { overallRate: rate } : {}), ...(requests ? { requests } : {}) };
  if (warmup > 0) await runChild({ ...base, duration: warmup });
  return runChild({ ...base, duration });
}

function runChild(opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      try { resolve(JSON.parse(out.trim().split('\n').pop())); } catch (err) { reject(err); }
    });
  });
}

const PACED = fileURLToPath(new URL('./paced-child.js', import.meta.url));

/** A steady open-loop rate (see paced-child.js): latency from when each request was due. */
export async function paced({ url, rate, duration = 10, warmup = 2, connections = 64, headers = {}, method = 'GET', body, paths }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PACED, JSON.stringify({ url, rate, duration, warmup, connections, headers, method, body, paths })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`paced load exited ${code}`));
      try { resolve(JSON.parse(out.trim().split('\n').pop())); } catch (err) { reject(err); }
    });
  });
}

// Starts `dth serve` on a free loopback port with a fresh data directory and a known admin
// password, and prepares two buckets on RGW: src (objects under data/ and one under bad/)
// and dst, whose bucket policy refuses writes under bad/ (the failed object of the tests).
// The URL and names go to the tests through the environment; the teardown stops dth.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADMIN_PASSWORD = 'console-e2e-password';

function need(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start RGW with tests/servers/start_rgw.sh and source its env`);
  return value;
}

export function s3(method: string, path: string, body?: string): string {
  const endpoint = need('RGW_ENDPOINT');
  const args = ['-sS', '--fail-with-body', '-X', method, '--aws-sigv4', 'aws:amz:us-east-1:s3',
    '--user', `${need('RGW_ACCESS_KEY')}:${need('RGW_SECRET_KEY')}`,
    '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', `${endpoint}${path}`];
  if (body !== undefined) args.push('--data-binary', body);
  return execFileSync('curl', args, { encoding: 'utf8' });
}

export default async function globalSetup() {
  need('RGW_ENDPOINT');
  const bin = resolve(process.env.DTH_BIN ?? join(dirname(fileURLToPath(import.meta.url)), '../../build/release/dth'));
  const dataDir = mkdtempSync(join(tmpdir(), 'dth-console-e2e-'));
  const run = Date.now().toString(36);
  const src = `console-src-${run}`;
  const dst = `console-dst-${run}`;
  s3('PUT', `/${src}`);
  s3('PUT', `/${dst}`);
  for (let i = 0; i < 30; i++) s3('PUT', `/${src}/data/object-${String(i).padStart(3, '0')}.txt`, `object ${i}\n`.repeat(100 + i));
  s3('PUT', `/${src}/bad/refused.txt`, 'refused by the destination bucket policy until it is lifted\n');
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${dst}/bad/*` }],
  });
  const policyFile = join(dataDir, 'policy.json');
  writeFileSync(policyFile, policy);
  s3('PUT', `/${dst}?policy=`, `@${policyFile}`);

  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir, 'hub')], {
    env: { ...process.env, DTH_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) ok(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`dth serve exited (${code}) before it answered: ${out}`)));
  });
  process.env.DTH_CONSOLE_URL = url;
  process.env.E2E_SRC_BUCKET = src;
  process.env.E2E_DST_BUCKET = dst;
  process.env.E2E_HUB_DIR = join(dataDir, 'hub');  // the scale test seeds its databases
  return async () => {
    child.kill('SIGTERM');
    await new Promise((done) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        done(null);
      }, 10_000);
      child.on('exit', () => {
        clearTimeout(timer);
        done(null);
      });
    });
    rmSync(dataDir, { recursive: true, force: true });
  };
}

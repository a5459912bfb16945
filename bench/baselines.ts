import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { REPO_ROOT } from '../scripts/db/databases';
import type { BenchStack } from './infra';
import { step } from './progress';
import type { DrainResult, PublishResult, RawRequest, RoundtripResult } from './rawClient';

/**
 * Runs one raw baseline in a child process (bench/rawClient.ts): plain SDK calls against the same
 * emulator, in a process of its own like the service it is compared with.
 */
function runRawClient<T>(stack: BenchStack, request: RawRequest, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join('bench', 'rawClient.ts'), JSON.stringify(request)],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...stack.awsEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    const errors: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    createInterface({ input: child.stderr }).on('line', (line) => {
      errors.push(line);
      step(`  ${label}: ${line}`);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${label} failed (${signal ?? code}):\n${errors.slice(-20).join('\n')}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`${label} printed no result: ${stdout.slice(-500)}`));
      }
    });
  });
}

export const rawDrain = (stack: BenchStack, expected: number, pollers: number) =>
  runRawClient<DrainResult>(
    stack,
    { mode: 'drain', queueUrl: stack.profileQueue.url, expected, pollers },
    `raw drain, ${pollers} pollers`,
  );

export const rawPublish = (stack: BenchStack, count: number, inFlight: number) =>
  runRawClient<PublishResult>(
    stack,
    { mode: 'publish', topicArn: stack.topicArn, count, inFlight },
    `raw PublishBatch, ${inFlight} in flight`,
  );

export const rawRoundtrip = (stack: BenchStack, count: number, intervalMs: number) =>
  runRawClient<RoundtripResult>(
    stack,
    { mode: 'roundtrip', topicArn: stack.topicArn, queueUrl: stack.profileQueue.url, count, warmup: 10, intervalMs },
    'raw publish→receive',
  );

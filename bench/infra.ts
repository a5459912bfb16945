import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { importJWK, SignJWT, type JWK } from 'jose';
import { Pool } from 'pg';
import { ACCESS_TOKEN_AUDIENCE } from '@platform/shared/auth';
import { createAwsClients, type AwsClients } from '@platform/shared/aws';
import type { UserEvent } from '@platform/shared/events';
import { provisionTopology } from '@platform/shared/topology/render';
import { REPO_ROOT } from '../scripts/db/databases';
import { freshDatabases, freshRedisDatabase, productionSecrets, startEmulator } from '../test/e2e/hostInfra';
import { startSmtpSink } from '../test/e2e/mailbox';
import { startProcess, waitForHttp, type ManagedProcess } from '../test/e2e/processes';
import { chunks, publishBatchEntry } from './events';
import { startPrivatePostgres } from './privatePostgres';
import { step } from './progress';

/** This benchmark's own ports and Redis database, apart from the dev setup's and the e2e targets'. */
export const PORTS = { auth: 14101, user: 14102, emulator: 14166, bare: 14103, postgres: 14132 } as const;
const REDIS_INDEX = 10;

export type ServiceName = 'auth-service' | 'user-service';

/** Service variables given in BENCH_SERVICE_ENV (`NAME=value` pairs separated by spaces). */
export function serviceEnvOverrides(text = process.env.BENCH_SERVICE_ENV ?? ''): Record<string, string> {
  const pairs = text.split(/\s+/).filter(Boolean);
  const malformed = pairs.filter((pair) => !/^[A-Z][A-Z0-9_]*=/.test(pair));
  if (malformed.length) throw new Error(`BENCH_SERVICE_ENV takes NAME=value pairs (got ${malformed.join(' ')})`);
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** How the services run in the bench: what the table header states. */
export const SERVICE_MODE =
  'each service as `node --import tsx src/server.ts` (its source, no watch), NODE_ENV=production, LOG_LEVEL unset ' +
  '(info), every tuning variable at its default (no .env read) but the per-user rate limit of the ' +
  'user-service (USER_RATE_LIMIT_PER_USER=100000000/1m: the read rows are a few users at thousands of requests a second)' +
  (Object.keys(serviceEnvOverrides()).length
    ? ` except ${Object.entries(serviceEnvOverrides())
        .map(([name, value]) => `${name}=${value}`)
        .join(', ')} (BENCH_SERVICE_ENV)`
    : '') +
  (process.env.BENCH_NODE_OPTIONS ? `, NODE_OPTIONS=${process.env.BENCH_NODE_OPTIONS}` : '');

export interface QueueUrls {
  url: string;
  deadLetterQueueUrl: string;
}

/**
 * What every measurement runs against, on this machine: fresh migrated databases
 * `bench_<runId>_auth` / `_user`, Redis database 10, an in-process fauxqs emulator on port 14166
 * provisioned with the topology, an SMTP sink for the verification mails, and a signing key.
 */
export interface BenchStack {
  runId: string;
  /** Which Postgres server the databases are on, for the table header. */
  postgres: string;
  /** The server records commit timestamps (`pg_xact_commit_timestamp`): latencies run commit to commit. */
  commitTimestamps: boolean;
  logDir: string;
  aws: AwsClients;
  /** The emulator's endpoint, region and credentials, for the raw clients. */
  awsEnv: Record<string, string>;
  topicArn: string;
  profileQueue: QueueUrls;
  notificationQueue: QueueUrls;
  authDb: Pool;
  userDb: Pool;
  /** Connection strings of the two databases and of the bench's Redis database (for the bare baselines). */
  urls: { authDb: string; userDb: string; redis: string };
  authUrl: string;
  userUrl: string;
  /** An access token as the auth-service issues it (its signing key, issuer and audience), for `userId`. */
  accessTokenFor(userId: string): Promise<string>;
  /** Starts a service as its own process (logs in logDir/<service>.log); see waitReady. */
  spawnService(service: ServiceName): ManagedProcess;
  /** Resolves when the service's /health/ready answers 2xx; rejects if it exits first. */
  waitReady(service: ServiceName, managed: ManagedProcess): Promise<void>;
  /** spawnService, then waitReady. */
  startService(service: ServiceName): Promise<ManagedProcess>;
  /** Empties every queue and DLQ of the topology, so that one measurement never sees another's messages. */
  purgeQueues(): Promise<void>;
  /** Visible plus in-flight messages of a queue. */
  queueDepth(queueUrl: string): Promise<number>;
  /** Publishes events to the topic (PublishBatch) and waits until `queueUrl` holds them all. */
  preload(events: readonly UserEvent[], queueUrl: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchStack(runId: string, logDir: string): Promise<BenchStack> {
  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const stopper of stoppers.splice(0).reverse())
      await stopper().catch((error: unknown) => step(`cleanup: ${error}`));
  };
  try {
    await mkdir(logDir, { recursive: true });
    const given = process.env.BENCH_POSTGRES_URL;
    const privateServer = given ? undefined : await startPrivatePostgres(PORTS.postgres);
    if (privateServer) stoppers.push(() => privateServer.stop());
    const postgres = privateServer
      ? `a Postgres ${privateServer.version} of the bench's own on port ${PORTS.postgres} (initdb defaults, track_commit_timestamp on)`
      : `the server at ${given ? 'BENCH_POSTGRES_URL' : 'E2E_POSTGRES_URL / TEST_POSTGRES_URL (or 127.0.0.1:5432)'}`;
    step(`Postgres: ${postgres}`);
    step(`databases bench_${runId}_auth and bench_${runId}_user (migrated), Redis database ${REDIS_INDEX}`);
    const databases = await freshDatabases(runId, {
      prefix: 'bench',
      ...(given || privateServer ? { serverUrl: given ?? privateServer!.url } : {}),
    });
    stoppers.push(() => databases.drop());
    const redisUrl = await freshRedisDatabase(REDIS_INDEX);
    stoppers.push(() => freshRedisDatabase(REDIS_INDEX));
    step(`fauxqs emulator on port ${PORTS.emulator}, provisioned with the topology`);
    const emulator = await startEmulator('', { port: PORTS.emulator });
    stoppers.push(() => emulator.stop());
    const aws = createAwsClients({ endpoint: emulator.env.AWS_ENDPOINT_URL, region: emulator.env.AWS_REGION });
    stoppers.push(async () => aws.destroy());
    const topology = await provisionTopology({ sns: aws.sns, sqs: aws.sqs, prefix: '' });
    const queueUrls = (name: string): QueueUrls => {
      const queue = topology.queues[name];
      if (!queue) throw new Error(`the topology has no queue ${name}`);
      return { url: queue.url, deadLetterQueueUrl: queue.deadLetterQueue.url };
    };
    const smtp = await startSmtpSink();
    stoppers.push(() => smtp.close());
    const authDb = new Pool({ connectionString: databases.env.AUTH_DATABASE_URL, max: 4 });
    const userDb = new Pool({ connectionString: databases.env.USER_DATABASE_URL, max: 4 });
    const { rows: commitSetting } = await authDb.query<{ on: boolean }>(
      `SELECT current_setting('track_commit_timestamp') = 'on' AS on`,
    );
    stoppers.push(
      () => authDb.end(),
      () => userDb.end(),
    );

    const authUrl = `http://127.0.0.1:${PORTS.auth}`;
    const secrets = await productionSecrets();
    const accessTokenFor = await accessTokenSigner(secrets, authUrl);
    const userUrl = `http://127.0.0.1:${PORTS.user}`;
    // No .env: every variable not set here takes the default the service ships with.
    const emptyEnvFile = path.join(logDir, 'empty.env');
    await writeFile(emptyEnvFile, '');
    const serviceEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ENV_FILE: emptyEnvFile,
      NODE_ENV: 'production',
      ...databases.env,
      REDIS_URL: redisUrl,
      ...emulator.env,
      AUTH_PORT: String(PORTS.auth),
      USER_PORT: String(PORTS.user),
      AUTH_HOST: '127.0.0.1',
      USER_HOST: '127.0.0.1',
      AUTH_ISSUER: authUrl,
      AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
      SMTP_URL: smtp.url,
      // Each registration comes from its own client address (X-Forwarded-For), as many users behind a
      // load balancer do; otherwise the per-IP limit of POST /auth/register (10 per 10 min) stops the run.
      AUTH_TRUST_PROXY: 'true',
      ...secrets,
      // Profiling: BENCH_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- --only consumer
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      // The read rows send thousands of requests a second as a few users: production's per-user budget
      // (300/min) would answer them 429. The limiter still runs (its Redis calls are part of the cost).
      USER_RATE_LIMIT_PER_USER: '100000000/1m',
      // Experiments (the table says so): BENCH_SERVICE_ENV='USER_QUEUE_POLLERS=16 ARGON2_MEMORY_KIB=1024'.
      ...serviceEnvOverrides(),
    };
    const profileQueue = queueUrls('user-profile-events');
    const notificationQueue = queueUrls('user-notifications');
    const allQueues = [profileQueue, notificationQueue].flatMap((queue) => [queue.url, queue.deadLetterQueueUrl]);
    const running = new Set<ManagedProcess>();
    stoppers.push(async () => {
      for (const service of running) await service.stop({ signal: 'SIGKILL', timeoutMs: 5_000 }).catch(() => undefined);
    });

    const spawnService = (service: ServiceName) => {
      const managed = startProcess({
        name: service,
        command: process.execPath,
        args: ['--import', 'tsx', 'src/server.ts'],
        cwd: path.join(REPO_ROOT, 'services', service),
        env: serviceEnv,
        logDir,
      });
      running.add(managed);
      void managed.exited.then(() => running.delete(managed));
      return managed;
    };
    const waitReady = (service: ServiceName, managed: ManagedProcess) =>
      waitForHttp(`${service === 'auth-service' ? authUrl : userUrl}/health/ready`, {
        process: managed,
        timeoutMs: 60_000,
      });

    const queueDepth = async (queueUrl: string) => {
      const { Attributes = {} } = await aws.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    };

    return {
      runId,
      postgres,
      commitTimestamps: commitSetting[0]!.on,
      logDir,
      aws,
      awsEnv: emulator.env,
      topicArn: topology.topicArn,
      profileQueue,
      notificationQueue,
      authDb,
      userDb,
      urls: { authDb: databases.env.AUTH_DATABASE_URL!, userDb: databases.env.USER_DATABASE_URL!, redis: redisUrl },
      authUrl,
      userUrl,
      accessTokenFor,
      spawnService,
      waitReady,
      async startService(service) {
        const managed = spawnService(service);
        await waitReady(service, managed);
        return managed;
      },
      async purgeQueues() {
        for (const queueUrl of allQueues) await aws.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
        for (const queueUrl of allQueues) {
          const depth = await queueDepth(queueUrl);
          if (depth) throw new Error(`${queueUrl} still holds ${depth} messages after PurgeQueue`);
        }
      },
      queueDepth,
      async preload(events, queueUrl) {
        const before = await queueDepth(queueUrl);
        const batches = chunks(events, 10);
        let next = 0;
        const loop = async () => {
          for (let batch = batches[next++]; batch; batch = batches[next++]) {
            const { Failed = [] } = await aws.sns.send(
              new PublishBatchCommand({
                TopicArn: topology.topicArn,
                PublishBatchRequestEntries: batch.map((event, index) =>
                  publishBatchEntry(topology.topicArn, event, String(index)),
                ),
              }),
            );
            if (Failed.length) throw new Error(`preload: PublishBatch failed for ${Failed.length} entries`);
          }
        };
        await Promise.all(Array.from({ length: 4 }, loop));
        const deadline = Date.now() + 30_000;
        while ((await queueDepth(queueUrl)) < before + events.length) {
          if (Date.now() > deadline)
            throw new Error(`preload: ${queueUrl} did not reach ${before + events.length} messages`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Signs access tokens with the key the bench gave the auth-service (AUTH_SIGNING_KEYS), with the
 * claims it issues (iss, aud, sub, roles, sid, jti, 15 min), so that the read rows need no login each.
 */
async function accessTokenSigner(secrets: Record<string, string>, issuer: string) {
  const [jwk] = JSON.parse(secrets.AUTH_SIGNING_KEYS!) as Array<JWK & { kid: string }>;
  const privateKey = await importJWK(jwk!, 'EdDSA');
  return (userId: string) =>
    new SignJWT({ roles: ['user'], sid: randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk!.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('15m')
      .setJti(randomUUID())
      .sign(privateKey);
}

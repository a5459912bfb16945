import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { REPO_ROOT } from '../../../scripts/db/databases';
import type { ServiceGet } from '../apiReference';
import { E2E_ADMIN, startProductionHostStack } from '../hostInfra';
import { startFunctionRuntime, type FunctionRuntime } from '../lambda/lambdaInvoker';
import { readPackagedService, unzipFunction } from '../lambda/packagedFunctions';
import { RETRY_VISIBILITY_TIMEOUT_SECONDS, startSqsEventSource } from '../lambda/sqsEventSource';
import { runToCompletion, startProcess, waitForHttp, type ManagedProcess } from '../processes';
import type { Target } from '../target';

const STAGE = 'e2e';
// serverless-offline: one HTTP API for both services, and its Lambda invoke API (unused, but bound).
const HTTP_PORT = 13301;
const LAMBDA_PORT = 13302;
const WEBSOCKET_PORT = 13303;
const ALB_PORT = 13304;
/** EventBridge runs the relay every minute; the suite runs it this often so events flow within seconds. */
const SCHEDULE_EVERY_MS = 500;

/**
 * The zips of `serverless package --stage e2e` (NODE_ENV=production, as deployed), run the way Lambda
 * runs them:
 * - HTTP functions (authHttp, userHttp) through `serverless offline start`, which unzips each
 *   function's artifact and runs its handler (infra/serverless-offline-artifacts.cjs), behind one
 *   API Gateway-style HTTP API, so authUrl and userUrl are the same.
 * - SQS functions invoked with SQS events built from the messages received from the emulator, as
 *   the event source mappings in the template say (queue, batch size, ReportBatchItemFailures); the
 *   partial batch response decides which records are deleted, and an invalid one is reported.
 * - The scheduled relay invoked with a scheduled event and a context whose deadline is its timeout.
 * - GETs of what API Gateway does not route (the API references at /docs) as invocations of the
 *   HTTP functions with the event API Gateway would send, so the zips are shown to serve them.
 * Each function's environment is the one in the packaged CloudFormation template; the runtime adds
 * only what Lambda adds (region, credentials) and the emulator's endpoint. Code is unzipped outside
 * the repository so that nothing missing from a zip is found in the repository's node_modules.
 */
export const target: Target = {
  name: 'lambda',
  description:
    'the zips of `serverless package`, HTTP through serverless-offline, SQS and schedule invoked as Lambda does',
  async start({ runId, log, logDir }) {
    const workDir = await mkdtemp(path.join(os.tmpdir(), `e2e-${runId}-`));
    const packageDir = path.join(workDir, 'package');
    const url = `http://127.0.0.1:${HTTP_PORT}`;
    const stack = await startProductionHostStack({ runId, redisIndex: 13, topologyPrefix: `${STAGE}-`, authUrl: url });
    // What CI would export before `serverless package` (the ${env:...} of the function settings);
    // the stage sets NODE_ENV and TOPOLOGY_PREFIX, the runtime the region and the endpoint.
    const deployEnv: Record<string, string> = {
      ...Object.fromEntries(
        Object.entries(stack.env).filter(([name]) => name !== 'NODE_ENV' && !(name in stack.queueEnv)),
      ),
      MAIL_FROM: 'User Platform <no-reply@example.com>',
    };
    const slsArgs = ['--stage', STAGE, '--param', 'nodeEnv=production'];
    const slsEnv = { ...process.env, ...deployEnv, SLS_TELEMETRY_DISABLED: '1' };

    const problems: string[] = [];
    const onProblem = (problem: string) => {
      problems.push(problem);
      log(`PROBLEM ${problem}`);
    };
    let offline: ManagedProcess | undefined;
    let unroutedGet: ServiceGet | undefined;
    const runtimes: FunctionRuntime[] = [];
    const stoppers: Array<() => Promise<void>> = [];
    const sqs = new SQSClient({ region: stack.queueEnv.AWS_REGION, endpoint: stack.queueEnv.AWS_ENDPOINT_URL });
    const stopAll = async () => {
      for (const stop of stoppers.splice(0).reverse()) await stop();
      await Promise.all(runtimes.map((runtime) => runtime.stop()));
      const offlineExit = await offline?.stop({ signal: 'SIGTERM', timeoutMs: 20_000 });
      sqs.destroy();
      await stack.stop();
      await rm(workDir, { recursive: true, force: true });
      return offlineExit;
    };

    try {
      const packageStarted = Date.now();
      log(`npm run package:serverless -- ${slsArgs.join(' ')} --package ${packageDir}`);
      await runToCompletion({
        name: 'serverless-package',
        command: 'npm',
        args: ['run', 'package:serverless', '--', ...slsArgs, '--package', packageDir],
        cwd: REPO_ROOT,
        env: slsEnv,
        logDir,
      });
      const service = await readPackagedService(packageDir);
      log(
        `packaged ${Object.keys(service.functions).join(', ')} in ${((Date.now() - packageStarted) / 1000).toFixed(0)} s`,
      );

      log(`serverless offline start on ${url}, serving the zips`);
      offline = startProcess({
        name: 'serverless-offline',
        command: path.join(REPO_ROOT, 'node_modules/.bin/serverless'),
        args: [
          'offline',
          'start',
          ...slsArgs,
          '--param',
          `offlineArtifacts=${packageDir}`,
          '--param',
          `offlineCodeDir=${path.join(workDir, 'offline')}`,
          '--host',
          '127.0.0.1',
          '--httpPort',
          String(HTTP_PORT),
          '--lambdaPort',
          String(LAMBDA_PORT),
          '--websocketPort',
          String(WEBSOCKET_PORT),
          '--albPort',
          String(ALB_PORT),
        ],
        cwd: REPO_ROOT,
        // serverless-offline passes the AWS_* variables on to the handlers: the emulator's endpoint.
        env: { ...slsEnv, ...stack.queueEnv },
        logDir,
      });
      await waitForHttp(`${url}/.well-known/jwks.json`, { process: offline, timeoutMs: 120_000 });

      // What the Lambda service gives every function (region, credentials), and the emulator.
      const runtimeEnv = { ...stack.queueEnv, AWS_DEFAULT_REGION: stack.queueEnv.AWS_REGION! };
      const runtimeFor = async (key: string) => {
        const fn = service.functions[key];
        if (!fn) throw new Error(`no packaged function ${key}`);
        const codeDir = await unzipFunction(fn, path.join(workDir, 'code', key));
        const runtime = startFunctionRuntime({ fn, codeDir, runtimeEnv, logDir });
        runtimes.push(runtime);
        return runtime;
      };
      const httpRuntimes = new Map<string, Promise<FunctionRuntime>>();
      unroutedGet = async (name, requestPath) => {
        const key = name === 'auth-service' ? 'authHttp' : 'userHttp';
        if (!httpRuntimes.has(key)) httpRuntimes.set(key, runtimeFor(key));
        const invocation = await (await httpRuntimes.get(key)!).invoke(httpApiEvent('GET', requestPath));
        if (invocation.error)
          throw new Error(`${key}: ${invocation.error.errorType}: ${invocation.error.errorMessage}`);
        const result = invocation.result as {
          statusCode: number;
          headers?: Record<string, string>;
          body?: string;
          isBase64Encoded?: boolean;
        };
        return {
          status: result.statusCode,
          headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
          body: Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8').toString('utf8'),
        };
      };
      for (const source of service.sqsEventSources) {
        const runtime = await runtimeFor(source.functionKey);
        const eventSource = startSqsEventSource({
          sqs,
          source,
          runtime,
          region: stack.queueEnv.AWS_REGION!,
          onProblem,
        });
        stoppers.push(eventSource.stop);
        log(
          `${source.functionKey} <- ${source.queueName} (batch ${source.batchSize}, ` +
            `partial batch responses ${source.reportBatchItemFailures ? 'on' : 'off'}, ` +
            `failed records back after ${RETRY_VISIBILITY_TIMEOUT_SECONDS} s)`,
        );
      }
      for (const schedule of service.schedules) {
        const runtime = await runtimeFor(schedule.functionKey);
        let running = true;
        const loop = (async () => {
          while (running) {
            const invocation = await runtime.invoke({
              version: '0',
              id: randomUUID(),
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              account: '000000000000',
              time: new Date().toISOString(),
              region: stack.queueEnv.AWS_REGION,
              resources: [`arn:aws:events:${stack.queueEnv.AWS_REGION}:000000000000:rule/${schedule.functionKey}`],
              detail: {},
            });
            if (invocation.error)
              onProblem(`${schedule.functionKey}: ${invocation.error.errorType}: ${invocation.error.errorMessage}`);
            await new Promise((resolve) => setTimeout(resolve, SCHEDULE_EVERY_MS));
          }
        })();
        stoppers.push(async () => {
          running = false;
          await loop;
        });
        log(`${schedule.functionKey} invoked every ${SCHEDULE_EVERY_MS} ms (deployed: ${schedule.expression})`);
      }
    } catch (error) {
      await stopAll().catch(() => undefined);
      throw error;
    }

    return {
      authUrl: url,
      userUrl: url,
      admin: E2E_ADMIN,
      mailbox: stack.mailbox,
      queueEnv: stack.queueEnv,
      unroutedGet,
      async stop() {
        const offlineExit = await stopAll();
        if (offlineExit !== 0) throw new Error(`serverless offline: not a clean exit on SIGTERM (${offlineExit})`);
        if (problems.length) throw new Error(`Lambda contract problems:\n${problems.join('\n')}`);
      },
    };
  },
};

/** The event API Gateway's HTTP API (payload 2.0) sends for a request without a body. */
function httpApiEvent(method: string, requestPath: string) {
  const [rawPath = '/', rawQueryString = ''] = requestPath.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'localhost', accept: '*/*', 'user-agent': 'e2e' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'e2e',
      domainName: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'e2e' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}

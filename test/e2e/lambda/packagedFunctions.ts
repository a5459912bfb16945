import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** A function as `serverless package` left it: its zip, and its settings from the CloudFormation template. */
export interface PackagedFunction {
  /** The key in serverless.yml, e.g. userProfileEvents; also the zip's name. */
  key: string;
  functionName: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  zip: string;
}

export interface SqsEventSource {
  functionKey: string;
  queueName: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
}

export interface PackagedService {
  functions: Record<string, PackagedFunction>;
  sqsEventSources: SqsEventSource[];
  /** Functions invoked by an EventBridge schedule, with its expression. */
  schedules: Array<{ functionKey: string; expression: string }>;
}

type Resource = { Type: string; Properties: Record<string, unknown> };
type GetAtt = { 'Fn::GetAtt': [string, string] };

/**
 * Reads what `serverless package` wrote into `packageDir`: each function's handler, timeout, memory
 * and environment variables exactly as they would be deployed, and which queue or schedule invokes
 * which function with which batch settings. The suite runs the packaged code with these, not with
 * values restated here.
 */
export async function readPackagedService(packageDir: string): Promise<PackagedService> {
  const template = JSON.parse(
    await readFile(path.join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, Resource> };
  const resources = template.Resources;
  const keyOfLogicalId = new Map<string, string>();
  const functions: Record<string, PackagedFunction> = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const p = resource.Properties as {
      Code: { S3Key: string };
      Handler: string;
      Runtime: string;
      FunctionName: string;
      Timeout?: number;
      MemorySize?: number;
      Environment?: { Variables?: Record<string, unknown> };
    };
    const zipName = path.basename(p.Code.S3Key);
    const key = zipName.replace(/\.zip$/, '');
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(p.Environment?.Variables ?? {})) {
      if (typeof value !== 'string')
        throw new Error(`${key}: ${name} is ${JSON.stringify(value)}, a CloudFormation value the suite cannot resolve`);
      environment[name] = value;
    }
    functions[key] = {
      key,
      functionName: p.FunctionName,
      handler: p.Handler,
      runtime: p.Runtime,
      timeoutSeconds: p.Timeout ?? 6,
      memorySize: p.MemorySize ?? 1024,
      environment,
      zip: path.join(packageDir, zipName),
    };
    keyOfLogicalId.set(logicalId, key);
  }
  const functionOf = (ref: GetAtt) => {
    const key = keyOfLogicalId.get(ref['Fn::GetAtt'][0]);
    if (!key) throw new Error(`no function ${JSON.stringify(ref)} in the template`);
    return key;
  };
  const sqsEventSources: SqsEventSource[] = [];
  const schedules: PackagedService['schedules'] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
      const p = resource.Properties as {
        EventSourceArn: GetAtt;
        FunctionName: GetAtt;
        BatchSize?: number;
        FunctionResponseTypes?: string[];
      };
      const queue = resources[p.EventSourceArn['Fn::GetAtt'][0]];
      const queueName = (queue?.Properties as { QueueName?: string } | undefined)?.QueueName;
      if (queue?.Type !== 'AWS::SQS::Queue' || !queueName)
        throw new Error(`event source ${JSON.stringify(p.EventSourceArn)} is not a named SQS queue`);
      sqsEventSources.push({
        functionKey: functionOf(p.FunctionName),
        queueName,
        batchSize: p.BatchSize ?? 10,
        reportBatchItemFailures: p.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
      });
    }
    if (resource.Type === 'AWS::Events::Rule') {
      const p = resource.Properties as { ScheduleExpression?: string; Targets: Array<{ Arn: GetAtt }> };
      if (!p.ScheduleExpression) continue;
      for (const target of p.Targets)
        schedules.push({ functionKey: functionOf(target.Arn), expression: p.ScheduleExpression });
    }
  }
  return { functions, sqsEventSources, schedules };
}

/** Unzips a function's zip into `dir` the way Lambda lays out /var/task. */
export async function unzipFunction(fn: PackagedFunction, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  try {
    await promisify(execFile)('unzip', ['-q', '-o', fn.zip, '-d', dir]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`unzip ${fn.zip} failed (is \`unzip\` installed? apt-get install unzip): ${message}`);
  }
  return dir;
}

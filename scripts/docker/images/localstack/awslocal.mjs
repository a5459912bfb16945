#!/usr/bin/env node
/* global process, console */
// `awslocal` of the LocalStack STAND-IN (scripts/docker/images/localstack): not the AWS CLI, a small
// Node script on the AWS SDK v3 that accepts the AWS CLI's syntax for the SNS and SQS operations
// (`awslocal sqs create-queue --queue-name q --attributes '{"VisibilityTimeout":"30"}' --query
// QueueUrl --output text`): parameters as --kebab-case, structures and maps as JSON (no shorthand
// syntax), lists as separate words, booleans as flags; --query (JMESPath), --output json|text,
// --endpoint-url (default $AWS_ENDPOINT_URL or http://localhost:4566), --region. Errors print like
// the CLI's ("An error occurred (Code) when calling the Op operation: ...") and exit 254.
import jmespath from 'jmespath';

const clients = {
  sqs: () => import('@aws-sdk/client-sqs').then((m) => ({ module: m, Client: m.SQSClient })),
  sns: () => import('@aws-sdk/client-sns').then((m) => ({ module: m, Client: m.SNSClient })),
};
// Parameters that are lists even when one word is given.
const listParams = new Set([
  'AttributeNames',
  'MessageAttributeNames',
  'MessageSystemAttributeNames',
  'AWSAccountIds',
  'Actions',
  'TagKeys',
  'Entries',
  'Tags',
]);
// Where the CLI's parameter name differs from the API's.
const renamed = { sns: { NotificationEndpoint: 'Endpoint' } };
const ignored = new Set(['--no-cli-pager', '--no-paginate', '--debug', '--no-verify-ssl', '--no-sign-request']);
const ignoredWithValue = new Set(['--profile', '--cli-read-timeout', '--cli-connect-timeout', '--color']);

const pascal = (kebab) =>
  kebab
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

function fail(message, code = 252) {
  console.error(message);
  process.exit(code);
}

// Words are strings, as the CLI's are for string parameters (a JSON policy given as an attribute
// value stays a string); JSON only for the structure, map and list parameters below, integers only for
// the integer ones (the CLI knows the types from the service model; this script knows these).
const jsonParams = new Set(['Attributes', 'Tags', 'MessageAttributes', 'MessageSystemAttributes', 'Entries']);
const integerParams = new Set([
  'MaxNumberOfMessages',
  'WaitTimeSeconds',
  'VisibilityTimeout',
  'DelaySeconds',
  'MaxResults',
]);
function parseValue(name, words) {
  return words.map((w) => {
    const t = w.trim();
    if ((jsonParams.has(name) || listParams.has(name)) && (t.startsWith('{') || t.startsWith('['))) {
      try {
        return JSON.parse(t);
      } catch (error) {
        fail(`Error parsing parameter: invalid JSON: ${error.message}\nJSON received: ${w}`);
      }
    }
    if (integerParams.has(name) && /^-?\d+$/.test(t)) return Number(t);
    return w;
  });
}

function parseArgs(argv) {
  const global = { output: process.env.AWS_DEFAULT_OUTPUT || 'json' };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (ignored.has(a)) continue;
    if (ignoredWithValue.has(a)) {
      i++;
      continue;
    }
    const [flag, inline] = a.split(/=(.*)/s, 2);
    if (['--endpoint-url', '--region', '--output', '--query'].includes(flag)) {
      global[flag.slice(2)] = inline ?? argv[++i];
      continue;
    }
    rest.push(a);
  }
  const [service, operation, ...params] = rest;
  if (!service || !operation) fail('usage: awslocal <sns|sqs> <operation> [--parameter value ...]');
  const input = {};
  for (let i = 0; i < params.length; i++) {
    const a = params[i];
    if (!a.startsWith('--')) fail(`Unknown options: ${a}`);
    const [flag, inline] = a.split(/=(.*)/s, 2);
    const words = [];
    if (inline !== undefined) words.push(inline);
    else while (i + 1 < params.length && !params[i + 1].startsWith('--')) words.push(params[++i]);
    if (flag.startsWith('--no-') && words.length === 0) {
      input[pascal(flag.slice(5))] = false;
      continue;
    }
    const name = renamed[service]?.[pascal(flag.slice(2))] ?? pascal(flag.slice(2));
    if (words.length === 0) input[name] = true;
    else {
      const values = name === 'MessageBody' || name === 'Message' ? words : parseValue(name, words);
      input[name] = listParams.has(name) || values.length > 1 ? values.flat() : values[0];
    }
  }
  // Maps of strings (Attributes, Tags...): the CLI sends every value as a string.
  for (const key of ['Attributes', 'Tags']) {
    const v = input[key];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      input[key] = Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]),
      );
    }
  }
  return { global, service, operation, input };
}

function textOf(value) {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value))
    return value.map((v) => (v !== null && typeof v === 'object' ? textOf(v) : textOf(v))).join('\t');
  if (typeof value === 'object') return Object.values(value).map(textOf).join('\t');
  return String(value);
}

async function main() {
  const { global, service, operation, input } = parseArgs(process.argv.slice(2));
  const load = clients[service];
  if (!load) fail(`awslocal (LocalStack stand-in): only sns and sqs are implemented, not '${service}'`);
  const { module, Client } = await load();
  const opName = pascal(operation);
  const Command = module[`${opName}Command`];
  if (!Command) fail(`awslocal (LocalStack stand-in): ${service} has no operation '${operation}'`);
  const client = new Client({
    endpoint: global['endpoint-url'] || process.env.AWS_ENDPOINT_URL || 'http://localhost:4566',
    region: global.region || process.env.AWS_DEFAULT_REGION || process.env.AWS_REGION || 'us-east-1',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'test',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'test',
    },
  });
  let result;
  try {
    result = await client.send(new Command(input));
  } catch (error) {
    const code = error.Code || error.name || 'Error';
    console.error(`\nAn error occurred (${code}) when calling the ${opName} operation: ${error.message}`);
    process.exit(254);
  }
  delete result.$metadata;
  if (global.query) result = jmespath.search(result, global.query);
  if (global.output === 'text') {
    if (!(result && typeof result === 'object' && Object.keys(result).length === 0)) console.log(textOf(result));
  } else if (result !== undefined && !(typeof result === 'object' && result && Object.keys(result).length === 0)) {
    console.log(JSON.stringify(result ?? null, null, 4));
  }
}

main().catch((error) => {
  console.error(error?.message ?? error);
  process.exit(255);
});

import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, withoutSdkLogger } from '../src/aws';

const config = awsClientConfig({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }).clientConfig;
const names = (client: SQSClient) => client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('withoutSdkLogger', () => {
  it("takes the SDK's logger middleware off a client and leaves the rest of its stack", () => {
    const plain = new SQSClient(config);
    const lean = withoutSdkLogger(new SQSClient(config));
    expect(names(plain)).toContain('loggerMiddleware');
    expect(names(lean)).not.toContain('loggerMiddleware');
    expect(names(lean)).toEqual(names(plain).filter((name) => name !== 'loggerMiddleware'));
    plain.destroy();
    lean.destroy();
  });
});

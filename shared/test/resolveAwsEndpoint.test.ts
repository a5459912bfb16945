import { commonEnv, parseConfig } from '../src/config';
import { resolveAwsEndpoint } from '../src/aws';

describe('resolveAwsEndpoint', () => {
  it('takes AWS_ENDPOINT_URL first, LOCALSTACK_ENDPOINT as its alias, and nothing on AWS', () => {
    const both = { AWS_ENDPOINT_URL: 'http://a:4566', LOCALSTACK_ENDPOINT: 'http://b:4566' };
    expect(resolveAwsEndpoint(both)).toBe('http://a:4566');
    expect(resolveAwsEndpoint({ LOCALSTACK_ENDPOINT: 'http://b:4566' })).toBe('http://b:4566');
    expect(resolveAwsEndpoint({ AWS_ENDPOINT_URL: '', LOCALSTACK_ENDPOINT: 'http://b:4566' })).toBe('http://b:4566');
    expect(resolveAwsEndpoint({})).toBeUndefined();
  });
  it('reads a parsed config the same way as the environment', () => {
    const config = parseConfig(commonEnv, { LOCALSTACK_ENDPOINT: 'http://localhost:4566' });
    expect(resolveAwsEndpoint(config)).toBe('http://localhost:4566');
  });
});

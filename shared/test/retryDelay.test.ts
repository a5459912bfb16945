import { retryDelaySeconds } from '../src';

describe('retryDelaySeconds', () => {
  it('doubles with each receive and stops at the cap', () => {
    expect([1, 2, 3, 4, 10].map((count) => retryDelaySeconds(count, 5, 60))).toEqual([5, 10, 20, 40, 60]);
  });
  it('retries at once when the base is zero', () => {
    expect(retryDelaySeconds(4, 0, 60)).toBe(0);
  });
});

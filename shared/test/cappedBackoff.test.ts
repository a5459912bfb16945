import { cappedBackoff } from '../src/retry';

describe('cappedBackoff', () => {
  it('doubles with each attempt and stops at the cap', () => {
    expect([1, 2, 3, 4, 10].map((attempt) => cappedBackoff(attempt, 5, 60))).toEqual([5, 10, 20, 40, 60]);
  });
  it('retries at once when the base is zero', () => {
    expect(cappedBackoff(4, 0, 60)).toBe(0);
  });
  it('treats attempt 0 like the first', () => {
    expect(cappedBackoff(0, 1000, 300_000)).toBe(1000);
  });
});

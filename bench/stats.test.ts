import { percentile, perSecond, ratio, summarize } from './stats';
import { table } from './table';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(() => percentile([], 50)).toThrow('no values');
    expect(() => percentile([1], 0)).toThrow('not in');
  });

  it('summarizes unsorted latencies', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, min: 10, max: 40, mean: 25 });
  });

  it('computes rates and ratios', () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(() => perSecond(1, 0)).toThrow();
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(1, 0)).toBeUndefined();
    expect(ratio(1, undefined)).toBeUndefined();
  });

  it('renders a padded Markdown table', () => {
    expect(
      table(
        ['a', 'bb'],
        [
          ['1', '22222'],
          ['333', ''],
        ],
      ),
    ).toBe(['| a   | bb    |', '| --- | ----- |', '| 1   | 22222 |', '| 333 |       |'].join('\n'));
  });
});

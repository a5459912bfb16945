/** Pure arithmetic of the benchmark: percentiles, rates, ratios. */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/**
 * The nearest-rank percentile (the smallest value with at least p% of the values at or below it)
 * of values sorted ascending; p in (0, 100].
 * @example percentile([1, 2, 3, 4], 50) === 2
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new Error('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not in (0, 100]`);
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1]!;
}

/** Count, p50/p95/p99, min, max and mean of a set of latencies (any unit). */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/** Items per second: `count` done in `elapsedMs`. */
export function perSecond(count: number, elapsedMs: number): number {
  if (elapsedMs <= 0) throw new Error(`cannot compute a rate over ${elapsedMs} ms`);
  return (count * 1000) / elapsedMs;
}

/** measured / baseline, or undefined when there is no baseline to compare with. */
export function ratio(measured: number, baseline: number | undefined): number | undefined {
  return baseline && baseline > 0 ? measured / baseline : undefined;
}

/**
 * Exponential backoff with a cap: `base` for the first attempt, doubling with each further one,
 * never more than `cap`. Any unit; attempts count from 1.
 * @example cappedBackoff(3, 5, 300) // 20
 */
export function cappedBackoff(attempt: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

import { groupCommit } from './groupCommit';

/** A run that waits until released, so a test decides when runs finish. */
function controlledRun() {
  const runs: Array<{ items: number[]; finish: () => void; fail: (error: Error) => void }> = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      runs.push({ items, finish: () => resolve(items.map((item) => `done ${item}`)), fail: reject });
    });
  return { runs, run };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('groupCommit', () => {
  it('runs calls that arrive while runs are in flight together, and gives each caller its own results in order', async () => {
    const { runs, run } = controlledRun();
    const apply = groupCommit(run, { maxItems: 100, concurrency: 1 });
    const first = apply([1, 2]);
    const second = apply([3]);
    const third = apply([4, 5, 6]);
    await settle();
    expect(runs.map((r) => r.items)).toEqual([[1, 2]]);
    runs[0]!.finish();
    expect(await first).toEqual(['done 1', 'done 2']);
    await settle();
    expect(runs.map((r) => r.items)).toEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
    runs[1]!.finish();
    expect(await second).toEqual(['done 3']);
    expect(await third).toEqual(['done 4', 'done 5', 'done 6']);
  });

  it('keeps a run within maxItems and runs at most `concurrency` at once', async () => {
    const { runs, run } = controlledRun();
    const apply = groupCommit(run, { maxItems: 3, concurrency: 2 });
    const calls = [apply([1, 2]), apply([3, 4]), apply([5]), apply([6])];
    await settle();
    expect(runs.map((r) => r.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    runs[0]!.finish();
    await settle();
    expect(runs.map((r) => r.items)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    runs[1]!.finish();
    runs[2]!.finish();
    expect(await Promise.all(calls)).toEqual([['done 1', 'done 2'], ['done 3', 'done 4'], ['done 5'], ['done 6']]);
  });

  it('fails every call of a failed run, and goes on with the next', async () => {
    const { runs, run } = controlledRun();
    const apply = groupCommit(run, { maxItems: 100, concurrency: 1 });
    const blocker = apply([0]);
    const a = apply([1]);
    const b = apply([2]);
    await settle();
    runs[0]!.finish();
    await blocker;
    await settle();
    runs[1]!.fail(new Error('database down'));
    await expect(a).rejects.toThrow('database down');
    await expect(b).rejects.toThrow('database down');
    const c = apply([3]);
    await settle();
    runs[2]!.finish();
    expect(await c).toEqual(['done 3']);
  });
});

/**
 * Group commit: calls made while `concurrency` runs are in flight wait and are then run together,
 * up to `maxItems` items a run; each caller gets back the results of its own items, in order. The
 * queue workers' pollers each receive at most 10 messages (SQS's limit); grouping their receives
 * puts tens of events in one transaction, so the per-transaction cost (round trips, commit) is
 * shared. A failed run fails every call in it (their messages are retried).
 */
export function groupCommit<Item, Result>(
  run: (items: Item[]) => Promise<Result[]>,
  { maxItems, concurrency }: { maxItems: number; concurrency: number },
) {
  interface Waiting {
    items: Item[];
    resolve: (results: Result[]) => void;
    reject: (error: unknown) => void;
  }
  const waiting: Waiting[] = [];
  let running = 0;

  const pump = () => {
    while (running < concurrency && waiting.length > 0) {
      const taken: Waiting[] = [];
      let count = 0;
      while (waiting.length > 0 && (taken.length === 0 || count + waiting[0]!.items.length <= maxItems)) {
        const next = waiting.shift()!;
        taken.push(next);
        count += next.items.length;
      }
      running++;
      run(taken.flatMap((call) => call.items))
        .then(
          (results) => {
            let offset = 0;
            for (const call of taken) {
              call.resolve(results.slice(offset, offset + call.items.length));
              offset += call.items.length;
            }
          },
          (error: unknown) => taken.forEach((call) => call.reject(error)),
        )
        .finally(() => {
          running--;
          pump();
        });
    }
  };

  return (items: Item[]): Promise<Result[]> =>
    new Promise((resolve, reject) => {
      waiting.push({ items, resolve, reject });
      pump();
    });
}

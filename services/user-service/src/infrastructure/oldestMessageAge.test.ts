import { createOldestMessageAge } from './oldestMessageAge';

const start = 1_000_000;

describe('oldest message age', () => {
  it('is 0 while the queue is empty', () => {
    const age = createOldestMessageAge(start);
    expect(age.sample(start + 5_000, 0)).toBe(0);
  });

  it('without receives (a DLQ), counts from the last sample that saw the queue empty', () => {
    const age = createOldestMessageAge(start);
    age.sample(start + 10_000, 0);
    expect(age.sample(start + 25_000, 1)).toBe(15);
    expect(age.sample(start + 85_000, 3)).toBe(75);
    // `npm run dlq` peeked: the message is in flight, still counted by the caller, so the age goes on.
    expect(age.sample(start + 100_000, 1)).toBe(90);
    expect(age.sample(start + 110_000, 0)).toBe(0);
  });

  it('counts from when it began watching a queue it never saw empty', () => {
    const age = createOldestMessageAge(start);
    expect(age.sample(start + 30_000, 2)).toBe(30);
  });

  it("with a consumer, is the age of the latest receive's oldest message", () => {
    const age = createOldestMessageAge(start);
    age.sample(start, 0);
    age.received(start + 1_000, start + 900);
    age.received(start + 1_000, start + 400); // same receive, an older message
    expect(age.sample(start + 2_000, 1)).toBe(1.6);
    // A later receive of fresh messages replaces it.
    age.received(start + 3_000, start + 2_990);
    expect(age.sample(start + 3_010, 5)).toBeCloseTo(0.02);
  });

  it('a retried message shows its age from its first send; a stalled consumer lets it grow', () => {
    const age = createOldestMessageAge(start);
    age.sample(start, 0);
    age.received(start + 60_000, start + 1_000); // its fifth receive, sent a minute ago
    expect(age.sample(start + 61_000, 1)).toBe(60);
    expect(age.sample(start + 301_000, 1)).toBe(300);
  });

  it('ignores a receive from before the queue was last seen empty', () => {
    const age = createOldestMessageAge(start);
    age.received(start + 1_000, start + 500);
    age.sample(start + 2_000, 0);
    expect(age.sample(start + 12_000, 1)).toBe(10);
  });
});

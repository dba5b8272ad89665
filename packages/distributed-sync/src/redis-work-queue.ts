import type { Redis } from 'ioredis';

/** A slice of the input: trails `from` (included) to `to` (excluded), in the input's own order. */
export interface WorkRange {
  from: number;
  to: number;
}

/**
 * The cursor of a sync shared by several workers: the input cut into ranges kept in Redis lists.
 * A worker claims a range by moving it atomically (LMOVE) from `pending` to its own `processing`
 * list, so two workers never get the same range; it acknowledges it when pushed. A worker that died
 * leaves its range in its `processing` list, and `requeue` puts it back for another worker — the
 * adapters' idempotent push then writes only what is missing.
 */
export interface RedisWorkQueue {
  /**
   * Cuts `[0, total)` into ranges of `rangeSize` and queues them, once: a second call (another worker
   * starting) finds the queue created and leaves it. Returns whether this call created it.
   */
  fill(total: number, rangeSize: number): Promise<boolean>;
  /** The next range for `workerId`, or null when every range is claimed. */
  claim(workerId: string): Promise<WorkRange | null>;
  /** Marks a claimed range done. */
  complete(workerId: string, range: WorkRange): Promise<void>;
  /** Puts back the ranges a worker held without finishing (it crashed or was stopped). Returns them. */
  requeue(workerId: string): Promise<WorkRange[]>;
  /** Ranges waiting, held by workers, and done. */
  counts(): Promise<{ pending: number; processing: number; done: number }>;
  /** Deletes every key of this queue. */
  clear(): Promise<void>;
}

export interface RedisWorkQueueSettings {
  /** An ioredis client; the queue never closes it. */
  redis: Redis;
  /** Names the sync: keys are `<name>:pending`, `<name>:processing:<worker>`, `<name>:done`, `<name>:filled`. */
  name: string;
}

const encode = (range: WorkRange) => `${range.from}:${range.to}`;

function decode(value: string): WorkRange {
  const [from, to] = value.split(':').map(Number);
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error(`not a work range: ${value}`);
  return { from: from!, to: to! };
}

export function createRedisWorkQueue(settings: RedisWorkQueueSettings): RedisWorkQueue {
  const { redis, name } = settings;
  const keys = {
    pending: `${name}:pending`,
    processing: (workerId: string) => `${name}:processing:${workerId}`,
    workers: `${name}:workers`,
    done: `${name}:done`,
    filled: `${name}:filled`,
  };
  return {
    async fill(total, rangeSize) {
      if (!Number.isInteger(total) || total < 0 || !Number.isInteger(rangeSize) || rangeSize < 1) throw new RangeError('total and rangeSize must be integers, rangeSize at least 1');
      // SET NX makes the fill happen once, whichever worker starts first.
      const created = (await redis.set(keys.filled, String(total), 'NX')) === 'OK';
      if (!created) return false;
      const ranges: string[] = [];
      for (let from = 0; from < total; from += rangeSize) ranges.push(encode({ from, to: Math.min(total, from + rangeSize) }));
      if (ranges.length > 0) await redis.rpush(keys.pending, ...ranges);
      return true;
    },
    async claim(workerId) {
      await redis.sadd(keys.workers, workerId);
      const value = await redis.lmove(keys.pending, keys.processing(workerId), 'LEFT', 'RIGHT');
      return value === null ? null : decode(value);
    },
    async complete(workerId, range) {
      await redis.multi().lrem(keys.processing(workerId), 1, encode(range)).incr(keys.done).exec();
    },
    async requeue(workerId) {
      const moved: WorkRange[] = [];
      for (;;) {
        // Back to the head of the queue: the oldest work goes out first again.
        const value = await redis.lmove(keys.processing(workerId), keys.pending, 'RIGHT', 'LEFT');
        if (value === null) return moved;
        moved.push(decode(value));
      }
    },
    async counts() {
      const workers = await redis.smembers(keys.workers);
      const [pending, done, ...processing] = await Promise.all([
        redis.llen(keys.pending),
        redis.get(keys.done),
        ...workers.map((workerId) => redis.llen(keys.processing(workerId))),
      ]);
      return { pending: Number(pending), processing: processing.reduce<number>((sum, count) => sum + Number(count), 0), done: Number(done ?? 0) };
    },
    async clear() {
      const workers = await redis.smembers(keys.workers);
      await redis.del(keys.pending, keys.done, keys.filled, keys.workers, ...workers.map((workerId) => keys.processing(workerId)));
    },
  };
}

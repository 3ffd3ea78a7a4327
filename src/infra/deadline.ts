/** Small time bounds for work that must not wait forever (start-up calls, shutdown steps). */

/** As `work`, or rejects with `onTimeout()` once `ms` have passed. The timer never holds the process open. */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work, timeUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `work` until `deadline` (epoch ms) at the latest. True if it settled in time; never rejects. */
export async function settleBy(work: Promise<unknown>, deadline: number): Promise<boolean> {
  try {
    await withTimeout(work.then(() => true, () => true), Math.max(0, deadline - Date.now()), () => new Error('deadline'));
    return true;
  } catch {
    return false;
  }
}

export const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

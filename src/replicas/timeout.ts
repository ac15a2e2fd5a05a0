import { ConnectionError } from '../errors.js';

/** Rejects when `promise` has not settled within `ms`, calling `onTimeout` first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        onTimeout();
        reject(new ConnectionError(`${what}: no answer within ${Math.round(ms)}ms`));
      },
      Math.max(1, ms),
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

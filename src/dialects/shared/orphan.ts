/** Between two looks at the session list. */
const pollMs = 100;

/**
 * The wait-for-orphan loop of `stopOrphan`: after the session of an abandoned build was killed, waits
 * until `present` says it is gone from the server's session list, at most `timeoutMs`; a session that
 * stays (the server finishes killing it later) does not hold the caller beyond that bound.
 */
export async function waitUntilGone(present: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  for (let i = 0; i < Math.ceil(timeoutMs / pollMs); i += 1) {
    if (!(await present())) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The usage verdict of an index: scanned within the window, not scanned over all of it, or not known. */
export type UsageVerdict = 'used' | 'unused' | 'unknown';

/** One reading of one index's counter on one source (a stored snapshot or the reading just taken). */
export interface CounterPoint {
  /** The source's clock when it was read. */
  at: Date;
  scans: number;
  lastScan: Date | null;
  serverStart: Date | null;
  statsReset: Date | null;
}

/** How one source judged one index, and why. */
export interface SourceJudgement {
  verdict: UsageVerdict;
  /** Scans (or rows read) counted within the window; null where nothing could be counted. */
  windowScans: number | null;
  /** One sentence: the evidence, or what is missing. */
  reason: string;
  /** Statistics resets and server restarts found between the readings, one sentence each. */
  resets: string[];
}

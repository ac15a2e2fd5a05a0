/**
 * The fields of an error from either driver, read in one place. pg sets `code` (the SQLSTATE, or a Node
 * error code such as `ECONNRESET` when no server answered), `severity` and `detail`; mysql2 sets `errno`,
 * `code` (its `ER_...` name, or `PROTOCOL_CONNECTION_LOST`), `sqlState`, `sqlMessage` and `fatal`.
 */
export interface DriverError {
  /** The server's own message (mysql2's `sqlMessage`), else the error's message, else the error as text. */
  message: string;
  /** The SQLSTATE (pg: `code` when the server answered; mysql2: `sqlState`). */
  sqlState?: string;
  /** The MySQL/MariaDB error number. */
  errno?: number;
  /** The driver's `code` as it set it (pg: the SQLSTATE or a Node error code; mysql2: `ER_...` or a protocol code). */
  code?: string;
  /** PostgreSQL's DETAIL line. */
  detail?: string;
  /** Whether the error came from the server (it has an SQLSTATE with pg's severity or mysql2's errno). */
  fromServer: boolean;
  /** Whether the connection is unusable after it (mysql2 `fatal`; always false for an error pg got from the server). */
  fatal: boolean;
}

const sqlStatePattern = /^[0-9A-Z]{5}$/;

/** Reads a driver error's fields, whichever driver threw it. */
export function driverError(error: unknown): DriverError {
  const fields = (error ?? {}) as {
    code?: unknown;
    errno?: unknown;
    sqlState?: unknown;
    sqlMessage?: unknown;
    message?: unknown;
    severity?: unknown;
    detail?: unknown;
    fatal?: unknown;
  };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const errno = typeof fields.errno === 'number' ? fields.errno : undefined;
  const pg = code !== undefined && sqlStatePattern.test(code) && fields.severity !== undefined;
  const mysql = errno !== undefined && typeof fields.sqlState === 'string';
  const sqlState = pg ? code : typeof fields.sqlState === 'string' ? fields.sqlState : undefined;
  const message =
    typeof fields.sqlMessage === 'string'
      ? fields.sqlMessage
      : typeof fields.message === 'string'
        ? fields.message
        : String(error);
  return {
    message,
    ...(sqlState !== undefined ? { sqlState } : {}),
    ...(errno !== undefined ? { errno } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(typeof fields.detail === 'string' ? { detail: fields.detail } : {}),
    fromServer: pg || mysql,
    fatal: fields.fatal === true,
  };
}

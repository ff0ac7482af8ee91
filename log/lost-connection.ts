// Keeps an integrator transaction from talking after its connection died. postgres.js 3.4.x
// sends its own ROLLBACK (and any later statement of the callback) on the dead connection,
// which throws an uncaught TypeError from a timer (porsager/postgres#1154, #1208) or, if the
// connection object has reconnected meanwhile, runs those statements outside the transaction
// (#1216). The server has already rolled the transaction back and sql.begin() has rejected,
// so the callback is left unsettled instead: nothing more is sent.
const LOST_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', '57P01', '57P02', '57P03', '08003', '08006']);

/** How long to wait for begin() to reject after an error that says the connection is gone. */
const CLOSE_WAIT_MS = 10_000;

export class ConnectionWatch {
  /** True once the transaction promise has rejected (its connection closed, or the callback failed). */
  ended = false;
  private signal!: () => void;
  private readonly endedPromise = new Promise<void>((resolve) => (this.signal = resolve));

  /** Watches the promise sql.begin() returned. */
  watch<T>(transaction: Promise<T>): Promise<T> {
    transaction.catch(() => {
      this.ended = true;
      this.signal();
    });
    return transaction;
  }

  /** Call before sending more after awaiting outside code: parks the callback if the transaction is already over. */
  async alive(): Promise<void> {
    if (this.ended) await new Promise<never>(() => {});
  }

  /** In the callback's catch: parks if the error is the connection's death, else rethrows. */
  async fail(err: unknown): Promise<never> {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && LOST_CODES.has(code)) {
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        this.endedPromise.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS, false))),
      ]);
      clearTimeout(timer);
      if (closed) await new Promise<never>(() => {});
    }
    throw err;
  }
}

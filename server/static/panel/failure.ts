// The one error type the panel shows: which step failed (fetch, policy, verify, fingerprint,
// checkpoint history), a stable code, the detailed message, and for a split view the
// evidence (two signed checkpoints that cannot both be true) as JSON to report.
export type PanelStep = 'policy' | 'fetch' | 'verify' | 'fingerprint' | 'history';

export class PanelFailure extends Error {
  constructor(
    readonly step: PanelStep,
    readonly code: string,
    message: string,
    readonly evidence?: string,
  ) {
    super(message);
    this.name = 'PanelFailure';
  }
}

/** Wraps whatever a step threw, keeping the verifier's error code when it has one. */
export function asFailure(step: PanelStep, err: unknown): PanelFailure {
  if (err instanceof PanelFailure) return err;
  const e = err as { code?: unknown; message?: unknown; evidence?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return new PanelFailure(step, code, message, e?.evidence ? JSON.stringify(e.evidence, null, 1) : undefined);
}

// A stack of stop steps for a service started piece by piece (directory, witness): each
// piece pushes how to undo itself; stopAll() runs them in reverse, logging a failing step and
// carrying on with the rest. Safe to call twice.
export interface Cleanups {
  push(step: () => Promise<void>): void;
  stopAll(): Promise<void>;
}

export function cleanupStack(log: (message: string, err?: unknown) => void, label = 'error while stopping'): Cleanups {
  const steps: (() => Promise<void>)[] = [];
  return {
    push: (step) => void steps.push(step),
    async stopAll() {
      while (steps.length > 0) {
        const step = steps.pop()!;
        try {
          await step();
        } catch (err) {
          log(label, err);
        }
      }
    },
  };
}

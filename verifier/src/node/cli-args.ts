// Command-line parsing for glasskey-verify: `<command> [positionals] [--name value | --name=value
// | --flag]...`, options kept in order (an --expect belongs to the --address before it).
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  options: [string, string | true][];
}

export function parseArgs(argv: readonly string[], flags: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const options: [string, string | true][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (flags.has(name)) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        options.push([name, true]);
      } else if (eq >= 0) options.push([name, a.slice(eq + 1)]);
      else {
        const v = argv[i + 1];
        if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`--${name} needs a value`);
        options.push([name, v]);
        i++;
      }
    } else positionals.push(a);
  }
  const [command, ...rest] = positionals;
  return { command, positionals: rest, options };
}

/** Checks every option is known; returns helpers to read them. */
export function optionReader(args: ParsedArgs, known: readonly string[]) {
  for (const [name] of args.options) if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
  const all = (name: string) => args.options.filter(([n]) => n === name).map(([, v]) => v);
  return {
    all: (name: string) => all(name).filter((v): v is string => typeof v === 'string'),
    flag: (name: string) => all(name).length > 0,
    one(name: string): string | undefined {
      const v = all(name);
      if (v.length > 1) throw new UsageError(`--${name} given more than once`);
      return typeof v[0] === 'string' ? v[0] : undefined;
    },
    required(name: string): string {
      const v = this.one(name);
      if (v === undefined) throw new UsageError(`--${name} is required`);
      return v;
    },
  };
}

// The glasskey-verify process: runs the CLI on this process's argv and streams, sets the exit
// code, and leaves when the work is done even if some handle lingers (keep-alive sockets,
// timers). bin/glasskey-verify.js loads it (compiled, from dist/, in the published package).
import { runCli } from './cli.ts';

const code = await runCli();
process.exitCode = code;
setTimeout(() => process.exit(code), 1000).unref();

// A real SMTP server for the mail tests (smtp-server, on 127.0.0.1 with a random port) that
// keeps what it receives, parsed by mailparser, and can refuse recipients, require AUTH,
// speak TLS, or hold each message for a while before accepting it.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Received {
  mailFrom: string;
  rcptTo: string[];
  secure: boolean;
  user?: string;
  raw: Buffer;
  parsed: ParsedMail;
  at: number;
}

export interface SinkOptions {
  /** Refuse every RCPT TO with this reply (e.g. 550), counting each attempt. */
  rejectRcpt?: { code: number; message: string };
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
  /** Implicit TLS (smtps) with smtp-server's built-in self-signed certificate. */
  secure?: boolean;
  /** Offer STARTTLS (default: hidden, so plain smtp:// tests need no certificate). */
  starttls?: boolean;
  /** Hold each message this long before answering 250. */
  dataDelayMs?: number;
}

export interface SmtpSink {
  port: number;
  received: Received[];
  /** Times of refused RCPT TO commands. */
  refusals: number[];
  /** Times at which DATA began. */
  dataStarts: number[];
  /** Most sessions open at once. */
  maxSessions: number;
  auths: { user?: string; pass?: string | null }[];
  options: SinkOptions;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  until(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  let open = 0;
  const sink: SmtpSink = {
    port: 0,
    received: [],
    refusals: [],
    dataStarts: [],
    maxSessions: 0,
    auths: [],
    options,
    async waitFor(count, timeoutMs = 15_000) {
      await until(() => sink.received.length >= count, timeoutMs, `${count} mails`);
      return sink.received;
    },
    until: (pred, timeoutMs) => until(pred, timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const serverOptions: SMTPServerOptions = {
    secure: options.secure ?? false,
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: [...(options.auth ? [] : ['AUTH']), ...(options.starttls ? [] : ['STARTTLS'])],
    logger: false,
    onConnect(_session, cb) {
      open++;
      sink.maxSessions = Math.max(sink.maxSessions, open);
      cb();
    },
    onClose() {
      open--;
    },
    onAuth(auth, _session, cb) {
      sink.auths.push({ user: auth.username, pass: auth.password });
      const want = options.auth;
      if (want && auth.username === want.user && auth.password === want.pass) return cb(null, { user: auth.username });
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      cb(err);
    },
    onRcptTo(_address, _session, cb) {
      const r = options.rejectRcpt;
      if (!r) return cb();
      sink.refusals.push(Date.now());
      cb(Object.assign(new Error(r.message), { responseCode: r.code }));
    },
    onData(stream, session, cb) {
      sink.dataStarts.push(Date.now());
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        if (options.dataDelayMs) await new Promise((r) => setTimeout(r, options.dataDelayMs));
        const parsed = await simpleParser(raw);
        sink.received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((a) => a.address),
          secure: session.secure,
          user: session.user,
          raw,
          parsed,
          at: Date.now(),
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.server.address();
  sink.port = typeof addr === 'object' && addr ? addr.port : 0;
  return sink;
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A MailLog that remembers every entry. */
export function recordingLog() {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, fields: Record<string, unknown> = {}) =>
    void entries.push({ level, message, fields });
  return { entries, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

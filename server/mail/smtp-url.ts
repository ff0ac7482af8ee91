// Parses and checks SMTP_URL: smtp://[user[:pass]@]host[:port][/][?options] (STARTTLS when
// the server offers it; port 587 by default) or smtps://... (TLS from the start; port 465).
// Options: tls.rejectUnauthorized=true|false, tls.servername=<name>,
// tls.minVersion=TLSv1.2|TLSv1.3, requireTLS=true|false, ignoreTLS=true|false (smtp:// only),
// name=<hostname sent in EHLO>. Anything else is refused, so a typo cannot pass silently.
// Error messages never repeat the URL (it may hold a password).
import { isIP } from 'node:net';
import { ConfigError } from '../config.ts';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  requireTLS?: boolean;
  ignoreTLS?: boolean;
  name?: string;
  tls: { rejectUnauthorized?: boolean; servername?: string; minVersion?: 'TLSv1.2' | 'TLSv1.3' };
}

const VARIABLE = 'SMTP_URL';
const fail = (message: string): never => {
  throw new ConfigError(VARIABLE, message);
};

function bool(name: string, v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return fail(`option ${name} must be true or false`);
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(`the ${what} is not valid percent-encoding`);
  }
}

const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Returns the settings and a description of the URL without its password. */
export function parseSmtpUrl(raw: string): { settings: SmtpSettings; redacted: string } {
  if (typeof raw !== 'string' || raw.trim() === '') fail('is empty');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail('is not a URL (expected smtp://[user:pass@]host[:port] or smtps://...)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    fail(`must start with smtp:// or smtps://, not ${url.protocol}//`);
  const secure = url.protocol === 'smtps:';
  let host = url.hostname;
  if (host === '') fail('has no host');
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
    if (isIP(host) !== 6) fail('has no valid host name');
  } else if (!HOSTNAME.test(host)) fail('has no valid host name');
  if (url.pathname !== '' && url.pathname !== '/') fail('must not have a path');
  if (url.hash !== '') fail('must not have a #fragment');
  const port = url.port === '' ? (secure ? 465 : 587) : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail('has an invalid port');
  if (url.password !== '' && url.username === '') fail('has a password but no user name');

  const settings: SmtpSettings = { host, port, secure, tls: {} };
  if (url.username !== '') settings.auth = { user: decode(url.username, 'user name'), pass: decode(url.password, 'password') };

  const seen = new Set<string>();
  for (const [key, value] of url.searchParams) {
    if (seen.has(key)) fail(`option ${key} is given twice`);
    seen.add(key);
    switch (key) {
      case 'tls.rejectUnauthorized':
        settings.tls.rejectUnauthorized = bool(key, value);
        break;
      case 'tls.servername':
        if (!HOSTNAME.test(value)) fail(`option ${key} must be a host name`);
        settings.tls.servername = value;
        break;
      case 'tls.minVersion':
        if (value !== 'TLSv1.2' && value !== 'TLSv1.3') fail(`option ${key} must be TLSv1.2 or TLSv1.3`);
        settings.tls.minVersion = value as 'TLSv1.2' | 'TLSv1.3';
        break;
      case 'requireTLS':
      case 'ignoreTLS':
        if (secure) fail(`option ${key} applies to smtp:// (STARTTLS) only`);
        settings[key] = bool(key, value);
        break;
      case 'name':
        if (!HOSTNAME.test(value)) fail(`option ${key} must be a host name`);
        settings.name = value;
        break;
      default:
        fail(
          `unknown option ${JSON.stringify(key.slice(0, 40))} (known: tls.rejectUnauthorized, tls.servername, tls.minVersion, requireTLS, ignoreTLS, name)`,
        );
    }
  }
  if (settings.requireTLS && settings.ignoreTLS) fail('requireTLS and ignoreTLS cannot both be true');

  const user = settings.auth ? `${encodeURIComponent(settings.auth.user)}${settings.auth.pass ? ':***' : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { settings, redacted: `${url.protocol}//${user}${hostPart}:${port}${url.search}` }; // options hold no secrets
}

// Sends a page: the doctype and the rendered JSX, never cached (pages carry per-browser CSRF
// tokens and live data), with any extra headers the handler gives.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';

export async function sendPage(c: Context, page: Child, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  const html = '<!doctype html>\n' + String(await page);
  return c.html(html, status as 200, { 'cache-control': 'no-store', ...headers });
}

// The frame of every page: head (stylesheet and icon from /static, the panel script only on
// pages that have a panel), a skip link, the site header with its navigation, the main
// content under one h1, and the footer. No inline script or style anywhere (strict CSP).
import type { Child } from 'hono/jsx';
import { favicon, stylesheet } from '../static/files.ts';

export type Section = 'home' | 'manage' | 'log' | 'other';

export interface LayoutProps {
  title: string;
  section?: Section;
  /** Path of a module script to load (the transparency panel). */
  script?: string;
  children?: Child;
}

const NAV: [Section, string, string][] = [
  ['home', '/', 'Search & upload'],
  ['manage', '/manage', 'Manage'],
  ['log', '/log', 'The log'],
];

export function Layout({ title, section = 'other', script, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · glasskey`}</title>
        <link rel="stylesheet" href={stylesheet.path} />
        <link rel="icon" href={favicon.path} type="image/svg+xml" />
        {script ? <script type="module" src={script}></script> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              glasskey
            </a>
            <nav aria-label="Main">
              <ul>
                {NAV.map(([key, href, label]) => (
                  <li>
                    <a href={href} aria-current={key === section ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          <h1>{title}</h1>
          {children}
        </main>
        <footer class="site">
          <div class="wrap">
            <p>
              glasskey: an OpenPGP key directory whose every binding is written to a public, witnessed transparency log.{' '}
              <a href="/log">How to check it yourself</a>.
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

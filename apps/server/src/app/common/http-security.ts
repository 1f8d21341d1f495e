import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { basename } from 'node:path';

import type { OnwardConfig } from '../config/onward-config';

/**
 * The Content-Security-Policy of every answer. The monitor app and the Swagger page load scripts
 * only from this origin; both set inline `style` attributes (Angular's bindings, Swagger UI's
 * sprites), so styles allow 'unsafe-inline'. Result previews open `blob:` URLs; sockets and API
 * calls go to this origin ('self' covers ws: and wss: of it). No page may frame Onward's but its own.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameSrc: ["'self'", 'blob:'],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
  // Helmet's default would send every sub-request of a plain-HTTP installation to https:.
  upgradeInsecureRequests: null,
};

/**
 * The policy of a result served inline (`?disposition=inline`): the document is the file itself, so
 * nothing may load but the file, and only Onward's own pages may frame it. Chromium renders a PDF
 * through its plugin, which `object-src 'none'` (the pages' policy) would refuse.
 */
export const INLINE_RESULT_CSP = "default-src 'none'; object-src 'self'; img-src 'self'; frame-ancestors 'self'";

/** Types a browser shows itself without running the file's own code (SVG images carry scripts). */
export function previewableInline(contentType: string): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === 'application/pdf' || (type.startsWith('image/') && type !== 'image/svg+xml');
}

/** Headers a browser may read on a cross-origin answer (ONWARD_CORS_ORIGINS); the tus ones for uploads. */
const EXPOSED_HEADERS = [
  'Location',
  'Retry-After',
  'Content-Disposition',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Metadata',
  'Upload-Defer-Length',
  'Upload-Expires',
];

/**
 * Security headers on every answer (@fastify/helmet, registered as its documentation shows for
 * NestJS on Fastify) and CORS for the origins of ONWARD_CORS_ORIGINS only: with none listed, no
 * other origin may read an answer.
 */
export async function useHttpSecurity(app: NestFastifyApplication, config: OnwardConfig): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      // The monitor's login page signs in at the demo identity provider (ONWARD_DEMO_IDP_URL) itself.
      directives: config.demoIdpUrl
        ? { ...CSP_DIRECTIVES, connectSrc: [...CSP_DIRECTIVES.connectSrc, new URL(config.demoIdpUrl).origin] }
        : CSP_DIRECTIVES,
    },
    referrerPolicy: { policy: 'no-referrer' },
    // The pop-out monitor is a window of the same origin; other origins get no handle on it.
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      credentials: true,
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
}

/**
 * Whether a browser page may open a socket: no Origin (scripts, servers), this server's own origin,
 * or one listed in ONWARD_CORS_ORIGINS. WebSockets are not held to CORS by browsers, so Socket.IO
 * checks the origin itself.
 */
export function socketOriginAllowed(request: IncomingMessage, corsOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (corsOrigins.includes(origin)) return true;
  const host = request.headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Angular's build names every file it may change with a content hash: `main-ELGCAB4E.js`. */
const HASHED_FILE = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

/**
 * Cache-Control for a file of the built monitor: hashed files never change (a new build names them
 * anew), so browsers keep them for a year; everything else, index.html first, is checked each time,
 * so a new version is seen at the next load.
 */
export function monitorCacheControl(path: string): string {
  return HASHED_FILE.test(basename(path)) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

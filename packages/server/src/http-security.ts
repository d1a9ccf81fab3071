// HTTP hardening: security headers through helmet, with a Content-Security-Policy the map works under (MapLibre
// runs its workers from blob: URLs and draws from data:/blob: images), which proxies to trust for the client's
// address, and how large an answer may be.
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Extra origins the page may fetch from (EDUGIS_CSP_CONNECT_SRC, space-separated), e.g. a basemap's style and tile
 * hosts when the web app was built with VITE_BASEMAP_STYLE_URL; that URL's own origin is added by itself.
 */
export function connectSources(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.EDUGIS_CSP_CONNECT_SRC ?? '').split(/\s+/).filter((o) => /^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(o));
  const basemap = env.VITE_BASEMAP_STYLE_URL;
  if (basemap) {
    try {
      extra.push(new URL(basemap).origin);
    } catch { /* ignored by the web build as well */ }
  }
  return [...new Set(extra)];
}

export function securityHeaders(env: NodeJS.ProcessEnv = process.env): RequestHandler {
  const connect = connectSources(env);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        // React sets style attributes through the DOM (allowed); MapLibre's controls get theirs the same way.
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'", ...connect],
        'worker-src': ["'self'", 'blob:'],
        'child-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    // The map's tiles and GeoJSON are same-origin; nothing embeds cross-origin resources that would need COEP.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // HSTS only means something over HTTPS, which a reverse proxy terminates: it sets it there.
    strictTransportSecurity: false,
  });
}

/**
 * EDUGIS_TRUST_PROXY: which proxies' X-Forwarded-For to believe for the client's address (Express's "trust proxy":
 * "loopback", "uniquelocal", a number of hops, or addresses/CIDRs, comma-separated). Unset: none, the address is
 * the socket's. Behind a reverse proxy this must be set, or every client has the proxy's address and shares its
 * sign-in limits and query budget.
 */
export function trustProxy(env: NodeJS.ProcessEnv = process.env): boolean | number | string {
  const v = env.EDUGIS_TRUST_PROXY?.trim();
  if (!v || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** The largest answer /graphql sends (EDUGIS_MAX_RESPONSE_MB, default 20 MB); above it, a RESPONSE_TOO_LARGE error. */
export function maxResponseBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.EDUGIS_MAX_RESPONSE_MB ?? 20);
  return (Number.isFinite(mb) && mb > 0 ? mb : 20) * 1024 * 1024;
}

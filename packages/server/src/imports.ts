// The import pipeline over HTTP: files are uploaded to POST /imports (raw body, so a 100 MB file is refused by its
// Content-Length before a byte is read), previewed, committed and reverted through GraphQL (schema/data-import.ts).
// Who may import: province staff for their own province, admins for any.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  commitImport, describeIssue, discardImport, ImportRefused, importKinds, MAX_IMPORT_BYTES, revertImport, stageImport,
  type RunTransaction,
} from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { GraphQLError } from 'graphql';
import { bearerToken, viewerForToken, type Viewer } from './auth.ts';
import { prisma } from './db.ts';
import { currentLang } from './errors.ts';
import { translator, type Lang } from './i18n.ts';
import { writeTransaction } from './transactions.ts';

/** An import's commit writes up to a national file of schools: it may take minutes, not the 10 s of a workflow step. */
const IMPORT_TIMEOUT_MS = 300_000;
export const importRun: RunTransaction = (fn) => writeTransaction((tx) => fn(tx), { timeoutMs: IMPORT_TIMEOUT_MS });
const MAX_SOURCE = 300;

/** The province code a viewer may import for, or why not (a message key). */
export async function importScope(viewer: Viewer | null, provinceCode: string): Promise<string | null> {
  if (!viewer) return 'error.notSignedIn';
  if (viewer.role === 'ADMIN') return null;
  if (viewer.role !== 'PROVINCE_STAFF' || !viewer.unitId) return 'error.importRole';
  const [u] = await prisma().$queryRaw<{ code: string }[]>(sql`SELECT code FROM admin_unit WHERE id = ${viewer.unitId}`);
  return u?.code === provinceCode ? null : 'error.importScope';
}

/** A refused commit or revert as a GraphQL error with its code. */
export function refusal(lang: Lang, err: unknown): never {
  if (err instanceof ImportRefused) {
    throw new GraphQLError(describeIssue(err.issue, lang), { extensions: { code: err.code, reason: err.issue.key } });
  }
  throw err;
}

export const commit = (id: string, v: Viewer) => commitImport(importRun, id, { id: v.id, name: v.displayName });
export const revert = (id: string, v: Viewer) => revertImport(importRun, id, { id: v.id, name: v.displayName });
export const discard = (id: string) => discardImport(importRun, id);

const flag = (v: unknown) => v === '1' || v === 'true';

/**
 * POST /imports?kind=schools&province=79&source=…&licence=…[&fullProvince=1[&removeMissing=1]][&synthetic=1] (kind=ward-demand:
 * &schoolYear=2026-2027&level=PRIMARY), the
 * file as the body, its name in X-File-Name (URL-encoded). Answers 201 { id, status, counts, errors, warnings }.
 */
export function mountImportRoute(app: Express): void {
  const fail = (res: Response, status: number, key: string, vars: Record<string, unknown> = {}) =>
    void res.status(status).json({ error: translator(currentLang())(key, vars), code: key.replace(/^error\./, '') });
  app.post(
    '/imports',
    async (req: Request, res: Response, next: NextFunction) => {
      const length = Number(req.headers['content-length'] ?? NaN);
      if (length > MAX_IMPORT_BYTES) {
        res.setHeader('Connection', 'close');
        return fail(res, 413, 'error.importTooLarge', { size: Math.round(length / 1048576), max: MAX_IMPORT_BYTES / 1048576 });
      }
      const viewer = await viewerForToken(bearerToken(req.headers.authorization)).catch(next);
      const v = viewer && viewer !== 'expired' && !viewer.mustChangePassword ? viewer : null;
      const kind = String(req.query.kind ?? '');
      const province = String(req.query.province ?? '');
      if (!importKinds().includes(kind)) return fail(res, 400, 'error.importKind', { kinds: importKinds().join(', ') });
      if (!/^\d{2}$/.test(province)) return fail(res, 400, 'error.invalidProvinceCode', { code: province.slice(0, 20) });
      const denied = await importScope(v, province);
      if (denied) return fail(res, v ? 403 : 401, denied);
      res.locals.viewer = v;
      next();
    },
    express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }),
    async (req: Request, res: Response, next: NextFunction) => {
      const v = res.locals.viewer as Viewer;
      const lang = currentLang();
      const text = (name: string, fallback: string) => String(req.query[name] ?? fallback).normalize('NFC').trim().slice(0, MAX_SOURCE) || fallback;
      let name = 'upload';
      try { name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'upload')).normalize('NFC').slice(0, 255) || 'upload'; } catch { /* keep */ }
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const staged = await stageImport(prisma(), importRun, {
          kind: String(req.query.kind), upload: { name, bytes }, provinceCode: String(req.query.province),
          actor: { id: v.id, name: v.displayName },
          source: { title: text('source', name), licence: text('licence', 'unknown') },
          isSynthetic: flag(req.query.synthetic),
          options: {
            fullProvince: flag(req.query.fullProvince), removeMissing: flag(req.query.removeMissing),
            // ward-demand: which figures these are.
            ...(req.query.schoolYear !== undefined ? { schoolYear: String(req.query.schoolYear).slice(0, 20) } : {}),
            ...(req.query.level !== undefined ? { level: String(req.query.level).slice(0, 30) } : {}),
          },
        });
        res.status(201).json({
          id: staged.id, status: staged.status, counts: staged.counts,
          errors: staged.errors.slice(0, 50).map((i) => ({ ...i, message: describeIssue(i, lang) })),
          warnings: staged.warnings.slice(0, 50).map((i) => ({ ...i, message: describeIssue(i, lang) })),
        });
      } catch (err) {
        if (err instanceof ImportRefused) return void res.status(400).json({ error: describeIssue(err.issue, lang), code: err.issue.key });
        next(err);
      }
    },
  );
}

// No Docker engine runs on our machines, so the deployment files are checked statically: valid YAML, the
// files and scripts they reference exist, health checks are there and the pieces agree with each other.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const compose = parse(readFileSync(join(root, 'docker/compose.yaml'), 'utf8'));
const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');

describe('docker/', () => {
  it('compose runs PostGIS and the server, each with a health check, the server after a healthy database', () => {
    expect(compose.services.db.image).toMatch(/^postgis\/postgis:15-3\./);
    expect(compose.services.db.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(compose.services.server.depends_on.db.condition).toBe('service_healthy');
    expect(compose.services.server.healthcheck.test.join(' ')).toContain('/healthz');
  });

  it('points the server at the db service with the credentials the db is created with', () => {
    const db = compose.services.db.environment;
    const url = new URL(compose.services.server.environment.DATABASE_URL);
    expect(url.hostname).toBe('db');
    expect([url.username, url.password, url.pathname.slice(1)]).toEqual([db.POSTGRES_USER, db.POSTGRES_PASSWORD, db.POSTGRES_DB]);
  });

  it('builds from files that exist and starts a script that exists', () => {
    const build = compose.services.server.build;
    expect(existsSync(join(root, 'docker', build.context, build.dockerfile))).toBe(true);
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copies.length).toBeGreaterThan(3);
    for (const f of copies) expect(existsSync(join(root, f)), `COPY ${f}`).toBe(true);
    const cmd = JSON.parse(dockerfile.match(/^CMD (\[.*\])$/m)![1]!) as string[];
    expect(existsSync(join(root, cmd.at(-1)!))).toBe(true);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    const fallbackData = String(compose.services.server.volumes[0]).match(/^\$\{EDUGIS_DATA:-([^}]+)\}:\/data:ro$/)![1]!;
    expect(existsSync(join(root, 'docker', fallbackData)), `default data mount ${fallbackData}`).toBe(true);
  });

  it('never copies third-party data files into the image', () => {
    expect(dockerfile).not.toMatch(/shared\/data|\.geojson|\.csv/);
  });
});

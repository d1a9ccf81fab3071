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
    expect(compose.services.server.healthcheck.test.join(' ')).toContain('/readyz');
    expect(compose.services.redis.healthcheck.test.join(' ')).toContain('ping');
  });

  it('runs two server processes behind a proxy that tells them the client, sharing limits through Redis', () => {
    const server = compose.services.server;
    expect(server.deploy.replicas).toBe(2);
    expect(server.ports).toBeUndefined(); // only the proxy is published
    expect(new URL(server.environment.REDIS_URL).hostname).toBe('redis');
    expect(server.depends_on.redis.condition).toBe('service_healthy');
    expect(server.environment.EDUGIS_TRUST_PROXY).toBe('uniquelocal');
    expect(server.environment.NODE_ENV).toBe('production'); // no demo accounts
    expect(Number.parseInt(server.stop_grace_period, 10)).toBeGreaterThanOrEqual(26); // the server drains for 25 s
    const proxy = compose.services.proxy;
    expect(proxy.ports).toEqual(['8080:80']);
    const mount = String(proxy.volumes[0]).split(':')[0]!;
    const conf = readFileSync(join(root, 'docker', mount), 'utf8');
    expect(conf).toMatch(/http:\/\/server:4000/);
    expect(conf).toMatch(/X-Forwarded-For \$proxy_add_x_forwarded_for/);
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
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/readyz/);
    expect(cmd[0]).toBe('node'); // not pnpm: the signal must reach the server
    const fallbackData = String(compose.services.server.volumes[0]).match(/^\$\{EDUGIS_DATA:-([^}]+)\}:\/data:ro$/)![1]!;
    expect(existsSync(join(root, 'docker', fallbackData)), `default data mount ${fallbackData}`).toBe(true);
  });

  it('never copies third-party data files into the image', () => {
    expect(dockerfile).not.toMatch(/shared\/data|\.geojson|\.csv/);
  });
});

// The one place the server keeps its database. Set once at startup (main.ts or a test), read everywhere.
import type { Database } from '@edugis/db';
import { postgis } from '@edugis/prisma-postgis';

let current: Database | null = null;
let spatialClient: ReturnType<typeof makeSpatial> | null = null;

function makeSpatial(db: Database) {
  return db.prisma.$extends(
    postgis({
      models: {
        school: { table: 'school', column: 'location' },
        adminUnit: { table: 'admin_unit', column: 'boundary' },
        enrollmentZone: { table: 'enrollment_zone', column: 'area' },
      },
    }),
  );
}

export function setDatabase(db: Database): void {
  current = db;
  spatialClient = makeSpatial(db);
}
export function database(): Database {
  if (!current) throw new Error('database not set: call setDatabase() first');
  return current;
}
export const prisma = () => database().prisma;
/** The Prisma client with the PostGIS extension (nearest, withinDistance, intersecting, getGeometries...). */
export function spatial() {
  database();
  return spatialClient!;
}

export * from './connection.ts';
export * from './migrate.ts';
export * from './seed.ts';
export { PrismaClient, Prisma } from './generated/prisma/client.ts';
export type * from './generated/prisma/client.ts';
export type { default as PrismaTypes } from './generated/pothos-types.ts';
export { getDatamodel } from './generated/pothos-types.ts';
export * from './accounts.ts';
export * from './imports/index.ts';

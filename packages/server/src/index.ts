export { startServer, health, WEB_DIST, type RunningServer } from './app.ts';
export { schema } from './schema/index.ts';

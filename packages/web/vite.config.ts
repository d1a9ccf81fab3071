import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1400 },
  server: { proxy: { '/graphql': 'http://localhost:4000', '/geo': 'http://localhost:4000', '/healthz': 'http://localhost:4000' } },
});

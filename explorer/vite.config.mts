// Builds the web front end (web/) into dist/web, which the explorer's backend serves.
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  root: here('./web'),
  plugins: [react()],
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    // the charting library is split off and loaded after the page; it alone passes 500 kB
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite` in explorer/: the API of an explorer already running (EXPLORER_DEV_API)
    proxy: { '/api': process.env.EXPLORER_DEV_API ?? 'http://127.0.0.1:8080' },
  },
});

/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The build goes to dist/ with hashed names under assets/; CMake embeds dist/ into dth.
// `npm run dev` proxies the API to a `dth serve` on 127.0.0.1:8080.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/metrics': 'http://127.0.0.1:8080' },
  },
  test: { include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
});

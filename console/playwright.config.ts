// Browser tests of the console against a real `dth serve` (started by tests/global-setup.ts)
// with Ceph RGW (RGW_ENDPOINT, RGW_ACCESS_KEY, RGW_SECRET_KEY from tests/servers/start_rgw.sh).
// Debian's chromium runs them: Playwright 1.64 is the release whose bundled Chromium is
// 156, the version Debian 12 ships (see docs/testing.md); no browser is downloaded.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests',
  globalSetup: './tests/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: process.env.DTH_CONSOLE_URL,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    },
  },
});

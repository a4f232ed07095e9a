import { defineConfig } from '@playwright/test';

// The server under test: the real binary on a fresh database, serving the release SPA.
// `make test` builds both and exports OMNI_E2E_PORT / OMNI_E2E_DATABASE_URL.
const port = Number(process.env.OMNI_E2E_PORT ?? 18181);
export const baseURL = `http://127.0.0.1:${port}`;
// The demo MCP server (crates/demo-mcp) the MCP specs register in the browser.
const demoPort = Number(process.env.OMNI_E2E_DEMO_MCP_PORT ?? 18191);
const targetDir = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/omni-admin/target`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // No network here: keep Chromium from calling home (see TOOLCHAIN.md).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // The setup project enrols the bootstrap owner's MFA and creates the operator the
  // specs sign in as (tests/operator.setup.ts); it runs after the server is up.
  projects: [
    { name: 'setup', testMatch: /.*\.setup\.ts/ },
    { name: 'chromium', dependencies: ['setup'] },
  ],
  webServer: [
    {
      command: 'bash ../scripts/e2e-server.sh',
      url: `${baseURL}/readyz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `${targetDir}/debug/omni-demo-mcp --port ${demoPort}`,
      url: `http://127.0.0.1:${demoPort}/healthz`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { OPERATOR, expectSignedIn, operatorToken, signIn, unique } from './fixtures';

// Live updates (SPEC RT-4) against the real socket: the dashboard follows new usage and
// audit entries, MCP badges flip when a server dies, and the header says when the
// connection is lost and when it is back. None of it reloads the page: each test marks
// the window and checks the mark is still there.

const DEMO_URL = `http://127.0.0.1:${process.env.OMNI_E2E_DEMO_MCP_PORT ?? 18191}/mcp`;
const targetDir = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/omni-admin/target`;
const root = `${__dirname}/../..`;

async function post(request: APIRequestContext, token: string, path: string, data: unknown) {
  const response = await request.post(path, { headers: { Authorization: `Bearer ${token}` }, data });
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A process of ours, stopped at the end of the test whatever happens. */
class Proc {
  private child: ChildProcess;
  private stderr = '';

  constructor(bin: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(bin, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr?.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
  }

  /** Waits until `url` answers 200 (the process is up). */
  async ready(url: string, timeout = 30_000) {
    const until = Date.now() + timeout;
    while (Date.now() < until) {
      if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode}: ${this.stderr}`);
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${url} did not answer within ${timeout} ms: ${this.stderr}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}

/** The demo MCP server on a port of its own, so this test may kill it. */
async function demoMcp(port: number): Promise<Proc> {
  const demo = new Proc(`${targetDir}/debug/omni-demo-mcp`, ['--port', String(port)]);
  await demo.ready(`http://127.0.0.1:${port}/healthz`);
  return demo;
}

/** From now on, notes whether a loading skeleton shows anywhere on the page. */
async function watchForSkeletons(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { skeletonSeen: boolean };
    w.skeletonSeen = false;
    new MutationObserver(() => {
      if (document.querySelector('.skeleton-block')) w.skeletonSeen = true;
    }).observe(document.body, { subtree: true, childList: true });
  });
}

async function skeletonSeen(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { skeletonSeen: boolean }).skeletonSeen);
}

/** Marks the window: a reload would lose the mark. */
async function markWindow(page: Page) {
  await page.evaluate(() => ((window as unknown as { liveMark: string }).liveMark = 'kept'));
}

async function expectSameWindow(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { liveMark?: string }).liveMark)).toBe('kept');
}

function liveStatus(page: Page) {
  return page.getByRole('status', { name: 'Live updates' });
}

/** An organization with one user, and the demo server registered: what a call needs. */
type Tenant = { slug: string; email: string; server: string };

async function tenant(request: APIRequestContext, token: string, prefix: string): Promise<Tenant> {
  const suffix = unique();
  const slug = `e2e-${prefix}-${suffix}`;
  const org = await post(request, token, '/api/v1/organizations', { name: `E2E ${prefix} ${suffix}`, slug });
  const email = `${prefix}-${suffix}@example.com`;
  await post(request, token, '/api/v1/users', { name: 'Live User', email, organization_id: org.id });
  const server = `${prefix}-${suffix}`;
  await post(request, token, '/api/v1/mcp-servers', { name: server, transport: 'streamable_http', url: DEMO_URL });
  return { slug, email, server };
}

/** Reports one call of the tenant's user to `tool`, made now; returns how the feed names it. */
async function reportCall(request: APIRequestContext, token: string, t: Tenant, tool: string): Promise<string> {
  const report = await post(request, token, '/api/v1/events', {
    events: [
      {
        id: randomUUID(),
        time: new Date().toISOString(),
        organization: t.slug,
        user: t.email,
        server: t.server,
        tool,
        status: 'ok',
        latency_ms: 42,
        input_tokens: 10,
        output_tokens: 5,
        cost_usd: 0.25,
      },
    ],
  });
  expect(report.accepted).toBe(1);
  return `${t.server}/${tool}`;
}

test('the dashboard shows new calls and admin actions as they happen', async ({ page, request }) => {
  test.setTimeout(60_000);
  const suffix = unique();
  const token = await operatorToken(request);
  const t = await tenant(request, token, 'live');
  // The hub reports usage with an API token of its own.
  const { secret } = await post(request, token, '/api/v1/api-tokens', {
    name: `e2e live ingestion ${suffix}`,
    permissions: ['events:write'],
  });

  await page.goto('/');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(liveStatus(page)).toHaveText('Live');
  const callsCard = page.getByTestId('card-calls-value');
  await expect(callsCard).toHaveText(/^[\d,]+$/);
  const before = Number((await callsCard.innerText()).replace(/,/g, ''));
  await markWindow(page);
  await watchForSkeletons(page);

  // A call reported now: the feed has it and "Calls today" counts it, without a reload.
  const call = await reportCall(request, secret, t, `live_${suffix.replace(/-/g, '_')}`);
  const item = page.getByTestId('activity-item').filter({ hasText: call });
  await expect(item).toContainText(t.email);
  await expect(callsCard).toHaveText(String(before + 1));
  // The page stayed as it was while it asked again: no skeleton.
  expect(await skeletonSeen(page)).toBe(false);

  // An admin's action elsewhere (here through the API) comes into the feed too.
  const other = `e2e-live-other-${suffix}`;
  await post(request, token, '/api/v1/organizations', { name: `E2E Live Other ${suffix}`, slug: other });
  const latest = page.getByTestId('activity-item').first();
  await expect(latest).toContainText('organization.created');
  await expect(latest).toContainText(OPERATOR.email);
  // Marked as new, the lines that were there left as they were.
  await expect(latest).toHaveClass(/activity__item--new/);
  await expect(item).toHaveClass(/activity__item--new/);
  await expect(page.locator('[data-testid="activity-item"]:not(.activity__item--new)').first()).toBeVisible();
  expect(await skeletonSeen(page)).toBe(false);
  await expectSameWindow(page);
});

test('a dead MCP server turns down on the list and its page, and back up, live', async ({ page, request }) => {
  test.setTimeout(90_000);
  const port = await freePort();
  let demo = await demoMcp(port);
  try {
    const token = await operatorToken(request);
    const name = `live-demo-${unique()}`;
    // Checked every 10 s (the least an MCP server may ask for) by the server's health job.
    const created = await post(request, token, '/api/v1/mcp-servers', {
      name,
      transport: 'streamable_http',
      url: `http://127.0.0.1:${port}/mcp`,
      check_interval_seconds: 10,
    });
    const check = await post(request, token, `/api/v1/mcp-servers/${created.id}/health-check`, {});
    expect(check.check.status).toBe('up');

    await page.goto('/mcp-servers');
    await signIn(page);
    await expectSignedIn(page);
    await expect(liveStatus(page)).toHaveText('Live');
    await page.getByLabel('Search', { exact: true }).fill(name);
    await page.getByLabel('Search', { exact: true }).press('Enter');
    const card = page.getByTestId('mcp-card').filter({ hasText: name });
    await expect(card.getByTestId('health-status')).toHaveText('Up');
    await markWindow(page);

    // The process dies: the next scheduled check finds it down, and the badge says so.
    await demo.stop('SIGKILL');
    await expect(card.getByTestId('health-status')).toHaveText('Down', { timeout: 30_000 });
    // A toast says it too, wherever the admin is, and can be dismissed.
    const toast = page.getByTestId('toast').filter({ hasText: name });
    await expect(toast).toContainText('MCP server down');
    await toast.getByRole('button', { name: 'Dismiss: MCP server down' }).click();
    await expect(toast).toHaveCount(0);

    // Its page, reached without a reload, follows it back up.
    await card.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    const badge = page.getByTestId('health-status').first();
    await expect(badge).toHaveText('Down');
    demo = await demoMcp(port);
    // Checked now (from outside this page): the flip arrives over the socket.
    const again = await post(request, token, `/api/v1/mcp-servers/${created.id}/health-check`, {});
    expect(again.check.status).toBe('up');
    await expect(badge).toHaveText('Up');
    await expectSameWindow(page);
  } finally {
    await demo.stop('SIGKILL');
  }
});

test('the header says when live updates are lost and when they are back', async ({ page, request }) => {
  test.setTimeout(120_000);
  const serverUrl = process.env.OMNI_E2E_SERVER_URL;
  test.skip(!serverUrl, 'needs OMNI_E2E_SERVER_URL to start a second API instance');
  // A second instance of the API on the e2e database (as scripts/e2e-server.sh starts
  // the first), so this test may stop and restart it.
  const port = await freePort();
  const env = {
    DATABASE_URL: `${serverUrl}/${process.env.OMNI_E2E_DATABASE ?? 'omni_admin_e2e'}`,
    OMNI_PORT: String(port),
    OMNI_STATIC_DIR: process.env.OMNI_E2E_STATIC_DIR ?? `${root}/frontend/dist`,
    OMNI_JWT_SECRET: 'e2e-only-secret-5f2b8c1d9e4a7f3b6c0d2e8a1b4c7d9f',
    OMNI_LOGIN_ATTEMPTS_PER_MINUTE: '60',
    // The first instance runs the health checks.
    OMNI_HEALTH_CHECKS: 'false',
    OMNI_LOG: 'warn',
  };
  const start = async () => {
    const api = new Proc(`${targetDir}/debug/omni-admin`, ['serve'], env);
    await api.ready(`http://127.0.0.1:${port}/readyz`);
    return api;
  };
  let api = await start();
  try {
    const origin = `http://127.0.0.1:${port}`;
    await page.goto(`${origin}/`);
    await signIn(page);
    await expectSignedIn(page);
    await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
    const status = liveStatus(page);
    await expect(status).toHaveText('Live');
    await expect(status).toHaveAttribute('aria-live', 'polite');
    await markWindow(page);

    // The browser goes offline and comes back.
    await page.context().setOffline(true);
    await expect(status).toHaveText('Offline');
    await page.context().setOffline(false);
    await expect(status).toHaveText('Live');

    // The API restarts: reconnecting while it is away, live once it is back.
    const stopping = api.stop('SIGTERM');
    await expect(status).toHaveText('Reconnecting');
    await stopping;
    // Meanwhile a call is reported to the other instance: missed by the socket, caught up
    // by the dashboard when it reconnects.
    const token = await operatorToken(request);
    const t = await tenant(request, token, 'reconnect');
    const call = await reportCall(request, token, t, `missed_${unique().replace(/-/g, '_')}`);

    api = await start();
    await expect(status).toHaveText('Live', { timeout: 45_000 });
    await expect(page.getByTestId('activity-item').filter({ hasText: call })).toBeVisible();
    await expectSameWindow(page);

    // Narrow screens: the status keeps its shape and colour, and the page still fits.
    await page.setViewportSize({ width: 320, height: 700 });
    await expect(status).toBeVisible();
    await expect(status).toHaveAttribute('title', /Live/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // Signing out closes it.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByLabel('Email')).toBeVisible();
    await expect(status).toHaveCount(0);
  } finally {
    await api.stop('SIGKILL');
  }
});

test('the audit log tails new entries when asked, and a suspension is a toast', async ({ page, request }) => {
  const suffix = unique();
  const token = await operatorToken(request);
  const name = `E2E Tail ${suffix}`;
  const org = await post(request, token, '/api/v1/organizations', { name, slug: `e2e-tail-${suffix}` });

  await page.goto('/audit');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(liveStatus(page)).toHaveText('Live');
  await expect(page.locator('tr.audit-row').first()).toBeVisible();
  await markWindow(page);

  // A toggle button, used from the keyboard.
  const tail = page.getByRole('button', { name: 'Live tail' });
  await expect(tail).toHaveAttribute('aria-pressed', 'false');
  await tail.focus();
  await page.keyboard.press('Space');
  await expect(tail).toHaveAttribute('aria-pressed', 'true');

  // Suspended elsewhere: the entry comes in at the top, and a toast says so.
  await post(request, token, `/api/v1/organizations/${org.id}/suspend`, { reason: 'e2e: live tail' });
  const newest = page.locator('tr.audit-row').first();
  await expect(newest).toContainText('organization.suspended');
  await expect(newest).toContainText(org.id);
  await expect(newest).toHaveClass(/audit-row--new/);
  const toast = page.getByTestId('toast').filter({ hasText: name });
  await expect(toast).toContainText('Organization suspended');
  await expect(toast).toContainText('e2e: live tail');
  await expect(toast.getByRole('link', { name: 'Open the organization' })).toHaveAttribute(
    'href',
    `/organizations/${org.id}`,
  );
  // Escape dismisses the toast the focus is in.
  await toast.getByRole('button', { name: 'Dismiss: Organization suspended' }).focus();
  await page.keyboard.press('Escape');
  await expect(toast).toHaveCount(0);

  // Off again: what is written next waits for a refresh.
  await tail.focus();
  await page.keyboard.press('Enter');
  await expect(tail).toHaveAttribute('aria-pressed', 'false');
  await post(request, token, `/api/v1/organizations/${org.id}/activate`, { reason: 'e2e: tail off' });
  await page.waitForTimeout(2_500);
  const activated = page.locator('tr.audit-row').filter({ hasText: 'organization.activated' });
  await expect(activated.filter({ hasText: org.id })).toHaveCount(0);
  await expectSameWindow(page);
});

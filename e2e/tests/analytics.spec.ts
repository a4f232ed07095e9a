import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectSignedIn, operatorToken, signIn, unique } from './fixtures';

// The demo MCP server the e2e run starts next to the API (playwright.config.ts).
const DEMO_URL = `http://127.0.0.1:${process.env.OMNI_E2E_DEMO_MCP_PORT ?? 18191}/mcp`;

const HOUR = 3_600_000;
/** Calls in the last 24 hours, and before that (over the 9 days before). */
const RECENT = 40;
const OLDER = 260;
const TOOLS = ['echo', 'echo', 'echo', 'add', 'word_count'];

type Tenant = { token: string; orgId: string; orgName: string; slug: string; email: string; server: string };

async function post(request: APIRequestContext, token: string, path: string, data: unknown) {
  const response = await request.post(path, { headers: { Authorization: `Bearer ${token}` }, data });
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

/** An organization with one user, and the demo server registered and checked (so it is up). */
async function tenant(request: APIRequestContext): Promise<Tenant> {
  const suffix = unique();
  const token = await operatorToken(request);
  const orgName = `E2E Analytics ${suffix}`;
  const slug = `e2e-analytics-${suffix}`;
  const org = await post(request, token, '/api/v1/organizations', { name: orgName, slug });
  const email = `grace-${suffix}@example.com`;
  await post(request, token, '/api/v1/users', { name: 'Grace Hopper', email, organization_id: org.id });
  const server = `analytics-${suffix}`;
  const created = await post(request, token, '/api/v1/mcp-servers', {
    name: server,
    transport: 'streamable_http',
    url: DEMO_URL,
  });
  const check = await post(request, token, `/api/v1/mcp-servers/${created.id}/health-check`, {});
  expect(check.check.status).toBe('up');
  return { token, orgId: org.id, orgName, slug, email, server };
}

/** One tool call of the tenant's user, `ago` milliseconds ago; every seventh fails. */
function event(t: Tenant, ago: number, n: number, tool = TOOLS[n % TOOLS.length]) {
  const failed = n % 7 === 3;
  return {
    id: randomUUID(),
    time: new Date(Date.now() - ago).toISOString(),
    organization: t.slug,
    user: t.email,
    server: t.server,
    tool,
    status: failed ? 'error' : 'ok',
    ...(failed ? { error_type: n % 2 ? 'timeout' : 'tool_error' } : {}),
    latency_ms: 40 + ((n * 37) % 900),
    input_tokens: 500 + n,
    output_tokens: 120,
    model: 'claude-sonnet',
    cost_usd: 0.01,
  };
}

async function ingest(request: APIRequestContext, t: Tenant, events: unknown[]) {
  const report = await post(request, t.token, '/api/v1/events', { events });
  expect(report.accepted).toBe(events.length);
}

/** The page fits the viewport: nothing scrolls sideways. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('the dashboard and analytics chart real usage, follow the range and the scope, and see new calls', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const t = await tenant(request);
  // The last 24 hours (well inside them: the API widens ranges to whole hours), then
  // the nine days before.
  const recent = Array.from({ length: RECENT }, (_, i) => event(t, (i + 0.5) * 0.5 * HOUR, i));
  const older = Array.from({ length: OLDER }, (_, i) => event(t, 26 * HOUR + i * ((9 * 24 * HOUR) / OLDER), RECENT + i));
  await ingest(request, t, [...recent, ...older]);

  // The dashboard, the home page: numbers and real charts.
  await page.goto('/');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByTestId('card-calls-value')).toHaveText(/^[\d,]+$/);
  const calls = page.getByTestId('dash-calls');
  await expect(calls.locator('path.chart__line')).toHaveCount(1);
  await expect(calls.locator('path.chart__line')).toHaveAttribute('d', /^M[\d.]+ [\d.]+L/);
  const cost = page.getByTestId('dash-cost');
  await expect(cost.getByRole('link', { name: t.server })).toBeVisible();
  await expect(cost.locator('rect.bars__fill').first()).toBeVisible();
  const tile = page.getByTestId('health-tile').filter({ hasText: t.server });
  await expect(tile).toContainText('Up');
  await expect(tile).toHaveAttribute('href', /\/mcp-servers\/[0-9a-f-]{36}$/);

  // Scoped to the organization ("Open as admin"), the numbers are its own.
  await page.goto(`/organizations/${t.orgId}`);
  await page.getByRole('button', { name: 'Open as admin' }).click();
  await expect(page.getByTestId('org-scope')).toContainText(t.orgName);
  await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await expect(page.getByTestId('card-users-value')).toHaveText('1');
  await expect(page.getByTestId('card-cost-value')).toHaveText(/^\$\d+\.\d\d$/);
  const callsToday = Number((await page.getByTestId('card-calls-value').innerText()).replace(/,/g, ''));

  // A call made now shows after a reload: one more call today, and in the activity feed.
  const live = `live_${unique().replace(/-/g, '_')}`;
  await ingest(request, t, [event(t, 0, 0, live)]);
  await page.reload();
  await expect(page.getByTestId('card-calls-value')).toHaveText(String(callsToday + 1));
  await expect(page.getByTestId('activity-item').filter({ hasText: `${t.server}/${live}` })).toContainText(t.email);

  // Analytics, the last 24 hours of the scoped organization.
  await page.getByRole('link', { name: 'Analytics', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Analytics', level: 1 })).toBeVisible();
  await expect(page.getByTestId('filter-chip')).toContainText(t.orgName);
  await page.getByLabel('Date range').selectOption({ label: 'Last 24 hours' });
  await expect(page).toHaveURL(/range=24h/);
  await expect(page.getByTestId('overview-calls-value')).toHaveText(String(RECENT + 1));
  await expect(page.getByTestId('overview-users-value')).toHaveText('1');

  // Every chart is drawn.
  await expect(page.getByTestId('analytics-usage').locator('path.chart__line')).toHaveCount(2);
  await expect(page.getByTestId('analytics-latency').locator('path.chart__line')).toHaveCount(3);
  await expect(page.getByTestId('analytics-breakdown').locator('circle.donut__slice')).toHaveCount(1);
  await expect(page.getByTestId('analytics-breakdown').getByTestId('breakdown-row')).toContainText(t.server);
  const tools = page.getByTestId('analytics-tools');
  await expect(tools.locator('rect.bars__fill')).toHaveCount(4);
  await expect(tools.locator('.bars__row').first()).toContainText('echo');
  await expect(page.getByTestId('analytics-errors').locator('path.chart__line').first()).toBeVisible();
  await expect(page.getByTestId('errors-summary')).toContainText(`in ${RECENT + 1} calls`);
  await expect(page.getByTestId('analytics-heatmap').locator('rect.heatmap__cell')).toHaveCount(168);

  // The tooltip follows the keyboard.
  const plot = page.getByTestId('analytics-usage').getByRole('group', { name: /Calls over time/ });
  await plot.focus();
  await plot.press('ArrowLeft');
  await expect(plot.locator('.plot__tip')).toContainText('Calls:');

  // A longer range: more calls; the address keeps the view, so a reload shows it again.
  await page.getByLabel('Date range').selectOption({ label: 'Last 30 days' });
  await expect(page).toHaveURL(/range=30d/);
  await expect(page.getByTestId('overview-calls-value')).toHaveText(String(RECENT + OLDER + 1));
  await page.reload();
  await expect(page.getByLabel('Date range')).toHaveValue('30d');
  await expect(page.getByTestId('overview-calls-value')).toHaveText(String(RECENT + OLDER + 1));

  // A breakdown row narrows every view to itself, as a removable chip.
  await page.getByLabel('Break down by').selectOption('tool');
  await expect(page).toHaveURL(/by=tool/);
  await page.getByTestId('breakdown-row').getByRole('button', { name: `Filter by add · ${t.server}` }).click();
  await expect(page).toHaveURL(/tool=add/);
  const addCalls = [...recent, ...older].filter((e) => e.tool === 'add').length;
  await expect(page.getByTestId('overview-calls-value')).toHaveText(String(addCalls));
  await page.getByRole('button', { name: 'Remove the tool filter add' }).click();
  await expect(page.getByTestId('overview-calls-value')).toHaveText(String(RECENT + OLDER + 1));

  // Each section exports its view.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export overview as CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/^overview-.*\.csv$/);

  // A custom range is checked as typed.
  await page.getByLabel('Date range').selectOption('custom');
  await page.getByLabel('From', { exact: true }).fill('2026-03-02T10:00');
  await page.getByLabel('To', { exact: true }).fill('2026-03-01T10:00');
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect(page.locator('#analytics-from-errors')).toContainText('must be before the end');

  // Readable on a phone: nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoSidewaysScroll(page);
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await expect(page.getByTestId('dash-calls').locator('path.chart__line')).toHaveCount(1);
  await expectNoSidewaysScroll(page);
});

test('without telemetry:read, home is the profile and analytics says what is missing', async ({ page, request }) => {
  const token = await operatorToken(request);
  const suffix = unique();
  const role = `e2e-auditor-${suffix}`;
  await post(request, token, '/api/v1/roles', {
    name: role,
    description: 'Reads the audit log only',
    permissions: ['audit:read'],
    mfa_required: false,
  });
  const email = `auditor-${suffix}@example.com`;
  const password = 'auditor e2e passphrase';
  await post(request, token, '/api/v1/admins', { email, display_name: 'Auditor', roles: [role], password });

  await page.goto('/');
  await signIn(page, email, password);
  await expectSignedIn(page, email);
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole('link', { name: 'Dashboard', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Analytics', exact: true })).toHaveCount(0);
  await page.goto('/analytics');
  await expect(page.getByRole('heading', { name: 'You need the telemetry:read permission' })).toBeVisible();
});

import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectSignedIn, operatorToken, signIn, unique } from './fixtures';

// The demo MCP server the e2e run starts next to the API (playwright.config.ts).
const DEMO_URL = `http://127.0.0.1:${process.env.OMNI_E2E_DEMO_MCP_PORT ?? 18191}/mcp`;

async function post(request: APIRequestContext, token: string, path: string, data: unknown) {
  const response = await request.post(path, { headers: { Authorization: `Bearer ${token}` }, data });
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

async function openPage(page: Page) {
  await page.goto('/settings/usage');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Usage ingestion', level: 1 })).toBeVisible();
}

test('a refused event is shown with its reason, and replayed once its user exists', async ({ page, request }) => {
  const suffix = unique();
  const token = await operatorToken(request);
  const slug = `e2e-ingest-${suffix}`;
  const org = await post(request, token, '/api/v1/organizations', { name: `E2E Ingest ${suffix}`, slug });
  const server = `ingest-${suffix}`;
  await post(request, token, '/api/v1/mcp-servers', { name: server, transport: 'streamable_http', url: DEMO_URL });
  const email = `ada-${suffix}@example.com`;
  const eventId = randomUUID();
  const report = await post(request, token, '/api/v1/events', {
    events: [
      {
        id: eventId,
        time: new Date().toISOString(),
        organization: slug,
        user: email,
        server,
        tool: 'echo',
        status: 'ok',
        latency_ms: 120,
        input_tokens: 10,
        output_tokens: 5,
      },
    ],
  });
  expect(report.rejected).toBe(1);
  expect(report.results[0].reason).toBe('unknown_user');

  await openPage(page);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage ingestion' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  const letters = page.getByTestId('dead-letters');
  const row = letters.getByTestId('dead-letter-row').filter({ hasText: eventId });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('dead-letter-reason')).toHaveText('Unknown user');
  await expect(row).toContainText(email);
  // The payload is there to read, as sent.
  await row.getByText('Payload').click();
  await expect(row.locator('pre')).toContainText(`"tool": "echo"`);

  // Narrowed to the reason, with what fixes it.
  await letters.getByLabel('Reason').selectOption({ label: 'Unknown user' });
  await expect(letters.getByText('Create the hub user in the organization')).toBeVisible();
  await expect(row).toBeVisible();

  // The cause fixed, the event replays and leaves the list.
  await post(request, token, '/api/v1/users', { name: 'Ada Lovelace', email, organization_id: org.id });
  const replaySelected = letters.getByRole('button', { name: 'Replay selected' });
  await expect(replaySelected).toBeDisabled();
  await row.getByRole('checkbox', { name: `Select the event ${eventId}` }).check();
  await expect(letters.getByText('1 event selected.')).toBeVisible();
  await replaySelected.click();
  await expect(letters.getByTestId('replay-report')).toHaveText(
    'Replayed 1 event: 1 accepted, 0 duplicates, 0 still refused.',
  );
  await expect(letters.getByTestId('dead-letter-row')).toHaveCount(0);
  await expect(letters.getByTestId('no-dead-letters')).toContainText('No events refused as “unknown user”');

  // The API agrees: nothing is left refused for that reason.
  const again = await request.get('/api/v1/events/dead-letters?reason=unknown_user', {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect((await again.json()).items).toHaveLength(0);
});

test('model prices are edited in place, checked as typed, and kept', async ({ page }) => {
  const model = `e2e-model-${unique()}`;
  await openPage(page);
  const prices = page.getByTestId('model-prices');
  await expect(prices.getByRole('heading', { name: 'Model prices', exact: true })).toBeVisible();
  await expect(prices).toContainText('from now on');

  await prices.getByRole('button', { name: 'Add model' }).click();
  const row = prices.getByTestId('price-row').last();
  // The new row's model name has the focus.
  await expect(row.getByLabel('Model', { exact: true })).toBeFocused();
  await row.getByLabel('Model', { exact: true }).fill(model);
  await row.getByLabel('Input price').fill('-1');
  await expect(row.getByText('Input price must be between 0 and 100000.')).toBeVisible();
  await expect(row.getByLabel('Input price')).toHaveAttribute('aria-invalid', 'true');

  // Saving with a mistake sends nothing and shows what is missing too.
  await prices.getByRole('button', { name: 'Save prices' }).click();
  await expect(row.getByText('Output price is required.')).toBeVisible();
  await expect(row.getByLabel('Input price')).toBeFocused();

  await row.getByLabel('Input price').fill('3');
  await row.getByLabel('Output price').fill('15');
  await row.getByLabel('Cached price').fill('0.3');
  await expect(row.locator('[aria-invalid="true"]')).toHaveCount(0);
  await prices.getByRole('button', { name: 'Save prices' }).click();
  await expect(prices.getByText('Prices saved.')).toBeVisible();

  await page.reload();
  await expectSignedIn(page);
  const rows = page.getByTestId('model-prices').getByTestId('price-row');
  await expect(rows.first()).toBeVisible();
  const names = await rows.getByLabel('Model', { exact: true }).evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  expect(names.filter((name) => name === model)).toHaveLength(1);
  const kept = rows.nth(names.indexOf(model));
  await expect(kept.getByLabel('Input price')).toHaveValue('3');
  await expect(kept.getByLabel('Output price')).toHaveValue('15');
  await expect(kept.getByLabel('Cached price')).toHaveValue('0.3');

  // Narrow screens: the page fits 320 px without scrolling sideways.
  await page.setViewportSize({ width: 320, height: 800 });
  await expect(kept.getByLabel('Input price')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('without events:manage or settings:read, refused events are read-only and prices absent', async ({ browser, request }) => {
  const suffix = unique();
  const token = await operatorToken(request);
  const eventId = randomUUID();
  // An event naming a server that does not exist: refused, kept as a dead letter.
  const report = await post(request, token, '/api/v1/events', {
    events: [
      {
        id: eventId,
        time: new Date().toISOString(),
        organization: `no-such-org-${suffix}`,
        user: `nobody-${suffix}@example.com`,
        server: `no-such-server-${suffix}`,
        tool: 'echo',
        status: 'ok',
        latency_ms: 5,
        input_tokens: 0,
        output_tokens: 0,
      },
    ],
  });
  expect(report.rejected).toBe(1);
  // Support reads telemetry, but may neither replay nor see settings.
  const email = `support-${suffix}@example.com`;
  const password = `support passphrase ${suffix}`;
  await post(request, token, '/api/v1/admins', { email, display_name: 'E2E Support', roles: ['support'], password });

  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto('/settings/usage');
    await signIn(page, email, password);
    await expectSignedIn(page, email);
    await expect(page.getByRole('heading', { name: 'Usage ingestion', level: 1 })).toBeVisible();
    const letters = page.getByTestId('dead-letters');
    const row = letters.getByTestId('dead-letter-row').filter({ hasText: eventId });
    await expect(row).toBeVisible();
    await expect(letters.getByRole('button', { name: 'Replay selected' })).toHaveCount(0);
    await expect(row.getByRole('button', { name: /Discard/ })).toHaveCount(0);
    await expect(row.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Model prices' })).toHaveCount(0);
  } finally {
    await context.close();
  }
});

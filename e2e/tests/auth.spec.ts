import { expect, test } from '@playwright/test';
import { OPERATOR, expectSignedIn, operatorToken, signIn } from './fixtures';

test('sign in, survive a reload, sign out', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await signIn(page);
  await expectSignedIn(page);
  // The home page is the dashboard.
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Profile', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(OPERATOR.email);
  await expect(page.getByRole('main')).toContainText(OPERATOR.role);

  // The access token lives in memory only: a reload restores the session via the cookie.
  await page.reload();
  await expectSignedIn(page);
  await expect(page).not.toHaveURL(/\/login/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId('current-admin')).toHaveCount(0);
});

test('a deep link while signed out comes back after sign-in', async ({ page }) => {
  await page.goto('/profile?tab=permissions');
  await expect(page).toHaveURL(/\/login\?next=/);
  await signIn(page);
  await expect(page).toHaveURL(/\/profile\?tab=permissions$/);
  await expectSignedIn(page);
});

test('a wrong password shows an error and keeps you on the form', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, OPERATOR.email, 'definitely not the password');
  await expect(page.getByRole('alert')).toContainText('The email or password is incorrect');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByLabel('Password')).toBeVisible();
});

test('an unknown /api path is a problem document, not the app', async ({ request }) => {
  const res = await request.get('/api/v1/does-not-exist');
  expect(res.status()).toBe(404);
  expect(res.headers()['content-type']).toBe('application/problem+json');
});

test('Swagger UI lists every route of the OpenAPI document, offline', async ({ page, request }) => {
  const doc = await (await request.get('/api/openapi.json')).json();
  const paths = Object.keys(doc.paths);
  expect(paths.length).toBeGreaterThan(10);
  await page.goto('/docs/');
  await expect(page.getByRole('button', { name: /Authorize/ }).first()).toBeVisible();
  for (const path of paths) {
    await expect(page.locator(`.opblock-summary-path[data-path="${path}"]`).first()).toBeVisible();
  }
});

test('Swagger UI can authorize with a bearer token and call /auth/me', async ({ page, request }) => {
  const token = await operatorToken(request);

  await page.goto('/docs/');
  await page.getByRole('button', { name: /Authorize/ }).first().click();
  await page.getByRole('textbox', { name: 'auth-bearer-value' }).fill(token);
  await page.getByRole('button', { name: 'Apply credentials' }).click();
  await page.getByRole('button', { name: 'Close' }).first().click();

  const me = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path', { hasText: /^\/api\/v1\/auth\/me$/ }) });
  await me.locator('.opblock-summary').click();
  await me.getByRole('button', { name: 'Try it out' }).click();
  await me.getByRole('button', { name: 'Execute' }).click();
  await expect(me.locator('.live-responses-table tbody .response-col_status').first()).toContainText('200');
  await expect(me.locator('.live-responses-table')).toContainText(OPERATOR.email);
});

import { expect, test } from '@playwright/test';
import { expectSignedIn, signIn, unique } from './fixtures';

// The e2e database lives for the whole run: every test makes its own admins and tokens.

test('an owner adds a billing admin, who sees no admin settings', async ({ page, browser }) => {
  const email = `billing-${unique()}@example.com`;

  await page.goto('/settings/admins');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page).toHaveURL(/\/settings\/admins$/);
  await expect(page.getByRole('heading', { name: 'Admins', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Add admin' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add admin' });
  await expect(dialog).toBeVisible();
  // Validation as you type: a half-written address is refused before anything is sent.
  await dialog.getByLabel('Email').fill('billing');
  await dialog.getByLabel('Email').blur();
  await expect(dialog).toContainText('Email is not a valid email address.');
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByLabel('Name', { exact: true }).fill('E2E Billing');
  await dialog.getByRole('checkbox', { name: /^billing/ }).check();
  await dialog.getByRole('button', { name: 'Add admin' }).click();

  const added = page.getByRole('dialog', { name: 'Admin added' });
  await expect(added).toContainText(email);
  await expect(added).toContainText('Shown once');
  await expect(added.getByRole('button', { name: 'Copy' })).toBeVisible();
  const password = await page.getByTestId('generated-password').inputValue();
  expect(password.length).toBeGreaterThanOrEqual(12);
  await added.getByRole('button', { name: 'Done' }).click();
  await expect(added).toHaveCount(0);

  // The new admin is in the list, with their role.
  await page.getByLabel('Search').fill(email);
  await page.getByLabel('Search').press('Enter');
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('billing');
  await expect(row).toContainText('Active');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);

  const context = await browser.newContext();
  try {
    const billing = await context.newPage();
    await billing.goto('/login');
    await signIn(billing, email, password);
    await expectSignedIn(billing, email);

    const nav = billing.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'API tokens' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Admins' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Roles' })).toHaveCount(0);

    await billing.goto('/settings/admins');
    await expectSignedIn(billing, email);
    await expect(billing.getByRole('heading', { name: 'Admins', level: 1 })).toBeVisible();
    await expect(billing.getByRole('heading', { name: /You need the admins:read permission/ })).toBeVisible();
    await expect(billing.getByRole('button', { name: 'Add admin' })).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('an API token works with its permissions only, until it is revoked', async ({ page, request }) => {
  const name = `e2e audit reader ${unique()}`;

  await page.goto('/settings/tokens');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Create token' }).click();
  const form = page.getByRole('form', { name: 'New API token' });
  await expect(form).toBeVisible();
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByRole('checkbox', { name: /^audit:read/ }).check();
  await form.getByRole('button', { name: 'Create token' }).click();

  await expect(page.getByRole('heading', { name: `Token “${name}” created` })).toBeVisible();
  await expect(page.getByText('Shown once')).toBeVisible();
  const secret = await page.getByTestId('token-secret').inputValue();
  expect(secret).toMatch(/^omni_/);
  await expect(page.locator('pre')).toContainText(`Authorization: Bearer ${secret}`);

  const bearer = { Authorization: `Bearer ${secret}` };
  expect((await request.get('/api/v1/audit', { headers: bearer })).status()).toBe(200);
  const forbidden = await request.get('/api/v1/admins', { headers: bearer });
  expect(forbidden.status()).toBe(403);

  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('audit:read');
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Revoke this token?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(row).toContainText('Revoked');
  await expect(row.getByRole('button', { name: `Revoke ${name}` })).toHaveCount(0);

  expect((await request.get('/api/v1/audit', { headers: bearer })).status()).toBe(401);
});

test('the roles page shows the permission matrix of the built-in roles', async ({ page }) => {
  await page.goto('/settings/roles');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Roles', level: 1 })).toBeVisible();

  const matrix = page.getByRole('table', { name: 'Permissions granted by each role' });
  await expect(matrix).toBeVisible();
  for (const role of ['owner', 'admin', 'support', 'billing']) {
    await expect(matrix.getByRole('columnheader', { name: role, exact: true })).toBeVisible();
  }
  // The owner holds everything; billing does not manage admins.
  const manage = matrix.getByRole('row', { name: /admins:manage/ });
  const cells = manage.getByRole('cell');
  const headers = await matrix.getByRole('columnheader').allTextContents();
  const column = (role: string) => headers.findIndex((h) => h.trim() === role) - 1;
  await expect(cells.nth(column('owner'))).toHaveText('✓Granted');
  await expect(cells.nth(column('billing'))).toHaveText('·Not granted');
});

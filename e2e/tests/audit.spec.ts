import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectSignedIn, signIn } from './fixtures';

const CSV_HEADER =
  'seq,id,occurred_at,actor_kind,actor_id,actor_label,action,resource_type,resource_id,ip,user_agent,request_id,details,hash';

test('the audit log shows a failed sign-in, verifies its chain and exports it', async ({ page, request }) => {
  // Someone else gets a password wrong: the log records the email they typed.
  const stranger = `stranger-${Date.now()}@example.com`;
  const failed = await request.post('/api/v1/auth/login', {
    data: { email: stranger, password: 'not the password' },
  });
  expect(failed.status()).toBe(401);

  await page.goto('/');
  await signIn(page);
  await expectSignedIn(page);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();

  const action = page.getByLabel('Action', { exact: true });
  await action.fill('auth.login.failed');
  await action.press('Enter');
  // The filter is in the address: the view is a link to share.
  await expect(page).toHaveURL(/[?&]action=auth\.login\.failed/);

  const row = page.getByRole('row').filter({ hasText: stranger });
  await expect(row).toBeVisible();
  await expect(row).toContainText('auth.login.failed');
  await expect(row).toContainText('anonymous');

  await row.click();
  const drawer = page.getByRole('dialog', { name: 'Audit entry' });
  await expect(drawer).toBeVisible();
  await expect(drawer).toContainText(stranger);
  await expect(drawer).toContainText('auth.login.failed');
  await expect(page).toHaveURL(/[?&]entry=[0-9a-f-]{36}/);

  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(row).toBeFocused();
  await expect(page).not.toHaveURL(/entry=/);
  await expect(page).toHaveURL(/[?&]action=auth\.login\.failed/);

  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByText(/Chain intact: \d+ entr(y|ies) checked/)).toBeVisible();

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  expect(csv.split(/\r?\n/)[0]).toBe(CSV_HEADER);
  expect(csv).toContain('auth.login.failed');
  expect(csv).toContain(stranger);
});

test('an entry link opens its drawer, and a reload keeps the filter', async ({ page, request }) => {
  const stranger = `linked-${Date.now()}@example.com`;
  const failed = await request.post('/api/v1/auth/login', {
    data: { email: stranger, password: 'not the password' },
  });
  expect(failed.status()).toBe(401);

  await page.goto('/audit?action=auth.login.failed');
  await signIn(page);
  await expect(page).toHaveURL(/\/audit\?action=auth\.login\.failed$/);
  await page.getByRole('row').filter({ hasText: stranger }).click();
  await expect(page).toHaveURL(/entry=/);
  const link = page.url();

  // A fresh load of the link (the entry is fetched by id, not taken from the list).
  await page.goto(link);
  const drawer = page.getByRole('dialog', { name: 'Audit entry' });
  await expect(drawer).toBeVisible();
  await expect(drawer).toContainText(stranger);
  await drawer.getByRole('button', { name: 'Close' }).click();
  await expect(drawer).toBeHidden();
  await expect(page.getByLabel('Action', { exact: true })).toHaveValue('auth.login.failed');
});

import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectSignedIn, operatorToken, signIn, unique } from './fixtures';

// The demo MCP server the e2e run starts next to the API (playwright.config.ts).
const DEMO_URL = `http://127.0.0.1:${process.env.OMNI_E2E_DEMO_MCP_PORT ?? 18191}/mcp`;

/** Registers the demo server through the API and checks it, so its tools are known. */
async function registerDemoServer(request: APIRequestContext, name: string): Promise<string> {
  const headers = { Authorization: `Bearer ${await operatorToken(request)}` };
  const created = await request.post('/api/v1/mcp-servers', {
    headers,
    data: { name, transport: 'streamable_http', url: DEMO_URL },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const check = await request.post(`/api/v1/mcp-servers/${id}/health-check`, { headers });
  expect(check.status()).toBe(200);
  const result = await check.json();
  expect(result.check.status).toBe('up');
  expect(result.server.tool_count).toBe(4);
  return id;
}

test('an organization and its user: grant one tool, test calls, suspend, open as admin', async ({ page, request }) => {
  test.setTimeout(120_000);
  const suffix = unique();
  const orgName = `E2E Org ${suffix}`;
  const slug = `e2e-org-${suffix}`;
  const orgOption = `${orgName} (${slug})`;
  const serverName = `demo-${suffix}`;
  const email = `ada-${suffix}@example.com`;

  // A new organization, with its slug checked as typed and suggested by the name.
  await page.goto('/organizations');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Organizations', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'New organization' }).first().click();
  let dialog = page.getByRole('dialog', { name: 'New organization' });
  await dialog.getByLabel('Name', { exact: true }).fill(orgName);
  await expect(dialog.getByLabel('Slug')).toHaveValue(slug);
  await dialog.getByLabel('Slug').fill('Not A Slug');
  await dialog.getByLabel('Slug').blur();
  await expect(dialog.locator('#org-slug-errors')).toContainText('lowercase letters');
  await dialog.getByLabel('Slug').fill(slug);
  await expect(dialog.locator('#org-slug-errors')).toBeEmpty();
  await dialog.getByLabel('Plan').selectOption('team');
  await dialog.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(/\/organizations\/[0-9a-f-]{36}$/);
  const orgUrl = page.url();
  await expect(page.getByRole('heading', { name: orgName, level: 1 })).toBeVisible();
  await expect(page.getByTestId('org-status').first()).toHaveText('Active');

  // Settings overrides: dollars in the form, cents in the API; blank is the default.
  await expect(page.getByTestId('org-budget')).toHaveText('Platform default');
  await page.getByLabel('Monthly budget (US dollars)').fill('twelve');
  await expect(page.locator('#org-budget-errors')).toContainText('an amount in dollars');
  await page.getByLabel('Monthly budget (US dollars)').fill('$1,499.5');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await expect(page.getByTestId('org-budget')).toHaveText('$1,499.50 a month');
  await page.reload();
  await expect(page.getByLabel('Monthly budget (US dollars)')).toHaveValue('1499.50');

  // The same slug again: the server's conflict shows on the slug field.
  await page.getByRole('link', { name: '← All organizations' }).click();
  await page.getByLabel('Search', { exact: true }).fill(slug);
  await page.getByLabel('Search', { exact: true }).press('Enter');
  await expect(page.getByTestId('org-row').filter({ hasText: slug })).toContainText('Team');
  await page.getByRole('button', { name: 'New organization' }).first().click();
  dialog = page.getByRole('dialog', { name: 'New organization' });
  await dialog.getByLabel('Name', { exact: true }).fill(orgName);
  await dialog.getByRole('button', { name: 'Create organization' }).click();
  await expect(dialog.locator('#org-slug-errors')).toContainText('an organization with this slug exists');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // A user in it, created in the browser.
  const serverId = await registerDemoServer(request, serverName);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'New user' }).first().click();
  dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
  await dialog.getByLabel('Email').fill('not-an-email');
  await dialog.getByLabel('Email').blur();
  await expect(dialog.locator('#user-email-errors')).toContainText('not a valid email address');
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.locator('#user-organization-errors')).toContainText('Organization is required');
  await dialog.getByLabel('Organization', { exact: true }).selectOption({ label: orgOption });
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(page).toHaveURL(/\/users\/[0-9a-f-]{36}$/);
  const userUrl = page.url();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace', level: 1 })).toBeVisible();
  await expect(page.getByTestId('effective-summary')).toHaveText('The user can call no tool.');

  // The permissions editor: one tool of the demo server.
  const row = page.getByTestId('grant-row').filter({ hasText: serverName });
  await expect(row).toContainText('4 tools');
  await row.getByLabel('Selected tools').check();
  await page.getByRole('button', { name: 'Save permissions' }).click();
  await expect(row).toContainText('Choose at least one tool');
  await row.getByLabel('echo', { exact: true }).check();
  await expect(page.getByTestId('grants-status')).toHaveText('Unsaved changes.');
  await page.getByRole('button', { name: 'Save permissions' }).click();
  await expect(page.getByTestId('grants-status')).toHaveText('Permissions saved.');
  await expect(page.getByTestId('effective-summary')).toHaveText('The user can call 1 tool.');
  const effective = page.getByTestId('effective-server').filter({ hasText: serverName });
  await expect(effective.getByTestId('effective-tool').filter({ hasText: 'echo' })).toContainText('Allowed');
  await expect(effective.getByTestId('effective-tool').filter({ hasText: 'word_count' })).toContainText(
    'Not in the user',
  );

  // "Test a call": yes for echo, no for add, with the reason.
  await page.getByLabel('MCP server', { exact: true }).selectOption({ label: serverName });
  await page.getByLabel('Tool', { exact: true }).fill('echo');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  const answer = page.getByTestId('can-call-answer');
  await expect(answer).toContainText('Allowed: Yes');
  await expect(answer).toContainText(`The user's grant on ${serverName} names echo.`);
  await page.getByLabel('Tool', { exact: true }).fill('add');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(answer).toContainText('Allowed: No');
  await expect(answer).toContainText(`does not include add`);

  // "Open as admin": a chip in the header, kept across a reload, removable.
  await page.goto(orgUrl);
  await expect(page.getByTestId('org-user-count')).toHaveText('1');
  await page.getByRole('button', { name: 'Open as admin' }).click();
  const chip = page.getByTestId('org-scope');
  await expect(chip).toContainText(orgName);
  await page.reload();
  await expect(chip).toContainText(orgName);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByTestId('user-row')).toHaveCount(1);
  await expect(page.getByTestId('user-row')).toContainText(email);
  await page.getByRole('button', { name: `Remove the ${orgName} scope` }).click();
  await expect(chip).toHaveCount(0);

  // Suspend, with a reason: the user's calls are refused from then on.
  await page.goto(orgUrl);
  await page.getByRole('button', { name: 'Suspend', exact: true }).click();
  const suspend = page.getByRole('alertdialog', { name: `Suspend ${orgName}?` });
  await suspend.getByRole('button', { name: 'Suspend organization' }).click();
  await expect(suspend.locator('#org-status-reason-errors')).toContainText('Reason is required');
  await suspend.getByLabel('Reason').fill('e2e: invoice unpaid');
  await suspend.getByRole('button', { name: 'Suspend organization' }).click();
  await expect(suspend).toHaveCount(0);
  await expect(page.getByTestId('org-status').first()).toHaveText('Suspended');
  await expect(page.getByTestId('org-suspended')).toBeVisible();
  await expect(page.getByTestId('org-status-change').first()).toContainText('e2e: invoice unpaid');

  await page.goto(userUrl);
  await expect(page.getByTestId('effective-blocked')).toContainText('The organization is suspended');
  await page.getByLabel('MCP server', { exact: true }).selectOption({ label: serverName });
  await page.getByLabel('Tool', { exact: true }).fill('echo');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(answer).toContainText('Allowed: No');
  await expect(answer).toContainText("The user's organization is suspended: e2e: invoice unpaid");

  // The MCP server form gives it an owner; the owner's suspension shows on the server, and
  // an organization that owns a server cannot be deleted.
  await page.goto(`/mcp-servers/${serverId}`);
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit MCP server' });
  await edit.getByLabel('Owner', { exact: true }).selectOption({ label: `${orgOption}, suspended` });
  await expect(edit.getByText('drops the grants of users outside it')).toBeVisible();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toHaveCount(0);
  const owner = page.locator('.mcp-overview .org-label');
  await expect(owner).toContainText(orgName);
  await expect(owner).toContainText('Suspended');

  await page.goto(orgUrl);
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const remove = page.getByRole('alertdialog', { name: `Delete ${orgName}?` });
  await expect(remove.getByTestId('delete-impact')).toContainText('1 user is deleted with it');
  await expect(remove.getByTestId('delete-blocked')).toBeVisible();
  await remove.getByLabel(`Type ${slug} to confirm`).fill(slug);
  await expect(remove.getByRole('button', { name: 'Delete organization' })).toBeDisabled();
  await remove.getByRole('button', { name: 'Cancel' }).click();
});

test('CSV import: a bad row is named by its line; once fixed, every row is imported', async ({ page, request }) => {
  const suffix = unique();
  const slug = `csv-${suffix}`;
  const orgName = `CSV Org ${suffix}`;
  const headers = { Authorization: `Bearer ${await operatorToken(request)}` };
  const created = await request.post('/api/v1/organizations', { headers, data: { name: orgName, slug } });
  expect(created.status()).toBe(201);
  const { id: orgId } = await created.json();

  await page.goto('/users/import');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Import users', level: 1 })).toBeVisible();
  const good = `ann-${suffix}@example.com,Ann Example,${slug},member,true,slack:U${suffix.replace(/\D/g, '')}`;
  const bad = `not-an-email,Bob Example,${slug},viewer,,`;
  const csv = page.getByLabel('Or paste its contents');
  await csv.fill(`email,name,organization,role,enabled,external_ids\n${good}\n${bad}\n`);
  const importButton = page.getByRole('button', { name: /^Import/ });
  await expect(importButton).toBeDisabled();
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByTestId('import-report')).toContainText('2 rows checked: 1 problem');
  const problem = page.getByTestId('import-problem');
  await expect(problem).toHaveCount(1);
  await expect(problem.locator('td').nth(0)).toHaveText('3');
  await expect(problem.locator('td').nth(1)).toHaveText('email');
  await expect(importButton).toBeDisabled();

  // Fixed: checked again before it can be imported.
  await csv.fill(`email,name,organization,role,enabled,external_ids\n${good}\nbob-${suffix}@example.com,Bob Example,${slug},viewer,,\n`);
  await expect(page.getByText('The text changed since the last check')).toBeVisible();
  await expect(importButton).toBeDisabled();
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByTestId('import-report')).toContainText('2 rows checked: no problems');
  await expect(importButton).toHaveText('Import 2 users');
  await importButton.click();
  await expect(page.getByTestId('import-done')).toContainText('2 users imported');
  await expect(importButton).toBeDisabled();

  // Its members, on the organization's page; deleting it takes them along.
  await page.goto(`/organizations/${orgId}`);
  await expect(page.getByTestId('org-user-count')).toHaveText('2');
  await expect(page.getByTestId('user-row')).toHaveCount(2);
  await expect(page.getByTestId('user-row').filter({ hasText: `bob-${suffix}@example.com` })).toContainText('Viewer');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const remove = page.getByRole('alertdialog', { name: `Delete ${orgName}?` });
  await expect(remove.getByTestId('delete-impact')).toContainText('2 users are deleted with it');
  await remove.getByLabel(`Type ${slug} to confirm`).fill(slug);
  await remove.getByRole('button', { name: 'Delete organization' }).click();
  await expect(page).toHaveURL(/\/organizations$/);
  const gone = await request.get(`/api/v1/organizations/${orgId}`, { headers });
  expect(gone.status()).toBe(404);
});

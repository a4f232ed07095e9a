import { expect, test } from '@playwright/test';
import { expectSignedIn, signIn, unique } from './fixtures';

// The demo MCP server the e2e run starts next to the API (playwright.config.ts).
const DEMO_URL = `http://127.0.0.1:${process.env.OMNI_E2E_DEMO_MCP_PORT ?? 18191}/mcp`;

test('register the demo server, watch it go up with its tools, break it, delete it', async ({ page }) => {
  const name = `demo-${unique()}`;
  await page.goto('/mcp-servers');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'MCP servers', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Add MCP server' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add MCP server' });
  await expect(dialog).toBeVisible();
  // Checked as typed: a name with capitals and a URL without a scheme are refused.
  await dialog.getByLabel('Name', { exact: true }).fill('Demo Server');
  await dialog.getByLabel('Name', { exact: true }).blur();
  await expect(dialog.locator('#mcp-name-errors')).toContainText('lowercase');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await expect(dialog.locator('#mcp-name-errors')).toBeEmpty();
  await dialog.getByLabel('URL').fill('127.0.0.1/mcp');
  await dialog.getByLabel('URL').blur();
  await expect(dialog.locator('#mcp-url-errors')).toContainText('http:// or https://');
  await dialog.getByLabel('URL').fill(DEMO_URL);
  await dialog.getByLabel('Tags').fill('demo, e2e');
  await dialog.getByRole('button', { name: 'Add MCP server' }).click();
  await expect(dialog).toHaveCount(0);

  // The new server's card; its page runs a real MCP check on demand.
  await page.getByLabel('Search', { exact: true }).fill(name);
  await page.getByLabel('Search', { exact: true }).press('Enter');
  const card = page.getByTestId('mcp-card').filter({ hasText: name });
  await expect(card).toBeVisible();
  await card.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('check-result')).toContainText('Up');
  await expect(page.getByTestId('health-status').first()).toHaveText('Up');
  const tools = page.getByTestId('tool');
  await expect(tools).toHaveCount(4);
  await expect(tools.filter({ hasText: 'word_count' })).toBeVisible();
  await tools.filter({ hasText: 'echo' }).locator('summary').click();
  await expect(tools.filter({ hasText: 'echo' }).locator('pre').first()).toContainText('"text"');
  await page.getByLabel('Search tools').fill('add');
  await page.getByLabel('Search tools').press('Enter');
  await expect(tools).toHaveCount(1);
  await expect(page.getByTestId('tool-change').first()).toContainText('Added');

  // Point it at a port where nothing listens: the next check finds it down, and says why.
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit MCP server' });
  await edit.getByLabel('URL').fill('http://127.0.0.1:9/mcp');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toHaveCount(0);
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('check-result')).toContainText('Down');
  await expect(page.getByTestId('last-error')).toContainText('could not connect');

  // The table view lists it too.
  await page.getByRole('link', { name: '← All MCP servers' }).click();
  await page.getByRole('button', { name: 'Table' }).click();
  await page.getByLabel('Search', { exact: true }).fill(name);
  await page.getByLabel('Search', { exact: true }).press('Enter');
  const row = page.getByTestId('mcp-row').filter({ hasText: name });
  await expect(row).toContainText('Down');
  await row.getByRole('link', { name }).click();

  // Deleting asks first and shows what goes with it.
  await page.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete this MCP server?' });
  await expect(confirm.getByTestId('delete-impact')).toContainText('4 tools');
  const button = confirm.getByRole('button', { name: 'Delete MCP server' });
  await expect(button).toBeDisabled();
  await confirm.getByLabel(`Type ${name} to confirm`).fill(name);
  await button.click();
  await expect(page).toHaveURL(/\/mcp-servers$/);
  await page.getByLabel('Search', { exact: true }).fill(name);
  await page.getByLabel('Search', { exact: true }).press('Enter');
  await expect(page.getByText('No MCP servers match these filters')).toBeVisible();
});

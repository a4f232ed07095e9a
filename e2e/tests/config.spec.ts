import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { OPERATOR, expectSignedIn, operatorToken, signIn, unique } from './fixtures';

// Nothing listens on port 9: the server stays down, so no health check discovers tools
// and changes the configuration while the test reviews it.
const NOWHERE = 'http://127.0.0.1:9/mcp';

async function call(request: APIRequestContext, token: string, method: 'GET' | 'POST', path: string, data?: unknown) {
  const response = await request.fetch(path, { method, headers: { Authorization: `Bearer ${token}` }, data });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBeTruthy();
  return response;
}

/** The server's entry in a document: from its `name:` line to the next entry or section. */
function serverBlock(yaml: string, name: string): { start: number; end: number } {
  const start = yaml.indexOf(`name: "${name}"`);
  expect(start, `${name} is in the document`).toBeGreaterThan(0);
  const rest = yaml.slice(start + 1);
  const next = rest.search(/\n(\s*- name: |\S)/);
  return { start, end: next < 0 ? yaml.length : start + 1 + next };
}

function timeoutOf(yaml: string, name: string): number {
  const { start, end } = serverBlock(yaml, name);
  return Number(/timeout_ms: (\d+)/.exec(yaml.slice(start, end))?.[1]);
}

function withServer(yaml: string, name: string, edit: (block: string) => string): string {
  const { start, end } = serverBlock(yaml, name);
  return yaml.slice(0, start) + edit(yaml.slice(start, end)) + yaml.slice(end);
}

/** Applies through the REST API what the export holds, with one edit: a snapshot to go
 * back to. Its message names the server, so each test finds its own. */
async function applyBaseline(request: APIRequestContext, token: string, name: string): Promise<string> {
  const message = `e2e baseline for ${name}`;
  const exported = await (await call(request, token, 'GET', '/api/v1/config/export')).text();
  const document = withServer(exported, name, (block) =>
    block.replace(/description: "[^"]*"/, 'description: "e2e baseline"'),
  );
  const diff = await (await call(request, token, 'POST', '/api/v1/config/diff', { document, secrets: {} })).json();
  const outcome = await (
    await call(request, token, 'POST', '/api/v1/config/apply', {
      document,
      secrets: {},
      base_state: diff.base_state,
      dry_run: false,
      source: 'api',
      message,
    })
  ).json();
  expect(outcome.applied).toBe(true);
  expect(outcome.snapshot).toBeTruthy();
  return message;
}

/** Confirms the apply; should the hub change in between (a background job of another
 * spec), the dialog says so, and the new diff is reviewed and applied. */
async function confirmApply(page: Page) {
  const dialog = page.getByRole('alertdialog', { name: 'Apply this document?' });
  await dialog.getByRole('button', { name: 'Apply changes' }).click();
  const conflict = dialog.getByTestId('apply-conflict');
  await expect(page.getByTestId('config-done').or(conflict).first()).toBeVisible();
  if (await conflict.isVisible()) {
    await conflict.getByRole('button', { name: 'Review the new diff' }).click();
    await page.getByRole('button', { name: 'Apply…' }).click();
    await page.getByRole('alertdialog', { name: 'Apply this document?' }).getByRole('button', { name: 'Apply changes' }).click();
  }
  await expect(dialog).toBeHidden();
}

async function editorText(editor: Locator) {
  return editor.inputValue();
}

test('export, import, edit a timeout, review, apply, and roll back to the snapshot before', async ({ page, request }) => {
  const token = await operatorToken(request);
  const name = `cfg-${unique()}`;
  const created = await (
    await call(request, token, 'POST', '/api/v1/mcp-servers', {
      name,
      transport: 'streamable_http',
      url: NOWHERE,
      timeout_ms: 10000,
      check_interval_seconds: 86400,
    })
  ).json();
  const baselineMessage = await applyBaseline(request, token, name);

  await page.goto('/settings/configuration');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Configuration', level: 1 })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Configuration' }),
  ).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('config-origin')).toContainText(`Last applied through the API by ${OPERATOR.email}`);

  // The export downloads as a file.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download YAML' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('omni-config.yaml');
  const file = await readFile(await download.path(), 'utf8');
  expect(file).toContain(`name: "${name}"`);
  expect(timeoutOf(file, name)).toBe(10000);
  await expect(page.getByText('Saved omni-config.yaml.')).toBeVisible();

  // The editor holds the same document, highlighted; it is checked as it is typed.
  const editor = page.getByLabel('YAML document');
  await expect(editor).toHaveValue(new RegExp(`name: "${name}"`));
  await expect(page.locator('.yaml-code .y-key').first()).toBeVisible();
  const validation = page.getByTestId('config-validation');
  await expect(validation).toContainText(/No problems found|can be applied/);

  // A file with a mistake is imported: the mistake is caught where it is, and choosing it
  // puts the caret on its line.
  const original = await editorText(editor);
  await page.getByLabel('Import a file').setInputFiles({
    name: 'broken.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(withServer(original, name, (block) => block.replace('timeout_ms: 10000', 'timeout_ms: soon'))),
  });
  await expect(page.getByText('Read broken.yaml.')).toBeVisible();
  await expect(editor).toHaveValue(/timeout_ms: soon/);
  const problem = page.getByTestId('config-problem').filter({ hasText: 'timeout_ms' });
  await expect(problem).toBeVisible();
  await expect(page.locator('.yaml-editor__gutter .gl.is-error')).toHaveCount(1);
  await problem.click();
  await expect(editor).toBeFocused();
  const caretLine = await editor.evaluate((area: HTMLTextAreaElement) =>
    area.value.slice(0, area.selectionStart).split('\n').length,
  );
  const problemLine = Number(/Line (\d+):/.exec((await problem.textContent()) ?? '')?.[1]);
  expect(caretLine).toBe(problemLine);

  // The edit: a longer timeout.
  await editor.fill(withServer(original, name, (block) => block.replace('timeout_ms: 10000', 'timeout_ms: 12000')));
  await expect(page.locator('[data-testid="config-problem"].problem--error')).toHaveCount(0);
  await expect(validation).toContainText(/No problems found|can be applied/);
  await expect(page.getByTestId('config-dirty')).toContainText('Edited');

  await page.getByRole('button', { name: 'Review changes' }).click();
  const review = page.getByTestId('config-review');
  await expect(review.getByTestId('change-summary')).toContainText('1 updated');
  const change = review.getByTestId('config-change').filter({ hasText: name });
  await expect(change).toContainText('Updated');
  const timeout = change.getByTestId('field-change').filter({ hasText: 'timeout_ms' });
  await expect(timeout).toContainText('10000');
  await expect(timeout).toContainText('12000');
  await review.getByRole('button', { name: 'Side by side' }).click();
  await expect(review.getByTestId('text-diff')).toContainText('timeout_ms: 12000');
  await review.getByRole('button', { name: 'By entity' }).click();

  await review.getByRole('button', { name: 'Apply…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Apply this document?' });
  await expect(confirm).toContainText('0 created, 1 updated, 0 deleted');
  await confirm.getByLabel('Note (optional)').fill('e2e: a longer timeout');
  await confirmApply(page);
  await expect(page.getByTestId('config-done')).toContainText('Applied');

  // The new snapshot is at the top of the timeline; the header says where it came from.
  const snapshots = page.getByTestId('config-snapshots').getByTestId('snapshot');
  await expect(snapshots.first()).toContainText('e2e: a longer timeout');
  await expect(snapshots.first().getByTestId('snapshot-source')).toHaveText('Console');
  await expect(snapshots.first()).toContainText('Live');
  await expect(page.getByTestId('config-origin')).toContainText(`Last applied from the console's editor by ${OPERATOR.email}`);
  await expect(page.getByTestId('config-drift')).toContainText('In sync');
  await expect(page.getByTestId('config-dirty')).toContainText('unchanged');
  expect(timeoutOf(await editorText(editor), name)).toBe(12000);

  // A snapshot's document, read-only; Escape closes it.
  await snapshots.first().getByRole('button', { name: /^View the snapshot of/ }).click();
  const viewer = page.getByRole('dialog', { name: /^Snapshot of/ });
  await expect(viewer.getByRole('region')).toContainText(`name: "${name}"`);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // The baseline against the current configuration.
  const baseline = snapshots.filter({ hasText: baselineMessage });
  await baseline.getByRole('checkbox', { name: /^Pick the snapshot of/ }).check();
  await page.getByRole('button', { name: 'Compare with current' }).click();
  const comparison = page.getByRole('dialog', { name: 'Compare snapshots' });
  const compared = comparison.getByTestId('config-change').filter({ hasText: name });
  await expect(compared.getByTestId('field-change').filter({ hasText: 'timeout_ms' })).toContainText('12000');
  await comparison.getByRole('button', { name: 'Close' }).last().click();
  await expect(comparison).toBeHidden();

  // Roll back to it: the preview first, then the confirmation.
  await baseline.getByRole('button', { name: /^Roll back to the snapshot of/ }).click();
  const rollback = page.getByRole('alertdialog', { name: 'Roll back to this snapshot?' });
  const back = rollback.getByTestId('config-change').filter({ hasText: name });
  await expect(back.getByTestId('field-change').filter({ hasText: 'timeout_ms' })).toContainText('10000');
  await rollback.getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect(rollback).toBeHidden();
  await expect(page.getByTestId('config-done')).toContainText('Rolled back');
  await expect(snapshots.first().getByTestId('snapshot-source')).toHaveText('Rollback');
  await expect(page.getByTestId('config-origin')).toContainText('as a rollback');

  // The old timeout is back: in the editor after a reload, and on the server itself.
  await page.reload();
  await expect(editor).toHaveValue(new RegExp(`name: "${name}"`));
  expect(timeoutOf(await editorText(editor), name)).toBe(10000);
  const server = await (await call(request, token, 'GET', `/api/v1/mcp-servers/${created.id}`)).json();
  expect(server.timeout_ms).toBe(10000);

  // Narrow screens: the page fits 320 px; the editor and the diffs scroll inside themselves.
  await page.setViewportSize({ width: 320, height: 800 });
  await expect(page.getByRole('heading', { name: 'Configuration', level: 1 })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('with config:read only, the document can be read and reviewed but not applied or rolled back', async ({ browser, request }) => {
  const suffix = unique();
  const token = await operatorToken(request);
  const name = `cfg-read-${suffix}`;
  await call(request, token, 'POST', '/api/v1/mcp-servers', {
    name,
    transport: 'streamable_http',
    url: NOWHERE,
    check_interval_seconds: 86400,
  });
  const baselineMessage = await applyBaseline(request, token, name);
  const role = `e2e-config-reader-${suffix}`;
  await call(request, token, 'POST', '/api/v1/roles', {
    name: role,
    description: 'Reads the configuration, changes nothing',
    permissions: ['config:read'],
    mfa_required: false,
  });
  const email = `config-reader-${suffix}@example.com`;
  const password = `config reader passphrase ${suffix}`;
  await call(request, token, 'POST', '/api/v1/admins', { email, display_name: 'E2E Config Reader', roles: [role], password });

  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto('/settings/configuration');
    await signIn(page, email, password);
    await expectSignedIn(page, email);
    await expect(page.getByRole('heading', { name: 'Configuration', level: 1 })).toBeVisible();
    const editor = page.getByLabel('YAML document');
    await expect(editor).toHaveValue(new RegExp(`name: "${name}"`));
    await editor.fill(withServer(await editor.inputValue(), name, (block) => block.replace(/timeout_ms: \d+/, 'timeout_ms: 15000')));
    await page.getByRole('button', { name: 'Review changes' }).click();
    const review = page.getByTestId('config-review');
    await expect(review.getByTestId('config-change').filter({ hasText: name })).toContainText('timeout_ms');
    await expect(review.getByRole('button', { name: 'Apply…' })).toHaveCount(0);
    await expect(review).toContainText('Applying needs the config:write permission.');
    const snapshot = page.getByTestId('snapshot').filter({ hasText: baselineMessage });
    await expect(snapshot.getByRole('button', { name: /^View the snapshot of/ })).toBeVisible();
    await expect(snapshot.getByRole('button', { name: /^Roll back/ })).toHaveCount(0);
  } finally {
    await context.close();
  }
});

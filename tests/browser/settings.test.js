// Settings > General and Settings > Cron in a real browser: saving (by AJAX, and as a
// plain form post without JavaScript), field errors next to their fields with nothing
// saved, the crontab line of standalone mode, and a stored script payload shown as text.
// Every test reads the database after the action.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

describe('settings', () => {
	let h;
	before(async () => {
		h = await startHarness();
	});
	after(async () => {
		if (h) await h.stop();
	});
	beforeEach(() => {
		h.query('DELETE FROM puq_proxmox_kvm_settings');
	});

	const errorOf = (name) => h.page.locator(`[data-setting="${name}"] .puqkvm-field-error`);

	test('general settings are saved and shown again', async () => {
		await h.page.goto(h.addonUrl('settings_general'));
		await h.page.fill('#setting-default_timeout', '25');
		await h.page.fill('#setting-heavy_timeout', '120');
		await h.page.uncheck('#setting-migration_enabled');
		await h.page.fill('#setting-dns_endpoint_allowlist', '192.0.2.0/24\n2001:db8::/32');
		await h.page.click('#puqkvm-save');
		await h.page.waitForSelector('.puqkvm-ajax-alert.alert-success');
		await h.screenshot('settings-general-saved');

		assert.equal(h.setting('default_timeout'), '25');
		assert.equal(h.setting('heavy_timeout'), '120');
		assert.equal(h.setting('migration_enabled'), '0');
		assert.equal(h.setting('dns_endpoint_allowlist'), '192.0.2.0/24\n2001:db8::/32');
		assert.equal(h.setting('drop_tables_on_deactivate'), '0');

		await h.page.reload();
		assert.equal(await h.page.inputValue('#setting-default_timeout'), '25');
		assert.equal(await h.page.isChecked('#setting-migration_enabled'), false);
	});

	test('out-of-range values are shown next to their fields and nothing is saved', async () => {
		h.query("INSERT INTO puq_proxmox_kvm_settings (name, value) VALUES ('heavy_timeout', '77')");
		await h.page.goto(h.addonUrl('settings_general'));
		await h.page.fill('#setting-default_timeout', '301');
		await h.page.fill('#setting-heavy_timeout', '90');
		await h.page.fill('#setting-migration_timeout', '5');
		await h.page.click('#puqkvm-save');
		await errorOf('default_timeout').waitFor();
		await h.screenshot('settings-general-invalid');

		assert.match(await errorOf('default_timeout').textContent(), /1 to 300/);
		assert.match(await errorOf('migration_timeout').textContent(), /10 to 3600/);
		assert.equal(await errorOf('heavy_timeout').count(), 0);
		assert.equal(await h.page.locator('[data-setting="default_timeout"].has-error').count(), 1);
		assert.match(await h.page.textContent('.puqkvm-ajax-alert.alert-danger'), /nothing was saved/);
		// the database: the valid field was not saved either
		assert.deepEqual(h.query('SELECT name, value FROM puq_proxmox_kvm_settings ORDER BY name'),
			[{ name: 'heavy_timeout', value: '77' }]);
	});

	test('without JavaScript the form posts and the server shows the same field errors', async () => {
		const context = await h.browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		try {
			await h.login(page);
			await page.goto(h.addonUrl('settings_general'));
			await page.fill('#setting-default_timeout', '0');
			const [response] = await Promise.all([page.waitForNavigation(), page.click('#puqkvm-save')]);
			assert.equal(response.status(), 422);
			assert.match(await page.textContent('[data-setting="default_timeout"] .puqkvm-field-error'), /1 to 300/);
			assert.equal(await page.inputValue('#setting-default_timeout'), '0', 'the typed value is kept');
			await h.screenshot('settings-general-invalid-nojs', page);
			assert.deepEqual(h.query('SELECT name FROM puq_proxmox_kvm_settings'), []);

			await page.fill('#setting-default_timeout', '15');
			await Promise.all([page.waitForNavigation(), page.click('#puqkvm-save')]);
			assert.match(page.url(), /action=settings_general$/);
			assert.match(await page.textContent('.puqkvm-messages'), /Settings saved\./);
			assert.equal(h.setting('default_timeout'), '15');
		} finally {
			await context.close();
		}
	});

	test('standalone cron mode shows the crontab line and saves the task intervals', async () => {
		await h.page.goto(h.addonUrl('settings_cron'));
		assert.equal(await h.page.isVisible('#puqkvm-crontab'), false);
		await h.page.check('#setting-cron_mode-standalone');
		assert.equal(await h.page.isVisible('#puqkvm-crontab'), true);
		await h.page.fill('#setting-cron_php_binary', '/usr/bin/php8.2');
		await h.page.fill('#setting-cron_interval_collectingStatistics', '0');
		await h.page.fill('#setting-cron_interval_scheduleBackup', '15');
		await h.page.click('#puqkvm-save');
		await h.page.waitForSelector('.puqkvm-ajax-alert.alert-success');
		const line = await h.page.textContent('#puqkvm-crontab-line');
		assert.equal(line, `* * * * * /usr/bin/php8.2 -q ${h.root}/modules/addons/puq_proxmox_kvm/cron.php`);
		await h.screenshot('settings-cron-standalone');

		assert.equal(h.setting('cron_mode'), 'standalone');
		assert.equal(h.setting('cron_php_binary'), '/usr/bin/php8.2');
		assert.equal(h.setting('cron_interval_collectingStatistics'), '0');
		assert.equal(h.setting('cron_interval_scheduleBackup'), '15');

		await h.page.check('#setting-cron_mode-whmcs');
		assert.equal(await h.page.isVisible('#puqkvm-crontab'), false);
	});

	test('a script in a text setting is stored and shown as plain text', async () => {
		const payload = '/opt/"><img src=x onerror=alert(1)><script>alert(2)</script>';
		await h.page.goto(h.addonUrl('settings_cron'));
		await h.page.check('#setting-cron_mode-standalone');
		await h.page.fill('#setting-cron_php_binary', payload);
		await h.page.click('#puqkvm-save');
		await h.page.waitForSelector('.puqkvm-ajax-alert.alert-success');
		assert.equal(h.setting('cron_php_binary'), payload, 'stored exactly as typed');

		await h.page.reload();
		await h.page.waitForLoadState('load');
		assert.equal(await h.page.inputValue('#setting-cron_php_binary'), payload);
		assert.ok((await h.page.textContent('#puqkvm-crontab-line')).includes(payload));
		assert.equal(await h.page.locator('.puqkvm img, .puqkvm-page script').count(), 0, 'no element was injected');
		assert.deepEqual(h.dialogs, [], 'no script ran');
		await h.screenshot('settings-xss-inert');
	});
});

// Setup > Addon Modules in a real browser: deactivating keeps the module's tables and
// settings (unless "Delete all database tables" is on), activating again continues where
// it stopped. The database is checked after every click.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

describe('addon activation', () => {
	let h;
	before(async () => {
		h = await startHarness();
	});
	after(async () => {
		if (h) await h.stop();
	});

	const moduleTables = () => h.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() "
		+ "AND table_name LIKE 'puq\\_proxmox\\_kvm%'").map((r) => r.t).sort();
	const addonRows = () => h.query("SELECT setting FROM tbladdonmodules WHERE module = 'puq_proxmox_kvm'");
	const click = async (action) => {
		await h.page.goto(h.adminUrl('configaddonmods.php'));
		await Promise.all([h.page.waitForLoadState('load'),
			h.page.click(`tr[data-module="puq_proxmox_kvm"] button[value="${action}"]`)]);
		return h.page.textContent('#addon-setup-message');
	};

	test('deactivation keeps the tables and settings, activation continues', async () => {
		h.query("INSERT INTO puq_proxmox_kvm_settings (name, value) VALUES ('default_timeout', '45')");
		const tables = moduleTables();
		assert.ok(tables.includes('puq_proxmox_kvm_settings'));

		assert.match(await click('deactivate'), /tables and settings were kept/);
		await h.screenshot('addon-deactivated');
		assert.deepEqual(moduleTables(), tables);
		assert.deepEqual(addonRows(), []);
		const denied = await h.page.goto(h.addonUrl('home'));
		assert.equal(denied.status(), 403);

		assert.match(await click('activate'), /is active/);
		assert.ok(addonRows().length > 0);
		await h.page.goto(h.addonUrl('settings_general'));
		assert.equal(await h.page.inputValue('#setting-default_timeout'), '45');
	});

	test('with "Delete all database tables" on, deactivation drops them', async () => {
		await h.page.goto(h.addonUrl('settings_general'));
		await h.page.check('#setting-drop_tables_on_deactivate');
		await h.page.click('#puqkvm-save');
		await h.page.waitForSelector('.puqkvm-ajax-alert.alert-success');
		assert.equal(h.setting('drop_tables_on_deactivate'), '1');

		assert.match(await click('deactivate'), /database tables of the module were deleted/);
		assert.deepEqual(moduleTables(), []);
		assert.equal(h.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() "
			+ "AND table_name = 'tblhosting'")[0].n, 1, 'WHMCS tables stay');

		assert.match(await click('activate'), /is active/);
		assert.ok(moduleTables().includes('puq_proxmox_kvm_settings'));
		assert.equal(h.setting('default_timeout'), null, 'a fresh start: defaults');
	});
});

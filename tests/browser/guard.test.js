// A WHMCS whose PHP lost the puqkvm extension: every addon page shows the notice that
// says what to do, inside the normal admin page, and nothing in the database changes.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

describe('without the extension', () => {
	let h;
	before(async () => {
		h = await startHarness({ serverExtension: false });
	});
	after(async () => {
		if (h) await h.stop();
	});

	test('every page shows the notice and the admin area keeps working', async () => {
		const before = h.query('SELECT name, value FROM puq_proxmox_kvm_meta ORDER BY name');
		for (const action of ['home', 'ip_pools', 'dns_zones', 'vm_management', 'settings_general', 'settings_cron', 'help']) {
			const response = await h.page.goto(h.addonUrl(action));
			assert.equal(response.status(), 503, action);
			const notice = await h.page.textContent('.puqkvm-notice');
			assert.match(notice, /The puqkvm PHP extension is not loaded\./, action);
			assert.match(notice, /extension=puqkvm/, action);
			assert.equal(await h.page.locator('.puqkvm-nav').count(), 1, `${action}: the menu is still there`);
			if (action === 'home') await h.screenshot('notice-no-extension');
		}
		const home = await h.page.goto(h.adminUrl('index.php'));
		assert.equal(home.status(), 200, 'the rest of the admin area is not affected');
		assert.deepEqual(h.query('SELECT name, value FROM puq_proxmox_kvm_meta ORDER BY name'), before);
		assert.deepEqual(h.query('SELECT name FROM puq_proxmox_kvm_settings'), []);
		assert.deepEqual(h.dialogs, []);
	});
});

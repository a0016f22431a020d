// State-changing requests in a real browser session: a save without the CSRF token, with
// a wrong one, or from a page whose session ended, is refused and changes nothing; only
// the page's own form with its token saves. Every test reads the database afterwards.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

describe('CSRF protection', () => {
	let h;
	before(async () => {
		h = await startHarness({ adminPath: 'secret-admin' });
	});
	after(async () => {
		if (h) await h.stop();
	});

	const settingsRows = () => h.query('SELECT name, value FROM puq_proxmox_kvm_settings');

	test('an AJAX save without the token is refused with 403', async () => {
		await h.page.goto(h.addonUrl('settings_general'));
		const answer = await h.page.evaluate(async (url) => {
			const response = await fetch(url, {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'X-Requested-With': 'XMLHttpRequest' },
				body: new URLSearchParams({ ajax: '1', 'settings[default_timeout]': '99' }),
			});
			return { status: response.status, body: await response.json() };
		}, h.addonUrl('settings_general'));
		assert.equal(answer.status, 403);
		assert.match(answer.body.error, /security token/);
		assert.deepEqual(settingsRows(), []);
	});

	test('the form with its token removed is refused and the page says why', async () => {
		await h.page.goto(h.addonUrl('settings_general'));
		await h.page.fill('#setting-default_timeout', '99');
		await h.page.evaluate(() => document.querySelector('#puqkvm-settings-general input[name="token"]').remove());
		await h.page.evaluate(() => document.getElementById('puqkvm').setAttribute('data-token', ''));
		await h.page.click('#puqkvm-save');
		await h.page.waitForSelector('.puqkvm-ajax-alert.alert-danger');
		assert.match(await h.page.textContent('.puqkvm-ajax-alert.alert-danger'), /security token/);
		await h.screenshot('csrf-refused');
		assert.deepEqual(settingsRows(), []);
	});

	test('a form posted from another site with a guessed token is refused', async () => {
		// what a forged cross-site form does: a plain POST with the admin's cookie and a wrong token
		const response = await h.page.request.post(h.addonUrl('settings_cron'), {
			form: { token: '0'.repeat(40), 'settings[cron_mode]': 'standalone' },
			maxRedirects: 0,
		});
		assert.equal(response.status(), 403);
		assert.match(await response.text(), /Invalid security token/);
		assert.deepEqual(settingsRows(), []);
	});

	test('a page left open across a logout cannot save', async () => {
		await h.page.goto(h.addonUrl('settings_general'));
		const other = await h.context.newPage();
		await other.goto(h.adminUrl('logout.php'));
		await other.close();
		await h.page.fill('#setting-default_timeout', '42');
		await h.page.click('#puqkvm-save');
		await h.page.waitForSelector('.puqkvm-ajax-alert.alert-danger');
		assert.match(await h.page.textContent('.puqkvm-ajax-alert.alert-danger'), /session may have ended/);
		assert.deepEqual(settingsRows(), []);
		await h.login();
	});

	test('the page\'s own form with its token saves', async () => {
		await h.page.goto(h.addonUrl('settings_general'));
		await h.page.fill('#setting-default_timeout', '33');
		await h.page.click('#puqkvm-save');
		await h.page.waitForSelector('.puqkvm-ajax-alert.alert-success');
		assert.equal(h.setting('default_timeout'), '33');
		assert.equal(h.setting('heavy_timeout'), '60', 'the other fields of the form, as shown');
	});
});

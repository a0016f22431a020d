// The DNS Zones page in a real browser: adding a zone with the form that follows the
// Type, field errors with nothing saved, editing with write-only secrets (the stored
// secret is never in the page; an untouched secret field keeps it, a typed one replaces
// it), the Test button's toasts against the real PowerDNS of scripts/services, deleting
// after the confirmation, posts without the CSRF token or the admin session refused, and
// a script payload rendered as text. Every test reads the database after the action.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

const XSS = '<img src=x onerror="window.__xss=1">"\'';
const TOKEN = 'cf-token-that-must-never-reach-the-browser';
const PDNS_URL = process.env.PUQKVM_PDNS_API_URL;
const PDNS_KEY = process.env.PUQKVM_PDNS_API_KEY;

async function pdns(method, path, body) {
	const res = await fetch(`${PDNS_URL}/api/v1/servers/localhost${path}`, {
		method,
		headers: { 'X-API-Key': PDNS_KEY, 'Content-Type': 'application/json' },
		body: body ? JSON.stringify(body) : undefined,
	});
	return res.status;
}

describe('dns zones', () => {
	let h;
	before(async () => {
		assert.ok(PDNS_URL && PDNS_KEY, 'scripts/test exports the PowerDNS settings');
		h = await startHarness();
	});
	after(async () => {
		if (h) await h.stop();
	});
	beforeEach(() => {
		h.query('DELETE FROM puq_proxmox_kvm_dns_zones');
	});

	const zones = () => h.query('SELECT id, zone, type, account_id, zone_id, api_token, server_url, admin_user,'
		+ ' admin_password, user, api_key FROM puq_proxmox_kvm_dns_zones ORDER BY id');
	const errorOf = (name) => h.page.locator(`#puqkvm-zone-form [data-field="${name}"] .puqkvm-field-error`);
	const visible = (name) => h.page.locator(`#puqkvm-zone-form [data-field="${name}"]`).isVisible();

	// the modal has finished fading in (for screenshots that show it)
	const shown = (id) => h.page.waitForFunction((sel) => {
		const el = document.querySelector(sel);
		return el && el.classList.contains('in') && getComputedStyle(el).opacity === '1';
	}, id);

	async function openAdd() {
		await h.page.goto(h.addonUrl('dns_zones'));
		await h.page.click('#puqkvm-zone-add');
		await h.page.locator('#puqkvm-zone-modal').waitFor({ state: 'visible' });
		await shown('#puqkvm-zone-modal');
	}

	async function saveAndReload() {
		await Promise.all([h.page.waitForEvent('load'), h.page.click('#puqkvm-zone-save')]);
	}

	test('the form follows the Type and a Cloudflare zone is added', async () => {
		await openAdd();
		await h.page.selectOption('#puqkvm-zone-type', 'hestiacp');
		assert.ok(await visible('admin_password'));
		assert.ok(await visible('user'));
		assert.ok(!(await visible('api_token')));
		await h.page.selectOption('#puqkvm-zone-type', 'powerdns');
		assert.ok(await visible('api_key'));
		assert.ok(!(await visible('admin_user')));
		await h.page.selectOption('#puqkvm-zone-type', 'cloudflare');
		assert.ok(await visible('zone_id'));
		assert.ok(!(await visible('server_url')));
		await h.page.fill('#puqkvm-zone-zone', 'Example.com.');
		await h.page.fill('#puqkvm-zone-zone_id', '023e105f4ecef8ad9ca31a8372d0c353');
		await h.page.fill('#puqkvm-zone-api_token', TOKEN);
		assert.equal(await h.page.getAttribute('#puqkvm-zone-api_token', 'type'), 'password');
		await h.screenshot('dns-zones-add');
		await saveAndReload();
		const [z] = zones();
		assert.deepEqual([z.zone, z.type, z.zone_id, z.api_token, z.server_url],
			['example.com', 'cloudflare', '023e105f4ecef8ad9ca31a8372d0c353', TOKEN, null]);
		const row = h.page.locator('#puqkvm-zones tr[data-zone-id]');
		assert.equal(await row.count(), 1);
		assert.equal(await row.locator('.puqkvm-zone-name').textContent(), 'example.com');
		assert.equal(await row.locator('.puqkvm-zone-type').textContent(), 'CLOUDFLARE');
		assert.equal((await h.page.content()).includes(TOKEN), false);
		await h.screenshot('dns-zones-list');
	});

	test('bad values are shown next to their fields and nothing is saved', async () => {
		await openAdd();
		await h.page.selectOption('#puqkvm-zone-type', 'hestiacp');
		await h.page.fill('#puqkvm-zone-zone', 'bad..zone');
		await h.page.fill('#puqkvm-zone-server_url', 'ftp://hestia.example.com');
		await h.page.fill('#puqkvm-zone-user', 'a b');
		await h.page.click('#puqkvm-zone-save');
		await errorOf('zone').waitFor();
		assert.match(await errorOf('zone').textContent(), /empty label/);
		assert.match(await errorOf('server_url').textContent(), /https:\/\//);
		assert.equal(await errorOf('admin_user').textContent(), 'Admin User is required');
		assert.equal(await errorOf('admin_password').textContent(), 'Admin Password is required');
		assert.match(await errorOf('user').textContent(), /only letters/);
		assert.match(await h.page.textContent('#puqkvm-zone-form .alert-danger'), /nothing was saved/);
		await h.screenshot('dns-zones-invalid');
		assert.deepEqual(zones(), []);
	});

	test('editing never shows the stored secret and keeps it unless a new one is typed', async () => {
		h.query("INSERT INTO puq_proxmox_kvm_dns_zones (zone, type, server_url, admin_user, admin_password, user)"
			+ " VALUES ('2.0.192.in-addr.arpa', 'hestiacp', 'https://hestia.example.com:8083/', 'admin', ?, 'client1')",
		[TOKEN]);
		await h.page.goto(h.addonUrl('dns_zones'));
		assert.equal((await h.page.content()).includes(TOKEN), false);
		await h.page.click('.puqkvm-zone-edit');
		await h.page.locator('#puqkvm-zone-modal').waitFor({ state: 'visible' });
		assert.equal(await h.page.inputValue('#puqkvm-zone-admin_password'), '');
		assert.equal(await h.page.getAttribute('#puqkvm-zone-admin_password', 'placeholder'),
			'(unchanged — enter new to replace)');
		assert.equal(await h.page.inputValue('#puqkvm-zone-server_url'), 'https://hestia.example.com:8083/');
		assert.ok(await h.page.locator('.puqkvm-help-for[data-for="hestiacp"]').isVisible());
		assert.ok(!(await h.page.locator('.puqkvm-help-for[data-for="powerdns"]').isVisible()));
		await shown('#puqkvm-zone-modal');
		await h.screenshot('dns-zones-edit');
		await h.page.fill('#puqkvm-zone-user', 'client2');
		await saveAndReload();
		let [z] = zones();
		assert.deepEqual([z.user, z.admin_password], ['client2', TOKEN]);

		await h.page.click('.puqkvm-zone-edit');
		await h.page.locator('#puqkvm-zone-modal').waitFor({ state: 'visible' });
		await h.page.fill('#puqkvm-zone-admin_password', 'a-new-password');
		await saveAndReload();
		[z] = zones();
		assert.equal(z.admin_password, 'a-new-password');
	});

	test('Test shows the provider\'s answer as a toast', async () => {
		const zone = `browser${process.pid}.puqkvm.test`;
		await pdns('DELETE', `/zones/${zone}.`);
		assert.equal(await pdns('POST', '/zones', { name: `${zone}.`, kind: 'Native' }), 201);
		try {
			h.query("INSERT INTO puq_proxmox_kvm_dns_zones (zone, type, server_url, api_key) VALUES (?, 'powerdns', ?, ?),"
				+ " (?, 'powerdns', ?, 'wrong-key')", [zone, PDNS_URL, PDNS_KEY, zone, `${PDNS_URL}/api/v1`]);
			await h.page.goto(h.addonUrl('dns_zones'));
			const tests = h.page.locator('.puqkvm-zone-test');
			await tests.nth(0).click();
			const ok = h.page.locator('.puqkvm-toast[data-ok="1"]');
			await ok.waitFor();
			assert.match(await ok.textContent(), new RegExp(`Test passed: ${zone}zone ${zone}\\. found \\(Native, serial`));
			assert.ok(await ok.evaluate((el) => el.classList.contains('alert-success')));
			await tests.nth(1).click();
			const bad = h.page.locator('.puqkvm-toast[data-ok="0"]');
			await bad.waitFor();
			assert.match(await bad.textContent(), /PowerDNS refused the API key \(HTTP 401\)/);
			assert.ok(await bad.evaluate((el) => el.classList.contains('alert-danger')));
			await h.screenshot('dns-zones-test-toasts');
			assert.equal(zones().length, 2); // a test changes nothing
		} finally {
			await pdns('DELETE', `/zones/${zone}.`);
		}
	});

	test('delete asks first and removes the zone', async () => {
		h.query("INSERT INTO puq_proxmox_kvm_dns_zones (zone, type, server_url, api_key)"
			+ " VALUES ('example.net', 'powerdns', 'https://pdns.example.com', 'k')");
		await h.page.goto(h.addonUrl('dns_zones'));
		await h.page.click('.puqkvm-zone-delete');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
		assert.match(await h.page.textContent('#puqkvm-confirm-text'), /Delete DNS zone example\.net \(PowerDNS\)\?/);
		await h.page.click('#puqkvm-confirm-modal .modal-footer .btn-default');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'hidden' });
		assert.equal(zones().length, 1);
		await h.page.click('.puqkvm-zone-delete');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
		await Promise.all([h.page.waitForEvent('load'), h.page.click('#puqkvm-confirm-go')]);
		assert.deepEqual(zones(), []);
	});

	test('posts without the CSRF token or the admin session are refused and change nothing', async () => {
		h.query("INSERT INTO puq_proxmox_kvm_dns_zones (zone, type, server_url, api_key)"
			+ " VALUES ('example.org', 'powerdns', 'https://pdns.example.com', 'kept-key')");
		const [{ id }] = zones();
		await h.page.goto(h.addonUrl('dns_zones'));
		const action = await h.page.getAttribute('#puqkvm-dns-page', 'data-form-action');
		const send = (target, body) => target.evaluate(async ([url, b]) => {
			const r = await fetch(url, { method: 'POST', credentials: 'same-origin',
				headers: { 'X-Requested-With': 'XMLHttpRequest' }, body: new URLSearchParams(b) });
			return { status: r.status, url: r.url };
		}, [action, body]);
		for (const body of [
			{ ajax: '1', op: 'delete', id: String(id) },
			{ ajax: '1', op: 'delete', id: String(id), token: 'forged' },
			{ ajax: '1', op: 'save', id: String(id), type: 'powerdns', zone: 'example.org',
				server_url: 'https://evil.example', api_key: 'stolen', token: 'forged' },
		]) {
			assert.equal((await send(h.page, body)).status, 403);
		}
		// a browser without the admin session, with the page's own token
		const token = await h.page.getAttribute('#puqkvm', 'data-token');
		const stranger = await h.browser.newContext();
		const other = await stranger.newPage();
		await other.goto(h.base + '/');
		// as in WHMCS, a request without the admin session ends on the login page
		const answer = await send(other, { ajax: '1', op: 'delete', id: String(id), token });
		assert.match(answer.url, /\/login\.php/);
		await stranger.close();
		const [z] = zones();
		assert.deepEqual([z.zone, z.server_url, z.api_key], ['example.org', 'https://pdns.example.com', 'kept-key']);
	});

	test('a script payload typed or stored stays text', async () => {
		await openAdd();
		await h.page.selectOption('#puqkvm-zone-type', 'powerdns');
		await h.page.fill('#puqkvm-zone-zone', XSS);
		await h.page.fill('#puqkvm-zone-server_url', XSS);
		await h.page.fill('#puqkvm-zone-api_key', XSS);
		await h.page.click('#puqkvm-zone-save');
		await errorOf('zone').waitFor();
		assert.equal(await errorOf('server_url').count(), 1);
		assert.deepEqual(zones(), []);

		h.query("INSERT INTO puq_proxmox_kvm_dns_zones (zone, type, server_url, api_key) VALUES (?, 'powerdns', ?, 'k')",
			[XSS, XSS]);
		await h.page.goto(h.addonUrl('dns_zones'));
		assert.equal(await h.page.locator('.puqkvm-zone-name').textContent(), XSS);
		await h.page.click('.puqkvm-zone-edit');
		await h.page.locator('#puqkvm-zone-modal').waitFor({ state: 'visible' });
		assert.equal(await h.page.inputValue('#puqkvm-zone-zone'), XSS);
		await h.page.click('#puqkvm-zone-modal .close');
		await h.page.click('.puqkvm-zone-delete');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
		assert.match(await h.page.textContent('#puqkvm-confirm-text'), /<img src=x/);
		await h.screenshot('dns-zones-xss-inert');
		assert.equal(await h.page.locator('#puqkvm img').count(), 0, 'no element was created from a value');
		assert.equal(await h.page.evaluate(() => window.__xss), undefined);
		assert.deepEqual(h.dialogs, []);
	});
});

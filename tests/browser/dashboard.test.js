// The addon's Home page in a real browser: the five cards of the addon manual, with the
// counts of the rows in the database, and the navigation to every page.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

describe('dashboard and navigation', () => {
	let h;
	before(async () => {
		h = await startHarness();
	});
	after(async () => {
		if (h) await h.stop();
	});

	test('the five cards show the counts of the database', async () => {
		h.query("INSERT INTO tblproducts (type, gid, name, servertype) VALUES ('server', 1, 'VPS S', 'puqProxmoxKVM')");
		h.query("INSERT INTO tblproducts (type, gid, name, servertype) VALUES ('hostingaccount', 1, 'Web', 'cpanel')");
		const [{ kvm, web }] = h.query("SELECT MIN(id) AS kvm, MAX(id) AS web FROM tblproducts");
		for (const [product, status] of [[kvm, 'Active'], [kvm, 'Active'], [kvm, 'Active'], [kvm, 'Suspended'],
			[kvm, 'Terminated'], [web, 'Active']]) {
			h.query("INSERT INTO tblhosting (userid, packageid, regdate, domain, domainstatus) "
				+ "VALUES (1, ?, '2026-01-01', 'vm.example.test', ?)", [product, status]);
		}
		for (const gateway of ['192.0.2.1', '198.51.100.1']) {
			h.query('INSERT INTO puq_proxmox_kvm_ip_pools (gateway) VALUES (?)', [gateway]);
		}
		h.query("INSERT INTO puq_proxmox_kvm_dns_zones (zone) VALUES ('example.test')");

		await h.page.goto(h.addonUrl('home'));
		const cards = await h.page.$$eval('[data-card]', (els) => els.map((el) => ({
			key: el.getAttribute('data-card'),
			title: el.querySelector('.puqkvm-card-title').textContent.trim(),
			count: el.querySelector('.puqkvm-card-count')?.textContent.trim() ?? null,
			link: el.querySelector('.panel-footer a').getAttribute('href'),
		})));
		assert.deepEqual(cards.map((c) => c.title), ['IP Pools', 'DNS Zones', 'KVM Services', 'VM Management', 'Settings']);

		// the database after the page: the same numbers the cards show
		const [db] = h.query("SELECT (SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools) AS pools, "
			+ "(SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones) AS zones, "
			+ "(SELECT COUNT(*) FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid "
			+ "WHERE h.domainstatus = 'Active' AND p.servertype = 'puqProxmoxKVM') AS services");
		assert.equal(cards[0].count, String(db.pools));
		assert.equal(cards[1].count, String(db.zones));
		assert.equal(cards[2].count, String(db.services));
		assert.deepEqual([cards[0].count, cards[1].count, cards[2].count], ['2', '1', '3']);
		assert.equal(cards[3].count, null);
		assert.match(cards[3].link, /action=vm_management$/);
		assert.match(cards[4].link, /action=settings_general$/);
		assert.match(await h.page.textContent('.puqkvm-version'), /^v\d+\.\d+\.\d+$/);
		await h.screenshot('dashboard');
	});

	test('the navigation opens every page and marks it active', async () => {
		await h.page.goto(h.addonUrl('home'));
		// pages other releases fill in are only checked for being themselves, not an error
		const pages = [
			{ nav: 'ip_pools' },
			{ nav: 'dns_zones' },
			{ nav: 'vm_management' },
			{ nav: 'settings_general', menu: 'settings', text: 'Default Timeout' },
			{ nav: 'settings_cron', menu: 'settings', text: 'Process Virtual Machines' },
			{ nav: 'help', text: 'Installing into WHMCS' },
			{ nav: 'home', text: 'KVM Services' },
		];
		for (const p of pages) {
			if (p.menu) {
				await h.page.click(`[data-nav="${p.menu}"]`);
				await h.page.waitForSelector(`[data-nav="${p.nav}"]`, { state: 'visible' });
			}
			const [response] = await Promise.all([
				h.page.waitForResponse((r) => r.url().endsWith(`action=${p.nav}`)),
				h.page.click(`[data-nav="${p.nav}"]`),
			]);
			await h.page.waitForLoadState('load');
			assert.equal(response.status(), 200, p.nav);
			const body = (await h.page.textContent('.puqkvm-page')).trim();
			assert.ok(body.length > 0, `${p.nav}: the page has content`);
			assert.equal(await h.page.locator('.puqkvm-error, .puqkvm-notice').count(), 0, `${p.nav}: no error`);
			if (p.text) assert.ok(body.includes(p.text), `${p.nav}: ${p.text}`);
			const active = await h.page.$$eval('.puqkvm-nav li.active > a', (els) => els.map((a) => a.getAttribute('data-nav')));
			assert.ok(active.includes(p.menu ?? p.nav), `${p.nav} is marked active: ${active}`);
			await h.screenshot(`nav-${p.nav}`);
		}
		// browsing changed nothing in the database
		assert.deepEqual(h.query('SELECT name FROM puq_proxmox_kvm_settings'), []);
	});

	test('an unknown page is a 404 inside the addon layout', async () => {
		const response = await h.page.goto(h.addonUrl('../../configuration'));
		assert.equal(response.status(), 404);
		assert.match(await h.page.textContent('.puqkvm-error'), /Page not found/);
		assert.equal(await h.page.locator('.puqkvm-nav').count(), 1);
		assert.equal(await h.page.locator('body').textContent().then((t) => t.includes('db_password')), false);
		await h.screenshot('not-found');
		assert.deepEqual(h.query('SELECT name FROM puq_proxmox_kvm_settings'), []);
	});
});

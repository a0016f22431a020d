// The IP Pools page in a real browser: adding a pool through the modal with the live
// rDNS hint, field errors with nothing saved, editing, deleting (refused while an address
// is held, then done after the confirmation), releasing an address of a terminated
// service, and a script payload in every text field and stored value rendered as text.
// Every test reads the database after the action.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

const XSS = '<img src=x onerror="window.__xss=1">"\'';

describe('ip pools', () => {
	let h;
	before(async () => {
		h = await startHarness();
		h.query("INSERT INTO tblservers (id, name, type, active, disabled) VALUES (4, 'pve-waw1', 'puqProxmoxKVM', 1, 0)");
	});
	after(async () => {
		if (h) await h.stop();
	});
	beforeEach(() => {
		h.query('DELETE FROM puq_proxmox_kvm_ip_allocations');
		h.query('DELETE FROM puq_proxmox_kvm_ip_runs');
		h.query('DELETE FROM puq_proxmox_kvm_ip_pools');
		h.query('DELETE FROM tblhosting');
	});

	const pools = () => h.query('SELECT id, server_id, type, bridge, vlan, gateway, mask, dns1, dns2, start_ip, stop_ip'
		+ ' FROM puq_proxmox_kvm_ip_pools ORDER BY id');
	const hint = () => h.page.locator('#puqkvm-rdns-hint');
	const errorOf = (name) => h.page.locator(`#puqkvm-pool-form [data-field="${name}"] .puqkvm-field-error`);

	async function openAdd() {
		await h.page.goto(h.addonUrl('ip_pools'));
		await h.page.click('#puqkvm-pool-add');
		await h.page.locator('#puqkvm-pool-modal').waitFor({ state: 'visible' });
	}

	async function fill(values) {
		for (const [name, value] of Object.entries(values)) {
			const selector = `#puqkvm-pool-${name}`;
			if (name === 'type' || name === 'server') await h.page.selectOption(selector, value);
			else await h.page.fill(selector, value);
		}
	}

	async function saveAndReload() {
		await Promise.all([h.page.waitForEvent('load'), h.page.click('#puqkvm-pool-save')]);
	}

	test('a pool is added through the modal, with the rDNS zone hint as the prefix is typed', async () => {
		await openAdd();
		await fill({ server: '4', type: 'IPv4', bridge: 'vmbr0', vlan: '0', gateway: '192.168.130.1', mask: '22' });
		await h.page.waitForFunction(() => document.getElementById('puqkvm-rdns-hint').textContent
			=== 'rDNS zone: classless delegation required');
		await h.page.fill('#puqkvm-pool-mask', '24');
		await h.page.waitForFunction(() => document.getElementById('puqkvm-rdns-hint').textContent
			=== 'rDNS zone: 130.168.192.in-addr.arpa');
		await h.page.fill('#puqkvm-pool-mask', '40');
		await h.page.waitForFunction(() => /must be between 0 and 32/.test(document.getElementById('puqkvm-rdns-hint').textContent));
		await h.page.fill('#puqkvm-pool-mask', '24');
		await h.page.waitForFunction(() => document.getElementById('puqkvm-rdns-hint').textContent
			=== 'rDNS zone: 130.168.192.in-addr.arpa');
		await fill({ dns1: '8.8.8.8', dns2: '1.1.1.1', start: '192.168.130.2', stop: '192.168.130.80' });
		await h.screenshot('ip-pools-add');
		await saveAndReload();

		assert.deepEqual(pools().map((p) => [p.server_id, p.type, p.bridge, p.gateway, p.mask, p.start_ip, p.stop_ip]),
			[[4, 'ipv4', 'vmbr0', '192.168.130.1', 24, '192.168.130.2', '192.168.130.80']]);
		const row = h.page.locator('#puqkvm-pools tbody tr[data-pool-id]');
		assert.equal(await row.count(), 1);
		assert.equal(await row.locator('.puqkvm-pool-range').textContent(), '192.168.130.2 - 192.168.130.80');
		assert.equal(await row.locator('.puqkvm-pool-rdns').textContent(), 'rDNS zone: 130.168.192.in-addr.arpa');
		assert.equal(await row.locator('.puqkvm-usage-text').textContent(), '0.00% (0/79)');
		assert.match(await row.locator('.puqkvm-pool-server').textContent(), /pve-waw1\s+\(ID: 4\)/);

		// an IPv6 /120 shows its nibble zone in the hint and in the table
		await h.page.click('#puqkvm-pool-add');
		await h.page.locator('#puqkvm-pool-modal').waitFor({ state: 'visible' });
		await fill({ type: 'IPv6', bridge: 'vmbr0', vlan: '0', gateway: '2001:db8::1', mask: '120',
			start: '2001:db8::2', stop: '2001:db8::50' });
		const zone6 = 'rDNS zone: 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
		await h.page.waitForFunction((z) => document.getElementById('puqkvm-rdns-hint').textContent === z, zone6);
		await saveAndReload();
		assert.equal(pools().length, 2);
		assert.equal(await h.page.locator('tr[data-pool-id] .puqkvm-pool-rdns').nth(1).textContent(), zone6);
		await h.screenshot('ip-pools-list');
	});

	test('bad values are shown next to their fields and nothing is saved', async () => {
		await openAdd();
		await fill({ bridge: 'vm br0', vlan: '4095', gateway: '2001:db8::1', mask: '33', dns1: '8.8.8',
			start: '192.168.130.2', stop: '192.168.130.1' });
		await h.page.click('#puqkvm-pool-save');
		await errorOf('vlan').waitFor();
		await h.screenshot('ip-pools-invalid');
		assert.match(await errorOf('bridge').textContent(), /only letters, digits/);
		assert.match(await errorOf('vlan').textContent(), /0-4094/);
		assert.match(await errorOf('gateway').textContent(), /IPv6 address where an IPv4 address is expected/);
		assert.match(await errorOf('mask').textContent(), /1-32/);
		assert.match(await errorOf('dns1').textContent(), /4 parts/);
		assert.match(await errorOf('stop').textContent(), /must not be lower/);
		assert.equal(await h.page.locator('#puqkvm-pool-form [data-field="vlan"].has-error').count(), 1);
		assert.match(await h.page.textContent('#puqkvm-pool-form .alert-danger'), /nothing was saved/);
		assert.deepEqual(pools(), []);
	});

	test('editing changes the pool and keeps what the table shows in step', async () => {
		h.query("INSERT INTO puq_proxmox_kvm_ip_pools (server_id, type, bridge, vlan, gateway, mask, dns1, dns2, start_ip,"
			+ " stop_ip, start_bin, stop_bin) VALUES (4, 'ipv4', 'vmbr0', 0, '10.0.0.1', 24, '8.8.8.8', '', '10.0.0.2',"
			+ " '10.0.0.50', UNHEX('0000000000000000000000000A000002'), UNHEX('0000000000000000000000000A000032'))");
		await h.page.goto(h.addonUrl('ip_pools'));
		await h.page.click('.puqkvm-pool-edit');
		await h.page.locator('#puqkvm-pool-modal').waitFor({ state: 'visible' });
		assert.equal(await h.page.inputValue('#puqkvm-pool-gateway'), '10.0.0.1');
		assert.equal(await h.page.inputValue('#puqkvm-pool-stop'), '10.0.0.50');
		assert.equal(await h.page.textContent('#puqkvm-pool-modal-title'), `Edit IP Pool ${pools()[0].id}`);
		await h.page.waitForFunction(() => document.getElementById('puqkvm-rdns-hint').textContent
			=== 'rDNS zone: 0.0.10.in-addr.arpa');
		await fill({ bridge: 'vmbr1', vlan: '20', stop: '10.0.0.99' });
		await saveAndReload();
		const [p] = pools();
		assert.deepEqual([p.bridge, p.vlan, p.stop_ip], ['vmbr1', 20, '10.0.0.99']);
		assert.equal(await h.page.locator('.puqkvm-pool-range').textContent(), '10.0.0.2 - 10.0.0.99');
		assert.equal(await h.page.locator('.puqkvm-pool-bridge').textContent(), 'vmbr1');
	});

	test('delete asks first, is refused while an address is held, then removes the pool', async () => {
		h.query("INSERT INTO puq_proxmox_kvm_ip_pools (id, server_id, type, bridge, vlan, gateway, mask, start_ip, stop_ip,"
			+ " start_bin, stop_bin, used) VALUES (31, 4, 'ipv4', 'vmbr0', 0, '10.0.0.1', 24, '10.0.0.2', '10.0.0.50',"
			+ " UNHEX('0000000000000000000000000A000002'), UNHEX('0000000000000000000000000A000032'), 1)");
		h.query("INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id, server_id, pool_id,"
			+ " bridge, vlan, mask, gateway, allocated_at) VALUES (4, UNHEX('0000000000000000000000000A000002'),"
			+ " '10.0.0.2', 1, 77, 4, 31, 'vmbr0', 0, 24, '10.0.0.1', NOW())");
		await h.page.goto(h.addonUrl('ip_pools'));
		await h.page.click('.puqkvm-pool-delete');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
		assert.match(await h.page.textContent('#puqkvm-confirm-text'), /Delete IP pool 31 \(10\.0\.0\.2 - 10\.0\.0\.50\)\?.*holds 1/);
		await h.page.click('#puqkvm-confirm-go');
		await h.page.locator('#puqkvm-confirm-modal .alert-danger').waitFor();
		assert.match(await h.page.textContent('#puqkvm-confirm-modal .alert-danger'),
			/still holds 1 address of 1 service \(#77\)/);
		await h.screenshot('ip-pools-delete-refused');
		assert.equal(pools().length, 1);

		h.query('DELETE FROM puq_proxmox_kvm_ip_allocations');
		h.query('UPDATE puq_proxmox_kvm_ip_pools SET used = 0');
		await h.page.goto(h.addonUrl('ip_pools'));
		await h.page.click('.puqkvm-pool-delete');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
		// Cancel changes nothing
		await h.page.click('#puqkvm-confirm-modal .modal-footer .btn-default');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'hidden' });
		assert.equal(pools().length, 1);
		await h.page.click('.puqkvm-pool-delete');
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
		await Promise.all([h.page.waitForEvent('load'), h.page.click('#puqkvm-confirm-go')]);
		assert.deepEqual(pools(), []);
		assert.equal(await h.page.locator('#puqkvm-pools tr[data-pool-id]').count(), 0);
	});

	test('an address held by a terminated service is listed and released after the confirmation', async () => {
		h.query("INSERT INTO tblhosting (id, userid, server, domainstatus, regdate, nextinvoicedate, dedicatedip)"
			+ " VALUES (88, 1, 4, 'Terminated', '2026-01-01', '2026-02-01', '10.0.0.9')");
		h.query("INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id, server_id,"
			+ " bridge, vlan, mask, gateway, allocated_at) VALUES (4, UNHEX('0000000000000000000000000A000009'),"
			+ " '10.0.0.9', 1, 88, 4, 'vmbr0', 0, 24, '10.0.0.1', NOW())");
		h.query("INSERT INTO puq_proxmox_kvm_ip_runs VALUES (4, UNHEX('0000000000000000000000000A000009'),"
			+ " UNHEX('0000000000000000000000000A000009'))");
		await h.page.goto(h.addonUrl('ip_pools'));
		const row = h.page.locator('#puqkvm-stale tr[data-allocation-id]');
		assert.equal(await row.count(), 1);
		assert.equal(await row.locator('.puqkvm-stale-ip').textContent(), '10.0.0.9');
		assert.match(await row.textContent(), /#88\s+Terminated/);
		await row.locator('.puqkvm-release').click();
		await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
		assert.match(await h.page.textContent('#puqkvm-confirm-text'), /Release 10\.0\.0\.9 \(service #88\)/);
		await Promise.all([h.page.waitForEvent('load'), h.page.click('#puqkvm-confirm-go')]);
		const [a] = h.query('SELECT live, release_reason FROM puq_proxmox_kvm_ip_allocations');
		assert.deepEqual([a.live, a.release_reason], [null, 'admin']);
		assert.equal(h.query('SELECT COUNT(*) AS n FROM puq_proxmox_kvm_ip_runs')[0].n, 0);
		assert.equal(await h.page.locator('#puqkvm-stale tr[data-allocation-id]').count(), 0);
	});

	test('a script payload in every text field and stored value stays text', async () => {
		h.query('UPDATE tblservers SET name = ? WHERE id = 4', [`pve${XSS}`]);
		try {
			// typed into every text field of the form: refused field by field, shown as text
			await openAdd();
			await fill({ bridge: XSS, vlan: XSS, gateway: XSS, mask: XSS, dns1: XSS, dns2: XSS, start: XSS, stop: XSS });
			await h.page.click('#puqkvm-pool-save');
			await errorOf('stop').waitFor();
			for (const name of ['bridge', 'vlan', 'gateway', 'mask', 'dns1', 'dns2', 'start', 'stop']) {
				assert.equal(await errorOf(name).count(), 1, name);
			}
			assert.equal(await h.page.locator('#puqkvm-pool-form img').count(), 0);
			assert.deepEqual(pools(), []);

			// stored the way a legacy table could hold it, and shown in the table and the modal
			h.query('INSERT INTO puq_proxmox_kvm_ip_pools (server_id, type, bridge, vlan, gateway, mask, dns1, dns2,'
				+ " start_ip, stop_ip) VALUES (4, 'ipv4', ?, 0, ?, 24, ?, ?, ?, ?)", [XSS, XSS, XSS, XSS, XSS, XSS]);
			h.query("INSERT INTO tblhosting (id, userid, server, domainstatus, regdate, nextinvoicedate)"
				+ " VALUES (89, 1, 4, 'Cancelled', '2026-01-01', '2026-02-01')");
			h.query("INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id, server_id,"
				+ " bridge, vlan, mask, gateway, allocated_at) VALUES (4, UNHEX('0000000000000000000000000A00000A'),"
				+ " '10.0.0.10', 1, 89, 4, ?, 0, 24, ?, NOW())", [XSS, XSS]);
			await h.page.goto(h.addonUrl('ip_pools'));
			assert.match(await h.page.locator('.puqkvm-pool-server').textContent(), /pve<img src=x/);
			const stored = pools()[0].bridge; // as much of the payload as the column holds
			assert.ok(stored.startsWith('<img src=x'));
			assert.equal(await h.page.locator('.puqkvm-pool-bridge').textContent(), stored);
			assert.match(await h.page.locator('#puqkvm-pool-server option').first().textContent(), /pve<img/);
			await h.page.click('.puqkvm-pool-edit');
			await h.page.locator('#puqkvm-pool-modal').waitFor({ state: 'visible' });
			assert.equal(await h.page.inputValue('#puqkvm-pool-bridge'), stored);
			await h.page.click('#puqkvm-pool-modal .close');
			await h.page.click('.puqkvm-pool-delete');
			await h.page.locator('#puqkvm-confirm-modal').waitFor({ state: 'visible' });
			await h.screenshot('ip-pools-xss-inert');
			assert.equal(await h.page.locator('#puqkvm img').count(), 0, 'no element was created from a value');
			assert.equal(await h.page.evaluate(() => window.__xss), undefined);
			assert.deepEqual(h.dialogs, []);
		} finally {
			h.query("UPDATE tblservers SET name = 'pve-waw1' WHERE id = 4");
		}
	});
});

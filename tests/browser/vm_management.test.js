// VM Management and the admin service tab in a real browser: the list's keyset pages
// and sorting, the two filters kept across a reload, the buttons each status shows,
// the badge following the database while a VM is busy, the Reset, Log (with the red
// banner and a running run's steps appearing), DB Record, Redeploy and Delete Record
// modals, and the service tab's rDNS table saved with WHMCS's Save Changes. Script
// payloads in client names, VM names and rDNS host names are rendered as text. Every
// action is checked in the database afterwards.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

const XSS = '<img src=x onerror="window.__xss=1">';
const N = 30; // services: more than one page of 25

describe('vm management', () => {
	let h;
	const status = (id) => (h.query('SELECT vm_status FROM puqProxmoxKVM_vm_info WHERE service_id = ?', [id])[0] || {}).vm_status;
	const row = (id) => h.page.locator(`#puqkvm-vms tr[data-service-id="${id}"]`);
	const ids = async () => (await h.page.locator('#puqkvm-vms tr[data-service-id]').evaluateAll(
		(rows) => rows.map((r) => Number(r.getAttribute('data-service-id')))));
	const shown = (sel) => h.page.waitForFunction((s) => {
		const el = document.querySelector(s);
		return el && el.classList.contains('in') && getComputedStyle(el).opacity === '1';
	}, sel);
	const hidden = (sel) => h.page.locator(sel).waitFor({ state: 'hidden' });

	async function openList() {
		await h.page.goto(h.addonUrl('vm_management'));
		await h.page.locator('#puqkvm-vms tr[data-service-id]').first().waitFor();
	}

	// the status of each service: 1 error_terminate, 2 remove, 3 clone, 4 suspended ready, the rest ready
	const vmStatus = (i) => ({ 1: 'error_terminate', 2: 'remove', 3: 'clone' }[i] || 'ready');

	before(async () => {
		h = await startHarness();
		h.query(`INSERT INTO tblclients (id, firstname, lastname, email, status) VALUES
			(1, 'Ada', ?, 'ada@example.test', 'Active'), (2, 'Bob', 'Builder', 'bob@example.test', 'Active')`, [XSS]);
		h.query("INSERT INTO tblproducts (id, type, gid, name, servertype) VALUES (1, 'server', 1, 'KVM S', 'puqProxmoxKVM'), (2, 'server', 1, 'KVM L', 'puqProxmoxKVM')");
		// a server nothing answers at: the service tab's live box shows the API error
		h.query("INSERT INTO tblservers (id, name, ipaddress, hostname, port, type, username, password, secure, active) VALUES (1, 'pve-waw', '127.0.0.1', '127.0.0.1', 1, 'puqProxmoxKVM', 'automation@pve!ci', '', 'on', 1)");
		for (let i = 1; i <= N; i++) {
			h.query(`INSERT INTO tblhosting (id, userid, orderid, packageid, server, regdate, domainstatus, billingcycle)
				VALUES (?, ?, ?, ?, 1, '2026-01-01', ?, 'Monthly')`, [i, i % 2 ? 1 : 2, i, i % 3 ? 1 : 2, i === 4 ? 'Suspended' : 'Active']);
			h.query(`INSERT INTO puqProxmoxKVM_vm_info (service_id, client_id, product_id, server_id, vm_id, vm_name, vm_status, fqdn)
				VALUES (?, ?, ?, 1, ?, ?, ?, ?)`, [i, i % 2 ? 1 : 2, i % 3 ? 1 : 2, 1000 + i, i === 5 ? XSS : `vm${i}`, vmStatus(i), `vm${i}.example.test`]);
		}
		// service 5 holds two addresses: rDNS names, one of them a payload
		h.query(`INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id, server_id, is_main, allocated_at) VALUES
			(4, UNHEX(LPAD(HEX(INET_ATON('192.0.2.5')), 32, '0')), '192.0.2.5', 1, 5, 1, 1, NOW()),
			(6, UNHEX('20010db8000000000000000000000005'), '2001:0db8:0000:0000:0000:0000:0000:0005', 1, 5, 1, 0, NOW())`);
		h.query('UPDATE puqProxmoxKVM_vm_info SET vm_rev_dns = ? WHERE service_id = 5',
			[JSON.stringify({ '192.0.2.5': XSS, '2001:0db8:0000:0000:0000:0000:0000:0005': 'v6.example.test' })]);
		// a page read brings the list's copies of the WHMCS fields up to date
		await h.page.goto(h.addonUrl('vm_management', { op: 'list', ajax: '1', limit: '100' }));
		const copies = h.query("SELECT COUNT(*) AS n FROM puqProxmoxKVM_vm_info WHERE list_status = ''");
		assert.equal(Number(copies[0].n), 0);
	});
	after(async () => {
		if (h) await h.stop();
	});

	test('pages of 25 and back, and sorting by a column', async () => {
		await openList();
		assert.deepEqual(await ids(), Array.from({ length: 25 }, (_, k) => N - k));
		assert.ok(await h.page.isDisabled('#puqkvm-vm-prev'));
		await h.page.click('#puqkvm-vm-next');
		await row(1).waitFor();
		assert.deepEqual(await ids(), [5, 4, 3, 2, 1]);
		assert.ok(await h.page.isDisabled('#puqkvm-vm-next'));
		await h.page.click('#puqkvm-vm-prev');
		await row(N).waitFor();
		assert.equal((await ids()).length, 25);

		await h.page.click('.puqkvm-sort[data-sort="client"]');
		await h.page.waitForFunction(() => document.querySelector('.puqkvm-sort[data-sort="client"]').getAttribute('data-dir') === 'asc');
		const expected = h.query('SELECT service_id FROM puqProxmoxKVM_vm_info ORDER BY list_client, service_id LIMIT 25')
			.map((r) => Number(r.service_id));
		await h.page.waitForFunction((first) => document.querySelector('#puqkvm-vms tr[data-service-id]')
			.getAttribute('data-service-id') === String(first), expected[0]);
		assert.deepEqual(await ids(), expected);
		await h.screenshot('vm-management-sorted');
		await h.page.click('.puqkvm-sort[data-sort="client"]'); // descending
		await h.page.waitForFunction(() => document.querySelector('.puqkvm-sort[data-sort="client"]').getAttribute('data-dir') === 'desc');
		await h.page.click('.puqkvm-sort[data-sort="id"]');
	});

	test('the filters are remembered across a reload', async () => {
		await openList();
		await h.page.selectOption('#puqkvm-vm-service-filter', 'Suspended');
		await row(4).waitFor();
		await h.page.waitForFunction(() => document.querySelectorAll('#puqkvm-vms tr[data-service-id]').length === 1);
		await h.page.selectOption('#puqkvm-vm-service-filter', 'Active');
		await h.page.selectOption('#puqkvm-vm-status-filter', 'error_terminate');
		await h.page.waitForFunction(() => document.querySelectorAll('#puqkvm-vms tr[data-service-id]').length === 1
			&& document.querySelector('#puqkvm-vms tr[data-service-id]').getAttribute('data-service-id') === '1');
		await h.page.reload();
		await row(1).waitFor();
		assert.equal(await h.page.inputValue('#puqkvm-vm-service-filter'), 'Active');
		assert.equal(await h.page.inputValue('#puqkvm-vm-status-filter'), 'error_terminate');
		assert.deepEqual(await ids(), [1]);
		assert.equal(await h.page.textContent('#puqkvm-vm-count'), '1 VM');
		await h.page.selectOption('#puqkvm-vm-service-filter', '');
		await h.page.selectOption('#puqkvm-vm-status-filter', '');
		await row(N).waitFor();
	});

	test('search, payloads shown as text, and the buttons each status shows', async () => {
		await openList();
		await h.page.fill('#puqkvm-vm-search', '2001:db8::5');
		await h.page.waitForFunction(() => document.querySelectorAll('#puqkvm-vms tr[data-service-id]').length === 1);
		const five = row(5);
		assert.equal(await five.locator('.puqkvm-vm-vm small').textContent(), XSS);
		assert.equal(await five.locator('.puqkvm-vm-client a').textContent(), `Ada ${XSS}`);
		assert.deepEqual(await five.locator('.puqkvm-vm-ip-addr').allTextContents(),
			['192.0.2.5', '2001:0db8:0000:0000:0000:0000:0000:0005']);
		assert.deepEqual(await five.locator('.puqkvm-vm-rdns').allTextContents(), [XSS, 'v6.example.test']);
		assert.equal(await h.page.locator('#puqkvm-vms img').count(), 0);
		assert.equal(await h.page.evaluate(() => window.__xss), undefined);
		await h.screenshot('vm-management-search');
		await h.page.fill('#puqkvm-vm-search', '');
		await row(N).waitFor();
		const buttons = async (id) => (await row(id).locator('.puqkvm-vm-actions button').evaluateAll(
			(bs) => bs.map((b) => b.className.match(/puqkvm-vm-(\w+)/)[1])));
		assert.deepEqual(await buttons(6), ['reset', 'log', 'record']);
		await h.page.click('#puqkvm-vm-next');
		await row(1).waitFor();
		assert.deepEqual(await buttons(3), ['redeploy', 'reset', 'log', 'record']);
		assert.deepEqual(await buttons(1), ['redeploy', 'reset', 'log', 'record', 'delete']);
		assert.deepEqual(await buttons(2), ['redeploy', 'reset', 'log', 'record', 'delete']);
	});

	test('the badge of a busy VM follows the database', async () => {
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'set_network' WHERE service_id = ?", [N]);
		await openList();
		assert.equal(await row(N).locator('.puqkvm-vm-badge').textContent(), 'set_network');
		assert.equal(await h.page.getAttribute('#puqkvm-vms-page', 'data-watching'), '1');
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'starting' WHERE service_id = ?", [N]);
		await h.page.waitForFunction((id) => document.querySelector(`tr[data-service-id="${id}"] .puqkvm-vm-badge`).textContent === 'starting', N, { timeout: 10000 });
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'ready' WHERE service_id = ?", [N]);
		await h.page.waitForFunction((id) => document.querySelector(`tr[data-service-id="${id}"] .puqkvm-vm-badge`).textContent === 'ready', N, { timeout: 10000 });
		await h.page.waitForFunction(() => document.getElementById('puqkvm-vms-page').getAttribute('data-watching') === '0');
	});

	test('Reset moves the VM to a chosen state and logs it', async () => {
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'error_terminate' WHERE service_id = 28");
		await openList();
		await row(28).locator('.puqkvm-vm-reset').click();
		await shown('#puqkvm-reset-modal');
		assert.equal(await h.page.locator('.puqkvm-reset-reference tbody tr').count(), 7);
		assert.deepEqual(await h.page.locator('#puqkvm-reset-status option').allTextContents(),
			['ready', 'creation', 'set_ip', 'change_package', 'set_dns_records', 'terminate', 'remove']);
		await h.page.selectOption('#puqkvm-reset-status', 'terminate');
		await h.screenshot('vm-management-reset');
		await h.page.click('#puqkvm-reset-go');
		await hidden('#puqkvm-reset-modal');
		await h.page.locator('#puqkvm-vm-alert .alert-success').waitFor();
		assert.equal(status(28), 'terminate');
		const log = h.query("SELECT description FROM tblactivitylog WHERE description LIKE '%Service ID: 28%'");
		assert.match(log[0].description, /^admin ID 1: VM status reset from error_terminate to terminate - Service ID: 28/);
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'ready' WHERE service_id = 28");
	});

	test('the Log shows every run with its steps, the banner, and a running run as it goes', async () => {
		const run = (result, action, message) => {
			h.query(`INSERT INTO puq_proxmox_kvm_vm_runs (service_id, action, result, message, started_at, finished_at)
				VALUES (27, ?, ?, ?, NOW(3), IF(? = 'running', NULL, NOW(3)))`, [action, result, message, result]);
			return Number(h.query('SELECT MAX(id) AS id FROM puq_proxmox_kvm_vm_runs')[0].id);
		};
		const step = (runId, seq, label, result, message) => h.query(`INSERT INTO puq_proxmox_kvm_vm_steps
			(run_id, service_id, seq, label, from_status, to_status, result, message, duration_ms, created_at)
			VALUES (?, 27, ?, ?, 'a', 'b', ?, ?, 1500, NOW(3))`, [runId, seq, label, result, message]);
		const ok = run('success', 'deploy', 'ready');
		step(ok, 1, 'Clone template', 'success', '');
		const bad = run('error', 'change_package', XSS);
		step(bad, 1, 'Set CPU and RAM', 'error', XSS);
		h.query("UPDATE puqProxmoxKVM_vm_info SET last_error_action = 'change_package', last_error_message = ? WHERE service_id = 27", [XSS]);
		await openList();
		await row(27).locator('.puqkvm-vm-log').click();
		await shown('#puqkvm-log-modal');
		await h.page.locator('.puqkvm-log-run').nth(1).waitFor();
		assert.ok(await h.page.isVisible('.puqkvm-log-banner'));
		assert.equal(await h.page.textContent('.puqkvm-log-banner strong'), 'Last run failed: change_package');
		assert.equal(await h.page.textContent('.puqkvm-log-banner-message'), XSS);
		assert.deepEqual(await h.page.locator('.puqkvm-log-label').allTextContents(), ['Set CPU and RAM', 'Clone template']);
		assert.deepEqual(await h.page.locator('.puqkvm-log-duration').allTextContents(), ['1.50 s', '1.50 s']);
		assert.equal(await h.page.evaluate(() => window.__xss), undefined);
		await h.screenshot('vm-management-log');
		await h.page.click('#puqkvm-log-modal .modal-footer button');
		await hidden('#puqkvm-log-modal');

		// a run in progress: steps appear as the engine writes them
		const live = run('running', 'deploy', '');
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'set_ip' WHERE service_id = 27");
		await row(27).locator('.puqkvm-vm-log').click();
		await shown('#puqkvm-log-modal');
		await h.page.locator('.puqkvm-log-watch').waitFor({ state: 'visible' });
		step(live, 1, 'Allocate IP addresses', 'success', '');
		step(live, 2, 'Clone template', 'waiting', 'task running');
		await h.page.waitForFunction(() => document.querySelector('.puqkvm-log-run .puqkvm-log-steps tbody')
			.querySelectorAll('tr').length === 2, null, { timeout: 10000 });
		h.query("UPDATE puq_proxmox_kvm_vm_runs SET result = 'success', finished_at = NOW(3) WHERE id = ?", [live]);
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'ready' WHERE service_id = 27");
		await h.page.locator('.puqkvm-log-watch').waitFor({ state: 'hidden', timeout: 10000 });
		assert.ok(!(await h.page.isVisible('.puqkvm-log-banner')), 'the last run succeeded: no banner');
		await h.page.click('#puqkvm-log-modal .modal-footer button');
		await hidden('#puqkvm-log-modal');
	});

	test('DB Record: a bad value is refused field by field, a good one saved', async () => {
		await openList();
		await row(26).locator('.puqkvm-vm-record').click();
		await shown('#puqkvm-record-modal');
		const input = (name) => h.page.locator(`#puqkvm-record-form [name="${name}"]`);
		await input('vm_status').waitFor();
		assert.equal(await h.page.locator('tr[data-column="lease_token"] input').count(), 0, 'read-only');
		await input('vm_status').fill('flying');
		await input('vm_net0_mac').fill('not-a-mac');
		await h.page.click('#puqkvm-record-save');
		await h.page.locator('#puqkvm-record-modal .alert-danger').waitFor();
		assert.ok(await h.page.locator('tr[data-column="vm_status"].has-error').count());
		assert.ok(await h.page.locator('tr[data-column="vm_net0_mac"].has-error').count());
		assert.equal(status(26), 'ready');
		await input('vm_status').fill('set_dns_records');
		await input('vm_net0_mac').fill('BC:24:11:00:00:26');
		await h.screenshot('vm-management-record');
		await h.page.click('#puqkvm-record-save');
		await hidden('#puqkvm-record-modal');
		assert.equal(status(26), 'set_dns_records');
		assert.equal(h.query('SELECT vm_net0_mac FROM puqProxmoxKVM_vm_info WHERE service_id = 26')[0].vm_net0_mac, 'BC:24:11:00:00:26');
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'ready' WHERE service_id = 26");
	});

	test('Redeploy and Delete Record ask first and change the database', async () => {
		await openList();
		await h.page.click('#puqkvm-vm-next');
		await row(3).waitFor();
		await row(3).locator('.puqkvm-vm-redeploy').click();
		await shown('#puqkvm-vm-confirm');
		assert.match(await h.page.textContent('.puqkvm-confirm-text'), /deleted on Proxmox/);
		assert.ok(!(await h.page.isVisible('.puqkvm-confirm-release')));
		await h.page.click('#puqkvm-vm-confirm-go');
		await hidden('#puqkvm-vm-confirm');
		assert.equal(status(3), 'reinstall');

		await row(2).locator('.puqkvm-vm-delete').click();
		await shown('#puqkvm-vm-confirm');
		await h.page.click('#puqkvm-vm-confirm .modal-footer .btn-default'); // cancel
		await hidden('#puqkvm-vm-confirm');
		assert.equal(status(2), 'remove');
		await row(2).locator('.puqkvm-vm-delete').click();
		await shown('#puqkvm-vm-confirm');
		await h.page.click('#puqkvm-vm-confirm-go');
		await hidden('#puqkvm-vm-confirm');
		assert.equal(status(2), undefined);
		await h.page.waitForFunction(() => !document.querySelector('#puqkvm-vms tr[data-service-id="2"]'));
		assert.equal(h.query("SELECT COUNT(*) AS n FROM tblhosting WHERE id = 2")[0].n, 1, 'the WHMCS service stays');
	});

	test('the service tab: rDNS saved with Save Changes, a payload refused and shown as text, the API error box', async () => {
		await h.page.goto(h.adminUrl('clientsservices.php?userid=1&id=5'));
		await h.page.locator('input[name="puqkvm_rdns[192.0.2.5]"]').waitFor();
		assert.equal(await h.page.inputValue('input[name="puqkvm_rdns[192.0.2.5]"]'), XSS);
		assert.equal(await h.page.inputValue('input[name="puqkvm_rdns[2001:0db8:0000:0000:0000:0000:0000:0005]"]'), 'v6.example.test');
		await h.page.locator('.puqkvm-tab-api.alert-danger').waitFor({ timeout: 15000 });
		assert.match(await h.page.textContent('.puqkvm-tab-api'), /^API error: /);
		assert.equal(await h.page.evaluate(() => window.__xss), undefined);
		await h.screenshot('service-tab');

		await h.page.fill('input[name="puqkvm_rdns[2001:0db8:0000:0000:0000:0000:0000:0005]"]', `x${XSS}`);
		await Promise.all([h.page.waitForURL(/success=true/), h.page.click('#btnSaveChanges')]);
		const messages = await h.page.locator('.puqkvm-tab-message').allTextContents();
		assert.ok(messages.some((m) => m.includes('must be a host name')), messages.join(' | '));
		assert.equal(JSON.parse(h.query('SELECT vm_rev_dns FROM puqProxmoxKVM_vm_info WHERE service_id = 5')[0].vm_rev_dns)['192.0.2.5'], XSS);

		await h.page.fill('input[name="puqkvm_rdns[192.0.2.5]"]', 'mail.example.test');
		await h.page.fill('input[name="puqkvm_rdns[2001:0db8:0000:0000:0000:0000:0000:0005]"]', '');
		await Promise.all([h.page.waitForURL(/success=true/), h.page.click('#btnSaveChanges')]);
		await h.page.locator('.puqkvm-tab-message.alert-success').waitFor();
		const rev = JSON.parse(h.query('SELECT vm_rev_dns FROM puqProxmoxKVM_vm_info WHERE service_id = 5')[0].vm_rev_dns);
		assert.deepEqual(rev, { '192.0.2.5': 'mail.example.test' });
		assert.equal(await h.page.evaluate(() => window.__xss), undefined);
	});
});

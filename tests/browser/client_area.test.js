// The client area in a real browser, logged in as a client, against the Proxmox
// simulator: the overview and its power buttons, backups (Backup now with a note,
// the schedule grid, restore, remove), snapshots, reverse DNS, reinstall's typed
// confirmation, a new password, charts, ISO images and the firewall (add, reorder,
// delete). Pages the product does not allow are dimmed and answer "Access Denied"
// (logged); another client's service is never shown. Script payloads typed into notes,
// descriptions and rule comments are rendered as text. Every action is checked in the
// database or in the simulator afterwards.
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

const XSS = '<img src=x onerror="window.__xss=1">';
const top = path.resolve(__dirname, '../..');
const extension = process.env.PUQKVM_EXT || path.join(top, 'build/release/puqkvm.so');

function startSim() {
	return new Promise((resolve, reject) => {
		const child = spawn('node', [path.join(top, 'tests/sim/proxmox/cli.js'), '--task-ms', '20', '--auth-delay-ms', '50'],
			{ stdio: ['ignore', 'pipe', 'ignore'] });
		child.stdout.once('data', (chunk) => {
			try {
				resolve({ child, ...JSON.parse(String(chunk).split('\n')[0]) });
			} catch (err) {
				reject(err);
			}
		});
		child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
	});
}

describe('client area', () => {
	let h;
	let sim;
	let world;
	let page;

	const vm = (sid) => h.query('SELECT * FROM puqProxmoxKVM_vm_info WHERE service_id = ?', [sid])[0];
	const simVm = async (vmid) => (await fetch(`https://127.0.0.1:${sim.port}/__sim/vm?vmid=${vmid}`)).json();
	const open = async (sid, hash = 'overview') => {
		// a new load every time (a hash change alone would keep the previous page's state)
		await page.goto(`${h.base}/clientarea.php?action=productdetails&id=${sid}&load=${Date.now()}#${hash}`);
		await page.waitForFunction((p) => document.getElementById('puqkvm-client')?.getAttribute('data-loaded') === p, hash);
	};
	const go = async (hash) => {
		await page.evaluate((p) => { location.hash = p; }, hash);
		await page.waitForFunction((p) => document.getElementById('puqkvm-client').getAttribute('data-loaded') === p
			&& !document.getElementById('puqkvm-client').hasAttribute('data-loading'), hash);
	};
	const alertText = () => page.locator('#puqkvm-alert').textContent();
	const jobDone = (sid) => page.waitForFunction(() => document.getElementById('puqkvm-job').classList.contains('hidden'))
		.then(() => vm(sid));

	before(async () => {
		// the simulator's self-signed certificate: Node's fetch of /__sim needs no verification
		process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
		h = await startHarness();
		sim = await startSim();
		world = JSON.parse(execFileSync('php', ['-d', `extension=${extension}`, 'tests/browser/lib/client_world.php',
			h.root, String(sim.port), sim.fingerprint], { cwd: top, encoding: 'utf8' }));
		assert.ok(world.ready, 'every VM deployed');
		page = await h.context.newPage();
		page.on('dialog', (d) => d.accept());
		await page.goto(`${h.base}/login.php`);
		await page.fill('#username', world.ada.email);
		await page.fill('#password', world.ada.password);
		await Promise.all([page.waitForURL(`${h.base}/clientarea.php`), page.click('#login')]);
	});
	after(async () => {
		if (sim) sim.child.kill('SIGTERM');
		if (h) await h.stop();
	});

	test('the overview shows the VM; Stop and Start act at once', async () => {
		const sid = world.services.full;
		await open(sid);
		await page.waitForFunction(() => document.getElementById('puq-status').textContent === 'running');
		assert.ok(await page.locator('button[data-action="start"]').isDisabled(), 'Start is off while it runs');
		assert.match(await page.locator('#puq-cpu').textContent(), /of 2 cores/);
		assert.equal(await page.locator('#puq-domain').textContent(), `vm${sid}.client.example.test`);
		assert.match(await page.locator('#puq-addresses tbody').textContent(), /10\.77\.0\.\d+\/24/);
		await h.screenshot('client-overview', page);
		await page.click('button[data-action="stop"]');
		await page.waitForFunction(() => document.getElementById('puq-status').textContent === 'stopped', null, { timeout: 15000 });
		assert.equal((await simVm(world.vmids[sid])).status, 'stopped');
		await page.click('button[data-action="start"]');
		await page.waitForFunction(() => document.getElementById('puq-status').textContent === 'running', null, { timeout: 15000 });
		assert.equal((await simVm(world.vmids[sid])).status, 'running');
	});

	test('backups: Backup now with a note, the schedule, restore and remove', async () => {
		const sid = world.services.full;
		await open(sid, 'backups');
		await page.fill('#puq-backup-note', XSS);
		await page.click('#puq-backup-form button[type="submit"]');
		await page.locator('#puq-backups tbody tr').first().waitFor();
		let row = await jobDone(sid);
		await page.waitForFunction(() => document.getElementById('puq-backup-count').textContent === '1');
		assert.equal(row.job_result, 'ok');
		assert.equal(row.vm_backups, 1);
		assert.equal(await page.locator('#puq-backups tbody .puqkvm-note').first().textContent(), XSS);
		assert.equal(await page.evaluate(() => window.__xss), undefined);

		await page.check('input[name="backup-day-1"]');
		await page.fill('input[name="backup-time-1"]', '03:30');
		await page.click('#puq-backup-schedule-save');
		await page.waitForFunction(() => /schedule was saved/.test(document.getElementById('puqkvm-alert').textContent));
		assert.equal(vm(sid).vm_backup_schedule, '{"1":"03:30"}');
		await page.waitForFunction(() => /next scheduled backup: \d{4}-\d\d-\d\d 03:30/.test(document.getElementById('puq-backup-next').textContent));
		await h.screenshot('client-backups', page);

		await page.locator('#puq-backups tbody button', { hasText: 'Restore' }).first().click();
		await page.waitForFunction(() => /Restore: restored from/.test(document.getElementById('puqkvm-alert').textContent), null, { timeout: 20000 });
		row = vm(sid);
		assert.equal(row.vm_status, 'cp_update_ip', 'the engine re-applies the package next');
		assert.equal(row.action, 'restore');
		// the engine brings it back to ready (what the cron does)
		execFileSync('php', ['-d', `extension=${extension}`, 'tests/browser/lib/client_cron.php', h.root], { cwd: top });
		assert.equal(vm(sid).vm_status, 'ready');

		await open(sid, 'backups');
		await page.locator('#puq-backups tbody button', { hasText: 'Remove' }).first().click();
		await page.waitForFunction(() => document.getElementById('puq-backup-count').textContent === '0', null, { timeout: 20000 });
		assert.equal(vm(sid).vm_backups, 0);
	});

	test('snapshots: take with a description, roll back, remove', async () => {
		const sid = world.services.full;
		await open(sid, 'snapshots');
		await page.fill('#puq-snap-description', XSS);
		await page.click('#puq-snap-form button[type="submit"]');
		await page.locator('#puq-snapshots tbody tr').first().waitFor({ timeout: 20000 });
		await jobDone(sid);
		assert.equal(await page.locator('#puq-snapshots tbody .puqkvm-note').first().textContent(), XSS);
		const name = await page.locator('#puq-snapshots tbody tr').first().getAttribute('data-name');
		assert.deepEqual((await simVm(world.vmids[sid])).snapshots, [name]);
		await h.screenshot('client-snapshots', page);
		await page.locator('#puq-snapshots tbody button', { hasText: 'Rollback' }).click();
		await page.waitForFunction(() => /Rollback: rolled back to/.test(document.getElementById('puqkvm-alert').textContent), null, { timeout: 20000 });
		await page.locator('#puq-snapshots tbody button', { hasText: 'Remove' }).click();
		await page.waitForFunction(() => document.getElementById('puq-snap-count').textContent === '0', null, { timeout: 20000 });
		assert.deepEqual((await simVm(world.vmids[sid])).snapshots, []);
		assert.equal(await page.evaluate(() => window.__xss), undefined);
	});

	test('reverse DNS: a host name saved and queued for the DNS sync, a bad one refused', async () => {
		const sid = world.services.full;
		await open(sid, 'rdns');
		const input = page.locator('#puq-rdns input[data-ip]').first();
		const ip = await input.getAttribute('data-ip');
		await input.fill('not a host!');
		await page.click('#puq-rdns-form button[type="submit"]');
		await page.waitForFunction(() => document.querySelector('#puqkvm-alert [data-field]'), null, { timeout: 5000 })
			.catch(async (e) => { throw new Error(`no field error: ${await alertText()}`); });
		assert.match(await alertText(), /host name/);
		const names = vm(sid).vm_rev_dns; /* the deploy's defaults, unchanged */
		assert.equal(JSON.parse(names)[ip], `vm${sid}.client.example.test`);
		await input.fill('mail.client.example.test');
		await page.click('#puq-rdns-form button[type="submit"]');
		await page.waitForFunction(() => /will be published/.test(document.getElementById('puqkvm-alert').textContent));
		assert.equal(JSON.parse(vm(sid).vm_rev_dns)[ip], 'mail.client.example.test');
		assert.equal(vm(sid).vm_status, 'set_dns_records');
		h.query("UPDATE puqProxmoxKVM_vm_info SET vm_status = 'ready', due = 0 WHERE service_id = ?", [sid]);
	});

	test('firewall: rules added in order, reordered and deleted; comments stay text', async () => {
		const sid = world.services.full;
		await open(sid, 'firewall');
		const add = async (values) => {
			for (const [name, value] of Object.entries(values)) {
				const field = page.locator(`#puq-fw-add [name="${name}"]`);
				if (await field.evaluate((e) => e.tagName) === 'SELECT') await field.selectOption(value);
				else await field.fill(value);
			}
			const before = await page.locator('#puq-fw-rules tbody tr').count();
			await page.click('#puq-fw-add button[type="submit"]');
			await page.waitForFunction((n) => document.querySelectorAll('#puq-fw-rules tbody tr').length === n, before + 1);
		};
		await add({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', comment: 'ssh' });
		await add({ type: 'in', action: 'DROP', proto: 'tcp', dport: '25', comment: XSS });
		const comments = async () => page.locator('#puq-fw-rules tbody .puqkvm-note').allTextContents();
		assert.deepEqual(await comments(), ['ssh', XSS]);
		// a bad rule: the field errors come back, nothing is added
		await page.locator('#puq-fw-add [name="proto"]').selectOption('icmp');
		await page.fill('#puq-fw-add [name="dport"]', '22');
		await page.fill('#puq-fw-add [name="source"]', '300.1.1.1');
		await page.click('#puq-fw-add button[type="submit"]');
		await page.waitForFunction(() => document.querySelectorAll('#puqkvm-alert [data-field]').length === 2);
		assert.equal(await page.locator('#puq-fw-add .puqkvm-invalid').evaluateAll((e) => e.map((x) => x.name).sort()).then(String),
			'dport,source', 'the fields are highlighted');
		await h.screenshot('client-firewall', page);
		await page.locator('#puq-fw-rules tbody tr').first().locator('button[aria-label="Move down"]').click();
		await page.waitForFunction(() => document.querySelector('#puq-fw-rules tbody tr .puqkvm-note').textContent === 'ssh' ? false : true);
		assert.deepEqual(await comments(), [XSS, 'ssh']);
		assert.deepEqual((await simVm(world.vmids[sid])).firewall.rules.map((r) => r.comment), [XSS, 'ssh']);
		await page.locator('#puq-fw-rules tbody tr').first().locator('button', { hasText: 'Delete' }).click();
		await page.waitForFunction(() => document.querySelectorAll('#puq-fw-rules tbody tr').length === 1);
		assert.deepEqual((await simVm(world.vmids[sid])).firewall.rules.map((r) => r.comment), ['ssh']);
		await page.selectOption('#puq-fw-in', 'DROP');
		await page.click('#puq-fw-policy button[type="submit"]');
		await page.waitForFunction(() => /policies were saved/.test(document.getElementById('puqkvm-alert').textContent));
		assert.equal((await simVm(world.vmids[sid])).firewall.options.policy_in, 'DROP');
		assert.equal(await page.evaluate(() => window.__xss), undefined);
	});

	test('ISO images, charts, a new password and the reinstall confirmation', async () => {
		const sid = world.services.full;
		await open(sid, 'iso');
		await page.click('#puq-iso-form button[type="submit"]');
		await page.waitForFunction(() => document.getElementById('puq-iso-mounted').textContent.includes('debian-12'));
		assert.equal((await simVm(world.vmids[sid])).config.ide0, 'local:iso/debian-12.7.0-amd64-netinst.iso,media=cdrom');
		await page.click('#puq-iso-unmount');
		await page.waitForFunction(() => document.getElementById('puq-iso-mounted').textContent === 'none');

		await go('charts');
		await page.click('button[data-timeframe="day"]');
		await page.waitForFunction(() => document.querySelectorAll('#puq-chart-net polyline').length === 2);
		assert.equal(await page.locator('#puq-chart-cpu polyline').count(), 2);
		await h.screenshot('client-charts', page);

		const before = h.query('SELECT password FROM tblhosting WHERE id = ?', [sid])[0].password;
		await go('password');
		await page.click('#puq-password-reset');
		await page.waitForFunction(() => /new password was set/.test(document.getElementById('puqkvm-alert').textContent));
		assert.notEqual(h.query('SELECT password FROM tblhosting WHERE id = ?', [sid])[0].password, before);

		await go('reinstall');
		assert.equal(await page.locator('#puq-reinstall-os option').count(), 1);
		await page.fill('#puq-reinstall-confirm', 'reinstall');
		await page.click('#puq-reinstall-form button[type="submit"]');
		await page.waitForFunction(() => document.querySelector('#puqkvm-alert [data-field="confirm"]'));
		assert.equal(vm(sid).vm_status, 'ready');
		await page.fill('#puq-reinstall-confirm', 'REINSTALL');
		await page.click('#puq-reinstall-form button[type="submit"]');
		await page.waitForFunction(() => /reinstall has started/.test(document.getElementById('puqkvm-alert').textContent));
		assert.equal(vm(sid).vm_status, 'reinstall');
	});

	test('pages the product does not allow are dimmed and refused; others\' services are never shown', async () => {
		const sid = world.services.limited;
		await open(sid);
		await page.waitForFunction(() => document.querySelector('#puqkvm-menu li[data-page="firewall"]').classList.contains('puqkvm-dimmed'));
		assert.ok(await page.locator('#puqkvm-menu li[data-page="reinstall"]').evaluate((e) => e.classList.contains('puqkvm-dimmed')));
		assert.ok(!(await page.locator('#puqkvm-menu li[data-page="backups"]').evaluate((e) => e.classList.contains('puqkvm-dimmed'))));
		await h.screenshot('client-dimmed', page);
		await go('firewall');
		assert.equal(await alertText(), 'Access Denied');
		const logged = h.query("SELECT COUNT(*) AS n FROM tblactivitylog WHERE description LIKE ? AND description LIKE '%refused \"firewall\"%'",
			[`%service ID ${sid}%`]);
		assert.equal(Number(logged[0].n), 1);

		// Eve's service: WHMCS sends the client back to their list, the module never answers
		const eves = world.services.eves;
		const res = await page.evaluate(async (id) => {
			const r = await fetch(`clientarea.php?action=productdetails&id=${id}&modop=custom&a=ClientApi&do=overview`, { redirect: 'manual' });
			return { type: r.type, status: r.status };
		}, eves);
		assert.equal(res.type, 'opaqueredirect');
		await page.goto(`${h.base}/clientarea.php?action=productdetails&id=${eves}`);
		assert.equal(new URL(page.url()).searchParams.get('action'), 'products');
		assert.equal(await page.locator('#puqkvm-client').count(), 0);
	});
});

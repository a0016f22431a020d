// Tasks and locks: real UPIDs, configurable durations, locks held while a task runs with
// Proxmox's texts, "VM is running - destroy failed", parallel clones hitting the
// storage's cfs-lock, failing tasks, task logs, and destroy that is not idempotent.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, test } = require('node:test');

const { startSim } = require('./server');
const { request, waitTask } = require('./testclient');

const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

let sim;
before(async () => {
	sim = await startSim({ knobs: { taskMs: 10 } });
});
after(() => sim.close());
beforeEach(() => sim.reset({ knobs: { taskMs: 10 } }));

const clone = (newid, extra = {}, template = 9001) => request(sim, 'POST', `/nodes/pve1/qemu/${template}/clone`, { form: { newid, ...extra } });

test('UPIDs have the real format and decode to the task status fields', async () => {
	const r = await clone(101);
	const m = UPID_RE.exec(r.body.data);
	assert.ok(m, r.body.data);
	const st = (await request(sim, 'GET', `/nodes/pve1/tasks/${encodeURIComponent(r.body.data)}/status`)).body.data;
	assert.equal(st.status, 'running');
	assert.equal(st.exitstatus, undefined);
	assert.equal(st.pid, parseInt(m[3], 16));
	assert.equal(st.starttime, parseInt(m[5], 16));
	assert.equal(st.user, 'automation@pve');
	assert.equal(st.tokenid, 'ci');
	const done = await waitTask(sim, r.body.data);
	assert.equal(done.exitstatus, 'OK');
	const log = await request(sim, 'GET', `/nodes/pve1/tasks/${r.body.data}/log`, { query: { start: 0, limit: 50 } });
	assert.equal(log.body.data.at(-1).t, 'TASK OK');
	assert.equal(log.body.total, log.body.data.length);
	// a task asked on another node, or a made-up one
	assert.equal((await request(sim, 'GET', `/nodes/pve2/tasks/${r.body.data}/status`)).body.errors.upid, 'no such task');
});

test('task durations are configurable per type', async () => {
	sim.setKnobs({ taskMsByType: { qmclone: 400 } });
	const t0 = Date.now();
	const r = await clone(101);
	await waitTask(sim, r.body.data);
	assert.ok(Date.now() - t0 >= 380);
	const s = await request(sim, 'POST', '/nodes/pve1/qemu/101/status/start');
	const t1 = Date.now();
	await waitTask(sim, s.body.data);
	assert.ok(Date.now() - t1 < 300);
});

test('a clone holds "lock: clone"; writes, starts and deletes are refused meanwhile', async () => {
	sim.setKnobs({ taskMs: 300 });
	const r = await clone(101);
	const conf = (await request(sim, 'GET', '/nodes/pve1/qemu/101/config')).body.data;
	assert.equal(conf.lock, 'clone');
	const w = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { cores: 2 } });
	assert.equal(w.status, 500);
	assert.equal(w.reason, 'VM is locked (clone)');
	const d = await request(sim, 'DELETE', '/nodes/pve1/qemu/101');
	assert.equal(d.reason, 'VM is locked (clone)');
	const cur = (await request(sim, 'GET', '/nodes/pve1/qemu/101/status/current')).body.data;
	assert.equal(cur.lock, 'clone');
	const s = await request(sim, 'POST', '/nodes/pve1/qemu/101/status/start');
	assert.equal((await waitTask(sim, s.body.data)).exitstatus, 'VM is locked (clone)');
	await waitTask(sim, r.body.data);
	assert.equal((await request(sim, 'GET', '/nodes/pve1/qemu/101/config')).body.data.lock, undefined);
});

test('a backup holds "lock: backup"; a second clone id is refused', async () => {
	await waitTask(sim, (await clone(101)).body.data);
	sim.setKnobs({ taskMs: 300 });
	const b = await request(sim, 'POST', '/nodes/pve1/vzdump', { form: { vmid: 101, storage: 'nfs-backup', mode: 'snapshot', compress: 'zstd' } });
	const w = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { cores: 2 } });
	assert.equal(w.reason, 'VM is locked (backup)');
	const again = await clone(101);
	assert.equal(again.reason, 'unable to create VM 101: config file already exists');
	await waitTask(sim, b.body.data);
	const list = (await request(sim, 'GET', '/nodes/pve1/storage/nfs-backup/content', { query: { content: 'backup', vmid: 101 } })).body.data;
	assert.equal(list.length, 1);
	assert.match(list[0].volid, /^nfs-backup:backup\/vzdump-qemu-101-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.vma\.zst$/);
	// deleting the backup is an imgdel task
	const del = await request(sim, 'DELETE', `/nodes/pve1/storage/nfs-backup/content/${encodeURIComponent(list[0].volid)}`);
	assert.match(del.body.data, /:imgdel:101@nfs-backup:/);
	await waitTask(sim, del.body.data);
	const wrong = await request(sim, 'DELETE', `/nodes/pve1/storage/local/content/${encodeURIComponent(list[0].volid)}`);
	assert.equal(wrong.body.errors.volume, 'storage ID mismatch (nfs-backup != local)');
});

test('"VM is running - destroy failed"; destroy of a missing VM is a 500', async () => {
	await waitTask(sim, (await clone(101)).body.data);
	await waitTask(sim, (await request(sim, 'POST', '/nodes/pve1/qemu/101/status/start')).body.data);
	let d = await request(sim, 'DELETE', '/nodes/pve1/qemu/101', { query: { purge: 1 } });
	assert.equal(d.status, 500);
	assert.equal(d.reason, 'VM 101 is running - destroy failed');
	await waitTask(sim, (await request(sim, 'POST', '/nodes/pve1/qemu/101/status/stop')).body.data);
	d = await request(sim, 'DELETE', '/nodes/pve1/qemu/101', { query: { purge: 1, 'destroy-unreferenced-disks': 1 } });
	assert.equal((await waitTask(sim, d.body.data)).exitstatus, 'OK');
	const again = await request(sim, 'DELETE', '/nodes/pve1/qemu/101');
	assert.equal(again.status, 500);
	assert.match(again.reason, /101.conf' does not exist/);
	const vols = [...sim.cluster.storages.values()].flatMap((s) => [...s.volumes.values()]).filter((v) => v.vmid === 101);
	assert.equal(vols.length, 0);
});

test('parallel clones on one storage hit "cfs-lock ... got lock request timeout"', async () => {
	sim.setKnobs({ taskMs: 200, cloneCap: 2 });
	const ups = [];
	for (let i = 0; i < 4; i++) ups.push((await clone(110 + i, { full: 1 })).body.data);
	const results = await Promise.all(ups.map((u) => waitTask(sim, u)));
	const failed = results.filter((t) => t.exitstatus !== 'OK');
	assert.equal(failed.length, 2);
	assert.equal(failed[0].exitstatus, "clone failed: cfs-lock 'storage-ceph-vm' error: got lock request timeout");
	// a failed clone leaves no config behind
	assert.equal((await request(sim, 'GET', '/nodes/pve1/qemu/112/config')).status, 500);
	// one at a time succeeds
	for (let i = 0; i < 2; i++) assert.equal((await waitTask(sim, (await clone(120 + i, { full: 1 })).body.data)).exitstatus, 'OK');
});

test('the task failure knob makes workers fail', async () => {
	sim.setKnobs({ taskFailRate: 1 });
	const t = await waitTask(sim, (await clone(101)).body.data);
	assert.match(t.exitstatus, /^qmclone failed: simulated worker failure/);
	assert.equal((await request(sim, 'GET', '/nodes/pve1/qemu/101/config')).status, 500);
});

test('snapshots: create, list, rollback, delete; errors inside the task', async () => {
	await waitTask(sim, (await clone(101)).body.data);
	const s = await request(sim, 'POST', '/nodes/pve1/qemu/101/snapshot', { form: { snapname: 'before', description: 'x' } });
	assert.match(s.body.data, /:qmsnapshot:101:/);
	await waitTask(sim, s.body.data);
	const dup = await request(sim, 'POST', '/nodes/pve1/qemu/101/snapshot', { form: { snapname: 'before' } });
	assert.equal((await waitTask(sim, dup.body.data)).exitstatus, "snapshot name 'before' already used");
	const list = (await request(sim, 'GET', '/nodes/pve1/qemu/101/snapshot')).body.data;
	assert.deepEqual(list.map((x) => x.name), ['before', 'current']);
	await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { cores: 8 } });
	await waitTask(sim, (await request(sim, 'POST', '/nodes/pve1/qemu/101/snapshot/before/rollback')).body.data);
	assert.equal((await request(sim, 'GET', '/nodes/pve1/qemu/101/config')).body.data.cores, 1);
	const miss = await request(sim, 'DELETE', '/nodes/pve1/qemu/101/snapshot/nothere');
	assert.equal((await waitTask(sim, miss.body.data)).exitstatus, "snapshot 'nothere' does not exist");
	const bad = await request(sim, 'POST', '/nodes/pve1/qemu/101/snapshot', { form: { snapname: '1bad' } });
	assert.equal(bad.status, 400);
});

test('firewall: ipfilter-net0 set, entries, rules disabled unless enabled', async () => {
	await waitTask(sim, (await clone(101)).body.data);
	const base = '/nodes/pve1/qemu/101/firewall';
	assert.equal((await request(sim, 'POST', `${base}/ipset`, { form: { name: 'ipfilter-net0' } })).status, 200);
	assert.equal((await request(sim, 'POST', `${base}/ipset/ipfilter-net0`, { form: { cidr: '192.0.2.10' } })).status, 200);
	const dup = await request(sim, 'POST', `${base}/ipset/ipfilter-net0`, { form: { cidr: '192.0.2.10' } });
	assert.equal(dup.body.errors.cidr, "address '192.0.2.10' already exists");
	assert.equal((await request(sim, 'POST', `${base}/ipset/ipfilter-net0`, { form: { cidr: '2001:db8::10' } })).status, 200);
	const entries = (await request(sim, 'GET', `${base}/ipset/ipfilter-net0`)).body.data.map((e) => e.cidr);
	assert.deepEqual(entries, ['192.0.2.10', '2001:db8::10']);
	const notEmpty = await request(sim, 'DELETE', `${base}/ipset/ipfilter-net0`);
	assert.equal(notEmpty.reason, "IPSet 'ipfilter-net0' is not empty");
	assert.equal((await request(sim, 'DELETE', `${base}/ipset/ipfilter-net0/${encodeURIComponent('2001:db8::10')}`)).status, 200);
	await request(sim, 'POST', `${base}/rules`, { form: { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22' } });
	await request(sim, 'POST', `${base}/rules`, { form: { type: 'in', action: 'DROP', enable: 1 } });
	const rules = (await request(sim, 'GET', `${base}/rules`)).body.data;
	assert.equal(rules[0].action, 'DROP'); // inserted at position 0
	assert.equal(rules[0].enable, 1);
	assert.equal(rules[1].enable, 0);
	assert.equal((await request(sim, 'DELETE', `${base}/rules/7`)).reason, 'no rule at position 7');
	await request(sim, 'PUT', `${base}/options`, { form: { enable: 1, ipfilter: 1, policy_in: 'ACCEPT' } });
	const opts = (await request(sim, 'GET', `${base}/options`)).body.data;
	assert.equal(opts.ipfilter, 1);
	assert.equal(opts.policy_in, 'ACCEPT');
});

test('rrddata, vncproxy, status/current shapes per version', async () => {
	await waitTask(sim, (await clone(101)).body.data);
	await waitTask(sim, (await request(sim, 'POST', '/nodes/pve1/qemu/101/status/start')).body.data);
	let rrd = (await request(sim, 'GET', '/nodes/pve1/qemu/101/rrddata', { query: { timeframe: 'hour', cf: 'AVERAGE' } })).body.data;
	assert.equal(rrd.length, 60);
	assert.deepEqual(Object.keys(rrd.at(-1)), ['time']); // no value yet for the newest sample
	assert.ok('pressurecpusome' in rrd[0]);
	sim.setKnobs({ version: 8 });
	rrd = (await request(sim, 'GET', '/nodes/pve1/qemu/101/rrddata', { query: { timeframe: 'day', cf: 'AVERAGE' } })).body.data;
	assert.equal(rrd.length, 70);
	assert.ok(!('memhost' in rrd[0]));
	const vnc = (await request(sim, 'POST', '/nodes/pve1/qemu/101/vncproxy', { form: { websocket: 1 } })).body.data;
	assert.match(vnc.ticket, /^PVEVNC:[0-9A-F]{8}::/);
	assert.ok(vnc.password);
	assert.match(vnc.upid, /:vncproxy:101:/);
	const cur = (await request(sim, 'GET', '/nodes/pve1/qemu/101/status/current')).body.data;
	assert.equal(cur.status, 'running');
	assert.equal(cur.qmpstatus, 'running');
});

test('a backup\'s notes-template is read with escapes, then Proxmox\'s own variables', async () => {
	await waitTask(sim, (await clone(101, { name: 'web1' })).body.data);
	const notes = async (template) => {
		const b = await request(sim, 'POST', '/nodes/pve1/vzdump', { form: { vmid: 101, storage: 'nfs-backup', 'notes-template': template } });
		await waitTask(sim, b.body.data);
		const list = (await request(sim, 'GET', '/nodes/pve1/storage/nfs-backup/content', { query: { content: 'backup', vmid: 101 } })).body.data;
		const last = list.at(-1);
		await waitTask(sim, (await request(sim, 'DELETE', `/nodes/pve1/storage/nfs-backup/content/${encodeURIComponent(last.volid)}`)).body.data);
		return last.notes;
	};
	assert.equal(await notes('back\\\\slash {{guestname}} on {{node}} {{other}}'), 'back\\slash web1 on pve1 {{other}}');
	assert.equal(await notes('two\\nlines'), 'two\nlines');
	assert.equal(await notes('unknown \\x escape'), undefined);
});

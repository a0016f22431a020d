// Every item of notes/proxmox-pitfalls.md, reproduced: for each, the request a naive
// client sends and what goes wrong, then the correct request and its success.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, describe, test } = require('node:test');

const { startSim } = require('./server');
const { request, waitTask, form } = require('./testclient');

let sim;
before(async () => {
	sim = await startSim({ knobs: { taskMs: 10, authFailDelayMs: 3000 } });
});
after(() => sim.close());
beforeEach(() => sim.reset({ knobs: { taskMs: 10 } }));

const cfgOf = async (vmid, node = 'pve1') => (await request(sim, 'GET', `/nodes/${node}/qemu/${vmid}/config`)).body.data;

async function cloneVm(newid, template = 9000, extra = {}) {
	const r = await request(sim, 'POST', `/nodes/pve1/qemu/${template}/clone`, { form: { newid, ...extra } });
	assert.equal(r.status, 200, r.text);
	const t = await waitTask(sim, r.body.data);
	assert.equal(t.exitstatus, 'OK');
	return r.body.data;
}

describe('form bodies', () => {
	test('an unencoded second "=" loses the rest of the value', async () => {
		await cloneVm(101);
		// naive: net0=virtio=MAC,bridge=vmbr1 sent raw
		let r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { raw: 'net0=virtio=BC:24:11:00:00:01,bridge=vmbr1' });
		assert.equal(r.status, 200);
		let net0 = (await cfgOf(101)).net0;
		assert.doesNotMatch(net0, /bridge=vmbr1/);
		assert.doesNotMatch(net0, /BC:24:11:00:00:01/);
		// correct: every value percent-encoded
		r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr1' } });
		assert.equal(r.status, 200);
		net0 = (await cfgOf(101)).net0;
		assert.equal(net0, 'virtio=BC:24:11:00:00:01,bridge=vmbr1');
	});

	test('pairs are also split on ";"', async () => {
		await cloneVm(101);
		const r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { raw: 'description=web;db server' });
		assert.equal(r.status, 400);
		assert.match(r.body.errors['db server'], /not defined in schema/);
		const ok = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { description: 'web;db server' } });
		assert.equal(ok.status, 200);
		assert.equal((await cfgOf(101)).description, 'web;db server');
	});

	test('a stray "&" yields an error keyed _root', async () => {
		await cloneVm(101);
		const r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { raw: 'name=web01&&cores=2' });
		assert.equal(r.status, 400);
		assert.ok(r.body.errors._root);
		const ok = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { raw: form({ name: 'web01', cores: 2 }) });
		assert.equal(ok.status, 200);
	});

	test('booleans must be 0/1, "true" is rejected', async () => {
		await cloneVm(101);
		const r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { onboot: 'true' } });
		assert.equal(r.status, 400);
		assert.equal(r.body.errors.onboot, "type check ('boolean') failed - got 'true'");
		const ok = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { onboot: 1 } });
		assert.equal(ok.status, 200);
		assert.equal((await cfgOf(101)).onboot, 1);
	});
});

test('sshkeys must be percent-encoded, and encoded again inside a form body', async () => {
	await cloneVm(101);
	const keys = 'ssh-ed25519 AAAAC3Nza+b/c= me@host\n';
	// naive: the key as is, form-encoded once: Proxmox decodes the form and finds raw text
	let r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { sshkeys: keys } });
	assert.equal(r.status, 400);
	assert.match(r.body.errors.sshkeys, /invalid urlencoded string/);
	// correct: quote(keys, safe='') first, then the form encodes it again (% -> %25)
	const once = encodeURIComponent(keys).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { sshkeys: once } });
	assert.equal(r.status, 200, r.text);
	assert.equal(decodeURIComponent((await cfgOf(101)).sshkeys), keys);
});

describe('linked clones on local storage', () => {
	test('cannot migrate: the task ends "migration aborted"', async () => {
		// naive: linked clone of the local-lvm template, then move it to the target node
		await cloneVm(101, 9000);
		const r = await request(sim, 'POST', '/nodes/pve1/qemu/101/migrate', { form: { target: 'pve2', targetstorage: 'local-lvm', 'with-local-disks': 1 } });
		assert.equal(r.status, 200);
		const t = await waitTask(sim, r.body.data);
		assert.equal(t.exitstatus, 'migration aborted');
		const log = await request(sim, 'GET', `/nodes/pve1/tasks/${encodeURIComponent(r.body.data)}/log`);
		assert.ok(log.body.data.some((l) => /as it's a clone of 'base-9000-disk-0'/.test(l.t)));
		assert.equal((await cfgOf(101)).lock, undefined);
	});

	test('a full clone migrates with targetstorage; a shared template clones anywhere', async () => {
		await cloneVm(102, 9000, { full: 1 });
		const r = await request(sim, 'POST', '/nodes/pve1/qemu/102/migrate', { form: { target: 'pve2', targetstorage: 'local-lvm', 'with-local-disks': 1 } });
		const t = await waitTask(sim, r.body.data);
		assert.equal(t.exitstatus, 'OK');
		assert.match((await cfgOf(102, 'pve2')).scsi0, /^local-lvm:vm-102-disk-0,/);
		// the template on ceph-vm: a linked clone straight onto another node
		await cloneVm(103, 9001, { target: 'pve3' });
		assert.match((await cfgOf(103, 'pve3')).scsi0, /^ceph-vm:base-9001-disk-0\/vm-103-disk-0/);
		// and the synchronous refusal for the local template
		const bad = await request(sim, 'POST', '/nodes/pve1/qemu/9000/clone', { form: { newid: 104, target: 'pve2' } });
		assert.equal(bad.status, 500);
		assert.equal(bad.reason, "can't clone VM to node 'pve2' (VM uses local storage)");
	});
});

describe('errors inside tasks', () => {
	for (const action of ['start', 'stop', 'shutdown']) {
		test(`status/${action} of a missing VM answers a UPID and fails in the task`, async () => {
			const r = await request(sim, 'POST', `/nodes/pve1/qemu/999/status/${action}`);
			// naive: HTTP 200 means done
			assert.equal(r.status, 200);
			assert.match(r.body.data, /^UPID:pve1:/);
			const t = await waitTask(sim, r.body.data);
			assert.equal(t.exitstatus, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
		});
	}

	test('a disk shrink is accepted and fails in the task', async () => {
		await cloneVm(101);
		const r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { form: { disk: 'scsi0', size: '5G' } });
		assert.equal(r.status, 200);
		assert.equal((await waitTask(sim, r.body.data)).exitstatus, 'shrinking disks is not supported');
		const ok = await request(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { form: { disk: 'scsi0', size: '+5G' } });
		assert.equal((await waitTask(sim, ok.body.data)).exitstatus, 'OK');
		assert.match((await cfgOf(101)).scsi0, /size=15G/);
	});

	test('every other call on a missing VM answers 500 "does not exist"', async () => {
		for (const [m, p] of [['GET', '/config'], ['GET', '/status/current'], ['DELETE', ''], ['POST', '/snapshot']]) {
			const r = await request(sim, m, `/nodes/pve1/qemu/999${p}`, m === 'POST' ? { form: { snapname: 'x1' } } : {});
			assert.equal(r.status, 500, `${m} ${p}`);
			assert.equal(r.reason, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
		}
	});
});

test("a clone's UPID names the source VM, not the new one", async () => {
	const upid = await cloneVm(105, 9001);
	const [, node, , , , type, id] = upid.split(':');
	assert.equal(node, 'pve1');
	assert.equal(type, 'qmclone');
	assert.equal(id, '9001'); // naive: expects 105
	assert.ok(sim.cluster.vms.has(105));
});

describe('config digests', () => {
	test('a stale digest is refused for config and resize', async () => {
		await cloneVm(101);
		const digest = (await cfgOf(101)).digest;
		// someone else changes the VM in between
		await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { cores: 2 } });
		const r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { cores: 4, digest } });
		assert.equal(r.status, 500);
		assert.equal(r.reason, 'detected modified configuration - file changed by other user? Try again.');
		const rs = await request(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { form: { disk: 'scsi0', size: '+1G', digest } });
		assert.equal((await waitTask(sim, rs.body.data)).exitstatus, 'checksum mismatch (file change by other user?)');
		// correct: re-read, then write with the fresh digest
		const fresh = (await cfgOf(101)).digest;
		const ok = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { cores: 4, digest: fresh } });
		assert.equal(ok.status, 200);
	});

	test('the firewall says "detected modified configuration"', async () => {
		await cloneVm(101);
		const digest = (await request(sim, 'GET', '/nodes/pve1/qemu/101/firewall/options')).body.data.digest;
		await request(sim, 'PUT', '/nodes/pve1/qemu/101/firewall/options', { form: { enable: 1 } });
		const r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/firewall/options', { form: { ipfilter: 1, digest } });
		assert.equal(r.status, 500);
		assert.match(r.reason, /^detected modified configuration/);
	});
});

test('restore with archive conflicts only with disk keys; other keys override', async () => {
	await cloneVm(101);
	const b = await request(sim, 'POST', '/nodes/pve1/vzdump', { form: { vmid: 101, storage: 'pbs', mode: 'snapshot' } });
	assert.equal((await waitTask(sim, b.body.data)).exitstatus, 'OK');
	const archive = (await request(sim, 'GET', '/nodes/pve1/storage/pbs/content', { query: { content: 'backup', vmid: 101 } })).body.data[0].volid;
	// naive: re-sends the disk with the restore
	const bad = await request(sim, 'POST', '/nodes/pve1/qemu', { form: { vmid: 101, archive, force: 1, scsi0: 'local-lvm:32' } });
	assert.equal(bad.status, 400);
	assert.equal(bad.body.errors.scsi0, "option conflicts with option 'archive'");
	// other config keys are applied over the restored config
	const ok = await request(sim, 'POST', '/nodes/pve1/qemu', { form: { vmid: 101, archive, force: 1, cores: 4 } });
	assert.equal(ok.status, 200, ok.text);
	assert.equal((await waitTask(sim, ok.body.data)).exitstatus, 'OK');
	const conf = await cfgOf(101);
	assert.equal(conf.cores, 4);
	assert.match(conf.scsi0, /^local-lvm:vm-101-disk-/);
});

test('indexed keys have real limits: net32 and scsi31 are rejected', async () => {
	await cloneVm(101);
	for (const [k, v] of [['net32', 'virtio,bridge=vmbr0'], ['scsi31', 'local-lvm:1'], ['virtio16', 'local-lvm:1'], ['sata6', 'local-lvm:1'], ['ide4', 'none,media=cdrom']]) {
		const r = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { [k]: v } });
		assert.equal(r.status, 400, k);
		assert.match(r.body.errors[k], /not defined in schema/);
	}
	const ok = await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { net31: 'virtio,bridge=vmbr0', scsi30: 'local-lvm:1' } });
	assert.equal(ok.status, 200, ok.text);
});

test('vzdump on a node that does not hold the VM answers "OK", not a UPID', async () => {
	await cloneVm(101, 9001, { target: 'pve2' });
	// naive: assumes the VM is on the first node
	const r = await request(sim, 'POST', '/nodes/pve1/vzdump', { form: { vmid: 101, storage: 'pbs' } });
	assert.equal(r.status, 200);
	assert.equal(r.body.data, 'OK');
	const poll = await request(sim, 'GET', `/nodes/pve1/tasks/${r.body.data}/status`);
	assert.equal(poll.status, 400);
	// correct: the node from /cluster/resources
	const res = (await request(sim, 'GET', '/cluster/resources', { query: { type: 'vm' } })).body.data;
	const node = res.find((e) => e.vmid === 101).node;
	assert.equal(node, 'pve2');
	const ok = await request(sim, 'POST', `/nodes/${node}/vzdump`, { form: { vmid: 101, storage: 'pbs' } });
	assert.match(ok.body.data, /^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzdump:101:/);
});

describe('error bodies', () => {
	test('before pve-http-server 5.2.0 the text is only in the reason phrase', async () => {
		sim.setKnobs({ messageField: false });
		const r = await request(sim, 'GET', '/nodes/pve1/qemu/999/config');
		assert.equal(r.body.message, undefined); // naive: reads body.message
		assert.equal(r.reason, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
		sim.setKnobs({ messageField: true });
		const r2 = await request(sim, 'GET', '/nodes/pve1/qemu/999/config');
		assert.equal(r2.body.message, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n");
	});

	test('every error response closes the connection', async () => {
		const ok = await request(sim, 'GET', '/nodes');
		assert.notEqual(ok.headers.connection, 'close');
		const r = await request(sim, 'GET', '/nodes/pve1/qemu/999/config');
		assert.equal(r.headers.connection, 'close');
	});
});

test('401 answers are delayed about 3 s', async () => {
	sim.setKnobs({ authFailDelayMs: 3000 });
	const t0 = Date.now();
	const r = await request(sim, 'GET', '/nodes', { token: 'automation@pve!ci=00000000-0000-0000-0000-000000000000' });
	const elapsed = Date.now() - t0;
	assert.equal(r.status, 401);
	assert.equal(r.reason, 'Authentication failed!');
	assert.equal(r.text, '');
	assert.ok(elapsed >= 2900, `answered after ${elapsed} ms`);
});

test('numbers as strings: nextid is "100", memory a string', async () => {
	const r = await request(sim, 'GET', '/cluster/nextid');
	assert.equal(r.body.data, '100');
	assert.equal(typeof r.body.data, 'string'); // naive: Number.isInteger(data) fails
	const conf = await cfgOf(9000);
	assert.equal(conf.memory, '2048');
	assert.equal(Number(conf.memory), 2048);
	sim.setKnobs({ version: 8 });
	assert.equal((await cfgOf(9000)).memory, '2048');
});

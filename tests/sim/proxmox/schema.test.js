// Parameter validation against the official schema (PVE 9 by default, PVE 8 selectable):
// unknown, missing, malformed and out-of-range parameters get Proxmox's own 400.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, test } = require('node:test');

const { startSim } = require('./server');
const { request } = require('./testclient');
const schema = require('./schema');

let sim;
before(async () => {
	sim = await startSim({ knobs: { taskMs: 5 } });
});
after(() => sim.close());
beforeEach(() => sim.reset({ knobs: { taskMs: 5 } }));

const put = (form, vmid = 9000) => request(sim, 'PUT', `/nodes/pve1/qemu/${vmid}/config`, { form });

test('unknown parameters are refused with the schema message', async () => {
	const r = await put({ systemdisk: 'scsi0' });
	assert.equal(r.status, 400);
	assert.equal(r.reason, 'Parameter verification failed.');
	assert.deepEqual(r.body.errors, { systemdisk: 'property is not defined in schema and the schema does not allow additional properties' });
	assert.equal(r.body.data, null);
});

test('type, range, enum, length and format checks', async () => {
	const cases = [
		[{ cores: 'two' }, 'cores', "type check ('integer') failed - got 'two'"],
		[{ cores: 0 }, 'cores', 'value must have a minimum value of 1'],
		[{ cpulimit: 'x' }, 'cpulimit', "type check ('number') failed - got 'x'"],
		[{ ostype: 'plan9' }, 'ostype', /value 'plan9' does not have a value in the enumeration/],
		[{ name: 'bad_name!' }, 'name', 'value does not look like a valid DNS name'],
		[{ net0: 'virtio,bridge=vmbr0,tag=5000' }, 'net0', 'invalid format - format error\nnet0.tag: value must have a maximum value of 4094\n'],
		[{ net0: 'virtio=zz:24:11:00:00:01' }, 'net0', /net0.macaddr: value does not look like a valid unicast MAC address/],
		[{ net0: 'virtio,bridge=vmbr0,speed=10' }, 'net0', /net0.speed: property is not defined in schema/],
		[{ scsi0: 'local-lvm:vm-9000-disk-0,iops_rd=many' }, 'scsi0', /scsi0.iops_rd: type check \('integer'\) failed - got 'many'/],
		[{ memory: 'lots' }, 'memory', /memory.current: type check \('integer'\) failed - got 'lots'/],
		[{ memory: 8 }, 'memory', /memory.current: value must have a minimum value of 16/],
		[{ ipconfig0: 'ip=192.0.2.300/24' }, 'ipconfig0', /ip: invalid format/],
		[{ ipconfig0: 'gw=192.0.2.1' }, 'ipconfig0', /gateway specified without specifying an IP address/],
		[{ nameserver: '192.0.2.53 not-an-ip' }, 'nameserver', "invalid address 'not-an-ip'"],
		[{ boot: 'order=scsi0;floppy0' }, 'boot', /invalid boot device 'floppy0'/],
		[{ description: 'x'.repeat(8193) }, 'description', 'value may only be 8192 characters long'],
	];
	for (const [form, key, msg] of cases) {
		const r = await put(form);
		assert.equal(r.status, 400, JSON.stringify(form));
		if (msg instanceof RegExp) assert.match(r.body.errors[key], msg);
		else assert.equal(r.body.errors[key], msg);
	}
	// all problems of one request at once
	const r = await put({ cores: 'x', sockets: 0, onboot: 'yes' });
	assert.deepEqual(Object.keys(r.body.errors).sort(), ['cores', 'onboot', 'sockets']);
});

test('missing required parameters and path parameters', async () => {
	let r = await request(sim, 'POST', '/nodes/pve1/qemu/9000/clone', { form: {} });
	assert.equal(r.body.errors.newid, 'property is missing and it is not optional');
	r = await request(sim, 'POST', '/nodes/pve1/qemu/99/clone', { form: { newid: 150 } });
	assert.equal(r.body.errors.vmid, 'value must have a minimum value of 100');
	r = await request(sim, 'GET', '/nodes/pve_1!/qemu/9000/config');
	assert.equal(r.body.errors.node, 'value does not look like a valid node name');
	r = await request(sim, 'POST', '/nodes/pve1/qemu/9000/clone', { form: { newid: 150, vmid: 9001 } });
	assert.equal(r.body.errors.vmid, 'duplicate parameter (already defined in URI) with conflicting values!');
});

test('GET with a body is 501, unknown paths are 501', async () => {
	let r = await request(sim, 'GET', '/nodes', { raw: 'x=1' });
	assert.equal(r.status, 501);
	assert.equal(r.reason, "Unexpected content for method 'GET'");
	r = await request(sim, 'GET', '/nodes/pve1/foo');
	assert.equal(r.status, 501);
	assert.equal(r.reason, "Method 'GET /nodes/pve1/foo' not implemented");
});

test('JSON bodies take true/false; the query string wins over the body', async () => {
	let r = await request(sim, 'PUT', '/nodes/pve1/qemu/9000/config', { json: { onboot: true, cores: 3 } });
	assert.equal(r.status, 200, r.text);
	let conf = (await request(sim, 'GET', '/nodes/pve1/qemu/9000/config')).body.data;
	assert.equal(conf.onboot, 1);
	r = await request(sim, 'PUT', '/nodes/pve1/qemu/9000/config', { form: { cores: 2 }, query: { cores: 6 } });
	assert.equal(r.status, 200);
	conf = (await request(sim, 'GET', '/nodes/pve1/qemu/9000/config')).body.data;
	assert.equal(conf.cores, 6);
});

test('PVE 8 is selectable: its schema lacks PVE 9 parameters and keeps its own', async () => {
	let r = await request(sim, 'POST', '/nodes/pve1/qemu/9000/migrate', { form: { target: 'pve2', 'with-conntrack-state': 1 } });
	assert.notEqual(r.status, 400); // known in 9
	sim.reset({ knobs: { version: 8, taskMs: 5 } });
	r = await request(sim, 'POST', '/nodes/pve1/qemu/9000/migrate', { form: { target: 'pve2', 'with-conntrack-state': 1 } });
	assert.equal(r.status, 400);
	assert.match(r.body.errors['with-conntrack-state'], /not defined in schema/);
	r = await put({ 'allow-ksm': 0 });
	assert.equal(r.status, 400);
	r = await request(sim, 'POST', '/nodes/pve1/vzdump', { form: { vmid: 9000, storage: 'pbs', 'notification-policy': 'never' } });
	assert.equal(r.status, 200, r.text);
	assert.equal((await request(sim, 'GET', '/version')).body.data.release, '8.4');
	sim.reset({ knobs: { version: 9, taskMs: 5 } });
	r = await request(sim, 'POST', '/nodes/pve1/vzdump', { form: { vmid: 9000, storage: 'pbs', 'notification-policy': 'never' } });
	assert.equal(r.status, 400);
});

test('every path of the schema routes; the expansion of indexed keys is exact', () => {
	for (const v of [8, 9]) {
		const s = schema.load(v);
		for (const p of Object.keys(s.raw)) {
			const concrete = p.replace(/\{[^}]+\}/g, 'x1');
			assert.ok(s.route(concrete), `${v}: ${p}`);
		}
		const props = s.properties('/nodes/{node}/qemu/{vmid}/config', 'POST');
		assert.ok(props.has('net31') && !props.has('net32'));
		assert.ok(props.has('scsi30') && !props.has('scsi31'));
		assert.ok(props.has('virtio15') && !props.has('virtio16'));
		assert.ok(props.has('ide3') && !props.has('ide4'));
	}
});

// The HestiaCP simulator: auth modes, request rules, exit codes and their HTTP mapping,
// returncode=yes, the DNS commands, and the base's faults and counters.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, test } = require('node:test');

const { hestiaSimulator } = require('./server');

const KEY_ID = 'AK7G2F9Q1LMNB8XZ3C4V';
const KEY_SECRET = 'Zr8'.padEnd(40, 'q');
let sim;

before(async () => {
	sim = hestiaSimulator();
	await sim.start();
});
after(() => sim.stop());
beforeEach(() => {
	sim.reset();
	sim.hestia.reset();
	sim.hestia.users.set('client1', { domains: new Map() });
	sim.hestia.addDomain('client1', '2.0.192.in-addr.arpa', '192.0.2.1');
	sim.hestia.keys.set(KEY_ID, { secret: KEY_SECRET, user: 'admin', commands: '*' });
});

const legacy = { user: 'admin', password: 'hestia-admin-password' };
const key = { hash: `${KEY_ID}:${KEY_SECRET}` };

async function api(fields, { json = false } = {}) {
	const body = json ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
	const res = await fetch(sim.url('/api/'), {
		method: 'POST',
		headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
		body,
	});
	return { status: res.status, exit: res.headers.get('hestia-exit-code'), type: res.headers.get('content-type'),
		text: await res.text() };
}

test('listing in key mode: JSON with its content type, exit code header', async () => {
	const r = await api({ ...key, cmd: 'v-list-dns-records', arg1: 'client1', arg2: '2.0.192.in-addr.arpa', arg3: 'json' });
	assert.equal(r.status, 200);
	assert.equal(r.exit, '0');
	assert.match(r.type, /application\/json/);
	const recs = JSON.parse(r.text);
	assert.deepEqual(Object.keys(recs), Object.keys(recs).sort((a, b) => a - b));
	const ns = Object.values(recs).filter((x) => x.TYPE === 'NS');
	assert.equal(ns.length, 2);
	assert.equal(ns[0].VALUE, 'ns1.2.0.192.in-addr.arpa.');
	assert.equal(typeof ns[0].ID, 'string');
	assert.equal(ns[0].TTL, '14400'); /* the zone's TTL when the record has none */
});

test('add and delete with returncode=yes; values normalised; exit codes', async () => {
	const base = { ...key, returncode: 'yes', arg1: 'client1', arg2: '2.0.192.in-addr.arpa' };
	let r = await api({ ...base, cmd: 'v-add-dns-record', arg3: '10', arg4: 'ptr', arg5: 'Host.Example.com', arg6: '', arg7: '', arg8: 'no', arg9: '3600' });
	assert.equal(r.status, 200);
	assert.equal(r.text, '0');
	const recs = JSON.parse((await api({ ...key, cmd: 'v-list-dns-records', arg1: 'client1', arg2: '2.0.192.in-addr.arpa', arg3: 'json' })).text);
	const ptr = Object.values(recs).find((x) => x.TYPE === 'PTR');
	assert.equal(ptr.RECORD, '10');
	assert.equal(ptr.VALUE, 'Host.Example.com.');
	assert.equal(ptr.TTL, '3600');
	r = await api({ ...base, cmd: 'v-add-dns-record', arg3: '11', arg4: 'PTR', arg5: 'localhost' });
	assert.equal(r.text, '2'); /* not an FQDN */
	r = await api({ ...base, cmd: 'v-add-dns-record', arg3: '12', arg4: 'PTR', arg5: 'h.example.com', arg6: '', arg7: ptr.ID });
	assert.equal(r.text, '4'); /* explicit ID taken */
	r = await api({ ...base, cmd: 'v-delete-dns-record', arg3: ptr.ID });
	assert.equal(r.text, '0');
	r = await api({ ...base, cmd: 'v-delete-dns-record', arg3: ptr.ID });
	assert.equal(r.text, '3');
	const a = Object.values(recs).find((x) => x.TYPE === 'A' && x.RECORD === '@');
	const mail = Object.values(recs).find((x) => x.TYPE === 'A' && x.RECORD === 'mail');
	assert.equal((await api({ ...base, cmd: 'v-delete-dns-record', arg3: mail.ID })).text, '0');
	assert.equal((await api({ ...base, cmd: 'v-delete-dns-record', arg3: a.ID })).text, '2'); /* the last A */
});

test('without returncode a failure maps to its HTTP status; success prints nothing', async () => {
	const base = { ...key, arg1: 'client1' };
	let r = await api({ ...base, cmd: 'v-add-dns-record', arg2: '2.0.192.in-addr.arpa', arg3: '20', arg4: 'PTR', arg5: 'x.example.com' });
	assert.equal(r.status, 204);
	assert.equal(r.text, '');
	r = await api({ ...base, cmd: 'v-list-dns-records', arg2: 'nosuch.example', arg3: 'json' });
	assert.equal(r.status, 400);
	assert.equal(r.exit, '3');
	assert.equal(r.text, "Error: dns domain nosuch.example doesn't exist");
	r = await api({ ...base, cmd: 'v-add-dns-record', arg2: '2.0.192.in-addr.arpa', arg3: '21', arg4: 'A', arg5: 'not-an-ip' });
	assert.equal(r.status, 422);
	r = await api({ ...base, cmd: 'v-add-dns-record', arg2: '2.0.192.in-addr.arpa' });
	assert.equal(r.status, 400);
	assert.equal(r.exit, '1');
	assert.match(r.text, /^Usage: v-add-dns-record USER DOMAIN RECORD TYPE VALUE/);
	r = await api({ ...base, cmd: 'v-list-dns-records;ls' });
	assert.equal(r.exit, '2');
});

test('legacy mode answers 200 even for failures, and OK for an empty success', async () => {
	let r = await api({ ...legacy, cmd: 'v-list-dns-records', arg1: 'bob', arg2: 'x', arg3: 'json' });
	assert.equal(r.status, 200);
	assert.equal(r.exit, null);
	assert.equal(r.text, "Error: user bob doesn't exist");
	r = await api({ ...legacy, cmd: 'v-add-dns-record', arg1: 'client1', arg2: '2.0.192.in-addr.arpa', arg3: '30', arg4: 'PTR', arg5: 'y.example.com' });
	assert.equal(r.text, 'OK');
	r = await api({ ...legacy, returncode: 'yes', cmd: 'v-list-dns-records', arg1: 'bob', arg2: 'x' });
	assert.equal(r.text, '3');
	r = await api({ user: 'admin', password: 'wrong', cmd: 'v-list-dns-domains', arg1: 'client1' });
	assert.equal(r.status, 401);
	assert.equal(r.exit, '9');
	r = await api({ ...legacy, cmd: 'v-list-dns-domains', arg1: 'client1', arg2: 'json' }, { json: true });
	/* the default template with two name servers (15 records) and the PTR added above */
	assert.equal(JSON.parse(r.text)['2.0.192.in-addr.arpa'].RECORDS, '16');
});

test('access keys: permissions, owner, unknown key, no credentials, IP allow-list', async () => {
	sim.hestia.keys.set('BBBBBBBBBBBBBBBBBBBB', { secret: 'x'.repeat(40), user: 'admin',
		commands: ['v-list-dns-records', 'v-change-dns-record'] });
	let r = await api({ hash: `BBBBBBBBBBBBBBBBBBBB:${'x'.repeat(40)}`, cmd: 'v-add-dns-record' });
	assert.equal(r.status, 401);
	assert.equal(r.exit, '10');
	sim.hestia.keys.set('CCCCCCCCCCCCCCCCCCCC', { secret: 'y'.repeat(40), user: 'client1', commands: '*' });
	r = await api({ hash: `CCCCCCCCCCCCCCCCCCCC:${'y'.repeat(40)}`, cmd: 'v-list-dns-domains', arg1: 'admin' });
	assert.equal(r.status, 401);
	assert.match(r.text, /doesn\\'t match the key\\'s user/);
	r = await api({ hash: `DDDDDDDDDDDDDDDDDDDD:${'z'.repeat(40)}`, cmd: 'v-list-dns-domains', arg1: 'admin' });
	assert.equal(r.exit, '9');
	r = await api({ cmd: 'v-list-dns-domains', arg1: 'admin' });
	assert.equal(r.status, 405);
	sim.hestia.allowedIps = ['192.0.2.99'];
	r = await api({ ...key, cmd: 'v-list-dns-domains', arg1: 'admin' });
	assert.equal(r.status, 401);
	assert.equal(r.text, 'Error: IP is not allowed to connect with API');
});

test('faults and counters of the base apply', async () => {
	sim.addFault({ kind: 'timeout', route: 'POST /api/', times: 1 });
	const ctl = new AbortController();
	const t = setTimeout(() => ctl.abort(), 300);
	await assert.rejects(fetch(sim.url('/api/'), { method: 'POST', body: 'user=admin', signal: ctl.signal }));
	clearTimeout(t);
	const r = await api({ ...key, cmd: 'v-list-dns-domains', arg1: 'client1', arg2: 'json' });
	assert.equal(r.status, 200);
	assert.equal(sim.stats().requests.by_route['POST /api/'], 2);
	assert.equal(sim.stats().faults.timeout, 1);
});

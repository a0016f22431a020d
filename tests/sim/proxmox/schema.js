// The official Proxmox VE API schema (schema/pve{8,9}.json, from proxmox/pve-docs
// api-viewer/apidata.js) as a router and a parameter validator.
//
// Every request the simulator answers is first matched to its schema path and checked
// the way pve-common's JSONSchema.pm checks it: unknown parameters, missing required ones,
// type checks (a form boolean must be 0 or 1), minimum/maximum, enum, maxLength, pattern,
// the named formats a provisioning client touches (pve-vmid, pve-node, dns-name,
// urlencoded, mac-addr, disk-size, ...) and property strings (dict formats such as netN,
// scsiN, memory), with Proxmox's own messages. Indexed keys ("net[n]") are expanded to
// their real ranges (net0-31, scsi0-30, ...): net32 is an unknown property, as on Proxmox.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const INDEX_LIMITS = {
	net: 32, ipconfig: 32, scsi: 31, virtio: 16, sata: 6, ide: 4, hostpci: 16, numa: 8,
	parallel: 3, serial: 4, unused: 256, usb: 14, virtiofs: 10, mp: 256, dev: 256,
	link: 8, acmedomain: 6, entry: 64,
};

const cache = new Map();
const GREEDY = new Set(['volume', 'cidr']);

const MSG = {
	unknown: 'property is not defined in schema and the schema does not allow additional properties',
	missing: 'property is missing and it is not optional',
	type: (t, v) => `type check ('${t}') failed - got '${v}'`,
	min: (m) => `value must have a minimum value of ${m}`,
	max: (m) => `value must have a maximum value of ${m}`,
	maxLength: (m) => `value may only be ${m} characters long`,
	minLength: (m) => `value must be at least ${m} characters long`,
	enumeration: (v, e) => `value '${v}' does not have a value in the enumeration '${e.join(', ')}'`,
	pattern: 'value does not match the regex pattern',
};

const re = {
	vmid: /^[1-9][0-9]{2,8}$/,
	node: /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
	storage: /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i,
	configid: /^[a-z][a-z0-9_-]+$/i,
	dns: /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/,
	urlencoded: /^[-%a-zA-Z0-9_.!~*'()]*$/,
	mac: /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i,
	bridge: /^[-_.\w\d]+$/,
	disksize: /^(\d+(\.\d+)?)([KMGT])?$/,
	poolid: /^[A-Za-z0-9_-]+$/,
	iface: /^[a-zA-Z][a-zA-Z0-9_]{1,20}([:.]\d+)?$/,
	tag: /^[a-z0-9_][a-z0-9_\-+.]*$/i,
	volid: /^(?:[a-z][a-z0-9\-_.]*[a-z0-9]):.+$/i,
	userid: /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+(?:![A-Za-z][A-Za-z0-9.\-_]+)?$/,
};

function isCidr(v, family) {
	const m = /^(.+)\/(\d{1,3})$/.exec(v);
	if (!m) return false;
	const f = net.isIP(m[1]);
	if (!f || (family && f !== family)) return false;
	return Number(m[2]) <= (f === 4 ? 32 : 128);
}

// Named string formats: null when the value is fine, else Proxmox's message.
const FORMATS = {
	'pve-vmid': (v) => (re.vmid.test(v) ? null : 'value does not look like a valid VM ID'),
	'pve-node': (v) => (re.node.test(v) ? null : 'value does not look like a valid node name'),
	'pve-storage-id': (v) => (re.storage.test(v) ? null : `storage ID '${v}' contains illegal characters`),
	'pve-configid': (v) => (re.configid.test(v) ? null : `invalid configuration ID '${v}'`),
	'pve-configid-list': (v) => {
		for (const id of v.split(/[,;\s]+/).filter(Boolean))
			if (!re.configid.test(id)) return `invalid configuration ID '${id}'`;
		return null;
	},
	'dns-name': (v) => (re.dns.test(v) ? null : `value does not look like a valid DNS name`),
	urlencoded: (v) => (re.urlencoded.test(v) ? null : `invalid urlencoded string: ${v}`),
	'mac-addr': (v) => (re.mac.test(v) ? null : `value does not look like a valid unicast MAC address`),
	'pve-bridge-id': (v) => (re.bridge.test(v) ? null : `invalid bridge ID '${v}'`),
	'disk-size': (v) => (re.disksize.test(v) ? null : `unable to parse size '${v}'`),
	'pve-poolid': (v) => (re.poolid.test(v) ? null : `invalid pool ID '${v}'`),
	'pve-iface': (v) => (re.iface.test(v) ? null : `invalid network interface name '${v}'`),
	'pve-tag-list': (v) => {
		for (const t of v.split(/[,;\s]+/).filter(Boolean)) if (!re.tag.test(t)) return `invalid tag '${t}'`;
		return null;
	},
	'pve-userid': (v) => (re.userid.test(v) ? null : `value '${v}' does not look like a valid user name`),
	'pve-volume-id': (v) => (re.volid.test(v) ? null : `unable to parse volume ID '${v}'`),
	'pve-volume-id-or-qm-path': (v) =>
		re.volid.test(v) || v.startsWith('/') || v === 'none' || v === 'cdrom' ? null : `unable to parse volume ID '${v}'`,
	ip: (v) => (net.isIP(v) ? null : `value does not look like a valid IP address`),
	ipv4: (v) => (net.isIPv4(v) ? null : `value does not look like a valid IPv4 address`),
	ipv6: (v) => (net.isIPv6(v) ? null : `value does not look like a valid IPv6 address`),
	CIDR: (v) => (isCidr(v) ? null : `value does not look like a valid CIDR network`),
	CIDRv4: (v) => (isCidr(v, 4) ? null : `value does not look like a valid IPv4 CIDR network`),
	CIDRv6: (v) => (isCidr(v, 6) ? null : `value does not look like a valid IPv6 CIDR network`),
	IPorCIDR: (v) => (net.isIP(v) || isCidr(v) ? null : `value does not look like a valid IP address or CIDR network`),
	'address-list': (v) => {
		for (const a of v.split(/[,;\s]+/).filter(Boolean)) if (!net.isIP(a)) return `invalid address '${a}'`;
		return null;
	},
	'pve-qm-ipconfig': (v) => {
		const seen = {};
		for (const part of v.split(',')) {
			const [k, val] = part.split('=', 2);
			if (val === undefined || !['ip', 'gw', 'ip6', 'gw6'].includes(k)) return `format error\n${k}: ${MSG.unknown}`;
			seen[k] = val;
		}
		if (seen.ip && seen.ip !== 'dhcp' && !isCidr(seen.ip, 4)) return `format error\nip: invalid format - value does not look like a valid IPv4 CIDR network`;
		if (seen.ip6 && !['dhcp', 'auto'].includes(seen.ip6) && !isCidr(seen.ip6, 6)) return `format error\nip6: invalid format - value does not look like a valid IPv6 CIDR network`;
		if (seen.gw && !net.isIPv4(seen.gw)) return `format error\ngw: invalid format - value does not look like a valid IPv4 address`;
		if (seen.gw6 && !net.isIPv6(seen.gw6)) return `format error\ngw6: invalid format - value does not look like a valid IPv6 address`;
		if (seen.gw && !seen.ip) return `gateway specified without specifying an IP address`;
		if (seen.gw6 && !seen.ip6) return `gateway specified without specifying an IP address`;
		return null;
	},
	'pve-qm-boot': (v) => {
		for (const part of v.split(',')) {
			const [k, val] = part.includes('=') ? part.split('=', 2) : ['legacy', part];
			if (k === 'legacy' && !/^[acdn]{1,4}$/.test(val)) return `format error\nlegacy: value does not match the regex pattern`;
			if (k === 'order') {
				for (const dev of val.split(';'))
					if (!/^(?:ide|sata|scsi|virtio|net|hostpci|usb)\d+$/.test(dev)) return `format error\norder: invalid format - invalid boot device '${dev}'`;
			} else if (k !== 'legacy') return `format error\n${k}: ${MSG.unknown}`;
		}
		return null;
	},
};

function typeCheck(schema, value, fromJson) {
	const t = schema.type;
	if (t === 'boolean') {
		if (fromJson && typeof value === 'boolean') return [null, value ? 1 : 0];
		if (value === '0' || value === '1' || value === 0 || value === 1) return [null, Number(value)];
		return [MSG.type('boolean', value)];
	}
	if (t === 'integer') {
		if (fromJson && Number.isInteger(value)) return [null, value];
		if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return [null, Number(value)];
		return [MSG.type('integer', value)];
	}
	if (t === 'number') {
		if (fromJson && typeof value === 'number') return [null, value];
		if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return [null, Number(value)];
		return [MSG.type('number', value)];
	}
	if (t === 'string') {
		if (typeof value === 'number' && fromJson) value = String(value);
		if (typeof value !== 'string') return [MSG.type('string', value)];
		return [null, value];
	}
	return [null, value];
}

// Checks a dict-format property string; returns null or the message.
function checkPropertyString(key, format, value) {
	let defaultKey = null;
	for (const [k, s] of Object.entries(format)) if (s.default_key) defaultKey = k;
	const seen = {};
	for (const part of String(value).split(',')) {
		if (part === '') continue;
		let k, v;
		const eq = part.indexOf('=');
		if (eq < 0) {
			if (!defaultKey) return `invalid format - format error\n${key}: ${MSG.unknown}\n`;
			k = defaultKey;
			v = part;
		} else {
			k = part.slice(0, eq);
			v = part.slice(eq + 1);
		}
		let s = format[k];
		if (s && s.keyAlias) {
			// "virtio=BC:24:..": the model key carries the MAC
			if (s.keyAlias in seen) return `invalid format - format error\n${key}.${s.keyAlias}: duplicate key in comma-separated list property\n`;
			seen[s.keyAlias] = k;
			k = s.alias;
			s = format[k];
		} else if (s && s.alias) {
			k = s.alias;
			s = format[k];
		}
		if (!s) return `invalid format - format error\n${key}.${k}: ${MSG.unknown}\n`;
		if (k in seen) return `invalid format - format error\n${key}.${k}: duplicate key in comma-separated list property\n`;
		const msg = checkValue(s, v, false);
		if (msg) return `invalid format - format error\n${key}.${k}: ${msg}\n`;
		seen[k] = v;
	}
	for (const [k, s] of Object.entries(format))
		if (!s.optional && !s.alias && !s.keyAlias && !(k in seen)) return `invalid format - format error\n${key}.${k}: ${MSG.missing}\n`;
	return null;
}

// One value against its schema; null when valid, else Proxmox's message.
function checkValue(s, value, fromJson) {
	const [terr, v] = typeCheck(s, value, fromJson);
	if (terr) return terr;
	if (s.enum && !s.enum.includes(v)) return MSG.enumeration(v, s.enum);
	if ((s.type === 'integer' || s.type === 'number')) {
		if (s.minimum !== undefined && v < Number(s.minimum)) return MSG.min(s.minimum);
		if (s.maximum !== undefined && v > Number(s.maximum)) return MSG.max(s.maximum);
	}
	if (s.type === 'string' || typeof v === 'string') {
		if (s.maxLength !== undefined && v.length > Number(s.maxLength)) return MSG.maxLength(s.maxLength);
		if (s.minLength !== undefined && v.length < Number(s.minLength)) return MSG.minLength(s.minLength);
		if (s.pattern && !new RegExp(`^${s.pattern}$`).test(v)) return MSG.pattern;
		if (s.format && typeof s.format === 'object') return checkPropertyString(s.__key || 'value', s.format, v);
		if (typeof s.format === 'string' && FORMATS[s.format]) {
			const m = FORMATS[s.format](v);
			if (m) return m.startsWith('format error') ? `invalid format - ${m}` : m;
		}
	}
	return null;
}

// Expands "net[n]" into net0..net31 with the real limits.
function expandProperties(props) {
	const out = new Map();
	for (const [k, s] of Object.entries(props || {})) {
		const m = /^(.+)\[n\]$/.exec(k);
		if (!m) {
			out.set(k, { ...s, __key: k });
			continue;
		}
		const n = INDEX_LIMITS[m[1]] ?? 10;
		for (let i = 0; i < n; i++) out.set(`${m[1]}${i}`, { ...s, __key: `${m[1]}${i}` });
	}
	return out;
}

class Schema {
	constructor(version) {
		this.version = version;
		const file = path.join(__dirname, 'schema', `pve${version}.json`);
		this.raw = JSON.parse(fs.readFileSync(file, 'utf8'));
		this.static = new Map(); // exact paths
		this.dynamic = [];       // [{re, names, path}]
		for (const p of Object.keys(this.raw)) {
			if (!p.includes('{')) {
				this.static.set(p, p);
				continue;
			}
			const names = [];
			const parts = p.split('/');
			const rx = parts.map((seg, i) => {
				const m = /^\{([^}]+)\}$/.exec(seg);
				if (!m) return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
				names.push(m[1]);
				// a volume id or CIDR may arrive with its '/' unencoded (the path is decoded)
				return i === parts.length - 1 && GREEDY.has(m[1]) ? '(.+)' : '([^/]+)';
			}).join('/');
			this.dynamic.push({ re: new RegExp(`^${rx}$`), names, path: p, literal: p.split('{')[0].length });
		}
		// prefer the most literal match (/nodes/{node}/qemu before /nodes/{node}/{x})
		this.dynamic.sort((a, b) => b.literal - a.literal);
		this.props = new Map();
	}

	// {path, params} for a URL path as sent (segments percent-encoded or not), or null.
	route(rawPath) {
		let urlPath;
		try {
			urlPath = decodeURIComponent(rawPath);
		} catch {
			return null;
		}
		if (this.static.has(urlPath)) return { path: urlPath, params: {} };
		for (const d of this.dynamic) {
			const m = d.re.exec(rawPath);
			if (!m) continue;
			const params = {};
			d.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
			return { path: d.path, params };
		}
		return null;
	}

	method(schemaPath, method) {
		return this.raw[schemaPath]?.[method] || null;
	}

	properties(schemaPath, method) {
		const key = `${method} ${schemaPath}`;
		let p = this.props.get(key);
		if (!p) {
			p = expandProperties(this.method(schemaPath, method)?.parameters?.properties);
			this.props.set(key, p);
		}
		return p;
	}

	// Validates params (values: strings from a form/query, or JSON values) and returns
	// {errors} (object, empty when valid) and the typed values.
	validate(schemaPath, method, params, fromJson) {
		const info = this.method(schemaPath, method);
		const props = this.properties(schemaPath, method);
		const errors = {};
		const values = {};
		const additional = info?.parameters?.additionalProperties;
		for (const [k, v] of Object.entries(params)) {
			if (k === '_dc') continue;
			const s = props.get(k);
			if (!s) {
				if (!additional) errors[k === '' ? '_root' : k] = MSG.unknown;
				else values[k] = v;
				continue;
			}
			if (v === undefined || v === null) continue;
			const msg = checkValue(s, v, fromJson);
			if (msg) errors[k] = msg;
			else values[k] = typeCheck(s, v, fromJson)[1];
		}
		for (const [k, s] of props)
			if (!s.optional && !(k in params) && s.default === undefined) errors[k] = MSG.missing;
		return { errors, values };
	}
}

function load(version) {
	const v = String(version || 9);
	if (!cache.has(v)) cache.set(v, new Schema(v));
	return cache.get(v);
}

module.exports = { load, checkValue, INDEX_LIMITS, MSG };

// VM config helpers of the Proxmox simulator: property strings, canonical printing,
// digests, MAC generation, volume ids.
//
// Proxmox stores a VM config as "key: value" lines and re-prints property strings
// canonically (default key first, then the rest sorted; the NIC model carries the MAC);
// GET .../config adds "digest", the SHA-1 of the file, which writes may pass back as an
// optimistic lock. memory reads back as a string (qemu-server >= 8.0.8), cipassword
// masked.
'use strict';

const crypto = require('node:crypto');

// "a=1,b=2,bare" -> [{k:'a',v:'1'},...,{k:null,v:'bare'}]
function parsePairs(text) {
	return String(text).split(',').filter((p) => p !== '').map((p) => {
		const eq = p.indexOf('=');
		return eq < 0 ? { k: null, v: p } : { k: p.slice(0, eq), v: p.slice(eq + 1) };
	});
}

const NIC_MODELS = new Set(['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e',
	'i82551', 'i82557b', 'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3']);

function parseNet(text) {
	const o = {};
	for (const { k, v } of parsePairs(text)) {
		if (k === null || k === 'model') o.model = v;
		else if (NIC_MODELS.has(k)) {
			o.model = k;
			o.macaddr = v;
		} else o[k] = v;
	}
	return o;
}

function randomMac() {
	const b = crypto.randomBytes(3);
	// Proxmox's default prefix BC:24:11 (the datacenter's mac_prefix)
	return `BC:24:11:${[...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

function printNet(o) {
	const rest = Object.keys(o).filter((k) => k !== 'model' && k !== 'macaddr').sort();
	return [`${o.model}=${o.macaddr}`, ...rest.map((k) => `${k}=${o[k]}`)].join(',');
}

function parseDrive(text) {
	const o = {};
	for (const { k, v } of parsePairs(text)) {
		if (k === null || k === 'file') o.file = v;
		else o[k] = v;
	}
	return o;
}

function printDrive(o) {
	const rest = Object.keys(o).filter((k) => k !== 'file').sort();
	return [o.file, ...rest.map((k) => `${k}=${o[k]}`)].join(',');
}

const DRIVE_RE = /^(ide|sata|scsi|virtio)(\d+)$/;
const isDriveKey = (k) => DRIVE_RE.test(k);

// "local-lvm:vm-101-disk-0" -> {storage, volname}
function splitVolid(volid) {
	const i = volid.indexOf(':');
	return i < 0 ? null : { storage: volid.slice(0, i), volname: volid.slice(i + 1) };
}

const UNITS = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

function parseSize(text) {
	const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(String(text));
	return m ? Math.round(Number(m[1]) * (m[2] ? UNITS[m[2]] : 1)) : null;
}

function formatSize(bytes) {
	for (const u of ['T', 'G', 'M', 'K']) if (bytes % UNITS[u] === 0) return `${bytes / UNITS[u]}${u}`;
	return String(bytes);
}

// The config file text Proxmox would write (sorted keys), and its SHA-1 digest.
function digest(config) {
	const lines = Object.keys(config).filter((k) => k !== 'digest').sort().map((k) => `${k}: ${config[k]}`);
	return crypto.createHash('sha1').update(lines.join('\n')).digest('hex');
}

// What GET .../config answers: numbers as Proxmox serialises them, secrets masked.
const NUMERIC = new Set(['cores', 'sockets', 'vcpus', 'balloon', 'cpuunits', 'shares', 'numa',
	'onboot', 'template', 'protection', 'acpi', 'kvm', 'tablet', 'localtime', 'reboot', 'agent_']);

function view(config, version) {
	const out = {};
	for (const [k, v] of Object.entries(config)) {
		if (k === 'cipassword') out[k] = '**********';
		else if (k === 'memory') out[k] = version >= 8 ? String(v) : Number(v);
		else if (NUMERIC.has(k) && /^\d+$/.test(String(v))) out[k] = Number(v);
		else out[k] = v;
	}
	out.digest = digest(config);
	return out;
}

module.exports = {
	parsePairs, parseNet, printNet, randomMac, parseDrive, printDrive, isDriveKey, DRIVE_RE,
	splitVolid, parseSize, formatSize, digest, view,
};

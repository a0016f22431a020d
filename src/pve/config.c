/*
 * VM config reading: which keys exist, the system disk, free drive slots, memory.
 *
 * The key table is the qemu config schema of PVE 8 and 9 (research/pve-api-schema,
 * POST /nodes/{node}/qemu/{vmid}/config) with the real limits of indexed keys from
 * qemu-server (MAX_NETS 32, scsi 31 slots, ...): the schema folds them into "net[n]",
 * but Proxmox rejects net32 and scsi31, and PVE 9 rejects any unknown key, so nothing
 * outside this table is ever sent.
 *
 * The system disk is found in Proxmox's own boot order: "boot: order=a;b;c" (PVE 6.2+),
 * skipping entries that are NICs, cd-roms, cloud-init drives or absent; then the legacy
 * "bootdisk"; then the first real disk on scsi, virtio, sata, ide.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "puqkvm/pve.h"
#include "puqkvm/pve_config.h"

static const char *const plain_keys[] = {"acpi", "affinity", "agent", "allow-ksm",
	"amd-sev", "arch", "args", "audio0", "autostart", "balloon", "bios", "boot", "bootdisk",
	"cdrom", "cicustom", "cipassword", "citype", "ciupgrade", "ciuser", "cores", "cpu",
	"cpulimit", "cpuunits", "description", "efidisk0", "freeze", "hookscript", "hotplug",
	"hugepages", "import-working-storage", "intel-tdx", "ivshmem", "keephugepages",
	"keyboard", "kvm", "localtime", "lock", "machine", "memory", "migrate_downtime",
	"migrate_speed", "name", "nameserver", "numa", "onboot", "ostype", "protection",
	"reboot", "rng0", "scsihw", "searchdomain", "shares", "smbios1", "smp", "sockets",
	"spice_enhancements", "sshkeys", "startdate", "startup", "tablet", "tags", "tdf",
	"template", "tpmstate0", "vcpus", "vga", "vmgenid", "vmstatestorage", "watchdog"};

struct indexed {
	const char *prefix;
	unsigned count; /* valid indexes are 0 .. count-1 */
	bool disk;
};

/* Bus order is also the fallback search order for the system disk. */
static const struct indexed indexed_keys[] = {
	{"scsi", 31, true}, {"virtio", 16, true}, {"sata", 6, true}, {"ide", 4, true},
	{"net", 32, false}, {"ipconfig", 32, false}, {"hostpci", 16, false},
	{"numa", 8, false}, {"parallel", 3, false}, {"serial", 4, false},
	{"unused", 256, false}, {"usb", 14, false}, {"virtiofs", 10, false},
};

/* The indexed family of key and its index, or NULL. */
static const struct indexed *split_indexed(const char *key, unsigned *index)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(indexed_keys); i++) {
		size_t n = strlen(indexed_keys[i].prefix);
		const char *d = key + n;
		if (strncmp(key, indexed_keys[i].prefix, n) != 0 || !isdigit((unsigned char)*d))
			continue;
		if (d[0] == '0' && d[1]) /* "net01" is not a key */
			return NULL;
		unsigned long v = 0;
		for (; isdigit((unsigned char)*d); d++)
			if ((v = v * 10 + (unsigned long)(*d - '0')) > 100000)
				return NULL;
		if (*d)
			return NULL;
		*index = (unsigned)v;
		return &indexed_keys[i];
	}
	return NULL;
}

bool puq_pve_config_key_valid(const char *key)
{
	unsigned idx;
	const struct indexed *ix = split_indexed(key, &idx);
	if (ix)
		return idx < ix->count;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(plain_keys); i++)
		if (strcmp(key, plain_keys[i]) == 0)
			return true;
	return false;
}

bool puq_pve_disk_key(const char *key)
{
	unsigned idx;
	const struct indexed *ix = split_indexed(key, &idx);
	return ix && ix->disk && idx < ix->count;
}

const char *puq_pve_config_value(const json_t *config, const char *key, char *tmp,
	size_t tmpsize)
{
	const json_t *v = json_object_get(config, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, tmpsize, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, tmpsize, "%g", json_real_value(v));
		return tmp;
	}
	return NULL;
}

int puq_pve_config_memory(const json_t *config, long long *mib, struct puq_error *err)
{
	const json_t *v = json_object_get(config, "memory");
	const char *s = json_string_value(v);
	if (!v) {
		*mib = 512; /* Proxmox's default when the key is absent */
		return 0;
	}
	if (puq_pve_json_int(v, mib))
		return 0;
	/* 8.1+: "[current=]<MiB>[,...]" */
	if (s) {
		const char *p = strncmp(s, "current=", 8) == 0 ? s + 8 : s;
		char *end;
		long long n = strtoll(p, &end, 10);
		if (end != p && (*end == '\0' || *end == ',')) {
			*mib = n;
			return 0;
		}
	}
	return puq_error_set(err, PUQ_EPROTO, "VM config memory is not a size in MiB");
}

const char *puq_pve_config_lock(const json_t *config)
{
	const char *lock = json_string_value(json_object_get(config, "lock"));
	return lock && *lock ? lock : NULL;
}

/* key's drive if it is a real disk (not cd-rom, not cloud-init). */
static bool real_disk(const json_t *config, const char *key, struct puq_pve_disk *out)
{
	char tmp[32];
	const char *value = puq_pve_config_value(config, key, tmp, sizeof(tmp));
	if (!value || !puq_pve_disk_key(key))
		return false;
	if (puq_pve_disk_parse(key, value, out, NULL) != 0)
		return false;
	return !out->cdrom && !out->cloudinit && strcmp(out->file, "none") != 0;
}

int puq_pve_config_system_disk(const json_t *config, struct puq_pve_disk *out,
	struct puq_error *err)
{
	char tmp[32];
	const char *boot = puq_pve_config_value(config, "boot", tmp, sizeof(tmp));
	const char *order = boot ? strstr(boot, "order=") : NULL;

	if (order) {
		const char *p = order + 6;
		while (*p && *p != ',') {
			char key[PUQ_PVE_KEY_MAX];
			size_t n = strcspn(p, ";,");
			if (n < sizeof(key)) {
				memcpy(key, p, n);
				key[n] = '\0';
				if (real_disk(config, key, out))
					return 0;
			}
			p += n;
			p += *p == ';';
		}
	}
	const char *bootdisk = json_string_value(json_object_get(config, "bootdisk"));
	if (bootdisk && real_disk(config, bootdisk, out))
		return 0;
	if (puq_pve_config_disks(config, out, 1) == 1)
		return 0;
	memset(out, 0, sizeof(*out));
	return puq_error_set(err, PUQ_EPVENOTFOUND,
		"the VM has no system disk (no scsi/virtio/sata/ide disk besides cd-rom and "
		"cloud-init)");
}

size_t puq_pve_config_disks(const json_t *config, struct puq_pve_disk *out, size_t max)
{
	size_t found = 0;
	char key[PUQ_PVE_KEY_MAX];
	for (size_t i = 0; i < PUQ_ARRAY_LEN(indexed_keys) && found < max; i++) {
		if (!indexed_keys[i].disk)
			continue;
		for (unsigned n = 0; n < indexed_keys[i].count && found < max; n++) {
			snprintf(key, sizeof(key), "%s%u", indexed_keys[i].prefix, n);
			if (json_object_get(config, key) && real_disk(config, key, &out[found]))
				found++;
		}
	}
	return found;
}

int puq_pve_config_free_slot(const json_t *config, const char *bus,
	char key[PUQ_PVE_KEY_MAX], struct puq_error *err)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(indexed_keys); i++) {
		if (!indexed_keys[i].disk || strcmp(indexed_keys[i].prefix, bus) != 0)
			continue;
		for (unsigned n = 0; n < indexed_keys[i].count; n++) {
			snprintf(key, PUQ_PVE_KEY_MAX, "%s%u", bus, n);
			if (!json_object_get(config, key))
				return 0;
		}
		key[0] = '\0';
		return puq_error_set(err, PUQ_EEXHAUSTED, "every %s slot of the VM is in use", bus);
	}
	key[0] = '\0';
	return puq_error_field(err, "bus", "'%s' is not a disk bus (scsi, virtio, sata, ide)",
		bus);
}

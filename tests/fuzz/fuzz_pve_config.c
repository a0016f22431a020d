/*
 * Fuzz target: VM configs (src/pve/config.c) - the JSON object GET .../config answers,
 * from which the module finds the system disk, the other disks and a free slot.
 *
 * The input is the config's JSON. Invariants:
 *  - the system disk is a real drive of the config (a drive key, present, not a cd-rom,
 *    cloud-init drive or "none") and reads the same as parsing its value directly;
 *    there is one exactly when the config has any real disk;
 *  - the disk list holds only real drives, each key once, in bus order, never more than
 *    asked for;
 *  - a free slot is a drive key of the bus that the config does not use, and "every
 *    slot in use" means exactly that;
 *  - keys the config validator accepts are plain schema keys or indexed keys without
 *    leading zeros;
 *  - errors are terminated and never empty.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "puqkvm/pve.h"
#include "puqkvm/pve_config.h"

#define MAX_DISKS 64 /* every drive slot there is: 31 + 16 + 6 + 4 = 57 */

static const char *const buses[] = {"scsi", "virtio", "sata", "ide"};

static bool same_disk(const struct puq_pve_disk *a, const struct puq_pve_disk *b)
{
	return strcmp(a->key, b->key) == 0 && strcmp(a->file, b->file) == 0 &&
	       strcmp(a->format, b->format) == 0 && a->size == b->size &&
	       a->cdrom == b->cdrom && a->cloudinit == b->cloudinit &&
	       a->iops_rd == b->iops_rd && a->iops_wr == b->iops_wr &&
	       a->mbps_rd == b->mbps_rd && a->mbps_wr == b->mbps_wr;
}

static int bus_rank(const char *key)
{
	for (int i = 0; i < (int)PUQ_ARRAY_LEN(buses); i++)
		if (strncmp(key, buses[i], strlen(buses[i])) == 0 &&
		    isdigit((unsigned char)key[strlen(buses[i])]))
			return i * 100 + atoi(key + strlen(buses[i]));
	return -1;
}

/* A drive as the config holds it, read directly. */
static bool direct_real_disk(const json_t *config, const char *key,
                             struct puq_pve_disk *d)
{
	char tmp[64];
	const char *value = puq_pve_config_value(config, key, tmp, sizeof(tmp));
	if (!value || !puq_pve_disk_key(key) || puq_pve_disk_parse(key, value, d, NULL) != 0)
		return false;
	return !d->cdrom && !d->cloudinit && strcmp(d->file, "none") != 0;
}

static void check_disks(const json_t *config)
{
	struct puq_pve_disk *disks = PUQ_CALLOC(MAX_DISKS, sizeof(*disks));
	size_t n = puq_pve_config_disks(config, disks, MAX_DISKS);
	FUZZ_CHECK(n <= MAX_DISKS, "%zu disks", n);
	for (size_t i = 0; i < n; i++) {
		struct puq_pve_disk direct;
		FUZZ_CHECK(direct_real_disk(config, disks[i].key, &direct) &&
		               same_disk(&direct, &disks[i]),
		           "listed disk %s is not a real disk of the config", disks[i].key);
		if (i)
			FUZZ_CHECK(bus_rank(disks[i - 1].key) < bus_rank(disks[i].key),
			           "disks out of bus order: %s before %s", disks[i - 1].key,
			           disks[i].key);
	}
	/* a smaller room gets the first ones */
	if (n > 1) {
		struct puq_pve_disk *one = PUQ_CALLOC(1, sizeof(*one));
		FUZZ_CHECK(puq_pve_config_disks(config, one, 1) == 1 && same_disk(one, &disks[0]),
		           "the first disk depends on the room given");
		PUQ_FREE(one);
	}

	struct puq_pve_disk sys;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_config_system_disk(config, &sys, &err);
	fuzz_check_result("puq_pve_config_system_disk", rc, &err);
	if (rc == 0) {
		struct puq_pve_disk direct;
		FUZZ_CHECK(direct_real_disk(config, sys.key, &direct) && same_disk(&direct, &sys),
		           "system disk %s is not a real disk of the config", sys.key);
		FUZZ_CHECK(n > 0, "a system disk (%s) the disk list does not have", sys.key);
	} else {
		FUZZ_CHECK(err.code == PUQ_EPVENOTFOUND, "system disk: %s",
		           puq_error_name(err.code));
		FUZZ_CHECK(n == 0, "no system disk, but %zu disks (first %s)", n, disks[0].key);
	}
	PUQ_FREE(disks);
}

static void check_free_slots(const json_t *config)
{
	for (size_t b = 0; b < PUQ_ARRAY_LEN(buses); b++) {
		char *key = PUQ_MALLOC(PUQ_PVE_KEY_MAX);
		struct puq_error err;
		fuzz_error_init(&err);
		int rc = puq_pve_config_free_slot(config, buses[b], key, &err);
		fuzz_check_result("puq_pve_config_free_slot", rc, &err);
		FUZZ_CHECK(fuzz_terminated(key, PUQ_PVE_KEY_MAX), "slot key not terminated");
		if (rc == 0) {
			FUZZ_CHECK(puq_pve_disk_key(key) && bus_rank(key) / 100 == (int)b &&
			               json_object_get(config, key) == NULL,
			           "free slot %s of %s", key, buses[b]);
		} else {
			FUZZ_CHECK(err.code == PUQ_EEXHAUSTED && key[0] == '\0', "free slot: %s",
			           puq_error_name(err.code));
			char probe[PUQ_PVE_KEY_MAX];
			for (unsigned i = 0; i < 64; i++) {
				snprintf(probe, sizeof(probe), "%s%u", buses[b], i);
				FUZZ_CHECK(!puq_pve_disk_key(probe) || json_object_get(config, probe),
				           "%s is free but %s is called full", probe, buses[b]);
			}
		}
		PUQ_FREE(key);
	}
	char key[PUQ_PVE_KEY_MAX];
	struct puq_error err;
	fuzz_error_init(&err);
	FUZZ_CHECK(puq_pve_config_free_slot(config, "efidisk", key, &err) == -PUQ_EVALIDATION,
	           "efidisk taken for a bus");
}

static void check_keys(const json_t *config)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)config, key, v)
	{
		bool valid = puq_pve_config_key_valid(key);
		if (puq_pve_disk_key(key))
			FUZZ_CHECK(valid && bus_rank(key) >= 0, "drive key %s", key);
		if (!valid)
			continue;
		FUZZ_CHECK(strlen(key) < PUQ_PVE_KEY_MAX + 16, "valid key of length %zu",
		           strlen(key));
		for (const char *c = key; *c; c++)
			FUZZ_CHECK(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
			               *c == '-' || *c == '_',
			           "valid key '%s'", key);
		const char *d = key;
		while (*d && !isdigit((unsigned char)*d))
			d++;
		FUZZ_CHECK(!(d[0] == '0' && d[1]), "key with a leading zero: %s", key);

		char tmp[8]; /* small on purpose: numbers must be cut, not overflow */
		const char *text = puq_pve_config_value(config, key, tmp, sizeof(tmp));
		if (text == tmp)
			FUZZ_CHECK(fuzz_terminated(tmp, sizeof(tmp)), "value of %s not terminated",
			           key);
	}
}

static void check_scalars(const json_t *config)
{
	long long mib = 0;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_config_memory(config, &mib, &err);
	fuzz_check_result("puq_pve_config_memory", rc, &err);
	if (rc)
		FUZZ_CHECK(err.code == PUQ_EPROTO, "memory: %s", puq_error_name(err.code));
	const char *lock = puq_pve_config_lock(config);
	if (lock)
		FUZZ_CHECK(lock[0] != '\0', "empty lock returned");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *config = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
	if (!config)
		return 0;
	check_disks(config);
	check_free_slots(config);
	check_keys(config);
	check_scalars(config);
	json_decref(config);
	return 0;
}

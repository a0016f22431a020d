/*
 * pve_config: reading and editing a Proxmox VE VM config (GET .../config) without I/O.
 *
 * A config is the JSON object Proxmox answers; values may be strings or numbers
 * (memory became a string in 8.1). Drive and network values are property strings
 * ("local-lvm:vm-101-disk-0,iops_rd=500,size=32G", "virtio=BC:24:11:00:00:01,bridge=vmbr0").
 *
 * The system disk is found the way Proxmox boots: the first disk of "boot: order=..."
 * (skipping cd-roms, cloud-init drives and NICs), else the legacy "bootdisk", else the
 * first disk by bus (scsi, virtio, sata, ide). What cannot be resolved is reported as
 * an error, so callers never send a key that does not exist (PVE 9 rejects it).
 *
 * Ownership: parse results are fixed-size caller structs; puq_pve_*_format writes into
 * a caller's struct puq_buf.
 */
#ifndef PUQKVM_PVE_CONFIG_H
#define PUQKVM_PVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/buf.h"
#include "puqkvm/error.h"

#define PUQ_PVE_KEY_MAX 16

/*
 * Whether key is a VM config key Proxmox accepts: a plain key of the qemu schema or an
 * indexed key within its real limit (net0-31, scsi0-30, virtio0-15, sata0-5, ide0-3,
 * ipconfig0-31, unused0-255, ...). "net32" and "scsi31" are not.
 */
bool puq_pve_config_key_valid(const char *key);
/* Whether key names a drive slot (scsiN, virtioN, sataN, ideN within limits). */
bool puq_pve_disk_key(const char *key);

/* A volume id "storage:volname"; format from the file extension of the last path part. */
struct puq_pve_volid {
	char storage[64];
	char volname[192];
	char format[8]; /* raw, qcow2, vmdk, ... or "" when the name has no known extension */
};
int puq_pve_volid_parse(const char *volid, struct puq_pve_volid *out,
	struct puq_error *err);

/* One drive of the config. */
struct puq_pve_disk {
	char key[PUQ_PVE_KEY_MAX];
	char file[256];           /* volid, "none", or an absolute path */
	struct puq_pve_volid vol; /* when file is a volid */
	char format[8];           /* format= option, else the volid's, else "raw" */
	unsigned long long size;  /* bytes, from size= (0 when absent) */
	bool cdrom;               /* media=cdrom */
	bool cloudinit;           /* a cloud-init drive */
	double mbps_rd, mbps_wr;  /* 0 = unlimited */
	long long iops_rd, iops_wr;
};
/* Parses key's drive string; err on a malformed string. */
int puq_pve_disk_parse(const char *key, const char *value, struct puq_pve_disk *out,
	struct puq_error *err);

/*
 * Rewrites a drive string with the four throughput limits: a value > 0 sets the option,
 * 0 removes it; every other option is kept in place. Appends the new string to out.
 */
struct puq_pve_disk_limits {
	double mbps_rd, mbps_wr;
	long long iops_rd, iops_wr;
};
int puq_pve_disk_with_limits(const char *value, const struct puq_pve_disk_limits *lim,
	struct puq_buf *out, struct puq_error *err);

/* Sizes such as "32G", "512M", "1.5T", "1024" (bytes when no unit); binary units. */
int puq_pve_size_parse(const char *text, unsigned long long *bytes, struct puq_error *err);

/* netN */
struct puq_pve_net {
	char model[24];  /* virtio, e1000, ... */
	char mac[18];    /* "" = let Proxmox generate one */
	char bridge[32];
	long tag;        /* 0 = untagged */
	double rate;     /* MB/s, 0 = unlimited */
	int firewall;    /* -1 unset, 0, 1 */
	int link_down;   /* -1 unset, 0, 1 */
	long mtu, queues;/* 0 = unset */
	char trunks[64];
};
int puq_pve_net_parse(const char *value, struct puq_pve_net *out, struct puq_error *err);
/* Canonical form: "<model>=<MAC>,bridge=...,firewall=1,rate=12.5,tag=100" (sorted). */
int puq_pve_net_format(const struct puq_pve_net *net, struct puq_buf *out,
	struct puq_error *err);

/* String value of a config key (numbers converted to text); NULL when absent. */
const char *puq_pve_config_value(const json_t *config, const char *key, char *tmp,
	size_t tmpsize);
/* memory in MiB whether given as 2048, "2048" or "current=2048" (8.1+ property string). */
int puq_pve_config_memory(const json_t *config, long long *mib, struct puq_error *err);

/* The boot (system) disk, see above. PUQ_EPVENOTFOUND when the VM has no disk. */
int puq_pve_config_system_disk(const json_t *config, struct puq_pve_disk *out,
	struct puq_error *err);
/* Drive keys of the config that hold real disks (no cd-rom, no cloud-init), bus order. */
size_t puq_pve_config_disks(const json_t *config, struct puq_pve_disk *out, size_t max);
/* The first unused slot on bus ("scsi", "virtio", "sata", "ide"); PUQ_EEXHAUSTED if full. */
int puq_pve_config_free_slot(const json_t *config, const char *bus,
	char key[PUQ_PVE_KEY_MAX], struct puq_error *err);
/* The config's lock ("clone", "backup", ...), or NULL. */
const char *puq_pve_config_lock(const json_t *config);

#endif

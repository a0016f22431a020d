/*
 * stats: network traffic per VM and hour, from Proxmox VE's RRD data, for WHMCS usage
 * billing ("Bandwidth Usage In (GB)" / "Out (GB)").
 *
 * RRD gives average rates (bytes per second) per interval, at resolutions that depend on
 * the timeframe and the Proxmox version: PVE 8 keeps 1-minute samples only for the last
 * ~70 minutes ("hour"), then 30 min ("day", ~35 h), 3 h ("week"), 12 h ("month"), 7 days
 * ("year"); PVE 9 keeps 1-minute samples for a whole "day", then 30 min ("week") and
 * 6 h ("month", "year"). Every VM has a watermark: the time up to which its traffic is
 * counted. A collection counts exactly [watermark, end) - end being the start of the
 * newest sample, which is still being filled - taking every second from the finest
 * frame that still holds it, and moves the watermark to end in the same transaction as
 * the hourly rows. So no interval is counted twice or skipped, also when runs were
 * missed: a gap older than the finest frame is read from a coarser one (at its
 * resolution); only a gap older than a year is lost.
 *
 * Ownership: results are caller structs freed with their _free; JSON is a new reference.
 */
#ifndef PUQKVM_STATS_H
#define PUQKVM_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/cron.h"
#include "puqkvm/pve.h"
#include "puqkvm/store.h"

#define PUQ_STATS_TABLE "puqProxmoxKVM_statistics"
#define PUQ_STATS_KEEP_DAYS 35

/* The RRD timeframes, finest first. */
#define PUQ_STATS_FRAMES 5
const char *puq_stats_frame_name(size_t i);

struct puq_stats_hour {
	long long hour;  /* UTC epoch of the hour's start */
	double in, out;  /* bytes received / sent by the VM */
};

struct puq_stats_result {
	struct puq_stats_hour *hours; /* ascending */
	size_t n;
	long long watermark;  /* the new watermark (unchanged when nothing was counted) */
	long long gap_s;      /* seconds no frame held any more (counted as no traffic) */
};
void puq_stats_result_free(struct puq_stats_result *r);

/*
 * Whether frames[0..n) reach back to the watermark (0 = a first collection, which
 * starts at the finest frame's oldest sample): when not, the next coarser frame is read.
 */
bool puq_stats_covers(const struct puq_pve_rrd *frames, size_t n, long long watermark);

/*
 * Counts [watermark, end) from frames (finest first, at least one). Samples without
 * network values (a stopped VM) count as no traffic. With fewer than two samples in the
 * finest frame nothing is counted (the end is unknown).
 */
int puq_stats_integrate(const struct puq_pve_rrd *frames, size_t n, long long watermark,
	struct puq_stats_result *out, struct puq_error *err);

/*
 * Adds the hours to the VM's rows and moves its watermark from `from` to r->watermark,
 * in one transaction; -PUQ_ELEASE (nothing written) when another collector moved the
 * watermark meanwhile.
 */
int puq_stats_store(struct puq_db *db, long long service_id, long long vmid, long long from,
	const struct puq_stats_result *r, struct puq_error *err);

/* Deletes the rows of hours older than PUQ_STATS_KEEP_DAYS before now; *deleted may be NULL. */
int puq_stats_purge(struct puq_db *db, long long now, unsigned long long *deleted,
	struct puq_error *err);

/*
 * Traffic since `since` (UTC epoch) per service of server_id (0 = every server), or of
 * one service (service_id > 0): [{service_id, domain, username, in, out}] in bytes.
 */
int puq_stats_usage(struct puq_db *db, long long server_id, long long service_id,
	long long since, json_t **out, struct puq_error *err);

/* The cron task collectingStatistics (src/stats/collect.c). */
int puq_stats_task_collect(const struct puq_cron_task_ctx *ctx, struct puq_cron_task_stats *st,
	struct puq_error *err);

#endif

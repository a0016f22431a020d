/*
 * collectingStatistics: reads every VM's network traffic from Proxmox's RRD data and
 * adds it to the hourly rows, then purges rows older than 35 days.
 *
 * Per server, one /cluster/resources read says on which node each VM is now; a VM
 * Proxmox does not list (still deploying, gone) is skipped and keeps its watermark, so
 * its traffic is counted when it is found again (as far as the RRD frames reach). The
 * RRD reads of all VMs run concurrently on one engine (per-host cap of the engine):
 * first the finest frame of every VM, then a coarser frame for the VMs whose watermark
 * the finer ones do not reach (missed runs). Each VM's hours and its new watermark are
 * written in one transaction, conditional on the watermark read (puq_stats_store).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "puqkvm/job.h"
#include "puqkvm/stats.h"
#include "puqkvm/vm_store.h"

struct vmrow {
	long long service_id, vmid, server_id, watermark;
	char node[PUQ_PVE_NAME_MAX];
	struct puq_pve_conn *conn;
	struct puq_pve_rrd frames[PUQ_STATS_FRAMES];
	size_t nframes;
	bool skip, failed, waiting;
	char why[PUQ_ERROR_TEXT_MAX];
};

static void line(const struct puq_cron_task_ctx *ctx, const char *fmt, ...) PUQ_PRINTF(2, 3);
static void line(const struct puq_cron_task_ctx *ctx, const char *fmt, ...)
{
	if (!ctx->hooks || !ctx->hooks->line)
		return;
	char buf[PUQ_ERROR_TEXT_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->hooks->line(ctx->hooks->ctx, buf);
}

/* Finds each VM of one server in its cluster's resources. */
static void locate(struct vmrow *v, size_t n, struct puq_job_servers *servers,
	struct puq_http_engine *http)
{
	struct puq_error e;
	puq_error_clear(&e);
	struct puq_pve_conn *conn = puq_job_servers_conn(servers, v[0].server_id, &e);
	struct puq_pve_guest_list l = {0};
	struct puq_pve_req req;
	json_t *data = NULL;
	int rc = conn ? puq_pve_req_resources(&req, "vm") : -e.code;
	if (conn && rc == 0) {
		rc = puq_pve_call(http, conn, &req, &data, &e);
		puq_pve_req_free(&req);
		if (rc == 0)
			rc = puq_pve_parse_guests(data, false, &l, &e);
		json_decref(data);
	}
	for (size_t i = 0; i < n; i++) {
		const struct puq_pve_guest *g = NULL;
		struct puq_error ge;
		puq_error_clear(&ge);
		if (rc < 0) {
			v[i].failed = true;
			snprintf(v[i].why, sizeof(v[i].why), "%.400s", e.text);
		} else if (puq_pve_find_guest(&l, v[i].vmid, &g, &ge) < 0) {
			v[i].skip = true; /* its node is unknown: nothing to read */
		} else {
			puq_strlcpy(v[i].node, g->node, sizeof(v[i].node));
			v[i].conn = conn;
		}
	}
	puq_pve_guest_list_free(&l);
}

static void on_rrd(void *ctx, struct puq_http_request *req, struct puq_http_response *resp)
{
	struct vmrow *v = ctx;
	struct puq_error e;
	json_t *data = NULL;
	(void)req;
	puq_error_clear(&e);
	v->waiting = false;
	int rc = puq_pve_http_result(v->conn, resp, &data, &e);
	if (rc == 0)
		rc = puq_pve_parse_rrd(data, &v->frames[v->nframes], &e);
	json_decref(data);
	if (rc < 0) {
		v->failed = true;
		snprintf(v->why, sizeof(v->why), "reading the %s RRD data: %.400s",
			puq_stats_frame_name(v->nframes), e.text);
		return;
	}
	v->nframes++;
}

/* Submits the next frame of v; false when nothing was submitted. */
static bool submit(struct vmrow *v, struct puq_http_engine *http)
{
	struct puq_pve_req req;
	struct puq_http_request *h = NULL;
	struct puq_error e;
	puq_error_clear(&e);
	if (puq_pve_req_rrddata(&req, v->node, v->vmid, puq_stats_frame_name(v->nframes),
			"AVERAGE", &e) < 0) {
		v->failed = true;
		snprintf(v->why, sizeof(v->why), "%.400s", e.text);
		return false;
	}
	int rc = puq_pve_http_request(v->conn, &req, &h, &e);
	puq_pve_req_free(&req);
	if (rc < 0 || puq_http_submit(http, h, on_rrd, v) < 0) {
		v->failed = true;
		snprintf(v->why, sizeof(v->why), "%.400s", rc < 0 ? e.text : "out of memory");
		return false;
	}
	v->waiting = true;
	return true;
}

static int collect(const struct puq_cron_task_ctx *ctx, struct vmrow *v, size_t n,
	struct puq_job_servers *servers, struct puq_http_engine *http,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && v[j].server_id == v[i].server_id; j++)
			;
		locate(v + i, j - i, servers, http);
	}
	/* connections may have moved while servers were added: take them again (no new
	 * server is opened from here on, so they stay put while requests borrow them) */
	for (size_t i = 0; i < n; i++)
		if (v[i].conn)
			v[i].conn = puq_job_servers_conn(servers, v[i].server_id, NULL);
	/* the finest frame of everyone, then coarser ones where the watermark is older */
	for (size_t frame = 0; frame < PUQ_STATS_FRAMES; frame++) {
		size_t sent = 0;
		for (size_t i = 0; i < n; i++) {
			if (v[i].skip || v[i].failed || v[i].nframes != frame)
				continue;
			if (frame > 0 && puq_stats_covers(v[i].frames, v[i].nframes, v[i].watermark))
				continue;
			sent += submit(&v[i], http);
		}
		if (!sent)
			break;
		while (puq_http_run(http, 1000) > 0)
			;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].skip)
			continue;
		st->processed++;
		if (v[i].failed || v[i].nframes == 0) {
			st->errors++;
			line(ctx, "  sid %lld: %s", v[i].service_id, v[i].why[0] ? v[i].why : "no RRD data");
			continue;
		}
		struct puq_stats_result r;
		struct puq_error e;
		puq_error_clear(&e);
		int rc = puq_stats_integrate(v[i].frames, v[i].nframes, v[i].watermark, &r, &e);
		if (rc == 0 && r.watermark != v[i].watermark)
			rc = puq_stats_store(ctx->db, v[i].service_id, v[i].vmid, v[i].watermark, &r, &e);
		if (rc == 0 && r.gap_s > 0)
			line(ctx, "  sid %lld: %lld s older than every RRD frame counted as no traffic",
				v[i].service_id, r.gap_s);
		puq_stats_result_free(&r);
		if (rc == -PUQ_ELEASE)
			continue; /* another collector counted it */
		if (rc < 0) {
			if (e.code == PUQ_EDBLOST || e.code == PUQ_EDBCONNECT)
				return puq_error_set(err, e.code, "%s", e.text);
			st->errors++;
			line(ctx, "  sid %lld: %s", v[i].service_id, e.text);
		}
	}
	return 0;
}

int puq_stats_task_collect(const struct puq_cron_task_ctx *ctx, struct puq_cron_task_stats *st,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	/* VMs that exist in Proxmox or may: not before their clone, not after removal */
	int rc = puq_db_query(ctx->db, err,
		"SELECT service_id, vm_id, server_id, stats_watermark FROM " PUQ_VM_TABLE
		" WHERE vm_id > 0 AND vm_status NOT IN ('creation', 'set_ip', 'remove', 'error_terminate')"
		" ORDER BY server_id, service_id",
		PUQ_NOARGS, &r);
	if (rc < 0)
		return rc;
	size_t n = r->nrows;
	struct vmrow *v = PUQ_CALLOC(n ? n : 1, sizeof(*v));
	if (!v) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		v[i].service_id = puq_db_cell_int(r, i, 0, 0);
		v[i].vmid = puq_db_cell_int(r, i, 1, 0);
		v[i].server_id = puq_db_cell_int(r, i, 2, 0);
		v[i].watermark = puq_db_cell_int(r, i, 3, 0);
	}
	puq_db_rows_free(r);
	long timeout_ms = (long)puq_settings_get_int(ctx->settings, "default_timeout") * 1000;
	struct puq_http_options hopt = {.default_timeout_ms = timeout_ms, .max_per_host = 8};
	struct puq_http_engine *http = puq_http_engine_new(&hopt, err);
	struct puq_job_servers *servers = http ? puq_job_servers_new(ctx->db, http,
		ctx->hooks ? ctx->hooks->decrypt : NULL, ctx->hooks ? ctx->hooks->ctx : NULL, timeout_ms,
		(long)puq_settings_get_int(ctx->settings, "heavy_timeout") * 1000) : NULL;
	if (!http || !servers) {
		rc = http ? puq_error_set(err, PUQ_ENOMEM, NULL) : -err->code;
	} else {
		rc = collect(ctx, v, n, servers, http, st, err);
		unsigned long long purged = 0;
		if (rc == 0 && (rc = puq_stats_purge(ctx->db, ctx->now, &purged, err)) == 0 && purged)
			line(ctx, "  purged %llu hourly rows older than %d days", purged, PUQ_STATS_KEEP_DAYS);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < v[i].nframes; f++)
			puq_pve_rrd_free(&v[i].frames[f]);
	PUQ_FREE(v);
	puq_job_servers_free(servers);
	puq_http_engine_free(http);
	return rc;
}

/*
 * Turning RRD samples into bytes per hour, between the watermark and the newest complete
 * sample, without I/O.
 *
 * A sample at time t holds the average rate of [t, t + step). The frames arrive finest
 * first; the finest frame's newest sample is still being filled, so counting ends at its
 * start. Counting walks the frames from fine to coarse: each frame contributes only the
 * part of [start, covered) it holds, where `covered` is the oldest time a finer frame
 * already counted; so every second is counted once, at the best resolution available.
 * Bytes of an interval spanning hours are split across them in proportion to time.
 */
#include <math.h>
#include <string.h>

#include "puqkvm/stats.h"

#define HOUR 3600LL
#define MAX_SPAN (400LL * 86400) /* a year-frame's reach, and then some */

static const char *const frame_names[PUQ_STATS_FRAMES] = {"hour", "day", "week", "month", "year"};

const char *puq_stats_frame_name(size_t i)
{
	return i < PUQ_STATS_FRAMES ? frame_names[i] : NULL;
}

void puq_stats_result_free(struct puq_stats_result *r)
{
	PUQ_FREE(r->hours);
	memset(r, 0, sizeof(*r));
}

bool puq_stats_covers(const struct puq_pve_rrd *frames, size_t n, long long watermark)
{
	if (n == 0)
		return false;
	if (watermark <= 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (frames[i].n > 0 && frames[i].items[0].time <= watermark)
			return true;
	return false;
}

static long long floor_hour(long long t)
{
	return t >= 0 ? t / HOUR * HOUR : -((-t + HOUR - 1) / HOUR) * HOUR;
}

/* Adds rate over [a, b) to the hours of the array starting at first. */
static void spread(struct puq_stats_hour *h, long long first, long long a, long long b,
	double in, double out)
{
	while (a < b) {
		long long hour = floor_hour(a);
		long long seg = b < hour + HOUR ? b : hour + HOUR;
		size_t k = (size_t)((hour - first) / HOUR);
		h[k].in += in * (double)(seg - a);
		h[k].out += out * (double)(seg - a);
		a = seg;
	}
}

int puq_stats_integrate(const struct puq_pve_rrd *frames, size_t n, long long watermark,
	struct puq_stats_result *out, struct puq_error *err)
{
	memset(out, 0, sizeof(*out));
	out->watermark = watermark;
	if (n == 0 || frames[0].n < 2 || frames[0].step <= 0)
		return 0;
	const struct puq_pve_rrd *fine = &frames[0];
	long long end = fine->items[fine->n - 1].time;
	long long start = watermark > 0 ? watermark : fine->items[0].time;
	if (start >= end)
		return 0; /* nothing complete since the last count (or a clock set back) */
	if (end - start > MAX_SPAN) {
		out->gap_s += end - MAX_SPAN - start;
		start = end - MAX_SPAN;
	}
	long long first = floor_hour(start);
	size_t nh = (size_t)((floor_hour(end - 1) - first) / HOUR + 1);
	struct puq_stats_hour *h = PUQ_CALLOC(nh, sizeof(*h));
	if (!h)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	for (size_t k = 0; k < nh; k++)
		h[k].hour = first + (long long)k * HOUR;

	long long covered = end; /* [covered, end) is counted */
	for (size_t f = 0; f < n && covered > start; f++) {
		const struct puq_pve_rrd *fr = &frames[f];
		if (fr->n == 0 || fr->step <= 0)
			continue;
		long long oldest = covered;
		for (size_t i = 0; i < fr->n; i++) {
			const struct puq_pve_rrd_point *p = &fr->items[i];
			long long a = p->time > start ? p->time : start;
			long long b = p->time + fr->step < covered ? p->time + fr->step : covered;
			if (p->time < oldest)
				oldest = p->time;
			if (a >= b)
				continue;
			if (p->have & PUQ_RRD_NET)
				spread(h, first, a, b, p->netin > 0 ? p->netin : 0, p->netout > 0 ? p->netout : 0);
		}
		if (oldest < covered)
			covered = oldest > start ? oldest : start;
	}
	if (covered > start)
		out->gap_s += covered - start;

	/* keep the hours that hold anything; a quiet hour needs no row */
	size_t kept = 0;
	for (size_t k = 0; k < nh; k++)
		if (h[k].in > 0 || h[k].out > 0)
			h[kept++] = h[k];
	out->hours = h;
	out->n = kept;
	out->watermark = end;
	return 0;
}

/*
 * Traffic statistics from RRD samples (src/stats/integrate.c), pure: a first collection,
 * a following one that counts only what is new, missed runs made good from coarser
 * frames (PVE 9's and PVE 8's resolutions), the finer frame winning where frames
 * overlap, bytes split across hours, a stopped VM counting nothing, a gap older than
 * every frame, and the frames a collection needs (puq_stats_covers). Plus the RRD
 * answer's parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/stats.h"

#define HOUR 3600LL
#define END 1736000400LL /* 2025-01-04 14:20:00 UTC, a minute boundary */

/* n samples of step seconds ending at end (the open one, without values) at in/out B/s. */
static void frame(struct puq_pve_rrd *f, long long end, long long step, size_t n, double in,
	double out)
{
	f->items = calloc(n, sizeof(*f->items));
	f->n = n;
	f->step = step;
	for (size_t i = 0; i < n; i++) {
		struct puq_pve_rrd_point *p = &f->items[i];
		p->time = end - (long long)(n - 1 - i) * step;
		if (i + 1 < n) {
			p->have = PUQ_RRD_NET;
			p->netin = in;
			p->netout = out;
		}
	}
}

static double sum_in(const struct puq_stats_result *r)
{
	double s = 0;
	for (size_t i = 0; i < r->n; i++)
		s += r->hours[i].in;
	return s;
}

static double sum_out(const struct puq_stats_result *r)
{
	double s = 0;
	for (size_t i = 0; i < r->n; i++)
		s += r->hours[i].out;
	return s;
}

static void test_first_then_only_what_is_new(void **state)
{
	struct puq_pve_rrd f[1];
	struct puq_stats_result r;
	struct puq_error err;
	puq_error_clear(&err);
	frame(&f[0], END, 60, 60, 1000, 10); /* PVE 9 "hour" */
	assert_int_equal(puq_stats_integrate(f, 1, 0, &r, &err), 0);
	assert_int_equal(r.watermark, END);
	assert_int_equal(r.gap_s, 0);
	assert_float_equal(sum_in(&r), 1000.0 * 59 * 60, 1e-6);
	assert_float_equal(sum_out(&r), 10.0 * 59 * 60, 1e-6);
	/* 13:21 .. 14:20 spans two hours: 39 minutes in 13:00, 20 in 14:00 */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.hours[0].hour, END - 20 * 60 - HOUR);
	assert_float_equal(r.hours[0].in, 1000.0 * 39 * 60, 1e-6);
	assert_int_equal(r.hours[1].hour, END - 20 * 60);
	assert_float_equal(r.hours[1].in, 1000.0 * 20 * 60, 1e-6);
	long long wm = r.watermark;
	puq_stats_result_free(&r);
	puq_pve_rrd_free(&f[0]);

	/* ten minutes later: exactly those ten minutes */
	frame(&f[0], END + 600, 60, 60, 1000, 10);
	assert_int_equal(puq_stats_integrate(f, 1, wm, &r, &err), 0);
	assert_int_equal(r.watermark, END + 600);
	assert_float_equal(sum_in(&r), 1000.0 * 600, 1e-6);
	puq_stats_result_free(&r);
	/* and run again at once: nothing more */
	assert_int_equal(puq_stats_integrate(f, 1, END + 600, &r, &err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.watermark, END + 600);
	puq_stats_result_free(&r);
	puq_pve_rrd_free(&f[0]);
}

static void test_missed_runs_pve9(void **state)
{
	struct puq_pve_rrd f[2];
	struct puq_stats_result r;
	struct puq_error err;
	puq_error_clear(&err);
	long long wm = END - 5 * HOUR;
	frame(&f[0], END, 60, 60, 1000, 10);   /* hour: the last 59 minutes */
	frame(&f[1], END, 60, 1440, 1000, 10); /* day: one-minute samples all day */
	assert_false(puq_stats_covers(f, 1, wm));
	assert_true(puq_stats_covers(f, 2, wm));
	assert_int_equal(puq_stats_integrate(f, 2, wm, &r, &err), 0);
	assert_float_equal(sum_in(&r), 1000.0 * 5 * HOUR, 1e-6);
	assert_int_equal(r.gap_s, 0);
	assert_int_equal(r.n, 6); /* 09:20-10:00 .. 14:00-14:20 */
	puq_stats_result_free(&r);
	puq_pve_rrd_free(&f[0]);
	puq_pve_rrd_free(&f[1]);
}

static void test_missed_runs_pve8_finer_wins(void **state)
{
	struct puq_pve_rrd f[2];
	struct puq_stats_result r;
	struct puq_error err;
	puq_error_clear(&err);
	long long wm = END - 5 * HOUR;
	/* PVE 8: "hour" 70 one-minute samples, "day" 70 half-hour samples; the frames
	 * disagree on the rate so it shows which one counted which part */
	frame(&f[0], END, 60, 70, 2000, 20);
	frame(&f[1], END - END % 1800, 1800, 70, 500, 5);
	assert_true(puq_stats_covers(f, 2, wm));
	assert_int_equal(puq_stats_integrate(f, 2, wm, &r, &err), 0);
	long long fine = 69 * 60;                    /* what "hour" holds */
	long long coarse = (END - fine) - wm;        /* the rest, from "day" */
	assert_float_equal(sum_in(&r), 2000.0 * fine + 500.0 * coarse, 1e-6);
	assert_float_equal(sum_out(&r), 20.0 * fine + 5.0 * coarse, 1e-6);
	assert_int_equal(r.watermark, END);
	puq_stats_result_free(&r);
	puq_pve_rrd_free(&f[0]);
	puq_pve_rrd_free(&f[1]);
}

static void test_stopped_vm_and_gaps(void **state)
{
	struct puq_pve_rrd f[1];
	struct puq_stats_result r;
	struct puq_error err;
	puq_error_clear(&err);
	/* a stopped VM: samples without values, nothing counted, the watermark moves on */
	frame(&f[0], END, 60, 60, 0, 0);
	for (size_t i = 0; i < f[0].n; i++)
		f[0].items[i].have = 0;
	assert_int_equal(puq_stats_integrate(f, 1, END - 1800, &r, &err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.watermark, END);
	puq_stats_result_free(&r);
	puq_pve_rrd_free(&f[0]);
	/* older than every frame read: counted as nothing, and said */
	frame(&f[0], END, 60, 60, 1000, 10);
	assert_int_equal(puq_stats_integrate(f, 1, END - 2 * HOUR, &r, &err), 0);
	assert_int_equal(r.gap_s, 2 * HOUR - 59 * 60);
	assert_float_equal(sum_in(&r), 1000.0 * 59 * 60, 1e-6);
	puq_stats_result_free(&r);
	/* a watermark ahead of the samples (a clock set back) changes nothing */
	assert_int_equal(puq_stats_integrate(f, 1, END + 60, &r, &err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.watermark, END + 60);
	puq_stats_result_free(&r);
	puq_pve_rrd_free(&f[0]);
	/* one sample: the end is unknown */
	frame(&f[0], END, 60, 1, 1000, 10);
	assert_int_equal(puq_stats_integrate(f, 1, 0, &r, &err), 0);
	assert_int_equal(r.watermark, 0);
	assert_int_equal(r.n, 0);
	puq_stats_result_free(&r);
	puq_pve_rrd_free(&f[0]);
}

static void test_rrd_parser(void **state)
{
	struct puq_pve_rrd r;
	struct puq_error err;
	puq_error_clear(&err);
	/* numbers as numbers or strings, unsorted, a sample without values */
	json_t *data = json_loads("[{\"time\":120,\"netin\":\"5.5\",\"netout\":1,\"cpu\":0.5,\"maxcpu\":2},"
		"{\"time\":60,\"netin\":1,\"netout\":2,\"mem\":10,\"maxmem\":20,\"diskread\":3,\"diskwrite\":4},"
		"{\"time\":180}]", 0, NULL);
	assert_int_equal(puq_pve_parse_rrd(data, &r, &err), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.step, 60);
	assert_int_equal(r.items[0].time, 60);
	assert_int_equal(r.items[0].have, PUQ_RRD_NET | PUQ_RRD_MEM | PUQ_RRD_DISK);
	assert_float_equal(r.items[1].netin, 5.5, 1e-9);
	assert_int_equal(r.items[1].have, PUQ_RRD_NET | PUQ_RRD_CPU);
	assert_int_equal(r.items[2].have, 0);
	puq_pve_rrd_free(&r);
	json_decref(data);
	data = json_loads("[{\"netin\":1}]", 0, NULL);
	assert_int_equal(puq_pve_parse_rrd(data, &r, &err), -PUQ_EPROTO);
	json_decref(data);
	puq_error_clear(&err);
	data = json_loads("{}", 0, NULL);
	assert_int_equal(puq_pve_parse_rrd(data, &r, &err), -PUQ_EPROTO);
	json_decref(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_then_only_what_is_new),
		cmocka_unit_test(test_missed_runs_pve9),
		cmocka_unit_test(test_missed_runs_pve8_finer_wins),
		cmocka_unit_test(test_stopped_vm_and_gaps),
		cmocka_unit_test(test_rrd_parser),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}

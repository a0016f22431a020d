/*
 * Weekly schedules of backups and snapshots: reading and writing the original module's
 * stored form ({"0":"07:00",...}, weekday 0 = Sunday), validating a client's grid, and
 * deciding which slot is due.
 *
 * All times are local epochs (the installation's wall clock counted like UTC), so a day
 * is always 86400 seconds and the weekday of day d is (d + 4) % 7 (1970-01-01 was a
 * Thursday). Deciding is "the latest slot at or before now, if newer than the slot run
 * last and not older than the grace": a slot runs once, a missed minute or a busy VM
 * only delays it, and across midnight or the week's end the slot keeps its own date.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "puqkvm/job.h"

#define DAY 86400LL

void puq_schedule_init(struct puq_schedule *s)
{
	for (int d = 0; d < 7; d++)
		s->minute[d] = -1;
}

bool puq_schedule_empty(const struct puq_schedule *s)
{
	for (int d = 0; d < 7; d++)
		if (s->minute[d] >= 0)
			return false;
	return true;
}

/* "HH:MM" (H may be one digit) into minutes; -1 when malformed. */
static int parse_time(const char *t)
{
	int h = 0, m = 0, i = 0;
	if (!t || !isdigit((unsigned char)t[0]))
		return -1;
	while (isdigit((unsigned char)t[i]) && i < 2)
		h = h * 10 + (t[i++] - '0');
	if (t[i++] != ':' || !isdigit((unsigned char)t[i]) || !isdigit((unsigned char)t[i + 1]) ||
		t[i + 2] != '\0')
		return -1;
	m = (t[i] - '0') * 10 + (t[i + 1] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* The weekday a key names ("0".."6"), or -1. */
static int day_of(const char *key)
{
	return key[0] >= '0' && key[0] <= '6' && key[1] == '\0' ? key[0] - '0' : -1;
}

int puq_schedule_parse(const char *text, struct puq_schedule *out, struct puq_error *err)
{
	puq_schedule_init(out);
	if (!text || !*text)
		return 0;
	json_t *j = json_loads(text, 0, NULL);
	const char *key;
	json_t *v;
	if (!json_is_object(j)) {
		json_decref(j);
		return puq_error_set(err, PUQ_EPARSE, "the stored schedule is not a JSON object");
	}
	json_object_foreach(j, key, v)
	{
		int d = day_of(key);
		int m = json_is_string(v) ? parse_time(json_string_value(v)) : -1;
		if (d < 0 || m < 0) {
			/* the key belongs to j: say it before j goes */
			int rc = puq_error_set(err, PUQ_EPARSE, "the stored schedule has a bad entry '%.8s'",
				key);
			json_decref(j);
			puq_schedule_init(out);
			return rc;
		}
		out->minute[d] = m;
	}
	json_decref(j);
	return 0;
}

int puq_schedule_from_json(const json_t *in, struct puq_schedule *out, struct puq_error *err)
{
	const char *key;
	json_t *v;
	struct puq_schedule s;
	puq_schedule_init(&s);
	if (in && !json_is_object(in))
		return puq_error_field(err, "schedule", "must map weekdays 0-6 to a time HH:MM");
	int bad = 0;
	json_object_foreach((json_t *)in, key, v)
	{
		int d = day_of(key);
		if (d < 0) {
			puq_error_field(err, "schedule", "'%.8s' is not a weekday (0 = Sunday .. 6)", key);
			bad = 1;
			continue;
		}
		if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
			continue;
		int m = json_is_string(v) ? parse_time(json_string_value(v)) : -1;
		if (m < 0) {
			char field[16];
			snprintf(field, sizeof(field), "schedule.%d", d);
			puq_error_field(err, field, "must be a time HH:MM (00:00 to 23:59)");
			bad = 1;
			continue;
		}
		s.minute[d] = m;
	}
	if (bad)
		return -err->code;
	*out = s;
	return 0;
}

json_t *puq_schedule_to_json(const struct puq_schedule *s)
{
	json_t *o = json_object();
	for (int d = 0; o && d < 7; d++) {
		if (s->minute[d] < 0)
			continue;
		char key[2] = {(char)('0' + d), '\0'};
		char t[16];
		snprintf(t, sizeof(t), "%02d:%02d", (s->minute[d] / 60) % 24, s->minute[d] % 60);
		if (json_object_set_new(o, key, json_string(t)) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static long long floor_div(long long a, long long b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int weekday(long long day)
{
	return (int)(((day + 4) % 7 + 7) % 7);
}

/* The latest slot at or before now (0 when the schedule is empty). */
static long long latest(const struct puq_schedule *s, long long now)
{
	long long today = floor_div(now, DAY);
	for (long long k = 0; k <= 7; k++) {
		long long day = today - k;
		int m = s->minute[weekday(day)];
		if (m < 0)
			continue;
		long long slot = day * DAY + m * 60LL;
		if (slot <= now)
			return slot;
	}
	return 0;
}

long long puq_schedule_due(const struct puq_schedule *s, long long now_local, long long last,
	long long grace)
{
	long long slot = latest(s, now_local);
	if (slot == 0 || slot <= last || now_local - slot > grace)
		return 0;
	return slot;
}

long long puq_schedule_next(const struct puq_schedule *s, long long now_local)
{
	long long today = floor_div(now_local, DAY);
	for (long long k = 0; k <= 7; k++) {
		long long day = today + k;
		int m = s->minute[weekday(day)];
		if (m < 0)
			continue;
		long long slot = day * DAY + m * 60LL;
		if (slot > now_local)
			return slot;
	}
	return 0;
}

void puq_local_format(long long t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;
	out[0] = '\0';
	if (gmtime_r(&tt, &tm) && tm.tm_year >= 70 && tm.tm_year < 8100)
		strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

long long puq_local_parse(const char *text)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, s = 0;
	if (!text || sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) < 3 ||
		y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (long long)timegm(&tm);
}

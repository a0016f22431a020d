/*
 * VM names from the product's name rule, and random OS user names.
 *
 * A rule is text with macros in braces ({service_id}, {random_digit_4}, ...); the
 * expansion must be a DNS label, because the name is also the first label of the
 * service's FQDN. Time macros use UTC so two cron hosts in different time zones name
 * alike. The random source is passed in, which keeps the expansion pure and testable.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "puqkvm/buf.h"
#include "puqkvm/vm.h"

static unsigned default_rnd(void *ctx)
{
	(void)ctx;
	return (unsigned)rand();
}

/* Appends the value of macro m (len bytes) or reports it. */
static bool macro(struct puq_buf *b, const char *m, size_t len, const struct puq_vm_name_input *in,
	struct puq_error *err)
{
	unsigned (*rnd)(void *) = in->rnd ? in->rnd : default_rnd;
	struct tm tm;
	time_t now = in->now;
	gmtime_r(&now, &tm);
#define IS(word) (len == sizeof(word) - 1 && memcmp(m, word, len) == 0)
	if (IS("client_id"))
		puq_buf_printf(b, "%lld", in->client_id);
	else if (IS("service_id"))
		puq_buf_printf(b, "%lld", in->service_id);
	else if (IS("unixtime"))
		puq_buf_printf(b, "%lld", (long long)now);
	else if (IS("year"))
		puq_buf_printf(b, "%04d", tm.tm_year + 1900);
	else if (IS("month"))
		puq_buf_printf(b, "%02d", tm.tm_mon + 1);
	else if (IS("day"))
		puq_buf_printf(b, "%02d", tm.tm_mday);
	else if (IS("hour"))
		puq_buf_printf(b, "%02d", tm.tm_hour);
	else if (IS("minute"))
		puq_buf_printf(b, "%02d", tm.tm_min);
	else if (IS("second"))
		puq_buf_printf(b, "%02d", tm.tm_sec);
	else {
		static const char digit[] = "random_digit_", letter[] = "random_letter_";
		bool d = len > sizeof(digit) - 1 && memcmp(m, digit, sizeof(digit) - 1) == 0;
		bool l = len > sizeof(letter) - 1 && memcmp(m, letter, sizeof(letter) - 1) == 0;
		if (!d && !l) {
			puq_error_field(err, "vm_name_rule", "unknown macro {%.*s}", (int)(len > 40 ? 40 : len), m);
			return false;
		}
		size_t pre = d ? sizeof(digit) - 1 : sizeof(letter) - 1;
		unsigned n = 0;
		for (size_t i = pre; i < len; i++) {
			if (!isdigit((unsigned char)m[i]) || n > 63) {
				puq_error_field(err, "vm_name_rule", "{%.*s}: the count must be 1 to 63",
					(int)(len > 40 ? 40 : len), m);
				return false;
			}
			n = n * 10 + (unsigned)(m[i] - '0');
		}
		if (n == 0 || n > 63) {
			puq_error_field(err, "vm_name_rule", "{%.*s}: the count must be 1 to 63",
				(int)(len > 40 ? 40 : len), m);
			return false;
		}
		for (unsigned i = 0; i < n; i++)
			puq_buf_putc(b, d ? (char)('0' + rnd(in->rnd_ctx) % 10)
							  : (char)('a' + rnd(in->rnd_ctx) % 26));
	}
#undef IS
	return true;
}

int puq_vm_name_expand(const char *rule, const struct puq_vm_name_input *in,
	char out[PUQ_VM_NAME_MAX], struct puq_error *err)
{
	struct puq_buf b = PUQ_BUF_INIT;
	struct puq_error local;
	if (!err) {
		puq_error_clear(&local);
		err = &local;
	}
	for (const char *p = rule ? rule : ""; *p;) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			if (!end) {
				puq_error_field(err, "vm_name_rule", "a '{' is not closed");
				break;
			}
			if (!macro(&b, p + 1, (size_t)(end - p - 1), in, err))
				break;
			p = end + 1;
		} else {
			puq_buf_putc(&b, (char)tolower((unsigned char)*p++));
		}
	}
	if (puq_buf_failed(&b)) {
		puq_buf_free(&b);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	const char *s = puq_buf_cstr(&b);
	if (!err->code) {
		size_t n = b.len;
		if (n == 0)
			puq_error_field(err, "vm_name_rule", "the rule gives an empty name");
		else if (n > PUQ_VM_NAME_MAX - 1)
			puq_error_field(err, "vm_name_rule", "the name would be %zu characters; at most 63", n);
		else if (s[0] == '-' || s[n - 1] == '-')
			puq_error_field(err, "vm_name_rule", "the name must not start or end with '-'");
		else
			for (size_t i = 0; i < n; i++)
				if (!isalnum((unsigned char)s[i]) && s[i] != '-') {
					puq_error_field(err, "vm_name_rule",
						"the name may hold letters, digits and '-' only (it is a DNS label)");
					break;
				}
	}
	if (!err->code)
		puq_strlcpy(out, s, PUQ_VM_NAME_MAX);
	puq_buf_free(&b);
	return err->code ? -err->code : 0;
}

void puq_vm_random_username(unsigned (*rnd)(void *ctx), void *rnd_ctx, char out[16])
{
	static const char set[] = "abcdefghijkmnpqrstuvwxyz23456789";
	if (!rnd)
		rnd = default_rnd;
	out[0] = 'u';
	for (int i = 1; i < 8; i++)
		out[i] = set[rnd(rnd_ctx) % (sizeof(set) - 1)];
	out[8] = '\0';
}

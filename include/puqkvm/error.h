/*
 * The error model of the core.
 *
 * Every core function that can fail returns 0 on success or a negative PUQ_E* code, and
 * fills a caller-owned struct puq_error: the code, a human sentence that says what to do
 * (never a secret), and for validation failures a list of (field, message) pairs so one
 * request reports every bad field at once. The struct uses fixed buffers: filling it
 * never allocates, so it works on every failure path including out-of-memory.
 *
 * PUQ_ERRNO_MAP is the single table of codes. Each entry gives the name, a stable number
 * (used as the PHP exception code), the category (which picks the PHP exception class)
 * and the default message.
 */
#ifndef PUQKVM_ERROR_H
#define PUQKVM_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "puqkvm/common.h"

/* Categories map one to one onto PuqKvm\...Exception classes in the glue. */
#define PUQ_ERROR_CATEGORY_MAP(XX)                                                       \
	XX(GENERIC, "Exception")                                                             \
	XX(VALIDATION, "ValidationException")                                                \
	XX(NOT_FOUND, "NotFoundException")                                                   \
	XX(CONFLICT, "ConflictException")                                                    \
	XX(STATE, "StateException")                                                          \
	XX(DATABASE, "DatabaseException")                                                    \
	XX(SCHEMA, "SchemaException")                                                        \
	XX(HTTP, "HttpException")                                                            \
	XX(PROXMOX, "ProxmoxException")                                                      \
	XX(DNS, "DnsException")                                                              \
	XX(INTERNAL, "InternalException")

#define PUQ_ERRNO_MAP(XX)                                                                \
	/* validation: bad input, nothing was changed */                                     \
	XX(EINVAL, 100, VALIDATION, "invalid argument")                                      \
	XX(EVALIDATION, 101, VALIDATION, "validation failed")                                \
	XX(EPARSE, 102, VALIDATION, "cannot parse the value")                                \
	/* lookups and conflicts */                                                          \
	XX(ENOTFOUND, 200, NOT_FOUND, "not found")                                           \
	XX(ECONFLICT, 210, CONFLICT, "conflicts with existing data")                         \
	XX(EEXIST, 211, CONFLICT, "already exists")                                          \
	XX(EINUSE, 212, CONFLICT, "still in use")                                            \
	XX(EEXHAUSTED, 213, CONFLICT, "no free resource left")                               \
	XX(ESTATE, 220, STATE, "not allowed in the current state")                           \
	XX(ELEASE, 221, STATE, "the work lease was lost to another worker or an admin")      \
	XX(EBUSY, 222, STATE, "busy: another process holds the lock")                        \
	/* database */                                                                       \
	XX(EDB, 300, DATABASE, "database error")                                             \
	XX(EDBCONNECT, 301, DATABASE, "cannot connect to the database")                      \
	XX(EDBCONFIG, 302, DATABASE, "the database connection is not configured")            \
	XX(EDEADLOCK, 303, DATABASE, "deadlock or lock wait timeout")                        \
	XX(EDUPLICATE, 304, DATABASE, "duplicate key")                                       \
	XX(EDBLOST, 305, DATABASE, "the connection to the database was lost")                \
	XX(ESCHEMA, 310, SCHEMA, "the database schema does not match this puqkvm version")   \
	XX(EMIGRATE, 311, SCHEMA, "schema migration failed")                                 \
	/* network */                                                                        \
	XX(EHTTP, 400, HTTP, "HTTP request failed")                                          \
	XX(ETIMEOUT, 401, HTTP, "the request timed out")                                     \
	XX(ETLS, 402, HTTP, "TLS verification failed")                                       \
	XX(EHTTPSTATUS, 403, HTTP, "the server answered with an error status")               \
	XX(EPROTO, 404, HTTP, "malformed response")                                          \
	XX(EAUTH, 405, HTTP, "authentication failed")                                        \
	/* providers */                                                                      \
	XX(EPVE, 500, PROXMOX, "Proxmox VE API error")                                       \
	XX(EPVETASK, 501, PROXMOX, "Proxmox VE task failed")                                 \
	XX(EPVELOCKED, 502, PROXMOX, "the VM is locked by a Proxmox VE task")                \
	XX(EPVEPARAM, 503, PROXMOX, "Proxmox VE rejected a parameter")                       \
	XX(EPVEPERM, 504, PROXMOX, "the Proxmox VE API token lacks a privilege")             \
	XX(EPVENOTFOUND, 505, PROXMOX, "the VM or object does not exist on Proxmox VE")      \
	XX(EDNS, 600, DNS, "DNS provider error")                                             \
	/* the client area (src/client) */                                                   \
	XX(EDENIED, 880, STATE, "access denied")                                             \
	/* the engine itself */                                                              \
	XX(ENOMEM, 900, INTERNAL, "out of memory")                                           \
	XX(EINTERNAL, 901, INTERNAL, "internal error")

enum puq_error_category {
#define PUQ_XX_CAT(name, cls) PUQ_CAT_##name,
	PUQ_ERROR_CATEGORY_MAP(PUQ_XX_CAT)
#undef PUQ_XX_CAT
	PUQ_CAT__COUNT
};

enum puq_errno {
	PUQ_OK = 0,
#define PUQ_XX_ERR(name, num, cat, msg) PUQ_##name = (num),
	PUQ_ERRNO_MAP(PUQ_XX_ERR)
#undef PUQ_XX_ERR
};

#define PUQ_ERROR_TEXT_MAX    512
#define PUQ_FIELD_NAME_MAX    48
#define PUQ_FIELD_MESSAGE_MAX 208
#define PUQ_FIELD_ERRORS_MAX  24

struct puq_field_error {
	char field[PUQ_FIELD_NAME_MAX];
	char message[PUQ_FIELD_MESSAGE_MAX];
};

struct puq_error {
	int code;        /* PUQ_OK or a positive PUQ_E* number */
	int http_status; /* the remote status for HTTP/provider errors, else 0 */
	char text[PUQ_ERROR_TEXT_MAX];
	size_t nfields;
	struct puq_field_error fields[PUQ_FIELD_ERRORS_MAX];
};

/* Resets err to "no error". */
void puq_error_clear(struct puq_error *err);

/*
 * Sets the code and formats the text (the default message when fmt is NULL).
 * Returns -code, so a failing function can `return puq_error_set(err, ...)`.
 * err may be NULL, in which case only the return value carries the failure.
 */
int puq_error_set(struct puq_error *err, int code, const char *fmt, ...) PUQ_PRINTF(3, 4);
int puq_error_setv(struct puq_error *err, int code, const char *fmt, va_list ap);

/*
 * Adds a (field, message) pair and makes err a validation error (PUQ_EVALIDATION unless
 * it already carries another validation code). A field already listed keeps its first
 * message, so callers can validate in order without caring about duplicates. Returns
 * -PUQ_EVALIDATION. When the list is full, further fields are folded into the text.
 */
int puq_error_field(struct puq_error *err, const char *field, const char *fmt, ...)
	PUQ_PRINTF(3, 4);

/* The message recorded for field, or NULL. */
const char *puq_error_field_message(const struct puq_error *err, const char *field);

/* Prepends "prefix: " to the text (used to add context while an error travels up). */
void puq_error_prefix(struct puq_error *err, const char *fmt, ...) PUQ_PRINTF(2, 3);

/* Table lookups; unknown codes give "PUQ_EUNKNOWN", "unknown error", PUQ_CAT_GENERIC. */
const char *puq_error_name(int code);
const char *puq_error_message(int code);
enum puq_error_category puq_error_category(int code);
/* "ValidationException" etc.: the PHP class (without namespace) for a category. */
const char *puq_error_category_class(enum puq_error_category cat);

#endif

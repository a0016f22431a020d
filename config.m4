dnl puqkvm: Proxmox VE KVM provisioning engine for WHMCS.
dnl The core (src/) and the Zend glue (php_puqkvm.c, glue/) are compiled into one .so.

PHP_ARG_ENABLE([puqkvm], [whether to enable puqkvm support],
  [AS_HELP_STRING([--enable-puqkvm], [Enable puqkvm support])], [no])

if test "$PHP_PUQKVM" != "no"; then
  PKG_PROG_PKG_CONFIG

  PKG_CHECK_MODULES([JANSSON], [jansson >= 2.13], [],
    [AC_MSG_ERROR([jansson >= 2.13 not found: apt-get install libjansson-dev])])
  PHP_EVAL_INCLINE([$JANSSON_CFLAGS])
  PHP_EVAL_LIBLINE([$JANSSON_LIBS], [PUQKVM_SHARED_LIBADD])

  PKG_CHECK_MODULES([CURL], [libcurl >= 7.68.0], [],
    [AC_MSG_ERROR([libcurl >= 7.68.0 not found: apt-get install libcurl4-openssl-dev])])
  PHP_EVAL_INCLINE([$CURL_CFLAGS])
  PHP_EVAL_LIBLINE([$CURL_LIBS], [PUQKVM_SHARED_LIBADD])

  dnl OpenSSL: certificate fingerprint pinning inside libcurl's TLS handshake.
  PKG_CHECK_MODULES([OPENSSL], [openssl >= 1.1.1], [],
    [AC_MSG_ERROR([OpenSSL >= 1.1.1 not found: apt-get install libssl-dev])])
  PHP_EVAL_INCLINE([$OPENSSL_CFLAGS])
  PHP_EVAL_LIBLINE([$OPENSSL_LIBS], [PUQKVM_SHARED_LIBADD])

  AC_PATH_PROGS([PUQKVM_MARIADB_CONFIG], [mariadb_config mysql_config], [no])
  if test "$PUQKVM_MARIADB_CONFIG" = "no"; then
    AC_MSG_ERROR([mariadb_config/mysql_config not found: apt-get install libmariadb-dev])
  fi
  PUQKVM_MARIADB_INCLINE=`$PUQKVM_MARIADB_CONFIG --include`
  PUQKVM_MARIADB_LIBLINE=`$PUQKVM_MARIADB_CONFIG --libs`
  PHP_EVAL_INCLINE([$PUQKVM_MARIADB_INCLINE])
  PHP_EVAL_LIBLINE([$PUQKVM_MARIADB_LIBLINE], [PUQKVM_SHARED_LIBADD])

  PHP_SUBST([PUQKVM_SHARED_LIBADD])

  dnl Every .c file of the core and the glue is part of the extension.
  PUQKVM_SOURCES="php_puqkvm.c"
  for f in `cd "$srcdir" && ls glue/*.c src/*/*.c 2>/dev/null`; do
    PUQKVM_SOURCES="$PUQKVM_SOURCES $f"
  done

  PHP_NEW_EXTENSION([puqkvm], [$PUQKVM_SOURCES], [$ext_shared],,
    [-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 -std=gnu11 -Wall -Wextra -Wno-unused-parameter])
  PHP_ADD_INCLUDE([$ext_srcdir/include])
  PHP_ADD_INCLUDE([$ext_srcdir/glue])
  for d in glue `cd "$srcdir" && ls -d src/*/`; do
    PHP_ADD_BUILD_DIR([$ext_builddir/$d])
  done
fi

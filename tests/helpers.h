#ifndef EWS_TEST_HELPERS_H
#define EWS_TEST_HELPERS_H
#include <check.h>

/* Run a suite; returns the process exit code (0 when nothing failed). */
int helper_run(Suite *s);

/* A new empty directory under $TMPDIR; caller frees the string and may
 * remove the tree with helper_rmtree(). */
char *helper_tmpdir(void);

/* Remove a directory tree (test scratch only). */
void helper_rmtree(const char *dir);

/* Write `text` to dir/name; returns the malloc'd path. */
char *helper_write_file(const char *dir, const char *name, const char *text);

/* Directory of the shipped catalogue, from $EWS_TEST_CATALOG_DIR. */
const char *helper_catalog_dir(void);

#endif

/* A pymodbus TCP server (tests/peers/pymodbus_peer.py, run by Debian's
 * /usr/bin/python3) serving `config_json`, on a loopback port chosen by the
 * system. Returns the port; *pid is for helper_peer_stop(). */
#include <sys/types.h>
int helper_peer_start(const char *config_json, pid_t *pid);
void helper_peer_stop(pid_t pid);

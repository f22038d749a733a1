#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

int
helper_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

char *
helper_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (!base || !*base)
		base = "/tmp";
	dir = malloc(strlen(base) + 32);
	ck_assert_ptr_nonnull(dir);
	sprintf(dir, "%s/ews-test-XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
helper_rmtree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *
helper_write_file(const char *dir, const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	ck_assert_ptr_nonnull(path);
	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

const char *
helper_catalog_dir(void)
{
	const char *d = getenv("EWS_TEST_CATALOG_DIR");

	ck_assert_msg(d && *d, "EWS_TEST_CATALOG_DIR is not set");
	return d;
}

extern char **environ;

int
helper_peer_start(const char *config_json, pid_t *pid)
{
	const char *peer = getenv("EWS_TEST_PEER");
	char *dir = helper_tmpdir();
	char *cfg = helper_write_file(dir, "peer.json", config_json);
	char port_file[4096];
	char *argv[] = { "/usr/bin/python3", (char *)peer, "--config", cfg,
		         "--port-file",      port_file,    NULL };
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int port = 0, i;
	FILE *f;

	ck_assert_msg(peer && *peer, "EWS_TEST_PEER is not set");
	snprintf(port_file, sizeof(port_file), "%s/port", dir);
	ck_assert_int_eq(posix_spawn(pid, argv[0], NULL, NULL, argv, environ),
	                 0);
	for (i = 0; i < 1000 && port == 0; i++) {
		f = fopen(port_file, "r");
		if (f) {
			ck_assert_int_eq(fscanf(f, "%d", &port), 1);
			fclose(f);
		} else {
			nanosleep(&pause, NULL);
		}
	}
	ck_assert_msg(port > 0, "the pymodbus peer did not start");
	free(cfg);
	free(dir); /* the peer's scratch files stay until the OS cleans */
	return port;
}

void
helper_peer_stop(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
}

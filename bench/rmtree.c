/* Removing a benchmark's scratch directory, shared by every benchmark. */
#include <ftw.h>
#include <stdio.h>

#include "rmtree.h"

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
rmtree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#ifndef EWS_BENCH_RMTREE_H
#define EWS_BENCH_RMTREE_H

/* Remove dir and everything under it (symlinks are not followed). */
void rmtree(const char *dir);

#endif

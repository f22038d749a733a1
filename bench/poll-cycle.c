/*
 * B5 polling (performance-anchors.md §7; issue 3): a poll cycle of 255
 * three-phase meters (Eastron SDM630 maps) spread over 8 ews-sim gateways
 * on loopback, through the engine, beside the peer: a bare blocking
 * libmodbus client issuing the same requests in a loop.
 *
 *   poll-cycle EWS_SIM CATALOG_DIR [gateways] [devices] [cycles] [latency_ms]
 *
 * Prints medians over the cycles: cycle time, the slowest gateway's sum of
 * round trips and their ratio (target <= 1.1), CPU per device read (target
 * <= 50 us), and ews's time per transaction against the bare client's.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#include <ews/ews.h>

#include "acq-private.h"
#include "rmtree.h"

extern char **environ;

enum { MAX_GATEWAYS = 32, MAX_CYCLES = 100 };

/* This run's scratch directory (mkdtemp), removed at exit. */
static char scratch[] = "/tmp/ews-bench-XXXXXX";

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Remove the scratch directory this run made, and only it. */
static void
remove_scratch(void)
{
	rmtree(scratch);
}

static void
die(const char *what)
{
	fprintf(stderr, "poll-cycle: %s: %s\n", what,
	        ews_error_last()->message[0] ? ews_error_last()->message
	                                     : strerror(errno));
	exit(1);
}

/* Start one ews-sim with `n` SDM630s; returns its port. */
static int
start_sim(const char *sim, const char *catalog, const char *dir, int g, int n,
          int latency_ms, pid_t *pid)
{
	char cfg[512], port_file[512];
	char *argv[] = { (char *)sim,
		         "--port",
		         "0",
		         "--config",
		         cfg,
		         "--catalog",
		         (char *)catalog,
		         "--time-scale",
		         "0",
		         "--port-file",
		         port_file,
		         NULL };
	int port = 0, i;
	FILE *f;

	snprintf(cfg, sizeof(cfg), "%s/gw%d.json", dir, g);
	snprintf(port_file, sizeof(port_file), "%s/gw%d.port", dir, g);
	if (!(f = fopen(cfg, "w")))
		die(cfg);
	fprintf(f, "{\"devices\": [");
	for (i = 1; i <= n; i++)
		fprintf(f,
		        "%s{\"unit\": %d, \"model\": \"eastron_sdm630\","
		        " \"faults\": {\"latency_ms\": %d}}",
		        i > 1 ? ", " : "", i, latency_ms);
	fprintf(f, "]}\n");
	fclose(f);
	if (posix_spawn(pid, sim, NULL, NULL, argv, environ) != 0)
		die("posix_spawn ews-sim");
	for (i = 0; i < 500 && port == 0; i++) {
		if ((f = fopen(port_file, "r"))) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		} else {
			usleep(10000);
		}
	}
	if (port == 0)
		die("ews-sim did not start");
	return port;
}

/* The peer: a bare blocking libmodbus client issuing `plan`'s requests
 * to every unit of one gateway, `rounds` times: seconds per transaction,
 * and CPU seconds per device read in *cpu_per_device. */
static double
bare_client(int port, int units, const struct ews__plan *plan, int rounds,
            double *cpu_per_device)
{
	uint16_t data[EWS__MAX_READ_REGISTERS];
	modbus_t *mb = modbus_new_tcp("127.0.0.1", port);
	double t0, c0;
	long n = 0;
	int r, u;
	size_t q;

	if (!mb || modbus_connect(mb) != 0)
		die("libmodbus connect");
	t0 = now_s();
	c0 = cpu_s();
	for (r = 0; r < rounds; r++)
		for (u = 1; u <= units; u++) {
			modbus_set_slave(mb, u);
			for (q = 0; q < plan->n_requests; q++, n++)
				if (modbus_read_input_registers(
				            mb, (int)plan->requests[q].address,
				            (int)plan->requests[q].count,
				            data) < 0)
					die("libmodbus read");
		}
	*cpu_per_device = (cpu_s() - c0) / ((double)rounds * units);
	t0 = (now_s() - t0) / (double)n;
	modbus_close(mb);
	modbus_free(mb);
	return t0;
}

int
main(int argc, char **argv)
{
	int gateways = argc > 3 ? atoi(argv[3]) : 8;
	int devices = argc > 4 ? atoi(argv[4]) : 255;
	int cycles = argc > 5 ? atoi(argv[5]) : 10;
	int latency = argc > 6 ? atoi(argv[6]) : 0;
	double cycle[MAX_CYCLES], slowest[MAX_CYCLES], ratio[MAX_CYCLES];
	double cpu[MAX_CYCLES], per_tx[MAX_CYCLES];
	char *dir = scratch, site_dir[600];
	int port[MAX_GATEWAYS], units[MAX_GATEWAYS];
	pid_t pid[MAX_GATEWAYS];
	const ews_register *regs[256];
	size_t n_regs;
	struct ews__plan plan;
	const ews_model *m;
	ews_site_opts opts;
	ews_engine *eng;
	ews_site *site;
	ews_list *res;
	int g, c, i;

	if (argc < 3 || gateways < 1 || gateways > MAX_GATEWAYS || cycles < 1 ||
	    cycles > MAX_CYCLES || devices < gateways) {
		fprintf(stderr, "usage: poll-cycle EWS_SIM CATALOG_DIR "
		                "[gateways] [devices] [cycles] [latency_ms]\n");
		return 2;
	}
	if (!mkdtemp(dir))
		die("mkdtemp");
	atexit(remove_scratch); /* also when a failure exits */
	for (g = 0; g < gateways; g++) {
		units[g] = devices / gateways + (g < devices % gateways);
		port[g] = start_sim(argv[1], argv[2], dir, g, units[g], latency,
		                    &pid[g]);
	}
	snprintf(site_dir, sizeof(site_dir), "%s/site", dir);
	ews_site_opts_init(&opts, EWS_SITE_OPTS_VERSION);
	opts.flags = EWS_SITE_CREATE;
	opts.catalog_dir = argv[2];
	if (ews_site_open(site_dir, &opts, &site) != EWS_OK)
		die("site");
	for (g = 0; g < gateways; g++) {
		ews_gateway gw;

		ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
		snprintf(gw.name, sizeof(gw.name), "sim-%d", g);
		snprintf(gw.ip, sizeof(gw.ip), "127.0.0.1");
		gw.port = (unsigned int)port[g];
		if (ews_site_gateway_add(site, &gw) != EWS_OK)
			die("gateway");
		for (i = 1; i <= units[g]; i++) {
			ews_device d;

			ews_device_init(&d, EWS_DEVICE_VERSION);
			d.gateway_id = gw.id;
			d.address = (unsigned int)i;
			snprintf(d.model, sizeof(d.model), "eastron_sdm630");
			snprintf(d.name, sizeof(d.name), "m%d-%d", g, i);
			if (ews_site_device_add(site, &d) != EWS_OK)
				die("device");
		}
	}
	if (ews_catalog_find(ews_site_catalog(site), "eastron_sdm630", &m))
		die("model");
	/* The requests of a recording cycle: the model's counters. */
	for (i = 0, n_regs = 0; i < (int)m->register_count; i++)
		if (ews_quantity_is_counter(
		            ews_model_register(m, (size_t)i)->quantity))
			regs[n_regs++] = ews_model_register(m, (size_t)i);
	ews__plan_build(regs, n_regs, 1, 16, &plan);
	if (ews_engine_open(site, NULL, &eng) != EWS_OK)
		die("engine");
	if (ews_engine_poll_once(eng, 0, &res) != EWS_OK) /* connect, warm */
		die("warm-up cycle");
	ews_list_free(res);
	for (c = 0; c < cycles; c++) {
		double sum[MAX_GATEWAYS] = { 0 }, t0 = now_s(), c0 = cpu_s();
		double worst = 0, all_rtt = 0;

		if (ews_engine_poll_once(eng, (int64_t)(c + 1) * 600000, &res))
			die("cycle");
		cycle[c] = now_s() - t0;
		cpu[c] = (cpu_s() - c0) / devices;
		for (i = 0; i < (int)ews_list_len(res); i++) {
			const ews_poll_result *r = ews_list_poll_result(res, i);

			if (r->outcome != EWS_OUTCOME_OK)
				die("a device did not answer");
			sum[(r->gateway_id - 2) % MAX_GATEWAYS] +=
			        r->round_trip_us / 1e6;
			all_rtt += r->round_trip_us / 1e6;
		}
		for (g = 0; g < gateways; g++)
			worst = sum[g] > worst ? sum[g] : worst;
		slowest[c] = worst;
		ratio[c] = cycle[c] / worst;
		per_tx[c] = all_rtt / (double)(devices * (int)plan.n_requests);
		ews_list_free(res);
	}
	{
		double bare_cpu;
		double bare =
		        bare_client(port[0], units[0], &plan, 20, &bare_cpu);
		double ews_cpu = median(cpu, cycles);
		double tx = median(per_tx, cycles);
		double cyc = median(cycle, cycles);
		long txs = (long)devices * (long)plan.n_requests;

		printf("B5 poll cycle: %d devices (SDM630, %zu registers in "
		       "%zu "
		       "requests each) over %d gateways, RTU-like latency "
		       "%d ms, %d cycles, medians\n",
		       devices, plan.n_regs, plan.n_requests, gateways, latency,
		       cycles);
		printf("  cycle time                          %9.2f ms\n",
		       cyc * 1e3);
		printf("  slowest gateway, sum of round trips %9.2f ms\n",
		       median(slowest, cycles) * 1e3);
		printf("  ratio cycle / slowest gateway       %9.3f  (target "
		       "<= 1.1)\n",
		       median(ratio, cycles));
		printf("  CPU per device read, incl. record   %9.1f us\n",
		       ews_cpu * 1e6);
		printf("  peer: bare libmodbus, same requests %9.1f us CPU per "
		       "device read\n",
		       bare_cpu * 1e6);
		printf("  CPU above the bare round trips      %9.1f us per "
		       "device "
		       "(target <= 50)\n",
		       (ews_cpu - bare_cpu) * 1e6);
		printf("  ews round trip per transaction      %9.1f us\n",
		       tx * 1e6);
		printf("  peer: bare libmodbus client         %9.1f us per "
		       "transaction (one connection, same requests)\n",
		       bare * 1e6);
		printf("  ratio ews / bare per transaction    %9.3f\n",
		       tx / bare);
		printf("  aggregate: ews %.0f transactions/s over %d gateways "
		       "= %.2fx one bare connection\n",
		       (double)txs / cyc, gateways, (double)txs / cyc * bare);
	}
	ews_engine_close(eng);
	ews_site_close(site);
	ews__plan_free(&plan);
	for (g = 0; g < gateways; g++) {
		kill(pid[g], SIGTERM);
		waitpid(pid[g], NULL, 0);
	}
	return 0;
}

/*
 * Modbus RTU on a serial device (or one end of a pseudo-terminal pair),
 * answering for every unit of the configuration.
 *
 * libmodbus 3.1.6 opens and configures the port (modbus_new_rtu,
 * modbus_connect) and builds the replies, but its receive path cannot
 * serve several units: _modbus_rtu_check_integrity() drops every request
 * whose address is not the context's one slave id (modbus_receive()
 * returns 0 and then ignores the next frame as another slave's reply). So
 * frames are read here: their length follows from the function code, or,
 * for functions of unknown layout, from the silence that ends a frame;
 * the CRC is checked, then the request goes to sim_handle() with the
 * libmodbus context, whose modbus_reply() takes the unit from the frame.
 * An unknown unit gets no reply, as on a real bus; a "drop" fault is a
 * missing reply too (a serial line cannot be hung up).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

enum {
	ADU_MAX = 256,  /* MODBUS_RTU_MAX_ADU_LENGTH */
	GAP_MIN_MS = 20 /* silence that ends a frame, at least */
};

static uint16_t
crc16(const uint8_t *p, int n)
{
	uint16_t crc = 0xffff;
	int i, b;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (b = 0; b < 8; b++)
			crc = crc & 1 ? (uint16_t)((crc >> 1) ^ 0xa001)
			              : (uint16_t)(crc >> 1);
	}
	return crc;
}

/* Length of the request frame in buf (with its CRC), 0 while unknown. */
static int
expected_len(const uint8_t *b, int n)
{
	if (n < 2)
		return 0;
	switch (b[1]) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
	case 8:
		return 8;
	case 7:
	case 11:
	case 12:
	case 17:
		return 4;
	case 15:
	case 16:
		return n >= 7 ? 9 + b[6] : 0;
	case 22:
		return 10;
	case 23:
		return n >= 11 ? 13 + b[10] : 0;
	default:
		return 0;
	}
}

static void
nap_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* One frame: its length; 0 when told to stop; -1 to try again. */
static int
read_frame(int fd, int stop_fd, uint8_t *buf, int gap_ms)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
	int n = 0, want = 0, rc;
	ssize_t r;

	while (want == 0 || n < want) {
		rc = poll(p, 2, n ? gap_ms : -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0 || p[1].revents)
			return 0;
		if (rc == 0)
			return n; /* silence: the frame is over */
		if (!(p[0].revents & POLLIN)) {
			nap_ms(100); /* hung up: wait for the other end */
			return -1;
		}
		r = read(fd, buf + n, (size_t)(ADU_MAX - n));
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0) {
			nap_ms(100);
			return -1;
		}
		n += (int)r;
		want = expected_len(buf, n);
		if (n >= ADU_MAX)
			return n;
	}
	return want; /* bytes past it would be a garbled next frame */
}

static void
serve(struct sim *sim, modbus_t *ctx, int fd, int stop_fd, int gap_ms)
{
	uint8_t buf[ADU_MAX];
	int n;

	while ((n = read_frame(fd, stop_fd, buf, gap_ms)) != 0) {
		if (n < 0)
			continue;
		if (n < 4 ||
		    crc16(buf, n - 2) != (buf[n - 2] | buf[n - 1] << 8)) {
			sim_log(sim, "RTU: %d bytes with a bad CRC ignored", n);
			tcflush(fd, TCIFLUSH);
			continue;
		}
		if (sim_handle(sim, ctx, buf, n, 1, 1, 0) == SIM_FAILED)
			sim_log(sim, "RTU: reply failed: %s",
			        modbus_strerror(errno));
	}
}

int
sim_serve_rtu(struct sim *sim, const struct sim_rtu_opts *o, int stop_fd)
{
	modbus_t *ctx =
	        modbus_new_rtu(o->path, o->baud, o->parity, 8, o->stop_bits);
	int gap_ms = (int)ceil(38500.0 / o->baud); /* 3.5 characters */

	if (!ctx || modbus_connect(ctx) != 0) {
		sim_error("--rtu %s: %s", o->path, modbus_strerror(errno));
		modbus_free(ctx);
		return SIM_EXIT_IO;
	}
	sim_log(sim, "serving RTU on %s at %d %c%d, %zu device(s)", o->path,
	        o->baud, o->parity, o->stop_bits, sim->ndevs);
	serve(sim, ctx, modbus_get_socket(ctx), stop_fd,
	      gap_ms > GAP_MIN_MS ? gap_ms : GAP_MIN_MS);
	modbus_close(ctx);
	modbus_free(ctx);
	return SIM_EXIT_OK;
}

/*
 * What the devices of the demo building draw: pure functions of the
 * local time, the day and the seed (no clock, no I/O, no globals).
 *
 * The building is an office of about 2 500 m2 near Milan with some sixty
 * people. Open days are Monday to Friday, except the Italian public
 * holidays, a two-week closure around 15 August and the days between
 * Christmas and Epiphany, when few people come. Heating is a gas boiler,
 * on from 15 October to 15 April (the legal season of climate zone E)
 * when it is cold enough; a chiller cools on warm days; water heaters
 * are electric. Four EV stations see a car on most open days, arriving
 * between 07:30 and 10:00 and leaving between 16:30 and 19:00, each
 * taking 8-35 kWh at 16 A on three phases. Every figure varies a little
 * from day to day and from one sample to the next, through a hash of the
 * seed: the same seed gives the same building.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "demo.h"
#include "../common/mix64.h"

#define EV_POWER_W 10385.0 /* 3 x 230 V x 95 % of 16 A x pf 0.99 */

/* Salts: each figure draws from its own stream of the seed. */
enum {
	SALT_NOISE = 1,
	SALT_DAY = 2,
	SALT_WEATHER = 3,
	SALT_EV_COMES = 4,
	SALT_EV_ARRIVES = 5,
	SALT_EV_LEAVES = 6,
	SALT_EV_NEEDS = 7
};

/* People in the building on an open day, by local hour (linear in
 * between): arrivals from 07:30, lunch, departures after 17:00. */
static const double occupancy_day[25] = { 0,    0,    0,    0,    0,
	                                  0,    0.02, 0.12, 0.55, 0.9,
	                                  0.95, 0.95, 0.7,  0.72, 0.93,
	                                  0.95, 0.88, 0.7,  0.38, 0.14,
	                                  0.05, 0.02, 0,    0,    0 };

/* ------------------------------------------------------------------ */
/* Deterministic noise                                                 */

double
demo_rand(uint64_t seed, uint64_t salt, int64_t k)
{
	uint64_t h = mix64(mix64(seed * 31 + salt) ^ (uint64_t)k);

	return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/* Smooth noise in [-1, 1] of x: a random value at each integer,
 * joined by a raised cosine. */
static double
smooth(uint64_t seed, uint64_t salt, double x)
{
	double f = floor(x), w = (1 - cos((x - f) * M_PI)) / 2;
	int64_t k = (int64_t)f;

	return (2 * demo_rand(seed, salt, k) - 1) * (1 - w) +
	       (2 * demo_rand(seed, salt, k + 1) - 1) * w;
}

static double
clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* ------------------------------------------------------------------ */
/* The calendar                                                        */

void
demo_easter(int32_t year, unsigned int *month, unsigned int *day)
{
	int a = year % 19, b = year / 100, c = year % 100, d = b / 4;
	int e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int n = h + l - 7 * m + 114;

	*month = (unsigned int)(n / 31);
	*day = (unsigned int)(n % 31 + 1);
}

int
demo_is_holiday(int32_t year, unsigned int month, unsigned int day)
{
	static const unsigned int fixed[][2] = {
		{ 1, 1 },  { 1, 6 },  { 4, 25 }, { 5, 1 },   { 6, 2 },
		{ 8, 15 }, { 11, 1 }, { 12, 8 }, { 12, 25 }, { 12, 26 }
	};
	unsigned int em, ed;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i][0] == month && fixed[i][1] == day)
			return 1;
	demo_easter(year, &em, &ed);
	ed++; /* Easter Monday; Easter is 22 March - 25 April */
	if (ed > (em == 3 ? 31u : 30u)) {
		ed = 1;
		em++;
	}
	return em == month && ed == day;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int32_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* How open the office is on a day: 1 an ordinary working day, 0 closed,
 * a fraction when only some people come. */
static double
opening(const struct demo_when *w)
{
	unsigned int m = w->month, d = w->day;

	if (w->weekday >= 5 || demo_is_holiday(w->year, m, d))
		return 0;
	if (m == 8 && d >= 10 && d <= 21)
		return 0.15; /* the summer closure: a few people */
	if ((m == 12 && d >= 24) || (m == 1 && d <= 5))
		return 0.45;
	return 1;
}

/* Milan: 2.5 °C in mid-January, 24.5 °C in mid-July on average, spells
 * of a few days warmer or colder, coldest at 04:00, warmest at 15:00. */
static double
outdoor_c(const struct demo_when *w, uint64_t seed)
{
	double season = cos(2 * M_PI * ((double)w->yday - 18) / 365.25);
	double mean = 13.5 - 11 * season;
	double spell = 3.5 * smooth(seed, SALT_WEATHER,
	                            (double)w->day_index / 4 + w->hour / 96);
	double swing = 3.5 + 1.5 * (1 - season) / 2;

	return mean + spell + swing * cos(2 * M_PI * (w->hour - 15) / 24);
}

void
demo_when_at(int64_t t_ms, uint64_t seed, struct demo_when *w)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	memset(w, 0, sizeof(*w));
	w->year = tm.tm_year + 1900;
	w->month = (unsigned int)tm.tm_mon + 1;
	w->day = (unsigned int)tm.tm_mday;
	w->weekday = (unsigned int)(tm.tm_wday + 6) % 7;
	w->yday = (unsigned int)tm.tm_yday;
	w->hour = tm.tm_hour + tm.tm_min / 60.0 +
	          (tm.tm_sec + (double)(t_ms % 1000) / 1000) / 3600;
	w->day_index = days_from_civil(w->year, w->month, w->day);
	w->workday = opening(w);
	w->outdoor_c = outdoor_c(w, seed);
}

/* ------------------------------------------------------------------ */
/* Factors                                                             */

/* People present (0-1): the open day's curve, a little different every
 * day. */
static double
occupancy(const struct demo_when *w, uint64_t seed)
{
	int i = (int)w->hour;
	double f = w->hour - i;
	double base = occupancy_day[i] * (1 - f) + occupancy_day[i + 1] * f;

	return base * w->workday *
	       (0.9 + 0.15 * demo_rand(seed, SALT_DAY, w->day_index));
}

/* Need for heat (0-1), only in the legal heating season. */
static double
heat_need(const struct demo_when *w)
{
	unsigned int md = w->month * 100 + w->day;

	if (md > 415 && md < 1015)
		return 0;
	return clamp01((16 - w->outdoor_c) / 16);
}

static double
cool_need(const struct demo_when *w)
{
	return clamp01((w->outdoor_c - 22) / 9);
}

/* Whether the plant runs: an open day, between from and to. */
static int
plant_on(const struct demo_when *w, double from, double to)
{
	return w->workday > 0 && w->hour >= from && w->hour < to;
}

/* Daylight (0-1) at the local hour: sunrise about 08:00 in December and
 * 05:30 in June, sunset 16:45 and 21:15 (local, DST included). */
static double
daylight_at(const struct demo_when *w)
{
	double summer = -cos(2 * M_PI * ((double)w->yday + 10) / 365.25);
	double rise = 6.8 - 1.3 * summer, set = 19.0 + 2.2 * summer;

	return clamp01(w->hour - rise) * clamp01(set - w->hour);
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */

static double
lighting_w(const struct demo_when *w, double occ)
{
	double day = daylight_at(w);
	double cleaning = w->workday > 0 && w->hour >= 19 && w->hour < 21
	                          ? 0.25 * w->workday
	                          : 0;

	return 350 +                    /* emergency lighting */
	       (day < 0.5 ? 1400 : 0) + /* outdoor and car park */
	       9500 * fmax(occ, cleaning) * (0.6 + 0.4 * (1 - day));
}

static double
hvac_w(enum demo_kind kind, const struct demo_when *w, double occ)
{
	double heat = heat_need(w), cool = cool_need(w);

	switch (kind) {
	case DEMO_HEATING:
		if (w->month > 4 && w->month < 10)
			return 120; /* controls only */
		return plant_on(w, 6, 19) ? 900 + 2600 * heat
		                          : 350 + 600 * heat;
	case DEMO_COOLING: /* the server room's split unit, the chiller */
		return 700 + 45 * fmax(0, w->outdoor_c - 15) +
		       (plant_on(w, 8, 19)  ? 32000 * cool * (0.75 + 0.25 * occ)
		        : plant_on(w, 7, 8) ? 16000 * cool
		                            : 0);
	default: /* the air handling unit; extract fans at night */
		return plant_on(w, 7, 19)
		               ? 4200 * (1 + 0.35 * fmax(heat, cool)) *
		                         (0.6 + 0.4 * w->workday)
		               : 450;
	}
}

/* The mean of an EV station's power over [h0, h1) local hours of the
 * day: the day's car, if one comes, charges from its arrival until it
 * has what it needs or leaves. */
static double
ev_w(const struct demo_device *dev, const struct demo_when *w, uint64_t seed,
     double h0, double h1)
{
	uint64_t s = seed * 1000003u + dev->address;
	int64_t day = w->day_index;
	double arrive, leave, need_wh, end, from, to;

	if (w->workday <= 0 ||
	    demo_rand(s, SALT_EV_COMES, day) >= 0.82 * w->workday)
		return 0;
	arrive = 7.5 + 2.5 * demo_rand(s, SALT_EV_ARRIVES, day);
	leave = 16.5 + 2.5 * demo_rand(s, SALT_EV_LEAVES, day);
	need_wh = 8000 + 27000 * demo_rand(s, SALT_EV_NEEDS, day);
	end = fmin(leave, arrive + need_wh / EV_POWER_W);
	from = fmax(h0, arrive);
	to = fmin(h1, end);
	return to > from ? EV_POWER_W * (to - from) / (h1 - h0) : 0;
}

/* dm3/h of the boiler: full in the morning, set back at night and on
 * closed days, off when it is not cold. */
static double
gas_dm3_h(const struct demo_when *w)
{
	double heat = heat_need(w);

	if (heat <= 0)
		return 0;
	if (plant_on(w, 5.5, 7.5))
		return 19000 * heat; /* warming the building up */
	if (plant_on(w, 7.5, 18.5))
		return 13000 * heat * (0.7 + 0.3 * w->workday);
	return w->outdoor_c < 8 ? 2200 * heat : 0;
}

static double
water_dm3_h(const struct demo_when *w, double occ)
{
	double lunch = w->hour >= 12 && w->hour < 14 ? 1.4 : 1;

	return 12 + 520 * occ * lunch; /* a cistern that never quite seals */
}

static double
own_w(const struct demo *d, const struct demo_device *dev,
      const struct demo_when *w, double h0, double h1)
{
	double occ = occupancy(w, d->seed ^ dev->address);

	switch (dev->kind) {
	case DEMO_MAIN: /* lifts, IT room, BMS, security, unmetered */
		return 2200 + 1800 * occ;
	case DEMO_HEATING:
	case DEMO_COOLING:
	case DEMO_VENTILATION:
		return hvac_w(dev->kind, w, occ);
	case DEMO_DHW:
		return 160 + 1500 * occ *
		                     ((w->hour >= 8 && w->hour < 10) ||
		                                      (w->hour >= 12 &&
		                                       w->hour < 14.5)
		                              ? 1
		                              : 0.35);
	case DEMO_LIGHTING:
		return lighting_w(w, occ);
	case DEMO_SOCKETS:
		return 1600 + 13000 * occ;
	case DEMO_EV:
		return ev_w(dev, w, d->seed, h0, h1);
	case DEMO_GAS:
		return gas_dm3_h(w);
	case DEMO_WATER:
		return water_dm3_h(w, occ);
	default:
		return 0;
	}
}

double
demo_power(const struct demo *d, const struct demo_device *dev,
           const struct demo_when *w, int64_t t0_ms, int64_t t1_ms)
{
	double half_h = (double)(t1_ms - t0_ms) / 7.2e6;
	double p = own_w(d, dev, w, w->hour - half_h, w->hour + half_h);
	uint64_t s = d->seed * 7919u + dev->address * 31u + dev->position;

	if (dev->kind == DEMO_EV)
		return p; /* a car draws what the station allows */
	return p * (0.94 + 0.12 * demo_rand(s, SALT_NOISE, t0_ms / 60000));
}

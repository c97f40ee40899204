/*
 * How much of the daemon's scanning each user holds right now: permission
 * events waiting, and scans not yet finished (a scan outlives its event's
 * deadline). One user's flood may fill their own share and no more, so
 * max_inflight is never used up by a single uid. Pure logic; the monitor
 * thread alone uses it.
 */
#ifndef FANGUARD_UID_SHARE_H
#define FANGUARD_UID_SHARE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct uid_count {
	uid_t uid;
	uint32_t n;
};

struct uid_share {
	struct uid_count *held; /* the uids holding anything; order does not matter */
	uint32_t n_held, cap;
	uint32_t limit; /* most a uid may hold */
};

/* Room for cap units in all; each uid may hold limit of them. -1 when out of memory. */
int uid_share_init(struct uid_share *s, uint32_t cap, uint32_t limit);
void uid_share_free(struct uid_share *s);
/* Takes one unit for uid; false (nothing taken) if it holds its limit already. */
bool uid_share_take(struct uid_share *s, uid_t uid);
/* Gives back a unit uid took. */
void uid_share_put(struct uid_share *s, uid_t uid);
/* How many units uid holds. */
uint32_t uid_share_held(const struct uid_share *s, uid_t uid);

#endif

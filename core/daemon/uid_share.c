#include "daemon/uid_share.h"

#include <stdlib.h>

int uid_share_init(struct uid_share *s, uint32_t cap, uint32_t limit)
{
	s->cap = cap;
	s->limit = limit;
	s->n_held = 0;
	s->held = calloc(cap, sizeof(*s->held));
	return s->held ? 0 : -1;
}

void uid_share_free(struct uid_share *s)
{
	free(s->held);
	s->held = NULL;
}

/* Few users have scans in flight at once: a walk is cheaper than a table to keep. */
static struct uid_count *find(const struct uid_share *s, uid_t uid)
{
	for (uint32_t i = 0; i < s->n_held; i++)
		if (s->held[i].uid == uid)
			return &s->held[i];
	return NULL;
}

bool uid_share_take(struct uid_share *s, uid_t uid)
{
	struct uid_count *c = find(s, uid);

	if (!c) {
		if (s->n_held == s->cap || s->limit == 0)
			return false;
		c = &s->held[s->n_held++];
		c->uid = uid;
		c->n = 0;
	}
	if (c->n >= s->limit)
		return false;
	c->n++;
	return true;
}

void uid_share_put(struct uid_share *s, uid_t uid)
{
	struct uid_count *c = find(s, uid);

	if (!c || c->n == 0)
		return;
	if (--c->n == 0)
		*c = s->held[--s->n_held];
}

uint32_t uid_share_held(const struct uid_share *s, uid_t uid)
{
	const struct uid_count *c = find(s, uid);

	return c ? c->n : 0;
}

/*
 * Compiled YARA rules as the compiler leaves them sit in its growth-sized
 * arenas: one small rule costs ~8.5 MiB resident. Saved and loaded back they
 * take what they need (~0.2 MiB for that rule), so every scanner process that
 * loads rules gets the compact copy.
 */
#ifndef FANGUARD_YARA_COMPACT_H
#define FANGUARD_YARA_COMPACT_H

#include <yara.h>

/*
 * Replaces *rules with a copy loaded from its saved form and destroys the
 * original. Returns 0, or -1 leaving *rules as it was (the rules still work,
 * only without the saving).
 */
int yara_compact_rules(YR_RULES **rules);

#endif

/*
 * `fanguard stats` without --prometheus: the daemon's metrics (always sent in
 * Prometheus' text format) rewritten for a person, one family per block under
 * its help text. Done here, from the same text, so both forms always hold the
 * same numbers and a metric added to the daemon shows up in both.
 */
#ifndef FANGUARD_STATS_TEXT_H
#define FANGUARD_STATS_TEXT_H

#include <stdio.h>

/* Writes the readable form of the Prometheus text prom to out. */
void stats_text_print(const char *prom, FILE *out);

#endif

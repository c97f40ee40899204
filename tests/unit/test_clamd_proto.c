/* Unit tests for the clamd plugin's reply parser (plugins/clamd/clamd_proto.c) and server specs. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "check.h"
#include "clamd_addr.h"
#include "clamd_proto.h"

static int parses(const char *reply, unsigned id, enum fg_verdict want, const char *want_text)
{
	enum fg_verdict v = (enum fg_verdict) - 1;
	char text[FG_THREAT_MAX];

	if (clamd_parse_reply(reply, id, &v, text, sizeof(text)) != 0) {
		fprintf(stderr, "'%s': %s\n", reply, text);
		return 0;
	}
	return v == want && strcmp(text, want_text) == 0;
}

static int refused(const char *reply, unsigned id)
{
	enum fg_verdict v;
	char text[FG_THREAT_MAX];

	return clamd_parse_reply(reply, id, &v, text, sizeof(text)) == -1 && text[0];
}

static void test_replies(void)
{
	CHECK(parses("stream: OK", 0, FG_VERDICT_CLEAN, ""));
	CHECK(parses("stream: Win.Test.EICAR_HDB-1 FOUND", 0, FG_VERDICT_DETECTED,
		     "Win.Test.EICAR_HDB-1"));
	/* a threat name with spaces and a colon stays whole */
	CHECK(parses("stream: Heuristics.Limits: Exceeded FOUND", 0, FG_VERDICT_DETECTED,
		     "Heuristics.Limits: Exceeded"));
	CHECK(parses("INSTREAM size limit exceeded. ERROR", 0, FG_VERDICT_ERROR,
		     "clamd replied: INSTREAM size limit exceeded."));
	CHECK(parses("stream: Can't allocate memory ERROR", 0, FG_VERDICT_ERROR,
		     "clamd replied: stream: Can't allocate memory"));
	/* sessions: the reply carries the number of the command it answers */
	CHECK(parses("7: stream: OK", 7, FG_VERDICT_CLEAN, ""));
	CHECK(parses("12: stream: Eicar FOUND", 12, FG_VERDICT_DETECTED, "Eicar"));
	CHECK(refused("6: stream: OK", 7)); /* an answer to another command */
	CHECK(refused("stream: OK", 1));    /* no number in a session */
	CHECK(refused("", 0));
	CHECK(refused("PONG", 0));
	CHECK(refused("stream: FOUND", 0)); /* FOUND without a name */
	CHECK(refused("stream: maybe", 0));
}

static void test_specs(void)
{
	struct clamd_addr a;
	char err[256];

	CHECK(clamd_addr_parse("tcp:127.0.0.1:3310", &a, err, sizeof(err)) == 0);
	CHECK(a.sa.ss_family == AF_INET && ntohs(((struct sockaddr_in *)&a.sa)->sin_port) == 3310);
	CHECK(clamd_addr_parse("tcp:[::1]:3311", &a, err, sizeof(err)) == 0);
	CHECK(a.sa.ss_family == AF_INET6 &&
	      ntohs(((struct sockaddr_in6 *)&a.sa)->sin6_port) == 3311);
	CHECK(clamd_addr_parse("unix:/run/clamav/clamd.ctl", &a, err, sizeof(err)) == 0);
	CHECK(a.sa.ss_family == AF_UNIX &&
	      strcmp(((struct sockaddr_un *)&a.sa)->sun_path, "/run/clamav/clamd.ctl") == 0);
	CHECK(strcmp(a.spec, "unix:/run/clamav/clamd.ctl") == 0);

	CHECK(clamd_addr_parse("tcp:127.0.0.1", &a, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "tcp:HOST:PORT");
	CHECK(clamd_addr_parse("tcp:127.0.0.1:0", &a, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "1 to 65535");
	CHECK(clamd_addr_parse("tcp:127.0.0.1:33x", &a, err, sizeof(err)) == -1);
	CHECK(clamd_addr_parse("tcp:::1:3310", &a, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "brackets");
	CHECK(clamd_addr_parse("tcp:[::1]3310", &a, err, sizeof(err)) == -1);
	CHECK(clamd_addr_parse("unix:relative.sock", &a, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "absolute");
	CHECK(clamd_addr_parse("localhost:3310", &a, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "unix:/PATH");
}

int main(void)
{
	test_replies();
	test_specs();
	return check_summary();
}

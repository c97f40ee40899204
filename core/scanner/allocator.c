#include "scanner/allocator.h"

#include <malloc.h>

#include "common/log.h"

/*
 * libclamav sizes its matcher state for each scan by the number of logical and body
 * signatures (cli_ac_initdata: megabytes with a database of real size) and frees it when
 * the scan ends. glibc hands the freed top of the heap back to the kernel once it exceeds
 * the trim threshold (128 KiB, or twice the dynamic mmap threshold), so the next scan
 * faulted the same megabytes in again, zeroed: 800 page faults a 4 KiB file in a scanner
 * process, against 25 in the daemon's threads, whose arenas happened to keep it.
 *
 * Fixed thresholds keep those buffers. The cost is bounded: at most ALLOC_TRIM_THRESHOLD
 * of free memory stays in each arena (one per scan thread), and it counts towards the
 * scanner's memory_limit_mb like any other anonymous memory.
 */
void allocator_keep_scan_buffers(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return; /* AddressSanitizer's allocator replaces glibc's, and ignores mallopt */
#endif
	/* setting either one turns glibc's dynamic thresholds off, so both are set */
	if (mallopt(M_MMAP_THRESHOLD, (int)ALLOC_MMAP_THRESHOLD) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, (int)ALLOC_TRIM_THRESHOLD) != 1)
		log_warning("cannot set malloc thresholds: every scan may fault its buffers in "
			    "again");
}

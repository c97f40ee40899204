/* How the process that hosts scan engines asks glibc's malloc to keep its memory. */
#ifndef FANGUARD_ALLOCATOR_H
#define FANGUARD_ALLOCATOR_H

/*
 * Keeps per-scan buffers of up to ALLOC_KEEP_BYTES in the heap between scans instead of
 * giving them back to the kernel after every scan. Called before any engine is loaded.
 */
void allocator_keep_scan_buffers(void);

#define ALLOC_MMAP_THRESHOLD (32u << 20) /* glibc's own ceiling for its dynamic threshold */
#define ALLOC_TRIM_THRESHOLD (64u << 20)

#endif

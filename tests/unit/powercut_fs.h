/*
 * powercut_fs.h: a model of the page cache and the disk beneath the code
 * under test, to play power cuts.
 *
 * A test executable linked with powercut_fs.c and the linker's --wrap of
 * open, mkstemp, pwrite, ftruncate, fsync, fdatasync, rename, link, unlink
 * and remove sees every such call of the library (and of the test) pass
 * through here. Each call is carried out for real, so the code under test
 * runs on an ordinary file system, which plays the page cache. While
 * recording, the calls on files of one directory are also logged: writes
 * and truncations per file, syncs of files and of the directory, names
 * created, renamed, linked and removed.
 *
 * pc_disk_at(k) then builds what a disk could hold had the power failed
 * after the first k logged operations (a random choice among the states
 * the model allows):
 *
 * - a file's data and size as of its last fsync/fdatasync are on the disk.
 *   Each later write may be lost, complete or torn: any subset of its
 *   512-byte sectors (counted from the start of the file) reached the disk,
 *   each independently, so later writes may land where earlier ones did
 *   not; the size may have grown to cover a write whose data never arrived
 *   (those bytes read as zeros); a later truncation may or may not have
 *   happened.
 * - the directory's names as of its last fsync are on the disk; of the
 *   name changes after it (create, rename, link, unlink), half the time a
 *   prefix is (as file systems that journal metadata in order do), half
 *   the time any subset (as POSIX allows). An fsync of a file does not
 *   make its name durable.
 *
 * Writes made through stdio, which the wrap cannot see, are found when the
 * file is synced or renamed, by comparing it with the model's copy.
 */
#ifndef BOXCAR_POWERCUT_FS_H
#define BOXCAR_POWERCUT_FS_H

#include <stdint.h>

/* Start logging operations on the files of dir (an absolute path with no
 * trailing slash). Files already there are taken as written and synced by
 * a process that died before it synced the directory: their data is
 * durable, their names are not yet. Clears any earlier log. */
void pc_start(const char *dir);
/* Stop logging (the log is kept for pc_disk_at). */
void pc_stop(void);
/* Operations logged so far: a cut at pc_now() keeps everything done up to
 * this point that the model says is durable. */
uint64_t pc_now(void);
/* Fill out_dir (an existing, empty directory) with the files the disk
 * could hold after the first k operations; rng is an xorshift64 state the
 * random choices are drawn from. */
void pc_disk_at(uint64_t k, uint64_t *rng, const char *out_dir);
/* Free the log. */
void pc_free(void);

#endif

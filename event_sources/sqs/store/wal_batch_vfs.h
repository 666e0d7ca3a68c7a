#pragma once
// The store's VFS: SQLite's "unix-excl" (sqlite_open.cpp says why that one) with the writes of each
// commit to the write-ahead log gathered into one write() call.
//
// Why: SQLite writes every WAL frame with two calls, its 24-byte header and then its page, so a
// commit of five pages costs ten system calls, and on this kind of virtual machine a system call
// is several microseconds: the largest part of the durable default's cost per message. The bytes and
// the offsets stay exactly SQLite's; only the number of calls changes.
//
// When the bytes reach the file: a write to a WAL file is kept in the connection's buffer while
// each next write continues where the last one ended, and the buffer goes to the file
//   - as soon as the page of a commit frame (a frame whose header carries the database size) has
//     been appended: the commit's frames are then in the file (for kill -9: in the kernel) before
//     SQLite publishes them in the WAL index and before COMMIT returns, so before any answer, and a
//     failed write fails that commit as it did when SQLite wrote it itself;
//   - before a write elsewhere in the file, and before any other call on the file (read, sync,
//     truncate, size, file control, close), so that SQLite never observes the file without the
//     bytes it wrote, and a sync (power-loss mode) covers them;
//   - before it would pass 64 KiB (the most the unix VFS writes in one call is 128 KiB), so a large
//     commit is a few writes of 64 KiB.
// Readers on other connections (the checkpointer) only read frames published in the WAL index,
// which SQLite publishes after the commit frame's write has returned. Files other than WAL files
// are passed through untouched.

namespace sluice::sqs::detail {

// The name of the VFS, registered on first use (thread-safe). Null if "unix-excl" is missing.
const char* wal_batch_vfs_name();

}  // namespace sluice::sqs::detail

#pragma once
// Small files of the data directory (the at-rest key, the store marker) written so that a crash
// leaves either the old file or the new one, never a torn one.

#include <sys/types.h>

#include <string>
#include <string_view>

namespace sluice::sqs::detail {

// Writes `contents` to PATH.tmp with `mode` (set explicitly, whatever the umask), syncs it,
// renames it over `path` and syncs the directory. On failure the temporary file is removed and
// *error names the file and the reason.
bool write_file_durably(const std::string& path, std::string_view contents, mode_t mode, std::string* error);

}  // namespace sluice::sqs::detail

// Unpacking function code with libzip. The zip is read from memory (the request's decoded
// ZipFile); entries are written below the target directory only: absolute names and ".."
// segments are refused, so an archive cannot write elsewhere.

#include "code_archive.h"

#include <sys/stat.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace sluice::lambda::detail {
namespace {

namespace fs = std::filesystem;

common::AwsError unzip_failed() {
  return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                           "Could not unzip uploaded file. Please check your file, then try to upload again.");
}

bool safe_entry_name(std::string_view name) {
  if (name.empty() || name.front() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    const size_t slash = name.find('/', start);
    const std::string_view part = name.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (part == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

common::Status unpack_entries(zip_t* archive, const fs::path& into) {
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  int64_t total = 0;
  std::vector<char> buffer(size_t{64} * 1024);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_NAME))
      return unzip_failed();
    const std::string_view name = stat.name;
    if (!safe_entry_name(name)) return unzip_failed();
    const fs::path target = into / fs::path(name);
    std::error_code ec;
    if (name.back() == '/') {
      fs::create_directories(target, ec);
      if (ec) return unzip_failed();
      continue;
    }
    total += static_cast<int64_t>(stat.size);
    if (total > kMaxUnzippedBytes) {
      return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                               "Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) + " bytes");
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec) return unzip_failed();
    std::unique_ptr<zip_file_t, ZipFileCloser> entry(zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0));
    if (!entry) return unzip_failed();
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out) return unzip_failed();
    while (true) {
      const zip_int64_t n = zip_fread(entry.get(), buffer.data(), buffer.size());
      if (n < 0) return unzip_failed();
      if (n == 0) break;
      out.write(buffer.data(), n);
    }
    out.close();
    if (!out) return unzip_failed();
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    mode_t mode = 0644;
    if (zip_file_get_external_attributes(archive, static_cast<zip_uint64_t>(i), 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX && ((attributes >> 16) & 0777) != 0) {
      mode = static_cast<mode_t>((attributes >> 16) & 0777);
    }
    ::chmod(target.c_str(), mode | S_IRUSR);
  }
  return common::ok_status();
}

}  // namespace

common::Status unpack_zip(std::string_view zip, const std::string& into) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return unzip_failed();
  }
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  zip_error_fini(&error);
  if (!archive) {
    zip_source_free(source);
    return unzip_failed();
  }
  std::error_code ec;
  fs::create_directories(into, ec);
  if (ec)
    return common::aws_error(common::AwsErrorCode::LambdaService, "cannot store the function's code: " + ec.message());
  common::Status unpacked = unpack_entries(archive.get(), into);
  if (!unpacked) fs::remove_all(into, ec);
  return unpacked;
}

}  // namespace sluice::lambda::detail

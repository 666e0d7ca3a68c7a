#pragma once
// Internal: the console's files (runtime/console/assets), embedded in the binary at build time by
// embed_assets.cmake as one generated translation unit.

#include <span>
#include <string_view>

namespace sluice::console::detail {

struct Asset {
  std::string_view path;          // relative to the assets folder: "index.html", "app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted, as the ETag header carries it
  std::string_view body;
};

std::span<const Asset> assets();

}  // namespace sluice::console::detail

# Turns the console's files into one C++ source: a table of {path, content type, ETag, bytes}.
# Run as a script at build time:
#   cmake -DASSET_DIR=<folder> -DOUTPUT=<file.cpp> -DASSETS="index.html;app.js;..." -P embed_assets.cmake
# The ETag is the SHA-256 of the file's bytes, so a browser revalidates cheaply and never keeps a
# stale file after an upgrade. The output is rewritten only when it changes, so an unchanged asset
# folder rebuilds nothing.
cmake_minimum_required(VERSION 3.20)

set(out "// Generated from runtime/console/assets by embed_assets.cmake; do not edit.\n")
string(APPEND out "#include \"console_assets.h\"\n\nnamespace sluice::console::detail {\nnamespace {\n\n")
set(table "")
set(index 0)
foreach(asset IN LISTS ASSETS)
  file(READ ${ASSET_DIR}/${asset} hex HEX)
  file(SHA256 ${ASSET_DIR}/${asset} digest)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  # Bytes as a character array with an explicit size: no terminator, any byte allowed.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  # CMake's regular expressions have no {n}: the pattern of one line is spelled out 24 times.
  string(REPEAT "'\\\\x[0-9a-f][0-9a-f]'," 24 line_of_bytes)
  string(REGEX REPLACE "(${line_of_bytes})" "\\1\n" bytes "${bytes}")
  string(APPEND out "const char kAsset${index}[${size}] = {\n${bytes}};\n\n")
  if(asset MATCHES "\\.html$")
    set(type "text/html; charset=utf-8")
  elseif(asset MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  elseif(asset MATCHES "\\.js$")
    set(type "text/javascript; charset=utf-8")
  elseif(asset MATCHES "\\.svg$")
    set(type "image/svg+xml")
  else()
    set(type "application/octet-stream")
  endif()
  string(SUBSTRING "${digest}" 0 32 etag)
  string(APPEND table "    {\"${asset}\", \"${type}\", \"\\\"${etag}\\\"\", std::string_view(kAsset${index}, ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND out "}  // namespace\n\nstd::span<const Asset> assets() {\n  static const Asset kAssets[] = {\n${table}  };\n  return kAssets;\n}\n\n}  // namespace sluice::console::detail\n")

if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} previous)
  if(previous STREQUAL out)
    return()
  endif()
endif()
file(WRITE ${OUTPUT} "${out}")

// The page and its files: served from the binary, the page with a fresh session token and a
// strict Content-Security-Policy, files with an ETag the browser can revalidate.

#include <doctest/doctest.h>

#include "console_fixture.h"

using namespace sluice;
using namespace sluice::console::testing;

namespace {
std::string header(const Answer& answer, const std::string& name) {
  for (const auto& [n, v] : answer.response.headers)
    if (n == name) return v;
  return "";
}
}  // namespace

TEST_CASE("the page carries a session token of its own and the policy that keeps it to its own files") {
  ConsoleFixture f;
  const Answer page = f.get_file("/_sluice/");
  CHECK(page.status == 200);
  CHECK(header(page, "Content-Type") == "text/html; charset=utf-8");
  CHECK(header(page, "Cache-Control") == "no-store");
  CHECK(header(page, "Content-Security-Policy").find("script-src 'self'") != std::string::npos);
  CHECK(header(page, "Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page.body.find("/_sluice/console/app.js") != std::string::npos);
  CHECK(page.body.find("__SLUICE_CONSOLE_TOKEN__") == std::string::npos);
  const std::string first = f.token(), second = f.token();
  CHECK(first.size() == 65);
  CHECK(first != second);
  CHECK(f.get_file("/_sluice").status == 200);
}

TEST_CASE("files are served with their type and an ETag; a matching If-None-Match gets 304") {
  ConsoleFixture f;
  const Answer script = f.get_file("/_sluice/console/app.js");
  CHECK(script.status == 200);
  CHECK(header(script, "Content-Type") == "text/javascript; charset=utf-8");
  CHECK(script.body.find("import * as views") != std::string::npos);
  const std::string etag = header(script, "ETag");
  REQUIRE(etag.size() == 34);
  CHECK(etag.front() == '"');
  const Answer again = f.get_file("/_sluice/console/app.js", etag);
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(f.get_file("/_sluice/console/app.js", "\"stale\"").status == 200);
  CHECK(header(f.get_file("/_sluice/console/console.css"), "Content-Type") == "text/css; charset=utf-8");
  CHECK(f.get_file("/_sluice/console/nope.js").status == 404);
  // The page itself is only served with a token in it.
  CHECK(f.get_file("/_sluice/console/index.html").status == 404);
}

TEST_CASE("paths outside the console are left to the other services") {
  ConsoleFixture f;
  api::http::Request request;
  request.method = "GET";
  request.path = "/_sluice/reset";
  CHECK_FALSE(f.console->get(request).has_value());
  CHECK_FALSE(f.console->claims_rest(request));
  request.path = "/123456789012/orders";
  CHECK_FALSE(f.console->get(request).has_value());
  CHECK_FALSE(f.console->claims_rest(request));
}

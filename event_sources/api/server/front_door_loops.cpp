// FrontDoorLoops: see front_door_loops.h.

#include "front_door_loops.h"

#include <algorithm>

namespace sluice::api::server::detail {

FrontDoorLoops::FrontDoorLoops(uv_loop_t* first, size_t count, Handler handler, OnDrain on_drain)
    : first_(first), handler_(std::move(handler)), on_drain_(std::move(on_drain)) {
  for (size_t i = 1; i < std::max<size_t>(count, 1); ++i) {
    auto own = std::make_unique<OwnLoop>();
    uv_loop_init(&own->loop);
    own_.push_back(std::move(own));
  }
}

FrontDoorLoops::~FrontDoorLoops() {
  stop();
  servers_.clear();
  for (auto& own : own_) uv_loop_close(&own->loop);
}

int FrontDoorLoops::open(http::ServerOptions options) {
  const size_t count = own_.size() + 1;
  if (count > 1) {
    int port = 0;
    if (int rc = http::reserve_shared_port(options.host, options.port, &port); rc != 0) return rc;
    options.port = port;  // port 0 has become the one every loop binds
  }
  options.servers_on_port = count;
  for (size_t i = 0; i < count; ++i) {
    http::ServerOptions own_options = options;
    own_options.on_drain = [this, i] { on_drain_(i); };
    servers_.push_back(http::Server::create(i == 0 ? first_ : &own_[i - 1]->loop, std::move(own_options),
                                            [this, i](http::Request&& request, http::ResponderPtr responder) {
                                              handler_(i, std::move(request), std::move(responder));
                                            }));
  }
  return 0;
}

int FrontDoorLoops::listen() {
  for (auto& server : servers_) {
    if (int rc = server->listen(); rc != 0) return rc;
  }
  for (auto& own : own_) {
    uv_loop_t* loop = &own->loop;
    own->thread = std::thread([loop] { uv_run(loop, UV_RUN_DEFAULT); });
  }
  return 0;
}

size_t FrontDoorLoops::open_connections() const {
  size_t n = 0;
  for (const auto& server : servers_) n += server->open_connections();
  return n;
}

void FrontDoorLoops::drain(std::function<void()> done) {
  if (servers_.size() == 1) {
    servers_.front()->drain(std::move(done));
    return;
  }
  if (draining_) {
    // As a server does: a later callback counts only if the first drain was given none.
    if (!drain_done_) drain_done_ = std::move(done);
    return;
  }
  draining_ = true;
  drain_done_ = std::move(done);
  undrained_.store(servers_.size());
  uv_async_init(first_, &all_drained_, on_all_drained);
  all_drained_.data = this;
  servers_.front()->drain([this] { loop_drained(); });
  for (size_t i = 1; i < servers_.size(); ++i) {
    http::Server* server = servers_[i].get();
    server->post([this, server] { server->drain([this] { loop_drained(); }); });
  }
}

void FrontDoorLoops::loop_drained() {
  if (undrained_.fetch_sub(1) == 1) uv_async_send(&all_drained_);
}

void FrontDoorLoops::on_all_drained(uv_async_t* async) {
  uv_close(reinterpret_cast<uv_handle_t*>(async), [](uv_handle_t* handle) {
    auto* self = static_cast<FrontDoorLoops*>(handle->data);
    auto done = std::move(self->drain_done_);
    if (done) done();  // may destroy the owner: touch nothing after this
  });
}

void FrontDoorLoops::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (size_t i = 0; i < own_.size(); ++i) {
    OwnLoop& own = *own_[i];
    http::Server* server = i + 1 < servers_.size() ? servers_[i + 1].get() : nullptr;
    if (own.thread.joinable()) {
      // Already drained: the post is dropped and the thread is ending by itself.
      if (server != nullptr) server->post([server] { server->drain([] {}); });
      own.thread.join();
    } else if (server != nullptr) {
      // Never ran (listen() failed): the server's handles are closed by running its drain here.
      server->drain([] {});
      uv_run(&own.loop, UV_RUN_DEFAULT);
    }
  }
}

}  // namespace sluice::api::server::detail

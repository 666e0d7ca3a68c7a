#pragma once
// Forks environments from one long-lived thread.
//
// An environment process asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG), so that no
// handler outlives the server. Linux ties that signal to the *thread* that forked, not the
// process: a child forked by an invocation thread would be killed as soon as that thread ends.
// Every fork therefore happens on one thread that lives as long as the process.

#include <sys/types.h>

#include <functional>

namespace sluice::functions::detail {

// Forks on the spawner thread; the child runs `child_main`, which must not return (it execs or
// _exits). The child shares this process's memory until then (vfork): it may make system calls
// only, must write no memory but its own stack, and starts with every signal blocked, so it sets
// the signal handlers to the default before unblocking any. Returns the child's pid, or -1 with
// `*error` set to errno. Blocks until the child has exec'd or exited.
pid_t fork_from_spawner(const std::function<void()>& child_main, int* error);

}  // namespace sluice::functions::detail

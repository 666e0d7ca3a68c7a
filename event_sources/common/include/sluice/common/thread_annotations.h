#pragma once
// Clang's thread-safety annotations, so that "guarded by this mutex" is a checked fact rather than
// a comment. Under clang with -Wthread-safety (the sluice_warnings target turns it on) the compiler
// reports a read or write of a GUARDED_BY member without its mutex held, a call to a REQUIRES
// function without the capability, and a lock that is not released on every path. Other compilers
// see nothing: every macro expands to nothing.
//
// The analysis only understands annotated lock types; std::mutex and std::lock_guard are not (in
// libstdc++), so annotated code locks a sluice::Mutex (sluice/common/mutex.h).
//
// Vocabulary (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html):
//   GUARDED_BY(mu)          the member may be touched only with mu held
//   PT_GUARDED_BY(mu)       what the pointer member points at may be touched only with mu held
//   REQUIRES(mu)            the caller must hold mu (REQUIRES_SHARED: at least shared)
//   EXCLUDES(mu)            the caller must not hold mu (the function takes it)
//   ACQUIRE / RELEASE       the function takes / lets go of the capability (and _SHARED forms)
//   CAPABILITY / LOCKABLE   the class is a lock; SCOPED_CAPABILITY: an RAII holder of one
//   NO_THREAD_SAFETY_ANALYSIS  the function is not checked (say why next to it)

#if defined(__clang__)
#define SLUICE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SLUICE_THREAD_ANNOTATION(x)
#endif

#ifndef GUARDED_BY
#define GUARDED_BY(x) SLUICE_THREAD_ANNOTATION(guarded_by(x))
#endif

#ifndef PT_GUARDED_BY
#define PT_GUARDED_BY(x) SLUICE_THREAD_ANNOTATION(pt_guarded_by(x))
#endif

#ifndef REQUIRES
#define REQUIRES(...) SLUICE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#endif

#ifndef REQUIRES_SHARED
#define REQUIRES_SHARED(...) SLUICE_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#endif

#ifndef EXCLUDES
#define EXCLUDES(...) SLUICE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#endif

#ifndef ACQUIRE
#define ACQUIRE(...) SLUICE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#endif

#ifndef ACQUIRE_SHARED
#define ACQUIRE_SHARED(...) SLUICE_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#endif

#ifndef RELEASE
#define RELEASE(...) SLUICE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#endif

#ifndef RELEASE_SHARED
#define RELEASE_SHARED(...) SLUICE_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#endif

#ifndef TRY_ACQUIRE
#define TRY_ACQUIRE(...) SLUICE_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#endif

#ifndef ASSERT_CAPABILITY
#define ASSERT_CAPABILITY(x) SLUICE_THREAD_ANNOTATION(assert_capability(x))
#endif

#ifndef CAPABILITY
#define CAPABILITY(name) SLUICE_THREAD_ANNOTATION(capability(name))
#endif

#ifndef LOCKABLE
#define LOCKABLE CAPABILITY("mutex")
#endif

#ifndef SCOPED_CAPABILITY
#define SCOPED_CAPABILITY SLUICE_THREAD_ANNOTATION(scoped_lockable)
#endif

#ifndef RETURN_CAPABILITY
#define RETURN_CAPABILITY(x) SLUICE_THREAD_ANNOTATION(lock_returned(x))
#endif

#ifndef NO_THREAD_SAFETY_ANALYSIS
#define NO_THREAD_SAFETY_ANALYSIS SLUICE_THREAD_ANNOTATION(no_thread_safety_analysis)
#endif

#pragma once

// The parts of deltacpp._core, each defined in its own file.
//
// Tested by: tests/python/ (pytest, through the deltacpp package).

#include <memory>

#include <nanobind/nanobind.h>

#include "deltacpp/kernel/snapshot.h"

namespace deltacpp::python {

/// One loaded version of a table; immutable, so shared freely between Python threads.
struct SnapshotHandle {
  std::shared_ptr<const Snapshot> snapshot;
};

void BindSnapshot(nanobind::module_& module);
void BindWrite(nanobind::module_& module);
void BindOptimize(nanobind::module_& module);

}  // namespace deltacpp::python

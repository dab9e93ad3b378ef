#include "deltacpp/scan/compute_init.h"

#include <arrow/compute/initialize.h>

namespace deltacpp {

Status EnsureComputeInitialized() {
  static const Status status = arrow::compute::Initialize();
  return status;
}

}  // namespace deltacpp

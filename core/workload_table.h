// A family of workloads registered from one file with a table (the way
// kselftest's FIXTURE_VARIANT or a test_cases[] table does): one row per
// workload, one body for all of them, and the row reaches the body by
// value, bound at registration: nothing looks a row up by name.
//
//   WorkloadSpec spec_of(const Row& row);          the row's workload
//   void scenario(Context& ctx, const Row& row);   the body
//   DT_WORKLOAD_FAMILY(table(), spec_of, scenario);
#pragma once

#include <vector>

#include "core/context.h"
#include "core/registry.h"

namespace dt {

template <typename Row>
bool register_family(const std::vector<Row>& rows, WorkloadSpec (*spec_of)(const Row&),
                     void (*body)(Context&, const Row&), const char* source_file) {
  for (const Row& row : rows)
    register_workload(spec_of(row), [body, row](Context& ctx) { body(ctx, row); }, source_file);
  return true;
}

}  // namespace dt

#define DT_WORKLOAD_FAMILY(rows, spec_of, body)                              \
  [[maybe_unused]] static const bool DT_CONCAT(dt_registered_, __LINE__) = \
      ::dt::register_family((rows), (spec_of), (body), __FILE__)

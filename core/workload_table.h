// A family of workloads registered from one file with a table (the way
// kselftest's FIXTURE_VARIANT or a test_cases[] table does): one row per
// workload, one body for all of them. A body is a plain function, so it
// finds its row by the name of the spec it runs under.
#pragma once

#include <vector>

#include "core/context.h"
#include "core/errors.h"

namespace dt {

// The row whose `name` is the running spec's; BROKEN (SetupError) when the
// table has none, which only a body registered from another table can see.
template <typename Row>
const Row& row_of(const Context& ctx, const std::vector<Row>& rows) {
  for (const Row& row : rows)
    if (ctx.spec().name == row.name) return row;
  throw SetupError(ctx.spec().name + " is not in the table of the file that registered it");
}

}  // namespace dt

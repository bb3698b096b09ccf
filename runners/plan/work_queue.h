// The instances of a run as a queue in a folder that every guest of the run
// sees (the run folder is shared over 9p), so that parallel guests pull
// their next instance instead of each getting a fixed part: a guest that
// draws short instances simply takes more of them, and the guests finish
// close together.
//
//   QUEUE/00001   one file per instance not yet taken, named by its place
//   QUEUE/00002   in the run (the order guests take them), holding its name
//   TAKEN/00001   the same file, moved by the guest that took it
//
// A guest takes an entry by renaming it from QUEUE into its own TAKEN
// folder. rename(2) is atomic on the host's filesystem, where 9p performs
// it, so two guests never take the same instance; the loser gets ENOENT and
// tries the next entry. An entry that a guest took but never reported (it
// died between taking and starting) goes back with put_back().
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dt {

struct QueueEntry {
  std::string file;  // "00001"
  std::string name;  // the instance name it holds
};

// Creates QUEUE (emptied first) with one entry per name, in this order.
void fill_work_queue(const std::string& queue_dir, const std::vector<std::string>& names);

// Moves the first entry of QUEUE into TAKEN and returns it; nullopt when
// QUEUE is empty. Throws SetupError for any failure but a lost race.
std::optional<QueueEntry> take_next(const std::string& queue_dir, const std::string& taken_dir);

// Entries still waiting (QUEUE) or held (TAKEN), in queue order.
std::vector<QueueEntry> queue_entries(const std::string& dir);

// Returns a taken entry to QUEUE, in its old place.
void put_back(const std::string& taken_dir, const std::string& queue_dir, const QueueEntry& entry);

}  // namespace dt

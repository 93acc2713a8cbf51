// The pieces of the SLURM executor ("slurm", src/cosim/slurm_executor.cpp) that need no
// cluster: the array script each task runs, and what squeue's states mean to scprec.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scprec/cosim/executor.hpp"

namespace scprec::cosim {

/// A SLURM job state as scprec sees it.
enum class TaskState { kPending, kRunning, kFinished, kFailed, kTimedOut, kCancelled };

/// "pending", "running", "finished", "failed", "timed out", "cancelled".
const char* to_string(TaskState state);

/// The state of a task in squeue's or sacct's words (PENDING, RUNNING, COMPLETING, COMPLETED,
/// FAILED, TIMEOUT, CANCELLED, NODE_FAIL, OUT_OF_MEMORY, ...; sacct's "CANCELLED by 0" too).
/// Unknown words are running: the executor keeps waiting for a state it knows to be final.
TaskState slurm_task_state(const std::string& state);

/// True for the states after which a task does nothing more.
bool is_final(TaskState state);

/// One array task in a squeue or sacct listing.
struct TaskStatus {
  TaskState state = TaskState::kPending;
  std::string slurm_state;  ///< as SLURM wrote it
  std::string node;         ///< where it ran or runs ("" : not yet)
};

/// The key of parse_task_listing for a line about the whole array: squeue's "N/A", as it lists
/// an array none of whose tasks started (e.g. cancelled while all were pending).
constexpr std::size_t kWholeArray = static_cast<std::size_t>(-1);

/// Parses `squeue -h -r -t all -j ID -o '%K|%T|%N'` (or `sacct -n -P -X -j ID -o
/// JobID,State,NodeList`, whose job ids end in _K): array task index (or kWholeArray) to status.
/// Lines that name a range of tasks ("0-3" or "[0-3]", pending) are left out.
std::map<std::size_t, TaskStatus> parse_task_listing(const std::string& text);

/// The file a task leaves in its job folder when run.sh ends: "EXIT SECONDS NODE".
constexpr const char* kTaskStatusFile = "slurm.status";

/// The exit status of the array script when a node cannot enter the job folder.
constexpr int kExitNoJobFolder = 97;

/// The batch script of one array: task k enters the folder of jobs[k] (exiting
/// kExitNoJobFolder, with a message naming the folder and the node, if it cannot), runs `sh
/// run.sh` there under `timeout` (the job's timeout_seconds; 0: none) with its output in job.log,
/// and writes kTaskStatusFile. Exits with run.sh's status (124: timed out).
std::string slurm_array_script(const std::vector<Job>& jobs);

}  // namespace scprec::cosim

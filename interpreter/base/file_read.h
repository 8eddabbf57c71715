#pragma once
// Reading a file the user named, safely: anything that is not a regular file (a FIFO, a device,
// a directory, a socket) is refused before it is read, so that a FIFO cannot block `runbook`
// forever and /dev/zero cannot fill its memory.
#include <cstddef>
#include <optional>
#include <string>

namespace rb {

// The file's bytes, or nullopt with `*error` set to a plain reason ("is a FIFO, not a regular
// file", "No such file or directory", "is larger than 4 MiB").
std::optional<std::string> read_regular_file(const std::string& path, size_t max_bytes,
                                             std::string* error);

}  // namespace rb
